//! Read replicas on PostgreSQL: a real primary and hot standby (see
//! `aksara_tests::replica`), reached through one cluster handle (`aksara::connect_cluster`).

use aksara::{q, ClusterOptions, Db, Model, PoolOptions, Value};
use aksara_tests::models::blog::{registry, Category};
use aksara_tests::replica::replica_pair;

const PAIRS: usize = 200;

/// A cluster handle whose connections use the schema `schema`, created afresh (with the
/// blog's tables) on the primary; it reaches the standby through replication.
async fn cluster(test: &str, schema: &str, options: ClusterOptions) -> Option<Db> {
    let pair = replica_pair(test)?;
    let setup = aksara::connect(&pair.primary_url, registry())
        .await
        .unwrap();
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
    let db = aksara::connect_cluster_with(
        &pair.primary_url,
        &[pair.standby_url.as_str()],
        registry(),
        pool,
        options,
    )
    .await
    .unwrap();
    assert_eq!(db.replica_count(), 1);
    aksara::ddl::create_all(&db).await.unwrap();
    Some(db)
}

fn in_recovery(rows: aksara::Result<Vec<Vec<Value>>>) -> bool {
    match rows.unwrap()[0][0] {
        Value::Bool(b) => b,
        ref v => panic!("pg_is_in_recovery() gave {v:?}"),
    }
}

/// Writes a category, reads it back at once; how many reads did not find it.
async fn stale_reads(db: &Db, prefix: &str) -> usize {
    let mut stale = 0;
    for i in 0..PAIRS {
        let slug = format!("{prefix}-{i}");
        Category::build()
            .name(format!("Category {i}"))
            .slug(slug.as_str())
            .create(db)
            .await
            .unwrap();
        let found = Category::objects()
            .filter(q!(slug = slug.clone()))
            .count(db)
            .await
            .unwrap();
        assert!(found <= 1);
        if found == 0 {
            stale += 1;
        }
    }
    stale
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_reads_its_own_writes_every_time() {
    let Some(db) = cluster("own_writes", "replica_own", ClusterOptions::default()).await else {
        return;
    };
    // The reads do go to the standby.
    assert!(in_recovery(
        db.raw_read("SELECT pg_is_in_recovery()", []).await
    ));
    let before = db.cluster_stats().unwrap();
    assert_eq!(stale_reads(&db, "own").await, 0);
    let after = db.cluster_stats().unwrap();
    let (on_replica, waited, fell_back) = (
        after.replica_reads - before.replica_reads,
        after.waited - before.waited,
        after.fell_back - before.fell_back,
    );
    eprintln!(
        "read-your-writes: {on_replica} of {PAIRS} reads on the replica ({waited} waited for \
         it), {fell_back} on the primary"
    );
    // The reads were the replica's, not the primary's standing in: the test would otherwise
    // prove nothing. (A replica more than 1 s behind sends a read to the primary, so a few
    // may on a loaded machine.)
    assert_eq!(on_replica + fell_back, PAIRS as u64);
    assert!(
        on_replica >= PAIRS as u64 * 9 / 10,
        "{on_replica} of {PAIRS}"
    );
    let token = db.session_token().expect("a write leaves a position");
    assert!(token.position() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_without_the_wait_can_be_stale() {
    let options = ClusterOptions {
        read_your_writes: false,
        ..ClusterOptions::default()
    };
    let Some(db) = cluster("stale", "replica_stale", options).await else {
        return;
    };
    assert!(in_recovery(
        db.raw_read("SELECT pg_is_in_recovery()", []).await
    ));
    let before = db.cluster_stats().unwrap();
    let stale = stale_reads(&db, "stale").await;
    let after = db.cluster_stats().unwrap();
    assert_eq!(after.replica_reads - before.replica_reads, PAIRS as u64);
    assert_eq!(
        after.waited, before.waited,
        "nothing waits without read-your-writes"
    );
    eprintln!("{stale} of {PAIRS} reads on the replica without waiting were stale");
    assert!(
        stale > 0,
        "no read on the standby was stale: the replication lag is too small to observe here"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_carries_read_your_writes_to_another_handle() {
    let Some(db) = cluster("token", "replica_token", ClusterOptions::default()).await else {
        return;
    };
    for i in 0..PAIRS {
        // A request writes with a handle of its own, and hands on its token...
        let writer = db.with_token("0/0".parse().unwrap());
        let slug = format!("token-{i}");
        Category::build()
            .name("Tokened")
            .slug(slug.as_str())
            .create(&writer)
            .await
            .unwrap();
        let token = writer.session_token().unwrap();
        // ... which the next request, on a fresh handle, reads from: it sees the write.
        let reader = db.with_token(token.to_string().parse().unwrap());
        assert_eq!(reader.session_token(), Some(token));
        let found = Category::objects()
            .filter(q!(slug = slug.clone()))
            .count(&reader)
            .await
            .unwrap();
        assert_eq!(found, 1, "pair {i}: the token's write is not visible");
    }
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
    assert_eq!(stale_reads(&primary, "primary").await, 0);
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
