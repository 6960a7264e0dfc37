//! Filters across every relation kind: no duplicate rows, Django's rule for multi-valued
//! relations, exclude, and explicit some / every / none.

use aksara::{q, Condition, Model};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};

struct Data {
    db: aksara::Db,
    jane: User,
    bob: User,
    with_ab: Post,
    with_b: Post,
    untagged: Post,
}

/// jane: "ab" tagged a(slug x) and b(slug y), "b" tagged b; bob: "untagged", no category.
async fn data(t: &TestDb) -> Data {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let bob = User::build()
        .email("bob@example.com")
        .name("Bob")
        .create(&db)
        .await
        .unwrap();
    UserProfile::build()
        .user(&jane)
        .bio("Writes about Rust")
        .create(&db)
        .await
        .unwrap();
    let python = Category::build()
        .name("Python")
        .slug("python")
        .create(&db)
        .await
        .unwrap();
    let a = Tag::build().name("a").slug("x").create(&db).await.unwrap();
    let b = Tag::build().name("b").slug("y").create(&db).await.unwrap();
    let with_ab = Post::build()
        .title("ab")
        .content("c")
        .author(&jane)
        .category(&python)
        .create(&db)
        .await
        .unwrap();
    let with_b = Post::build()
        .title("b")
        .content("c")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let untagged = Post::build()
        .title("untagged")
        .content("c")
        .author(&bob)
        .create(&db)
        .await
        .unwrap();
    with_ab.tags().add(&db, [&a, &b]).await.unwrap();
    with_b.tags().add(&db, [&b]).await.unwrap();
    Data {
        db,
        jane,
        bob,
        with_ab,
        with_b,
        untagged,
    }
}

fn titles(posts: Vec<Post>) -> Vec<String> {
    let mut t: Vec<String> = posts.into_iter().map(|p| p.title).collect();
    t.sort();
    t
}

async fn same_call_means_same_related_row(t: TestDb) {
    let d = data(&t).await;
    let same = Post::objects()
        .filter(q!(tags__name = "a", tags__slug = "y"))
        .all(&d.db)
        .await
        .unwrap();
    assert!(same.is_empty(), "no single tag is named a with slug y");
    let separate = Post::objects()
        .filter(q!(tags__name = "a"))
        .filter(q!(tags__slug = "y"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(
        titles(separate),
        ["ab"],
        "separate calls may match different tags"
    );
}

async fn to_many_filters_never_repeat_rows(t: TestDb) {
    let d = data(&t).await;
    let qs = Post::objects().filter(q!(tags__name__in = aksara::value_list(["a", "b"])));
    let rows = qs.all(&d.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(qs.count(&d.db).await.unwrap(), 2);
    let users = User::objects()
        .filter(q!(posts__tags__name = "b"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(
        users.len(),
        1,
        "jane has two posts tagged b and appears once"
    );
    assert_eq!(users[0].id, d.jane.id);
}

async fn exclude_across_to_many_means_no_such_row(t: TestDb) {
    let d = data(&t).await;
    let without_a = Post::objects()
        .exclude(q!(tags__name = "a"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(titles(without_a), ["b", "untagged"]);
    let not_python = Post::objects()
        .exclude(q!(category__name = "Python"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(
        titles(not_python),
        ["b", "untagged"],
        "a missing category is not Python"
    );
}

async fn some_every_none(t: TestDb) {
    let d = data(&t).await;
    let some = Post::objects()
        .filter(Condition::some("tags", q!(name = "a")))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(titles(some), ["ab"]);
    let every = Post::objects()
        .filter(Condition::every("tags", q!(name = "b")))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(
        titles(every),
        ["b", "untagged"],
        "every is true when there are no tags"
    );
    let none = Post::objects()
        .filter(Condition::none("tags", q!(name = "b")))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(titles(none), ["untagged"]);
    let every_deep = User::objects()
        .filter(Condition::every("posts__tags", q!(name = "b")))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(
        every_deep.len(),
        1,
        "bob has no tagged post; jane has tag a"
    );
    assert_eq!(every_deep[0].id, d.bob.id);
}

async fn filters_across_every_relation_kind(t: TestDb) {
    let d = data(&t).await;
    // One-to-one, both ways.
    let profiles = UserProfile::objects()
        .filter(q!(user__email = "jane@example.com"))
        .count(&d.db)
        .await
        .unwrap();
    assert_eq!(profiles, 1);
    let writers = User::objects()
        .filter(q!(profile__bio__icontains = "rust"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(writers.len(), 1);
    let no_profile = User::objects()
        .filter(q!(profile__isnull = true))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(no_profile[0].id, d.bob.id);
    // Many-to-many, reverse, and deeper.
    let tags = Tag::objects()
        .filter(q!(posts__title = "b"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(tags.len(), 1);
    let janes_tags = Tag::objects()
        .filter(q!(posts__author__email = "jane@example.com"))
        .count(&d.db)
        .await
        .unwrap();
    assert_eq!(janes_tags, 2);
    let categories = Category::objects()
        .filter(q!(posts__tags__slug = "x"))
        .count(&d.db)
        .await
        .unwrap();
    assert_eq!(categories, 1);
    // Reverse foreign key.
    let authors = User::objects()
        .filter(q!(posts__title__startswith = "un"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(authors[0].id, d.bob.id);
    // By object, forward and across.
    let by_author = Post::objects()
        .filter(q!(author = &d.jane))
        .count(&d.db)
        .await
        .unwrap();
    assert_eq!(by_author, 2);
    let tag_b = Tag::objects().get(&d.db, q!(name = "b")).await.unwrap();
    let by_tag = Post::objects()
        .filter(q!(tags = &tag_b))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(titles(by_tag), ["ab", "b"]);
    let by_post = Tag::objects()
        .filter(q!(posts = &d.with_b))
        .count(&d.db)
        .await
        .unwrap();
    assert_eq!(by_post, 1);
    assert_ne!(d.with_ab.id, d.untagged.id);
}

async fn typed_paths_match_string_paths(t: TestDb) {
    let d = data(&t).await;
    let typed = Post::objects()
        .filter(Post::fields().tags().name().eq("b"))
        .all(&d.db)
        .await
        .unwrap();
    let string = Post::objects()
        .filter(q!(tags__name = "b"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(titles(typed), titles(string));
    let typed = User::objects()
        .filter(User::fields().posts().tags().slug().eq("x"))
        .all(&d.db)
        .await
        .unwrap();
    assert_eq!(typed.len(), 1);
    assert_eq!(
        Post::fields().author().email().eq("x"),
        Condition::new("author__email", "x"),
        "the same condition tree"
    );
}

backend_tests!(
    same_call_means_same_related_row,
    to_many_filters_never_repeat_rows,
    exclude_across_to_many_means_no_such_row,
    some_every_none,
    filters_across_every_relation_kind,
    typed_paths_match_string_paths,
);
