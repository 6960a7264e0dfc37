//! Test bodies run on both backends' clusters.

use aksara::{q, Db, Model, Value};
use aksara_tests::models::blog::Category;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const PAIRS: usize = 200;

/// True when a one-value row says yes (`pg_is_in_recovery()`, `@@read_only`).
pub fn flag(rows: aksara::Result<Vec<Vec<Value>>>) -> bool {
    match rows.unwrap()[0][0] {
        Value::Bool(b) => b,
        Value::I64(n) => n != 0,
        Value::I32(n) => n != 0,
        ref v => panic!("expected a flag, got {v:?}"),
    }
}

/// True when `db`'s next read runs on a replica; `probe` is the backend's "am I a replica"
/// query.
pub async fn reads_on_replica(db: &Db, probe: &str) -> bool {
    flag(db.raw_read(probe, []).await)
}

/// Writes a category, reads it back at once, 200 times; how many reads did not find it.
pub async fn stale_reads(db: &Db, prefix: &str) -> usize {
    stale_reads_of(db, prefix, PAIRS).await
}

/// [`stale_reads`] with `pairs` pairs.
pub async fn stale_reads_of(db: &Db, prefix: &str, pairs: usize) -> usize {
    let mut stale = 0;
    for i in 0..pairs {
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

/// 200 write-then-read pairs read their own writes every time, nearly all on a replica.
pub async fn reads_its_own_writes(db: &Db, probe: &str) {
    assert!(reads_on_replica(db, probe).await);
    let before = db.cluster_stats().unwrap();
    assert_eq!(stale_reads(db, "own").await, 0);
    let after = db.cluster_stats().unwrap();
    let (on_replica, waited, fell_back) = (
        after.replica_reads - before.replica_reads,
        after.waited - before.waited,
        after.fell_back - before.fell_back,
    );
    eprintln!(
        "read-your-writes ({}): {on_replica} of {PAIRS} reads on the replica ({waited} waited \
         for it), {fell_back} on the primary",
        db.dialect().name()
    );
    // The reads were the replica's, not the primary's standing in: the test would otherwise
    // prove nothing. (A replica more than 1 s behind sends a read to the primary, so a few
    // may on a loaded machine.)
    assert_eq!(on_replica + fell_back, PAIRS as u64);
    assert!(
        on_replica >= PAIRS as u64 * 9 / 10,
        "{on_replica} of {PAIRS}"
    );
    assert!(db.session_token().is_some(), "a write leaves a position");
}

/// The same pairs without the wait (`unsynced`), on a replica of the test's own: some reads
/// are stale. On an idle machine a local replica can be quick enough for none to be, so the
/// replica is then paused (`pause`): 20 more pairs without the wait must all be stale, and 20
/// pairs with it (`synced`, whose `replica_wait` is short) must all be right, read from the
/// primary once the replica kept them waiting too long. `resume` lets it go on.
pub async fn stale_without_the_wait<P, R>(
    unsynced: &Db,
    synced: &Db,
    probe: &str,
    pause: impl FnOnce() -> P,
    resume: impl FnOnce() -> R,
) where
    P: std::future::Future<Output = ()>,
    R: std::future::Future<Output = ()>,
{
    let db = unsynced;
    assert!(reads_on_replica(db, probe).await);
    // Reads do not wait here, so first for the tables themselves.
    eventually("the replica has the tables", async || {
        Category::objects().count(db).await.is_ok()
    })
    .await;
    let before = db.cluster_stats().unwrap();
    let stale = stale_reads(db, "stale").await;
    let after = db.cluster_stats().unwrap();
    assert_eq!(after.replica_reads - before.replica_reads, PAIRS as u64);
    assert_eq!(
        after.waited, before.waited,
        "nothing waits without read-your-writes"
    );
    eprintln!(
        "{stale} of {PAIRS} reads on the replica without waiting were stale ({})",
        db.dialect().name()
    );

    pause().await;
    let paused_stale = stale_reads_of(db, "paused", 20).await;
    let before = synced.cluster_stats().unwrap();
    let synced_stale = stale_reads_of(synced, "synced", 20).await;
    let after = synced.cluster_stats().unwrap();
    resume().await;
    assert_eq!(
        paused_stale, 20,
        "reads on a paused replica that saw a new write"
    );
    assert_eq!(synced_stale, 0, "read-your-writes on a paused replica");
    assert_eq!(after.fell_back - before.fell_back, 20);
}

/// A request writes with a handle of its own and hands on its token (as text); the next
/// request, on a fresh handle made from it, sees the write.
pub async fn tokens_carry_read_your_writes(db: &Db, origin: &str) {
    for i in 0..PAIRS {
        let writer = db.with_token(origin.parse().unwrap());
        let slug = format!("token-{i}");
        Category::build()
            .name("Tokened")
            .slug(slug.as_str())
            .create(&writer)
            .await
            .unwrap();
        let token = writer.session_token().unwrap();
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

/// Reads from several tasks at once while `kill` stops a replica after 100 of them; each task
/// goes on for 50 reads after the kill: every read answers, and answers right. `db` has
/// written `slug` already.
pub async fn reads_survive_a_killed_replica(db: &Db, slug: &str, kill: impl FnOnce()) {
    const TASKS: usize = 4;
    const AFTER_KILL: usize = 50;
    let done = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let before = db.cluster_stats().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (db, done, killed) = (db.clone(), done.clone(), killed.clone());
        let slug = slug.to_string();
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut after_kill = 0;
            while after_kill < AFTER_KILL && answers.len() < 100_000 {
                let found = Category::objects()
                    .filter(q!(slug = slug.clone()))
                    .count(&db)
                    .await;
                answers.push(found.map_err(|e| e.to_string()));
                done.fetch_add(1, Ordering::Relaxed);
                if killed.load(Ordering::Acquire) {
                    after_kill += 1;
                }
            }
            (answers, after_kill)
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while done.load(Ordering::Relaxed) < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let at_kill = db.cluster_stats().unwrap();
    let before_kill = done.load(Ordering::Relaxed);
    kill();
    killed.store(true, Ordering::Release);
    let mut answers = Vec::new();
    for task in tasks {
        let (some, after_kill) = task.await.unwrap();
        assert_eq!(after_kill, AFTER_KILL);
        answers.extend(some);
    }
    let after = db.cluster_stats().unwrap();
    eprintln!(
        "killed replica ({}): killed after {before_kill} reads, {} in all; {} on replicas, \
         {} run again after a failure, {} on the primary",
        db.dialect().name(),
        answers.len(),
        after.replica_reads - before.replica_reads,
        after.retried - before.retried,
        after.fell_back - before.fell_back,
    );
    assert!(at_kill.replica_reads > before.replica_reads);
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer, &Ok(1), "read {i}");
    }
}

/// Polls until `done` says yes, for at most 30 s.
pub async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
