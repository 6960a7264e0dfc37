//! Any string as a lookup path, an order_by term and an update field, with any value, on the
//! demo's models, for every dialect: the compiler returns SQL or a typed error, never panics.
//!
//! ```sh
//! cargo install cargo-fuzz
//! cargo fuzz run lookup_path -- -max_total_time=300
//! ```

#![no_main]

use aksara::compile::Compiler;
use aksara::{Condition, Error, OrderBy, Query, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (path, value) = text.split_once('=').unwrap_or((&text, ""));
    let registry = aksara::demo::registry();
    let values = [Value::String(value.to_string()), Value::Null, Value::I64(value.len() as i64), Value::Array(vec![])];
    let dialects: [&dyn aksara::Dialect; 3] =
        [&aksara::postgres::PgDialect, &aksara::mysql::MysqlDialect, &aksara::sqlite::SqliteDialect];
    for model in ["Post", "User", "Category", "Tag", "UserProfile"] {
        let info = registry.model(model).expect("demo model");
        for value in &values {
            let mut query = Query::default();
            query.conditions.push(Condition::new(path, value.clone()));
            query.order_by.push(OrderBy::parse(path));
            for dialect in dialects {
                let mut compiler = Compiler::new(&registry, dialect);
                for result in [
                    compiler.select(info, &query),
                    compiler.count(info, &query),
                    compiler.update(info, &query, &[(path, value.clone()).into()]),
                    compiler.delete(info, &query),
                ] {
                    match result {
                        Ok(_) | Err(Error::UnknownField { .. } | Error::Config(_) | Error::Validation { .. }) => {}
                        Err(other) => panic!("{path:?}: unexpected error {other}"),
                    }
                }
            }
        }
    }
});
