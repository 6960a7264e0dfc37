//! Search across tables (`:find TEXT`): a value found in two tables, a value found nowhere,
//! a value with a quote and the LIKE wildcards `%` and `_` in it (matched as themselves), an
//! integer matched against the keys, and Enter opening the row, on every backend; the hits
//! screen as a snapshot on the demo.

mod common;

use aksara_tui::screens::{Status, View};
use aksara_tui::Target;
use common::{private_data_home, redact, Backend, Driver, TestDb};

/// The hits as `table · column · key` triples.
fn hits(d: &Driver) -> Vec<(String, String, String)> {
    match d.app.view() {
        Some(View::Find(v)) => {
            assert_eq!(v.status(), &Status::Ready, "the search finished");
            v.found()
                .expect("found")
                .hits
                .iter()
                .map(|h| (h.table.clone(), h.column.clone(), h.key.clone()))
                .collect()
        }
        other => panic!("not the search screen: {other:?}"),
    }
}

fn triple(table: &str, column: &str, key: &str) -> (String, String, String) {
    (table.into(), column.into(), key.into())
}

fn find_across(backend: Backend) {
    private_data_home();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(
        backend,
        &format!("find_across_{}", backend.name()),
    )) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL); \
         CREATE TABLE notes (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES people (id), \
           body VARCHAR(200)); \
         CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); \
         INSERT INTO people VALUES (1, 'Ann O''Brien 100%'), (2, 'Bob 100x'), (3, 'Cy 1_0'), \
           (4, 'Di 120'); \
         INSERT INTO notes VALUES (1, 1, 'met o''brien at 100% rate'), (2, 2, 'nothing'), \
           (3, NULL, NULL); \
         INSERT INTO counters VALUES (7, 2);",
    ))
    .expect("the tables");
    drop(db);

    let mut d = Driver::new(Target::Url(t.url.clone()));
    // In two tables, ignoring case.
    d.keys(":find BRIEN<Enter>");
    assert_eq!(
        hits(&d),
        [triple("notes", "body", "1"), triple("people", "name", "1")],
        "{backend:?}"
    );
    let screen = d.screen(100, 20);
    assert!(
        screen.contains("2 rows with \"BRIEN\" in 2 tables searched"),
        "{backend:?}:\n{screen}"
    );
    assert!(screen.contains("met o'brien at 100% rate"), "{screen}");
    // Enter opens the row.
    d.keys("<Down><Enter>");
    let screen = d.screen(100, 20);
    assert!(d.crumbs().contains("Ann O'Brien"), "{}", d.crumbs());
    assert!(
        screen.contains("Ann O'Brien 100%"),
        "{backend:?}:\n{screen}"
    );

    // Nowhere.
    d.keys(":find zebra<Enter>");
    assert_eq!(hits(&d), [], "{backend:?}");
    assert!(d.screen(100, 20).contains("0 rows with \"zebra\""));

    // A quote and a `%`: only the rows holding them as typed (not `Bob 100x`).
    d.keys(":find O'Brien 100%<Enter>");
    assert_eq!(hits(&d), [triple("people", "name", "1")], "{backend:?}");
    d.keys(":find 0%<Enter>");
    assert_eq!(
        hits(&d),
        [triple("notes", "body", "1"), triple("people", "name", "1")],
        "{backend:?}: `%` is not a wildcard"
    );
    // `_` is not one either: `1_0` finds Cy only, not `100` or `120`.
    d.keys(":find 1_0<Enter>");
    assert_eq!(hits(&d), [triple("people", "name", "3")], "{backend:?}");

    // An integer is looked for among the integer keys too (not other integer columns: the
    // counter whose n is 2 is not found).
    d.keys(":find 2<Enter>");
    assert_eq!(
        hits(&d),
        [
            triple("notes", "id", "2"),
            triple("people", "id", "2"),
            triple("people", "name", "4"),
        ],
        "{backend:?}"
    );
}

#[test]
fn a_search_finds_values_across_tables_on_sqlite() {
    find_across(Backend::Sqlite);
}

#[test]
fn a_search_finds_values_across_tables_on_postgres() {
    find_across(Backend::Postgres);
}

#[test]
fn a_search_finds_values_across_tables_on_mysql() {
    find_across(Backend::Mysql);
}

#[test]
fn the_hits_screen() {
    private_data_home();
    let mut d = Driver::demo("find_hits");
    d.keys(":find rust<Enter>");
    assert_eq!(d.crumbs(), "find \"rust\"");
    let text = redact(&d.terminal(100, 24).backend().to_string());
    insta::assert_snapshot!("find_hits_100x24", text);
}
