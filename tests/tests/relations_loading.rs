//! select_related, prefetch_related with custom querysets, strict loading, trees, the
//! seed's complete example, and concurrency of many-to-many writes.

use aksara::{q, Condition, Error, Model, OptionalRelation, Prefetch};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};

struct Blog {
    db: aksara::Db,
    jane: User,
    tech: Category,
    python: Category,
}

async fn blog(t: &TestDb) -> Blog {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    UserProfile::build()
        .user(&jane)
        .bio("Tech writer")
        .create(&db)
        .await
        .unwrap();
    let tech = Category::build()
        .name("Technology")
        .slug("tech")
        .create(&db)
        .await
        .unwrap();
    let python = Category::build()
        .name("Python")
        .slug("python")
        .parent(&tech)
        .create(&db)
        .await
        .unwrap();
    Blog {
        db,
        jane,
        tech,
        python,
    }
}

/// Seed: Querying Relations > select_related: a single query, related rows read without a query.
async fn select_related_is_one_query(t: TestDb) {
    let b = blog(&t).await;
    let other = User::build()
        .email("bob@example.com")
        .name("Bob")
        .create(&b.db)
        .await
        .unwrap();
    for i in 0..100 {
        let author = if i % 2 == 0 { &b.jane } else { &other };
        let mut post = Post::build()
            .title(format!("post {i}"))
            .content("c")
            .author(author);
        if i % 3 == 0 {
            post = post.category(&b.python);
        }
        post.create(&b.db).await.unwrap();
    }
    let before = b.db.query_count();
    let posts = Post::objects()
        .select_related(["author", "category"])
        .all(&b.db)
        .await
        .unwrap();
    assert_eq!(b.db.query_count() - before, 1);
    assert_eq!(posts.len(), 100);
    let strict = b.db.strict();
    for post in &posts {
        let author = post
            .author
            .get(&strict)
            .await
            .expect("loaded: no query in strict mode");
        assert!(author.name == "Jane" || author.name == "Bob");
        match post.category.loaded() {
            Some(c) => assert_eq!(c.name, "Python"),
            None => assert!(post.category.is_none(), "a missing category reads as None"),
        }
    }
    assert_eq!(b.db.query_count() - before, 1);
}

/// Nested paths, and the reverse side of a one-to-one.
async fn select_related_nested_and_reverse_one_to_one(t: TestDb) {
    let b = blog(&t).await;
    Post::build()
        .title("T")
        .content("c")
        .author(&b.jane)
        .category(&b.python)
        .create(&b.db)
        .await
        .unwrap();
    let before = b.db.query_count();
    let posts = Post::objects()
        .select_related(["author__profile", "category__parent"])
        .all(&b.db)
        .await
        .unwrap();
    assert_eq!(b.db.query_count() - before, 1);
    let strict = b.db.strict();
    let author = posts[0].author.get(&strict).await.unwrap();
    let profile = author
        .profile(&strict)
        .await
        .expect("loaded by select_related");
    assert_eq!(profile.bio.as_deref(), Some("Tech writer"));
    let category = posts[0].category.get(&strict).await.unwrap().unwrap();
    assert_eq!(
        category.parent.get(&strict).await.unwrap().unwrap().name,
        "Technology"
    );
    // A user without a profile: LEFT JOIN, reads as DoesNotExist without a query.
    let bob = User::build()
        .email("bob@example.com")
        .name("Bob")
        .create(&b.db)
        .await
        .unwrap();
    let users = User::objects()
        .filter(q!(id = bob.id))
        .select_related(["profile"])
        .all(&b.db)
        .await
        .unwrap();
    assert!(matches!(
        users[0].profile(&strict).await,
        Err(Error::DoesNotExist { .. })
    ));
}

/// select_related refuses to-many relations with a clear error.
async fn select_related_refuses_to_many(t: TestDb) {
    let b = blog(&t).await;
    let err = Post::objects()
        .select_related(["tags"])
        .all(&b.db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("prefetch_related"), "{err}");
}

