//! Upserts: `bulk_create(..).on_conflict(fields).do_nothing()` and `.do_update(fields)`, each
//! result checked against the rows as plain SQL reads them, and what they guarantee when
//! many tasks upsert the same rows at once.

mod common;

use aksara::{Db, Error, FieldKind, Model, PoolOptions, Value};
use aksara_tests::{backend_tests, Backend, TestDb};
use common::{assert_mentions, expect_err, table_rows};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tokio::sync::Barrier;
use uuid::Uuid;

mod blog {
    pub use aksara_tests::models::blog::*;
}
mod lookups {
    pub use aksara_tests::models::lookups::*;
}
mod m2m {
    pub use aksara_tests::models::django_m2m::*;
}

/// More tag rows than one statement can carry on any backend (three columns: 21,845 rows per
/// statement on PostgreSQL and MySQL, 10,922 on SQLite).
const BEYOND_THE_LIMIT: usize = 25_000;

fn tag(slug: &str, name: &str) -> blog::TagBuilder {
    blog::Tag::build().slug(slug).name(name)
}

fn uuid(value: Value) -> Uuid {
    match FieldKind::Uuid.coerce(value) {
        Ok(Value::Uuid(u)) => u,
        other => panic!("not a UUID: {other:?}"),
    }
}

fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Bytes(b) => String::from_utf8(b).expect("UTF-8 text"),
        other => panic!("not text: {other:?}"),
    }
}

fn int(value: Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("not an integer: {value:?}"))
}

/// Every tag as plain SQL reads it: slug -> (key, name).
async fn stored_tags(db: &Db) -> BTreeMap<String, (Uuid, String)> {
    let sql = format!("SELECT id, slug, name FROM {}", blog::Tag::meta().table);
    db.raw(&sql, [])
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let mut row = row.into_iter();
            let mut next = || row.next().expect("three columns");
            let id = uuid(next());
            let slug = text(next());
            (slug, (id, text(next())))
        })
        .collect()
}

/// The statements among `recorded` that start with `prefix`.
fn starting(recorded: &[String], prefix: &str) -> Vec<String> {
    recorded
        .iter()
        .filter(|s| s.starts_with(prefix))
        .cloned()
        .collect()
}

/// A handle on the test's database with a pool of 10 connections, tables created.
async fn pooled(t: &TestDb) -> Db {
    let options = PoolOptions {
        max_connections: 10,
        ..PoolOptions::default()
    };
    let db = aksara::connect_with(t.url(), blog::registry(), options)
        .await
        .unwrap();
    aksara::ddl::create_all(&db).await.unwrap();
    db
}

/// New and existing rows mixed: one model per record, in order, each with the key its row has;
/// the existing rows are left as they were.
async fn do_nothing_returns_every_key_in_order(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let rust = tag("rust", "Rust").create(&db).await.unwrap();
    let go = tag("go", "Go").create(&db).await.unwrap();
    db.record_sql();
    let tags = blog::Tag::objects()
        .bulk_create(
            &db,
            [
                tag("python", "Python"),
                tag("rust", "Rust, renamed"),
                tag("zig", "Zig"),
                tag("go", "Go, renamed"),
            ],
        )
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    let statements = db.recorded_sql();
    let inserts = starting(&statements, "INSERT");
    let clause = match t.backend() {
        Backend::Mysql => "ON DUPLICATE KEY UPDATE `slug` = `slug`",
        _ => "ON CONFLICT (\"slug\") DO NOTHING",
    };
    assert_eq!(inserts.len(), 1, "{inserts:?}");
    assert!(inserts[0].ends_with(clause), "{}", inserts[0]);
    assert_eq!(
        starting(&statements, "SELECT").len(),
        1,
        "one read finds every row: {statements:?}"
    );

    let slugs: Vec<&str> = tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["python", "rust", "zig", "go"]);
    assert_eq!((tags[1].id, tags[1].name.as_str()), (rust.id, "Rust"));
    assert_eq!((tags[3].id, tags[3].name.as_str()), (go.id, "Go"));
    let expected: BTreeMap<String, (Uuid, String)> = [
        ("go", go.id, "Go"),
        ("python", tags[0].id, "Python"),
        ("rust", rust.id, "Rust"),
        ("zig", tags[2].id, "Zig"),
    ]
    .into_iter()
    .map(|(slug, id, name)| (slug.to_string(), (id, name.to_string())))
    .collect();
    assert_eq!(stored_tags(&db).await, expected);

    // Everything there already: the same keys again, nothing changed.
    let again = blog::Tag::objects()
        .bulk_create(&db, [tag("zig", "Zag"), tag("rust", "Rust?")])
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    assert_eq!((again[0].id, again[1].id), (tags[2].id, rust.id));
    assert_eq!(stored_tags(&db).await, expected);
}

