//! Reliability: many-to-many writes on one owner from many tasks at once apply one after the
//! other. After concurrent `set` calls the links are exactly one of the requested sets, after
//! a mix of `set`, `clear`, `add` and `remove` they are a state the last of them leaves, and
//! no call fails with a deadlock or a busy database.

use aksara::{Db, PoolOptions};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, TestDb};
use std::collections::BTreeSet;
use uuid::Uuid;

/// A handle on the test's database with a pool of 10 connections, tables created.
async fn pooled(t: &TestDb) -> Db {
    let options = PoolOptions {
        max_connections: 10,
        ..PoolOptions::default()
    };
    let db = aksara::connect_with(t.url(), registry(), options)
        .await
        .unwrap();
    aksara::ddl::create_all(&db).await.unwrap();
    db
}

/// A post and `n` tags.
async fn post_and_tags(db: &Db, n: usize) -> (Post, Vec<Tag>) {
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(db)
        .await
        .unwrap();
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&jane)
        .create(db)
        .await
        .unwrap();
    let mut tags = Vec::new();
    for i in 0..n {
        tags.push(
            Tag::build()
                .name(format!("t{i}"))
                .slug(format!("t{i}"))
                .create(db)
                .await
                .unwrap(),
        );
    }
    (post, tags)
}

/// The tag keys linked to `post`, read from the junction table itself.
async fn linked(db: &Db, post: &Post) -> BTreeSet<Uuid> {
    post.tags()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

async fn junction_rows(db: &Db) -> usize {
    db.raw("SELECT COUNT(*) FROM post_tags", []).await.unwrap()[0][0]
        .as_i64()
        .unwrap() as usize
}

/// The first `count` distinct 3-element subsets of `0..n`, in lexicographic order.
fn triples(n: usize, count: usize) -> Vec<[usize; 3]> {
    let mut out = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                out.push([a, b, c]);
            }
        }
    }
    out.truncate(count);
    out
}

async fn concurrent_set_leaves_one_requested_set(t: TestDb) {
    const TASKS: usize = 60;
    let db = pooled(&t).await;
    let (post, tags) = post_and_tags(&db, 12).await;
    let requested: Vec<BTreeSet<Uuid>> = triples(tags.len(), TASKS)
        .into_iter()
        .map(|s| s.iter().map(|&i| tags[i].id).collect())
        .collect();
    assert_eq!(requested.len(), TASKS);
    // Start from a set nobody asks for, so that every call changes something.
    post.tags().add(&db, tags.iter().skip(9)).await.unwrap();
    let mut tasks = Vec::new();
    for wanted in &requested {
        let (db, post) = (db.clone(), post.clone());
        let wanted: Vec<Uuid> = wanted.iter().copied().collect();
        tasks.push(tokio::spawn(
            async move { post.tags().set(&db, wanted).await },
        ));
    }
    let mut errors = 0u64;
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            errors += 1;
            eprintln!("set failed: {e}");
        }
    }
    let fin = linked(&db, &post).await;
    assert_eq!(errors, 0, "every set() returned Ok");
    assert!(
        requested.contains(&fin),
        "the final links {fin:?} are one of the requested sets"
    );
    assert_eq!(junction_rows(&db).await, 3, "no duplicate or stray pair");
    record(
        t.backend().name(),
        Figures {
            case: "concurrent_m2m_set",
            tried: format!(
                "{TASKS} tasks each calling set() on one post with a different 3-tag set, pool of 10"
            ),
            operations: TASKS as u64,
            faults: 0,
            errors,
            lost: 0,
        },
    );
}

/// One write of the mixed case.
#[derive(Debug, Clone)]
enum Write {
    Set(BTreeSet<Uuid>),
    Clear,
    Add(BTreeSet<Uuid>),
    Remove(BTreeSet<Uuid>),
}

impl Write {
    /// True when `state` is what the links can be right after this write ran last.
    fn may_end_in(&self, state: &BTreeSet<Uuid>) -> bool {
        match self {
            Write::Set(s) => state == s,
            Write::Clear => state.is_empty(),
            Write::Add(s) => s.is_subset(state),
            Write::Remove(s) => s.is_disjoint(state),
        }
    }
}

async fn concurrent_mixed_writes_leave_a_reachable_state(t: TestDb) {
    const TASKS: usize = 50;
    let db = pooled(&t).await;
    let (post, tags) = post_and_tags(&db, 8).await;
    let pick = |n: usize, len: usize| -> BTreeSet<Uuid> {
        (0..len)
            .map(|k| tags[(n * 3 + k * 5) % tags.len()].id)
            .collect()
    };
    let writes: Vec<Write> = (0..TASKS)
        .map(|n| match n % 4 {
            0 => Write::Set(pick(n, 3)),
            1 => Write::Clear,
            2 => Write::Add(pick(n, 4)),
            _ => Write::Remove(pick(n, 2)),
        })
        .collect();
    let mut tasks = Vec::new();
    for write in &writes {
        let (db, post, write) = (db.clone(), post.clone(), write.clone());
        tasks.push(tokio::spawn(async move {
            let manager = post.tags();
            match write {
                Write::Set(s) => manager.set(&db, s).await,
                Write::Clear => manager.clear(&db).await.map(|_| ()),
                Write::Add(s) => manager.add(&db, s).await,
                Write::Remove(s) => manager.remove(&db, s).await.map(|_| ()),
            }
        }));
    }
    let mut errors = 0u64;
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            errors += 1;
            eprintln!("write failed: {e}");
        }
    }
    let fin = linked(&db, &post).await;
    assert_eq!(errors, 0, "every write returned Ok");
    assert!(
        writes.iter().any(|w| w.may_end_in(&fin)),
        "the final links {fin:?} are a state some write leaves when it runs last"
    );
    assert_eq!(junction_rows(&db).await, fin.len(), "no duplicate pair");
    // Serialised writes leave the relation usable: a final set is exactly what it asks.
    let last = pick(1, 3);
    post.tags().set(&db, last.clone()).await.unwrap();
    assert_eq!(linked(&db, &post).await, last);
    record(
        t.backend().name(),
        Figures {
            case: "concurrent_m2m_mixed_writes",
            tried: format!(
                "{TASKS} tasks mixing set(), clear(), add() and remove() on one post, pool of 10"
            ),
            operations: TASKS as u64,
            faults: 0,
            errors,
            lost: 0,
        },
    );
}

backend_tests!(
    concurrent_set_leaves_one_requested_set,
    concurrent_mixed_writes_leave_a_reachable_state,
);
