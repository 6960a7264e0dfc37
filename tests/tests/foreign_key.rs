//! The ForeignKey section of the seed: definition, options, forward and reverse access,
//! creating, and querying relations (plus the Best Practices example of two relations to one
//! model).

mod common;

use aksara::{q, Error, Model, OnDelete, OptionalRelation, Registry, RelationKind, Target};
use aksara_tests::models::{circular, defaults, editorial, fk};
use aksara_tests::{backend_tests, TestDb};
use chrono::{Duration, Utc};
use common::{expect_err, table_rows};
use uuid::Uuid;

fn fk_registry() -> std::sync::Arc<Registry> {
    Registry::builder()
        .model::<fk::Post>()
        .build()
        .expect("valid models")
}

async fn jane(db: &aksara::Db) -> fk::Author {
    fk::Author::build()
        .name("Jane")
        .email("jane@example.com")
        .create(db)
        .await
        .expect("create Jane")
}

async fn bob(db: &aksara::Db) -> fk::Author {
    fk::Author::build()
        .name("Bob")
        .email("bob@example.com")
        .create(db)
        .await
        .expect("create Bob")
}

async fn post(db: &aksara::Db, title: &str, author: &fk::Author) -> fk::Post {
    fk::Post::build()
        .title(title)
        .content("Content here")
        .author(author)
        .create(db)
        .await
        .expect("create post")
}

fn titles(posts: &[fk::Post]) -> Vec<String> {
    let mut t: Vec<String> = posts.iter().map(|p| p.title.clone()).collect();
    t.sort();
    t
}

/// Seed "ForeignKey / Definition": Author(name, email unique) and Post(title, content, author
/// ForeignKey(Author, on_delete=CASCADE, related_name="posts")).
async fn foreign_key_definition(t: TestDb) {
    // The definition as metadata.
    let author_meta = fk::Author::meta();
    assert_eq!(author_meta.table, "authors");
    assert_eq!(
        author_meta.field("name").unwrap().max_length(),
        Some(100),
        "name = String(max_length=100)"
    );
    let email = author_meta.field("email").unwrap();
    assert!(email.unique, "email = Email(unique=True)");
    assert!(matches!(email.kind, aksara::FieldKind::Email { .. }));

    let post_meta = fk::Post::meta();
    assert_eq!(post_meta.table, "posts");
    assert_eq!(post_meta.field("title").unwrap().max_length(), Some(200));
    assert_eq!(
        post_meta.field("content").unwrap().kind,
        aksara::FieldKind::Text
    );
    let author = post_meta.field("author").expect("Post.author");
    assert_eq!(author.column, "author_id");
    assert!(!author.nullable, "nullable defaults to False");
    let rel = author.relation.as_ref().expect("author is a relation");
    assert_eq!(rel.kind, RelationKind::ForeignKey);
    assert!(matches!(rel.target, Target::Type(_)));
    assert_eq!(rel.target.model_name("Post"), "Author");
    assert_eq!(rel.on_delete, OnDelete::Cascade);
    assert_eq!(rel.related_name.as_deref(), Some("posts"));

    // The registry resolves it: registering Post brings Author along, with the reverse edge.
    let registry = fk_registry();
    let author_info = registry
        .model("Author")
        .expect("Author came along with Post");
    let post_info = registry.model("Post").unwrap();
    let forward = post_info.edge("author").expect("forward edge Post.author");
    assert!(forward.forward);
    assert!(!forward.is_many());
    assert_eq!(forward.target, author_info.index);
    let reverse = author_info
        .edge("posts")
        .expect("reverse edge Author.posts");
    assert!(!reverse.forward);
    assert!(reverse.is_many());
    assert_eq!(reverse.target, post_info.index);
    assert_eq!(
        (reverse.owner.as_str(), reverse.field.as_str()),
        ("Post", "author")
    );
    assert_eq!(reverse.on_delete, OnDelete::Cascade);
    // The key column takes the target key's kind.
    assert_eq!(
        post_info.field("author").unwrap().kind,
        aksara::FieldKind::Uuid
    );

    // The tables exist with the foreign key column, and the database enforces it.
    let db = t.db(registry).await;
    let jane = jane(&db).await;
    let p = post(&db, "My Post", &jane).await;
    let rows = db
        .raw("SELECT author_id FROM posts WHERE id = {}", [p.id.into()])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        aksara::FieldKind::Uuid.coerce(rows[0][0].clone()).unwrap(),
        aksara::Value::Uuid(jane.id)
    );
    let err = expect_err(
        db.raw_execute(
            "INSERT INTO posts (id, title, content, author_id, created_at) VALUES ({}, {}, {}, {}, {})",
            [
                Uuid::now_v7().into(),
                "x".into(),
                "y".into(),
                Uuid::now_v7().into(),
                Utc::now().into(),
            ],
        )
        .await,
        "a foreign key violation from raw SQL",
    );
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Post" && relation == "author"),
        "{err:?}"
    );
    assert_eq!(table_rows(&db, "posts").await, 1);
}