fn author(name: &str, email: &str, age: i32) -> lookups::AuthorBuilder {
    lookups::Author::build().name(name).email(email).age(age)
}

/// `do_update` sets the named fields of a conflicting row and nothing else.
async fn do_update_changes_only_the_named_fields(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let jane = author("Jane", "jane@example.com", 34)
        .website("https://jane.example.com")
        .create(&db)
        .await
        .unwrap();
    author("Bob", "bob@example.com", 50)
        .create(&db)
        .await
        .unwrap();
    db.record_sql();
    let out = lookups::Author::objects()
        .bulk_create(
            &db,
            [
                author("Jane Doe", "jane@example.com", 99),
                author("Ann", "ann@example.com", 20),
            ],
        )
        .on_conflict(["email"])
        .do_update(["name"])
        .await
        .unwrap();
    let inserts = starting(&db.recorded_sql(), "INSERT");
    let clause = match t.backend() {
        Backend::Mysql => "ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)",
        _ => "ON CONFLICT (\"email\") DO UPDATE SET \"name\" = EXCLUDED.\"name\"",
    };
    assert!(inserts[0].ends_with(clause), "{}", inserts[0]);
    assert_eq!(out[0].id, jane.id, "the existing row's key");
    assert_eq!((out[0].name.as_str(), out[0].age), ("Jane Doe", 34));
    assert_eq!(
        out[0].website.as_deref(),
        Some("https://jane.example.com"),
        "a field not named keeps its value"
    );
    assert_eq!((out[1].name.as_str(), out[1].age), ("Ann", 20));

    let sql = format!(
        "SELECT email, name, age FROM {} ORDER BY email",
        lookups::Author::meta().table
    );
    let stored: Vec<(String, String, i64)> = db
        .raw(&sql, [])
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let mut row = row.into_iter();
            let mut next = || row.next().expect("three columns");
            (text(next()), text(next()), int(next()))
        })
        .collect();
    let expected = [
        ("ann@example.com", "Ann", 20),
        ("bob@example.com", "Bob", 50),
        ("jane@example.com", "Jane Doe", 34),
    ]
    .map(|(e, n, a)| (e.to_string(), n.to_string(), a));
    assert_eq!(stored, expected);
    let sql = format!(
        "SELECT id FROM {} WHERE email = {{}}",
        lookups::Author::meta().table
    );
    let key = db.raw(&sql, ["ann@example.com".into()]).await.unwrap();
    assert_eq!(uuid(key[0][0].clone()), out[1].id);
}

/// Records sharing their conflict values are one row: written from the first, with
/// `do_update` holding the last one's values of the fields named.
async fn duplicates_within_one_call(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let out = blog::Tag::objects()
        .bulk_create(&db, [tag("a", "A1"), tag("b", "B"), tag("a", "A2")])
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0].id, out[2].id);
    assert_eq!((out[0].name.as_str(), out[2].name.as_str()), ("A1", "A1"));
    let stored = stored_tags(&db).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored["a"], (out[0].id, "A1".to_string()));

    let out = blog::Tag::objects()
        .bulk_create(
            &db,
            [
                tag("a", "A3"),
                tag("c", "C1"),
                tag("c", "C2"),
                tag("a", "A4"),
            ],
        )
        .on_conflict(["slug"])
        .do_update(["name"])
        .await
        .unwrap();
    let names: Vec<&str> = out.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["A4", "C2", "C2", "A4"]);
    assert_eq!((out[1].id, out[3].id), (out[2].id, out[0].id));
    let stored = stored_tags(&db).await;
    let expected: BTreeMap<String, (Uuid, String)> = [
        ("a", out[0].id, "A4"),
        ("b", stored["b"].0, "B"),
        ("c", out[1].id, "C2"),
    ]
    .into_iter()
    .map(|(slug, id, name)| (slug.to_string(), (id, name.to_string())))
    .collect();
    assert_eq!(stored, expected);
}

