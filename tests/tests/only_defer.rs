//! Columns on demand: `only([..])` and `defer([..])` read `Partial<M>` rows, whose SELECT
//! carries only the columns asked for (the primary key always), and whose deferred fields
//! answer `Error::DeferredField` naming the model and the field, never a default. On every
//! backend, the SQL checked and the answers compared with hand-written SQL.

use aksara::{q, Db, Error, Model, Partial, Value};
use aksara_tests::models::blog::{registry, Category, Post, User};
use aksara_tests::{backend_tests, Backend, TestDb};
use uuid::Uuid;

struct Blog {
    db: Db,
    jane: User,
    posts: Vec<Post>,
}

/// Jane's three posts, one filed in a category.
async fn blog(t: &TestDb) -> Blog {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let rust = Category::build()
        .name("Rust")
        .slug("rust")
        .create(&db)
        .await
        .unwrap();
    let mut posts = Vec::new();
    for (title, content, published) in [
        ("beta", "the second body", true),
        ("alpha", "the first body", false),
        ("gamma", "the third body", true),
    ] {
        let mut post = Post::build()
            .title(title)
            .content(content)
            .published(published)
            .author(&jane);
        if title == "alpha" {
            post = post.category(&rust);
        }
        posts.push(post.create(&db).await.unwrap());
    }
    Blog { db, jane, posts }
}

/// Text as raw SQL reads it (MySQL hands over binary-collated text as bytes).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8(b.clone()).expect("utf-8"),
        other => panic!("not text: {other:?}"),
    }
}

async fn column(db: &Db, sql: &str, binds: Vec<Value>) -> Vec<String> {
    db.raw(sql, binds)
        .await
        .unwrap()
        .into_iter()
        .map(|r| text(&r[0]))
        .collect()
}

