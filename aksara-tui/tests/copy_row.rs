//! Copying a whole row (`Y` as tab-separated values, `J` as a JSON object) from a grid, a
//! record and an SQL result, on all three backends: the OSC 52 sequence carries the row as
//! read, NULL, tabs and newlines written so that they survive.

mod common;

use aksara::Value;
use aksara_tui::clipboard::osc52;
use aksara_tui::Target;
use common::{private_data_home, Backend, Driver, TestDb};

const TSV: &str = "1\tAda\\tLovelace\t\\N\t3\tline one\\nline two";
const JSON: &str =
    r#"{"id":1,"name":"Ada\tLovelace","note":null,"qty":3,"body":"line one\nline two"}"#;

fn copies_a_row(backend: Backend, test: &str) {
    private_data_home();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(backend, test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, \
         note VARCHAR(50), qty INTEGER NOT NULL, body TEXT NOT NULL)",
    ))
    .expect("the table");
    rt.block_on(db.raw_execute(
        "INSERT INTO item (id, name, note, qty, body) VALUES ({}, {}, {}, {}, {})",
        [
            Value::I32(1),
            Value::from("Ada\tLovelace"),
            Value::Null,
            Value::I32(3),
            Value::from("line one\nline two"),
        ],
    ))
    .expect("the row");
    drop(db);
    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys("/item<Enter><Enter>");
    d.app.take_clipboard();
    // The grid.
    d.keys("Y");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52(TSV)],
        "{backend:?}: grid TSV"
    );
    let screen = d.screen(100, 12);
    let message = screen.lines().nth(10).unwrap_or_default().to_string();
    insta::assert_snapshot!(format!("copied_row_{}", backend.name()), message);
    d.keys("J");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52(JSON)],
        "{backend:?}: grid JSON"
    );
    // The record.
    d.keys("<Enter>J");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52(JSON)],
        "{backend:?}: record JSON"
    );
    d.keys("Y");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52(TSV)],
        "{backend:?}: record TSV"
    );
    // An SQL result: its columns as the query names them.
    d.keys(":select id, note as remark from item<Enter>Y");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52("1\t\\N")],
        "{backend:?}: SQL TSV"
    );
    d.keys("J");
    assert_eq!(
        d.app.take_clipboard(),
        [osc52(r#"{"id":1,"remark":null}"#)],
        "{backend:?}: SQL JSON"
    );
}

#[test]
fn copies_a_row_on_sqlite() {
    copies_a_row(Backend::Sqlite, "copy_row_sqlite");
}

#[test]
fn copies_a_row_on_postgres() {
    copies_a_row(Backend::Postgres, "copy_row_pg");
}

#[test]
fn copies_a_row_on_mysql() {
    copies_a_row(Backend::Mysql, "copy_row_mysql");
}
