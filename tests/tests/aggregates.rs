//! `annotate` and `aggregate` across relations, after Django's `tests/aggregation` and
//! `tests/annotations`: counts, sums, means, least and greatest values over reverse, forward
//! and many-to-many paths, distinct and conditional counts, conditions and order naming an
//! annotation, totals, and the refusals. Every answer is compared with a hand-written SQL
//! query on the same data, on every backend.

use aksara::{
    q, Avg, Condition, Count, Db, Error, Max, Min, Model, OuterRef, Registry, Subquery, Sum, Value,
};
use aksara_tests::{backend_tests, TestDb};
use std::collections::BTreeMap;
use std::sync::Arc;

mod models {
    use aksara::{ForeignKey, ManyToMany, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "ag_authors")]
    pub struct Author {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        pub related: aksara::Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "ag_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "ag_posts")]
    pub struct Post {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub title: String,
        pub views: i64,
        pub rating: f64,
        pub published: bool,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<Author>,
        #[aksara(related_name = "posts")]
        pub tags: ManyToMany<Tag>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "ag_awards")]
    pub struct Award {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "awards")]
        pub author: ForeignKey<Author>,
    }
}

use models::{Author, Award, Post, Tag};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Author>()
        .model::<Tag>()
        .model::<Post>()
        .model::<Award>()
        .build()
        .expect("valid models")
}

/// Ann: 3 posts (two published), 2 awards, tags on her posts rust+async, rust, none.
/// Bob: 1 post (tag db), no award. Cid: nothing.
async fn seed(t: &TestDb) -> Db {
    let db = t.db(registry()).await;
    let mut authors = BTreeMap::new();
    for name in ["Ann", "Bob", "Cid"] {
        let a = Author::build().name(name).create(&db).await.unwrap();
        authors.insert(name, a);
    }
    let mut tags = BTreeMap::new();
    for name in ["rust", "async", "db"] {
        tags.insert(name, Tag::build().name(name).create(&db).await.unwrap());
    }
    for (title, views, rating, published, author, tagged) in [
        ("a1", 10, 1.5, true, "Ann", &["rust", "async"][..]),
        ("a2", 20, 2.5, false, "Ann", &["rust"][..]),
        ("a3", 30, 4.0, true, "Ann", &[][..]),
        ("b1", 5, 3.0, true, "Bob", &["db"][..]),
    ] {
        let post = Post::build()
            .title(title)
            .views(views)
            .rating(rating)
            .published(published)
            .author(&authors[author])
            .create(&db)
            .await
            .unwrap();
        let linked: Vec<&Tag> = tagged.iter().map(|t| &tags[t]).collect();
        post.tags().add(&db, linked).await.unwrap();
    }
    for (name, author) in [("gold", "Ann"), ("silver", "Ann")] {
        Award::build()
            .name(name)
            .author(&authors[author])
            .create(&db)
            .await
            .unwrap();
    }
    db
}

/// Text as a backend reads it (MariaDB sends binary-collated text as bytes), through the
/// same conversion typed rows use.
fn text(value: &Value) -> String {
    <String as aksara::ColumnValue>::from_column(value.clone()).expect("text")
}

/// The integer column 1 of a hand-written query, by the text in column 0.
async fn by_name(db: &Db, sql: &str) -> BTreeMap<String, Option<i64>> {
    db.raw(sql, [])
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let n = match &r[1] {
                Value::Null => None,
                Value::I64(n) => Some(*n),
                Value::I32(n) => Some(i64::from(*n)),
                Value::String(s) => Some(s.parse().unwrap()),
                Value::Bytes(b) => Some(String::from_utf8(b.clone()).unwrap().parse().unwrap()),
                other => panic!("not a number: {other:?}"),
            };
            (text(&r[0]), n)
        })
        .collect()
}