/// `"name"` or `` `name` `` as the backend quotes it.
fn quoted(t: &TestDb, name: &str) -> String {
    match t.backend() {
        Backend::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

fn is_deferred(e: &Error, field: &str) -> bool {
    matches!(e, Error::DeferredField { model, field: f } if model == "Post" && f == field)
}

async fn only_selects_the_named_columns(t: TestDb) {
    let b = blog(&t).await;
    let db = &b.db;
    db.record_sql();
    let rows: Vec<Partial<Post>> = Post::objects()
        .only(["id", "title"])
        .order_by(["title"])
        .all(db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    let (id, title, posts) = (quoted(&t, "id"), quoted(&t, "title"), quoted(&t, "posts"));
    assert_eq!(
        sql,
        [format!(
            "SELECT t0.{id}, t0.{title} FROM {posts} AS t0 ORDER BY t0.{title} ASC"
        )]
    );
    let expected = column(db, "SELECT title FROM posts ORDER BY title", vec![]).await;
    let titles: Vec<String> = rows
        .iter()
        .map(|p| p.get(Post::fields().title()).unwrap())
        .collect();
    assert_eq!(titles, expected);
    assert_eq!(expected, ["alpha", "beta", "gamma"]);
    // The key of each row, and a typed error for every field not read.
    let alpha = &rows[0];
    let original = b.posts.iter().find(|p| p.title == "alpha").unwrap();
    assert_eq!(alpha.pk(), &original.id);
    let e = alpha.get(Post::fields().content()).unwrap_err();
    assert!(is_deferred(&e, "content"), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Post.content was not loaded: the query deferred it (only / defer); load it with \
         `load(&db)` or read it in the query"
    );
    for field in ["published", "author", "category", "created_at"] {
        let e = alpha.value(field).unwrap_err();
        assert!(is_deferred(&e, field), "{e:?}");
        assert!(!alpha.is_loaded(field));
    }
    assert!(alpha.is_loaded("title") && alpha.is_loaded("id"));
    assert_eq!(
        alpha.deferred().collect::<Vec<_>>(),
        ["content", "published", "author", "category", "created_at"]
    );
    let e = alpha.clone().into_model().unwrap_err();
    assert!(is_deferred(&e, "content"), "{e:?}");
    // Without the key named, the key is read all the same.
    db.record_sql();
    let first = Post::objects()
        .only(["title"])
        .order_by(["-title"])
        .first(db)
        .await
        .unwrap()
        .unwrap();
    let sql = db.recorded_sql();
    assert!(
        sql[0].starts_with(&format!("SELECT t0.{id}, t0.{title} FROM")),
        "{}",
        sql[0]
    );
    assert_eq!(first.try_get::<String>("title").unwrap(), "gamma");
    // An unknown name of a field that exists is an UnknownField on read.
    let e = first.value("titel").unwrap_err();
    assert!(
        matches!(&e, Error::UnknownField { candidates, .. } if candidates.contains(&"title".to_string()))
    );
}

async fn defer_leaves_the_column_out(t: TestDb) {
    let b = blog(&t).await;
    let db = &b.db;
    db.record_sql();
    let rows = Post::objects()
        .filter(q!(published = true))
        .defer(["content"])
        .order_by(["title"])
        .all(db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    let content = quoted(&t, "content");
    assert!(!sql[0].contains(&content), "{}", sql[0]);
    assert!(sql[0].contains(&quoted(&t, "created_at")), "{}", sql[0]);
    let expected = column(
        db,
        "SELECT title FROM posts WHERE published = {} ORDER BY title",
        vec![true.into()],
    )
    .await;
    let titles: Vec<String> = rows
        .iter()
        .map(|p| p.get(Post::fields().title()).unwrap())
        .collect();
    assert_eq!(titles, expected);
    assert_eq!(expected, ["beta", "gamma"]);
    let beta = &rows[0];
    assert!(beta.try_get::<bool>("published").unwrap());
    assert_eq!(beta.try_get::<Uuid>("author").unwrap(), b.jane.id);
    assert_eq!(beta.try_get::<Uuid>("author_id").unwrap(), b.jane.id);
    assert_eq!(beta.try_get::<Option<Uuid>>("category").unwrap(), None);
    let e = beta.try_get::<String>("content").unwrap_err();
    assert!(is_deferred(&e, "content"), "{e:?}");
    // load() reads the deferred column, and only it, and gives the whole model.
    db.record_sql();
    let whole: Post = beta.load(db).await.unwrap();
    let sql = db.recorded_sql();
    assert_eq!(sql.len(), 1);
    assert!(
        sql[0].starts_with(&format!(
            "SELECT t0.{}, t0.{content} FROM",
            quoted(&t, "id")
        )),
        "{}",
        sql[0]
    );
    let body = column(
        db,
        "SELECT content FROM posts WHERE title = {}",
        vec!["beta".into()],
    )
    .await;
    assert_eq!(whole.content, body[0]);
    assert_eq!(whole.title, "beta");
    assert_eq!(whole.author.id(), &b.jane.id);
    // A NULL that was read is a value, not a deferred field.
    let alpha = Post::objects()
        .only(["category"])
        .get(db, q!(title = "alpha"))
        .await
        .unwrap();
    let filed = alpha.try_get::<Option<Uuid>>("category").unwrap();
    assert!(filed.is_some());
    let gamma = Post::objects()
        .only(["category"])
        .get(db, q!(title = "gamma"))
        .await
        .unwrap();
    assert_eq!(gamma.try_get::<Option<Uuid>>("category").unwrap(), None);
    assert!(is_deferred(
        &gamma.try_get::<String>("title").unwrap_err(),
        "title"
    ));
    // Nothing deferred: the whole model, no query.
    let all = Post::objects()
        .defer(Vec::<&str>::new())
        .get(db, q!(title = "gamma"))
        .await
        .unwrap();
    let before = db.query_count();
    let model = all.load(db).await.unwrap();
    assert_eq!(db.query_count(), before);
    assert_eq!(model.content, "the third body");
}

async fn chained_choices_and_the_rest_of_the_queryset(t: TestDb) {
    let b = blog(&t).await;
    let db = &b.db;
    let id = quoted(&t, "id");
    let title = quoted(&t, "title");
    // defer adds up; only replaces; defer after only takes from it.
    let cases: [(aksara::QuerySet<Partial<Post>>, Vec<&str>); 4] = [
        (
            Post::objects().defer(["content"]).defer(["created_at"]),
            vec!["id", "title", "published", "author_id", "category_id"],
        ),
        (
            Post::objects().defer(["content"]).only(["title"]),
            vec!["id", "title"],
        ),
        (
            Post::objects()
                .only(["title", "published"])
                .defer(["published"]),
            vec!["id", "title"],
        ),
        (Post::objects().only(["title"]).defer(["title"]), vec!["id"]),
    ];
    for (queryset, columns) in cases {
        db.record_sql();
        let rows = queryset.all(db).await.unwrap();
        let sql = db.recorded_sql();
        let list = columns
            .iter()
            .map(|c| format!("t0.{}", quoted(&t, c)))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            sql[0].starts_with(&format!("SELECT {list} FROM")),
            "{} for {columns:?}",
            sql[0]
        );
        assert_eq!(rows.len(), 3);
    }
    // A condition and an order on a column not read.
    db.record_sql();
    let rows = Post::objects()
        .only(["title"])
        .filter(q!(content__contains = "t"))
        .exclude(q!(content__startswith = "the second"))
        .order_by(["-content"])
        .all(db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert!(sql[0].starts_with(&format!("SELECT t0.{id}, t0.{title} FROM")));
    let expected = column(
        db,
        "SELECT title FROM posts WHERE content LIKE {} AND content NOT LIKE {} \
         ORDER BY content DESC",
        vec!["%t%".into(), "the second%".into()],
    )
    .await;
    let titles: Vec<String> = rows.iter().map(|p| p.try_get("title").unwrap()).collect();
    assert_eq!(titles, expected);
    assert_eq!(expected, ["gamma", "alpha"]);
    // count, exists, get_by_pk, in_bulk, distinct, slices.
    let partial = Post::objects().only(["title"]);
    assert_eq!(partial.count(db).await.unwrap(), 3);
    assert!(partial.filter(q!(title = "beta")).exists(db).await.unwrap());
    let beta = b.posts.iter().find(|p| p.title == "beta").unwrap();
    let one = partial.get_by_pk(db, beta.id).await.unwrap();
    assert_eq!(one.get(Post::fields().title()).unwrap(), "beta");
    let keys: Vec<Uuid> = b.posts.iter().map(|p| p.id).collect();
    let by_key = partial.in_bulk(db, keys.clone()).await.unwrap();
    assert_eq!(by_key.len(), 3);
    for post in &b.posts {
        assert_eq!(
            by_key[&post.id].get(Post::fields().title()).unwrap(),
            post.title
        );
    }
    let page = partial
        .distinct()
        .order_by(["title"])
        .limit(1)
        .offset(1)
        .all(db)
        .await
        .unwrap();
    assert_eq!(page[0].get(Post::fields().title()).unwrap(), "beta");
    // Locked partial rows in a transaction.
    let locked = db
        .transaction(|tx| async move {
            Post::objects()
                .only(["title"])
                .filter(q!(title = "gamma"))
                .select_for_update()
                .of(["self"])
                .all(&tx)
                .await
        })
        .await
        .unwrap();
    assert_eq!(locked.len(), 1);
    // update and delete through a partial queryset.
    let changed = partial
        .filter(q!(title = "alpha"))
        .update(db, [("published", true)])
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let published = column(
        db,
        "SELECT title FROM posts WHERE published = {} ORDER BY title",
        vec![true.into()],
    )
    .await;
    assert_eq!(published, ["alpha", "beta", "gamma"]);
    let deleted = partial
        .filter(q!(title = "gamma"))
        .delete(db)
        .await
        .unwrap();
    assert_eq!(deleted.of("Post"), 1);
    assert_eq!(
        column(db, "SELECT title FROM posts ORDER BY title", vec![]).await,
        ["alpha", "beta"]
    );
}

async fn mistakes_are_refused_before_any_sql(t: TestDb) {
    let b = blog(&t).await;
    let db = &b.db;
    db.record_sql();
    let unknown = Post::objects().only(["titel"]).all(db).await.unwrap_err();
    assert!(
        matches!(&unknown, Error::UnknownField { model, name, candidates }
            if model == "Post" && name == "titel" && candidates.contains(&"title".to_string())),
        "{unknown:?}"
    );
    let config = |e: Error, needle: &str| {
        assert!(
            matches!(&e, Error::Config(m) if m[0].contains(needle)),
            "{e} should say {needle}"
        );
    };
    config(
        Post::objects()
            .only(["author__name"])
            .all(db)
            .await
            .unwrap_err(),
        "name fields of Post itself",
    );
    config(
        Post::objects().defer(["tags"]).all(db).await.unwrap_err(),
        "`tags` is a to-many relation",
    );
    config(
        Post::objects().defer(["id"]).all(db).await.unwrap_err(),
        "the primary key is always read",
    );
    config(
        Post::objects()
            .select_related(["author"])
            .only(["title"])
            .all(db)
            .await
            .unwrap_err(),
        "select_related is not available with only / defer",
    );
    config(
        Post::objects()
            .only(["title"])
            .prefetch_related(["tags"])
            .all(db)
            .await
            .unwrap_err(),
        "prefetch_related is not available with only / defer",
    );
    assert_eq!(db.recorded_sql(), Vec::<String>::new(), "no SQL ran");
}

backend_tests!(
    only_selects_the_named_columns,
    defer_leaves_the_column_out,
    chained_choices_and_the_rest_of_the_queryset,
    mistakes_are_refused_before_any_sql,
);
