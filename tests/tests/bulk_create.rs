//! `bulk_create`: many rows in few statements, with their keys, in order, atomically; and
//! the operations on more rows than one statement can carry (many-to-many `add`,
//! `prefetch_related`).

mod common;

use aksara::{Db, Error, Model, NewRecord};
use aksara_tests::{backend_tests, Backend, TestDb};
use common::{assert_mentions, expect_err, table_rows};

mod lookups {
    pub use aksara_tests::models::lookups::*;
}
mod blog {
    pub use aksara_tests::models::blog::*;
}

/// More rows than one statement can carry on any backend (three columns: 21,845 rows per
/// statement on PostgreSQL and MySQL, 10,922 on SQLite).
const BEYOND_THE_LIMIT: usize = 25_000;

async fn author_and_post(db: &Db) -> lookups::Post {
    let author = lookups::Author::build()
        .name("Jane")
        .email("jane@example.com")
        .age(34)
        .create(db)
        .await
        .unwrap();
    lookups::Post::build()
        .title("P")
        .content("c")
        .author(&author)
        .views(0)
        .rating(0.0)
        .create(db)
        .await
        .unwrap()
}

fn country(i: usize) -> lookups::CountryBuilder {
    let code: String = [b'A' + (i / 26) as u8, b'A' + (i % 26) as u8]
        .iter()
        .map(|&b| b as char)
        .collect();
    lookups::Country::build()
        .name(format!("Country {i}"))
        .code(code)
}

/// Keys the database assigns come back in the order of the records, and match the rows.
async fn assigned_keys_come_back_in_order(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    db.record_sql();
    let before = db.query_count();
    let created = lookups::Country::objects()
        .bulk_create(&db, (0..50).map(country))
        .await
        .unwrap();
    // One INSERT (with RETURNING); on MySQL also the auto-increment settings and
    // LAST_INSERT_ID(), in a transaction (keys are read row by row when InnoDB does not hand
    // out consecutive ones).
    let statements = db.query_count() - before;
    let expected = if t.backend() == Backend::Mysql { 5 } else { 1 };
    assert_eq!(
        statements,
        expected,
        "statements for 50 rows: {:?}",
        db.recorded_sql()
    );
    assert_eq!(created.len(), 50);
    for (i, c) in created.iter().enumerate() {
        assert_eq!(c.name, format!("Country {i}"));
        let stored = lookups::Country::objects()
            .get_by_pk(&db, c.id)
            .await
            .unwrap();
        assert_eq!(
            stored.name, c.name,
            "key {} names the row it was given",
            c.id
        );
    }
    let mut ids: Vec<i64> = created.iter().map(|c| c.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 50, "distinct keys");
}

/// Generated UUID keys, defaults and the reverse manager's link are filled in per row.
async fn generated_keys_defaults_and_links(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let post = author_and_post(&db).await;
    let author = post.author.get(&db).await.unwrap();
    let posts = author
        .posts()
        .bulk_create(
            &db,
            (0..3).map(|i| {
                lookups::Post::build()
                    .title(format!("T{i}"))
                    .content("c")
                    .views(i)
                    .rating(1.5)
            }),
        )
        .await
        .unwrap();
    assert_eq!(posts.len(), 3);
    for (i, p) in posts.iter().enumerate() {
        assert_eq!(p.title, format!("T{i}"));
        assert!(!p.published, "the default applies");
        assert_eq!(p.author.id(), &author.id, "the manager sets the link");
        let stored = lookups::Post::objects().get_by_pk(&db, p.id).await.unwrap();
        assert_eq!(stored.title, p.title);
        assert_eq!(stored.created_at, p.created_at);
    }
    assert_eq!(author.posts().count(&db).await.unwrap(), 4);
}

/// Records that give their key and records that do not can be mixed.
async fn given_and_assigned_keys_mix(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let records: Vec<NewRecord<lookups::Country>> = (0..4)
        .map(|i| {
            let record: NewRecord<_> = country(i).into();
            if i % 2 == 0 {
                record.set("id", 1000 + i as i64).unwrap()
            } else {
                record
            }
        })
        .collect();
    let created = lookups::Country::objects()
        .bulk_create(&db, records)
        .await
        .unwrap();
    assert_eq!(created[0].id, 1000);
    assert_eq!(created[2].id, 1002);
    for c in &created {
        let stored = lookups::Country::objects()
            .get_by_pk(&db, c.id)
            .await
            .unwrap();
        assert_eq!(stored.code, c.code);
    }
    assert_eq!(table_rows(&db, &lookups::Country::meta().table).await, 4);
}

/// More rows than one statement can carry: split, all inserted, each key matching its row.
async fn rows_beyond_the_bind_limit(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let post = author_and_post(&db).await;
    db.record_sql();
    let created = lookups::Comment::objects()
        .bulk_create(
            &db,
            (0..BEYOND_THE_LIMIT).map(|i| {
                lookups::Comment::build()
                    .body(format!("b{i}"))
                    .score(i as i32)
                    .post(&post)
            }),
        )
        .await
        .unwrap();
    let inserts = db
        .recorded_sql()
        .iter()
        .filter(|s| s.starts_with("INSERT"))
        .count();
    let per_statement = if t.backend() == Backend::Sqlite {
        10_922
    } else {
        21_845
    };
    assert_eq!(inserts, BEYOND_THE_LIMIT.div_ceil(per_statement));
    assert_eq!(created.len(), BEYOND_THE_LIMIT);
    let stored: std::collections::HashMap<i64, String> = lookups::Comment::objects()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.body))
        .collect();
    assert_eq!(stored.len(), BEYOND_THE_LIMIT);
    for (i, c) in created.iter().enumerate() {
        assert_eq!(c.body, format!("b{i}"));
        assert_eq!(stored.get(&c.id), Some(&c.body), "key of record {i}");
    }
}

