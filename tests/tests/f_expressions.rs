//! `F` expressions, after Django's `tests/expressions`: atomic updates computed by the
//! database (`views = views + 1`, no lost increment under 50 concurrent writers), conditions
//! comparing two columns of a row or a column with one across a to-one relation, and the
//! refusals (a joined column in an UPDATE, a to-many path, a machine-deep expression), each
//! compared with a hand-written SQL answer on the same data.

use aksara::{q, Condition, Error, Model, Registry, Value, F};
use aksara_tests::{backend_tests, TestDb};
use std::sync::Arc;

mod models {
    use aksara::{ForeignKey, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "fx_writers")]
    pub struct Writer {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        pub karma: i64,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "fx_articles")]
    pub struct Article {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub title: String,
        pub views: i64,
        pub likes: i64,
        #[aksara(on_delete = CASCADE, related_name = "articles")]
        pub writer: ForeignKey<Writer>,
    }
}

use models::{Article, Writer};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Writer>()
        .model::<Article>()
        .build()
        .expect("valid models")
}

/// Two writers (karma 5 and 50) and five articles with (views, likes).
async fn seed(t: &TestDb) -> aksara::Db {
    let db = t.db(registry()).await;
    let low = Writer::build()
        .name("Low")
        .karma(5)
        .create(&db)
        .await
        .unwrap();
    let high = Writer::build()
        .name("High")
        .karma(50)
        .create(&db)
        .await
        .unwrap();
    for (title, views, likes, writer) in [
        ("a", 10, 3, &low),
        ("b", 2, 7, &low),
        ("c", 60, 60, &high),
        ("d", 40, 1, &high),
        ("e", 5, 9, &high),
    ] {
        Article::build()
            .title(title)
            .views(views)
            .likes(likes)
            .writer(writer)
            .create(&db)
            .await
            .unwrap();
    }
    db
}

async fn titles(db: &aksara::Db, condition: Condition) -> Vec<String> {
    Article::objects()
        .filter(condition)
        .order_by(["title"])
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect()
}

/// The titles a hand-written WHERE clause selects.
async fn titles_by_sql(db: &aksara::Db, from_where: &str) -> Vec<String> {
    db.raw(&format!("SELECT a.title {from_where} ORDER BY a.title"), [])
        .await
        .unwrap()
        .into_iter()
        .map(|row| match &row[0] {
            Value::String(s) => s.clone(),
            Value::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

async fn views_of(db: &aksara::Db, title: &str) -> i64 {
    Article::objects()
        .get(db, q!(title = title))
        .await
        .unwrap()
        .views
}

/// 50 tasks each add one view to the same row at once: 50 views, none lost.
async fn concurrent_increments_lose_nothing(t: TestDb) {
    let db = seed(&t).await;
    let before = views_of(&db, "a").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            Article::objects()
                .filter(q!(title = "a"))
                .update(&db, [("views", F::col("views") + 1)])
                .await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 1);
    }
    assert_eq!(views_of(&db, "a").await, before + 50);
}

/// Arithmetic on several columns, and a plain value beside an expression in one UPDATE.
async fn arithmetic_in_updates(t: TestDb) {
    let db = seed(&t).await;
    let changed = Article::objects()
        .filter(q!(writer__name = "High"))
        .update(
            &db,
            [
                ("views", F::col("views") * 2 - F::col("likes")),
                ("title", F::col("title")),
            ],
        )
        .await
        .unwrap();
    assert_eq!(changed, 3);
    assert_eq!(views_of(&db, "c").await, 60);
    assert_eq!(views_of(&db, "d").await, 79);
    assert_eq!(views_of(&db, "e").await, 1);
    assert_eq!(views_of(&db, "a").await, 10, "other rows untouched");
    Article::objects()
        .filter(q!(title = "b"))
        .update(
            &db,
            [
                ("likes", aksara::Expr::from(0)),
                ("views", F::col("likes") + 100),
            ],
        )
        .await
        .unwrap();
    let b = Article::objects().get(&db, q!(title = "b")).await.unwrap();
    // Every assignment reads the row as it was before the UPDATE.
    assert_eq!((b.views, b.likes), (107, 0));
}

/// Conditions comparing columns: of the row, across the to-one relation, with arithmetic;
/// the same rows as hand-written SQL.
async fn conditions_compare_columns(t: TestDb) {
    let db = seed(&t).await;
    let (articles, writers) = ("fx_articles", "fx_writers");
    assert_eq!(
        titles(&db, q!(views__gt = F::col("likes"))).await,
        titles_by_sql(&db, &format!("FROM {articles} a WHERE a.views > a.likes")).await
    );
    assert_eq!(
        titles(&db, q!(views__gt = F::col("likes"))).await,
        ["a", "d"]
    );
    assert_eq!(titles(&db, q!(views = F::col("likes"))).await, ["c"]);
    assert_eq!(
        titles(&db, q!(likes__lte = F::col("views") - 9)).await,
        ["d"]
    );
    let across = q!(views__gt = F::col("writer__karma"));
    assert_eq!(
        titles(&db, across).await,
        titles_by_sql(
            &db,
            &format!(
                "FROM {articles} a JOIN {writers} w ON w.id = a.writer_id WHERE a.views > w.karma"
            )
        )
        .await
    );
    assert_eq!(
        titles(&db, q!(views__gte = F::col("writer__karma") + 5)).await,
        ["a", "c"]
    );
    // Combined with plain lookups, and negated.
    assert_eq!(
        titles(
            &db,
            !Condition::new("views__gt", F::col("likes")) & q!(writer__name = "High")
        )
        .await,
        ["c", "e"]
    );
    assert_eq!(
        Article::objects()
            .filter(q!(views__gt = F::col("likes")))
            .count(&db)
            .await
            .unwrap(),
        2
    );
}

/// What cannot be written is refused before any SQL, naming the model and the path, and the
/// rows stay as they were.
async fn refusals(t: TestDb) {
    let db = seed(&t).await;
    let err = Article::objects()
        .update(&db, [("views", F::col("writer__karma"))])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(_)) && err.to_string().contains("writer__karma"),
        "{err}"
    );
    assert_eq!(views_of(&db, "a").await, 10);

    let err = Writer::objects()
        .filter(q!(karma__gt = F::col("articles__views")))
        .count(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("articles"), "{err}");

    let err = Article::objects()
        .filter(q!(title__icontains = F::col("title")))
        .count(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("icontains"), "{err}");

    let err = Article::objects()
        .filter(q!(views__gt = F::col("nope")))
        .count(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");

    // A machine-deep expression: refused, never a stack overflow; built and dropped safely.
    let mut deep = F::col("views");
    for _ in 0..10_000 {
        deep = deep + 1;
    }
    let err = Article::objects()
        .update(&db, [("views", deep.clone())])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("deep"), "{err}");
    let err = Article::objects()
        .filter(Condition::new("views__gt", deep))
        .count(&db)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("deep"), "{err}");
    assert_eq!(views_of(&db, "a").await, 10);
}

backend_tests!(
    concurrent_increments_lose_nothing,
    arithmetic_in_updates,
    conditions_compare_columns,
    refusals,
);
