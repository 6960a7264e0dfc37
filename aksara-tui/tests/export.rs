//! `E` exports a grid, with its filter and sort, to CSV or JSON, on every backend: every row
//! in the grid's order across several pages, values in full (commas, quotes, line breaks,
//! unicode, a 10,000-character text), NULL told from `''`; an existing file is never
//! replaced; Ctrl-C stops an export and leaves no file.
//!
//! Ctrl-C at the very end of an export is tested at fixed points, not by timing: with the
//! export held (`aksara_tui::export::hold`) just before its file is renamed and just after,
//! and after it has ended unseen by the app. Whatever the message line says then is what is
//! on disk: "export was stopped" leaves neither the file nor its part file, "exported N rows
//! to F" leaves F complete.

mod common;

use aksara_tui::export::hold::{self, Point};
use aksara_tui::Target;
use common::{scratch_file, Backend, Driver, TestDb};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Rows in the table: more than two export pages.
const ROWS: usize = 4_500;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The name of row `i` (1-based): awkward for CSV on the first rows.
fn name(i: usize) -> String {
    match i {
        1 => "comma, \"quote\"\nand a line".to_string(),
        2 => "Zoë ✓ 東京".to_string(),
        3 => "x".repeat(10_000),
        i => format!("person {i}"),
    }
}

/// The note of row `i`: NULL, the empty string, or the text `NULL`.
fn note(i: usize) -> Option<String> {
    match i % 3 {
        0 => None,
        1 => Some(String::new()),
        _ => Some("NULL".to_string()),
    }
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A table of [`ROWS`] people, and the explorer on it.
fn driver(backend: Backend, test: &str) -> Option<(Driver, TestDb)> {
    let rt = runtime();
    let t = rt.block_on(TestDb::new(backend, test))?;
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note VARCHAR(10))",
    ))
    .expect("the table");
    let values: Vec<String> = (1..=ROWS)
        .map(|i| {
            let note = note(i).map_or("NULL".to_string(), |n| sql_text(&n));
            format!("({i}, {}, {note})", sql_text(&name(i)))
        })
        .collect();
    for chunk in values.chunks(500) {
        rt.block_on(db.batch_execute(&format!(
            "INSERT INTO people (id, name, note) VALUES {}",
            chunk.join(", ")
        )))
        .expect("the rows");
    }
    drop(db);
    let d = Driver::new(Target::Url(t.url.clone()));
    Some((d, t))
}

/// Types `path` into the export prompt (its proposed name erased first) and waits for the
/// export to end.
fn export_to(d: &mut Driver, path: &Path) {
    d.keys("E");
    let proposed = d.app.prompt().expect("the export prompt").input.clone();
    assert_eq!(proposed, "people.csv");
    d.keys(&"<BS>".repeat(proposed.chars().count()));
    d.keys(&format!("{}<Enter>", path.display()));
}

/// The grid of people with `id <= 4000`, sorted by id descending.
fn filtered_and_sorted(d: &mut Driver) {
    d.keys("/people<Enter><Enter>");
    d.keys("/<=4000<Enter>");
    d.keys("ss");
}

fn expected_ids() -> Vec<usize> {
    (1..=4000).rev().collect()
}

fn fresh(path: PathBuf) -> PathBuf {
    let _ = std::fs::remove_file(&path);
    path
}

fn part_file(path: &Path) -> PathBuf {
    path.with_file_name(format!(
        ".{}.part",
        path.file_name().unwrap().to_string_lossy()
    ))
}

