//! Array fields: `Vec<T>` and `Option<Vec<T>>` are `T[]` columns on PostgreSQL, round-trip
//! exactly (the empty array, long arrays, text that array literals would have to quote, each
//! type's limits), compare as whole arrays, and migrate without drift. MariaDB and SQLite have
//! no array columns: the table is refused, and so is the model, with a typed error naming the
//! model and the field, and nothing is stored in another form.

use aksara::migrate::{self, Hints, Migrations};
use aksara::{Error, FieldKind, Model, Registry, Value};
use aksara_tests::{backend_tests, Backend, TestDb};
use chrono::NaiveDate;
use std::sync::Arc;
use uuid::Uuid;

mod common;
use common::{assert_mentions, expect_err};

/// One array field of each element type, and each as an `Option`.
#[derive(Model, Debug, Clone, PartialEq)]
#[aksara(table = "af_samples")]
pub struct Arrays {
    pub id: i64,
    pub smalls: Vec<i16>,
    pub ints: Vec<i32>,
    pub bigs: Vec<i64>,
    pub reals: Vec<f32>,
    pub floats: Vec<f64>,
    pub flags: Vec<bool>,
    pub words: Vec<String>,
    pub keys: Vec<Uuid>,
    pub days: Vec<NaiveDate>,
    pub o_ints: Option<Vec<i32>>,
    pub o_words: Option<Vec<String>>,
    /// Bytes, not an array.
    pub blob: Vec<u8>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Arrays>()
        .build()
        .expect("valid models")
}