/// Seed "ForeignKey / Options": on_delete defaults to CASCADE, related_name to `{model}_set`,
/// nullable to False. `defaults::Entry.blog` is declared with no options at all.
async fn foreign_key_options_defaults(t: TestDb) {
    let blog_field = defaults::Entry::meta().field("blog").unwrap();
    let rel = blog_field.relation.as_ref().unwrap();
    assert_eq!(
        rel.on_delete,
        OnDelete::Cascade,
        "on_delete defaults to CASCADE"
    );
    assert_eq!(rel.related_name, None);
    assert!(!blog_field.nullable, "nullable defaults to False");
    let registry = defaults::registry();
    let blog_info = registry.model("Blog").unwrap();
    let reverse = blog_info
        .edges
        .iter()
        .find(|e| !e.forward)
        .expect("reverse edge");
    assert_eq!(
        reverse.accessor, "entry_set",
        "related_name defaults to {{model}}_set"
    );
    assert_eq!(
        reverse.name, "entry",
        "the reverse name in filters is the model name"
    );
    // Integer keys: the Entry.blog column is a 32-bit integer like Blog.id.
    assert_eq!(
        registry.model("Entry").unwrap().field("blog").unwrap().kind,
        aksara::FieldKind::Integer
    );

    let db = t.db(registry).await;
    let news = defaults::Blog::build()
        .name("News")
        .create(&db)
        .await
        .unwrap();
    let other = defaults::Blog::build()
        .name("Other")
        .create(&db)
        .await
        .unwrap();
    assert_ne!(news.id, other.id, "database-assigned keys are read back");
    let e1 = defaults::Entry::build()
        .headline("First")
        .blog(&news)
        .create(&db)
        .await
        .unwrap();
    defaults::Entry::build()
        .headline("Second")
        .blog(&news)
        .create(&db)
        .await
        .unwrap();
    defaults::Entry::build()
        .headline("Elsewhere")
        .blog(&other)
        .create(&db)
        .await
        .unwrap();
    assert!(e1.id > 0);
    assert_eq!(*e1.blog.id(), news.id);

    // The default accessor and the default filter name.
    let mut headlines: Vec<String> = news
        .entry_set()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.headline)
        .collect();
    headlines.sort();
    assert_eq!(headlines, ["First", "Second"]);
    assert_eq!(news.entry_set().count(&db).await.unwrap(), 2);
    let blogs = defaults::Blog::objects()
        .filter(q!(entry__headline = "Elsewhere"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(blogs.len(), 1);
    assert_eq!(blogs[0].id, other.id);

    // nullable=False: a missing blog is refused before any SQL runs.
    let before = db.query_count();
    let err = expect_err(
        defaults::Entry::build()
            .headline("Orphan")
            .create(&db)
            .await,
        "a validation error for the missing blog",
    );
    assert!(
        matches!(&err, Error::Validation { model, field, .. } if model == "Entry" && field == "blog"),
        "{err:?}"
    );
    assert_eq!(db.query_count(), before, "no SQL for a refused value");

    // on_delete defaults to CASCADE: deleting the blog deletes its entries.
    news.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "entries").await, 1);
}

