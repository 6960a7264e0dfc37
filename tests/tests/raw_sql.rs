//! Raw SQL: `{}` is a bind marker only outside quoted strings, quoted identifiers, comments
//! and PostgreSQL dollar-quoted bodies; `{{}}` writes a literal `{}`; a bind-count mismatch is
//! an error before anything runs.

use aksara::{Db, Error, Value};
use aksara_tests::{backend_tests, Backend, TestDb};

/// Runs `sql` with the single bind 7 and returns its one row: the texts before the last
/// column, which must be the bound 7.
async fn texts_then_seven(db: &Db, sql: &str) -> Vec<String> {
    let rows = db
        .raw(sql, [Value::I32(7)])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(rows.len(), 1, "{sql}");
    let mut row = rows.into_iter().next().expect("one row");
    let last = row.pop().expect("a bound column");
    assert_eq!(
        aksara::FieldKind::BigInteger
            .coerce(last.clone())
            .ok()
            .and_then(|v| v.as_i64()),
        Some(7),
        "{sql}: the one marker took the bind, got {last:?}"
    );
    row.into_iter()
        .map(|v| match v {
            Value::String(s) => s,
            Value::Json(j) => j.to_string(),
            Value::Bytes(b) => String::from_utf8(b).expect("utf-8"),
            other => panic!("{sql}: expected text, got {other:?}"),
        })
        .collect()
}

async fn markers_inside_quotes_and_comments_are_text(t: TestDb) {
    let db = t.connect(aksara::Registry::empty()).await;
    let cases: Vec<(&str, Vec<&str>)> = match t.backend() {
        Backend::Postgres => vec![
            ("SELECT '{}'::text, {}::int", vec!["{}"]),
            ("SELECT '{}'::jsonb::text, {}::int", vec!["{}"]),
            ("SELECT 'it''s {}'::text, {}::int", vec!["it's {}"]),
            ("SELECT E'it\\'s {}'::text, {}::int", vec!["it's {}"]),
            ("SELECT 'C:\\'::text, {}::int", vec!["C:\\"]),
            (
                "SELECT $${}$$::text, $q${} $$ {}$q$::text, {}::int",
                vec!["{}", "{} $$ {}"],
            ),
            ("SELECT {}::int AS \"{}\"", vec![]),
            ("SELECT -- {} is not a marker here\n {}::int", vec![]),
            ("SELECT /* {} /* nested {} */ still {} */ {}::int", vec![]),
            (
                "SELECT '{\"a\": {}}'::jsonb::text, {}::int",
                vec!["{\"a\": {}}"],
            ),
        ],
        Backend::Mysql => vec![
            ("SELECT '{}', {}", vec!["{}"]),
            ("SELECT 'it''s {}', {}", vec!["it's {}"]),
            ("SELECT 'it\\'s {}', {}", vec!["it's {}"]),
            ("SELECT \"say \\\"{}\\\"\", {}", vec!["say \"{}\""]),
            (
                "SELECT CAST(JSON_OBJECT() AS CHAR), CAST('{}' AS CHAR), {}",
                vec!["{}", "{}"],
            ),
            ("SELECT {} AS `{}`", vec![]),
            ("SELECT -- {} is not a marker here\n {}", vec![]),
            ("SELECT # {} neither\n {}", vec![]),
            ("SELECT /* {} */ {}", vec![]),
        ],
        Backend::Sqlite => vec![
            ("SELECT '{}', {}", vec!["{}"]),
            ("SELECT 'it''s {}', {}", vec!["it's {}"]),
            ("SELECT 'C:\\', {}", vec!["C:\\"]),
            ("SELECT json('{}'), {}", vec!["{}"]),
            ("SELECT {} AS \"{}\"", vec![]),
            ("SELECT {} AS `{}`", vec![]),
            ("SELECT {} AS [{}]", vec![]),
            ("SELECT -- {} is not a marker here\n {}", vec![]),
            ("SELECT /* {} */ {}", vec![]),
        ],
    };
    for (sql, texts) in cases {
        assert_eq!(texts_then_seven(&db, sql).await, texts, "{sql}");
    }
}

async fn bind_count_mismatch_is_an_error_before_anything_runs(t: TestDb) {
    let db = t.connect(aksara::Registry::empty()).await;
    db.raw_execute("CREATE TABLE raw_notes (body VARCHAR(50))", [])
        .await
        .unwrap();
    let before = db.query_count();
    let cases: [(&str, Vec<Value>); 4] = [
        ("INSERT INTO raw_notes (body) VALUES ({})", vec![]),
        (
            "INSERT INTO raw_notes (body) VALUES ({})",
            vec!["a".into(), "b".into()],
        ),
        (
            "INSERT INTO raw_notes (body) VALUES ('{}')",
            vec!["a".into()],
        ),
        (
            "INSERT INTO raw_notes (body) VALUES ({}), ({})",
            vec!["a".into()],
        ),
    ];
    for (sql, binds) in cases {
        match db.raw_execute(sql, binds.clone()).await {
            Err(Error::Config(messages)) => assert!(
                messages.iter().any(|m| m.contains("bind")),
                "{sql}: {messages:?}"
            ),
            other => panic!("{sql} with {binds:?}: expected Error::Config, got {other:?}"),
        }
    }
    assert_eq!(db.query_count(), before, "nothing ran");
    let rows = db.raw("SELECT COUNT(*) FROM raw_notes", []).await.unwrap();
    assert_eq!(
        aksara::FieldKind::BigInteger
            .coerce(rows[0][0].clone())
            .ok()
            .and_then(|v| v.as_i64()),
        Some(0),
        "no row was written"
    );
    // Once the counts match, the statement runs.
    let concat = match t.backend() {
        Backend::Mysql => "INSERT INTO raw_notes (body) VALUES (CONCAT('x', {}, '{}'))",
        _ => "INSERT INTO raw_notes (body) VALUES ('x' || {} || '{}')",
    };
    db.raw_execute(concat, ["y".into()]).await.unwrap();
    let rows = db.raw("SELECT body FROM raw_notes", []).await.unwrap();
    let bodies: Vec<String> = rows
        .into_iter()
        .flatten()
        .map(|v| match v {
            Value::String(s) => s,
            // MySQL reports text of a binary collation as bytes.
            Value::Bytes(b) => String::from_utf8(b).expect("utf-8"),
            other => panic!("expected text, got {other:?}"),
        })
        .collect();
    assert_eq!(bodies, ["xy{}"]);
}

backend_tests!(
    markers_inside_quotes_and_comments_are_text,
    bind_count_mismatch_is_an_error_before_anything_runs,
);
