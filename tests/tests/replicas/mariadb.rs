//! Read replicas on MariaDB: a real primary and GTID replica (see
//! `aksara_tests::mariadb_replica`); read-your-writes by `@@last_gtid` and `MASTER_GTID_WAIT`.

use super::common::{self, eventually, reads_on_replica};
use aksara::{q, ClusterOptions, Db, Model, PoolOptions};
use aksara_tests::mariadb_replica::{extra_mariadb_replica, mariadb_pair, MariaServer};
use aksara_tests::models::blog::{registry, Category};
use std::time::Duration;

/// 1 on the replica (`--read-only`), 0 on the primary.
const READ_ONLY: &str = "SELECT @@read_only";

/// A cluster handle on the shared primary and `replicas`, over the database `database`,
/// created afresh with the blog's tables.
async fn cluster_on(
    replicas: &[&MariaServer],
    database: &str,
    options: ClusterOptions,
) -> Option<Db> {
    let pair = mariadb_pair(database)?;
    pair.fresh_database(database);
    for replica in replicas {
        replica.catch_up_with(&pair.primary);
    }
    let urls: Vec<String> = replicas.iter().map(|r| r.url(database)).collect();
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    let db = aksara::connect_cluster_with(
        &pair.primary.url(database),
        &urls,
        registry(),
        PoolOptions::default(),
        options,
    )
    .await
    .unwrap();
    assert_eq!(db.replica_count(), replicas.len());
    aksara::ddl::create_all(&db).await.unwrap();
    Some(db)
}

async fn cluster(database: &str, options: ClusterOptions) -> Option<Db> {
    let pair = mariadb_pair(database)?;
    cluster_on(&[&pair.replica], database, options).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_cluster_reads_its_own_writes_every_time() {
    let Some(db) = cluster("maria_own", ClusterOptions::default()).await else {
        return;
    };
    common::reads_its_own_writes(&db, READ_ONLY).await;
    let token = db.session_token().unwrap();
    assert!(token.lsn().is_none());
    assert_eq!(token.gtids()[0].server, 1, "the primary's server id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_reads_without_the_wait_can_be_stale() {
    let Some(pair) = mariadb_pair("maria_stale") else {
        return;
    };
    let replica = extra_mariadb_replica("maria_stale").unwrap();
    let unsynced = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let db = cluster_on(&[&replica], "maria_stale", unsynced)
        .await
        .unwrap();
    let synced = aksara::connect_cluster_with(
        &pair.primary.url("maria_stale"),
        &[replica.url("maria_stale").as_str()],
        registry(),
        PoolOptions::default(),
        ClusterOptions {
            replica_wait: Duration::from_millis(100),
            ..ClusterOptions::default()
        },
    )
    .await
    .unwrap();
    common::stale_without_the_wait(
        &db,
        &synced,
        READ_ONLY,
        || async {
            replica.admin("STOP SLAVE SQL_THREAD");
        },
        || async {
            replica.admin("START SLAVE SQL_THREAD");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_a_token_carries_read_your_writes_to_another_handle() {
    let Some(db) = cluster("maria_token", ClusterOptions::default()).await else {
        return;
    };
    common::tokens_carry_read_your_writes(&db, "0-1-0").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_writes_ddl_raw_sql_and_transactions_run_on_the_primary() {
    let Some(db) = cluster("maria_writes", ClusterOptions::default()).await else {
        return;
    };
    let pair = mariadb_pair("maria_writes").unwrap();
    // Each of these would fail with error 1290 (the server runs with --read-only) on the
    // replica, where the application user has no right to write.
    let outcomes: Vec<aksara::Result<()>> = vec![
        db.raw_execute("CREATE TABLE extra (id int primary key)", [])
            .await
            .map(drop),
        db.raw_execute("INSERT INTO extra VALUES ({})", [1.into()])
            .await
            .map(drop),
        db.raw("INSERT INTO extra VALUES (2)", []).await.map(drop),
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
            assert!(!reads_on_replica(&tx, READ_ONLY).await);
            Category::build()
                .name("In a transaction")
                .slug("tx")
                .create(&tx)
                .await?;
            assert_eq!(Category::objects().count(&tx).await?, 2);
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
            panic!("statement {i} failed: {e}");
        }
    }
    // Raw SQL runs on the primary unless marked as a read.
    assert!(!common::flag(db.raw(READ_ONLY, []).await));
    assert!(reads_on_replica(&db, READ_ONLY).await);
    assert_eq!(Category::objects().count(&db).await.unwrap(), 1);
    // The replica wrote nothing of its own: its binary log has no transaction.
    pair.replica.catch_up_with(&pair.primary);
    assert_eq!(pair.replica.admin("SELECT @@gtid_binlog_pos").trim(), "");
    // And a write sent to it directly, as the application user, does fail.
    let direct = aksara::connect(&pair.replica.url("maria_writes"), registry())
        .await
        .unwrap();
    let refused = direct
        .raw_execute("INSERT INTO extra VALUES (3)", [])
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("read-only"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_a_replica_killed_mid_run_loses_no_read() {
    let Some(pair) = mariadb_pair("maria_killed") else {
        return;
    };
    let mut doomed = extra_mariadb_replica("maria_killed").unwrap();
    let db = cluster_on(
        &[&doomed, &pair.replica],
        "maria_killed",
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
    for _ in 0..10 {
        assert!(reads_on_replica(&db, READ_ONLY).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_a_stopped_replica_is_skipped_until_it_runs_again() {
    let Some(_) = mariadb_pair("maria_lag") else {
        return;
    };
    let paused = extra_mariadb_replica("maria_lag").unwrap();
    let bounded = ClusterOptions {
        read_your_writes: false,
        max_replica_lag: Some(Duration::from_secs(5)),
        replica_recheck: Duration::from_millis(20),
        ..ClusterOptions::default()
    };
    let db = cluster_on(&[&paused], "maria_lag", bounded).await.unwrap();
    let unbounded = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let stale_db = aksara::connect_cluster_with(
        &mariadb_pair("maria_lag").unwrap().primary.url("maria_lag"),
        &[paused.url("maria_lag").as_str()],
        registry(),
        PoolOptions::default(),
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
    paused.catch_up_with(&mariadb_pair("maria_lag").unwrap().primary);
    assert!(reads_on_replica(&db, READ_ONLY).await);
    // The replica stops applying what it receives: `Seconds_Behind_Master` is NULL.
    paused.admin("STOP SLAVE SQL_THREAD");
    Category::build()
        .name("B")
        .slug("b")
        .create(&db)
        .await
        .unwrap();
    eventually("the stopped replica is skipped", async || {
        !reads_on_replica(&db, READ_ONLY).await
    })
    .await;
    for _ in 0..20 {
        assert_eq!(
            count(db.clone(), "b").await,
            1,
            "read from the stopped replica"
        );
    }
    // Without the bound the stopped replica answers, stale.
    assert!(reads_on_replica(&stale_db, READ_ONLY).await);
    assert_eq!(count(stale_db.clone(), "b").await, 0);

    paused.admin("START SLAVE SQL_THREAD");
    eventually("the replica takes reads again", async || {
        reads_on_replica(&db, READ_ONLY).await
    })
    .await;
    eventually("the replica has the row", async || {
        matches!(try_count(db.clone(), "b").await, Ok(1))
    })
    .await;
}
