//! `get_or_create` and `update_or_create` on a model's manager, on a reverse foreign-key
//! manager and on a many-to-many manager, and what they guarantee when many tasks race.

mod common;

use aksara::{q, Db, Error, Model, PoolOptions};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, table_rows};
use std::sync::Arc;
use tokio::sync::Barrier;

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

async fn user(db: &Db, name: &str) -> User {
    User::build()
        .email(format!("{}@example.com", name.to_lowercase()))
        .name(name)
        .create(db)
        .await
        .unwrap()
}

/// The first call creates the row from the lookup and the defaults, the second finds it.
async fn get_or_create_creates_once(t: TestDb) {
    let db = t.db(registry()).await;
    let (tag, created) = Tag::objects()
        .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!((tag.slug.as_str(), tag.name.as_str()), ("rust", "Rust"));

    let (again, created) = Tag::objects()
        .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Other name"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, tag.id);
    assert_eq!(
        again.name, "Rust",
        "defaults are not applied to a found row"
    );
    assert_eq!(table_rows(&db, "tags").await, 1);

    // The lookup's values win over the defaults, so the created row matches the lookup.
    let (other, created) = Tag::objects()
        .get_or_create(&db, q!(slug = "go"), Tag::build().name("Go").slug("not-go"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(other.slug, "go");
}

/// Lookups other than plain equalities on the model's own fields are refused before any SQL
/// runs, with an error naming the model and the path.
async fn get_or_create_refuses_other_lookups(t: TestDb) {
    let db = t.db(registry()).await;
    let before = db.query_count();
    let err = expect_err(
        Tag::objects()
            .get_or_create(&db, q!(slug__icontains = "ru"), Tag::build().name("Rust"))
            .await,
        "a contains lookup",
    );
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["Tag", "slug__icontains", "ru"]);

    let err = expect_err(
        Post::objects()
            .get_or_create(&db, q!(author__email = "jane@example.com"), Post::build())
            .await,
        "a path through a relation",
    );
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["Post", "author__email"]);

    let either = aksara::Condition::Or(vec![q!(slug = "a"), q!(slug = "b")]);
    let err = expect_err(
        Tag::objects()
            .update_or_create(&db, either, Tag::build().name("A"))
            .await,
        "an OR",
    );
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_eq!(db.query_count() - before, 0, "no SQL ran");
    assert_eq!(table_rows(&db, "tags").await, 0);
}