/// Strict mode turns a lazy access into an error naming the relation.
async fn strict_mode_refuses_lazy_loads(t: TestDb) {
    let b = blog(&t).await;
    let news = Category::build()
        .name("News")
        .slug("news")
        .create(&b.db)
        .await
        .unwrap();
    Post::build()
        .title("T")
        .content("c")
        .author(&b.jane)
        .category(&news)
        .create(&b.db)
        .await
        .unwrap();
    let strict = b.db.strict();
    let posts = Post::objects().all(&strict).await.unwrap();
    let err = posts[0].author.get(&strict).await.unwrap_err();
    // It names the field that was read, on the model that has it.
    assert!(
        matches!(&err, Error::LazyLoad { model, relation } if model == "Post" && relation == "author"),
        "{err:?}"
    );
    assert!(err.to_string().contains("Post.author"), "{err}");
    // A nullable relation too.
    let err = posts[0].category.get(&strict).await.unwrap_err();
    assert!(
        matches!(&err, Error::LazyLoad { model, relation } if model == "Post" && relation == "category"),
        "{err:?}"
    );
    // A relation made by hand (`ForeignKey::new`) belongs to no field: it names its target.
    let by_hand = aksara::ForeignKey::<User>::new(b.jane.id);
    let err = by_hand.get(&strict).await.unwrap_err();
    assert!(err.to_string().contains("User"), "{err}");
    assert!(matches!(
        b.jane.profile(&strict).await,
        Err(Error::LazyLoad { .. })
    ));
    assert!(matches!(
        b.jane.posts().all(&strict).await,
        Err(Error::LazyLoad { .. })
    ));
    // Not strict: the same access runs one query.
    let before = b.db.query_count();
    posts[0].author.get(&b.db).await.unwrap();
    assert_eq!(b.db.query_count() - before, 1);
}

