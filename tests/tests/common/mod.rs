//! Helpers shared by the Foundation tests (not a test target of its own).

#![allow(dead_code)]

use aksara::{Db, Error};

/// The number of rows in `table`, read with plain SQL (not through the ORM under test).
pub async fn table_rows(db: &Db, table: &str) -> i64 {
    let rows = db
        .raw(&format!("SELECT COUNT(*) FROM {table}"), [])
        .await
        .unwrap_or_else(|e| panic!("counting {table}: {e}"));
    rows.first()
        .and_then(|r| r.first())
        .and_then(|v| v.as_i64())
        .unwrap_or_else(|| panic!("COUNT(*) of {table} is not an integer: {rows:?}"))
}

/// The row counts of several tables, for "nothing changed" checks.
pub async fn snapshot(db: &Db, tables: &[&str]) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for t in tables {
        out.push((t.to_string(), table_rows(db, t).await));
    }
    out
}

/// Panics unless `text` contains every one of `needles`.
pub fn assert_mentions(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "expected {n:?} in: {text}");
    }
}

/// The error of `result`, or a panic naming what was expected.
pub fn expect_err<T: std::fmt::Debug>(result: aksara::Result<T>, what: &str) -> Error {
    match result {
        Ok(v) => panic!("expected {what}, got Ok({v:?})"),
        Err(e) => e,
    }
}