/// Conflict fields that are not a unique constraint, and update fields that cannot be updated,
/// are refused by name before any SQL; a row conflicting on another unique constraint fails
/// the call and nothing is written.
async fn bad_targets_are_refused_with_nothing_written(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let rows = || [tag("rust", "Rust"), tag("go", "Go")];
    let objects = blog::Tag::objects;
    let before = db.query_count();
    let refusals = [
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["name", "slug"])
                .do_nothing()
                .await,
            &[
                "Tag",
                "`name`, `slug`",
                "not a unique constraint",
                "[\"slug\"]",
            ][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["title"])
                .do_nothing()
                .await,
            &["Tag", "`title`", "not a field"][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(Vec::<&str>::new())
                .do_nothing()
                .await,
            &["Tag", "on_conflict"][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["slug"])
                .do_update(["slug"])
                .await,
            &["Tag", "`slug`", "conflict field"][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["slug"])
                .do_update(["id"])
                .await,
            &["Tag", "`id`", "primary key"][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["slug"])
                .do_update(["posts"])
                .await,
            &["Tag", "`posts`"][..],
        ),
        (
            objects()
                .bulk_create(&db, rows())
                .on_conflict(["slug"])
                .do_update(Vec::<&str>::new())
                .await,
            &["Tag", "do_update"][..],
        ),
    ];
    for (result, words) in refusals {
        let e = expect_err(result, "a refused upsert");
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert_mentions(&e.to_string(), words);
    }
    assert_eq!(db.query_count(), before, "no SQL ran");
    assert_eq!(table_rows(&db, "tags").await, 0);

    // A record is checked as bulk_create checks it, before any SQL too.
    let before = db.query_count();
    let e = expect_err(
        objects()
            .bulk_create(&db, [tag("ok", "Ok"), tag("x", &"long".repeat(10))])
            .on_conflict(["slug"])
            .do_nothing()
            .await,
        "a too-long name",
    );
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
    assert_mentions(&e.to_string(), &["Tag", "name", "record 2 of 2"]);
    assert_eq!(db.query_count(), before, "no SQL ran");

    // A conflict on another unique constraint (the name) than the one named: refused on
    // every backend, and the new row of the same call is not kept.
    tag("rust", "Rust").create(&db).await.unwrap();
    let e = expect_err(
        objects()
            .bulk_create(&db, [tag("new", "New"), tag("other", "Rust")])
            .on_conflict(["slug"])
            .do_nothing()
            .await,
        "a conflict on the name",
    );
    assert!(matches!(e, Error::Integrity { .. }), "{e:?}");
    assert_mentions(&e.to_string(), &["Tag"]);
    assert_eq!(
        stored_tags(&db).await.into_keys().collect::<Vec<_>>(),
        ["rust"]
    );
}

/// A single `create` takes `.on_conflict(..)` too, and returns the row as stored.
async fn a_single_create_upserts(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let first = blog::Tag::objects()
        .create(&db, tag("rust", "Rust"))
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    let found = blog::Tag::objects()
        .create(&db, tag("rust", "Rust, again"))
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    assert_eq!((found.id, found.name.as_str()), (first.id, "Rust"));
    let updated = blog::Tag::objects()
        .create(&db, tag("rust", "Rust!"))
        .on_conflict(["slug"])
        .do_update(["name"])
        .await
        .unwrap();
    assert_eq!((updated.id, updated.name.as_str()), (first.id, "Rust!"));
    let e = expect_err(
        blog::Tag::objects()
            .create(&db, tag("go", "Go"))
            .on_conflict(["id", "name"])
            .do_nothing()
            .await,
        "a refused target",
    );
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let expected: BTreeMap<String, (Uuid, String)> =
        [("rust".to_string(), (first.id, "Rust!".to_string()))].into();
    assert_eq!(stored_tags(&db).await, expected);
    // Without on_conflict it is the plain insert, refused on the unique slug.
    let e = expect_err(
        blog::Tag::objects().create(&db, tag("rust", "R")).await,
        "a duplicate slug",
    );
    assert!(matches!(e, Error::Integrity { .. }), "{e:?}");
}

