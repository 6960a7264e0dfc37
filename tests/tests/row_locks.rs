//! Row locks: `select_for_update` with `nowait`, `skip_locked` and `of`, on every backend.
//!
//! Two tasks on one database: one holds a locked row in a transaction, the other reads with
//! `skip_locked` (sees the other rows only), `nowait` (fails at once with
//! `Error::LockNotAvailable`) or neither (waits until the first commits). SQLite has no row
//! locks: its transactions take the database's write lock at `BEGIN`, so there the second
//! transaction waits at its start and then sees every row. A job queue of four workers
//! claiming jobs with `skip_locked().limit(1)` processes each job exactly once.

use aksara::{q, Db, Error, ForeignKey, Model, PoolOptions, Registry, Value, CASCADE, SET_NULL};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// A queue jobs belong to.
#[derive(Model, Debug, Clone)]
#[aksara(table = "queues")]
pub struct Queue {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// A job of a queue.
#[derive(Model, Debug, Clone)]
#[aksara(table = "jobs")]
pub struct Job {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
    #[aksara(on_delete = CASCADE, related_name = "jobs")]
    pub queue: ForeignKey<Queue>,
    /// A queue to fall back to (nullable: a LEFT JOIN when selected).
    #[aksara(on_delete = SET_NULL, related_name = "backup_jobs")]
    pub backup: Option<ForeignKey<Queue>>,
    #[aksara(default = false)]
    pub done: bool,
    pub worker: i32,
    pub attempts: i32,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Queue>()
        .model::<Job>()
        .build()
        .expect("valid models")
}

/// How long the holding task keeps its lock in the waiting cases.
const HOLD: Duration = Duration::from_millis(400);

/// A pool of 10 connections with `n` jobs in one queue, keys 1..=n.
async fn jobs(t: &TestDb, n: usize) -> (Db, Queue) {
    let options = PoolOptions {
        max_connections: 10,
        ..PoolOptions::default()
    };
    let db = aksara::connect_with(t.url(), registry(), options)
        .await
        .unwrap();
    aksara::ddl::create_all(&db).await.unwrap();
    let queue = Queue::build().name("main").create(&db).await.unwrap();
    Job::objects()
        .bulk_create(
            &db,
            (1..=n).map(|i| {
                Job::build()
                    .name(format!("job{i}"))
                    .queue(&queue)
                    .worker(0)
                    .attempts(0)
            }),
        )
        .await
        .unwrap();
    (db, queue)
}

/// The keys read by a hand-written query.
async fn raw_ids(db: &Db, sql: &str, binds: Vec<Value>) -> Vec<i64> {
    db.raw(sql, binds)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r[0].as_i64().unwrap())
        .collect()
}

fn ids(jobs: &[Job]) -> Vec<i64> {
    jobs.iter().map(|j| j.id).collect()
}