fn csv_export(backend: Backend) {
    let Some((mut d, _t)) = driver(backend, &format!("export_csv_{}", backend.name())) else {
        return;
    };
    filtered_and_sorted(&mut d);
    let path = fresh(scratch_file(&format!("export-{}", backend.name())).with_extension("csv"));
    export_to(&mut d, &path);
    let message = d.app.message().expect("a message").clone();
    assert!(!message.error, "{message:?}");
    assert_eq!(
        message.text,
        format!("exported 4,000 rows to {}", path.display())
    );
    assert!(!part_file(&path).exists(), "the part file is gone");

    let text = std::fs::read_to_string(&path).expect("the file");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, ["id", "name", "note"]);
    let mut ids = Vec::new();
    for record in reader.records() {
        let record = record.expect("a valid CSV record");
        let id: usize = record[0].parse().unwrap();
        assert_eq!(record[1], name(id), "{backend:?} row {id}");
        assert_eq!(record[2], note(id).unwrap_or_default(), "row {id}");
        ids.push(id);
    }
    assert_eq!(
        ids,
        expected_ids(),
        "{backend:?}: every row, in the grid's order"
    );
    // Records end with CRLF; NULL is a bare empty field, '' a quoted one: the raw lines tell
    // them apart.
    assert!(text.starts_with("id,name,note\r\n"), "{}", &text[..40]);
    let line_of = |id: usize| {
        text.lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_string()
    };
    assert_eq!(line_of(3999), "3999,person 3999,", "NULL");
    assert_eq!(line_of(4000), "4000,person 4000,\"\"", "the empty string");
    assert_eq!(line_of(4001 - 3), "3998,person 3998,NULL", "the text NULL");

    // The same name again: refused, and the file is kept as it was.
    export_to(&mut d, &path);
    let message = d.app.message().expect("a message").clone();
    assert!(
        message.error && message.text.contains("exists"),
        "{message:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    std::fs::remove_file(&path).unwrap();
}

fn json_export(backend: Backend) {
    let Some((mut d, _t)) = driver(backend, &format!("export_json_{}", backend.name())) else {
        return;
    };
    filtered_and_sorted(&mut d);
    let path = fresh(scratch_file(&format!("export-{}", backend.name())).with_extension("json"));
    export_to(&mut d, &path);
    let message = d.app.message().expect("a message").clone();
    assert!(!message.error, "{message:?}");
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).expect("valid JSON");
    let rows = document.as_array().expect("an array");
    let ids: Vec<usize> = rows
        .iter()
        .map(|r| r["id"].as_u64().expect("a number") as usize)
        .collect();
    assert_eq!(ids, expected_ids(), "{backend:?}");
    for row in rows {
        let id = row["id"].as_u64().unwrap() as usize;
        assert_eq!(row["name"], name(id).as_str(), "row {id}");
        match note(id) {
            None => assert!(row["note"].is_null(), "row {id}: {row}"),
            Some(n) => assert_eq!(row["note"], n.as_str(), "row {id}"),
        }
    }
    std::fs::remove_file(&path).unwrap();
}

