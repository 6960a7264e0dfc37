//! Schemas in the shape of the public Sakila (MySQL) and Pagila (PostgreSQL) samples, our own
//! rows in `tests/fixtures/`, opened through the real app on PostgreSQL, MariaDB and SQLite:
//! every table and the view listed, the first page of every table read with its row count,
//! the two tables that reference each other (`store.manager_staff_id`, `staff.store_id`)
//! followed both ways, a customer's payments listed (through the partitioned parent on
//! PostgreSQL), and the table list drawn on SQLite.
//!
//! The fixtures carry the types that broke explorers before: ENUM, SET, YEAR, BLOB and
//! unsigned keys on MariaDB; an enum type, a domain, `text[]`, `tsvector` and a
//! range-partitioned table on PostgreSQL.

mod common;

use aksara::introspect::TableKind;
use aksara_tui::screens::View;
use aksara_tui::Target;
use common::{redact, Backend, Driver, TestDb};

/// Every table and view of the fixture, with its row count.
const TABLES: [(&str, usize); 16] = [
    ("actor", 5),
    ("address", 6),
    ("category", 4),
    ("city", 4),
    ("country", 3),
    ("customer", 4),
    ("film", 5),
    ("film_actor", 8),
    ("film_category", 5),
    ("film_list", 5),
    ("inventory", 6),
    ("language", 3),
    ("payment", 6),
    ("rental", 6),
    ("staff", 2),
    ("store", 2),
];

fn fixture(backend: Backend) -> String {
    let script = match backend {
        Backend::Postgres => include_str!("fixtures/sakila_postgres.sql"),
        Backend::Mysql => include_str!("fixtures/sakila_mariadb.sql"),
        Backend::Sqlite => include_str!("fixtures/sakila_sqlite.sql"),
    };
    if backend == Backend::Sqlite {
        format!("BEGIN;\n{script}\nCOMMIT;")
    } else {
        script.to_string()
    }
}

fn screen(d: &mut Driver) -> String {
    d.screen(140, 40)
}

fn assert_no_error(d: &mut Driver, step: &str) {
    let message = d.app.message().filter(|m| m.error).map(|m| m.text.clone());
    assert!(message.is_none(), "{step}: {message:?}\n{}", screen(d));
}

/// The screen as text with the title bar's source (a scratch file path) blanked.
fn without_source(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let text = redact(&terminal.backend().to_string());
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if let Some(title) = lines.first_mut() {
        if let Some(at) = title.find("sqlite://") {
            let width = title[at..].chars().count().saturating_sub(1);
            title.replace_range(at.., &format!("{}\"", " ".repeat(width)));
        }
    }
    lines.join("\n")
}

fn back_to_tables(d: &mut Driver) {
    for _ in 0..30 {
        if d.crumbs() == "tables" {
            return;
        }
        d.keys("<BS>");
    }
    panic!("never got back to the table list: {}", d.crumbs());
}

/// Opens `table` from the table list and checks its first page holds all `rows` rows.
fn browse(d: &mut Driver, table: &str, rows: usize) {
    back_to_tables(d);
    d.keys(&format!("/{table}<Enter><Enter>"));
    assert_no_error(d, &format!("open {table}"));
    assert_eq!(d.crumbs(), table, "opened {table}");
    let s = screen(d);
    let Some(View::Grid(grid)) = d.app.view() else {
        panic!("{table}: a grid\n{s}");
    };
    assert_eq!(grid.window().len(), rows, "{table}: rows read\n{s}");
    assert!(
        grid.window().at_start && grid.window().at_end,
        "{table}: one page\n{s}"
    );
    assert!(s.contains(&format!("row 1 of {rows}")), "{table}:\n{s}");
}