/// A task holding the lock on job `id` in a transaction until `release` fires (or, without
/// one, for [`HOLD`]); `locked` fires once the lock is held, `committing` is set just before
/// the commit, after the job's worker is set to 99.
fn hold(
    db: &Db,
    id: i64,
    locked: oneshot::Sender<()>,
    release: Option<oneshot::Receiver<()>>,
    committing: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<aksara::Result<()>> {
    let db = db.clone();
    tokio::spawn(async move {
        db.transaction(|tx| async move {
            let held = Job::objects()
                .filter(q!(id = id))
                .select_for_update()
                .all(&tx)
                .await?;
            assert_eq!(ids(&held), vec![id]);
            let _ = locked.send(());
            match release {
                Some(release) => {
                    let _ = release.await;
                }
                None => tokio::time::sleep(HOLD).await,
            }
            Job::objects()
                .filter(q!(id = id))
                .update(&tx, [("worker", 99)])
                .await?;
            committing.store(true, Ordering::SeqCst);
            Ok(())
        })
        .await
    })
}

async fn outside_a_transaction_is_refused(t: TestDb) {
    let (db, _) = jobs(&t, 3).await;
    db.record_sql();
    let locked = Job::objects().select_for_update();
    let errors = [
        locked.all(&db).await.unwrap_err(),
        locked.first(&db).await.unwrap_err(),
        locked.get(&db, q!(id = 1)).await.unwrap_err(),
        Job::objects().skip_locked().all(&db).await.unwrap_err(),
        Job::objects().nowait().all(&db).await.unwrap_err(),
    ];
    assert_eq!(db.recorded_sql(), Vec::<String>::new(), "no SQL ran");
    for e in errors {
        let Error::Config(messages) = &e else {
            panic!("expected Error::Config, got {e:?}");
        };
        assert!(
            messages[0].contains("select_for_update on Job outside a transaction"),
            "{e}"
        );
    }
    // On one connection without a transaction it is refused too.
    let pinned = db
        .on_one_connection(|c| async move { Job::objects().select_for_update().all(&c).await })
        .await;
    assert!(matches!(pinned, Err(Error::Config(_))), "{pinned:?}");
}

async fn locking_read_in_a_transaction(t: TestDb) {
    let (db, _) = jobs(&t, 5).await;
    db.record_sql();
    let read = db
        .transaction(|tx| async move {
            Job::objects()
                .filter(q!(id__gte = 2))
                .order_by(["-id"])
                .limit(3)
                .select_for_update()
                .all(&tx)
                .await
        })
        .await
        .unwrap();
    let sql = db.recorded_sql();
    let expected = raw_ids(
        &db,
        "SELECT id FROM jobs WHERE id >= {} ORDER BY id DESC LIMIT 3",
        vec![2.into()],
    )
    .await;
    assert_eq!(ids(&read), expected);
    assert_eq!(expected, vec![5, 4, 3]);
    let select = sql.iter().find(|s| s.starts_with("SELECT")).unwrap();
    match t.backend() {
        Backend::Sqlite => assert!(!select.contains("FOR UPDATE"), "{select}"),
        _ => assert!(select.ends_with(" FOR UPDATE"), "{select}"),
    }
    // Inside a nested transaction (a savepoint) as well; get and first lock too.
    let (one, first) = db
        .transaction(|tx| async move {
            tx.transaction(|inner| async move {
                let one = Job::objects()
                    .select_for_update()
                    .get(&inner, q!(name = "job2"))
                    .await?;
                let first = Job::objects().select_for_update().first(&inner).await?;
                Ok((one, first))
            })
            .await
        })
        .await
        .unwrap();
    assert_eq!(one.id, 2);
    assert_eq!(first.unwrap().id, 1);
}

async fn skip_locked_sees_the_other_rows(t: TestDb) {
    let (db, _) = jobs(&t, 5).await;
    let committing = Arc::new(AtomicBool::new(false));
    let (locked_tx, locked_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel();
    // Read first: a shared in-memory SQLite database refuses readers while a writer holds it.
    let expected_others = raw_ids(
        &db,
        "SELECT id FROM jobs WHERE id <> {} ORDER BY id",
        vec![1.into()],
    )
    .await;
    let holder = hold(&db, 1, locked_tx, Some(release_rx), committing.clone());
    locked_rx.await.unwrap();
    let seen = if t.backend() == Backend::Sqlite {
        // The second transaction cannot begin while the first holds the database: release
        // it a moment after the reader started waiting.
        let releaser = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = release_tx.send(());
        });
        let committing = committing.clone();
        let seen = db
            .transaction(|tx| async move {
                assert!(committing.load(Ordering::SeqCst), "began after the commit");
                Job::objects()
                    .order_by(["id"])
                    .select_for_update()
                    .skip_locked()
                    .all(&tx)
                    .await
            })
            .await
            .unwrap();
        releaser.await.unwrap();
        seen
    } else {
        let seen = db
            .transaction(|tx| async move {
                Job::objects()
                    .order_by(["id"])
                    .select_for_update()
                    .skip_locked()
                    .all(&tx)
                    .await
            })
            .await
            .unwrap();
        let _ = release_tx.send(());
        seen
    };
    holder.await.unwrap().unwrap();
    match t.backend() {
        Backend::Sqlite => {
            let all = raw_ids(&db, "SELECT id FROM jobs ORDER BY id", vec![]).await;
            assert_eq!(ids(&seen), all, "nothing is locked once the reader runs");
        }
        _ => {
            assert_eq!(ids(&seen), expected_others);
            assert_eq!(expected_others, vec![2, 3, 4, 5]);
        }
    }
}