/// Seed "ForeignKey / Forward Access": `await post.author` loads the author (one query, then
/// cached); `post.author_id` is the raw key with no query.
async fn foreign_key_forward_access(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = jane(&db).await;
    let created = post(&db, "My Post", &jane).await;

    let post = fk::Post::objects()
        .get(&db, q!(id = created.id))
        .await
        .unwrap();
    assert!(
        post.author.loaded().is_none(),
        "nothing loaded by a plain get"
    );

    // The raw key: no query.
    let before = db.query_count();
    let author_id = *post.author.id();
    assert_eq!(author_id, jane.id);
    assert_eq!(db.query_count(), before, "post.author.id() runs no query");

    // The first access: exactly one query.
    db.record_sql();
    let author = post.author.get(&db).await.unwrap();
    assert_eq!(author.name, "Jane");
    assert_eq!(author.email, "jane@example.com");
    assert_eq!(author.id, jane.id);
    assert_eq!(
        db.query_count(),
        before + 1,
        "the first access is one query"
    );
    let sql = db.recorded_sql();
    assert_eq!(sql.len(), 1, "{sql:?}");
    assert!(sql[0].to_uppercase().contains("SELECT"), "{sql:?}");

    // Cached afterwards: no more queries.
    let again = post.author.get(&db).await.unwrap();
    assert_eq!(again.id, jane.id);
    assert_eq!(post.author.loaded().map(|a| a.id), Some(jane.id));
    assert_eq!(*post.author.id(), jane.id);
    assert_eq!(
        db.query_count(),
        before + 1,
        "a cached relation runs no query"
    );

    // A clone keeps the cache.
    let copy = post.clone();
    copy.author.get(&db).await.unwrap();
    assert_eq!(db.query_count(), before + 1);

    // refresh() forgets the cache, so the next access queries again.
    let mut post = post;
    post.refresh(&db).await.unwrap();
    assert!(post.author.loaded().is_none());
    let q0 = db.query_count();
    post.author.get(&db).await.unwrap();
    assert_eq!(db.query_count(), q0 + 1);

    // The instance returned by create has no cache either, and one query loads it.
    let q1 = db.query_count();
    assert_eq!(created.author.get(&db).await.unwrap().name, "Jane");
    assert_eq!(db.query_count(), q1 + 1);

    // A relation pointed at a loaded instance is cached from the start.
    let mut moved = created.clone();
    let bob = bob(&db).await;
    moved.author.set(bob.clone());
    let q2 = db.query_count();
    assert_eq!(moved.author.get(&db).await.unwrap().name, "Bob");
    assert_eq!(*moved.author.id(), bob.id);
    assert_eq!(db.query_count(), q2);
}

/// Seed "ForeignKey / Reverse Access": `author.posts.all()`, `.filter(created_at__gt=last_week)`,
/// `.count()`.
async fn foreign_key_reverse_access(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = jane(&db).await;
    let bob = bob(&db).await;
    let nobody = fk::Author::build()
        .name("Nobody")
        .email("nobody@example.com")
        .create(&db)
        .await
        .unwrap();
    let last_week = Utc::now() - Duration::days(7);
    fk::Post::build()
        .title("Old")
        .content("from last month")
        .author(&jane)
        .created_at(Utc::now() - Duration::days(30))
        .create(&db)
        .await
        .unwrap();
    post(&db, "New 1", &jane).await;
    post(&db, "New 2", &jane).await;
    post(&db, "Bob's", &bob).await;

    let fetched = fk::Author::objects()
        .get(&db, q!(id = jane.id))
        .await
        .unwrap();
    let posts = fetched.posts().all(&db).await.unwrap();
    assert_eq!(titles(&posts), ["New 1", "New 2", "Old"]);
    assert!(posts.iter().all(|p| *p.author.id() == jane.id));

    let recent = fetched
        .posts()
        .filter(q!(created_at__gt = last_week))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&recent), ["New 1", "New 2"]);
    assert_eq!(
        fetched
            .posts()
            .filter(q!(created_at__gt = last_week))
            .count(&db)
            .await
            .unwrap(),
        2
    );

    assert_eq!(fetched.posts().count(&db).await.unwrap(), 3);
    assert_eq!(bob.posts().count(&db).await.unwrap(), 1);
    assert_eq!(titles(&bob.posts().all(&db).await.unwrap()), ["Bob's"]);
    assert_eq!(nobody.posts().count(&db).await.unwrap(), 0);
    assert!(nobody.posts().all(&db).await.unwrap().is_empty());
    assert!(!nobody.posts().exists(&db).await.unwrap());
    assert!(fetched.posts().exists(&db).await.unwrap());

    // The reverse manager orders, slices and creates (setting the link).
    let ordered = fetched
        .posts()
        .order_by(["-title"])
        .limit(2)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        ordered.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        ["Old", "New 2"]
    );
    let made = nobody
        .posts()
        .create(&db, fk::Post::build().title("Via manager").content("..."))
        .await
        .unwrap();
    assert_eq!(*made.author.id(), nobody.id);
    assert_eq!(nobody.posts().count(&db).await.unwrap(), 1);
    assert_eq!(fetched.posts().count(&db).await.unwrap(), 3);
}

