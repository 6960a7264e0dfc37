//! `aksara::testing::TestDatabase` (feature `testing`), on every backend: each test's
//! database is its own and starts empty (a leftover of an earlier run is dropped), and
//! `drop_database` removes it from the server.

use aksara::demo::{registry, Tag};
use aksara::testing::TestDatabase;
use aksara::{Model, Value};
use aksara_tests::{backend_tests, Backend, TestDb};

fn base(t: &TestDb) -> String {
    match t.backend() {
        Backend::Sqlite => "sqlite::memory:".to_string(),
        other => other.server_url().expect("a server"),
    }
}

/// How many schemas (PostgreSQL) or databases (MySQL) are called `name`.
async fn on_server(t: &TestDb, admin: &aksara::Db, name: &str) -> i64 {
    let sql = match t.backend() {
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = {}"
        }
        _ => "SELECT COUNT(*) FROM information_schema.schemata WHERE SCHEMA_NAME = {}",
    };
    admin.raw(sql, [Value::from(name)]).await.unwrap()[0][0]
        .as_i64()
        .unwrap()
}

async fn each_test_database_is_its_own(t: TestDb) {
    let url = base(&t);
    let first = TestDatabase::new(&url, "testing_support::first", registry())
        .await
        .unwrap();
    let second = TestDatabase::new(&url, "testing_support::second", registry())
        .await
        .unwrap();
    assert_ne!(first.url(), second.url());
    Tag::objects()
        .create(first.db(), Tag::build().name("Rust").slug("rust"))
        .await
        .unwrap();
    assert_eq!(Tag::objects().count(first.db()).await.unwrap(), 1);
    assert_eq!(Tag::objects().count(second.db()).await.unwrap(), 0);
    // The same test again: its leftover is dropped, it starts empty.
    let again = TestDatabase::new(&url, "testing_support::first", registry())
        .await
        .unwrap();
    assert_eq!(Tag::objects().count(again.db()).await.unwrap(), 0);
    let name = again.name().to_string();
    if t.backend() != Backend::Sqlite {
        let admin = aksara::connect(&url, aksara::Registry::empty())
            .await
            .unwrap();
        assert_eq!(on_server(&t, &admin, &name).await, 1);
        drop(first);
        again.drop_database().await.unwrap();
        assert_eq!(on_server(&t, &admin, &name).await, 0, "dropped");
    }
    second.drop_database().await.unwrap();
}

backend_tests!(each_test_database_is_its_own);
