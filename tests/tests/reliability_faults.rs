//! Reliability: connections killed under load, and a pool run dry. The failing calls get a
//! typed error, the pool replaces broken connections, later calls succeed; nothing hangs.

use aksara::{Db, Error, Model};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::time::{Duration, Instant};

/// The test's database, through its own pool whose connections can be told apart on the
/// server: `(db, admin, how to kill them)`.
async fn own_pool(t: &TestDb, tag: &str) -> Option<(Db, Db, String)> {
    match t.backend() {
        Backend::Postgres => {
            let url = format!("{}&application_name={tag}", t.url());
            let db = aksara::connect(&url, registry()).await.unwrap();
            let admin = aksara::connect(
                &Backend::Postgres.server_url().unwrap(),
                aksara::Registry::empty(),
            )
            .await
            .unwrap();
            let kill = format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{tag}' AND pid <> pg_backend_pid()"
            );
            Some((db, admin, kill))
        }
        Backend::Mysql => {
            let db = aksara::connect(t.url(), registry()).await.unwrap();
            let admin = aksara::connect(
                &Backend::Mysql.server_url().unwrap(),
                aksara::Registry::empty(),
            )
            .await
            .unwrap();
            let database = t
                .url()
                .rsplit('/')
                .next()
                .unwrap()
                .split('?')
                .next()
                .unwrap()
                .to_string();
            Some((db, admin, database))
        }
        Backend::Sqlite => None,
    }
}

async fn kill_all(t: &TestDb, admin: &Db, how: &str) -> u64 {
    match t.backend() {
        Backend::Postgres => admin
            .raw(how, [])
            .await
            .map(|rows| rows.len() as u64)
            .unwrap_or(0),
        Backend::Mysql => {
            let ids = admin
                .raw("SELECT id FROM information_schema.processlist WHERE db = {} AND id <> CONNECTION_ID()", [how.into()])
                .await
                .unwrap_or_default();
            let mut killed = 0;
            for row in ids {
                if let Some(id) = row[0].as_i64() {
                    if admin
                        .raw_execute(&format!("KILL CONNECTION {id}"), [])
                        .await
                        .is_ok()
                    {
                        killed += 1;
                    }
                }
            }
            killed
        }
        Backend::Sqlite => 0,
    }
}

async fn killed_connections_under_load_are_replaced(t: TestDb) {
    let tag = format!("aksara_faults_{}", std::process::id());
    let Some((db, admin, how)) = own_pool(&t, &tag).await else {
        eprintln!("SQLite has no server connections to kill; covered on PostgreSQL and MariaDB");
        return;
    };
    aksara::ddl::create_all(&db).await.unwrap();
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    for i in 0..20 {
        Post::build()
            .title(format!("p{i}"))
            .content("c")
            .author(&jane)
            .create(&db)
            .await
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut workers = Vec::new();
    for _ in 0..6 {
        let db = db.clone();
        workers.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            for _ in 0..60 {
                if Instant::now() > deadline {
                    break;
                }
                match Post::objects().select_related(["author"]).all(&db).await {
                    Ok(rows) => {
                        assert_eq!(rows.len(), 20, "a successful read sees every row");
                        ok += 1;
                    }
                    Err(e @ (Error::Connection(_) | Error::Database(_) | Error::Pool(_))) => {
                        if std::env::var("AKSARA_DEBUG_FAULTS").is_ok() {
                            eprintln!("fault: {e}");
                        }
                        failed += 1
                    }
                    Err(other) => panic!("unexpected error kind: {other}"),
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            (ok, failed)
        }));
    }
    let mut faults = 0;
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(30)).await;
        faults += kill_all(&t, &admin, &how).await;
    }
    let (mut ok, mut failed) = (0, 0);
    for w in workers {
        let (o, f) = w.await.unwrap();
        ok += o;
        failed += f;
    }
    // After the storm every call succeeds again, without restarting anything.
    let mut recovered = 0;
    for _ in 0..20 {
        if Post::objects().count(&db).await.is_ok() {
            recovered += 1;
        }
    }
    assert!(
        recovered >= 19,
        "the pool recovers: {recovered}/20 calls after the kills succeeded"
    );
    assert!(Post::objects().count(&db).await.is_ok());
    assert_eq!(
        Post::objects().count(&db).await.unwrap(),
        20,
        "no rows lost"
    );
    assert!(faults > 0, "connections were killed");
    record(
        t.backend().name(),
        Figures {
            case: "connections_killed_under_load",
            tried: "6 tasks reading (select_related) under 5 rounds of killing every pool connection, then 20 calls".into(),
            operations: ok + failed + 20,
            faults,
            errors: failed + (20 - recovered),
            lost: 0,
        },
    );
}

async fn an_exhausted_pool_times_out_instead_of_hanging(t: TestDb) {
    let timeout = Duration::from_millis(300);
    let db = match t.backend() {
        Backend::Postgres => {
            let options = aksara::postgres::PoolOptions {
                max_connections: 1,
                acquire_timeout: timeout,
                ..Default::default()
            };
            aksara::postgres::connect_with(t.url(), registry(), options)
                .await
                .unwrap()
        }
        Backend::Mysql => {
            let options = aksara::mysql::PoolOptions {
                max_connections: 1,
                acquire_timeout: timeout,
                ..Default::default()
            };
            aksara::mysql::connect_with(t.url(), registry(), options)
                .await
                .unwrap()
        }
        Backend::Sqlite => {
            let options = aksara::sqlite::PoolOptions {
                max_connections: 1,
                acquire_timeout: timeout,
                ..Default::default()
            };
            aksara::sqlite::connect_with(t.url(), registry(), options)
                .await
                .unwrap()
        }
    };
    aksara::ddl::create_all(&db).await.unwrap();
    let outside = db.clone();
    let started = Instant::now();
    let waited = db
        .transaction(|tx| async move {
            // The only connection is pinned here; a call through the pool must give up.
            let err = User::objects().count(&outside).await.unwrap_err();
            let waited = started.elapsed();
            User::objects().count(&tx).await?;
            assert!(matches!(err, Error::Pool(_)), "{err}");
            Ok(waited)
        })
        .await
        .unwrap();
    assert!(
        waited >= timeout && waited < Duration::from_secs(5),
        "gave up after {waited:?}"
    );
    assert!(
        User::objects().count(&db).await.is_ok(),
        "usable again once the connection is back"
    );
    record(
        t.backend().name(),
        Figures {
            case: "pool_exhausted",
            tried: "a call while the pool's only connection is held (acquire timeout 300 ms): Error::Pool, then normal use".into(),
            operations: 3,
            faults: 1,
            errors: 1,
            lost: 0,
        },
    );
}

backend_tests!(
    killed_connections_under_load_are_replaced,
    an_exhausted_pool_times_out_instead_of_hanging
);