/// The reverse `count()` is exactly one query, and that query is a COUNT.
async fn reverse_count_is_one_count_query(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = jane(&db).await;
    for i in 0..5 {
        post(&db, &format!("Post {i}"), &jane).await;
    }
    let before = db.query_count();
    db.record_sql();
    let n = jane.posts().count(&db).await.unwrap();
    let sql = db.recorded_sql();
    assert_eq!(n, 5);
    assert_eq!(db.query_count() - before, 1, "count() is one query");
    assert_eq!(sql.len(), 1, "{sql:?}");
    assert!(sql[0].to_uppercase().contains("COUNT"), "{sql:?}");
}

/// Seed "Creating with ForeignKey": method 1 passes the author, method 2 its id; both give the
/// same row.
async fn creating_with_foreign_key(t: TestDb) {
    let db = t.db(fk_registry()).await;
    jane(&db).await;
    bob(&db).await;

    let author = fk::Author::objects()
        .get(&db, q!(email = "jane@example.com"))
        .await
        .unwrap();
    // Method 1: pass the related object.
    let p1 = fk::Post::objects()
        .create(
            &db,
            fk::Post::build()
                .title("My Post")
                .content("Content here")
                .author(&author),
        )
        .await
        .unwrap();
    // Method 2: pass the id directly.
    let p2 = fk::Post::objects()
        .create(
            &db,
            fk::Post::build()
                .title("My Post")
                .content("Content here")
                .author_id(author.id),
        )
        .await
        .unwrap();
    // And by name, as the seed spells it (`author_id=`).
    let p3 = fk::Post::objects()
        .create(
            &db,
            fk::Post::build()
                .title("My Post")
                .content("Content here")
                .set("author_id", author.id)
                .unwrap(),
        )
        .await
        .unwrap();

    for p in [&p1, &p2, &p3] {
        assert_eq!(*p.author.id(), author.id);
    }
    // The stored rows agree, read back with plain SQL.
    let rows = db
        .raw(
            "SELECT title, content, author_id FROM posts WHERE id IN ({}, {}, {}) ORDER BY id",
            [p1.id.into(), p2.id.into(), p3.id.into()],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let normalized: Vec<(aksara::Value, aksara::Value, aksara::Value)> = rows
        .into_iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                aksara::FieldKind::Uuid.coerce(r[2].clone()).unwrap(),
            )
        })
        .collect();
    assert!(
        normalized.iter().all(|r| *r == normalized[0]),
        "{normalized:?}"
    );
    assert_eq!(normalized[0].2, aksara::Value::Uuid(author.id));

    // And through the ORM: the same author from each.
    for p in [&p1, &p2, &p3] {
        let loaded = fk::Post::objects().get(&db, q!(id = p.id)).await.unwrap();
        assert_eq!(loaded.title, "My Post");
        assert_eq!(loaded.content, "Content here");
        assert_eq!(
            loaded.author.get(&db).await.unwrap().email,
            "jane@example.com"
        );
    }
    assert_eq!(author.posts().count(&db).await.unwrap(), 3);
}