/// prefetch_related with a custom queryset: filter, order, and a limit per parent.
async fn prefetch_with_custom_queryset(t: TestDb) {
    let b = blog(&t).await;
    let bob = User::build()
        .email("bob@example.com")
        .name("Bob")
        .create(&b.db)
        .await
        .unwrap();
    for (user, n) in [(&b.jane, 5), (&bob, 3)] {
        for i in 0..n {
            Post::build()
                .title(format!("{} {i}", user.name))
                .content("c")
                .published(i % 2 == 0)
                .author(user)
                .create(&b.db)
                .await
                .unwrap();
        }
    }
    let recent = Prefetch::new("posts")
        .filter(q!(published = true))
        .order_by(["-title"])
        .limit(2);
    let before = b.db.query_count();
    let users = User::objects()
        .order_by(["name"])
        .prefetch_related([recent])
        .all(&b.db)
        .await
        .unwrap();
    assert_eq!(b.db.query_count() - before, 2);
    let titles = |u: &User| {
        u.posts()
            .loaded()
            .unwrap()
            .iter()
            .map(|p| p.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(users[0].name, "Bob");
    assert_eq!(titles(&users[0]), ["Bob 2", "Bob 0"]);
    assert_eq!(titles(&users[1]), ["Jane 4", "Jane 2"]);
}

/// Forward and reverse one-to-one and forward foreign keys prefetch too; a write through a
/// manager makes the prefetched rows read as not loaded.
async fn prefetch_forward_relations_and_invalidation(t: TestDb) {
    let b = blog(&t).await;
    let post = Post::build()
        .title("T")
        .content("c")
        .author(&b.jane)
        .create(&b.db)
        .await
        .unwrap();
    let tag = Tag::build()
        .name("rust")
        .slug("rust")
        .create(&b.db)
        .await
        .unwrap();
    post.tags().add(&b.db, [&tag]).await.unwrap();
    let before = b.db.query_count();
    let posts = Post::objects()
        .prefetch_related(["author__profile", "tags__posts"])
        .all(&b.db)
        .await
        .unwrap();
    assert_eq!(b.db.query_count() - before, 5);
    let strict = b.db.strict();
    let author = posts[0].author.get(&strict).await.unwrap();
    assert_eq!(
        author.profile(&strict).await.unwrap().bio.as_deref(),
        Some("Tech writer")
    );
    let tags = posts[0].tags().loaded().unwrap();
    assert_eq!(tags[0].posts().loaded().unwrap().len(), 1);
    posts[0].tags().clear(&b.db).await.unwrap();
    assert!(posts[0].tags().loaded().is_none(), "cleared by the write");
}

/// Self-referential trees: descendants and ancestors in one query; the seed's
/// "tech.posts, including child categories".
async fn self_referential_trees(t: TestDb) {
    let b = blog(&t).await;
    let django = Category::build()
        .name("Django")
        .slug("django")
        .parent(&b.python)
        .create(&b.db)
        .await
        .unwrap();
    let cooking = Category::build()
        .name("Cooking")
        .slug("cooking")
        .create(&b.db)
        .await
        .unwrap();
    for (title, category) in [
        ("a", &b.tech),
        ("b", &b.python),
        ("c", &django),
        ("d", &cooking),
    ] {
        Post::build()
            .title(title)
            .content("c")
            .author(&b.jane)
            .category(category)
            .create(&b.db)
            .await
            .unwrap();
    }
    let before = b.db.query_count();
    let mut tech_posts: Vec<String> = Post::objects()
        .filter(Condition::in_subtree("category", "parent", b.tech.id))
        .all(&b.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(b.db.query_count() - before, 1);
    tech_posts.sort();
    assert_eq!(tech_posts, ["a", "b", "c"]);
    let below_tech = Category::objects()
        .filter(Condition::descendants_of("", "parent", b.tech.id))
        .count(&b.db)
        .await
        .unwrap();
    assert_eq!(below_tech, 2);
    let mut above_django: Vec<String> = Category::objects()
        .filter(Condition::ancestors_of("", "parent", django.id))
        .all(&b.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    above_django.sort();
    assert_eq!(above_django, ["Python", "Technology"]);
    // The seed's plain accessors.
    assert_eq!(
        b.tech.children().all(&b.db).await.unwrap()[0].name,
        "Python"
    );
    assert_eq!(
        django.parent.get(&b.db).await.unwrap().unwrap().name,
        "Python"
    );
}

/// Seed: Complete Example, run as written.
async fn complete_example(t: TestDb) {
    let db = t.db(registry()).await;
    let user = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let profile = UserProfile::build()
        .user(&user)
        .bio("Tech writer")
        .create(&db)
        .await
        .unwrap();
    assert_eq!(profile.user.id(), &user.id);
    let tech = Category::build()
        .name("Technology")
        .slug("tech")
        .create(&db)
        .await
        .unwrap();
    let python = Category::build()
        .name("Python")
        .slug("python")
        .parent(&tech)
        .create(&db)
        .await
        .unwrap();
    let tutorial = Tag::build()
        .name("Tutorial")
        .slug("tutorial")
        .create(&db)
        .await
        .unwrap();
    let beginner = Tag::build()
        .name("Beginner")
        .slug("beginner")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("Getting Started with Python")
        .content("Learn Python basics...")
        .author(&user)
        .category(&python)
        .create(&db)
        .await
        .unwrap();
    assert!(!post.published, "default=False");
    post.tags().add(&db, [&tutorial, &beginner]).await.unwrap();

    let jane_posts = user.posts().all(&db).await.unwrap();
    assert_eq!(jane_posts.len(), 1);
    let tech_posts = Post::objects()
        .filter(Condition::in_subtree("category", "parent", tech.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(tech_posts.len(), 1, "including child categories");
    let tutorial_posts = Post::objects()
        .filter(q!(tags__name = "Tutorial"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(tutorial_posts[0].id, post.id);
    let posts = Post::objects()
        .select_related(["author", "category"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(posts[0].author.loaded().unwrap().name, "Jane");
    assert_eq!(posts[0].category.loaded().unwrap().slug, "python");
}

/// 20 tasks adding the same pairs at once end with each pair exactly once and no error.
async fn concurrent_adds_of_the_same_pairs(t: TestDb) {
    let b = blog(&t).await;
    let post = Post::build()
        .title("T")
        .content("c")
        .author(&b.jane)
        .create(&b.db)
        .await
        .unwrap();
    let mut tags = Vec::new();
    for i in 0..10 {
        tags.push(
            Tag::build()
                .name(format!("t{i}"))
                .slug(format!("t{i}"))
                .create(&b.db)
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, post, tags) = (b.db.clone(), post.clone(), tags.clone());
        tasks.push(tokio::spawn(async move {
            post.tags().add(&db, tags.iter()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("no error under concurrent adds");
    }
    assert_eq!(post.tags().count(&b.db).await.unwrap(), 10);
    let links =
        b.db.raw("SELECT COUNT(*) FROM post_tags", [])
            .await
            .unwrap();
    assert_eq!(links[0][0].as_i64(), Some(10));
}

/// ManyToMany > Custom Through Model: extra fields given on add, refused when required.
async fn custom_through_model(t: TestDb) {
    use aksara_tests::models::through::{registry, Post, PostTag, Tag, User};
    let db = t.db(registry()).await;
    let editor = User::build()
        .email("ed@example.com")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build().title("T").create(&db).await.unwrap();
    let tag = Tag::build().name("rust").create(&db).await.unwrap();
    let err = post.tags().add(&db, [&tag]).await.unwrap_err();
    assert!(
        err.to_string().contains("note"),
        "a required extra field is named: {err}"
    );
    post.tags()
        .add_with(
            &db,
            [&tag],
            [("note", "first".into()), ("added_by", (&editor).into())],
        )
        .await
        .unwrap();
    post.tags()
        .add_with(&db, [&tag], [("note", "again".into())])
        .await
        .unwrap();
    let links = PostTag::objects().all(&db).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].note, "first");
    assert_eq!(links[0].added_by.id(), Some(&editor.id));
    assert_eq!(tag.posts().all(&db).await.unwrap()[0].title, "T");
    let prefetched = Post::objects()
        .prefetch_related(["tags"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(prefetched[0].tags.loaded().unwrap()[0].name, "rust");
}

backend_tests!(
    select_related_is_one_query,
    select_related_nested_and_reverse_one_to_one,
    select_related_refuses_to_many,
    strict_mode_refuses_lazy_loads,
    prefetch_with_custom_queryset,
    prefetch_forward_relations_and_invalidation,
    self_referential_trees,
    complete_example,
    concurrent_adds_of_the_same_pairs,
    custom_through_model,
);