async fn nowait_fails_at_once(t: TestDb) {
    let (db, _) = jobs(&t, 3).await;
    let committing = Arc::new(AtomicBool::new(false));
    let (locked_tx, locked_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel();
    let holder = hold(&db, 1, locked_tx, Some(release_rx), committing.clone());
    locked_rx.await.unwrap();
    if t.backend() == Backend::Sqlite {
        // The wait is at BEGIN; the locking read itself never waits and then succeeds.
        let releaser = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = release_tx.send(());
        });
        let committing = committing.clone();
        let got = db
            .transaction(|tx| async move {
                assert!(committing.load(Ordering::SeqCst), "began after the commit");
                Job::objects()
                    .select_for_update()
                    .nowait()
                    .get(&tx, q!(id = 1))
                    .await
            })
            .await
            .unwrap();
        assert_eq!(got.worker, 99, "the committed value");
        releaser.await.unwrap();
        holder.await.unwrap().unwrap();
        return;
    }
    let started = Instant::now();
    let failed = db
        .transaction(|tx| async move {
            Job::objects()
                .select_for_update()
                .nowait()
                .get(&tx, q!(id = 1))
                .await
        })
        .await
        .unwrap_err();
    let waited = started.elapsed();
    // A row nobody holds is locked at once, in another transaction.
    let free = db
        .transaction(|tx| async move {
            Job::objects()
                .select_for_update()
                .nowait()
                .get(&tx, q!(id = 2))
                .await
        })
        .await
        .unwrap();
    let _ = release_tx.send(());
    holder.await.unwrap().unwrap();
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    let Error::LockNotAvailable { code, .. } = &failed else {
        panic!("expected Error::LockNotAvailable, got {failed:?}");
    };
    let expected: &[&str] = match t.backend() {
        Backend::Postgres => &["55P03"],
        _ => &["1205", "3572"],
    };
    assert!(expected.contains(&code.as_str()), "{failed}");
    assert!(failed.is_lock_not_available());
    assert_eq!(failed.sql_state(), Some(code.as_str()));
    assert_eq!(free.id, 2);
}

async fn without_options_waits_for_the_commit(t: TestDb) {
    let (db, _) = jobs(&t, 3).await;
    let committing = Arc::new(AtomicBool::new(false));
    let (locked_tx, locked_rx) = oneshot::channel();
    let holder = hold(&db, 1, locked_tx, None, committing.clone());
    locked_rx.await.unwrap();
    let started = Instant::now();
    let flag = committing.clone();
    let got = db
        .transaction(|tx| async move {
            let job = Job::objects()
                .select_for_update()
                .get(&tx, q!(id = 1))
                .await?;
            assert!(flag.load(Ordering::SeqCst), "read after the commit");
            Ok(job)
        })
        .await
        .unwrap();
    let waited = started.elapsed();
    holder.await.unwrap().unwrap();
    assert!(waited >= HOLD / 2, "waited only {waited:?}");
    let worker = db
        .raw("SELECT worker FROM jobs WHERE id = {}", [1.into()])
        .await
        .unwrap()[0][0]
        .as_i64()
        .unwrap();
    assert_eq!(i64::from(got.worker), worker);
    assert_eq!(worker, 99, "the lock read the committed row");
}

