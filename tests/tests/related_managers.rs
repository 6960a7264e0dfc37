//! Reverse foreign-key managers that write (`add`, `set`, and on a nullable link `remove`
//! and `clear`), and the remembered answer of a reverse one-to-one accessor.

mod common;

use aksara::{Db, Error, Model, OptionalRelation};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err};
use std::collections::BTreeSet;
use uuid::Uuid;

async fn user(db: &Db, name: &str) -> User {
    User::build()
        .email(format!("{}@example.com", name.to_lowercase()))
        .name(name)
        .create(db)
        .await
        .unwrap()
}

async fn category(db: &Db, slug: &str) -> Category {
    Category::build()
        .name(slug)
        .slug(slug)
        .create(db)
        .await
        .unwrap()
}

async fn post(db: &Db, title: &str, author: &User, category: Option<&Category>) -> Post {
    let mut build = Post::build().title(title).content("...").author(author);
    if let Some(c) = category {
        build = build.category(c);
    }
    build.create(db).await.unwrap()
}

/// The keys of `posts`.
fn ids(posts: &[Post]) -> BTreeSet<Uuid> {
    posts.iter().map(|p| p.id).collect()
}

/// The category key stored in the database for `post`.
async fn category_of(db: &Db, post: &Post) -> Option<Uuid> {
    Post::objects()
        .get_by_pk(db, post.id)
        .await
        .unwrap()
        .category
        .id()
        .copied()
}

/// `add` moves rows to the owner with one UPDATE, taking rows or keys; the instances
/// passed in keep their old link in memory.
async fn reverse_add_moves_rows_in_one_statement(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let bob = user(&db, "Bob").await;
    let p1 = post(&db, "one", &bob, None).await;
    let p2 = post(&db, "two", &bob, None).await;
    let p3 = post(&db, "three", &bob, None).await;

    let before = db.query_count();
    let changed = jane.posts().add(&db, [&p1, &p2]).await.unwrap();
    assert_eq!(db.query_count() - before, 1, "add is one UPDATE");
    assert_eq!(changed, 2);
    assert_eq!(
        ids(&jane.posts().all(&db).await.unwrap()),
        ids(&[p1.clone(), p2.clone()])
    );
    assert_eq!(
        ids(&bob.posts().all(&db).await.unwrap()),
        ids(std::slice::from_ref(&p3))
    );
    // Not mutated: the in-memory instance still names its old author.
    assert_eq!(*p1.author.id(), bob.id);

    // Keys work as well, and adding a row that is already there changes nothing else.
    jane.posts().add(&db, [p3.id, p1.id]).await.unwrap();
    assert_eq!(jane.posts().count(&db).await.unwrap(), 3);
    assert_eq!(bob.posts().count(&db).await.unwrap(), 0);
    assert_eq!(jane.posts().add(&db, Vec::<Uuid>::new()).await.unwrap(), 0);
}

/// `set` on a NOT NULL foreign key keeps the rows that cannot be unlinked (Django's
/// many_to_one test_set: "existing members of the set must remain").
async fn reverse_set_on_required_link_keeps_existing_rows(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let bob = user(&db, "Bob").await;
    let kept = post(&db, "kept", &jane, None).await;
    let moved = post(&db, "moved", &bob, None).await;

    jane.posts().set(&db, [&moved]).await.unwrap();
    assert_eq!(
        ids(&jane.posts().all(&db).await.unwrap()),
        ids(&[kept, moved])
    );
    assert_eq!(bob.posts().count(&db).await.unwrap(), 0);
}

/// `set` on a nullable foreign key makes the items exactly the related rows; the others
/// get a NULL link, rows of other owners are untouched.
async fn reverse_set_on_nullable_link_unlinks_the_others(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let python = category(&db, "python").await;
    let rust = category(&db, "rust").await;
    let p1 = post(&db, "one", &jane, Some(&python)).await;
    let p2 = post(&db, "two", &jane, Some(&python)).await;
    let p3 = post(&db, "three", &jane, Some(&rust)).await;
    let p4 = post(&db, "four", &jane, Some(&rust)).await;

    python.posts().set(&db, [&p2, &p3]).await.unwrap();
    assert_eq!(
        ids(&python.posts().all(&db).await.unwrap()),
        ids(&[p2.clone(), p3.clone()])
    );
    assert_eq!(category_of(&db, &p1).await, None);
    assert_eq!(category_of(&db, &p4).await, Some(rust.id));

    // The empty set unlinks everything.
    python.posts().set(&db, Vec::<&Post>::new()).await.unwrap();
    assert_eq!(python.posts().count(&db).await.unwrap(), 0);
    assert_eq!(category_of(&db, &p2).await, None);
    assert_eq!(rust.posts().count(&db).await.unwrap(), 1);
}