async fn counts_across_relations(t: TestDb) {
    let db = seed(&t).await;
    let authors = Author::objects()
        .annotate("n_posts", Count::of("posts"))
        .annotate("n_awards", Count::of("awards"))
        .annotate("n_tags", Count::distinct("posts__tags"))
        .annotate("n_links", Count::of("posts__tags"))
        .annotate(
            "n_published",
            Count::of("posts").filter(q!(posts__published = true)),
        )
        .order_by(["name"]);
    let before = db.query_count();
    let rows = authors.all(&db).await.unwrap();
    assert_eq!(
        db.query_count() - before,
        1,
        "annotations are read in the same query"
    );
    let got = |name: &str| -> BTreeMap<String, Option<i64>> {
        rows.iter()
            .map(|a| (a.name.clone(), Some(a.get::<i64>(name).unwrap())))
            .collect()
    };
    let expected = [
        ("n_posts", "SELECT a.name, COUNT(p.id) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id GROUP BY a.name"),
        ("n_awards", "SELECT a.name, COUNT(w.id) FROM ag_authors a LEFT JOIN ag_awards w ON w.author_id = a.id GROUP BY a.name"),
        ("n_tags", "SELECT a.name, COUNT(DISTINCT l.tag_id) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id LEFT JOIN post_tags l ON l.post_id = p.id GROUP BY a.name"),
        ("n_links", "SELECT a.name, COUNT(l.tag_id) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id LEFT JOIN post_tags l ON l.post_id = p.id GROUP BY a.name"),
        ("n_published", "SELECT a.name, COUNT(p.id) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id AND p.published = TRUE GROUP BY a.name"),
    ];
    for (name, sql) in expected {
        assert_eq!(got(name), by_name(&db, sql).await, "{name}");
    }
    // Two to-many relations in one query do not multiply each other: Ann has 3 posts and 2
    // awards, not 6 of each.
    assert_eq!(rows[0].get::<i64>("n_posts").unwrap(), 3);
    assert_eq!(rows[0].get::<i64>("n_awards").unwrap(), 2);
    assert_eq!(rows[0].get::<i64>("n_tags").unwrap(), 2);
    assert_eq!(rows[0].get::<i64>("n_links").unwrap(), 3);
    assert_eq!(
        rows[2].get::<i64>("n_posts").unwrap(),
        0,
        "Cid has none: 0, not NULL"
    );
}