/// Text an array literal would have to quote or escape, and the word NULL.
fn awkward_words() -> Vec<String> {
    [
        "",
        "NULL",
        "null",
        "plain",
        "with space",
        " leading and trailing ",
        "comma,inside",
        "{braces}",
        "}",
        "\"quoted\"",
        "back\\slash",
        "\\",
        "\"",
        "tab\tand\nnewline",
        "très triste 日本語 🦀",
        "'single'",
        "$1",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn samples() -> Vec<Arrays> {
    let limits = Arrays {
        id: 0,
        smalls: vec![i16::MIN, -1, 0, 1, i16::MAX],
        ints: vec![i32::MIN, 0, i32::MAX],
        bigs: vec![i64::MIN, -1, 0, i64::MAX],
        reals: vec![
            f32::MIN,
            f32::MIN_POSITIVE,
            -0.0,
            0.1,
            f32::MAX,
            f32::INFINITY,
        ],
        floats: vec![
            f64::MIN,
            f64::MIN_POSITIVE,
            -0.0,
            0.1,
            1.0 / 3.0,
            f64::MAX,
            f64::NEG_INFINITY,
            5e-324,
        ],
        flags: vec![true, false, true],
        words: awkward_words(),
        keys: vec![
            Uuid::nil(),
            Uuid::max(),
            Uuid::from_u128(0x0190_a5a8_7a52_7cc3),
        ],
        days: vec![
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        ],
        o_ints: Some(vec![7]),
        o_words: Some(awkward_words()),
        blob: vec![0, 1, 255],
    };
    let empty = Arrays {
        id: 0,
        smalls: vec![],
        ints: vec![],
        bigs: vec![],
        reals: vec![],
        floats: vec![],
        flags: vec![],
        words: vec![],
        keys: vec![],
        days: vec![],
        o_ints: Some(vec![]),
        o_words: None,
        blob: vec![],
    };
    let long = Arrays {
        ints: (0..10_000).collect(),
        words: (0..10_000).map(|i| format!("w{i},\"{i}\"")).collect(),
        o_ints: None,
        ..empty.clone()
    };
    vec![limits, empty, long]
}

async fn create(db: &aksara::Db, row: &Arrays) -> aksara::Result<Arrays> {
    builder(row).create(db).await
}

/// A builder with every field of `row` set.
fn builder(row: &Arrays) -> ArraysBuilder {
    Arrays::build()
        .smalls(row.smalls.clone())
        .ints(row.ints.clone())
        .bigs(row.bigs.clone())
        .reals(row.reals.clone())
        .floats(row.floats.clone())
        .flags(row.flags.clone())
        .words(row.words.clone())
        .keys(row.keys.clone())
        .days(row.days.clone())
        .o_ints(row.o_ints.clone())
        .o_words(row.o_words.clone())
        .blob(row.blob.clone())
}

/// Floats compared bit for bit, so that -0.0 differs from 0.0.
fn float_bits(row: &Arrays) -> (Vec<u32>, Vec<u64>) {
    (
        row.reals.iter().map(|f| f.to_bits()).collect(),
        row.floats.iter().map(|f| f.to_bits()).collect(),
    )
}

async fn arrays_round_trip_exactly(t: TestDb) {
    let db = t.db(registry()).await;
    let rows = samples();
    let mut ids = Vec::new();
    for row in &rows {
        ids.push(create(&db, row).await.expect("write a sample").id);
    }
    let read = Arrays::objects()
        .order_by(["id"])
        .all(&db)
        .await
        .expect("read the samples");
    assert_eq!(read.len(), rows.len());
    for ((wrote, got), id) in rows.iter().zip(&read).zip(&ids) {
        let wrote = Arrays {
            id: *id,
            ..wrote.clone()
        };
        assert_eq!(float_bits(&wrote), float_bits(got));
        assert_eq!(&wrote, got);
    }
    // The database holds the arrays themselves, not a text or JSON form of them.
    let sizes = db
        .raw(
            "SELECT cardinality(words), words[2] = 'NULL', words[2] IS NULL, \
             cardinality(ints), o_words IS NULL FROM af_samples ORDER BY id",
            [],
        )
        .await
        .unwrap();
    assert_eq!(
        sizes[0],
        vec![
            Value::I32(awkward_words().len() as i32),
            Value::Bool(true),
            Value::Bool(false),
            Value::I32(3),
            Value::Bool(false),
        ]
    );
    assert_eq!(sizes[1][0], Value::I32(0));
    assert_eq!(sizes[1][4], Value::Bool(true));
    assert_eq!(sizes[2][3], Value::I32(10_000));
    // Many rows in one statement hold their arrays exactly too.
    let many = Arrays::objects()
        .bulk_create(&db, rows.iter().map(builder))
        .await
        .expect("bulk_create");
    for (wrote, made) in rows.iter().zip(&many) {
        let back = Arrays::objects().get_by_pk(&db, made.id).await.unwrap();
        assert_eq!(float_bits(&back), float_bits(wrote));
        assert_eq!(
            back,
            Arrays {
                id: made.id,
                ..wrote.clone()
            }
        );
    }
    // Updating writes the new array exactly.
    let mut first = read[0].clone();
    first.words.push("added, \"later\"".into());
    first.o_ints = None;
    first.save(&db).await.expect("update");
    let back = Arrays::objects().get_by_pk(&db, first.id).await.unwrap();
    assert_eq!(back, first);
    // So does an update of many rows.
    let f = Arrays::fields();
    let n = Arrays::objects()
        .filter(f.id().eq(first.id))
        .update(
            &db,
            [
                f.smalls().set(vec![i16::MAX]),
                f.words().set(vec!["{\"x\"}".to_string()]),
                f.o_ints().set(Vec::<i32>::new()),
            ],
        )
        .await
        .expect("update");
    assert_eq!(n, 1);
    let back = Arrays::objects().get_by_pk(&db, first.id).await.unwrap();
    assert_eq!(back.smalls, vec![i16::MAX]);
    assert_eq!(back.words, vec!["{\"x\"}".to_string()]);
    assert_eq!(back.o_ints, Some(vec![]));
}

async fn arrays_filter_as_whole_arrays(t: TestDb) {
    let db = t.db(registry()).await;
    for row in samples() {
        create(&db, &row).await.expect("write a sample");
    }
    let f = Arrays::fields();
    let words = Arrays::objects()
        .get(&db, f.words().eq(awkward_words()))
        .await
        .expect("the row whose words are exactly these");
    assert_eq!(words.words, awkward_words());
    let empty = Arrays::objects()
        .filter(f.ints().eq(Vec::<i32>::new()))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(empty, 1, "only the empty row has no integers");
    // `contains` holds every given element (`@>`), `overlap` any of them (`&&`).
    let count = |condition| async {
        Arrays::objects()
            .filter(condition)
            .count(&db)
            .await
            .expect("an array lookup")
    };
    assert_eq!(count(f.ints().contains([i32::MIN, i32::MAX])).await, 1);
    assert_eq!(count(f.ints().contains([0])).await, 2);
    assert_eq!(count(f.ints().contains(Vec::<i32>::new())).await, 3);
    assert_eq!(count(f.ints().contains([i32::MIN, 9_999])).await, 0);
    assert_eq!(count(f.ints().overlap([i32::MIN, 9_999])).await, 2);
    assert_eq!(count(f.ints().overlap(Vec::<i32>::new())).await, 0);
    assert_eq!(count(f.words().contains(["NULL", "back\\slash"])).await, 1);
    assert_eq!(
        count(f.words().overlap(["null", "w9999,\"9999\""])).await,
        2
    );
    assert_eq!(count(f.o_words().contains(["\""])).await, 1);
    assert_eq!(count(f.keys().overlap([Uuid::max()])).await, 1);
    assert_eq!(count(f.smalls().contains([i16::MIN])).await, 1);
    assert_eq!(
        count(f.smalls().eq(vec![i16::MIN, -1, 0, 1, i16::MAX])).await,
        1
    );
    assert_eq!(count(f.reals().overlap([0.1f32, 7.0])).await, 1);
    assert_eq!(count(f.reals().eq(Vec::<f32>::new())).await, 2);
    // `overlap` applies to arrays only, and a text lookup needs a text field.
    let err = expect_err(
        Arrays::objects()
            .filter(aksara::Condition::new(
                "id__overlap",
                Value::Array(vec![Value::I64(1)]),
            ))
            .count(&db)
            .await,
        "overlap refused on an integer",
    );
    assert_mentions(&err.to_string(), &["Arrays", "id", "array fields only"]);
    // An `in` list of arrays is refused, not bound as something else.
    let err = expect_err(
        Arrays::objects()
            .filter(f.ints().is_in([vec![1], vec![2]]))
            .count(&db)
            .await,
        "in refused on an array",
    );
    assert_mentions(&err.to_string(), &["Arrays", "ints", "`in`"]);
}

async fn nulls_inside_an_array_are_a_decode_error(t: TestDb) {
    let db = t.db(registry()).await;
    create(&db, &samples()[1]).await.expect("write");
    db.raw_execute("UPDATE af_samples SET ints = ARRAY[1, NULL]::integer[]", [])
        .await
        .unwrap();
    let err = expect_err(
        Arrays::objects().all(&db).await,
        "a decode error for a NULL element",
    );
    match &err {
        Error::Decode { model, field, .. } => {
            assert_eq!((model.as_str(), field.as_str()), ("Arrays", "ints"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &["NULL"]);
}

async fn arrays_migrate_without_drift(t: TestDb) {
    let registry = registry();
    let mut migrations = Migrations::new();
    let initial = migrations
        .make(&registry, "initial", &Hints::new())
        .expect("make")
        .expect("a first migration");
    let file = serde_json::to_string(&initial).expect("the migration serialises");
    assert_mentions(
        &file,
        &["array(integer)", "array(text)", "array(small_integer)"],
    );
    migrations.push(initial).unwrap();
    assert!(
        migrations
            .make(&registry, "again", &Hints::new())
            .expect("make")
            .is_none(),
        "the autodetector saw a change that is not there"
    );
    let db = t.connect(Arc::clone(&registry)).await;
    migrate::run(&db, &migrations).await.expect("migrate");
    let drift = migrate::check(&db).await.expect("drift check");
    assert!(drift.is_empty(), "{drift}");
    let row = samples().remove(0);
    let created = create(&db, &row).await.expect("write");
    let back = Arrays::objects().get_by_pk(&db, created.id).await.unwrap();
    assert_eq!(float_bits(&back), float_bits(&row));
    assert_eq!(
        back,
        Arrays {
            id: created.id,
            ..row
        }
    );
}

async fn create_all_makes_array_columns(t: TestDb) {
    let db = t.db(registry()).await;
    let drift = migrate::check(&db).await.expect("drift check");
    assert!(drift.is_empty(), "{drift}");
    let meta = Arrays::meta();
    let column = |name: &str| db.dialect().column_type(&meta.field(name).unwrap().kind);
    for (field, sql) in [
        ("smalls", "smallint[]"),
        ("ints", "integer[]"),
        ("bigs", "bigint[]"),
        ("reals", "real[]"),
        ("floats", "double precision[]"),
        ("flags", "boolean[]"),
        ("words", "text[]"),
        ("keys", "uuid[]"),
        ("days", "date[]"),
        ("blob", "BYTEA"),
    ] {
        assert_eq!(column(field), sql, "{field}");
    }
    assert_eq!(
        meta.field("ints").unwrap().kind,
        FieldKind::Array(Box::new(FieldKind::Integer))
    );
    assert!(meta.field("o_words").unwrap().nullable);
    assert!(!meta.field("words").unwrap().nullable);
}

/// Elsewhere the table is not made, and the model is refused, naming model and field.
async fn arrays_are_refused_where_there_are_none(t: TestDb) {
    let db = t.connect(registry()).await;
    let backend = match t.backend() {
        Backend::Mysql => "mysql",
        Backend::Sqlite => "sqlite",
        Backend::Postgres => unreachable!("PostgreSQL has array columns"),
    };
    let check = |err: Error| {
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert_mentions(
            &err.to_string().to_lowercase(),
            &["arrays.smalls", "postgresql only", backend],
        );
    };
    check(expect_err(
        aksara::ddl::create_all(&db).await,
        "a refused table",
    ));
    // No table was made in another form.
    assert!(db.raw("SELECT * FROM af_samples", []).await.is_err());
    check(expect_err(
        create(&db, &samples()[1]).await,
        "a refused write",
    ));
    check(expect_err(
        Arrays::objects()
            .filter(Arrays::fields().smalls().eq(vec![1i16]))
            .count(&db)
            .await,
        "a refused filter",
    ));
    check(expect_err(
        Arrays::objects().all(&db).await,
        "a refused read",
    ));
    // A migration is refused too.
    let registry = registry();
    let mut migrations = Migrations::new();
    let initial = migrations
        .make(&registry, "initial", &Hints::new())
        .expect("make")
        .expect("a first migration");
    migrations.push(initial).unwrap();
    let err = migrate::run(&db, &migrations).await.expect_err("refused");
    assert_mentions(
        &err.to_string().to_lowercase(),
        &["af_samples.smalls", "postgresql only"],
    );
}

backend_tests!(@backend postgres, Postgres;
    arrays_round_trip_exactly,
    arrays_filter_as_whole_arrays,
    nulls_inside_an_array_are_a_decode_error,
    arrays_migrate_without_drift,
    create_all_makes_array_columns
);
backend_tests!(@backend mysql, Mysql; arrays_are_refused_where_there_are_none);
backend_tests!(@backend sqlite, Sqlite; arrays_are_refused_where_there_are_none);
