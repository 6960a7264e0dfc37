//! The grid's columns when they do not fit: the key column stays at the left while the others
//! scroll, and an empty grid's header stays on one line.

mod common;

use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

/// `wide` has a key and twelve long columns, one row; `bare` has the same columns, no rows.
fn script() -> String {
    let columns: Vec<String> = (1..=12)
        .map(|i| format!("column_number_{i:02} TEXT"))
        .collect();
    let values: Vec<String> = (1..=12).map(|i| format!("'value {i:02}'")).collect();
    format!(
        "CREATE TABLE wide (id INTEGER PRIMARY KEY, {columns});
         INSERT INTO wide VALUES (7, {values});
         CREATE TABLE bare (id INTEGER PRIMARY KEY, {columns});",
        columns = columns.join(", "),
        values = values.join(", "),
    )
}

fn driver(test: &str) -> Option<Driver> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t = rt.block_on(TestDb::new(Backend::Sqlite, test))?;
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(&script()))
        .expect("the tables");
    drop(db);
    Some(Driver::new(Target::Url(t.url.clone())))
}

/// The screen's line that starts with the grid's header (`id ...`).
fn header(screen: &str) -> (usize, &str) {
    screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("id ") || l.contains("column_number_"))
        .unwrap_or_else(|| panic!("no header:\n{screen}"))
}

#[test]
fn the_key_column_stays_while_the_others_scroll() {
    let Some(mut d) = driver("grid_frozen_key") else {
        return;
    };
    d.keys("/wide<Enter><Enter>");
    let s = d.screen(70, 12);
    assert!(header(&s).1.starts_with("id "), "{s}");
    // To the tenth column: the first ones scroll away, the key stays at the left.
    d.keys("llllllllll");
    let s = d.screen(70, 12);
    let (at, line) = header(&s);
    assert!(line.starts_with("id "), "the key column is frozen:\n{s}");
    assert!(
        line.contains("column_number_10") && !line.contains("column_number_01"),
        "{s}"
    );
    let row = s.lines().nth(at + 1).unwrap_or_default();
    assert!(row.starts_with("7 ") && row.contains("value 10"), "{s}");
    // Back on the key column, the grid shows its first columns again.
    d.keys("hhhhhhhhhh");
    let s = d.screen(70, 12);
    assert!(header(&s).1.contains("column_number_01"), "{s}");
}

#[test]
fn an_empty_grid_keeps_its_header_on_one_line() {
    let Some(mut d) = driver("grid_empty_header") else {
        return;
    };
    d.keys("/bare<Enter><Enter>");
    let s = d.screen(70, 12);
    let (at, line) = header(&s);
    assert!(line.starts_with("id "), "{s}");
    let next = s.lines().nth(at + 1).unwrap_or_default();
    assert!(
        next.trim_start().starts_with("No rows."),
        "the header does not wrap onto the next line:\n{s}"
    );
    assert_eq!(
        s.matches("column_number_").count(),
        line.matches("column_number_").count(),
        "{s}"
    );
}

#[test]
fn the_current_column_is_widened_and_narrowed() {
    let Some(mut d) = driver("grid_resize") else {
        return;
    };
    d.keys("/wide<Enter><Enter>l");
    let start = |s: &str, name: &str| header(s).1.find(name).unwrap_or(usize::MAX);
    let s = d.screen(100, 12);
    let fitted = start(&s, "column_number_02");
    // `>` twice: eight characters wider; the next column starts eight further right.
    d.keys(">>");
    let s = d.screen(100, 12);
    assert_eq!(start(&s, "column_number_02"), fitted + 8, "{s}");
    // Without the title line, which holds the file's path.
    let body: Vec<&str> = s.lines().skip(1).collect();
    insta::assert_snapshot!("widened_column_100x12", body.join("\n"));
    // `<` down to the narrowest, three characters: the header is cut.
    d.keys("<<<<<<<<<<");
    let s = d.screen(100, 12);
    let (at, line) = header(&s);
    assert!(line.starts_with("id  co… column_number_02"), "{s}");
    let row = s.lines().nth(at + 1).unwrap_or_default();
    assert!(row.starts_with("7   va… value 02"), "{s}");
    // The other columns keep their widths; hiding and showing keeps the change.
    d.keys("l-+");
    let s = d.screen(100, 12);
    assert!(header(&s).1.starts_with("id  co… column_number_02"), "{s}");
}
