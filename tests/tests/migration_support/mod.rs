//! Models and helpers of `migrations.rs`.

pub mod models;

use aksara::migrate::{self, Hints, Migrations};
use aksara::{Db, Model, Registry, Value};
use aksara_tests::TestDb;
use models::{v1, v2, v3, v4};
use std::path::PathBuf;
use std::sync::Arc;

pub fn registry<M: Model>() -> Arc<Registry> {
    Registry::builder().model::<M>().build().expect("registry")
}

pub fn temp_dir(t: &TestDb, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "aksara-migrations-{test}-{}-{}",
        t.backend().name(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Makes the next migration for `registry` into `dir`, reads the folder back, and returns it.
pub fn make(dir: &PathBuf, registry: &Registry, label: &str, hints: &Hints) -> Migrations {
    let before = Migrations::from_dir(dir).expect("read migrations");
    let next = before
        .make(registry, label, hints)
        .expect("autodetect")
        .unwrap_or_else(|| panic!("{label}: no changes detected"));
    next.write_to_dir(dir).expect("write migration");
    let after = Migrations::from_dir(dir).expect("read migrations back");
    assert_eq!(after.list().len(), before.list().len() + 1);
    assert_eq!(
        after.list().last(),
        Some(&next),
        "the file reads back as written"
    );
    assert!(
        after
            .make(registry, "again", &Hints::new())
            .expect("autodetect")
            .is_none(),
        "{label}: nothing left to migrate once the migration is written"
    );
    after
}

pub fn int(v: &Value) -> i64 {
    match v {
        Value::I64(n) => *n,
        Value::I32(n) => i64::from(*n),
        Value::String(s) => s.parse().expect("a number"),
        other => panic!("not an integer: {other:?}"),
    }
}

pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        other => panic!("not text: {other:?}"),
    }
}

pub async fn count(db: &Db, table: &str) -> i64 {
    let rows = db
        .raw(&format!("SELECT COUNT(*) FROM {table}"), [])
        .await
        .unwrap_or_else(|e| panic!("count {table}: {e}"));
    int(&rows[0][0])
}

/// (name, nickname) of every person, by id.
pub async fn people(
    db: &Db,
    name_column: &str,
    with_nickname: bool,
) -> Vec<(String, Option<String>)> {
    let nickname = if with_nickname { "nickname" } else { "NULL" };
    let rows = db
        .raw(
            &format!("SELECT {name_column}, {nickname} FROM mg_people ORDER BY id"),
            [],
        )
        .await
        .expect("read people");
    rows.iter()
        .map(|r| (text(&r[0]).expect("a name"), text(&r[1])))
        .collect()
}

pub async fn assert_no_drift(db: &Db, step: &str) {
    let drift = migrate::check(db).await.expect("drift check");
    assert!(drift.is_empty(), "{step}: {drift}");
}

/// The migrations of v1 to v4 (several, so that two runners have time to meet).
pub fn v1_to_v4() -> Migrations {
    let mut migrations = Migrations::new();
    for (registry, label) in [
        (registry::<v1::Person>(), "initial"),
        (registry::<v2::Person>(), "add_nickname"),
        (registry::<v3::Person>(), "nickname_nullable"),
        (registry::<v4::Person>(), "add_team"),
    ] {
        let next = migrations
            .make(&registry, label, &Hints::new())
            .unwrap()
            .unwrap();
        migrations.push(next).unwrap();
    }
    migrations
}
