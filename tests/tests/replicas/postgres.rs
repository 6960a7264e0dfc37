//! Read replicas on PostgreSQL: a real primary and hot standby (see
//! `aksara_tests::replica`).

use super::common::{self, eventually, flag, reads_on_replica};
use aksara::{q, ClusterOptions, Db, Model, PoolOptions};
use aksara_tests::models::blog::{registry, Category};
use aksara_tests::replica::{extra_standby, extra_standby_with, replica_pair};
use std::time::Duration;

const IN_RECOVERY: &str = "SELECT pg_is_in_recovery()";

/// A cluster handle whose connections use the schema `schema`, created afresh (with the
/// blog's tables) on the primary; it reaches the standby through replication.
async fn cluster(test: &str, schema: &str, options: ClusterOptions) -> Option<Db> {
    let pair = replica_pair(test)?;
    cluster_on(
        &pair.primary_url,
        &[pair.standby_url.as_str()],
        schema,
        options,
    )
    .await
}

/// The same on the shared primary with the replicas `replicas`.
async fn cluster_on(
    primary: &str,
    replicas: &[&str],
    schema: &str,
    options: ClusterOptions,
) -> Option<Db> {
    let setup = aksara::connect(primary, registry()).await.unwrap();
    setup
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .await
        .unwrap();
    let pool = PoolOptions {
        after_connect: vec![format!("SET search_path TO {schema}")],
        ..PoolOptions::default()
    };
    let db = aksara::connect_cluster_with(primary, replicas, registry(), pool, options)
        .await
        .unwrap();
    assert_eq!(db.replica_count(), replicas.len());
    aksara::ddl::create_all(&db).await.unwrap();
    Some(db)
}

