//! Reliability: condition trees and paths of any depth never crash the process. Conditions
//! up to `MAX_CONDITION_DEPTH` compile and give the right answer; deeper ones are a typed
//! `Error::Config` naming the limit; building, cloning and dropping any depth is stack-safe.
//! Everything runs on a multi-thread tokio runtime's worker (2 MiB stack).

use aksara::{Condition, Db, Error, Model, MAX_CONDITION_DEPTH, MAX_PATH_LENGTH};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, TestDb};
use std::future::Future;

/// Runs `body` with a handle on the test's database inside `tokio::spawn` on a multi-thread
/// runtime, whose workers have tokio's default 2 MiB stack.
async fn on_worker<F, Fut>(t: &TestDb, body: F) -> (u64, u64)
where
    F: FnOnce(Db) -> Fut + Send + 'static,
    Fut: Future<Output = (u64, u64)> + Send + 'static,
{
    let url = t.url().to_string();
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let db = aksara::connect(&url, registry()).await.expect("connect");
            tokio::spawn(body(db))
                .await
                .expect("the worker did not crash")
        })
    })
    .await
    .expect("the runtime's thread")
}

/// `Not` nested `n` deep around `inner`.
fn nots(n: usize, inner: Condition) -> Condition {
    let mut c = inner;
    for _ in 0..n {
        c = !c;
    }
    c
}

/// `Or(vec![leaf, Or(vec![leaf, ...])])` nested `n` deep.
fn nested_or(n: usize, leaf: &Condition) -> Condition {
    let mut c = leaf.clone();
    for _ in 0..n {
        c = Condition::Or(vec![leaf.clone(), c]);
    }
    c
}

/// `And(vec![leaf, And(vec![leaf, ...])])` nested `n` deep.
fn nested_and(n: usize, leaf: &Condition) -> Condition {
    let mut c = leaf.clone();
    for _ in 0..n {
        c = Condition::And(vec![leaf.clone(), c]);
    }
    c
}

/// `posts__tags__` repeated `hops` times, then `name`: a valid path from User to Tag.name.
fn long_path(hops: usize) -> String {
    format!("{}name", "posts__tags__".repeat(hops))
}

fn assert_depth_error(result: aksara::Result<u64>, what: &str) {
    assert_limit_error(result, "MAX_CONDITION_DEPTH", what)
}

fn assert_limit_error(result: aksara::Result<u64>, limit: &str, what: &str) {
    match result {
        Err(Error::Config(messages)) => assert!(
            messages.iter().any(|m| m.contains(limit)),
            "{what}: the error names the limit: {messages:?}"
        ),
        other => panic!("{what}: expected Error::Config naming the limit, got {other:?}"),
    }
}

