//! Errors the database reports come back typed: a session the server ended is
//! `Error::Connection`; a deadlock or serialization failure is `Error::Conflict`, saying how
//! many times it was rerun; anything else is `Error::Database` with the SQLSTATE or vendor
//! code and the driver's error as its source. Writes follow one retry policy on every
//! backend: outside a transaction a conflicting write is rerun a bounded number of times,
//! inside one never silently.

use aksara::db::{SERIALIZATION_RETRIES, TRANSACTION_RETRIES};
use aksara::{Db, Error, PoolOptions, Registry, Value};
use aksara_tests::models::defaults::{registry, Blog};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

async fn pool_of_one(t: &TestDb, registry: Arc<Registry>) -> Db {
    let options = PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    };
    aksara::connect_with(t.url(), registry, options)
        .await
        .expect("connect")
}

async fn a_session_ended_by_the_server_is_a_connection_error(t: TestDb) {
    let (id_query, slow, server) = match t.backend() {
        Backend::Postgres => (
            "SELECT pg_backend_pid()",
            "SELECT pg_sleep(3)",
            Backend::Postgres,
        ),
        Backend::Mysql => ("SELECT CONNECTION_ID()", "SELECT SLEEP(3)", Backend::Mysql),
        Backend::Sqlite => {
            eprintln!("SQLite has no server to end a session; covered on PostgreSQL and MariaDB");
            return;
        }
    };
    let db = pool_of_one(&t, Registry::empty()).await;
    let id = db.raw(id_query, []).await.unwrap()[0][0].as_i64().unwrap();
    let admin = aksara::connect(&server.server_url().unwrap(), Registry::empty())
        .await
        .unwrap();
    // The session is ended while it runs a statement.
    let running = tokio::spawn({
        let db = db.clone();
        async move { db.raw(slow, []).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    match server {
        Backend::Postgres => {
            admin
                .raw("SELECT pg_terminate_backend({})", [Value::I32(id as i32)])
                .await
                .unwrap();
        }
        _ => {
            admin
                .raw_execute(&format!("KILL CONNECTION {id}"), [])
                .await
                .unwrap();
        }
    }
    let e = running.await.unwrap().unwrap_err();
    assert!(
        matches!(e, Error::Connection(_)),
        "a terminated session must be Error::Connection, got {e:?}"
    );
    // The pool replaced the connection.
    let rows = db.raw("SELECT {}", [Value::I64(2)]).await.unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(2));
}

async fn database_errors_carry_their_code_and_source(t: TestDb) {
    let db = t.connect(Registry::empty()).await;
    db.raw_execute(
        "CREATE TABLE checked (id INTEGER PRIMARY KEY, n INTEGER CHECK (n > 0))",
        [],
    )
    .await
    .unwrap();
    let check = db
        .raw_execute(
            "INSERT INTO checked (id, n) VALUES ({}, {})",
            [Value::I64(1), Value::I64(-1)],
        )
        .await
        .unwrap_err();
    let expected_check: &[&str] = match t.backend() {
        Backend::Postgres => &["23514"],
        Backend::Mysql => &["4025", "3819"],
        Backend::Sqlite => &["SQLITE_CONSTRAINT_CHECK"],
    };
    assert!(matches!(check, Error::Database(_)), "{check:?}");
    assert!(
        check
            .sql_state()
            .is_some_and(|code| expected_check.contains(&code)),
        "CHECK violation code: {:?} ({check})",
        check.sql_state()
    );
    let driver = std::error::Error::source(&check)
        .and_then(std::error::Error::source)
        .expect("the driver's error is the source of the source");
    assert!(!driver.to_string().is_empty());

    let unknown = db.raw("SELECT nope FROM checked", []).await.unwrap_err();
    let expected_unknown = match t.backend() {
        Backend::Postgres => "42703",
        Backend::Mysql => "1054",
        Backend::Sqlite => "SQLITE_ERROR",
    };
    assert_eq!(unknown.sql_state(), Some(expected_unknown), "{unknown}");
    assert_ne!(
        check.sql_state(),
        unknown.sql_state(),
        "two kinds of failure are told apart"
    );
    let rows = db.raw("SELECT COUNT(*) FROM checked", []).await.unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(0), "nothing was written");
}

/// Makes every INSERT into `blogs` fail as a serialization failure would, on the server,
/// counting the attempts where a rollback cannot undo the count (PostgreSQL: a sequence;
/// MySQL: a MyISAM table; SQLite: none, attempts are counted through the query log).
async fn refuse_inserts(t: &TestDb, db: &Db) {
    match t.backend() {
        Backend::Postgres => db
            .batch_execute(
                "CREATE SEQUENCE attempts;
                 CREATE FUNCTION refuse() RETURNS trigger AS $$
                 BEGIN
                   PERFORM nextval('attempts');
                   RAISE EXCEPTION 'could not serialize access due to concurrent update'
                     USING ERRCODE = '40001';
                 END $$ LANGUAGE plpgsql;
                 CREATE TRIGGER refuse BEFORE INSERT ON blogs
                   FOR EACH ROW EXECUTE FUNCTION refuse();",
            )
            .await
            .unwrap(),
        Backend::Mysql => {
            db.batch_execute(
                "CREATE TABLE attempts (n INTEGER AUTO_INCREMENT PRIMARY KEY) ENGINE = MyISAM",
            )
            .await
            .unwrap();
            db.batch_execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON blogs FOR EACH ROW BEGIN
                   INSERT INTO attempts VALUES (NULL);
                   SIGNAL SQLSTATE '40001' SET MESSAGE_TEXT =
                     'Deadlock found when trying to get lock; try restarting transaction';
                 END",
            )
            .await
            .unwrap()
        }
        Backend::Sqlite => db
            .batch_execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON blogs BEGIN
                   SELECT RAISE(ABORT, 'database is locked');
                 END",
            )
            .await
            .unwrap(),
    }
}

