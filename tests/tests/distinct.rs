//! `distinct()`, `distinct_on(..)` (PostgreSQL) and `in_bulk(..)`, on every backend, each
//! answer compared with a hand-written SQL query on the same data.

use aksara::{q, value_list, Db, Error, Model, Registry, Value};
use aksara_tests::models::blog::{self, Post, Tag, User};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::collections::HashMap;
use std::sync::Arc;

/// A row with a key the database assigns.
#[derive(Model, Debug, Clone)]
#[aksara(table = "items")]
pub struct Item {
    pub id: i64,
    #[aksara(max_length = 30)]
    pub name: String,
}

fn items_registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Item>()
        .build()
        .expect("valid models")
}

/// Three authors (Cleo has no post), five posts with tags.
async fn blog(t: &TestDb) -> Db {
    let db = t.db(blog::registry()).await;
    let mut users = HashMap::new();
    for (name, email) in [
        ("Zoe", "zoe@example.com"),
        ("Ann", "ann@example.com"),
        ("Cleo", "cleo@example.com"),
    ] {
        let user = User::build()
            .email(email)
            .name(name)
            .create(&db)
            .await
            .unwrap();
        users.insert(name, user);
    }
    let mut tags = HashMap::new();
    for name in ["tokio", "tower", "serde"] {
        let tag = Tag::build()
            .name(name)
            .slug(name)
            .create(&db)
            .await
            .unwrap();
        tags.insert(name, tag);
    }
    for (title, author, published, tagged) in [
        ("b-zoe", "Zoe", true, &["tokio", "tower"][..]),
        ("a-zoe", "Zoe", false, &["tokio"][..]),
        ("c-ann", "Ann", true, &["tower", "serde"][..]),
        ("a-ann", "Ann", true, &["serde"][..]),
        ("d-ann", "Ann", false, &[][..]),
    ] {
        let post = Post::build()
            .title(title)
            .content("...")
            .published(published)
            .author(&users[author])
            .create(&db)
            .await
            .unwrap();
        let linked: Vec<&Tag> = tagged.iter().map(|t| &tags[t]).collect();
        post.tags().add(&db, linked).await.unwrap();
    }
    db
}

/// Text as raw SQL reads it (MySQL hands over binary-collated text as bytes).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8(b.clone()).expect("utf-8"),
        other => panic!("not text: {other:?}"),
    }
}

async fn texts(db: &Db, sql: &str, binds: Vec<Value>) -> Vec<String> {
    db.raw(sql, binds)
        .await
        .unwrap()
        .into_iter()
        .map(|r| text(&r[0]))
        .collect()
}

async fn number(db: &Db, sql: &str, binds: Vec<Value>) -> u64 {
    db.raw(sql, binds).await.unwrap()[0][0].as_i64().unwrap() as u64
}

fn titles(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| p.title.clone()).collect()
}

/// The posts with a tag starting with `t`, by author name and title: through the junction
/// each post appears once per such tag, DISTINCT makes it once.
const TAGGED_T: &str = "SELECT DISTINCT p.title, u.name FROM posts p \
     JOIN users u ON u.id = p.author_id \
     JOIN post_tags pt ON pt.post_id = p.id JOIN tags t ON t.id = pt.tag_id \
     WHERE t.name LIKE {} ORDER BY u.name, p.title";