async fn deep_trees_are_refused_or_answered_never_a_crash(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    User::build()
        .email("joe@example.com")
        .name("Joe")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("Deep")
        .content("...")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let rust = Tag::build()
        .name("rust")
        .slug("rust")
        .create(&db)
        .await
        .unwrap();
    post.tags().add(&db, [&rust]).await.unwrap();
    let before = Post::objects().count(&db).await.unwrap();

    let sqlite = t.backend() == aksara_tests::Backend::Sqlite;
    let (tried, refused) = on_worker(&t, move |db| async move {
        let (mut tried, mut refused) = (0u64, 0u64);
        let title = Condition::new("title", "Deep");
        let jane = Condition::new("name", "Jane");
        let posts_titled = Post::objects()
            .filter(title.clone())
            .count(&db)
            .await
            .unwrap();
        let users_named = User::objects()
            .filter(jane.clone())
            .count(&db)
            .await
            .unwrap();
        let users = User::objects().count(&db).await.unwrap();
        assert_eq!((posts_titled, users_named, users), (1, 1, 2));

        // Too deep: a typed error naming the limit, with no SQL run.
        for n in [10_000, 100_000] {
            let queries = db.query_count();
            tried += 3;
            let r = Post::objects()
                .filter(nots(n, title.clone()))
                .count(&db)
                .await;
            assert_depth_error(r, &format!("Not x {n}"));
            let r = User::objects().filter(nested_or(n, &jane)).count(&db).await;
            assert_depth_error(r, &format!("Or x {n}"));
            let r = User::objects()
                .filter(Condition::new(long_path(n / 2), "rust"))
                .count(&db)
                .await;
            assert_depth_error(r, &format!("path of {n} hops"));
            refused += 3;
            assert_eq!(db.query_count(), queries, "refused before any SQL");
        }
        tried += 1;
        let r = User::objects()
            .filter(Condition::new(long_path(500), "rust"))
            .count(&db)
            .await;
        assert_depth_error(r, "the 1,000-hop path of the issue");
        refused += 1;
        tried += 1;
        let r = User::objects()
            .filter(Condition::new(long_path(MAX_PATH_LENGTH / 2), "rust"))
            .count(&db)
            .await;
        assert_limit_error(r, "MAX_PATH_LENGTH", "a path one segment too long");
        refused += 1;
        // Just past the limit is refused too.
        tried += 1;
        let r = Post::objects()
            .filter(nots(MAX_CONDITION_DEPTH, title.clone()))
            .count(&db)
            .await;
        assert_depth_error(r, "one past the limit");
        refused += 1;

        // At the limit: compiled, run, and the right answer.
        let limit = MAX_CONDITION_DEPTH;
        tried += 4;
        let even = Post::objects()
            .filter(nots(limit - 2, title.clone()))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(even, posts_titled, "an even number of NOTs cancels out");
        let odd = Post::objects()
            .filter(nots(limit - 1, title.clone()))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(odd, before - posts_titled, "an odd number of NOTs negates");
        let or = User::objects()
            .filter(nested_or(limit - 1, &jane))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(or, users_named);
        // MAX_PATH_LENGTH segments, all but the last relations, ending at
        // Post.title.
        let longest = |title: &str| {
            let hops = (MAX_PATH_LENGTH - 2) / 2;
            let path = format!("{}posts__title", "posts__tags__".repeat(hops));
            assert_eq!(path.split("__").count(), MAX_PATH_LENGTH);
            Condition::new(path, title)
        };
        let found = User::objects()
            .filter(longest("Deep"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(
            found, 1,
            "Jane's post has a tag whose posts ... are titled Deep"
        );
        let missing = User::objects()
            .filter(longest("Shallow"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(missing, 0);

        // What already worked keeps working: AND nested deep, and a flat OR. Both compile;
        // SQLite refuses SQL whose expression tree is deeper than 1000 (a chain of 10,000
        // ANDs or ORs is), with its own error.
        tried += 2;
        let wide_and = User::objects()
            .filter(nested_and(10_000, &jane))
            .count(&db)
            .await;
        let flat = Condition::Or(
            (0..10_000)
                .map(|i| Condition::new("name", format!("n{i}")))
                .chain([jane.clone()])
                .collect(),
        );
        let wide_or = User::objects().filter(flat).count(&db).await;
        for result in [wide_and, wide_or] {
            match result {
                Ok(n) => assert_eq!(n, users_named),
                Err(Error::Database(m)) if sqlite && m.message.contains("maximum depth") => {
                    refused += 1
                }
                Err(other) => panic!("a wide condition: {other:?}"),
            }
        }

        // Building, cloning, comparing depth and dropping any depth is stack-safe.
        for n in [10_000, 100_000] {
            tried += 4;
            let deep = [
                nots(n, title.clone()),
                nested_or(n, &jane),
                nested_and(n, &jane),
                (0..n).fold(title.clone(), |c, _| Condition::some("tags", c)),
            ];
            for c in deep {
                let copy = c.clone();
                assert_eq!(copy.depth(), c.depth(), "the copy is as deep");
                assert!(c.depth() >= n || matches!(c, Condition::And(_)));
                drop(c);
                drop(copy);
            }
        }
        (tried, refused)
    })
    .await;

    assert_eq!(
        Post::objects().count(&db).await.unwrap(),
        before,
        "no row changed"
    );
    record(
        t.backend().name(),
        Figures {
            case: "deep_input",
            tried: format!(
                "Not / Or / to-many paths 10,000 and 100,000 deep and a 1,000-hop path (refused, Error::Config naming MAX_CONDITION_DEPTH = {MAX_CONDITION_DEPTH} or MAX_PATH_LENGTH = {MAX_PATH_LENGTH}), the same at the limit (answered), deep AND and flat OR, clone and drop of 100,000-deep trees, on a 2 MiB tokio worker"
            ),
            operations: tried,
            faults: 0,
            errors: refused,
            lost: 0,
        },
    );
}

backend_tests!(deep_trees_are_refused_or_answered_never_a_crash);