async fn sums_means_and_extremes(t: TestDb) {
    let db = seed(&t).await;
    let rows = Author::objects()
        .annotate("views", Sum::of("posts__views"))
        .annotate("mean", Avg::of("posts__views"))
        .annotate("rating", Sum::of("posts__rating"))
        .annotate("least", Min::of("posts__views"))
        .annotate("most", Max::of("posts__title"))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let sums = by_name(&db, "SELECT a.name, SUM(p.views) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id GROUP BY a.name").await;
    let mins = by_name(&db, "SELECT a.name, MIN(p.views) FROM ag_authors a LEFT JOIN ag_posts p ON p.author_id = a.id GROUP BY a.name").await;
    for a in &rows {
        assert_eq!(
            a.get::<Option<i64>>("views").unwrap(),
            sums[&a.name],
            "{}",
            a.name
        );
        assert_eq!(
            a.get::<Option<i64>>("least").unwrap(),
            mins[&a.name],
            "{}",
            a.name
        );
    }
    assert_eq!(rows[0].get::<Option<f64>>("mean").unwrap(), Some(20.0));
    assert_eq!(rows[0].get::<Option<f64>>("rating").unwrap(), Some(8.0));
    assert_eq!(
        rows[0].get::<Option<String>>("most").unwrap().as_deref(),
        Some("a3")
    );
    // Over no row: NULL, read as None, and an error (not 0) when read as a number.
    assert_eq!(rows[2].get::<Option<i64>>("views").unwrap(), None);
    assert_eq!(rows[2].get::<Option<f64>>("mean").unwrap(), None);
    let err = rows[2].get::<i64>("views").unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    // A forward path: each post's author's award count.
    let posts = Post::objects()
        .annotate("author_awards", Count::of("author__awards"))
        .order_by(["title"])
        .all(&db)
        .await
        .unwrap();
    let per_post: Vec<(String, i64)> = posts
        .iter()
        .map(|p| (p.title.clone(), p.get::<i64>("author_awards").unwrap()))
        .collect();
    assert_eq!(
        per_post,
        [
            ("a1".into(), 2),
            ("a2".into(), 2),
            ("a3".into(), 2),
            ("b1".into(), 0)
        ]
    );
    // With select_related: the joined author and the annotation on one row, one query.
    let before = db.query_count();
    let posts = Post::objects()
        .annotate("n_tags", Count::of("tags"))
        .select_related(["author"])
        .order_by(["title"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    let got: Vec<(String, String, i64)> = posts
        .iter()
        .map(|p| {
            let author = p.author.loaded().expect("joined").name.clone();
            (p.title.clone(), author, p.get::<i64>("n_tags").unwrap())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a1".into(), "Ann".into(), 2),
            ("a2".into(), "Ann".into(), 1),
            ("a3".into(), "Ann".into(), 0),
            ("b1".into(), "Bob".into(), 1)
        ]
    );
    // From the many-to-many's other side: posts per tag, and their views.
    let tags = Tag::objects()
        .annotate("n", Count::of("posts"))
        .annotate("views", Sum::of("posts__views"))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let got: Vec<(String, i64, Option<i64>)> = tags
        .iter()
        .map(|t| (t.name.clone(), t.get("n").unwrap(), t.get("views").unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("async".into(), 1, Some(10)),
            ("db".into(), 1, Some(5)),
            ("rust".into(), 2, Some(30))
        ]
    );
}

async fn conditions_and_order_name_annotations(t: TestDb) {
    let db = seed(&t).await;
    let annotated = Author::objects().annotate("n_posts", Count::of("posts"));
    let some = annotated.filter(q!(n_posts__gt = 0)).order_by(["-n_posts"]);
    let names: Vec<String> = some
        .all(&db)
        .await
        .unwrap()
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let expected: Vec<String> = db
        .raw(
            "SELECT a.name FROM ag_authors a WHERE (SELECT COUNT(*) FROM ag_posts p WHERE p.author_id = a.id) > 0 \
             ORDER BY (SELECT COUNT(*) FROM ag_posts p WHERE p.author_id = a.id) DESC",
            [],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    assert_eq!(names, expected);
    assert_eq!(names, ["Ann", "Bob"]);
    assert_eq!(some.count(&db).await.unwrap(), 2);
    assert!(annotated.filter(q!(n_posts = 3)).exists(&db).await.unwrap());
    assert!(!annotated
        .filter(q!(n_posts__gte = 4))
        .exists(&db)
        .await
        .unwrap());
    let none = annotated
        .exclude(q!(n_posts__gt = 0))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        none.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Cid"]
    );
    // Combined with an ordinary condition, a limit, and prefetch on the annotated rows.
    let before = db.query_count();
    let top = annotated
        .filter(q!(name__startswith = "A") | q!(n_posts = 1))
        .order_by(["n_posts"])
        .prefetch_related(["awards"])
        .limit(5)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    let got: Vec<(String, usize)> = top
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                a.related.many::<Award>("awards").unwrap().len(),
            )
        })
        .collect();
    assert_eq!(got, [("Bob".into(), 0), ("Ann".into(), 2)]);
    // update() and delete() take the rows an annotation selects.
    let idle = annotated.filter(q!(n_posts = 0));
    assert_eq!(idle.update(&db, [("name", "Idle")]).await.unwrap(), 1);
    assert!(Author::objects()
        .filter(q!(name = "Idle"))
        .exists(&db)
        .await
        .unwrap());
    let deleted = idle.delete(&db).await.unwrap();
    assert_eq!(deleted.total, 1);
    assert_eq!(Author::objects().count(&db).await.unwrap(), 2);
}

