//! What each backend must do under the ORM: keep few prepared statements (MySQL / MariaDB and
//! PostgreSQL), enforce foreign keys (SQLite's are off unless asked for), store UUIDs,
//! date-times and the other field kinds so they come back equal, drop tables of a foreign key
//! cycle, report constraint errors with their field, and open by URL.

use aksara::{q, value_list, Db, Error, ForeignKey, Model, Registry, Value, CASCADE, RESTRICT};
use aksara_tests::{backend_tests, Backend, TestDb};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// A row of every field kind.
#[derive(Model, Debug, Clone)]
#[aksara(table = "samples")]
pub struct Sample {
    pub id: Uuid,
    #[aksara(max_length = 50)]
    pub label: String,
    pub other: Option<Uuid>,
    pub flag: bool,
    pub small: i32,
    pub big: i64,
    pub ratio: f64,
    pub at: DateTime<Utc>,
    pub day: Option<NaiveDate>,
    pub doc: Option<serde_json::Value>,
    pub blob: Option<Vec<u8>>,
}

/// A model whose key the database assigns.
#[derive(Model, Debug, Clone)]
#[aksara(table = "counters")]
pub struct Counter {
    pub id: i64,
    #[aksara(max_length = 20, unique)]
    pub name: String,
}

/// A parent, for cascades.
#[derive(Model, Debug, Clone)]
#[aksara(table = "owners")]
pub struct Owner {
    pub id: Uuid,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// A child deleted with its owner.
#[derive(Model, Debug, Clone)]
#[aksara(table = "pets")]
pub struct Pet {
    pub id: Uuid,
    #[aksara(max_length = 20)]
    pub name: String,
    #[aksara(on_delete = CASCADE, related_name = "pets")]
    pub owner: ForeignKey<Owner>,
}

/// One side of a foreign key cycle.
#[derive(Model, Debug, Clone)]
#[aksara(table = "eggs")]
pub struct Egg {
    pub id: Uuid,
    #[aksara(on_delete = RESTRICT, related_name = "laid")]
    pub hen: Option<ForeignKey<Hen>>,
}

/// The other side of the cycle.
#[derive(Model, Debug, Clone)]
#[aksara(table = "hens")]
pub struct Hen {
    pub id: Uuid,
    #[aksara(on_delete = RESTRICT, related_name = "hatched")]
    pub egg: Option<ForeignKey<Egg>>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Sample>()
        .model::<Counter>()
        .model::<Pet>()
        .build()
        .expect("valid models")
}

/// The number of statements the server has prepared on the connection `tx` runs on, where
/// the backend can tell (`None` on SQLite, whose statements are prepared in process).
async fn statements_prepared(tx: &Db, backend: Backend) -> Option<i64> {
    let rows = match backend {
        Backend::Mysql => tx
            .raw("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'", [])
            .await
            .unwrap(),
        Backend::Postgres => tx
            .raw("SELECT COUNT(*) FROM pg_prepared_statements", [])
            .await
            .unwrap(),
        Backend::Sqlite => return None,
    };
    let value = rows.into_iter().next()?.into_iter().last()?;
    Some(match value {
        Value::String(s) => s.parse().unwrap(),
        Value::Bytes(b) => String::from_utf8(b).unwrap().parse().unwrap(),
        other => other.as_i64().unwrap(),
    })
}

/// Loading rows by `in` lists of every length from 1 to 200 prepares a bounded number of
/// statements on one connection: the lists are padded to a few fixed sizes on MySQL / MariaDB
/// (and SQLite), and bound as one array on PostgreSQL. Padding never repeats a row.
async fn in_lists_keep_the_statement_cache_small(t: TestDb) {
    let db = t.db(registry()).await;
    let backend = t.backend();
    let mut ids = Vec::new();
    for i in 0..200 {
        let owner = Owner::build()
            .name(format!("o{i}"))
            .create(&db)
            .await
            .unwrap();
        ids.push(owner.id);
    }
    let (before, after) = db
        .transaction(|tx| async move {
            // Warm up the status query itself, so that it is prepared before counting starts.
            statements_prepared(&tx, backend).await;
            let before = statements_prepared(&tx, backend).await;
            for n in 1..=ids.len() {
                let found = Owner::objects()
                    .filter(q!(id__in = value_list(ids[..n].iter().copied())))
                    .all(&tx)
                    .await?;
                assert_eq!(found.len(), n, "{n} ids, each row once");
            }
            let after = statements_prepared(&tx, backend).await;
            Ok((before, after))
        })
        .await
        .unwrap();
    if let (Some(before), Some(after)) = (before, after) {
        let prepared = after - before;
        // MySQL: one statement per padded size reached (1, 2, 4, ..., 256: 9); PostgreSQL: one
        // (`= ANY($1)`). Without padding it would be 200.
        let bound = if backend == Backend::Postgres { 2 } else { 10 };
        assert!(
            prepared <= bound,
            "{prepared} statements prepared for 200 list lengths on {}",
            backend.name()
        );
        assert!(prepared >= 1, "the counter moved ({before} -> {after})");
    }
}

/// Foreign keys are enforced on every connection (SQLite needs `PRAGMA foreign_keys = ON` on
/// each one): a raw `DELETE` of the parent cascades, and a child with no parent is refused.
async fn foreign_keys_are_enforced(t: TestDb) {
    let db = t.db(registry()).await;
    if t.backend() == Backend::Sqlite {
        // On every connection, not only the first: each handle opens its own.
        for _ in 0..3 {
            let other = t.connect(registry()).await;
            let rows = other.raw("PRAGMA foreign_keys", []).await.unwrap();
            assert_eq!(rows, vec![vec![Value::I64(1)]]);
        }
    }
    let owner = Owner::build().name("Ann").create(&db).await.unwrap();
    for name in ["Rex", "Tom"] {
        Pet::build()
            .name(name)
            .owner(&owner)
            .create(&db)
            .await
            .unwrap();
    }
    assert_eq!(Pet::objects().count(&db).await.unwrap(), 2);
    db.raw_execute("DELETE FROM owners WHERE id = {}", [owner.id.into()])
        .await
        .unwrap();
    assert_eq!(Pet::objects().count(&db).await.unwrap(), 0, "CASCADE ran");

    let err = Pet::build()
        .name("Stray")
        .owner_id(Uuid::now_v7())
        .create(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Pet" && relation == "owner"),
        "{err:?}"
    );
}

/// UUIDs, date-times and every other kind come back equal on every backend, filter by
/// equality and `in`, and order correctly.
async fn values_round_trip(t: TestDb) {
    let db = t.db(registry()).await;
    let at = Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
        + chrono::Duration::microseconds(123_456);
    // A UUID whose 16 bytes are valid UTF-8 text, and the nil UUID.
    let textual = Uuid::from_bytes(*b"abcdefghijklmnop");
    let samples = [
        (Uuid::now_v7(), "first", Some(textual), true, at),
        (
            textual,
            "textual",
            None,
            false,
            at + chrono::Duration::seconds(1),
        ),
        (
            Uuid::nil(),
            "nil",
            Some(Uuid::max()),
            false,
            at - chrono::Duration::days(400),
        ),
    ];
    for (id, label, other, flag, at) in samples {
        let mut build = Sample::build().id(id).label(label);
        if let Some(other) = other {
            build = build.other(other);
        }
        let created = build
            .flag(flag)
            .small(-7)
            .big(i64::MAX - 1)
            .ratio(0.25)
            .at(at)
            .day(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
            .doc(serde_json::json!({"k": [1, "two", null]}))
            .blob(vec![0u8, 255, 10, 13])
            .create(&db)
            .await
            .unwrap();
        assert_eq!(created.id, id);
        let read = Sample::objects().get(&db, q!(id = id)).await.unwrap();
        assert_eq!(read.id, id, "{label}");
        assert_eq!(read.label, label);
        assert_eq!(read.other, other, "{label}");
        assert_eq!(read.flag, flag);
        assert_eq!(read.small, -7);
        assert_eq!(read.big, i64::MAX - 1);
        assert_eq!(read.ratio, 0.25);
        assert_eq!(read.at, at, "{label}: microseconds survive");
        assert_eq!(read.day, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(read.doc, Some(serde_json::json!({"k": [1, "two", null]})));
        assert_eq!(read.blob, Some(vec![0u8, 255, 10, 13]));
    }
    let by_other = Sample::objects()
        .filter(q!(other = textual))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(by_other.len(), 1);
    assert_eq!(by_other[0].label, "first");
    let among = Sample::objects()
        .filter(q!(id__in = value_list([textual, Uuid::nil()])))
        .order_by(["at"])
        .all(&db)
        .await
        .unwrap();
    let labels: Vec<&str> = among.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["nil", "textual"], "ordered by date-time");
    let later = Sample::objects()
        .filter(q!(at__gt = at))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(later.len(), 1, "date-times compare as times");
    assert_eq!(
        Sample::objects()
            .filter(q!(flag = true))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        Sample::objects()
            .filter(q!(other__isnull = true))
            .count(&db)
            .await
            .unwrap(),
        1
    );
}

/// `contains` is case-sensitive on every backend, `icontains` is not.
async fn contains_is_case_sensitive(t: TestDb) {
    let db = t.db(registry()).await;
    Owner::build().name("Big Post").create(&db).await.unwrap();
    let count = |condition| {
        let db = db.clone();
        async move { Owner::objects().filter(condition).count(&db).await.unwrap() }
    };
    assert_eq!(count(q!(name__contains = "post")).await, 0);
    assert_eq!(count(q!(name__contains = "Post")).await, 1);
    assert_eq!(count(q!(name__icontains = "post")).await, 1);
    assert_eq!(count(q!(name = "big post")).await, 0, "= is case-sensitive");
    assert_eq!(count(q!(name__iexact = "big post")).await, 1);
    // Case folding is not limited to ASCII.
    Owner::build().name("ÉCOLE").create(&db).await.unwrap();
    assert_eq!(count(q!(name__icontains = "éco")).await, 1);
    assert_eq!(count(q!(name__iexact = "école")).await, 1);
    assert_eq!(count(q!(name__contains = "éco")).await, 0);
    // LIKE wildcards in the value are literal.
    assert_eq!(count(q!(name__contains = "B%")).await, 0);
}

/// Keys the database assigns come back on insert (RETURNING, or LAST_INSERT_ID on MySQL),
/// and a duplicate names its field.
async fn assigned_keys_and_unique_errors(t: TestDb) {
    let db = t.db(registry()).await;
    let a = Counter::build().name("a").create(&db).await.unwrap();
    let b = Counter::build().name("b").create(&db).await.unwrap();
    assert!(a.id > 0 && b.id > a.id, "{} then {}", a.id, b.id);
    assert_eq!(
        Counter::objects()
            .get(&db, q!(id = b.id))
            .await
            .unwrap()
            .name,
        "b"
    );
    let err = Counter::build().name("a").create(&db).await.unwrap_err();
    assert!(
        matches!(&err, Error::Integrity { model, field, .. } if model == "Counter" && field == "name"),
        "{err:?}"
    );
    // Case matters to unique constraints, as on PostgreSQL.
    Counter::build().name("A").create(&db).await.unwrap();
}

/// Tables whose foreign keys form a cycle are created and dropped, with rows in them.
async fn foreign_key_cycles_create_and_drop(t: TestDb) {
    let registry = Registry::builder()
        .model::<Egg>()
        .model::<Hen>()
        .build()
        .unwrap();
    let db = t.db(registry).await;
    let egg = Egg::build().create(&db).await.unwrap();
    let hen = Hen::build().egg(&egg).create(&db).await.unwrap();
    Egg::build().hen(&hen).create(&db).await.unwrap();
    let err = Hen::objects().delete(&db).await.unwrap_err();
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, .. } if model == "Egg"),
        "RESTRICT refuses: {err:?}"
    );
    aksara::ddl::drop_all(&db).await.unwrap();
    let left = aksara::ddl::existing_tables(&db).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    aksara::ddl::drop_all(&db).await.unwrap();
    // Foreign keys are still enforced on the connections that dropped the tables.
    aksara::ddl::create_all(&db).await.unwrap();
    let err = Hen::build()
        .egg_id(Uuid::now_v7())
        .create(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Hen" && relation == "egg"),
        "{err:?}"
    );
}