/// Seed "Querying Relations": `filter(author=author)`, `filter(author__email=...)`, and the
/// reverse name in filters.
async fn querying_relations(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = jane(&db).await;
    let bob = bob(&db).await;
    post(&db, "First post", &jane).await;
    post(&db, "Second post", &jane).await;
    post(&db, "Bob's post", &bob).await;

    // Posts by a specific author: the object, its key, the column name, the key path.
    let by_object = fk::Post::objects()
        .filter(q!(author = &jane))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&by_object), ["First post", "Second post"]);
    for condition in [
        q!(author = jane.id),
        q!(author_id = jane.id),
        q!(author__id = jane.id),
        fk::Post::fields().author_id().eq(jane.id),
    ] {
        let rows = fk::Post::objects()
            .filter(condition.clone())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(titles(&rows), titles(&by_object), "{condition:?}");
    }
    // `author = obj` compares the key column itself: no join.
    db.record_sql();
    fk::Post::objects()
        .filter(q!(author = &jane))
        .all(&db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert!(!sql[0].to_uppercase().contains("JOIN"), "{sql:?}");

    // Posts by author email, string and typed.
    let by_email = fk::Post::objects()
        .filter(q!(author__email = "jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&by_email), ["First post", "Second post"]);
    let typed = fk::Post::objects()
        .filter(fk::Post::fields().author().email().eq("jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&typed), titles(&by_email));
    assert_eq!(
        fk::Post::objects()
            .filter(q!(author__email = "bob@example.com"))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    assert!(fk::Post::objects()
        .filter(q!(author__email = "nobody@example.com"))
        .all(&db)
        .await
        .unwrap()
        .is_empty());

    // The reverse name (related_name="posts") in filters; a to-many match never repeats rows.
    let authors = fk::Author::objects()
        .filter(q!(posts__title__icontains = "post"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(authors.len(), 2, "each author once: {authors:?}");
    assert_eq!(
        fk::Author::objects()
            .filter(q!(posts__title__icontains = "post"))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    let seconds = fk::Author::objects()
        .filter(q!(posts__title = "Second post"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(seconds.len(), 1);
    assert_eq!(seconds[0].id, jane.id);
    let typed_reverse = fk::Author::objects()
        .filter(fk::Author::fields().posts().title().eq("Second post"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(typed_reverse.len(), 1);
    assert_eq!(typed_reverse[0].id, jane.id);
    // Authors with no such post: exclude across the reverse relation.
    let not_seconds = fk::Author::objects()
        .exclude(q!(posts__title = "Second post"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        not_seconds.iter().map(|a| a.id).collect::<Vec<_>>(),
        [bob.id]
    );
}

/// Lookups on a reverse (to-many) relation as a whole, as Django writes them:
/// `posts__isnull=True` (authors with no post), `posts__isnull=False`, `posts__in=[...]`.
async fn reverse_relation_isnull_and_in(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = jane(&db).await;
    let bob = bob(&db).await;
    let lonely = fk::Author::build()
        .name("Lonely")
        .email("lonely@example.com")
        .create(&db)
        .await
        .unwrap();
    let p1 = post(&db, "First post", &jane).await;
    post(&db, "Second post", &jane).await;
    let p3 = post(&db, "Bob's post", &bob).await;
    let ids = |authors: Vec<fk::Author>| {
        let mut v: Vec<Uuid> = authors.into_iter().map(|a| a.id).collect();
        v.sort();
        v
    };
    let mut with_posts = vec![jane.id, bob.id];
    with_posts.sort();

    // The relation compared as a whole with no lookup works (the related key).
    let by_post = fk::Author::objects()
        .filter(q!(posts = &p1))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(ids(by_post), [jane.id]);

    let without = fk::Author::objects()
        .filter(q!(posts__isnull = true))
        .all(&db)
        .await;
    assert_eq!(ids(without.unwrap()), [lonely.id], "posts__isnull=True");
    let with = fk::Author::objects()
        .filter(q!(posts__isnull = false))
        .all(&db)
        .await;
    assert_eq!(
        ids(with.unwrap()),
        with_posts,
        "posts__isnull=False, each once"
    );
    let among = fk::Author::objects()
        .filter(q!(posts__in = aksara::value_list([p1.id, p3.id])))
        .all(&db)
        .await;
    assert_eq!(ids(among.unwrap()), with_posts, "posts__in");
}

/// Seed "Querying Relations" with no related_name: the reverse name in filters is the model
/// name (`post__title`) and the accessor `post_set()`.
async fn querying_relations_default_reverse_name(t: TestDb) {
    let db = t.db(circular::registry()).await;
    let jane = circular::Author::build()
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let bob = circular::Author::build()
        .name("Bob")
        .create(&db)
        .await
        .unwrap();
    circular::Post::build()
        .title("Hello")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    circular::Post::build()
        .title("World")
        .author(&bob)
        .create(&db)
        .await
        .unwrap();
    let found = circular::Author::objects()
        .filter(q!(post__title = "Hello"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), [jane.id]);
    let typed = circular::Author::objects()
        .filter(circular::Author::fields().post().title().eq("World"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(typed.iter().map(|a| a.id).collect::<Vec<_>>(), [bob.id]);
    let posts = jane.post_set().all(&db).await.unwrap();
    assert_eq!(
        posts.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        ["Hello"]
    );
    // A misspelt reverse name is an UnknownField that suggests the right one.
    let err = expect_err(
        circular::Author::objects()
            .filter(q!(psot__title = "Hello"))
            .all(&db)
            .await,
        "an unknown field",
    );
    match &err {
        Error::UnknownField {
            model,
            name,
            candidates,
        } => {
            assert_eq!(model, "Author");
            assert_eq!(name, "psot");
            assert!(candidates.iter().any(|c| c == "post"), "{candidates:?}");
        }
        other => panic!("expected UnknownField, got {other:?}"),
    }
}

/// Seed "Best Practices": two relations to one model with distinct related names.
async fn best_practices_related_names(t: TestDb) {
    let db = t.db(editorial::registry()).await;
    let ann = editorial::User::build()
        .name("Ann")
        .create(&db)
        .await
        .unwrap();
    let ed = editorial::User::build()
        .name("Ed")
        .create(&db)
        .await
        .unwrap();
    let p1 = editorial::Post::build()
        .title("Ann's, edited by Ed")
        .author(&ann)
        .editor(&ed)
        .create(&db)
        .await
        .unwrap();
    editorial::Post::build()
        .title("Ed's, unedited")
        .author(&ed)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(ann.authored_posts().count(&db).await.unwrap(), 1);
    assert_eq!(ann.edited_posts().count(&db).await.unwrap(), 0);
    assert_eq!(ed.authored_posts().count(&db).await.unwrap(), 1);
    let edited = ed.edited_posts().all(&db).await.unwrap();
    assert_eq!(edited.iter().map(|p| p.id).collect::<Vec<_>>(), [p1.id]);
    assert_eq!(p1.editor.id(), Some(&ed.id));
    assert_eq!(p1.editor.get(&db).await.unwrap().unwrap().name, "Ed");
    // Both reverse names work in filters and reach different rows.
    let editors = editorial::User::objects()
        .filter(q!(edited_posts__title__icontains = "edited"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(editors.iter().map(|u| u.id).collect::<Vec<_>>(), [ed.id]);
    let authors_of_edited = editorial::User::objects()
        .filter(q!(authored_posts__editor = &ed))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        authors_of_edited.iter().map(|u| u.id).collect::<Vec<_>>(),
        [ann.id]
    );
    // Deleting the editor keeps the post (SET_NULL); deleting the author removes it (CASCADE).
    ed.delete(&db).await.unwrap();
    let p1 = editorial::Post::objects()
        .get(&db, q!(id = p1.id))
        .await
        .unwrap();
    assert!(p1.editor.is_none());
    assert_eq!(*p1.author.id(), ann.id);
    assert_eq!(table_rows(&db, "posts").await, 1);
    ann.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 0);
}

backend_tests!(
    foreign_key_definition,
    foreign_key_options_defaults,
    foreign_key_forward_access,
    foreign_key_reverse_access,
    reverse_count_is_one_count_query,
    creating_with_foreign_key,
    querying_relations,
    querying_relations_default_reverse_name,
    reverse_relation_isnull_and_in,
    best_practices_related_names,
);