async fn aggregate_totals(t: TestDb) {
    let db = seed(&t).await;
    let totals = Author::objects()
        .aggregate(
            &db,
            [
                ("authors", Count::of("id")),
                ("posts", Count::of("posts")),
                ("awards", Count::of("awards")),
                ("views", Sum::of("posts__views")),
                ("tags", Count::distinct("posts__tags")),
            ],
        )
        .await
        .unwrap();
    let raw = |sql: &'static str| {
        let db = db.clone();
        async move { db.raw(sql, []).await.unwrap()[0][0].as_i64() }
    };
    assert_eq!(totals.get::<i64>("authors").unwrap(), 3);
    assert_eq!(
        Some(totals.get::<i64>("posts").unwrap()),
        raw("SELECT COUNT(*) FROM ag_posts").await
    );
    assert_eq!(totals.get::<i64>("awards").unwrap(), 2);
    assert_eq!(totals.get::<Option<i64>>("views").unwrap(), Some(65));
    assert_eq!(
        Some(totals.get::<i64>("tags").unwrap()),
        raw("SELECT COUNT(DISTINCT tag_id) FROM post_tags").await
    );
    // Over the rows a query selects, conditions on annotations included.
    let busy = Author::objects()
        .annotate("n_posts", Count::of("posts"))
        .filter(q!(n_posts__gte = 1))
        .aggregate(
            &db,
            [
                ("authors", Count::of("id")),
                ("views", Sum::of("posts__views")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(busy.get::<i64>("authors").unwrap(), 2);
    assert_eq!(busy.get::<Option<i64>>("views").unwrap(), Some(65));
    // Over no row: a count of 0, a sum of None.
    let empty = Author::objects()
        .filter(q!(name = "nobody"))
        .aggregate(
            &db,
            [
                ("n", Count::of("posts")),
                ("views", Sum::of("posts__views")),
                ("mean", Avg::of("posts__rating")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(empty.get::<i64>("n").unwrap(), 0);
    assert_eq!(empty.get::<Option<i64>>("views").unwrap(), None);
    assert_eq!(empty.get::<Option<f64>>("mean").unwrap(), None);
    let unknown = empty.get::<i64>("nope").unwrap_err();
    assert!(unknown.to_string().contains("nope"), "{unknown}");
}

async fn refusals(t: TestDb) {
    let db = seed(&t).await;
    let message = |e: Error| e.to_string();
    let cases = [
        (
            Author::objects().annotate("name", Count::of("posts")),
            "already a field",
        ),
        (
            Author::objects().annotate("posts", Count::of("posts")),
            "already a field",
        ),
        (
            Author::objects().annotate("a__b", Count::of("posts")),
            "no `__`",
        ),
        (
            Author::objects().annotate("s", Sum::of("posts__title")),
            "a sum needs a number field",
        ),
        (
            Author::objects().annotate("s", Avg::of("posts")),
            "names a relation",
        ),
        (
            Author::objects().annotate("s", Count::of("posts__nope")),
            "nope",
        ),
        (
            Author::objects().annotate("s", Max::of("posts__views__gt")),
            "not a lookup",
        ),
        (
            Author::objects()
                .annotate("n", Count::of("posts"))
                .annotate("n", Count::of("awards")),
            "already a field",
        ),
    ];
    for (qs, expected) in cases {
        let before = db.query_count();
        let err = message(qs.all(&db).await.unwrap_err());
        assert!(err.contains(expected), "{err} should say {expected}");
        assert_eq!(db.query_count(), before, "refused before any SQL: {err}");
    }
    let unknown = Author::objects()
        .annotate("n", Count::of("posts"))
        .filter(q!(m__gt = 1))
        .all(&db)
        .await
        .unwrap_err();
    assert!(unknown.to_string().contains('m'), "{unknown}");
    let mut stream = Author::objects()
        .annotate("n", Count::of("posts"))
        .stream(&db);
    let first = std::future::poll_fn(|cx| {
        aksara::stream::Stream::poll_next(std::pin::Pin::new(&mut stream), cx)
    })
    .await;
    assert!(message(first.unwrap().unwrap_err()).contains("stream()"));
}

/// The rows of a values query as (text of `key`, integer `n`) pairs.
fn pairs(rows: &[aksara::Values], key: &str, n: &str) -> BTreeMap<String, Option<i64>> {
    rows.iter()
        .map(|r| {
            let key = r
                .get::<Option<String>>(key)
                .unwrap()
                .unwrap_or_else(|| "NULL".into());
            (key, r.get::<Option<i64>>(n).unwrap())
        })
        .collect()
}

async fn values_grouped_by_paths(t: TestDb) {
    let db = seed(&t).await;
    // Posts per author name, with their views: GROUP BY across a forward relation.
    let per_author = Post::objects()
        .values(["author__name"])
        .annotate("n", Count::of("id"))
        .annotate("views", Sum::of("views"))
        .order_by(["author__name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        pairs(&per_author, "author__name", "n"),
        by_name(&db, "SELECT a.name, COUNT(*) FROM ag_posts p JOIN ag_authors a ON a.id = p.author_id GROUP BY a.name").await
    );
    assert_eq!(
        pairs(&per_author, "author__name", "views"),
        by_name(&db, "SELECT a.name, SUM(p.views) FROM ag_posts p JOIN ag_authors a ON a.id = p.author_id GROUP BY a.name").await
    );
    let names: Vec<String> = per_author
        .iter()
        .map(|r| r.get::<String>("author__name").unwrap())
        .collect();
    assert_eq!(names, ["Ann", "Bob"], "ordered by a value");
    // The tag-count endpoint: posts per tag, text as text on every backend.
    let tag_counts = Tag::objects()
        .values(["name"])
        .annotate("n", Count::of("posts"))
        .order_by(["-n", "name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        pairs(&tag_counts, "name", "n"),
        by_name(&db, "SELECT t.name, COUNT(l.post_id) FROM ag_tags t LEFT JOIN post_tags l ON l.tag_id = t.id GROUP BY t.name").await
    );
    assert_eq!(tag_counts[0].get::<String>("name").unwrap(), "rust");
    // Conditions: on rows before grouping, and on an annotation (the groups).
    let busy = Post::objects()
        .filter(q!(published = true))
        .values(["author__name"])
        .annotate("n", Count::of("id"))
        .filter(q!(n__gte = 2));
    let rows = busy.all(&db).await.unwrap();
    assert_eq!(
        pairs(&rows, "author__name", "n"),
        BTreeMap::from([("Ann".to_string(), Some(2))])
    );
    assert_eq!(
        busy.count(&db).await.unwrap(),
        1,
        "count() counts the groups"
    );
    assert!(busy.exists(&db).await.unwrap());
    // Grouping by a to-many path: one group per tag name, the untagged post in the NULL one.
    let per_tag = Post::objects()
        .values(["tags__name"])
        .annotate("n", Count::of("id"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        pairs(&per_tag, "tags__name", "n"),
        by_name(&db, "SELECT COALESCE(t.name, 'NULL'), COUNT(p.id) FROM ag_posts p LEFT JOIN post_tags l ON l.post_id = p.id LEFT JOIN ag_tags t ON t.id = l.tag_id GROUP BY t.name").await
    );
    // A conditional aggregate per group.
    let published = Author::objects()
        .values(["name"])
        .annotate("n", Count::of("posts").filter(q!(posts__published = true)))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        pairs(&published, "name", "n"),
        BTreeMap::from([
            ("Ann".into(), Some(2)),
            ("Bob".into(), Some(1)),
            ("Cid".into(), Some(0))
        ])
    );
    // Without annotations: one row per row.
    let plain = Post::objects()
        .filter(q!(views__gt = 5))
        .values(["title", "author__name", "views"])
        .order_by(["-views"])
        .all(&db)
        .await
        .unwrap();
    let got: Vec<(String, String, i64)> = plain
        .iter()
        .map(|r| {
            (
                r.get("title").unwrap(),
                r.get("author__name").unwrap(),
                r.get("views").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a3".into(), "Ann".into(), 30),
            ("a2".into(), "Ann".into(), 20),
            ("a1".into(), "Ann".into(), 10)
        ]
    );
}

async fn values_refusals(t: TestDb) {
    let db = seed(&t).await;
    let cases = [
        (
            Author::objects()
                .values(["name"])
                .annotate("p", Count::of("posts"))
                .annotate("w", Count::of("awards")),
            "follow different to-many relations",
        ),
        (
            Author::objects()
                .values(["name"])
                .annotate("p", Sum::of("posts__views"))
                .annotate("w", Max::of("awards__name")),
            "follow different to-many relations",
        ),
        (
            Author::objects()
                .values(["name"])
                .annotate("p", Count::of("posts"))
                .order_by(["id"]),
            "order by one of its values",
        ),
        (
            // A deeper join, even for a distinct count, repeats each post once per tag.
            Author::objects()
                .values(["name"])
                .annotate("p", Count::of("posts"))
                .annotate("t", Count::distinct("posts__tags")),
            "follow different to-many relations",
        ),
        (Author::objects().values(["nope"]), "nope"),
        (Author::objects().values(["name", "name"]), "named twice"),
    ];
    for (qs, expected) in cases {
        let before = db.query_count();
        let err = qs.all(&db).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{err} should say {expected}");
        assert_eq!(db.query_count(), before, "refused before any SQL: {err}");
    }
    // Same path, or a path on the way to it: allowed.
    let ok = Author::objects()
        .values(["name"])
        .annotate("p", Count::of("posts"))
        .annotate("v", Sum::of("posts__views"))
        .annotate("m", Max::of("posts__title"))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(ok[0].get::<i64>("p").unwrap(), 3);
    assert_eq!(ok[0].get::<Option<i64>>("v").unwrap(), Some(60));
    assert_eq!(
        ok[0].get::<Option<String>>("m").unwrap().as_deref(),
        Some("a3")
    );
}

async fn in_subqueries(t: TestDb) {
    let db = seed(&t).await;
    let a_authors = Author::objects()
        .filter(q!(name__startswith = "A"))
        .values(["id"]);
    let before = db.query_count();
    let posts = Post::objects()
        .filter(q!(author__in = a_authors.clone()))
        .order_by(["title"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        1,
        "one statement, the subquery inside it"
    );
    let expected: Vec<String> = db
        .raw(
            "SELECT title FROM ag_posts WHERE author_id IN (SELECT id FROM ag_authors WHERE name LIKE 'A%') ORDER BY title",
            [],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    let titles: Vec<String> = posts.iter().map(|p| p.title.clone()).collect();
    assert_eq!(titles, expected);
    assert_eq!(titles, ["a1", "a2", "a3"]);
    let others = Post::objects()
        .exclude(q!(author__in = a_authors))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        others.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        ["b1"]
    );
    // Through a many-to-many: the tags of unpublished posts.
    let tags = Tag::objects()
        .filter(q!(id__in = Post::objects()
            .filter(q!(published = false))
            .values(["tags"])))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["rust"]
    );
    // The reverse direction: authors of a post with more than 15 views.
    let rows = Author::objects()
        .filter(q!(id__in = Post::objects()
            .filter(q!(views__gt = 15))
            .values(["author"])))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Ann"]
    );
}

async fn exists_with_outer_ref(t: TestDb) {
    let db = seed(&t).await;
    let popular = Post::objects().filter(q!(
        author = OuterRef::col("id"),
        published = true,
        views__gt = 15
    ));
    let with = Author::objects()
        .filter(Condition::exists(&popular))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let expected: Vec<String> = db
        .raw(
            "SELECT a.name FROM ag_authors a WHERE EXISTS (SELECT 1 FROM ag_posts p WHERE p.author_id = a.id AND p.published = TRUE AND p.views > 15) ORDER BY a.name",
            [],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    let got: Vec<String> = with.iter().map(|a| a.name.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(got, ["Ann"]);
    let without = Author::objects()
        .filter(!Condition::exists(&popular))
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        without.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Bob", "Cid"]
    );
    assert_eq!(
        Author::objects()
            .filter(Condition::exists(&popular))
            .count(&db)
            .await
            .unwrap(),
        1
    );
}

async fn subquery_annotations(t: TestDb) {
    let db = seed(&t).await;
    let most_viewed = Post::objects()
        .filter(q!(author = OuterRef::col("id")))
        .order_by(["-views"])
        .values(["title"])
        .limit(1);
    let annotated = Author::objects()
        .annotate("top", Subquery::of(&most_viewed))
        .annotate("n", Count::of("posts"))
        .order_by(["name"]);
    let before = db.query_count();
    let rows = annotated.all(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 1);
    let got: Vec<(String, Option<String>, i64)> = rows
        .iter()
        .map(|a| (a.name.clone(), a.get("top").unwrap(), a.get("n").unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("Ann".into(), Some("a3".into()), 3),
            ("Bob".into(), Some("b1".into()), 1),
            ("Cid".into(), None, 0)
        ]
    );
    // The same answer by hand: a correlated scalar subquery.
    let by_hand: Vec<(String, Option<String>)> = db
        .raw(
            "SELECT a.name, (SELECT p.title FROM ag_posts p WHERE p.author_id = a.id ORDER BY p.views DESC LIMIT 1) \
             FROM ag_authors a ORDER BY a.name",
            [],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (text(&r[0]), (!r[1].is_null()).then(|| text(&r[1]))))
        .collect();
    let ours: Vec<(String, Option<String>)> =
        got.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect();
    assert_eq!(ours, by_hand);
    let filtered = annotated.filter(q!(top = "b1")).all(&db).await.unwrap();
    assert_eq!(
        filtered.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        ["Bob"]
    );
    // Refusals, before any SQL.
    let before = db.query_count();
    let two = Post::objects()
        .filter(q!(author__in = Author::objects().values(["id", "name"])))
        .all(&db)
        .await
        .unwrap_err();
    assert!(two.to_string().contains("must read one value"), "{two}");
    let outside = Post::objects()
        .filter(q!(author = OuterRef::col("id")))
        .all(&db)
        .await
        .unwrap_err();
    assert!(
        outside.to_string().contains("inside a subquery"),
        "{outside}"
    );
    let total = Author::objects()
        .aggregate(&db, [("n", Count::of("posts"))])
        .await
        .unwrap();
    assert_eq!(total.get::<i64>("n").unwrap(), 4);
    assert_eq!(db.query_count() - before, 1, "only the total ran");
}

/// Typed paths build the same annotations as string paths.
async fn typed_paths(t: TestDb) {
    let db = seed(&t).await;
    let typed = Author::objects()
        .annotate("n", Count::of(Author::fields().posts()))
        .annotate("v", Sum::of(Author::fields().posts().views()))
        .annotate("t", Count::distinct(Author::fields().posts().tags()))
        .order_by(["name"]);
    let strings = Author::objects()
        .annotate("n", Count::of("posts"))
        .annotate("v", Sum::of("posts__views"))
        .annotate("t", Count::distinct("posts__tags"))
        .order_by(["name"]);
    assert_eq!(typed.query(), strings.query());
    let rows = typed.all(&db).await.unwrap();
    assert_eq!(rows[0].get::<i64>("n").unwrap(), 3);
    assert_eq!(rows[0].get::<Option<i64>>("v").unwrap(), Some(60));
    assert_eq!(rows[0].get::<i64>("t").unwrap(), 2);
    let per_post = Post::objects()
        .aggregate(&db, [("max", Max::of(Post::fields().views()))])
        .await
        .unwrap();
    assert_eq!(per_post.get::<Option<i64>>("max").unwrap(), Some(30));
}

#[derive(aksara::Row, Debug, PartialEq)]
struct TagCount {
    n: i64,
    name: String,
}

#[derive(aksara::Row, Debug, PartialEq)]
struct AuthorViews {
    #[aksara(name = "author__name")]
    author: String,
    views: Option<i64>,
    mean: Option<f64>,
}

/// Typed rows from values(): by field name, text as text on every backend, the same as a
/// hand-written query read with raw_as.
async fn values_into_typed_rows(t: TestDb) {
    let db = seed(&t).await;
    let counts: Vec<TagCount> = Tag::objects()
        .values(["name"])
        .annotate("n", Count::of("posts"))
        .order_by(["name"])
        .values_as::<TagCount>()
        .all(&db)
        .await
        .unwrap();
    let by_hand: Vec<TagCount> = db
        .raw_as(
            "SELECT COUNT(l.post_id) AS n, t.name FROM ag_tags t LEFT JOIN post_tags l ON l.tag_id = t.id GROUP BY t.name ORDER BY t.name",
            [],
        )
        .await
        .unwrap();
    assert_eq!(counts, by_hand);
    assert_eq!(
        counts[2],
        TagCount {
            n: 2,
            name: "rust".into()
        }
    );
    let views = Post::objects()
        .values(["author__name"])
        .annotate("views", Sum::of("views"))
        .annotate("mean", Avg::of("views"))
        .order_by(["-views"])
        .values_as::<AuthorViews>();
    let first = views.first(&db).await.unwrap().unwrap();
    assert_eq!(
        first,
        AuthorViews {
            author: "Ann".into(),
            views: Some(60),
            mean: Some(20.0)
        }
    );
    // A field naming no value is an error naming the struct and the field.
    let err = Tag::objects()
        .values(["name"])
        .values_as::<TagCount>()
        .all(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TagCount.n"), "{err}");
}

/// Machine-sized and hostile input: errors, never a crash or a wrong answer.
async fn hostile_input(t: TestDb) {
    let db = seed(&t).await;
    // A 10,000-deep condition in a conditional aggregate: refused before any SQL.
    let mut deep = q!(posts__published = true);
    for _ in 0..10_000 {
        deep = !deep;
    }
    let before = db.query_count();
    let err = Author::objects()
        .annotate("n", Count::of("posts").filter(deep))
        .all(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MAX_CONDITION_DEPTH"), "{err}");
    assert_eq!(db.query_count(), before);
    // 100 annotations on one query.
    let mut many = Author::objects().annotate("a0", Count::of("posts"));
    for i in 1..100 {
        many = many.annotate(format!("a{i}"), Count::of("posts"));
    }
    let rows = many.order_by(["name"]).all(&db).await.unwrap();
    assert_eq!(rows[0].get::<i64>("a99").unwrap(), 3);
    // Names with quotes are identifiers like any other; an over-long one is refused.
    let quoted = Author::objects()
        .annotate("it's \"n\" `x`", Count::of("posts"))
        .filter(Condition::new("it's \"n\" `x`__gt", 0))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(quoted.len(), 2);
    let long = "n".repeat(64);
    let err = Author::objects()
        .annotate(long, Count::of("posts"))
        .all(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 63 bytes"), "{err}");
    assert!(Author::objects()
        .annotate("n".repeat(63), Count::of("posts"))
        .all(&db)
        .await
        .is_ok());
    // Subqueries nested 20 deep: refused.
    let mut nested = Author::objects().values(["id"]);
    for _ in 0..20 {
        nested = Author::objects().filter(q!(id__in = nested)).values(["id"]);
    }
    let err = Author::objects()
        .filter(q!(id__in = nested))
        .all(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MAX_SUBQUERY_DEPTH"), "{err}");
    // A 17-segment path.
    let path = vec!["posts"; 17].join("__");
    let err = Author::objects()
        .annotate("n", Count::of(path.as_str()))
        .all(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("MAX_PATH_LENGTH"), "{err}");
}

backend_tests!(
    hostile_input,
    values_into_typed_rows,
    typed_paths,
    in_subqueries,
    exists_with_outer_ref,
    subquery_annotations,
    values_grouped_by_paths,
    values_refusals,
    counts_across_relations,
    sums_means_and_extremes,
    conditions_and_order_name_annotations,
    aggregate_totals,
    refusals,
);