/// Keys the database assigns, and a `unique_together` set as the conflict target.
async fn assigned_keys_and_unique_together(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let country = |name: &str, code: &str| lookups::Country::build().name(name).code(code);
    let france = country("France", "FR").create(&db).await.unwrap();
    let out = lookups::Country::objects()
        .bulk_create(
            &db,
            [country("Germany", "DE"), country("France (updated)", "FR")],
        )
        .on_conflict(["code"])
        .do_update(["name"])
        .await
        .unwrap();
    assert_eq!(out[1].id, france.id);
    let sql = format!(
        "SELECT code, id, name FROM {} ORDER BY code",
        lookups::Country::meta().table
    );
    let stored: Vec<(String, i64, String)> = db
        .raw(&sql, [])
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let mut row = row.into_iter();
            let mut next = || row.next().expect("three columns");
            (text(next()), int(next()), text(next()))
        })
        .collect();
    assert_eq!(
        stored,
        [
            ("DE".to_string(), out[0].id, "Germany".to_string()),
            ("FR".to_string(), france.id, "France (updated)".to_string()),
        ]
    );
    // The conflict target is the key, which the database assigns: a record without it could
    // not be found again.
    let e = expect_err(
        lookups::Country::objects()
            .bulk_create(&db, [country("Spain", "ES")])
            .on_conflict(["id"])
            .do_update(["name"])
            .await,
        "a missing key",
    );
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
    assert_mentions(&e.to_string(), &["Country", "id", "record 1 of 1"]);
    let by_key = lookups::Country::objects()
        .bulk_create(
            &db,
            [aksara::NewRecord::from(country("Frankreich", "FR"))
                .set("id", france.id)
                .unwrap()],
        )
        .on_conflict(["pk"])
        .do_update(["name"])
        .await
        .unwrap();
    assert_eq!(
        (by_key[0].id, by_key[0].name.as_str()),
        (france.id, "Frankreich")
    );

    let db = t.db(m2m::registry()).await;
    let ann = m2m::Person::build().name("Ann").create(&db).await.unwrap();
    let bob = m2m::Person::build().name("Bob").create(&db).await.unwrap();
    let band = m2m::Group::build().name("Band").create(&db).await.unwrap();
    let member = |p: &m2m::Person, joined: i32| {
        m2m::Membership::build()
            .person(p)
            .group(&band)
            .joined(joined)
    };
    let first = member(&ann, 2000).create(&db).await.unwrap();
    let e = expect_err(
        m2m::Membership::objects()
            .bulk_create(&db, [member(&ann, 2024)])
            .on_conflict(["person"])
            .do_nothing()
            .await,
        "one field of a unique_together set",
    );
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert_mentions(
        &e.to_string(),
        &["Membership", "`person`", "[\"person\", \"group\"]"],
    );
    let out = m2m::Membership::objects()
        .bulk_create(&db, [member(&ann, 2024), member(&bob, 2025)])
        .on_conflict(["group", "person"])
        .do_update(["joined"])
        .await
        .unwrap();
    assert_eq!(out[0].id, first.id);
    let sql = format!(
        "SELECT id, person_id, joined FROM {} ORDER BY joined",
        m2m::Membership::meta().table
    );
    let stored: Vec<(i64, i64, i64)> = db
        .raw(&sql, [])
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                int(row[0].clone()),
                int(row[1].clone()),
                int(row[2].clone()),
            )
        })
        .collect();
    assert_eq!(
        stored,
        [(first.id, ann.id, 2024), (out[1].id, bob.id, 2025)]
    );
}

/// More rows than one statement can carry, half of them there already: split into several
/// inserts in one transaction, every record getting its row's key.
async fn a_batch_beyond_the_bind_limit(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let slug = |i: usize| format!("s{i:05}");
    blog::Tag::objects()
        .bulk_create(
            &db,
            (0..BEYOND_THE_LIMIT)
                .filter(|i| i % 2 == 0)
                .map(|i| tag(&slug(i), &format!("old{i}"))),
        )
        .await
        .unwrap();
    db.record_sql();
    let order: Vec<usize> = (0..BEYOND_THE_LIMIT).rev().collect();
    let out = blog::Tag::objects()
        .bulk_create(
            &db,
            order.iter().map(|&i| tag(&slug(i), &format!("new{i}"))),
        )
        .on_conflict(["slug"])
        .do_nothing()
        .await
        .unwrap();
    let per_statement = if t.backend() == Backend::Sqlite {
        10_922
    } else {
        21_845
    };
    assert_eq!(
        starting(&db.recorded_sql(), "INSERT").len(),
        BEYOND_THE_LIMIT.div_ceil(per_statement)
    );
    assert_eq!(out.len(), BEYOND_THE_LIMIT);
    let stored = stored_tags(&db).await;
    assert_eq!(stored.len(), BEYOND_THE_LIMIT);
    for (tag, &i) in out.iter().zip(&order) {
        assert_eq!(tag.slug, slug(i));
        let name = if i % 2 == 0 { "old" } else { "new" };
        assert_eq!(tag.name, format!("{name}{i}"));
        assert_eq!(stored[&tag.slug], (tag.id, tag.name.clone()), "record {i}");
    }
}