async fn distinct_ordered_by_a_joined_column(t: TestDb) {
    let db = blog(&t).await;
    let tagged = Post::objects()
        .filter(q!(tags__name__startswith = "t"))
        .distinct()
        .order_by(["author__name", "title"]);
    db.record_sql();
    let posts = tagged.all(&db).await.unwrap();
    let sql = db.recorded_sql();
    let expected = texts(&db, TAGGED_T, vec!["t%".into()]).await;
    assert_eq!(titles(&posts), expected);
    assert_eq!(expected, ["c-ann", "a-zoe", "b-zoe"]);
    // The ordering column is selected, as PostgreSQL and MySQL 8 require of a DISTINCT.
    let q = |s: &str| match t.backend() {
        Backend::Mysql => format!("`{s}`"),
        _ => format!("\"{s}\""),
    };
    assert!(sql[0].starts_with("SELECT DISTINCT t0."), "{}", sql[0]);
    let extra = format!(".{} FROM", q("name"));
    assert!(sql[0].contains(&extra), "{}", sql[0]);
    // count() counts the distinct rows.
    let counted = tagged.count(&db).await.unwrap();
    let raw_count = number(
        &db,
        &format!("SELECT COUNT(*) FROM ({TAGGED_T}) AS x").replace(" ORDER BY u.name, p.title", ""),
        vec!["t%".into()],
    )
    .await;
    assert_eq!(counted, raw_count);
    assert_eq!(counted, 3);
    // Sliced, and with the author selected too (its column then appears twice).
    let page = tagged
        .select_related(["author"])
        .limit(2)
        .offset(1)
        .all(&db)
        .await
        .unwrap();
    let expected = texts(
        &db,
        &TAGGED_T.replace(
            "ORDER BY u.name, p.title",
            "ORDER BY u.name, p.title LIMIT 2 OFFSET 1",
        ),
        vec!["t%".into()],
    )
    .await;
    assert_eq!(titles(&page), expected);
    assert_eq!(page[0].author.loaded().unwrap().name, "Zoe");
    // Descending order on a joined column, with a condition on it.
    let desc = Post::objects()
        .filter(q!(author__name__in = value_list(["Ann", "Zoe"])))
        .distinct()
        .order_by(["-author__name", "-title"])
        .all(&db)
        .await
        .unwrap();
    let expected = texts(
        &db,
        "SELECT DISTINCT p.title, u.name FROM posts p JOIN users u ON u.id = p.author_id \
         WHERE u.name IN ({}, {}) ORDER BY u.name DESC, p.title DESC",
        vec!["Ann".into(), "Zoe".into()],
    )
    .await;
    assert_eq!(titles(&desc), expected);
    assert_eq!(desc.len(), 5);
    // Distinct users with a published post, by name: the to-many condition never repeats.
    let authors: Vec<String> = User::objects()
        .filter(q!(posts__published = true))
        .distinct()
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    let expected = texts(
        &db,
        "SELECT DISTINCT u.name FROM users u JOIN posts p ON p.author_id = u.id \
         WHERE p.published = {} ORDER BY u.name",
        vec![true.into()],
    )
    .await;
    assert_eq!(authors, expected);
    assert_eq!(authors, ["Ann", "Zoe"]);
    // Existence does not change.
    assert!(tagged.exists(&db).await.unwrap());
}

async fn distinct_on_is_postgres_only(t: TestDb) {
    let db = blog(&t).await;
    let first_of_each = Post::objects()
        .distinct_on(["author"])
        .order_by(["author", "title"]);
    if t.backend() != Backend::Postgres {
        db.record_sql();
        let errors = [
            first_of_each.all(&db).await.unwrap_err(),
            first_of_each.count(&db).await.unwrap_err(),
            first_of_each.exists(&db).await.unwrap_err(),
        ];
        assert_eq!(db.recorded_sql(), Vec::<String>::new(), "no SQL ran");
        let backend = t.backend().name();
        for e in errors {
            assert!(
                matches!(&e, Error::Config(m) if m[0].contains("available on PostgreSQL only")
                    && m[0].contains(&format!("{backend} has no SELECT DISTINCT ON"))),
                "{e}"
            );
        }
    } else {
        let posts = first_of_each.all(&db).await.unwrap();
        let expected = texts(
            &db,
            "SELECT DISTINCT ON (author_id) title FROM posts ORDER BY author_id, title",
            vec![],
        )
        .await;
        assert_eq!(titles(&posts), expected);
        assert_eq!(posts.len(), 2);
        let counted = first_of_each.count(&db).await.unwrap();
        let raw = number(&db, "SELECT COUNT(DISTINCT author_id) FROM posts", vec![]).await;
        assert_eq!(counted, raw);
        // On a joined path, the latest title of each author name, published only.
        let latest = Post::objects()
            .filter(q!(published = true))
            .distinct_on(["author__name"])
            .order_by(["author__name", "-title"])
            .all(&db)
            .await
            .unwrap();
        let expected = texts(
            &db,
            "SELECT DISTINCT ON (u.name) p.title FROM posts p JOIN users u ON u.id = p.author_id \
             WHERE p.published = {} ORDER BY u.name, p.title DESC",
            vec![true.into()],
        )
        .await;
        assert_eq!(titles(&latest), expected);
        assert_eq!(expected, ["c-ann", "b-zoe"]);
        // Without an order, one row per group (which one is the server's choice).
        let any = Post::objects()
            .distinct_on(["author"])
            .count(&db)
            .await
            .unwrap();
        assert_eq!(any, 2);
        // An order that does not start with the fields is refused with a clear error.
        let e = Post::objects()
            .distinct_on(["author"])
            .order_by(["title"])
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m[0].contains("ORDER BY to start with the same fields")),
            "{e}"
        );
        let e = Post::objects()
            .distinct_on(["tags"])
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m[0].contains("to-many")),
            "{e}"
        );
    }
    // Changing rows after distinct_on is refused everywhere.
    let e = first_of_each
        .update(&db, [("published", true)])
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Config(_)), "{e}");
    let e = first_of_each.delete(&db).await.unwrap_err();
    assert!(matches!(&e, Error::Config(_)), "{e}");
    assert_eq!(Post::objects().count(&db).await.unwrap(), 5);
}