async fn of_names_the_tables_locked(t: TestDb) {
    let (db, queue) = jobs(&t, 3).await;
    let queue_id = queue.id;
    let other = Queue::build().name("other").create(&db).await.unwrap();
    Job::objects()
        .filter(q!(id = 1))
        .update(&db, [("backup", other.id)])
        .await
        .unwrap();
    // An unknown name is refused on every backend, before any SQL.
    let unknown = db
        .transaction(|tx| async move {
            Job::objects()
                .select_for_update()
                .of(["self", "queue"])
                .all(&tx)
                .await
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, Error::Config(m) if m[0].contains("`queue` is not a table of this query")),
        "{unknown}"
    );
    // Naming every table is plain FOR UPDATE everywhere.
    db.record_sql();
    let all = db
        .transaction(|tx| async move {
            Job::objects()
                .select_related(["queue"])
                .order_by(["id"])
                .select_for_update()
                .of(["self", "queue"])
                .all(&tx)
                .await
        })
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert_eq!(
        ids(&all),
        raw_ids(&db, "SELECT id FROM jobs ORDER BY id", vec![]).await
    );
    let select = sql.iter().find(|s| s.starts_with("SELECT")).unwrap();
    if t.backend() != Backend::Sqlite {
        assert!(select.ends_with(" FOR UPDATE"), "{select}");
    }
    // Only the jobs, their queue joined: OF on PostgreSQL, refused on MariaDB.
    let (locked_tx, locked_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel::<()>();
    db.record_sql();
    let holder = {
        let db = db.clone();
        tokio::spawn(async move {
            db.transaction(|tx| async move {
                let rows = Job::objects()
                    .select_related(["queue"])
                    .filter(q!(id = 1))
                    .select_for_update()
                    .of(["self"])
                    .all(&tx)
                    .await;
                let ok = rows.is_ok();
                let _ = locked_tx.send(ok);
                if ok {
                    let _ = release_rx.await;
                }
                rows
            })
            .await
        })
    };
    let held = locked_rx.await.unwrap();
    match t.backend() {
        Backend::Postgres => {
            assert!(held);
            // The queue row is not locked: another transaction locks it at once.
            let q = db
                .transaction(|tx| async move {
                    Queue::objects()
                        .select_for_update()
                        .nowait()
                        .get(&tx, q!(id = queue_id))
                        .await
                })
                .await
                .unwrap();
            assert_eq!(q.name, "main");
            // The job row is.
            let job = db
                .transaction(|tx| async move {
                    Job::objects()
                        .select_for_update()
                        .nowait()
                        .get(&tx, q!(id = 1))
                        .await
                })
                .await;
            assert!(
                matches!(job, Err(Error::LockNotAvailable { .. })),
                "{job:?}"
            );
            let _ = release_tx.send(());
            let rows = holder.await.unwrap().unwrap();
            assert_eq!(rows[0].queue.loaded().unwrap().id, queue.id);
            let sql = db.recorded_sql();
            let select = sql.iter().find(|s| s.contains("FOR UPDATE OF")).unwrap();
            assert!(select.ends_with(" FOR UPDATE OF t0"), "{select}");
        }
        Backend::Mysql => {
            assert!(!held);
            let e = holder.await.unwrap().unwrap_err();
            assert!(
                matches!(&e, Error::Config(m) if m[0].contains("not available on mysql")),
                "{e}"
            );
            drop(release_tx);
        }
        Backend::Sqlite => {
            assert!(held);
            let _ = release_tx.send(());
            assert_eq!(holder.await.unwrap().unwrap().len(), 1);
        }
    }
    // The nullable side of a LEFT JOIN: PostgreSQL cannot lock it, `of` leaves it out.
    let left = db
        .transaction(|tx| async move {
            Job::objects()
                .select_related(["backup"])
                .select_for_update()
                .all(&tx)
                .await
        })
        .await;
    match t.backend() {
        Backend::Postgres => assert!(
            matches!(&left, Err(Error::Config(m)) if m[0].contains("`backup` is joined by a LEFT JOIN")),
            "{left:?}"
        ),
        _ => assert_eq!(left.unwrap().len(), 3),
    }
    if t.backend() != Backend::Mysql {
        let rows = db
            .transaction(|tx| async move {
                Job::objects()
                    .select_related(["backup"])
                    .order_by(["id"])
                    .select_for_update()
                    .of(["self"])
                    .all(&tx)
                    .await
            })
            .await
            .unwrap();
        let with_backup: Vec<i64> = rows
            .iter()
            .filter(|j| j.backup.as_ref().is_some_and(|b| b.loaded().is_some()))
            .map(|j| j.id)
            .collect();
        let expected = raw_ids(
            &db,
            "SELECT id FROM jobs WHERE backup_id IS NOT NULL ORDER BY id",
            vec![],
        )
        .await;
        assert_eq!(with_backup, expected);
        assert_eq!(expected, vec![1]);
    }
}

/// Claims the next job with a locking read that skips locked rows, marks it done and counts
/// the attempt; `None` when no job is left to claim.
async fn claim(db: &Db, worker: i32) -> aksara::Result<Option<i64>> {
    db.transaction(|tx| async move {
        let next = Job::objects()
            .filter(q!(done = false))
            .order_by(["id"])
            .select_for_update()
            .skip_locked()
            .limit(1)
            .all(&tx)
            .await?;
        let Some(job) = next.into_iter().next() else {
            return Ok(None);
        };
        // Processing takes a moment, so the workers overlap.
        tokio::time::sleep(Duration::from_millis(5)).await;
        tx.raw_execute(
            "UPDATE jobs SET done = {}, worker = {}, attempts = attempts + 1 WHERE id = {}",
            [true.into(), worker.into(), job.id.into()],
        )
        .await?;
        Ok(Some(job.id))
    })
    .await
}

async fn job_queue_processes_each_job_once(t: TestDb) {
    const JOBS: usize = 40;
    const WORKERS: i32 = 4;
    let (db, _) = jobs(&t, JOBS).await;
    let mut workers = Vec::new();
    for w in 1..=WORKERS {
        let db = db.clone();
        workers.push(tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                match claim(&db, w).await? {
                    Some(id) => claimed.push(id),
                    // Nothing claimable: done when no job is left undone (one may be held
                    // by a worker whose transaction has not ended).
                    None => {
                        if Job::objects().filter(q!(done = false)).count(&db).await? == 0 {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                }
            }
            Ok::<_, Error>(claimed)
        }));
    }
    let mut per_worker = Vec::new();
    for w in workers {
        per_worker.push(w.await.unwrap().expect("no worker failed"));
    }
    let mut all: Vec<i64> = per_worker.iter().flatten().copied().collect();
    all.sort_unstable();
    let expected: Vec<i64> = (1..=JOBS as i64).collect();
    assert_eq!(all, expected, "every job claimed exactly once");
    // The database agrees: each job done once, by the worker that claimed it.
    let rows = db
        .raw(
            "SELECT id, worker, attempts FROM jobs WHERE done = {} ORDER BY id",
            [true.into()],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), JOBS);
    for row in rows {
        let (id, worker, attempts) = (
            row[0].as_i64().unwrap(),
            row[1].as_i64().unwrap(),
            row[2].as_i64().unwrap(),
        );
        assert_eq!(attempts, 1, "job {id} processed once");
        assert!(per_worker[worker as usize - 1].contains(&id));
    }
    let busy = per_worker.iter().filter(|c| !c.is_empty()).count();
    if t.backend() != Backend::Sqlite {
        assert!(busy >= 2, "workers ran side by side: {per_worker:?}");
    }
}

backend_tests!(
    outside_a_transaction_is_refused,
    locking_read_in_a_transaction,
    skip_locked_sees_the_other_rows,
    nowait_fails_at_once,
    without_options_waits_for_the_commit,
    of_names_the_tables_locked,
    job_queue_processes_each_job_once,
);