/// 8 tasks at once each upsert an overlapping set of tags, create a post and link the tags
/// they got back: every task succeeds, each slug is one row, every post has all its tags.
async fn concurrent_posts_with_new_tags(t: TestDb) {
    const TASKS: usize = 8;
    let db = pooled(&t).await;
    let jane = blog::User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let slugs_of = |i: usize| {
        let mut slugs = vec![
            "common".to_string(),
            format!("pair{}", i / 2),
            format!("t{i}"),
            format!("t{}", (i + 1) % TASKS),
        ];
        if i % 2 == 1 {
            slugs.reverse();
        }
        slugs
    };
    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (db, barrier, jane, slugs) = (db.clone(), barrier.clone(), jane.clone(), slugs_of(i));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let tags = blog::Tag::objects()
                .bulk_create(&db, slugs.iter().map(|s| tag(s, &format!("Tag {s}"))))
                .on_conflict(["slug"])
                .do_nothing()
                .await?;
            let post = blog::Post::build()
                .title(format!("Post {i}"))
                .content("...")
                .author(&jane)
                .create(&db)
                .await?;
            post.tags().add(&db, &tags).await?;
            Ok::<_, Error>((post, tags))
        }));
    }
    let mut posts = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok((post, tags)) => {
                let slugs: Vec<String> = tags.iter().map(|t| t.slug.clone()).collect();
                assert_eq!(slugs, slugs_of(i), "the tags of task {i}, in order");
                posts.push(post);
            }
            Err(e) => panic!("task {i} failed: {e}"),
        }
    }
    let stored = stored_tags(&db).await;
    let every: BTreeSet<String> = (0..TASKS).flat_map(slugs_of).collect();
    assert_eq!(stored.keys().cloned().collect::<BTreeSet<_>>(), every);
    assert_eq!(table_rows(&db, "tags").await, every.len() as i64);
    for (i, post) in posts.iter().enumerate() {
        let linked: BTreeSet<String> = post
            .tags()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.slug)
            .collect();
        assert_eq!(linked, slugs_of(i).into_iter().collect(), "post {i}");
    }
    assert_eq!(table_rows(&db, "post_tags").await, (TASKS * 4) as i64);
}

/// 50 tasks (pool of 10) upsert the same tag at once: 50 Ok results, all the same row.
async fn fifty_tasks_upsert_one_slug(t: TestDb) {
    const TASKS: usize = 50;
    let db = pooled(&t).await;
    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let rows = [tag("rust", "Rust")];
            let upsert = blog::Tag::objects()
                .bulk_create(&db, rows)
                .on_conflict(["slug"]);
            if i % 5 == 0 {
                upsert.do_update(["name"]).await
            } else {
                upsert.do_nothing().await
            }
        }));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        let tags = task.await.unwrap().expect("every upsert returns Ok");
        assert_eq!(tags.len(), 1);
        ids.insert(tags[0].id);
    }
    assert_eq!(ids.len(), 1, "every call returned the same row");
    let stored = stored_tags(&db).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored["rust"],
        (ids.pop_first().unwrap(), "Rust".to_string())
    );
}

backend_tests!(
    do_nothing_returns_every_key_in_order,
    do_update_changes_only_the_named_fields,
    duplicates_within_one_call,
    bad_targets_are_refused_with_nothing_written,
    assigned_keys_and_unique_together,
    a_single_create_upserts,
    a_batch_beyond_the_bind_limit,
    concurrent_posts_with_new_tags,
    fifty_tasks_upsert_one_slug,
);