/// `aksara::connect` picks the backend from the URL's scheme.
async fn connect_by_url(t: TestDb) {
    let url = t.url().to_string();
    let db = aksara::connect(&url, registry()).await.unwrap();
    assert_eq!(db.dialect().name(), t.backend().name());
    aksara::ddl::create_all(&db).await.unwrap();
    Owner::build().name("x").create(&db).await.unwrap();
    // Another handle on the same URL sees the same database.
    let again = t.connect(registry()).await;
    assert_eq!(Owner::objects().count(&again).await.unwrap(), 1);
}

backend_tests!(
    in_lists_keep_the_statement_cache_small,
    foreign_keys_are_enforced,
    values_round_trip,
    contains_is_case_sensitive,
    assigned_keys_and_unique_errors,
    foreign_key_cycles_create_and_drop,
    connect_by_url,
);

#[tokio::test]
async fn unknown_schemes_are_config_errors() {
    let err = aksara::connect("oracle://scott@db/orcl", Registry::empty())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn sqlite_memory_url_opens_a_private_database() {
    let db = aksara::connect("sqlite::memory:", registry())
        .await
        .unwrap();
    aksara::ddl::create_all(&db).await.unwrap();
    Owner::build().name("x").create(&db).await.unwrap();
    assert_eq!(Owner::objects().count(&db).await.unwrap(), 1);
    // Held by a transaction, the one connection still serves the transaction's statements.
    db.transaction(|tx| async move {
        Owner::build().name("y").create(&tx).await?;
        assert_eq!(Owner::objects().count(&tx).await?, 2);
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(db.pool_status().max_size, 1);
}

#[tokio::test]
async fn sqlite_file_databases_use_wal() {
    let dir = std::env::temp_dir().join(format!("aksara-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("blog.db");
    let url = format!("sqlite://{}", path.display());
    let db = aksara::connect(&url, registry()).await.unwrap();
    let mode = db.raw("PRAGMA journal_mode", []).await.unwrap();
    assert_eq!(mode, vec![vec![Value::String("wal".into())]]);
    aksara::ddl::create_all(&db).await.unwrap();
    Owner::build().name("x").create(&db).await.unwrap();
    drop(db);
    let db = aksara::connect(&url, registry()).await.unwrap();
    assert_eq!(
        Owner::objects().count(&db).await.unwrap(),
        1,
        "kept on disk"
    );
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

/// PostgreSQL types Aksara has no variant for read as PostgreSQL's own text form, not bytes
/// (what a raw query and the explorer show).
#[tokio::test]
async fn postgres_types_without_a_variant_read_as_their_text() {
    let Some(t) = TestDb::new(Backend::Postgres, "postgres_types_as_text").await else {
        return;
    };
    let db = t.db(Registry::empty()).await;
    let rows = db
        .raw(
            "SELECT '192.168.0.1'::inet, '10.1.0.0/16'::cidr, '2001:db8::1/64'::inet, \
             '08:00:2b:01:02:03'::macaddr, '-1234.56'::money, \
             '1 year 2 months 3 days 04:05:06.5'::interval, '-1 day'::interval, \
             ARRAY[1, NULL, 3]::int4[], ARRAY['a b', 'c', NULL, '']::text[], \
             ARRAY['2024-05-06'::date], ARRAY[]::int8[], \
             $$a fat cat's rat 'it\\\\x' 'q'$$::tsvector, \
             setweight(to_tsvector('simple', 'fat rats fat'), 'A') || 'x:3B,7C y'::tsvector",
            [],
        )
        .await
        .unwrap();
    let texts: Vec<String> = rows[0]
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => panic!("expected text, got {other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        [
            "192.168.0.1",
            "10.1.0.0/16",
            "2001:db8::1/64",
            "08:00:2b:01:02:03",
            "-1234.56",
            "1 year 2 mons 3 days 04:05:06.5",
            "-1 days",
            "{1,NULL,3}",
            "{\"a b\",c,NULL,\"\"}",
            "{2024-05-06}",
            "{}",
            "'a' 'cat''s' 'fat' 'it\\\\x' 'q' 'rat'",
            "'fat':1A,3A 'rats':2A 'x':6B,10C 'y'",
        ]
    );
    // PostgreSQL's own text output agrees, for the forms that do not depend on the locale.
    let server: Vec<Value> = db
        .raw(
            "SELECT '2001:db8::1/64'::inet::text, \
             '1 year 2 months 3 days 04:05:06.5'::interval::text, \
             ARRAY['a b', 'c', NULL, '']::text[]::text, \
             $$a fat cat's rat 'it\\\\x' 'q'$$::tsvector::text, \
             (setweight(to_tsvector('simple', 'fat rats fat'), 'A') || 'x:3B,7C y'::tsvector)::text",
            [],
        )
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        server,
        [
            Value::String(texts[2].clone()),
            Value::String(texts[5].clone()),
            Value::String(texts[8].clone()),
            Value::String(texts[11].clone()),
            Value::String(texts[12].clone()),
        ]
    );
}

/// `timestamp without time zone` columns hold UTC times whatever zone the server or the URL
/// sets (diesel-async sets the session's zone to UTC when it connects): a value written, read
/// and compared is the same instant.
#[tokio::test]
async fn naive_timestamps_are_utc_whatever_the_session_zone() {
    let Some(t) = TestDb::new(Backend::Postgres, "naive_timestamps_utc").await else {
        return;
    };
    // The URL asks for another zone; the connection sets UTC after it.
    let url = format!("{}%20-cTimeZone%3DAsia%2FJakarta", t.url());
    assert!(url.contains("options=-csearch_path"), "{url}");
    let raw = aksara::connect(&url, Registry::empty()).await.unwrap();
    let zone = raw.raw("SHOW TIME ZONE", []).await.unwrap();
    assert_eq!(zone[0][0], Value::String("UTC".into()));
    raw.batch_execute(
        "CREATE TABLE event (id serial PRIMARY KEY, at timestamp NOT NULL);
         INSERT INTO event (at) VALUES ('2024-05-06 07:08:09')",
    )
    .await
    .unwrap();
    let schema = aksara::introspect::introspect(&raw).await.unwrap();
    let db = raw.with_registry(schema.registry.clone());
    let at = Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap();
    let rows = aksara::QuerySet::<aksara::Record>::of("event")
        .filter(q!(at = at))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        1,
        "the stored time compares equal to the same instant"
    );
    assert_eq!(rows[0].get("at"), Some(&Value::DateTime(at)));
}
