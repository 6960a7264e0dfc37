//! Lookups across forward paths of depth two and more (Comment -> Post -> Author -> Country),
//! ordering, slicing, first/exists, bulk update and delete, instance save/refresh/delete, and
//! typed paths agreeing with string paths.

mod common;

use aksara::{q, value_list, Condition, Db, Error, Model, OptionalRelation, Value};
use aksara_tests::models::lookups::{registry, Author, Comment, Country, Post};
use aksara_tests::{backend_tests, TestDb};
use chrono::NaiveDate;
use common::{expect_err, table_rows};
use uuid::Uuid;

struct Data {
    jane: Author,
    anna: Author,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Countries ID and NL; authors Jane (34, ID), Budi (27, ID), Anna (45, NL), Zed (19, none);
/// one comment per post.
async fn seed(db: &Db) -> Data {
    let id = Country::build()
        .name("Indonesia")
        .code("ID")
        .create(db)
        .await
        .unwrap();
    let nl = Country::build()
        .name("Netherlands")
        .code("NL")
        .create(db)
        .await
        .unwrap();
    let author = |name: &str, email: &str, age: i32, country: Option<&Country>| {
        let mut b = Author::build().name(name).email(email).age(age);
        if let Some(c) = country {
            b = b.country(c);
        }
        b
    };
    let jane = author("Jane", "jane@example.com", 34, Some(&id))
        .create(db)
        .await
        .unwrap();
    let budi = author("Budi", "budi@example.org", 27, Some(&id))
        .create(db)
        .await
        .unwrap();
    let anna = author("Anna", "anna@example.nl", 45, Some(&nl))
        .create(db)
        .await
        .unwrap();
    let zed = author("Zed", "zed@example.com", 19, None)
        .create(db)
        .await
        .unwrap();
    let posts = [
        (
            "Rust Ownership",
            &jane,
            100,
            4.5,
            true,
            Some(date(2024, 1, 10)),
            "Great intro",
            5,
        ),
        (
            "Async Rust",
            &jane,
            250,
            3.0,
            false,
            None,
            "Needs more examples",
            3,
        ),
        (
            "Python Basics",
            &budi,
            40,
            4.0,
            true,
            Some(date(2024, 3, 1)),
            "Nice",
            4,
        ),
        (
            "Dutch Cooking",
            &anna,
            10,
            2.5,
            true,
            Some(date(2023, 12, 24)),
            "Too salty",
            1,
        ),
        ("Zen of Nothing", &zed, 0, 1.0, false, None, "Hmm", 2),
    ];
    for (title, a, views, rating, published, on, body, score) in posts {
        let mut b = Post::build()
            .title(title)
            .content(format!("About {title}"))
            .author(a)
            .views(views)
            .rating(rating)
            .published(published);
        if let Some(d) = on {
            b = b.published_on(d);
        }
        let post = b.create(db).await.unwrap();
        Comment::build()
            .body(body)
            .score(score)
            .post(&post)
            .create(db)
            .await
            .unwrap();
    }
    Data { jane, anna }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn bodies(db: &Db, condition: Condition) -> Vec<String> {
    sorted(
        Comment::objects()
            .filter(condition)
            .all(db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|c| c.body)
            .collect(),
    )
}

/// The string path and the typed path build the same condition, and both select exactly the
/// comments `expected` (count agrees).
async fn check(db: &Db, string: Condition, typed: Condition, expected: &[&str]) {
    assert_eq!(
        string, typed,
        "the typed path builds the string path's condition"
    );
    let expected = sorted(expected.iter().map(|s| s.to_string()).collect());
    assert_eq!(bodies(db, string.clone()).await, expected, "{string:?}");
    assert_eq!(bodies(db, typed).await, expected, "typed {string:?}");
    let count = Comment::objects()
        .filter(string.clone())
        .count(db)
        .await
        .unwrap();
    assert_eq!(count as usize, expected.len(), "count of {string:?}");
}

fn c(path: &str, value: impl Into<Value>) -> Condition {
    Condition::new(path, value)
}

/// exact and iexact, at depth 2 and 3.
async fn lookup_exact_and_iexact(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let f = Comment::fields();
    check(
        &db,
        c("post__author__name", "Jane"),
        f.post().author().name().eq("Jane"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    // An explicit `__exact` is the same as no lookup.
    assert_eq!(
        bodies(&db, c("post__author__name__exact", "Jane")).await,
        ["Great intro", "Needs more examples"]
    );
    check(
        &db,
        c("post__author__name", "jane"),
        f.post().author().name().eq("jane"),
        &[],
    )
    .await;
    check(
        &db,
        c("post__author__name__iexact", "jANE"),
        f.post().author().name().iexact("jANE"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__author__country__code", "NL"),
        f.post().author().country().code().eq("NL"),
        &["Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__country__name__iexact", "indonesia"),
        f.post().author().country().name().iexact("indonesia"),
        &["Great intro", "Needs more examples", "Nice"],
    )
    .await;
    // exact NULL is IS NULL.
    let undated = Post::objects()
        .filter(q!(published_on = None::<NaiveDate>))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(undated, 2);
}

/// contains / icontains / startswith / istartswith / endswith / iendswith.
async fn lookup_text_patterns(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let f = Comment::fields();
    check(
        &db,
        c("post__title__contains", "Rust"),
        f.post().title().contains("Rust"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__title__contains", "rust"),
        f.post().title().contains("rust"),
        &[],
    )
    .await;
    check(
        &db,
        c("post__title__icontains", "rUST"),
        f.post().title().icontains("rUST"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__author__name__icontains", "AN"),
        f.post().author().name().icontains("AN"),
        &["Great intro", "Needs more examples", "Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__email__startswith", "j"),
        f.post().author().email().startswith("j"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__author__email__startswith", "J"),
        f.post().author().email().startswith("J"),
        &[],
    )
    .await;
    check(
        &db,
        c("post__author__email__istartswith", "J"),
        f.post().author().email().istartswith("J"),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__author__email__endswith", "@example.com"),
        f.post().author().email().endswith("@example.com"),
        &["Great intro", "Needs more examples", "Hmm"],
    )
    .await;
    check(
        &db,
        c("post__author__email__iendswith", ".NL"),
        f.post().author().email().iendswith(".NL"),
        &["Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__country__name__contains", "land"),
        f.post().author().country().name().contains("land"),
        &["Too salty"],
    )
    .await;
    // Pattern characters are matched literally.
    check(
        &db,
        c("post__title__contains", "%"),
        f.post().title().contains("%"),
        &[],
    )
    .await;
    check(
        &db,
        c("post__title__contains", "_"),
        f.post().title().contains("_"),
        &[],
    )
    .await;
}

/// gt / gte / lt / lte on integers, floats and dates across relations.
async fn lookup_comparisons(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let f = Comment::fields();
    check(
        &db,
        c("post__author__age__gt", 34),
        f.post().author().age().gt(34),
        &["Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__age__gte", 34),
        f.post().author().age().gte(34),
        &["Great intro", "Needs more examples", "Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__age__lt", 27),
        f.post().author().age().lt(27),
        &["Hmm"],
    )
    .await;
    check(
        &db,
        c("post__author__age__lte", 27),
        f.post().author().age().lte(27),
        &["Nice", "Hmm"],
    )
    .await;
    check(
        &db,
        c("post__views__gt", 40i64),
        f.post().views().gt(40i64),
        &["Great intro", "Needs more examples"],
    )
    .await;
    check(
        &db,
        c("post__rating__gte", 4.0),
        f.post().rating().gte(4.0),
        &["Great intro", "Nice"],
    )
    .await;
    check(
        &db,
        c("post__published_on__lt", date(2024, 1, 1)),
        f.post().published_on().lt(date(2024, 1, 1)),
        &["Too salty"],
    )
    .await;
    check(
        &db,
        c("score__gt", 3),
        f.score().gt(3),
        &["Great intro", "Nice"],
    )
    .await;
}

/// in, isnull and range across relations.
async fn lookup_in_isnull_range(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let f = Comment::fields();
    check(
        &db,
        c(
            "post__author__email__in",
            value_list(["jane@example.com", "anna@example.nl"]),
        ),
        f.post()
            .author()
            .email()
            .is_in(["jane@example.com", "anna@example.nl"]),
        &["Great intro", "Needs more examples", "Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__country__code__in", value_list(["NL"])),
        f.post().author().country().code().is_in(["NL"]),
        &["Too salty"],
    )
    .await;
    check(
        &db,
        c("post__author__age__in", value_list([19, 45])),
        f.post().author().age().is_in([19, 45]),
        &["Too salty", "Hmm"],
    )
    .await;
    check(
        &db,
        c("post__author__country__isnull", true),
        f.post().author().country_id().is_null(true),
        &["Hmm"],
    )
    .await;
    check(
        &db,
        c("post__author__country__isnull", false),
        f.post().author().country_id().is_null(false),
        &["Great intro", "Needs more examples", "Nice", "Too salty"],
    )
    .await;
    // Through a missing LEFT JOIN the related column is NULL.
    check(
        &db,
        c("post__author__country__name__isnull", true),
        f.post().author().country().name().is_null(true),
        &["Hmm"],
    )
    .await;
    check(
        &db,
        c("post__published_on__isnull", true),
        f.post().published_on().is_null(true),
        &["Needs more examples", "Hmm"],
    )
    .await;
    check(
        &db,
        c("post__author__age__range", value_list([20, 40])),
        f.post().author().age().range(20, 40),
        &["Great intro", "Needs more examples", "Nice"],
    )
    .await;
    // Inclusive at both ends.
    check(
        &db,
        c("post__author__age__range", value_list([27, 34])),
        f.post().author().age().range(27, 34),
        &["Great intro", "Needs more examples", "Nice"],
    )
    .await;
    check(
        &db,
        c(
            "post__published_on__range",
            value_list([date(2024, 1, 1), date(2024, 12, 31)]),
        ),
        f.post()
            .published_on()
            .range(date(2024, 1, 1), date(2024, 12, 31)),
        &["Great intro", "Nice"],
    )
    .await;
    // Conditions combine: AND within a filter, OR with |, NOT with exclude.
    let both = bodies(
        &db,
        q!(post__author__country__code = "ID", post__published = true),
    )
    .await;
    assert_eq!(both, ["Great intro", "Nice"]);
    let either = bodies(
        &db,
        c("post__author__name", "Zed") | c("post__author__country__code", "NL"),
    )
    .await;
    assert_eq!(either, ["Hmm", "Too salty"]);
    let not_id = sorted(
        Comment::objects()
            .exclude(q!(post__author__country__code = "ID"))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.body)
            .collect(),
    );
    assert_eq!(not_id, ["Hmm", "Too salty"], "a NULL country is not ID");
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.title.as_str()).collect()
}

/// order_by with "-field", through relations (depth 1 and 2), typed ordering; limit, offset,
/// first, exists.
async fn ordering_and_slicing(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let by_views = Post::objects().order_by(["-views"]).all(&db).await.unwrap();
    assert_eq!(
        titles(&by_views),
        [
            "Async Rust",
            "Rust Ownership",
            "Python Basics",
            "Dutch Cooking",
            "Zen of Nothing"
        ]
    );
    let by_author = Post::objects()
        .order_by(["author__name", "-views"])
        .all(&db)
        .await
        .unwrap();
    let expected = [
        "Dutch Cooking",
        "Python Basics",
        "Async Rust",
        "Rust Ownership",
        "Zen of Nothing",
    ];
    assert_eq!(titles(&by_author), expected);
    let typed = Post::objects()
        .order_by([
            Post::fields().author().name().asc(),
            Post::fields().views().desc(),
        ])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&typed), expected);
    let comments = Comment::objects()
        .order_by(["-post__author__age", "score"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        comments.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
        [
            "Too salty",
            "Needs more examples",
            "Great intro",
            "Nice",
            "Hmm"
        ]
    );
    let deep = Comment::objects()
        .filter(q!(post__author__country__isnull = false))
        .order_by(["-post__author__country__name", "body"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        deep.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
        ["Too salty", "Great intro", "Needs more examples", "Nice"]
    );
    // A later order_by replaces the earlier one.
    let replaced = Post::objects()
        .order_by(["views"])
        .order_by(["-title"])
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replaced.title, "Zen of Nothing");

    // limit / offset.
    let by_title = Post::objects().order_by(["title"]);
    assert_eq!(
        titles(&by_title.limit(2).all(&db).await.unwrap()),
        ["Async Rust", "Dutch Cooking"]
    );
    assert_eq!(
        titles(&by_title.limit(2).offset(1).all(&db).await.unwrap()),
        ["Dutch Cooking", "Python Basics"]
    );
    assert_eq!(
        titles(&by_title.offset(3).all(&db).await.unwrap()),
        ["Rust Ownership", "Zen of Nothing"]
    );
    assert!(by_title.offset(10).all(&db).await.unwrap().is_empty());
    assert_eq!(by_title.limit(2).offset(4).count(&db).await.unwrap(), 1);
    assert_eq!(by_title.limit(3).count(&db).await.unwrap(), 3);
    assert_eq!(
        titles(
            &Post::objects()
                .filter(q!(author__country__code = "ID"))
                .order_by(["-views"])
                .limit(1)
                .offset(1)
                .all(&db)
                .await
                .unwrap()
        ),
        ["Rust Ownership"]
    );

    // first and exists.
    let top = Post::objects()
        .order_by(["-views"])
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(top.title, "Async Rust");
    let first_comment = Comment::objects().first(&db).await.unwrap().unwrap();
    assert_eq!(first_comment.body, "Great intro", "by key when unordered");
    assert!(Post::objects()
        .filter(q!(author__name = "Nobody"))
        .first(&db)
        .await
        .unwrap()
        .is_none());
    assert!(Post::objects()
        .filter(q!(author__country__code = "NL"))
        .exists(&db)
        .await
        .unwrap());
    assert!(!Post::objects()
        .filter(q!(author__country__code = "FR"))
        .exists(&db)
        .await
        .unwrap());
    db.record_sql();
    let before = db.query_count();
    Post::objects().exists(&db).await.unwrap();
    assert_eq!(db.query_count(), before + 1, "exists is one query");
    let sql = db.recorded_sql();
    assert_eq!(sql.len(), 1);
}

/// Bulk update: across relations, typed assignments, relations and NULL as values.
async fn bulk_update(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;
    let n = Post::objects()
        .filter(q!(author__country__code = "ID"))
        .update(&db, [("published", true)])
        .await
        .unwrap();
    assert_eq!(n, 3, "Jane's two posts and Budi's");
    let published = Post::objects().filter(q!(published = true));
    assert_eq!(published.count(&db).await.unwrap(), 4);
    let zen = Post::objects()
        .get(&db, q!(title = "Zen of Nothing"))
        .await
        .unwrap();
    assert!(!zen.published, "rows outside the filter are untouched");

    let n = Post::objects()
        .filter(Post::fields().author().name().eq("Jane"))
        .update(
            &db,
            [
                Post::fields().views().set(0),
                Post::fields().rating().set(5.0),
            ],
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    for p in data.jane.posts().all(&db).await.unwrap() {
        assert_eq!((p.views, p.rating), (0, 5.0));
    }
    assert_eq!(
        Post::objects()
            .filter(q!(views = 0i64))
            .count(&db)
            .await
            .unwrap(),
        3,
        "Jane's two and Zed's"
    );

    // A relation as the value (object or key), and NULL.
    let n = Post::objects()
        .filter(q!(title = "Zen of Nothing"))
        .update(&db, [("author", &data.anna)])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(data.anna.posts().count(&db).await.unwrap(), 2);
    let n = Post::objects()
        .filter(q!(title = "Rust Ownership"))
        .update(&db, [("published_on", Value::Null)])
        .await
        .unwrap();
    assert_eq!(n, 1);
    let p = Post::objects()
        .get(&db, q!(title = "Rust Ownership"))
        .await
        .unwrap();
    assert_eq!(p.published_on, None);
    // Nothing matched, nothing changed.
    assert_eq!(
        Post::objects()
            .filter(q!(title = "Nope"))
            .update(&db, [("views", 1i64)])
            .await
            .unwrap(),
        0
    );
    // Setting a required field to NULL is refused before SQL.
    let err = expect_err(
        Post::objects().update(&db, [("title", Value::Null)]).await,
        "Validation for NULL title",
    );
    assert!(
        matches!(&err, Error::Validation { model, field, .. } if model == "Post" && field == "title"),
        "{err:?}"
    );
}

/// Bulk delete across relations (with cascades) and of everything.
async fn bulk_delete(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let n = Comment::objects()
        .filter(q!(post__author__name = "Jane"))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!(n.of("Comment"), 2);
    assert_eq!(table_rows(&db, "comments").await, 3);
    assert_eq!(table_rows(&db, "posts").await, 5, "posts untouched");

    let n = Post::objects()
        .filter(q!(views__lt = 20i64))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!(n.of("Post"), 2, "Dutch Cooking and Zen of Nothing");
    assert_eq!(
        table_rows(&db, "comments").await,
        1,
        "their comments cascaded"
    );
    assert_eq!(Comment::objects().all(&db).await.unwrap()[0].body, "Nice");
    // Deleting countries sets authors' country NULL (SET_NULL) through a bulk delete.
    let n = Country::objects().delete(&db).await.unwrap();
    assert_eq!(n.of("Country"), 2);
    assert_eq!(table_rows(&db, "authors").await, 4);
    assert_eq!(
        Author::objects()
            .filter(q!(country__isnull = true))
            .count(&db)
            .await
            .unwrap(),
        4
    );
    assert_eq!(Post::objects().delete(&db).await.unwrap().of("Post"), 3);
    assert_eq!(table_rows(&db, "comments").await, 0);
}

/// Instance save (auto_now, relation change, insert when missing), refresh and delete.
async fn instance_save_refresh_delete(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;
    let mut post = Post::objects()
        .get(&db, q!(title = "Rust Ownership"))
        .await
        .unwrap();
    let mut stale = post.clone();
    let created_at = post.created_at;
    let updated_at = post.updated_at;
    std::thread::sleep(std::time::Duration::from_millis(5));

    post.title = "Rust Ownership, 2nd ed.".into();
    post.views += 1;
    post.published_on = None;
    post.author.set(data.anna.clone());
    post.save(&db).await.unwrap();
    assert!(post.updated_at > updated_at, "auto_now moves on save");

    let fresh = Post::objects().get(&db, q!(id = post.id)).await.unwrap();
    assert_eq!(fresh.title, "Rust Ownership, 2nd ed.");
    assert_eq!(fresh.views, 101);
    assert_eq!(fresh.published_on, None);
    assert_eq!(*fresh.author.id(), data.anna.id);
    assert_eq!(fresh.created_at, created_at, "auto_now_add is kept");
    assert_eq!(fresh.updated_at, post.updated_at);
    assert_eq!(
        table_rows(&db, "posts").await,
        5,
        "save updated, not inserted"
    );

    // refresh reloads a stale copy.
    assert_eq!(stale.title, "Rust Ownership");
    stale.author.get(&db).await.unwrap();
    stale.refresh(&db).await.unwrap();
    assert_eq!(stale.title, "Rust Ownership, 2nd ed.");
    assert_eq!(*stale.author.id(), data.anna.id);
    assert!(
        stale.author.loaded().is_none(),
        "refresh forgets loaded relations"
    );

    // save of an instance whose row does not exist inserts it.
    let mut copy = post.clone();
    copy.id = Uuid::now_v7();
    copy.title = "A copy".into();
    copy.save(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 6);
    assert_eq!(
        Post::objects()
            .get(&db, q!(id = copy.id))
            .await
            .unwrap()
            .title,
        "A copy"
    );

    // delete: the row and what cascades from it.
    assert_eq!(post.comments().count(&db).await.unwrap(), 1);
    assert_eq!(post.delete(&db).await.unwrap().of("Post"), 1);
    assert_eq!(table_rows(&db, "posts").await, 5);
    assert_eq!(table_rows(&db, "comments").await, 4);
    let err = expect_err(
        stale.refresh(&db).await,
        "DoesNotExist when refreshing a deleted row",
    );
    assert!(err.is_does_not_exist(), "{err:?}");
    assert_eq!(
        post.delete(&db).await.unwrap().of("Post"),
        0,
        "already gone"
    );

    // Nullable relation on an instance: set, save, clear.
    let mut zed = Author::objects().get(&db, q!(name = "Zed")).await.unwrap();
    assert!(zed.country.is_none());
    let nl = Country::objects().get(&db, q!(code = "NL")).await.unwrap();
    zed.country = Some(aksara::ForeignKey::to(nl.clone()));
    zed.save(&db).await.unwrap();
    zed.refresh(&db).await.unwrap();
    assert_eq!(zed.country.id(), Some(&nl.id));
    assert_eq!(zed.country.get(&db).await.unwrap().unwrap().code, "NL");
    zed.country = None;
    zed.save(&db).await.unwrap();
    zed.refresh(&db).await.unwrap();
    assert!(zed.country.is_none());
}

/// Typed paths build the same conditions and orderings as string paths (README example).
async fn typed_paths_match_string_paths(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    assert_eq!(
        Comment::fields().post().author().email().path(),
        "post__author__email"
    );
    assert_eq!(
        Comment::fields().post().author().country_id().path(),
        "post__author__country"
    );
    let pairs = [
        (
            c("author__email", "jane@example.com"),
            Post::fields().author().email().eq("jane@example.com"),
        ),
        (
            c("title__icontains", "rust"),
            Post::fields().title().icontains("rust"),
        ),
        (
            c("author__age__gte", 30),
            Post::fields().author().age().gte(30),
        ),
        (
            c("author__country__code__in", value_list(["ID", "NL"])),
            Post::fields().author().country().code().is_in(["ID", "NL"]),
        ),
        (
            c("author__country__isnull", true),
            Post::fields().author().country_id().is_null(true),
        ),
        (
            c("rating__range", value_list([2.0, 4.0])),
            Post::fields().rating().range(2.0, 4.0),
        ),
        (c("published", true), Post::fields().published().eq(true)),
    ];
    for (string, typed) in pairs {
        assert_eq!(string, typed);
        let a = Post::objects()
            .filter(string.clone())
            .order_by(["title"])
            .all(&db)
            .await
            .unwrap();
        let b = Post::objects()
            .filter(typed)
            .order_by(["title"])
            .all(&db)
            .await
            .unwrap();
        assert_eq!(titles(&a), titles(&b), "{string:?}");
        assert!(!a.is_empty(), "{string:?} selects something");
    }
    // The README's query, both forms together.
    let readme = Post::objects()
        .filter(q!(author__email = "jane@example.com"))
        .filter(Post::fields().title().icontains("rust"))
        .order_by(["-created_at"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(readme.len(), 2);
    let string_only = Post::objects()
        .filter(q!(
            author__email = "jane@example.com",
            title__icontains = "rust"
        ))
        .order_by(["-created_at"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(titles(&readme), titles(&string_only));
    assert_eq!(titles(&readme), ["Async Rust", "Rust Ownership"]);
}

backend_tests!(
    lookup_exact_and_iexact,
    lookup_text_patterns,
    lookup_comparisons,
    lookup_in_isnull_range,
    ordering_and_slicing,
    bulk_update,
    bulk_delete,
    instance_save_refresh_delete,
    typed_paths_match_string_paths,
);