/// A bad record is named and refused before any SQL; a refused row rolls back every
/// statement of the call.
async fn failures_leave_the_database_as_it_was(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let before = db.query_count();
    let e = expect_err(
        lookups::Country::objects()
            .bulk_create(
                &db,
                [
                    country(0),
                    lookups::Country::build().name("Far too long").code("ABC"),
                    country(2),
                ],
            )
            .await,
        "a validation error",
    );
    assert!(matches!(e, Error::Validation { .. }), "{e}");
    assert_mentions(&e.to_string(), &["Country", "code", "record 2 of 3"]);
    assert_eq!(db.query_count(), before, "no SQL ran");

    let e = expect_err(
        lookups::Country::objects()
            .bulk_create(&db, [country(0), country(1), country(0)])
            .await,
        "a unique violation",
    );
    assert!(matches!(e, Error::Integrity { .. }), "{e}");
    assert_eq!(table_rows(&db, &lookups::Country::meta().table).await, 0);

    // The last of many statements fails: the ones before it are rolled back too.
    let post = author_and_post(&db).await;
    let e = expect_err(
        lookups::Comment::objects()
            .bulk_create(
                &db,
                (0..BEYOND_THE_LIMIT).map(|i| {
                    let c = lookups::Comment::build().body("b").score(0);
                    if i + 1 == BEYOND_THE_LIMIT {
                        c.post_id(uuid::Uuid::now_v7())
                    } else {
                        c.post(&post)
                    }
                }),
            )
            .await,
        "a foreign key violation",
    );
    assert!(matches!(e, Error::ForeignKeyConstraint { .. }), "{e}");
    assert_eq!(table_rows(&db, &lookups::Comment::meta().table).await, 0);
}

/// Nothing to create is no statement at all.
async fn an_empty_bulk_runs_nothing(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let before = db.query_count();
    let created = lookups::Country::objects()
        .bulk_create(&db, Vec::<lookups::CountryBuilder>::new())
        .await
        .unwrap();
    assert!(created.is_empty());
    assert_eq!(db.query_count(), before);
}

/// The blog schema with one post and `count` tags (made with one `bulk_create`).
async fn post_and_tags(t: &TestDb, count: usize) -> (Db, blog::Post, Vec<blog::Tag>) {
    let db = t.db(blog::registry()).await;
    let user = blog::User::build()
        .email("a@example.com")
        .name("A")
        .create(&db)
        .await
        .unwrap();
    let post = blog::Post::build()
        .title("P")
        .content("c")
        .author(&user)
        .create(&db)
        .await
        .unwrap();
    let tags = blog::Tag::objects()
        .bulk_create(
            &db,
            (0..count).map(|i| {
                blog::Tag::build()
                    .name(format!("t{i}"))
                    .slug(format!("t{i}"))
            }),
        )
        .await
        .unwrap();
    (db, post, tags)
}

/// Many-to-many `add` of more pairs than one statement can carry links every one.
async fn m2m_add_beyond_the_bind_limit(t: TestDb) {
    let count = 12_000;
    let (db, post, tags) = post_and_tags(&t, count).await;
    post.tags().add(&db, &tags).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), count as u64);
    // Idempotent across statements too.
    post.tags().add(&db, &tags).await.unwrap();
    assert_eq!(table_rows(&db, "post_tags").await, count as i64);
}

/// A prefetch for more parents than one statement can carry keys for loads every one.
async fn prefetch_beyond_the_bind_limit(t: TestDb) {
    let count = 33_000;
    let (db, post, tags) = post_and_tags(&t, count).await;
    let (first, last) = (&tags[0], &tags[count - 1]);
    post.tags().add(&db, [first, last]).await.unwrap();
    db.record_sql();
    let loaded = blog::Tag::objects()
        .order_by(["name"])
        .prefetch_related(["posts"])
        .all(&db)
        .await
        .unwrap();
    let queries = db.recorded_sql().len();
    // PostgreSQL binds the keys as one array; SQLite's limit (32,766) needs two queries.
    let expected = if t.backend() == Backend::Sqlite { 3 } else { 2 };
    assert_eq!(queries, expected, "queries for {count} parents");
    assert_eq!(loaded.len(), count);
    let linked: Vec<&str> = loaded
        .iter()
        .filter(|t| !t.posts().loaded().unwrap().is_empty())
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(linked.len(), 2);
    assert!(linked.contains(&first.name.as_str()) && linked.contains(&last.name.as_str()));
}

/// A filter with an `in` list longer than one statement can carry is refused by name on the
/// backends that bind lists item by item (SQLite: about 31,000 items), and runs elsewhere.
async fn in_lists_beyond_the_bind_limit(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let ids: Vec<i64> = (1..=40_000).collect();
    let result = lookups::Country::objects()
        .filter(aksara::Condition::new("id__in", aksara::value_list(ids)))
        .count(&db)
        .await;
    if t.backend() == Backend::Sqlite {
        let e = expect_err(result, "a refused list");
        assert!(matches!(e, Error::Validation { .. }), "{e}");
        assert_mentions(&e.to_string(), &["Country", "id", "40000 values", "split"]);
    } else {
        assert_eq!(result.unwrap(), 0);
    }
}

backend_tests!(
    in_lists_beyond_the_bind_limit,
    prefetch_beyond_the_bind_limit,
    assigned_keys_come_back_in_order,
    generated_keys_defaults_and_links,
    given_and_assigned_keys_mix,
    rows_beyond_the_bind_limit,
    failures_leave_the_database_as_it_was,
    an_empty_bulk_runs_nothing,
    m2m_add_beyond_the_bind_limit,
);