/// Attempts the server counted (`None` on SQLite).
async fn server_attempts(t: &TestDb, db: &Db) -> Option<i64> {
    let sql = match t.backend() {
        Backend::Postgres => "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM attempts",
        Backend::Mysql => "SELECT COUNT(*) FROM attempts",
        Backend::Sqlite => return None,
    };
    db.raw(sql, []).await.unwrap()[0][0].as_i64()
}

async fn create_follows_one_retry_policy(t: TestDb) {
    let db = t.db(registry()).await;
    refuse_inserts(&t, &db).await;
    let attempts = u64::from(SERIALIZATION_RETRIES) + 1;

    // Outside a transaction: rerun, then a typed conflict that says so.
    let before = db.query_count();
    let e = Blog::build().name("a").create(&db).await.unwrap_err();
    let ran = db.query_count() - before;
    match &e {
        Error::Conflict { retried, .. } => assert_eq!(*retried, SERIALIZATION_RETRIES, "{e}"),
        other => panic!("expected Error::Conflict, got {other:?}"),
    }
    assert!(e.is_conflict() && e.sql_state().is_some());
    assert_eq!(ran, attempts, "statements sent for one create()");
    if let Some(n) = server_attempts(&t, &db).await {
        assert_eq!(n as u64, attempts, "INSERTs the server saw");
    }

    // Inside a transaction: never rerun silently.
    let server_before = server_attempts(&t, &db).await;
    let before = db.query_count();
    let e = db
        .transaction(|tx| async move { Blog::build().name("b").create(&tx).await })
        .await
        .unwrap_err();
    match &e {
        Error::Conflict { retried, .. } => assert_eq!(*retried, 0, "{e}"),
        other => panic!("expected Error::Conflict, got {other:?}"),
    }
    // BEGIN, the INSERT, ROLLBACK.
    assert_eq!(db.query_count() - before, 3);
    if let (Some(a), Some(b)) = (server_before, server_attempts(&t, &db).await) {
        assert_eq!(b - a, 1, "INSERTs the server saw inside the transaction");
    }
    let rows = db.raw("SELECT COUNT(*) FROM blogs", []).await.unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(0));
}

async fn transaction_retrying_reruns_the_whole_transaction(t: TestDb) {
    let db = t.db(registry()).await;
    refuse_inserts(&t, &db).await;
    db.raw_execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(20))",
        [],
    )
    .await
    .unwrap();

    // Always conflicting: bounded reruns, then the conflict with their number.
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    let e = db
        .transaction_retrying(|tx| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                Blog::build().name("x").create(&tx).await
            }
        })
        .await
        .unwrap_err();
    assert_eq!(runs.load(Ordering::SeqCst), TRANSACTION_RETRIES + 1);
    match &e {
        Error::Conflict { retried, .. } => assert_eq!(*retried, TRANSACTION_RETRIES),
        other => panic!("expected Error::Conflict, got {other:?}"),
    }

    // Conflicting once: the second run commits, and only its writes are kept.
    let runs = Arc::new(AtomicU32::new(0));
    let counter = runs.clone();
    db.transaction_retrying(|tx| {
        let counter = counter.clone();
        async move {
            let run = counter.fetch_add(1, Ordering::SeqCst);
            tx.raw_execute(
                "INSERT INTO notes (id, body) VALUES ({}, {})",
                [Value::I64(i64::from(run) + 1), Value::from("run")],
            )
            .await?;
            if run == 0 {
                Blog::build().name("y").create(&tx).await?;
            }
            Ok(())
        }
    })
    .await
    .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let ids = db
        .raw("SELECT id FROM notes ORDER BY id", [])
        .await
        .unwrap();
    let ids: Vec<i64> = ids.iter().filter_map(|r| r[0].as_i64()).collect();
    assert_eq!(ids, vec![2], "the first run's write was rolled back");
}

backend_tests!(
    a_session_ended_by_the_server_is_a_connection_error,
    database_errors_carry_their_code_and_source,
    create_follows_one_retry_policy,
    transaction_retrying_reruns_the_whole_transaction,
);
