//! `:key VALUE` places the grid on the row with that key (on each backend, since the row is
//! read from the database), the rows around it read as the cursor moves; `-` hides the
//! current column and `+` shows every column again.

mod common;

use aksara::Value;
use aksara_tui::screens::View;
use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

/// `items`: 500 rows, keys 1 to 500, named `item 001` to `item 500` in reverse key order.
fn script() -> String {
    let rows: Vec<String> = (1..=500)
        .map(|i| format!("({i}, 'item {:03}')", 501 - i))
        .collect();
    format!(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL);
         INSERT INTO items (id, name) VALUES {};",
        rows.join(", ")
    )
}

fn selected_key(d: &Driver) -> Option<Value> {
    match d.app.view() {
        Some(View::Grid(g)) => g.selected_key().and_then(|k| k.into_iter().next()),
        _ => None,
    }
}

fn as_int(v: Option<Value>) -> Option<i64> {
    v.and_then(|v| v.as_i64())
}

fn jump_on(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(backend, "grid_jump")) else {
        return;
    };
    rt.block_on(async { t.connect().await.batch_execute(&script()).await })
        .expect("the items");
    let name = backend.name();
    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys("/items<Enter><Enter>");
    assert_eq!(as_int(selected_key(&d)), Some(1), "{name}");

    // Deep in the table: the row, then the rows before and after it as the cursor moves.
    d.keys(":key 250<Enter>");
    assert_eq!(
        as_int(selected_key(&d)),
        Some(250),
        "{name}: {}",
        d.screen(100, 30)
    );
    let screen = d.screen(100, 30);
    assert!(screen.contains("item 251"), "{name}: {screen}");
    assert!(screen.contains("row ?"), "{name}: {screen}");
    d.keys("k");
    assert_eq!(as_int(selected_key(&d)), Some(249), "{name}");
    d.keys("jjj");
    assert_eq!(as_int(selected_key(&d)), Some(252), "{name}");
    // Home still goes to the first row, with its position known again.
    d.keys("<Home>");
    assert_eq!(as_int(selected_key(&d)), Some(1), "{name}");
    assert!(d.screen(100, 30).contains("row 1 of"), "{name}");

    // With a sort on the name, the rows around the key are its neighbours by name.
    d.keys("ls:key 250<Enter>");
    assert_eq!(as_int(selected_key(&d)), Some(250), "{name}");
    d.keys("j");
    assert_eq!(
        as_int(selected_key(&d)),
        Some(249),
        "{name}: sorted by name"
    );

    // A key no row has, or one of the wrong type: said, and the grid stays where it was.
    d.keys(":key 9999<Enter>");
    let message = d.app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(
        message.contains("no row of items has the key 9999"),
        "{name}: {message}"
    );
    assert_eq!(as_int(selected_key(&d)), Some(249), "{name}");
    d.keys(":key nine<Enter>");
    assert!(d.app.message().is_some_and(|m| m.error), "{name}");
    assert_eq!(as_int(selected_key(&d)), Some(249), "{name}");
}

#[test]
fn jump_on_postgres() {
    jump_on(Backend::Postgres);
}

#[test]
fn jump_on_mysql() {
    jump_on(Backend::Mysql);
}

#[test]
fn jump_on_sqlite() {
    jump_on(Backend::Sqlite);
}

#[test]
fn columns_hide_and_show_again() {
    let mut d = Driver::demo("grid_hide");
    d.keys("/posts<Enter><Enter>");
    let columns = |d: &Driver| match d.app.view() {
        Some(View::Grid(g)) => g
            .columns()
            .iter()
            .map(|c| c.header.clone())
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    assert_eq!(columns(&d).len(), 7);
    // Hide content and published (the cursor stays at the same place, on the next column).
    d.keys("ll--");
    assert_eq!(
        columns(&d),
        ["id", "title", "author_id", "category_id", "created_at"]
    );
    let screen = d.screen(100, 30);
    assert!(screen.contains("2 hidden"), "{screen}");
    assert!(!screen.contains("content"), "{screen}");
    assert!(screen.contains("column 3/5 author_id"), "{screen}");
    // Sorting and filtering still work on what is shown; the key still orders the pages.
    d.keys("hs");
    assert!(d.screen(100, 30).contains("title ▲"));
    d.keys("+");
    assert_eq!(columns(&d).len(), 7);
    let screen = d.screen(100, 30);
    assert!(screen.contains("column 2/7 title"), "{screen}");
    assert!(!screen.contains("hidden"), "{screen}");
    // The last column shown stays.
    d.keys("-------");
    assert_eq!(columns(&d).len(), 1);
}
