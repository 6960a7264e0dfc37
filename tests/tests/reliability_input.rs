//! Reliability: injection attempts and hostile identifiers. Values always travel as bind
//! parameters; identifiers come only from metadata and are quoted; bad names are refused
//! before any SQL runs.

use aksara::{q, Condition, Error, Model};
use aksara_tests::models::blog::*;
use aksara_tests::models::hostile::{self, Line, Order};
use aksara_tests::{backend_tests, TestDb};

const NASTY: [&str; 6] = [
    "'; DROP TABLE posts; --",
    "\" OR \"1\"=\"1",
    "` OR 1=1 --",
    "\\'; SELECT 1; --",
    "100% _real_ \\ backslash",
    "Robert'); DELETE FROM users WHERE ('1'='1",
];

async fn values_are_bound_never_spliced(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    for title in NASTY {
        Post::build()
            .title(title)
            .content(title)
            .author(&jane)
            .create(&db)
            .await
            .unwrap();
    }
    for title in NASTY {
        let found = Post::objects()
            .filter(q!(title = title))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{title}");
        assert_eq!(found[0].content, title, "stored verbatim");
        let like = Post::objects()
            .filter(q!(title__contains = title))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(like, 1, "LIKE wildcards in {title:?} are escaped");
    }
    assert_eq!(
        Post::objects()
            .filter(q!(title__icontains = "%"))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        Post::objects()
            .filter(q!(title__startswith = "_"))
            .count(&db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        Post::objects().count(&db).await.unwrap(),
        NASTY.len() as u64,
        "nothing dropped"
    );
    assert_eq!(
        User::objects().count(&db).await.unwrap(),
        1,
        "nothing deleted"
    );
}

async fn names_in_paths_are_checked_before_any_sql(t: TestDb) {
    let db = t.db(registry()).await;
    let before = db.query_count();
    for path in [
        "author__email); DROP TABLE users; --",
        "title\" OR 1=1 --",
        "title`; DROP",
        "author__email__icontains__x",
        "",
        "__",
    ] {
        let err = Post::objects()
            .filter(Condition::new(path, "x"))
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::UnknownField { .. } | Error::Config(_)),
            "{path:?}: {err}"
        );
    }
    for order in [
        "title; DROP TABLE posts",
        "-title\" DESC",
        "author__email) --",
    ] {
        let err = Post::objects()
            .order_by([order])
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::UnknownField { .. } | Error::Config(_)),
            "{order:?}: {err}"
        );
    }
    let err = Post::objects()
        .update(&db, [("title = 'x', content", "y")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnknownField { .. }), "{err}");
    assert_eq!(db.query_count(), before, "no SQL ran for any of them");
    assert_eq!(Post::objects().count(&db).await.unwrap(), 0);
}

async fn hostile_identifiers_work_end_to_end(t: TestDb) {
    let db = t.db(hostile::registry()).await;
    let order = Order::build()
        .from("a \"quoted\" 'value'")
        .mixed("x")
        .name("名前の値")
        .r#where("where")
        .create(&db)
        .await
        .unwrap();
    for note in ["first", "second"] {
        Line::build()
            .order(&order)
            .note(note)
            .create(&db)
            .await
            .unwrap();
    }
    let found = Order::objects()
        .filter(q!(name = "名前の値"))
        .order_by(["-name", "from"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].r#where.as_deref(), Some("where"));
    let lines = Line::objects()
        .select_related(["order"])
        .filter(q!(order__from__icontains = "QUOTED"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].order.loaded().unwrap().mixed, "x");
    let with_lines = Order::objects()
        .prefetch_related(["lines"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(with_lines[0].lines().loaded().unwrap().len(), 2);
    assert_eq!(
        Order::objects()
            .filter(q!(lines__note = "second"))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    Order::objects()
        .filter(q!(id = order.id))
        .update(&db, [("mixed", "y")])
        .await
        .unwrap();
    order.delete(&db).await.unwrap();
    assert_eq!(
        Line::objects().count(&db).await.unwrap(),
        0,
        "cascade through the `select id` column"
    );
    // Creating again is idempotent.
    aksara::ddl::create_all(&db).await.unwrap();
}

async fn lookups_that_do_not_fit_the_field_are_refused(t: TestDb) {
    let db = t.db(registry()).await;
    let before = db.query_count();
    let cases: Vec<Condition> = vec![
        q!(published__icontains = "x"),
        q!(created_at__startswith = "2024"),
        q!(published = "maybe"),
        q!(created_at__gt = "yesterday"),
        q!(id = "not-a-uuid"),
        q!(title__isnull = "yes"),
        q!(title__range = "a"),
        q!(title__in = "a"),
    ];
    for c in cases {
        let err = Post::objects()
            .filter(c.clone())
            .all(&db)
            .await
            .unwrap_err();
        match &err {
            Error::Validation {
                model,
                field,
                message,
            } => {
                assert_eq!(model, "Post");
                assert!(!field.is_empty() && !message.is_empty());
            }
            other => panic!("{c:?}: expected a validation error, got {other}"),
        }
    }
    assert_eq!(db.query_count(), before, "refused before any SQL");
}

backend_tests!(
    values_are_bound_never_spliced,
    names_in_paths_are_checked_before_any_sql,
    hostile_identifiers_work_end_to_end,
    lookups_that_do_not_fit_the_field_are_refused,
);
