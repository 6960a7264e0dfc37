//! Labels in the grid: a foreign key column shows the label of the row it points at beside
//! the key, for every page read (on all three backends; a snapshot of the grid on each),
//! nothing beside a NULL, and nothing when the target has no text column to name it by.

mod common;

use aksara::Value;
use aksara_tui::screens::View;
use aksara_tui::{Settings, Target};
use common::{Backend, Driver, TestDb};

/// Two authors, 25 books (the last without an author), and a `shelf` with no text column.
fn script() -> String {
    let mut s = String::from(
        "CREATE TABLE author (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);
         INSERT INTO author VALUES (1, 'Ada Lovelace');
         INSERT INTO author VALUES (2, 'Grace Hopper');
         CREATE TABLE shelf (id INTEGER PRIMARY KEY, level INTEGER NOT NULL);
         INSERT INTO shelf VALUES (5, 3);
         CREATE TABLE book (id INTEGER PRIMARY KEY, title VARCHAR(50) NOT NULL,
             author_id INTEGER REFERENCES author (id), shelf_id INTEGER REFERENCES shelf (id));\n",
    );
    for i in 1..=25 {
        let author = match i {
            25 => "NULL".to_string(),
            i => (1 + i % 2).to_string(),
        };
        s.push_str(&format!(
            "INSERT INTO book VALUES ({i}, 'Book {i:02}', {author}, 5);\n"
        ));
    }
    s
}

fn labels_beside_foreign_keys(backend: Backend, test: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(backend, test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(&script()))
        .expect("the tables");
    drop(db);
    // Pages of ten rows: the labels of the later pages are read with them.
    let mut d = Driver::with_settings(Target::Url(t.url.clone()), Settings { page_size: 10 });
    d.keys("/book<Enter><Enter>");
    assert_eq!(d.crumbs(), "book", "{backend:?}");
    let screen = d.screen(80, 12);
    let body: Vec<&str> = screen.lines().skip(1).collect();
    insta::assert_snapshot!(
        format!("book_grid_{}_80x12", backend.name()),
        body.join("\n")
    );
    assert!(screen.contains("2  Grace Hopper"), "{backend:?}: {screen}");
    d.keys("G");
    let grid = match d.app.view() {
        Some(View::Grid(g)) => g,
        other => panic!("not a grid: {other:?}"),
    };
    // Values of every page, the last one's too, whatever integer type the driver gave.
    let rows = grid.window().rows();
    let last = grid.selected().expect("the last row");
    assert_eq!(last.get("id").and_then(Value::as_i64), Some(25));
    assert_eq!(last.get("author_id"), Some(&Value::Null));
    let before = &rows[grid.cursor() - 1];
    assert_eq!(before.get("id").and_then(Value::as_i64), Some(24));
    let before_author = before.get("author_id").cloned().expect("a value");
    assert_eq!(
        grid.label("author_id", &before_author),
        Some("Ada Lovelace"),
        "{backend:?}: book 24's author"
    );
    assert_eq!(grid.label("author_id", &Value::Null), None);
    // `shelf` has no text column: its key shows alone.
    let shelf = last.get("shelf_id").cloned().expect("a shelf");
    assert_eq!(grid.label("shelf_id", &shelf), None, "{backend:?}");
    let screen = d.screen(80, 12);
    assert!(screen.contains("NULL"), "{backend:?}: {screen}");
}

#[test]
fn labels_beside_foreign_keys_on_sqlite() {
    labels_beside_foreign_keys(Backend::Sqlite, "labels_sqlite");
}

#[test]
fn labels_beside_foreign_keys_on_postgres() {
    labels_beside_foreign_keys(Backend::Postgres, "labels_pg");
}

#[test]
fn labels_beside_foreign_keys_on_mysql() {
    labels_beside_foreign_keys(Backend::Mysql, "labels_mysql");
}