async fn in_bulk_reads_rows_by_key(t: TestDb) {
    let db = t.db(items_registry()).await;
    let items = Item::objects()
        .bulk_create(
            &db,
            (1..=10).map(|i| Item::build().name(format!("item{i}"))),
        )
        .await
        .unwrap();
    let wanted = [items[2].id, items[5].id, items[2].id, 1_000_000];
    let found = Item::objects().in_bulk(&db, wanted).await.unwrap();
    let rows = db
        .raw(
            "SELECT id, name FROM items WHERE id IN ({}, {}, {}) ORDER BY id",
            [items[2].id.into(), items[5].id.into(), 1_000_000i64.into()],
        )
        .await
        .unwrap();
    assert_eq!(found.len(), rows.len());
    assert_eq!(found.len(), 2);
    for row in rows {
        let id = row[0].as_i64().unwrap();
        assert_eq!(found[&id].name, text(&row[1]));
    }
    // With the queryset's conditions.
    let odd = Item::objects()
        .filter(q!(name__in = value_list(["item1", "item3", "item6"])))
        .in_bulk(&db, items.iter().map(|i| i.id))
        .await
        .unwrap();
    let mut names: Vec<&str> = odd.values().map(|i| i.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["item1", "item3", "item6"]);
    // No key, no query.
    let before = db.query_count();
    assert!(Item::objects().in_bulk(&db, []).await.unwrap().is_empty());
    assert_eq!(db.query_count(), before);
    // A slice is refused.
    let e = Item::objects()
        .limit(3)
        .in_bulk(&db, [1])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m[0].contains("limit or offset")),
        "{e}"
    );
}

async fn in_bulk_with_relations(t: TestDb) {
    let db = blog(&t).await;
    let all = Post::objects().order_by(["title"]).all(&db).await.unwrap();
    let published = Post::objects()
        .filter(q!(published = true))
        .select_related(["author"])
        .prefetch_related(["tags"]);
    db.record_sql();
    let found = published
        .in_bulk(&db, all.iter().map(|p| p.id))
        .await
        .unwrap();
    assert_eq!(db.recorded_sql().len(), 2, "one query and one prefetch");
    let mut got: Vec<(String, String, usize)> = found
        .values()
        .map(|p| {
            (
                p.title.clone(),
                p.author.loaded().unwrap().name.clone(),
                p.tags.loaded().unwrap().len(),
            )
        })
        .collect();
    got.sort();
    let rows = db
        .raw(
            "SELECT p.title, u.name, (SELECT COUNT(*) FROM post_tags pt WHERE pt.post_id = p.id) \
             FROM posts p JOIN users u ON u.id = p.author_id WHERE p.published = {} \
             ORDER BY p.title",
            [true.into()],
        )
        .await
        .unwrap();
    let expected: Vec<(String, String, usize)> = rows
        .into_iter()
        .map(|r| (text(&r[0]), text(&r[1]), r[2].as_i64().unwrap() as usize))
        .collect();
    assert_eq!(got, expected);
    for post in &all {
        assert_eq!(found.contains_key(&post.id), post.published);
    }
}

async fn in_bulk_splits_keys_at_the_bind_limit(t: TestDb) {
    const KEYS: usize = 200_000;
    const ROWS: usize = 2_000;
    let db = t.db(items_registry()).await;
    Item::objects()
        .bulk_create(&db, (1..=ROWS).map(|i| Item::build().name(format!("n{i}"))))
        .await
        .unwrap();
    let stored = db
        .raw("SELECT id, name FROM items ORDER BY id", [])
        .await
        .unwrap();
    assert_eq!(stored.len(), ROWS);
    // Every key from 1 to 200,000 once, in an order that spreads the stored ones over every
    // statement (7919 is prime, so i * 7919 mod 200,000 is a permutation).
    let keys: Vec<i64> = (0..KEYS as i64)
        .map(|i| (i * 7919) % KEYS as i64 + 1)
        .collect();
    db.record_sql();
    let found = Item::objects().in_bulk(&db, keys).await.unwrap();
    let statements = db.recorded_sql().len();
    let per_statement = aksara::compile::in_list_limit(db.dialect());
    assert_eq!(statements, KEYS.div_ceil(per_statement));
    match t.backend() {
        Backend::Postgres => assert_eq!(statements, 1, "one array parameter"),
        Backend::Mysql => assert_eq!(statements, 4),
        Backend::Sqlite => assert_eq!(statements, 7),
    }
    assert_eq!(found.len(), ROWS);
    for row in stored {
        let id = row[0].as_i64().unwrap();
        assert_eq!(found[&id].name, text(&row[1]));
    }
}

backend_tests!(
    distinct_ordered_by_a_joined_column,
    distinct_on_is_postgres_only,
    in_bulk_reads_rows_by_key,
    in_bulk_with_relations,
    in_bulk_splits_keys_at_the_bind_limit,
);