fn in_recovery(rows: aksara::Result<Vec<Vec<aksara::Value>>>) -> bool {
    flag(rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_reads_its_own_writes_every_time() {
    let Some(db) = cluster("own_writes", "replica_own", ClusterOptions::default()).await else {
        return;
    };
    common::reads_its_own_writes(&db, IN_RECOVERY).await;
    assert!(db.session_token().unwrap().lsn().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_without_the_wait_can_be_stale() {
    let Some(pair) = replica_pair("stale") else {
        return;
    };
    let standby = extra_standby("stale").unwrap();
    let unsynced = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let db = cluster_on(
        &pair.primary_url,
        &[standby.url.as_str()],
        "replica_stale",
        unsynced,
    )
    .await
    .unwrap();
    let synced = aksara::connect_cluster_with(
        &pair.primary_url,
        &[standby.url.as_str()],
        registry(),
        PoolOptions {
            after_connect: vec!["SET search_path TO replica_stale".to_string()],
            ..PoolOptions::default()
        },
        ClusterOptions {
            replica_wait: Duration::from_millis(100),
            ..ClusterOptions::default()
        },
    )
    .await
    .unwrap();
    let direct = aksara::connect(&standby.url, registry()).await.unwrap();
    let replay = |call: &'static str| {
        let direct = direct.clone();
        async move {
            direct.raw_execute(call, []).await.unwrap();
        }
    };
    common::stale_without_the_wait(
        &db,
        &synced,
        IN_RECOVERY,
        || replay("SELECT pg_wal_replay_pause()"),
        || replay("SELECT pg_wal_replay_resume()"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_carries_read_your_writes_to_another_handle() {
    let Some(db) = cluster("token", "replica_token", ClusterOptions::default()).await else {
        return;
    };
    common::tokens_carry_read_your_writes(&db, "0/0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_ddl_raw_sql_and_transactions_run_on_the_primary() {
    let Some(db) = cluster("primary_only", "replica_writes", ClusterOptions::default()).await
    else {
        return;
    };
    // Each of these would fail with SQLSTATE 25006 (read-only transaction) on the standby.
    let outcomes: Vec<aksara::Result<()>> = vec![
        db.raw_execute("CREATE TABLE replica_writes.extra (id int primary key)", [])
            .await
            .map(drop),
        db.raw_execute("INSERT INTO replica_writes.extra VALUES ({})", [1.into()])
            .await
            .map(drop),
        db.raw(
            "INSERT INTO replica_writes.extra VALUES (2) RETURNING id",
            [],
        )
        .await
        .map(drop),
        Category::build()
            .name("Written")
            .slug("written")
            .create(&db)
            .await
            .map(drop),
        Category::objects()
            .filter(q!(slug = "written"))
            .update(&db, [("name", "Renamed")])
            .await
            .map(drop),
        db.transaction(|tx| async move {
            // A transaction runs wholly on the primary, its reads too.
            assert!(!in_recovery(
                tx.raw_read("SELECT pg_is_in_recovery()", []).await
            ));
            Category::build()
                .name("In a transaction")
                .slug("tx")
                .create(&tx)
                .await?;
            let n = Category::objects().count(&tx).await?;
            assert_eq!(n, 2);
            Ok(())
        })
        .await,
        Category::objects()
            .filter(q!(slug = "tx"))
            .delete(&db)
            .await
            .map(drop),
    ];
    for (i, outcome) in outcomes.into_iter().enumerate() {
        if let Err(e) = outcome {
            let text = format!("{e:?} {e}");
            assert!(
                !text.contains("25006") && !text.contains("read-only"),
                "{i}: {text}"
            );
            panic!("statement {i} failed: {e}");
        }
    }
    // Raw SQL runs on the primary unless marked as a read.
    assert!(!in_recovery(db.raw("SELECT pg_is_in_recovery()", []).await));
    assert!(in_recovery(
        db.raw_read("SELECT pg_is_in_recovery()", []).await
    ));
    assert_eq!(
        Category::objects().count(&db).await.unwrap(),
        1,
        "the reads after the writes see them"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_primary_handle_reads_the_primary() {
    let Some(db) = cluster(
        "primary_handle",
        "replica_primary",
        ClusterOptions::default(),
    )
    .await
    else {
        return;
    };
    let primary = db.primary();
    for _ in 0..10 {
        assert!(!in_recovery(
            primary.raw_read("SELECT pg_is_in_recovery()", []).await
        ));
        assert!(in_recovery(
            db.raw_read("SELECT pg_is_in_recovery()", []).await
        ));
    }
    // Its reads see the latest writes without waiting for anything.
    let options = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let Some(unsynced) = cluster("primary_handle", "replica_primary2", options).await else {
        return;
    };
    let primary = unsynced.primary();
    assert_eq!(common::stale_reads(&primary, "primary").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_replica_is_left_out() {
    let Some(pair) = replica_pair("unreachable") else {
        return;
    };
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dead = format!("postgres://postgres@127.0.0.1:{closed}/postgres");
    let pool = PoolOptions {
        connect_timeout: std::time::Duration::from_secs(2),
        ..PoolOptions::default()
    };
    let db = aksara::connect_cluster_with(
        &pair.primary_url,
        &[dead.as_str(), pair.standby_url.as_str()],
        registry(),
        pool,
        ClusterOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(db.replica_count(), 1);
    for _ in 0..4 {
        assert!(in_recovery(
            db.raw_read("SELECT pg_is_in_recovery()", []).await
        ));
    }
    let only_dead = aksara::connect_cluster(&pair.primary_url, &[dead.as_str()], registry())
        .await
        .unwrap();
    assert_eq!(only_dead.replica_count(), 0);
    assert!(!in_recovery(
        only_dead.raw_read("SELECT pg_is_in_recovery()", []).await
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_run_loses_no_read() {
    let Some(pair) = replica_pair("killed") else {
        return;
    };
    let mut doomed = extra_standby("killed").unwrap();
    let db = cluster_on(
        &pair.primary_url,
        &[doomed.url.as_str(), pair.standby_url.as_str()],
        "replica_killed",
        ClusterOptions::default(),
    )
    .await
    .unwrap();
    Category::build()
        .name("Read while a replica dies")
        .slug("kept")
        .create(&db)
        .await
        .unwrap();
    common::reads_survive_a_killed_replica(&db, "kept", || doomed.kill()).await;
    // The dead one is skipped: reads still go to a replica, the one left.
    for _ in 0..10 {
        assert!(reads_on_replica(&db, IN_RECOVERY).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_replica_is_skipped_until_it_catches_up() {
    let Some(pair) = replica_pair("lagging") else {
        return;
    };
    let standby = extra_standby("lagging").unwrap();
    let bounded = ClusterOptions {
        read_your_writes: false,
        max_replica_lag: Some(Duration::from_millis(200)),
        replica_recheck: Duration::from_millis(20),
        ..ClusterOptions::default()
    };
    let db = cluster_on(
        &pair.primary_url,
        &[standby.url.as_str()],
        "replica_lag",
        bounded,
    )
    .await
    .unwrap();
    // Without a bound, the same standby.
    let unbounded = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let stale_db = aksara::connect_cluster_with(
        &pair.primary_url,
        &[standby.url.as_str()],
        registry(),
        PoolOptions {
            after_connect: vec!["SET search_path TO replica_lag".to_string()],
            ..PoolOptions::default()
        },
        unbounded,
    )
    .await
    .unwrap();
    // Reads here go to the replica without waiting for it: until it has the tables, they
    // may fail.
    let try_count = |db: Db, slug: &'static str| async move {
        Category::objects().filter(q!(slug = slug)).count(&db).await
    };
    let count = |db: Db, slug: &'static str| async move { try_count(db, slug).await.unwrap() };
    Category::build()
        .name("A")
        .slug("a")
        .create(&db)
        .await
        .unwrap();
    eventually("the standby has the first row", async || {
        matches!(try_count(db.clone(), "a").await, Ok(1))
            && reads_on_replica(&db, IN_RECOVERY).await
    })
    .await;

    let direct = aksara::connect(&standby.url, registry()).await.unwrap();
    direct
        .raw_execute("SELECT pg_wal_replay_pause()", [])
        .await
        .unwrap();
    Category::build()
        .name("B")
        .slug("b")
        .create(&db)
        .await
        .unwrap();
    eventually("the paused standby is skipped", async || {
        !reads_on_replica(&db, IN_RECOVERY).await
    })
    .await;
    for _ in 0..20 {
        assert_eq!(
            count(db.clone(), "b").await,
            1,
            "read from the paused standby"
        );
    }
    // Without the bound the paused standby answers, stale: the bound is what kept it away.
    assert!(reads_on_replica(&stale_db, IN_RECOVERY).await);
    assert_eq!(count(stale_db.clone(), "b").await, 0);

    direct
        .raw_execute("SELECT pg_wal_replay_resume()", [])
        .await
        .unwrap();
    eventually("the standby takes reads again", async || {
        reads_on_replica(&db, IN_RECOVERY).await
    })
    .await;
    assert_eq!(count(db.clone(), "b").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_cancelled_by_a_recovery_conflict_runs_again() {
    let Some(pair) = replica_pair("conflict") else {
        return;
    };
    // The standby cancels a query that holds up replay for more than 50 ms.
    let standby = extra_standby_with("conflict", "max_standby_streaming_delay = 50ms").unwrap();
    let db = cluster_on(
        &pair.primary_url,
        &[standby.url.as_str()],
        "replica_conflict",
        ClusterOptions::default(),
    )
    .await
    .unwrap();
    Category::build()
        .name("One")
        .slug("one")
        .create(&db)
        .await
        .unwrap();
    let direct = aksara::connect(&standby.url, registry()).await.unwrap();
    let cancelled = "canceling statement due to conflict with recovery";
    let conflicts_before = standby.log().matches(cancelled).count();
    let before = db.cluster_stats().unwrap();
    // A read that holds a lock on the table for half a second...
    let reader = {
        let db = db.clone();
        tokio::spawn(async move {
            db.raw_read(
                "WITH pause AS (SELECT pg_sleep(0.5)) \
                 SELECT count(*) FROM replica_conflict.categories, pause",
                [],
            )
            .await
        })
    };
    eventually("the read runs on the standby", async || {
        let rows = direct
            .raw(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                 AND query LIKE '%pg_sleep(0.5)%' AND pid <> pg_backend_pid()",
                [],
            )
            .await
            .unwrap();
        rows[0][0] != aksara::Value::I64(0)
    })
    .await;
    // ... while the primary takes a lock the standby must replay: the standby cancels the
    // read (SQLSTATE 40001), and the cluster runs it again.
    db.transaction(|tx| async move {
        tx.raw_execute(
            "LOCK TABLE replica_conflict.categories IN ACCESS EXCLUSIVE MODE",
            [],
        )
        .await?;
        Ok(())
    })
    .await
    .unwrap();
    let rows = reader
        .await
        .unwrap()
        .expect("the read answers despite the conflict");
    assert_eq!(rows[0][0], aksara::Value::I64(1));
    let after = db.cluster_stats().unwrap();
    eprintln!("recovery conflict: {before:?} -> {after:?}");
    assert!(after.retried > before.retried, "the read was not run again");
    // The standby did cancel the read (its log says so).
    assert!(
        standby.log().matches(cancelled).count() > conflicts_before,
        "no recovery conflict happened"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_connection_drops_is_not_run_again() {
    let Some(pair) = replica_pair("write_dropped") else {
        return;
    };
    let db = cluster(
        "write_dropped",
        "replica_dropped",
        ClusterOptions::default(),
    )
    .await
    .unwrap();
    db.raw_execute("CREATE TABLE replica_dropped.marks (n int)", [])
        .await
        .unwrap();
    let admin = aksara::connect(&pair.primary_url, registry())
        .await
        .unwrap();
    db.record_sql();
    // A write that takes half a second; its connection is terminated on the primary while
    // it runs (before it commits).
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            db.raw_execute(
                "INSERT INTO replica_dropped.marks SELECT 1 FROM pg_sleep(0.5)",
                [],
            )
            .await
        })
    };
    eventually("the write runs", async || {
        let rows = admin
            .raw(
                "SELECT count(pg_terminate_backend(pid))::int8 FROM pg_stat_activity \
                 WHERE query LIKE 'INSERT INTO replica_dropped.marks%' AND state = 'active'",
                [],
            )
            .await
            .unwrap();
        rows[0][0] != aksara::Value::I64(0)
    })
    .await;
    let outcome = writer.await.unwrap();
    assert!(
        matches!(outcome, Err(aksara::Error::Connection(_))),
        "{outcome:?}"
    );
    let statements = db.recorded_sql();
    assert_eq!(
        statements
            .iter()
            .filter(|s| s.starts_with("INSERT INTO replica_dropped.marks"))
            .count(),
        1,
        "the write was sent again: {statements:?}"
    );
    let rows = admin
        .raw("SELECT count(*) FROM replica_dropped.marks", [])
        .await
        .unwrap();
    assert_eq!(rows[0][0], aksara::Value::I64(0), "a write ran again");
}
