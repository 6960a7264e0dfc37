//! The seed's ManyToMany section, and the rest of the many-to-many behaviour.

use aksara::{q, Model};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};

async fn setup(t: &TestDb) -> (aksara::Db, User) {
    let db = t.db(registry()).await;
    let user = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    (db, user)
}

/// The number of INSERT statements among `sql`, and checks that the rest is at most the
/// transaction around them and the lock of the owner's row.
fn inserts(sql: &[String]) -> usize {
    let inserts = sql.iter().filter(|s| s.starts_with("INSERT")).count();
    assert!(
        sql.len() <= inserts + 3,
        "only BEGIN, the owner's lock and COMMIT besides the inserts: {sql:?}"
    );
    inserts
}

async fn tag(db: &aksara::Db, name: &str) -> Tag {
    Tag::build()
        .name(name)
        .slug(name.to_lowercase())
        .create(db)
        .await
        .unwrap()
}

/// Seed: ManyToMany > Forward Access (all, add, remove, clear, set, contains).
async fn many_to_many_forward_access(t: TestDb) {
    let (db, user) = setup(&t).await;
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let (tag1, tag2, tag3) = (
        tag(&db, "Rust").await,
        tag(&db, "Async").await,
        tag(&db, "Db").await,
    );

    post.tags().add(&db, [&tag1, &tag2]).await.unwrap();
    let mut names: Vec<String> = post
        .tags()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    names.sort();
    assert_eq!(names, ["Async", "Rust"]);

    post.tags().remove(&db, [&tag1]).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 1);
    assert!(post.tags().contains(&db, &tag2).await.unwrap());
    assert!(!post.tags().contains(&db, &tag1).await.unwrap());

    post.tags().clear(&db).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 0);

    post.tags().set(&db, [&tag1, &tag2, &tag3]).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 3);
    post.tags().set(&db, [&tag3]).await.unwrap();
    let left = post.tags().all(&db).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].name, "Db");
}

/// Seed: ManyToMany > Reverse Access.
async fn many_to_many_reverse_access(t: TestDb) {
    let (db, user) = setup(&t).await;
    let python = tag(&db, "python").await;
    let p1 = Post::build()
        .title("One")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let p2 = Post::build()
        .title("Two")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    p1.tags().add(&db, [&python]).await.unwrap();
    p2.tags().add(&db, [&python]).await.unwrap();
    let python = Tag::objects().get(&db, q!(name = "python")).await.unwrap();
    assert_eq!(python.posts().count(&db).await.unwrap(), 2);
    let recent = python
        .posts()
        .filter(q!(title = "Two"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].id, p2.id);
    // Writes from the reverse side too.
    python.posts().remove(&db, [&p1]).await.unwrap();
    assert_eq!(p1.tags().count(&db).await.unwrap(), 0);
}

/// add is idempotent, one statement for many rows.
async fn many_to_many_add_is_idempotent_and_one_statement(t: TestDb) {
    let (db, user) = setup(&t).await;
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let mut tags = Vec::new();
    for i in 0..50 {
        tags.push(tag(&db, &format!("t{i}")).await);
    }
    db.record_sql();
    post.tags().add(&db, tags.iter()).await.unwrap();
    assert_eq!(
        inserts(&db.recorded_sql()),
        1,
        "add of 50 tags is one insert (in the transaction that locks the post)"
    );
    post.tags().add(&db, tags.iter()).await.unwrap();
    post.tags().add(&db, [&tags[0], &tags[0]]).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 50);
}