/// `remove` sets the link to NULL, and refuses (changing nothing) when an item is not
/// related to this owner; `clear` unlinks every related row of this owner only.
async fn reverse_remove_and_clear_on_nullable_link(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let python = category(&db, "python").await;
    let rust = category(&db, "rust").await;
    let p1 = post(&db, "one", &jane, Some(&python)).await;
    let p2 = post(&db, "two", &jane, Some(&python)).await;
    let other = post(&db, "other", &jane, Some(&rust)).await;

    let err = expect_err(
        python.posts().remove(&db, [&p1, &other]).await,
        "removing a row of another category",
    );
    assert!(matches!(err, Error::DoesNotExist { .. }), "{err:?}");
    assert_mentions(
        &err.to_string(),
        &["Post", "category", &other.id.to_string()],
    );
    assert_eq!(
        category_of(&db, &p1).await,
        Some(python.id),
        "nothing changed"
    );
    assert_eq!(category_of(&db, &other).await, Some(rust.id));

    assert_eq!(python.posts().remove(&db, [p1.id]).await.unwrap(), 1);
    assert_eq!(category_of(&db, &p1).await, None);
    assert_eq!(category_of(&db, &p2).await, Some(python.id));

    python.posts().add(&db, [&p1]).await.unwrap();
    assert_eq!(python.posts().clear(&db).await.unwrap(), 2);
    assert_eq!(python.posts().count(&db).await.unwrap(), 0);
    assert_eq!(category_of(&db, &p2).await, None);
    assert_eq!(category_of(&db, &other).await, Some(rust.id));
}

/// A write through the manager makes the owner's prefetched rows read as not loaded.
async fn reverse_writes_forget_prefetched_rows(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let bob = user(&db, "Bob").await;
    let p = post(&db, "one", &bob, None).await;
    let loaded = User::objects()
        .prefetch_related(["posts"])
        .get(&db, aksara::q!(id = jane.id))
        .await
        .unwrap();
    assert_eq!(loaded.posts().loaded().map(<[_]>::len), Some(0));
    loaded.posts().add(&db, [&p]).await.unwrap();
    assert!(loaded.posts().loaded().is_none());
    assert_eq!(loaded.posts().count(&db).await.unwrap(), 1);
}

/// `user.profile(&db)` runs one query the first time and none afterwards, found or not.
async fn reverse_one_to_one_is_remembered(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let bob = user(&db, "Bob").await;
    UserProfile::build()
        .user(&jane)
        .bio("writer")
        .create(&db)
        .await
        .unwrap();

    let before = db.query_count();
    let first = jane.profile(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 1);
    let before = db.query_count();
    let second = jane.profile(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 0, "second access runs no query");
    assert!(std::sync::Arc::ptr_eq(&first, &second));
    assert_eq!(second.bio.as_deref(), Some("writer"));

    let before = db.query_count();
    let err = expect_err(bob.profile(&db).await, "bob has no profile");
    assert!(matches!(err, Error::DoesNotExist { .. }), "{err:?}");
    assert_eq!(db.query_count() - before, 1);
    let before = db.query_count();
    let again = expect_err(bob.profile(&db).await, "still no profile");
    assert!(matches!(again, Error::DoesNotExist { .. }), "{again:?}");
    assert_eq!(
        db.query_count() - before,
        0,
        "the absence is remembered too"
    );

    // A remembered answer is also served in strict mode, and a clone carries it along.
    let strict = db.strict();
    assert!(jane.profile(&strict).await.is_ok());
    let copy = jane.clone();
    let before = db.query_count();
    copy.profile(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 0);
}

/// A forward one-to-one loaded with select_related fills the reverse side of the row it
/// loads: `profile.user`'s user answers `profile(&db)` with no query.
async fn forward_one_to_one_fills_the_reverse_side(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "Jane").await;
    let created = UserProfile::build()
        .user(&jane)
        .bio("writer")
        .create(&db)
        .await
        .unwrap();
    let profile = UserProfile::objects()
        .select_related(["user"])
        .get(&db, aksara::q!(id = created.id))
        .await
        .unwrap();
    let before = db.query_count();
    let owner = profile.user.get(&db).await.unwrap();
    let back = owner.profile(&db).await.unwrap();
    assert_eq!(
        db.query_count() - before,
        0,
        "both sides come from the one query"
    );
    assert_eq!(back.id, created.id);
    assert_eq!(back.bio.as_deref(), Some("writer"));
}

backend_tests!(
    reverse_add_moves_rows_in_one_statement,
    reverse_set_on_required_link_keeps_existing_rows,
    reverse_set_on_nullable_link_unlinks_the_others,
    reverse_remove_and_clear_on_nullable_link,
    reverse_writes_forget_prefetched_rows,
    reverse_one_to_one_is_remembered,
    forward_one_to_one_fills_the_reverse_side,
);