/// Ctrl-C during an export: it stops, and neither the file nor its part file is left.
fn cancelled_export(backend: Backend) {
    let Some((mut d, t)) = driver(backend, &format!("export_cancel_{}", backend.name())) else {
        return;
    };
    // Enough rows that the export is still running after its first page, even when this
    // thread is starved for a few seconds on a loaded machine (the export of 400,000 rows
    // could then finish before Ctrl-C: see the closing note of the explorer issue).
    let rt = runtime();
    let db = rt.block_on(t.connect());
    let bigger = match backend {
        Backend::Postgres => {
            "INSERT INTO people SELECT g, 'more ' || g, NULL FROM generate_series(10001, 1600000) g"
        }
        _ => {
            "INSERT INTO people WITH RECURSIVE g(n) AS (SELECT 10001 UNION ALL SELECT n + 1 FROM g \
             WHERE n < 1600000) SELECT n, 'more', NULL FROM g"
        }
    };
    // MariaDB stops a recursive query after 1,000 rounds unless told otherwise (in the same
    // script, so on the same connection).
    let script = match backend {
        Backend::Mysql => format!("SET SESSION max_recursive_iterations = 2000000; {bigger}"),
        _ => bigger.to_string(),
    };
    rt.block_on(db.batch_execute(&script)).expect("more rows");
    drop(db);
    d.keys("/people<Enter><Enter>");
    let path =
        fresh(scratch_file(&format!("export-cancel-{}", backend.name())).with_extension("csv"));
    d.keys("E");
    d.keys(&"<BS>".repeat(20));
    d.keys_now(&format!("{}<Enter>", path.display()));
    // Wait for the first progress report.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        d.app.drain();
        if d.app
            .message()
            .is_some_and(|m| m.text.starts_with("exporting:"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "{:?}", d.app.message());
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(d.app.busy(), "the export is running");
    d.keys_now("<C-c>");
    assert!(!d.app.busy());
    assert!(
        d.app.message().unwrap().text.contains("export was stopped"),
        "{:?}",
        d.app.message()
    );
    // Both gone at once, not when the worker lets go of the request.
    assert!(!part_file(&path).exists(), "the part file stayed");
    assert!(!path.exists(), "no file for a stopped export");
    // The explorer goes on.
    d.keys("r");
    assert!(
        d.app.message().is_none_or(|m| !m.error),
        "{:?}",
        d.app.message()
    );
}

#[test]
fn a_grid_exports_to_csv_on_sqlite() {
    csv_export(Backend::Sqlite);
}

#[test]
fn a_grid_exports_to_csv_on_postgres() {
    csv_export(Backend::Postgres);
}

#[test]
fn a_grid_exports_to_csv_on_mysql() {
    csv_export(Backend::Mysql);
}

#[test]
fn a_grid_exports_to_json_on_sqlite() {
    json_export(Backend::Sqlite);
}

#[test]
fn a_grid_exports_to_json_on_postgres() {
    json_export(Backend::Postgres);
}

#[test]
fn a_grid_exports_to_json_on_mysql() {
    json_export(Backend::Mysql);
}

#[test]
fn ctrl_c_stops_an_export_on_sqlite() {
    cancelled_export(Backend::Sqlite);
}

#[test]
fn ctrl_c_stops_an_export_on_postgres() {
    cancelled_export(Backend::Postgres);
}

#[test]
fn ctrl_c_stops_an_export_on_mysql() {
    cancelled_export(Backend::Mysql);
}

/// Checks that `message` (the message line after a Ctrl-C) tells what is on disk: a stopped
/// export has neither its file nor its part file, an exported one its file with every row.
fn message_matches_disk(backend: Backend, message: &str, path: &Path) {
    if message.contains("export was stopped") {
        assert!(
            !path.exists(),
            "{backend:?}: {message:?}, and the file exists"
        );
        assert!(
            !part_file(path).exists(),
            "{backend:?}: {message:?}, and the part file exists"
        );
    } else if message.contains(&format!(
        "exported {} rows to {}",
        aksara_tui::format::thousands(ROWS as u64),
        path.display()
    )) {
        let text = std::fs::read_to_string(path).expect("the exported file");
        let ids: Vec<usize> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("a valid CSV record")[0].parse().unwrap())
            .collect();
        assert_eq!(
            ids,
            (1..=ROWS).collect::<Vec<_>>(),
            "{backend:?}: every row"
        );
        assert!(
            !part_file(path).exists(),
            "{backend:?}: the part file is gone"
        );
    } else {
        panic!("{backend:?}: neither stopped nor exported: {message:?}");
    }
}

/// Opens the people grid and starts exporting it to a fresh `name.csv`, without waiting.
fn start_export(d: &mut Driver, path: &Path) {
    d.keys("/people<Enter><Enter>");
    d.keys("E");
    d.keys(&"<BS>".repeat(20));
    d.keys_now(&format!("{}<Enter>", path.display()));
    assert!(d.app.busy(), "the export is running");
}

/// Ctrl-C while the export is held at `point` of its end: before the rename it is stopped
/// (and nothing is left, at once); after it, it has completed and the message says so. Then
/// the export is let go and the worker stopped: nothing it does afterwards changes the disk
/// or the message.
fn ctrl_c_at(backend: Backend, point: Point) {
    let test = format!("export_held_{point:?}_{}", backend.name()).to_lowercase();
    let Some((mut d, _t)) = driver(backend, &test) else {
        return;
    };
    let path = fresh(scratch_file(&test).with_extension("csv"));
    let held = hold::at(&path, point);
    start_export(&mut d, &path);
    assert!(
        held.reached(Duration::from_secs(60)),
        "{backend:?}: the export reached {point:?}"
    );
    d.keys_now("<C-c>");
    assert!(!d.app.busy());
    let message = d.app.message().expect("a message").text.clone();
    message_matches_disk(backend, &message, &path);
    match point {
        Point::Complete => assert!(message.contains("export was stopped"), "{message:?}"),
        Point::Named => assert!(
            message.contains(&format!("exported 4,500 rows to {}", path.display())),
            "{backend:?}: the file was complete when Ctrl-C came: {message:?}"
        ),
    }
    held.release();
    std::thread::sleep(Duration::from_millis(200));
    d.app.drain();
    assert_eq!(d.app.message().expect("a message").text, message);
    drop(d);
    message_matches_disk(backend, &message, &path);
    let _ = std::fs::remove_file(&path);
}