/// `update_or_create` creates from `create_defaults` (or `defaults`) and updates an existing
/// row with `defaults`.
async fn update_or_create_updates_or_creates(t: TestDb) {
    let db = t.db(registry()).await;
    let (tag, created) = Tag::objects()
        .update_or_create_with(
            &db,
            q!(slug = "rust"),
            Tag::build().name("updated"),
            Tag::build().name("created"),
        )
        .await
        .unwrap();
    assert!(created);
    assert_eq!(tag.name, "created");

    let (same, created) = Tag::objects()
        .update_or_create_with(
            &db,
            q!(slug = "rust"),
            Tag::build().name("updated"),
            Tag::build().name("created"),
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same.id, tag.id);
    assert_eq!(same.name, "updated");
    let stored = Tag::objects().get_by_pk(&db, tag.id).await.unwrap();
    assert_eq!(stored.name, "updated");

    let (go, created) = Tag::objects()
        .update_or_create(&db, q!(slug = "go"), Tag::build().name("Go"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(go.name, "Go");
    assert_eq!(table_rows(&db, "tags").await, 2);
}

/// On a reverse manager the lookup applies to the owner's rows and a created row is linked
/// to the owner.
async fn reverse_manager_get_or_create_sets_the_link(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let bob = user(&db, "Bob").await;
    let (post, created) = jane
        .posts()
        .get_or_create(&db, q!(title = "Hello"), Post::build().content("hi"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(*post.author.id(), jane.id);

    let (again, created) = jane
        .posts()
        .get_or_create(&db, q!(title = "Hello"), Post::build().content("other"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, post.id);

    // Bob's rows are another set: his "Hello" is a new row.
    let (his, created) = bob
        .posts()
        .get_or_create(&db, q!(title = "Hello"), Post::build().content("his"))
        .await
        .unwrap();
    assert!(created);
    assert_ne!(his.id, post.id);
    assert_eq!(*his.author.id(), bob.id);

    let (updated, created) = bob
        .posts()
        .update_or_create(&db, q!(title = "Hello"), Post::build().content("edited"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!((updated.id, updated.content.as_str()), (his.id, "edited"));
    assert_eq!(table_rows(&db, "posts").await, 2);
}

/// On a many-to-many manager the found or created row is linked, idempotently.
async fn many_to_many_get_or_create_links(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let first = Post::build()
        .title("one")
        .content("...")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let second = Post::build()
        .title("two")
        .content("...")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();

    let (tag, created) = first
        .tags()
        .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
        .await
        .unwrap();
    assert!(created);
    assert!(first.tags().contains(&db, &tag).await.unwrap());

    let (same, created) = first
        .tags()
        .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same.id, tag.id);
    assert_eq!(table_rows(&db, "post_tags").await, 1, "linked once");

    let (found, created) = second
        .tags()
        .update_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust!"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!((found.id, found.name.as_str()), (tag.id, "Rust!"));
    assert!(second.tags().contains(&db, tag.id).await.unwrap());
    assert_eq!(table_rows(&db, "post_tags").await, 2);
    assert_eq!(table_rows(&db, "tags").await, 1);
}

/// 50 tasks (pool of 10) ask for the same tag at once; the slug is unique: one row, 50 Ok
/// results, exactly one of them created it.
async fn get_or_create_race_on_unique_field(t: TestDb) {
    const TASKS: usize = 50;
    let db = pooled(&t).await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            Tag::objects()
                .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
                .await
        }));
    }
    let mut errors = 0u64;
    let mut created = 0;
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok((tag, c)) => {
                created += usize::from(c);
                ids.insert(tag.id);
            }
            Err(e) => {
                errors += 1;
                eprintln!("get_or_create failed: {e}");
            }
        }
    }
    assert_eq!(errors, 0, "every call returned Ok");
    assert_eq!(created, 1, "exactly one call created the row");
    assert_eq!(ids.len(), 1, "every call returned the same row");
    let rows = table_rows(&db, "tags").await;
    assert_eq!(rows, 1);
    record(
        t.backend().name(),
        Figures {
            case: "get_or_create_race",
            tried: format!(
                "{TASKS} tasks calling Tag::objects().get_or_create(slug = \"rust\") at once on a unique slug, pool of 10"
            ),
            operations: TASKS as u64,
            faults: 0,
            errors,
            lost: (rows - 1).unsigned_abs(),
        },
    );
}

/// 8 tasks race on a lookup no unique constraint covers, the row not existing yet. What is
/// guaranteed then: every call either returns a row or fails with MultipleObjectsReturned
/// (when it read after two others had inserted); at least one row exists; and the rows in
/// the table are exactly the ones the calls report as created (none lost, none unreported).
async fn get_or_create_race_without_unique_constraint(t: TestDb) {
    const TASKS: usize = 8;
    let db = pooled(&t).await;
    let jane = user(&db, "Jane").await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (db, barrier, jane) = (db.clone(), barrier.clone(), jane.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            Post::objects()
                .get_or_create(
                    &db,
                    q!(title = "same"),
                    Post::build().content("...").author(&jane),
                )
                .await
        }));
    }
    let mut created = std::collections::BTreeSet::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok((post, true)) => {
                created.insert(post.id);
            }
            Ok((_, false)) => {}
            Err(Error::MultipleObjectsReturned { .. }) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    let stored: std::collections::BTreeSet<_> = Post::objects()
        .filter(q!(title = "same"))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(!stored.is_empty() && stored.len() <= TASKS);
    assert_eq!(
        stored, created,
        "the rows stored are the rows reported created"
    );
}

backend_tests!(
    get_or_create_creates_once,
    get_or_create_refuses_other_lookups,
    update_or_create_updates_or_creates,
    reverse_manager_get_or_create_sets_the_link,
    many_to_many_get_or_create_links,
    get_or_create_race_on_unique_field,
    get_or_create_race_without_unique_constraint,
);
