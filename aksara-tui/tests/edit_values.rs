//! Editing a record's value (`e`, only with `--write`): an edit applied and read back from
//! the database (NULL and the empty text kept apart), edits refused (NOT NULL, a type the
//! column refuses, a foreign key to a missing row, a unique clash) with the database
//! unchanged, and the explorer read-only without `--write`, on every backend; the confirm
//! screen as a snapshot on the demo.

mod common;

use aksara::{Db, Value};
use aksara_tui::screens::View;
use aksara_tui::Target;
use common::{private_data_home, redact, Backend, Driver, TestDb};

/// Player 1's name, nick, team and age as the database holds them.
async fn player(db: &Db) -> (Value, Value, Option<i64>, Option<i64>) {
    let rows = db
        .raw(
            "SELECT name, nick, team_id, age FROM players WHERE id = 1",
            [],
        )
        .await
        .expect("read player 1");
    let row = &rows[0];
    let int = |v: &Value| match v {
        Value::I32(n) => Some(i64::from(*n)),
        Value::I64(n) => Some(*n),
        Value::Null => None,
        other => panic!("not an integer: {other:?}"),
    };
    // MySQL's raw rows give VARCHAR as bytes.
    let text = |v: &Value| match v {
        Value::Bytes(b) => Value::String(String::from_utf8(b.clone()).expect("UTF-8")),
        other => other.clone(),
    };
    (text(&row[0]), text(&row[1]), int(&row[2]), int(&row[3]))
}

fn edit_state(d: &Driver) -> Option<aksara_tui::edit::EditState> {
    match d.app.view() {
        Some(View::Detail(v)) => v.edit().map(|e| e.state.clone()),
        other => panic!("not a record: {other:?}"),
    }
}

fn edit_values(backend: Backend) {
    private_data_home();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(
        backend,
        &format!("edit_values_{}", backend.name()),
    )) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE teams (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL); \
         CREATE TABLE players (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, \
           nick VARCHAR(20) UNIQUE, team_id INTEGER REFERENCES teams (id), age INTEGER); \
         INSERT INTO teams VALUES (1, 'Reds'), (2, 'Blues'); \
         INSERT INTO players VALUES (1, 'Ann', NULL, 1, 30), (2, 'Bob', 'Bo', 2, 40);",
    ))
    .expect("the tables");
    let open_player = "/players<Enter><Enter><Enter>";

    // Without --write, nothing is edited and the explorer says how to allow it.
    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys(open_player);
    d.keys("/nick<Enter>e");
    let screen = d.screen(120, 24);
    assert!(
        screen.contains("the explorer is read-only: start it with --write"),
        "{backend:?}:\n{screen}"
    );
    assert_eq!(edit_state(&d), None);
    drop(d);

    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.app.allow_writes();
    d.keys(open_player);
    assert!(d.crumbs().contains("Ann"), "{}", d.crumbs());
    // The NULL nick starts the prompt as \N; the edit is shown, then written on Enter.
    d.keys("/nick<Enter>e");
    let screen = d.screen(120, 24);
    assert!(screen.contains("\\N"), "{backend:?}:\n{screen}");
    d.keys("<BS><BS>Annie<Enter>");
    let screen = d.screen(120, 24);
    assert!(screen.contains("nick"), "{screen}");
    assert!(screen.contains("= 'Annie'"), "{backend:?}:\n{screen}");
    assert!(screen.contains("  now  NULL"), "{backend:?}:\n{screen}");
    assert_eq!(
        rt.block_on(player(&db)).1,
        Value::Null,
        "nothing is written before the confirm"
    );
    d.keys("<Enter>");
    assert_eq!(edit_state(&d), None, "{backend:?}: {:?}", d.app.message());
    assert_eq!(
        rt.block_on(player(&db)).1,
        Value::from("Annie"),
        "{backend:?}"
    );
    let screen = d.screen(120, 24);
    assert!(screen.contains("Annie"), "the record shows it:\n{screen}");
    // The empty text and NULL are two values.
    d.keys("e<BS><BS><BS><BS><BS><Enter><Enter>");
    assert_eq!(rt.block_on(player(&db)).1, Value::from(""), "{backend:?}");
    d.keys("e\\N<Enter><Enter>");
    assert_eq!(rt.block_on(player(&db)).1, Value::Null, "{backend:?}");
    d.keys("e<BS><BS>Annie<Enter><Enter>");
    assert_eq!(
        rt.block_on(player(&db)).1,
        Value::from("Annie"),
        "{backend:?}"
    );

    // Refused edits: each shows why, and the row stays as it was.
    let before = rt.block_on(player(&db));
    let refused = [
        (
            "/name<Enter>e<BS><BS><BS>\\N<Enter><Enter>",
            "NULL is not allowed",
        ),
        ("/age<Enter>e<BS><BS>old<Enter><Enter>", "age"),
        ("/team_id<Enter>e<BS>9<Enter><Enter>", "team"),
        ("/nick<Enter>e<BS><BS><BS><BS><BS>Bo<Enter><Enter>", "nick"),
    ];
    for (keys, says) in refused {
        d.keys(keys);
        let state = edit_state(&d);
        let Some(aksara_tui::edit::EditState::Failed(message)) = state else {
            panic!("{backend:?}: {keys} was not refused: {state:?}");
        };
        eprintln!("{backend:?} refused {keys}: {message}");
        assert!(message.contains(says), "{backend:?} {keys}: {message}");
        let screen = d.screen(120, 24);
        assert!(
            screen.contains("Refused, nothing was written"),
            "{backend:?}:\n{screen}"
        );
        assert_eq!(rt.block_on(player(&db)), before, "{backend:?} {keys}");
        d.keys("<Esc>");
        assert_eq!(edit_state(&d), None);
        assert!(d.crumbs().contains("Ann"), "Esc dropped the edit only");
    }
}

#[test]
fn values_are_edited_with_a_confirm_on_sqlite() {
    edit_values(Backend::Sqlite);
}

#[test]
fn values_are_edited_with_a_confirm_on_postgres() {
    edit_values(Backend::Postgres);
}

#[test]
fn values_are_edited_with_a_confirm_on_mysql() {
    edit_values(Backend::Mysql);
}

#[test]
fn the_confirm_screen() {
    private_data_home();
    let mut d = Driver::demo("edit_confirm");
    d.app.allow_writes();
    d.keys("/categories<Enter><Enter><Enter>/name<Enter>e");
    d.keys(&"<BS>".repeat(30));
    d.keys("It's 100%<Enter>");
    let text = redact(&d.terminal(100, 20).backend().to_string());
    insta::assert_snapshot!("edit_confirm_100x20", text);
}
