//! A table whose key is also a foreign key (an extension table sharing its parent's key,
//! Django's `OneToOneField(primary_key=True)`) shows the key as a relation that is the key,
//! and it is followed both ways, on every backend.

mod common;

use aksara_tui::Target;
use common::{Backend, Driver, TestDb};

fn key_relation(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(
        backend,
        &format!("key_relation_{}", backend.name()),
    )) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE places (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL); \
         CREATE TABLE restaurants (place_id INTEGER PRIMARY KEY REFERENCES places (id), \
           serves VARCHAR(50) NOT NULL); \
         INSERT INTO places VALUES (1, 'Demon Dogs'), (2, 'Ace Hardware'); \
         INSERT INTO restaurants VALUES (1, 'hot dogs');",
    ))
    .expect("the tables");
    drop(db);

    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys("/restaurants<Enter><Enter><Enter>");
    let screen = d.screen(100, 20);
    assert!(screen.contains("→ places, key"), "{backend:?}:\n{screen}");
    assert!(
        screen.contains("Demon Dogs"),
        "the label of the place:\n{screen}"
    );
    // Follow the key to the place, whose reverse one-to-one leads back.
    d.keys("<Enter>");
    let screen = d.screen(100, 20);
    assert!(screen.contains("Demon Dogs"), "{backend:?}:\n{screen}");
    assert!(
        screen.contains("restaurants"),
        "the reverse side:\n{screen}"
    );
}

#[test]
fn a_key_that_is_a_relation_is_shown_and_followed_on_sqlite() {
    key_relation(Backend::Sqlite);
}

#[test]
fn a_key_that_is_a_relation_is_shown_and_followed_on_postgres() {
    key_relation(Backend::Postgres);
}

#[test]
fn a_key_that_is_a_relation_is_shown_and_followed_on_mysql() {
    key_relation(Backend::Mysql);
}
