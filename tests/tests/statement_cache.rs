//! The prepared statements a connection keeps stay within `PoolOptions::statement_cache_size`,
//! however many distinct statement shapes a program sends.

use aksara::{Db, PoolOptions, Registry, Value};
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, Backend, TestDb};

const SHAPES: i64 = 1000;

async fn pool_of_one(t: &TestDb) -> (Db, usize) {
    let options = PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    };
    let bound = options.statement_cache_size;
    let db = aksara::connect_with(t.url(), Registry::empty(), options)
        .await
        .expect("connect");
    (db, bound)
}

/// Prepared statements open on the (only) connection of `db`; `None` where the backend
/// does not show them.
async fn open_statements(t: &TestDb, db: &Db) -> Option<i64> {
    match t.backend() {
        Backend::Postgres => {
            let rows = db
                .raw("SELECT COUNT(*) FROM pg_prepared_statements", [])
                .await
                .unwrap();
            rows[0][0].as_i64()
        }
        Backend::Mysql => {
            let rows = db
                .raw(
                    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.SESSION_STATUS \
                     WHERE VARIABLE_NAME IN ('COM_STMT_PREPARE', 'COM_STMT_CLOSE')",
                    [],
                )
                .await
                .unwrap();
            let value = |name: &str| -> i64 {
                rows.iter()
                    .find(|r| matches!(&r[0], Value::String(n) if n.eq_ignore_ascii_case(name)))
                    .and_then(|r| match &r[1] {
                        Value::String(v) => v.parse().ok(),
                        other => other.as_i64(),
                    })
                    .unwrap_or_else(|| panic!("{name} in {rows:?}"))
            };
            Some(value("COM_STMT_PREPARE") - value("COM_STMT_CLOSE"))
        }
        Backend::Sqlite => None,
    }
}

async fn distinct_shapes_stay_within_the_bound(t: TestDb) {
    let (db, bound) = pool_of_one(&t).await;
    let before = open_statements(&t, &db).await;
    for i in 0..SHAPES {
        // A distinct statement text each time: a distinct prepared statement for diesel.
        let sql = format!("SELECT {{}} + {i}");
        let rows = db.raw(&sql, [Value::I64(1)]).await.unwrap();
        assert_eq!(rows[0][0].as_i64(), Some(1 + i), "shape {i} answered");
    }
    // The statements used most are still answered (and kept) after the churn.
    for _ in 0..3 {
        let rows = db.raw("SELECT {} + 0", [Value::I64(5)]).await.unwrap();
        assert_eq!(rows[0][0].as_i64(), Some(5));
    }
    let after = open_statements(&t, &db).await;
    let open = match (before, after) {
        (Some(b), Some(a)) => {
            // The counting query itself may be one of the kept statements.
            assert!(
                a <= bound as i64 + 2,
                "{a} prepared statements open after {SHAPES} shapes (bound {bound}; {b} before)"
            );
            assert!(a > 0, "statements are still cached");
            Some(a)
        }
        _ => {
            eprintln!("SQLite does not show its prepared statements; the shapes ran correctly");
            None
        }
    };
    record(
        t.backend().name(),
        Figures {
            case: "statement_cache_bound",
            tried: match open {
                Some(n) => format!(
                    "{SHAPES} distinct statement shapes on one connection, bound {bound}: {n} prepared statements open at the end"
                ),
                None => format!(
                    "{SHAPES} distinct statement shapes on one connection, bound {bound} (the count is not observable on SQLite)"
                ),
            },
            operations: SHAPES as u64,
            faults: 0,
            errors: 0,
            lost: 0,
        },
    );
}

backend_tests!(distinct_shapes_stay_within_the_bound);