fn sample_schemas(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let test = format!("sample_schemas_{}", backend.name());
    let Some(t) = runtime.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    let db = runtime.block_on(t.connect());
    runtime
        .block_on(db.batch_execute(&fixture(backend)))
        .expect("load the sample schema");
    drop(db);
    let mut d = Driver::new(Target::Url(t.url.clone()));
    if let Some(e) = d.app.connect_error() {
        panic!("the sample schema does not open on {}: {e}", backend.name());
    }
    assert_eq!(d.crumbs(), "tables");

    // Every table and the view are in the catalog, and drawn in the list.
    let catalog = d.app.catalog().expect("a catalog").clone();
    let s = screen(&mut d);
    for (table, _) in TABLES {
        let entry = catalog
            .tables
            .iter()
            .find(|e| e.table == table)
            .unwrap_or_else(|| panic!("{table} in the catalog"));
        if table == "film_list" {
            assert_eq!(entry.kind, TableKind::View, "film_list is a view");
        }
        assert!(s.contains(table), "{table} listed:\n{s}");
    }
    assert!(s.contains("16 of 16 tables"), "{s}");
    if backend == Backend::Sqlite {
        let terminal = d.terminal(100, 30);
        insta::assert_snapshot!("sakila_tables_sqlite", without_source(&terminal));
    }
    if backend == Backend::Postgres {
        let payment = catalog.tables.iter().find(|e| e.table == "payment");
        assert_eq!(
            payment.map(|e| e.kind),
            Some(TableKind::Partitioned),
            "payment is partitioned"
        );
    }

    // The first page of every table, with its row count.
    for (table, rows) in TABLES {
        browse(&mut d, table, rows);
    }

    // A film's detail: the enum, set, year, array and tsvector columns read as text.
    back_to_tables(&mut d);
    d.keys("/film<Enter><Enter><Enter>");
    assert_no_error(&mut d, "a film's detail");
    assert_eq!(d.crumbs(), "film: Northern Lanterns");
    let s = screen(&mut d);
    let needles: &[&str] = match backend {
        Backend::Postgres => &[
            "2006",
            "PG",
            r#"{Trailers,"Deleted Scenes"}"#,
            "'boat':6 'drama':4 'fishing':5 'lanterns':2 'northern':1 'quiet':3",
        ],
        Backend::Mysql | Backend::Sqlite => &["2006", "PG", "Trailers,Deleted Scenes"],
    };
    for needle in needles {
        assert!(s.contains(needle), "{needle:?} in the film's detail:\n{s}");
    }

    // store -> its manager (staff), and staff -> its store.
    back_to_tables(&mut d);
    d.keys("/store<Enter><Enter><Enter>");
    assert_no_error(&mut d, "a store's detail");
    d.keys("/manager<Enter><Enter>");
    assert_no_error(&mut d, "follow store.manager_staff_id");
    let crumbs = d.crumbs();
    assert!(
        crumbs.starts_with("store: ") && crumbs.contains(" > manager_staff"),
        "{crumbs}"
    );
    let s = screen(&mut d);
    for needle in ["Astrid", "astrid.lund", "x'89504e470d0a1a0a' (8 B)"] {
        assert!(
            s.contains(needle),
            "{needle:?} in the manager's detail:\n{s}"
        );
    }
    back_to_tables(&mut d);
    d.keys("/staff<Enter><Enter>j<Enter>");
    assert_no_error(&mut d, "a staff member's detail");
    assert!(d.crumbs().starts_with("staff: "), "{}", d.crumbs());
    d.keys("/store<Enter><Enter>");
    assert_no_error(&mut d, "follow staff.store_id");
    let crumbs = d.crumbs();
    assert!(crumbs.contains(" > store"), "{crumbs}");
    let s = screen(&mut d);
    assert!(s.contains("7 Rua das Flores"), "{s}");

    // A customer's payments: on PostgreSQL the keys are on the partitioned parent.
    back_to_tables(&mut d);
    d.keys("/customer<Enter><Enter><Enter>");
    assert_no_error(&mut d, "a customer's detail");
    d.keys("/payment<Enter>");
    let s = screen(&mut d);
    assert!(s.contains("3 rows"), "Hana's three payments counted:\n{s}");
    d.keys("<Enter>");
    assert_no_error(&mut d, "list a customer's payments");
    let s = screen(&mut d);
    assert!(s.contains("row 1 of 3"), "Hana's three payments:\n{s}");

    // A rental's payment: on PostgreSQL that key is declared on each partition.
    back_to_tables(&mut d);
    d.keys("/rental<Enter><Enter>jjj<Enter>");
    assert_no_error(&mut d, "a rental's detail");
    d.keys("/payment<Enter>");
    let s = screen(&mut d);
    assert!(s.contains("1 row"), "the rental's payment counted:\n{s}");
    d.keys("<Enter>");
    assert_no_error(&mut d, "list a rental's payments");
    let s = screen(&mut d);
    assert!(
        s.contains("row 1 of 1") && s.contains("Sigrid"),
        "rental 4's payment:\n{s}"
    );
}

#[test]
fn sample_schemas_postgres() {
    sample_schemas(Backend::Postgres);
}

#[test]
fn sample_schemas_mysql() {
    sample_schemas(Backend::Mysql);
}

#[test]
fn sample_schemas_sqlite() {
    sample_schemas(Backend::Sqlite);
}