/// Ctrl-C after the export has ended, before the app has seen its answer: it reports the
/// export, whose file is complete.
fn ctrl_c_after_an_unseen_end(backend: Backend) {
    let test = format!("export_unseen_{}", backend.name());
    let Some((mut d, _t)) = driver(backend, &test) else {
        return;
    };
    let path = fresh(scratch_file(&test).with_extension("csv"));
    start_export(&mut d, &path);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{backend:?}: the export never ended"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    d.keys_now("<C-c>");
    assert!(!d.app.busy());
    let message = d.app.message().expect("a message").text.clone();
    message_matches_disk(backend, &message, &path);
    assert!(message.contains("exported"), "{backend:?}: {message:?}");
    drop(d);
    message_matches_disk(backend, &message, &path);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn ctrl_c_before_the_rename_stops_the_export_on_sqlite() {
    ctrl_c_at(Backend::Sqlite, Point::Complete);
}

#[test]
fn ctrl_c_before_the_rename_stops_the_export_on_postgres() {
    ctrl_c_at(Backend::Postgres, Point::Complete);
}

#[test]
fn ctrl_c_before_the_rename_stops_the_export_on_mysql() {
    ctrl_c_at(Backend::Mysql, Point::Complete);
}

#[test]
fn ctrl_c_after_the_rename_reports_the_export_on_sqlite() {
    ctrl_c_at(Backend::Sqlite, Point::Named);
}

#[test]
fn ctrl_c_after_the_rename_reports_the_export_on_postgres() {
    ctrl_c_at(Backend::Postgres, Point::Named);
}

#[test]
fn ctrl_c_after_the_rename_reports_the_export_on_mysql() {
    ctrl_c_at(Backend::Mysql, Point::Named);
}

#[test]
fn ctrl_c_after_an_unseen_end_reports_the_export_on_sqlite() {
    ctrl_c_after_an_unseen_end(Backend::Sqlite);
}

#[test]
fn ctrl_c_after_an_unseen_end_reports_the_export_on_postgres() {
    ctrl_c_after_an_unseen_end(Backend::Postgres);
}

#[test]
fn ctrl_c_after_an_unseen_end_reports_the_export_on_mysql() {
    ctrl_c_after_an_unseen_end(Backend::Mysql);
}

/// `aksara-tui URL --export people --output FILE` writes the table in key order and exits,
/// without a screen; run again on the same file, it refuses and keeps the file.
fn command_line_export(backend: Backend) {
    let Some((_d, t)) = driver(backend, &format!("export_cli_{}", backend.name())) else {
        return;
    };
    let path =
        fresh(scratch_file(&format!("export-cli-{}", backend.name())).with_extension("json"));
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_aksara-tui"))
            .arg(&t.url)
            .arg("--export")
            .arg("people")
            .arg("--output")
            .arg(&path)
            .output()
            .expect("run aksara-tui")
    };
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{backend:?}: {stderr}");
    assert!(
        stderr.contains(&format!("exported {ROWS} rows to {}", path.display())),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let ids: Vec<u64> = document
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ids,
        (1..=ROWS as u64).collect::<Vec<_>>(),
        "{backend:?}: key order"
    );
    let again = run();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("never replaces"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_command_line_exports_a_table_on_sqlite() {
    command_line_export(Backend::Sqlite);
}

#[test]
fn the_command_line_exports_a_table_on_postgres() {
    command_line_export(Backend::Postgres);
}

#[test]
fn the_command_line_exports_a_table_on_mysql() {
    command_line_export(Backend::Mysql);
}