/// Seed: Querying Relations > Posts with a specific tag (M2M), no duplicate rows.
async fn querying_relations_many_to_many_without_duplicates(t: TestDb) {
    let (db, user) = setup(&t).await;
    let (a, b, c) = (
        tag(&db, "python-a").await,
        tag(&db, "python-b").await,
        tag(&db, "python-c").await,
    );
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    post.tags().add(&db, [&a, &b, &c]).await.unwrap();
    let found = Post::objects()
        .filter(q!(tags__name__startswith = "python"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        found.len(),
        1,
        "a post with three matching tags appears once"
    );
    let count = Post::objects()
        .filter(q!(tags__name__startswith = "python"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let via_user = User::objects()
        .filter(q!(posts__tags__name = "python-b"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(via_user.len(), 1);
}

/// prefetch_related: 1 + one query per level.
async fn prefetch_related_query_counts(t: TestDb) {
    let (db, user) = setup(&t).await;
    let tags = [
        tag(&db, "a").await,
        tag(&db, "b").await,
        tag(&db, "c").await,
    ];
    for i in 0..100 {
        let post = Post::build()
            .title(format!("post {i}"))
            .content("c")
            .author(&user)
            .create(&db)
            .await
            .unwrap();
        post.tags().add(&db, tags.iter().take(i % 4)).await.unwrap();
    }
    let before = db.query_count();
    let posts = Post::objects()
        .prefetch_related(["tags"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    assert_eq!(posts.len(), 100);
    let total: usize = posts.iter().map(|p| p.tags.iter().count()).sum();
    assert_eq!(total, (0..100).map(|i| i % 4).sum::<usize>());
    for post in &posts {
        for tag in &post.tags {
            assert!(["a", "b", "c"].contains(&tag.name.as_str()));
        }
    }

    let before = db.query_count();
    let users = User::objects()
        .prefetch_related(["posts__tags"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 3);
    let strict = db.strict();
    let posts = users[0].posts().loaded().expect("prefetched");
    assert_eq!(posts.len(), 100);
    assert!(posts
        .iter()
        .any(|p| p.tags.loaded().is_some_and(|t| t.len() == 3)));
    // The prefetched rows answer `all` with no query, in strict mode too; a user whose
    // posts were not prefetched is refused the lazy query.
    let before = db.query_count();
    assert_eq!(users[0].posts().all(&strict).await.unwrap().len(), 100);
    assert_eq!(db.query_count(), before);
    let unloaded = User::objects()
        .get(&db, aksara::Condition::new("id", users[0].id))
        .await
        .unwrap();
    assert!(
        unloaded.posts().all(&strict).await.is_err(),
        "strict mode refuses the lazy query"
    );
}

/// Seed: ManyToMany > Definition: `tags = fields.ManyToMany(Tag, related_name="posts")`.
async fn many_to_many_definition(t: TestDb) {
    let registry = registry();
    let post = registry.model("Post").unwrap();
    let edge = post.edge("tags").unwrap();
    assert_eq!(edge.kind, aksara::RelationKind::ManyToMany);
    assert!(edge.is_many());
    let tag = registry.model("Tag").unwrap();
    assert_eq!(
        tag.edge("posts").unwrap().target,
        post.index,
        "related_name gives Tag.posts"
    );
    let (db, _) = setup(&t).await;
    assert_eq!(
        Post::objects()
            .filter(q!(tags__name = "none"))
            .count(&db)
            .await
            .unwrap(),
        0
    );
}

/// Seed: ManyToMany > Junction Table: `post_tags` with a UUID id, both foreign keys ON
/// DELETE CASCADE and UNIQUE (post_id, tag_id).
async fn junction_table(t: TestDb) {
    let (db, user) = setup(&t).await;
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let rust = tag(&db, "Rust").await;
    let keep = tag(&db, "Keep").await;
    post.tags().add(&db, [&rust, &keep]).await.unwrap();
    let rows = db
        .raw("SELECT id, post_id, tag_id FROM post_tags", [])
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        aksara::FieldKind::Uuid.coerce(rows[0][0].clone()).is_ok(),
        "the junction id is a UUID"
    );
    // UNIQUE (post_id, tag_id): a raw duplicate is refused by the database.
    let duplicate = db
        .raw_execute(
            "INSERT INTO post_tags (id, post_id, tag_id) VALUES ({}, {}, {})",
            [uuid::Uuid::now_v7().into(), post.id.into(), rust.id.into()],
        )
        .await;
    assert!(duplicate.is_err(), "UNIQUE (post_id, tag_id)");
    // ON DELETE CASCADE on both sides: deleting a tag removes its links, deleting the post the rest.
    rust.delete(&db).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 1);
    post.delete(&db).await.unwrap();
    assert_eq!(
        db.raw("SELECT COUNT(*) FROM post_tags", []).await.unwrap()[0][0].as_i64(),
        Some(0)
    );
    assert_eq!(
        Tag::objects().count(&db).await.unwrap(),
        1,
        "the tag itself stays"
    );
}

/// add of 1,000 objects is one statement.
async fn many_to_many_add_of_a_thousand_is_one_statement(t: TestDb) {
    let (db, user) = setup(&t).await;
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let mut ids = Vec::new();
    db.transaction(|tx| async move {
        let mut ids = Vec::new();
        for i in 0..1000 {
            ids.push(
                Tag::build()
                    .name(format!("t{i}"))
                    .slug(format!("t{i}"))
                    .create(&tx)
                    .await?
                    .id,
            );
        }
        Ok(ids)
    })
    .await
    .unwrap()
    .into_iter()
    .for_each(|id| ids.push(id));
    db.record_sql();
    post.tags().add(&db, ids.iter().copied()).await.unwrap();
    assert_eq!(inserts(&db.recorded_sql()), 1);
    assert_eq!(post.tags().count(&db).await.unwrap(), 1000);
    post.tags()
        .set(&db, ids[..10].iter().copied())
        .await
        .unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 10);
}

/// Seed: Querying Relations > "Without select_related: N+1 queries / With select_related:
/// Single query", and the prefetch snippet.
async fn select_related_and_prefetch_related_avoid_n_plus_one(t: TestDb) {
    let (db, user) = setup(&t).await;
    let tag1 = tag(&db, "one").await;
    for i in 0..10 {
        let p = Post::build()
            .title(format!("p{i}"))
            .content("c")
            .author(&user)
            .create(&db)
            .await
            .unwrap();
        p.tags().add(&db, [&tag1]).await.unwrap();
    }
    let before = db.query_count();
    let posts = Post::objects().all(&db).await.unwrap();
    for post in &posts {
        assert_eq!(post.author.get(&db).await.unwrap().name, "Jane");
    }
    assert_eq!(
        db.query_count() - before,
        11,
        "without select_related: 1 + N"
    );
    let before = db.query_count();
    let posts = Post::objects()
        .select_related(["author"])
        .prefetch_related(["tags"])
        .all(&db)
        .await
        .unwrap();
    for post in &posts {
        assert_eq!(post.author.loaded().unwrap().name, "Jane");
        for tag in &post.tags {
            assert_eq!(tag.name, "one");
        }
    }
    assert_eq!(
        db.query_count() - before,
        2,
        "one join query and one prefetch query"
    );
}

/// Linking a row that does not exist is a foreign key error naming the relation, and
/// nothing is linked.
async fn many_to_many_add_of_a_missing_row_is_refused(t: TestDb) {
    let (db, user) = setup(&t).await;
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let real = tag(&db, "real").await;
    let missing = uuid::Uuid::now_v7();
    let err = post.tags().add(&db, [real.id, missing]).await.unwrap_err();
    assert!(
        matches!(err, aksara::Error::ForeignKeyConstraint { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains(&missing.to_string()) || err.to_string().contains("tag"),
        "{err}"
    );
    assert_eq!(
        post.tags().count(&db).await.unwrap(),
        0,
        "nothing was linked"
    );
}

backend_tests!(
    many_to_many_definition,
    many_to_many_add_of_a_missing_row_is_refused,
    junction_table,
    many_to_many_add_of_a_thousand_is_one_statement,
    select_related_and_prefetch_related_avoid_n_plus_one,
    many_to_many_forward_access,
    many_to_many_reverse_access,
    many_to_many_add_is_idempotent_and_one_statement,
    querying_relations_many_to_many_without_duplicates,
    prefetch_related_query_counts,
);
