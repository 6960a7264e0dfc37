//! Pool and connection settings on every backend: statements run on each new connection
//! (`after_connect`), PostgreSQL's `application_name`, connections replaced past
//! `max_lifetime` / `idle_timeout` (never for an in-memory SQLite database, which would be
//! lost), `min_idle` connections opened at connect time, a pool timeout that says what ran
//! out, and `connect_env` reading `DATABASE_URL`.

use aksara::{Db, PoolOptions, Registry, Value};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::sync::Arc;
use std::time::Duration;

fn registry() -> Arc<Registry> {
    Registry::builder().build().expect("no models")
}

async fn connect(t: &TestDb, options: PoolOptions) -> aksara::Result<Db> {
    aksara::connect_with(t.url(), registry(), options).await
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
        Value::I64(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        other => panic!("{other:?}"),
    }
}

async fn one(db: &Db, sql: &str) -> String {
    text(&db.raw(sql, []).await.unwrap()[0][0])
}

/// A statement that sets a session value and the query that reads it back.
fn probe(backend: Backend) -> (&'static str, &'static str, &'static str) {
    match backend {
        Backend::Postgres => (
            "SET aksara.probe = '42'",
            "SELECT current_setting('aksara.probe')",
            "42",
        ),
        Backend::Mysql => ("SET @aksara_probe = 42", "SELECT @aksara_probe", "42"),
        Backend::Sqlite => ("PRAGMA cache_size = -1234", "PRAGMA cache_size", "-1234"),
    }
}

/// The server's id of the connection a statement runs on.
fn session_id(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_backend_pid()",
        Backend::Mysql => "SELECT CONNECTION_ID()",
        Backend::Sqlite => unreachable!("no server"),
    }
}

async fn after_connect_runs_on_every_connection(t: TestDb) {
    let (set, read, expected) = probe(t.backend());
    let db = connect(
        &t,
        PoolOptions {
            after_connect: vec![set.to_string()],
            max_connections: 3,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if t.backend() == Backend::Sqlite {
        // One writer at a time: a second transaction would wait for the first.
        assert_eq!(one(&db, read).await, expected);
        return after_connect_failure(&t).await;
    }
    // Three connections at once: each was set up.
    let outcome = db
        .transaction(|a| {
            let db = db.clone();
            async move {
                let first = one(&a, read).await;
                let inner = db
                    .transaction(|b| async move { Ok(one(&b, read).await) })
                    .await?;
                Ok((first, inner, one(&db, read).await))
            }
        })
        .await
        .unwrap();
    assert_eq!(outcome, (expected.into(), expected.into(), expected.into()));
    after_connect_failure(&t).await;
}

/// A failing statement fails the connection, saying which setting it was.
async fn after_connect_failure(t: &TestDb) {
    let err = connect(
        t,
        PoolOptions {
            after_connect: vec!["SET no_such_thing TO nonsense".to_string()],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("after_connect"), "{err}");
}

async fn application_name_on_postgres(t: TestDb) {
    if t.backend() != Backend::Postgres {
        return;
    }
    let db = connect(&t, PoolOptions::default()).await.unwrap();
    assert_eq!(
        one(&db, "SELECT current_setting('application_name')").await,
        "aksara"
    );
    let named = connect(
        &t,
        PoolOptions {
            application_name: Some("billing service".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        one(&named, "SELECT current_setting('application_name')").await,
        "billing service"
    );
}

async fn connections_are_replaced_past_their_lifetime(t: TestDb) {
    if t.backend() == Backend::Sqlite {
        // An in-memory database would be lost with its connection: it is kept.
        let db = aksara::connect_with(
            "sqlite::memory:",
            registry(),
            PoolOptions {
                max_lifetime: Some(Duration::from_millis(20)),
                idle_timeout: Some(Duration::from_millis(20)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        db.raw_execute("CREATE TABLE kept (x INTEGER)", [])
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(one(&db, "SELECT COUNT(*) FROM kept").await, "0");
        return;
    }
    let id = session_id(t.backend());
    for (lifetime, idle) in [
        (Some(Duration::from_millis(150)), None),
        (None, Some(Duration::from_millis(150))),
    ] {
        let db = connect(
            &t,
            PoolOptions {
                max_connections: 1,
                max_lifetime: lifetime,
                idle_timeout: idle,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let first = one(&db, id).await;
        assert_eq!(one(&db, id).await, first, "reused while young");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_ne!(one(&db, id).await, first, "replaced: {lifetime:?} {idle:?}");
    }
    // Without limits the connection stays.
    let db = connect(
        &t,
        PoolOptions {
            max_connections: 1,
            max_lifetime: None,
            idle_timeout: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let first = one(&db, id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(one(&db, id).await, first);
}

async fn min_idle_opens_connections_at_connect(t: TestDb) {
    let db = connect(
        &t,
        PoolOptions {
            min_idle: 3,
            max_connections: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let status = db.pool_status();
    let expected = if t.backend() == Backend::Sqlite && t.url().contains("memory") {
        1
    } else {
        3
    };
    assert!(status.size >= expected.min(status.max_size), "{status:?}");
    assert_eq!(status.available, status.size, "all idle: {status:?}");
}

async fn a_pool_timeout_says_what_ran_out(t: TestDb) {
    let db = connect(
        &t,
        PoolOptions {
            max_connections: 1,
            acquire_timeout: Duration::from_millis(200),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let outside = db.clone();
    let err = db
        .transaction(|_tx| async move { outside.raw("SELECT 1", []).await })
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("acquire_timeout"), "{message}");
    assert!(message.contains("max_connections"), "{message}");
    assert!(!message.contains("(Wait)"), "{message}");
}

backend_tests!(
    after_connect_runs_on_every_connection,
    application_name_on_postgres,
    connections_are_replaced_past_their_lifetime,
    min_idle_opens_connections_at_connect,
    a_pool_timeout_says_what_ran_out,
);

#[tokio::test]
async fn connect_env_reads_database_url() {
    // The only test of this binary that touches the variable.
    std::env::remove_var(aksara::DATABASE_URL);
    let err = aksara::connect_env(registry()).await.unwrap_err();
    assert!(err.to_string().contains("DATABASE_URL is not set"), "{err}");
    std::env::set_var(aksara::DATABASE_URL, "sqlite::memory:");
    let db = aksara::connect_env(registry()).await.unwrap();
    assert_eq!(db.dialect().name(), "sqlite");
    std::env::remove_var(aksara::DATABASE_URL);
}
