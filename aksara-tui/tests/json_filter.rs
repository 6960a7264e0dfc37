//! A filter on a JSON column does what its prompt says: on PostgreSQL it finds the rows whose
//! document equals the one typed, whatever the key order or spacing; on SQLite it finds the
//! rows whose stored text is the document written compactly, keys sorted.

mod common;

use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

/// Three documents: one compact with sorted keys, one spaced, one with its keys reversed.
fn driver(backend: Backend, test: &str) -> Option<Driver> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t = rt.block_on(TestDb::new(backend, test))?;
    let db = rt.block_on(t.connect());
    let json = if backend == Backend::Postgres {
        "jsonb"
    } else {
        "JSON"
    };
    rt.block_on(db.batch_execute(&format!(
        r#"CREATE TABLE doc (id INTEGER PRIMARY KEY, body {json});
           INSERT INTO doc VALUES (1, '{{"a":[1,2],"b":"text"}}'), (2, '{{"a": [1, 2], "b": "text"}}'),
               (3, '{{"b":"text","a":[1,2]}}'), (4, '"rock"');"#
    )))
    .expect("the table");
    drop(db);
    Some(Driver::new(Target::Url(t.url.clone())))
}

/// The ids in the grid's first column.
fn ids(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("id "))
        .skip(1)
        .map_while(|l| {
            l.split_whitespace()
                .next()
                .filter(|w| w.parse::<u32>().is_ok())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn a_json_filter_does_what_its_prompt_says() {
    for (backend, hint, matched) in [
        (
            Backend::Postgres,
            "(equal JSON document, any key order or spacing)",
            vec!["1", "2", "3"],
        ),
        (
            Backend::Sqlite,
            "(stored text equals the JSON written compactly, keys sorted)",
            vec!["1"],
        ),
    ] {
        let Some(mut d) = driver(backend, "json_filter") else {
            continue;
        };
        d.keys("/doc<Enter><Enter>l/");
        let s = d.screen(100, 10);
        assert!(
            s.contains(&format!("filter body {hint}")) && !s.contains("(exact)"),
            "{backend:?}:\n{s}"
        );
        d.keys(r#"{"b": "text", "a": [1, 2]}<Enter>"#);
        let s = d.screen(100, 10);
        assert_eq!(ids(&s), matched, "{backend:?}:\n{s}");
    }
}
