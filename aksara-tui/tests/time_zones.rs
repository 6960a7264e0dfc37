//! Date-times with and without a time zone: a PostgreSQL `timestamptz` shows its offset
//! (`+00:00`, the engine reads it in UTC) in the grid and the detail view, so it never looks
//! like a plain `timestamp`; MySQL's and SQLite's date-times, which carry no zone, show none.

mod common;

use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

/// The table `moment` with one row: the same wall-clock time as `timestamp` and as a
/// `timestamptz` written at +02:00 (21:59 UTC), on `backend`.
fn script(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "CREATE TABLE moment (id integer PRIMARY KEY, plain_at timestamp, zoned_at timestamptz);
             INSERT INTO moment VALUES (1, '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.123456+02');"
        }
        Backend::Mysql => {
            "CREATE TABLE moment (id integer PRIMARY KEY, plain_at datetime(6), zoned_at timestamp(6) NULL);
             INSERT INTO moment VALUES (1, '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.123456');"
        }
        Backend::Sqlite => {
            "CREATE TABLE moment (id integer PRIMARY KEY, plain_at datetime, zoned_at timestamp);
             INSERT INTO moment VALUES (1, '2024-02-29 23:59:59.123456', '2024-02-29 23:59:59.123456');"
        }
    }
}

fn driver(backend: Backend, test: &str) -> Option<Driver> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t = rt.block_on(TestDb::new(backend, test))?;
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(script(backend)))
        .expect("the table");
    drop(db);
    Some(Driver::new(Target::Url(t.url.clone())))
}

/// The grid's line of row 1.
fn row_line(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| l.starts_with("1 "))
        .unwrap_or_else(|| panic!("no row 1:\n{screen}"))
}

#[test]
fn postgres_timestamptz_shows_its_offset_and_timestamp_none() {
    let Some(mut d) = driver(Backend::Postgres, "tz_pg") else {
        return;
    };
    d.keys("/moment<Enter><Enter>");
    let s = d.screen(120, 12);
    let row = row_line(&s);
    assert!(
        row.contains("2024-02-29 21:59:59.123456+00:00"),
        "timestamptz in UTC with its offset:\n{s}"
    );
    assert!(
        row.contains("2024-02-29 23:59:59.123456 ") && !row.contains("23:59:59.123456+"),
        "a plain timestamp has no offset:\n{s}"
    );
    // The detail view and its value pane say the same.
    d.keys("<Enter>");
    let s = d.screen(120, 24);
    let line = |name: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line:\n{s}"))
            .to_string()
    };
    assert!(
        line("zoned_at").contains("2024-02-29 21:59:59.123456+00:00"),
        "{s}"
    );
    assert!(!line("plain_at").contains("+00:00"), "{s}");
    d.keys("jj");
    let s = d.screen(120, 24);
    let pane: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("zoned_at ─"))
        .collect();
    assert!(
        pane.iter()
            .any(|l| l.contains("2024-02-29 21:59:59.123456+00:00")),
        "the value pane shows the offset:\n{s}"
    );
}

#[test]
fn mysql_and_sqlite_date_times_show_no_offset() {
    for (backend, test) in [(Backend::Mysql, "tz_mysql"), (Backend::Sqlite, "tz_sqlite")] {
        let Some(mut d) = driver(backend, test) else {
            continue;
        };
        d.keys("/moment<Enter><Enter>");
        let s = d.screen(120, 12);
        let row = row_line(&s);
        assert_eq!(
            row.matches("2024-02-29 23:59:59.123456").count(),
            2,
            "{backend:?}: both columns as stored:\n{s}"
        );
        assert!(!row.contains('+'), "{backend:?}: no offset:\n{s}");
    }
}

#[test]
fn postgres_timestamptz_shows_its_offset_in_an_sql_result() {
    common::private_data_home();
    let Some(mut d) = driver(Backend::Postgres, "tz_pg_sql") else {
        return;
    };
    d.keys(":select id, plain_at, zoned_at, null::timestamptz as nothing from moment<Enter>");
    let s = d.screen(120, 12);
    let row = row_line(&s);
    assert!(
        row.contains("2024-02-29 23:59:59.123456 ")
            && row.contains("2024-02-29 21:59:59.123456+00:00"),
        "the timestamp bare, the timestamptz with its offset:\n{s}"
    );
    assert!(!row.contains("23:59:59.123456+"), "{s}");
}
