//! The field types beyond the first ten, on every backend: `i16`, `f32`, `Decimal`,
//! `NaiveDateTime`, `NaiveTime`, `#[derive(aksara::Enum)]`, `Json<T>` and a user's newtype
//! through `aksara::FieldType`, each as an `Option` too. Each round-trips exactly, edge values
//! included; what a backend cannot store is refused with a typed error before any SQL runs;
//! filters bind each type as itself; the tables migrate without drift.

use aksara::migrate::{self, Hints, Migrations};
use aksara::time;
use aksara::{Decimal, Error, FieldKind, FieldType, Json, Model, Registry, TypeOptions, Value};
use aksara_tests::{backend_tests, Backend, TestDb};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::Arc;

mod common;
use common::{assert_mentions, expect_err};

/// Stored as text: variant names, two of them renamed (one with non-ASCII text).
#[derive(aksara::Enum, Debug, Clone, Copy, PartialEq)]
pub enum Mood {
    Happy,
    #[aksara(rename = "so-so")]
    Meh,
    #[aksara(rename = "très triste")]
    Sad,
}

/// A nested document for `Json<T>`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub address: Address,
    pub scores: Vec<i64>,
    pub nickname: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Address {
    pub city: String,
    pub lines: Vec<String>,
}

/// A user's newtype, a 64-bit integer column through `FieldType`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cents(pub i64);

impl FieldType for Cents {
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::BigInteger
    }
    fn to_value(&self) -> Value {
        Value::I64(self.0)
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        i64::try_from_value(value).map(Cents)
    }
}

/// One field of each new type, and each as an `Option`.
#[derive(Model, Debug, Clone, PartialEq)]
#[aksara(table = "ft_samples")]
pub struct Typed {
    pub id: i64,
    pub small: i16,
    pub ratio: f32,
    /// The default digits, NUMERIC(28, 10).
    pub amount: Decimal,
    #[aksara(max_digits = 29, decimal_places = 0)]
    pub whole: Decimal,
    #[aksara(max_digits = 10, decimal_places = 2)]
    pub price: Decimal,
    pub stamp: NaiveDateTime,
    pub clock: NaiveTime,
    pub mood: Mood,
    pub profile: Json<Profile>,
    pub cents: Cents,
    pub o_small: Option<i16>,
    pub o_ratio: Option<f32>,
    pub o_amount: Option<Decimal>,
    pub o_stamp: Option<NaiveDateTime>,
    pub o_clock: Option<NaiveTime>,
    pub o_mood: Option<Mood>,
    pub o_profile: Option<Json<Profile>>,
    pub o_cents: Option<Cents>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Typed>()
        .build()
        .expect("valid models")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|day| day.and_hms_micro_opt(h, min, s, micro))
        .expect("a valid timestamp")
}

fn time(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, micro).expect("a valid time")
}

fn profile(name: &str) -> Profile {
    Profile {
        name: name.into(),
        address: Address {
            city: "Yogyakarta — ꦪꦺꦴꦒꦾꦏꦂꦠ".into(),
            lines: vec!["Jl. Malioboro 1".into(), "\"quoted\" \\ back".into()],
        },
        scores: vec![i64::MIN, 0, i64::MAX],
        nickname: None,
    }
}

/// The earliest timestamp `backend` holds in a TIMESTAMP / DATETIME column.
fn earliest(backend: Backend) -> NaiveDateTime {
    match backend {
        Backend::Mysql => at(1000, 1, 1, 0, 0, 0, 0),
        _ => at(1, 1, 1, 0, 0, 0, 0),
    }
}

/// The largest decimals `backend` holds in the `amount` (NUMERIC(28, 10)) and `whole`
/// (NUMERIC(29, 0)) columns: every digit, except on SQLite, which holds 15 significant digits
/// exactly.
fn largest_decimals(backend: Backend) -> (Decimal, Decimal) {
    match backend {
        Backend::Sqlite => (dec("99999.9999999999"), dec("999999999999999")),
        _ => (dec("999999999999999999.9999999999"), Decimal::MAX),
    }
}

/// The rows written: the highest values, the lowest, and ordinary ones with every `Option`
/// set to NULL.
fn samples(backend: Backend) -> Vec<Typed> {
    let highest = Typed {
        id: 0,
        small: i16::MAX,
        ratio: f32::MAX,
        amount: largest_decimals(backend).0,
        whole: largest_decimals(backend).1,
        price: dec("99999999.99"),
        stamp: at(9999, 12, 31, 23, 59, 59, 999_999),
        clock: time(23, 59, 59, 999_999),
        mood: Mood::Sad,
        profile: Json(profile("Ünïcødé 🚀 \u{1F600}")),
        cents: Cents(i64::MAX),
        o_small: Some(i16::MAX),
        o_ratio: Some(f32::MIN_POSITIVE),
        o_amount: Some(dec("0.0000000001")),
        o_stamp: Some(at(2024, 2, 29, 12, 0, 0, 1)),
        o_clock: Some(time(0, 0, 0, 1)),
        o_mood: Some(Mood::Meh),
        o_profile: Some(Json(Profile {
            nickname: Some("ニックネーム".into()),
            ..profile("second")
        })),
        o_cents: Some(Cents(1)),
    };
    let lowest = Typed {
        id: 0,
        small: i16::MIN,
        ratio: f32::MIN,
        amount: -largest_decimals(backend).0,
        whole: -largest_decimals(backend).1,
        price: dec("-99999999.99"),
        stamp: earliest(backend),
        clock: time(0, 0, 0, 0),
        mood: Mood::Happy,
        profile: Json(profile("")),
        cents: Cents(i64::MIN),
        o_small: Some(i16::MIN),
        // The smallest positive f32 (a subnormal).
        o_ratio: Some(f32::from_bits(1)),
        o_amount: Some(dec("-0.0000000001")),
        o_stamp: Some(earliest(backend)),
        o_clock: Some(time(12, 30, 0, 0)),
        o_mood: Some(Mood::Sad),
        o_profile: None,
        o_cents: Some(Cents(-1)),
    };
    let ordinary = Typed {
        id: 0,
        small: 7,
        ratio: 1.5,
        amount: dec("12.5"),
        whole: dec("42"),
        price: dec("19.90"),
        stamp: at(2026, 12, 4, 21, 30, 15, 123_456),
        clock: time(9, 15, 30, 500_000),
        mood: Mood::Meh,
        profile: Json(profile("plain")),
        cents: Cents(1999),
        o_small: None,
        o_ratio: None,
        o_amount: None,
        o_stamp: None,
        o_clock: None,
        o_mood: None,
        o_profile: None,
        o_cents: None,
    };
    vec![highest, lowest, ordinary]
}

/// Writes `row` through the builder, every field set.
async fn create(db: &aksara::Db, row: &Typed) -> aksara::Result<Typed> {
    Typed::build()
        .small(row.small)
        .ratio(row.ratio)
        .amount(row.amount)
        .whole(row.whole)
        .price(row.price)
        .stamp(row.stamp)
        .clock(row.clock)
        .mood(row.mood)
        .profile(row.profile.clone())
        .cents(row.cents)
        .o_small(row.o_small)
        .o_ratio(row.o_ratio)
        .o_amount(row.o_amount)
        .o_stamp(row.o_stamp)
        .o_clock(row.o_clock)
        .o_mood(row.o_mood)
        .o_profile(row.o_profile.clone())
        .o_cents(row.o_cents)
        .create(db)
        .await
}

/// `f32`s compared bit for bit, so that -0.0 differs from 0.0.
fn same_f32(a: Option<f32>, b: Option<f32>) -> bool {
    a.map(f32::to_bits) == b.map(f32::to_bits)
}

async fn every_new_type_round_trips_exactly(t: TestDb) {
    let db = t.db(registry()).await;
    let rows = samples(t.backend());
    let mut ids = Vec::new();
    for row in &rows {
        let created = create(&db, row).await.expect("write a sample");
        ids.push(created.id);
    }
    let read = Typed::objects()
        .order_by(["id"])
        .all(&db)
        .await
        .expect("read the samples");
    assert_eq!(read.len(), rows.len());
    for ((wrote, got), id) in rows.iter().zip(&read).zip(&ids) {
        let wrote = Typed {
            id: *id,
            ..wrote.clone()
        };
        assert!(
            same_f32(Some(wrote.ratio), Some(got.ratio)),
            "{wrote:?} / {got:?}"
        );
        assert!(same_f32(wrote.o_ratio, got.o_ratio), "{wrote:?} / {got:?}");
        assert_eq!(&wrote, got);
        // A decimal reads back with the column's digits after the point.
        assert_eq!(got.amount.scale(), 10, "{}", got.amount);
        assert_eq!(got.price.scale(), 2, "{}", got.price);
    }
    // NULLs read back as None.
    let nulls = Typed::objects()
        .filter(Typed::fields().o_small().is_null(true))
        .filter(Typed::fields().o_profile().is_null(true))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(nulls, 1);
}

async fn floats_each_backend_cannot_store_are_refused(t: TestDb) {
    let db = t.db(registry()).await;
    let base = samples(t.backend()).pop().expect("a sample");
    for (value, pg_stores) in [
        (-0.0f32, true),
        (f32::NAN, true),
        (f32::INFINITY, true),
        (f32::NEG_INFINITY, true),
    ] {
        let row = Typed {
            ratio: value,
            ..base.clone()
        };
        let stores = match t.backend() {
            Backend::Postgres => pg_stores,
            // SQLite holds the infinities; not NaN (stored as NULL) nor -0.0 (stored as 0.0).
            Backend::Sqlite => value.is_infinite(),
            Backend::Mysql => false,
        };
        let result = create(&db, &row).await;
        if stores {
            let created = result.unwrap_or_else(|e| panic!("{value}: {e}"));
            let back = Typed::objects().get_by_pk(&db, created.id).await.unwrap();
            if value.is_nan() {
                assert!(back.ratio.is_nan(), "{}", back.ratio);
            } else {
                assert_eq!(
                    back.ratio.to_bits(),
                    value.to_bits(),
                    "{value} read back as {}",
                    back.ratio
                );
            }
        } else {
            let e = expect_err(result, "a refused float");
            assert!(matches!(e, Error::Validation { .. }), "{value}: {e:?}");
            assert_mentions(&e.to_string(), &["Typed", "ratio"]);
        }
    }
    assert_eq!(
        Typed::objects().count(&db).await.unwrap() as usize,
        match t.backend() {
            Backend::Postgres => 4,
            Backend::Sqlite => 2,
            Backend::Mysql => 0,
        },
        "nothing else was stored"
    );
}

async fn values_no_column_holds_are_refused_before_any_sql(t: TestDb) {
    let db = t.db(registry()).await;
    let base = samples(t.backend()).pop().expect("a sample");
    let refused = [
        // More digits after the point than NUMERIC(10, 2) keeps: the database would round.
        (
            "price",
            Typed {
                price: dec("1.005"),
                ..base.clone()
            },
        ),
        // More digits before the point than NUMERIC(10, 2) keeps.
        (
            "price",
            Typed {
                price: dec("123456789.5"),
                ..base.clone()
            },
        ),
        // Nanoseconds, which every backend would drop.
        (
            "stamp",
            Typed {
                stamp: at(2026, 1, 1, 0, 0, 0, 0) + chrono::Duration::nanoseconds(1),
                ..base.clone()
            },
        ),
        (
            "clock",
            Typed {
                clock: NaiveTime::from_hms_nano_opt(1, 2, 3, 4).unwrap(),
                ..base.clone()
            },
        ),
    ];
    for (field, row) in refused {
        let e = expect_err(create(&db, &row).await, "a refused value");
        match &e {
            Error::Validation {
                model, field: f, ..
            } => {
                assert_eq!((model.as_str(), f.as_str()), ("Typed", field), "{e}");
            }
            other => panic!("{field}: expected a validation error, got {other:?}"),
        }
    }
    if t.backend() == Backend::Sqlite {
        let long = Typed {
            whole: Decimal::MAX,
            ..base.clone()
        };
        let e = expect_err(create(&db, &long).await, "a decimal of 29 digits");
        assert!(matches!(e, Error::Validation { .. }), "{e:?}");
        assert_mentions(&e.to_string(), &["whole", "15"]);
    }
    if t.backend() == Backend::Mysql {
        let early = Typed {
            stamp: at(999, 12, 31, 23, 59, 59, 999_999),
            ..base.clone()
        };
        let e = expect_err(create(&db, &early).await, "a year before 1000");
        assert!(matches!(e, Error::Validation { .. }), "{e:?}");
        assert_mentions(&e.to_string(), &["stamp", "0999-12-31"]);
    }
    assert_eq!(Typed::objects().count(&db).await.unwrap(), 0);
}

async fn filters_bind_each_type(t: TestDb) {
    let db = t.db(registry()).await;
    let rows = samples(t.backend());
    for row in &rows {
        create(&db, row).await.expect("write a sample");
    }
    let f = Typed::fields();
    let count = |condition: aksara::Condition| {
        let db = db.clone();
        async move {
            Typed::objects()
                .filter(condition)
                .count(&db)
                .await
                .expect("filter")
        }
    };
    assert_eq!(count(f.small().eq(i16::MIN)).await, 1);
    assert_eq!(count(f.small().lt(0i16)).await, 1);
    assert_eq!(count(f.small().is_in([7i16, i16::MAX])).await, 2);
    assert_eq!(count(f.ratio().eq(1.5f32)).await, 1);
    assert_eq!(count(f.ratio().gt(0f32)).await, 2);
    assert_eq!(count(f.o_ratio().eq(f32::from_bits(1))).await, 1);
    assert_eq!(count(f.price().eq(dec("19.9"))).await, 1);
    assert_eq!(count(f.price().gte(dec("19.90"))).await, 2);
    assert_eq!(count(f.amount().range(dec("-1"), dec("13"))).await, 1);
    assert_eq!(
        count(f.whole().eq(largest_decimals(t.backend()).1)).await,
        1
    );
    assert_eq!(count(f.whole().lt(dec("0"))).await, 1);
    assert_eq!(count(f.o_amount().lt(dec("0"))).await, 1);
    assert_eq!(
        count(f.price().is_in([dec("19.90"), dec("-99999999.99")])).await,
        2
    );
    let ordinary = at(2026, 12, 4, 21, 30, 15, 123_456);
    assert_eq!(count(f.stamp().eq(ordinary)).await, 1);
    assert_eq!(count(f.stamp().gt(ordinary)).await, 1);
    assert_eq!(
        count(f.stamp().range(earliest(t.backend()), ordinary)).await,
        2
    );
    assert_eq!(count(f.stamp().is_in([ordinary])).await, 1);
    assert_eq!(count(f.clock().lt(time(12, 0, 0, 0))).await, 2);
    assert_eq!(count(f.clock().eq(time(23, 59, 59, 999_999))).await, 1);
    assert_eq!(count(f.o_clock().gte(time(0, 0, 0, 1))).await, 2);
    assert_eq!(count(f.mood().eq(Mood::Meh)).await, 1);
    assert_eq!(count(f.mood().is_in([Mood::Happy, Mood::Sad])).await, 2);
    assert_eq!(count(f.o_mood().eq(Mood::Sad)).await, 1);
    assert_eq!(count(f.cents().gt(Cents(0))).await, 2);
    assert_eq!(count(f.o_cents().is_in([Cents(1), Cents(-1)])).await, 2);
    assert_eq!(count(f.o_stamp().is_null(true)).await, 1);
    // The string form compares the same way.
    assert_eq!(
        count(aksara::Condition::new("mood", "très triste")).await,
        1
    );
    // Ordering by a decimal orders by value, not by text.
    let by_price: Vec<Decimal> = Typed::objects()
        .order_by(["price"])
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.price)
        .collect();
    assert_eq!(
        by_price,
        [dec("-99999999.99"), dec("19.90"), dec("99999999.99")]
    );
}

async fn an_unknown_enum_text_is_a_decode_error(t: TestDb) {
    let db = t.db(registry()).await;
    let row = samples(t.backend()).pop().expect("a sample");
    create(&db, &row).await.unwrap();
    db.raw_execute("UPDATE ft_samples SET mood = {}", ["angry".into()])
        .await
        .unwrap();
    let e = expect_err(Typed::objects().all(&db).await, "a decode error");
    match &e {
        Error::Decode {
            model,
            field,
            message,
        } => {
            assert_eq!((model.as_str(), field.as_str()), ("Typed", "mood"));
            assert_mentions(message, &["\"angry\"", "Mood", "\"so-so\""]);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

async fn a_json_document_of_another_shape_is_a_decode_error(t: TestDb) {
    let db = t.db(registry()).await;
    let row = samples(t.backend()).pop().expect("a sample");
    create(&db, &row).await.unwrap();
    db.raw_execute(
        "UPDATE ft_samples SET profile = {}",
        [Value::Json(serde_json::json!({"name": 5}))],
    )
    .await
    .unwrap();
    let e = expect_err(Typed::objects().all(&db).await, "a decode error");
    match &e {
        Error::Decode { model, field, .. } => {
            assert_eq!((model.as_str(), field.as_str()), ("Typed", "profile"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

async fn the_new_types_migrate_without_drift(t: TestDb) {
    let registry = registry();
    let mut migrations = Migrations::new();
    let initial = migrations
        .make(&registry, "initial", &Hints::new())
        .expect("make")
        .expect("a first migration");
    migrations.push(initial).unwrap();
    // Once applied, the models differ from the migrations in nothing.
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
    // The migrated table holds the values exactly, as a table made by create_all does.
    let row = samples(t.backend()).remove(0);
    let created = create(&db, &row).await.expect("write");
    let back = Typed::objects().get_by_pk(&db, created.id).await.unwrap();
    assert_eq!(
        back,
        Typed {
            id: created.id,
            ..row
        }
    );
}

async fn create_all_makes_the_column_types(t: TestDb) {
    let db = t.db(registry()).await;
    let drift = migrate::check(&db).await.expect("drift check");
    assert!(drift.is_empty(), "{drift}");
    let d = db.dialect();
    let meta = Typed::meta();
    let column = |name: &str| d.column_type(&meta.field(name).unwrap().kind);
    let expected: [(&str, &str); 6] = match t.backend() {
        Backend::Postgres => [
            ("small", "SMALLINT"),
            ("ratio", "REAL"),
            ("price", "numeric(10,2)"),
            ("stamp", "TIMESTAMP"),
            ("clock", "TIME"),
            ("mood", "VARCHAR(11)"),
        ],
        Backend::Mysql => [
            ("small", "SMALLINT"),
            ("ratio", "FLOAT"),
            ("price", "decimal(10,2)"),
            ("stamp", "DATETIME(6)"),
            ("clock", "TIME(6)"),
            ("mood", "VARCHAR(11)"),
        ],
        Backend::Sqlite => [
            ("small", "SMALLINT"),
            ("ratio", "REAL"),
            ("price", "DECIMAL(10,2)"),
            ("stamp", "TEXT"),
            ("clock", "TEXT"),
            ("mood", "VARCHAR(11)"),
        ],
    };
    for (field, sql) in expected {
        assert_eq!(column(field), sql, "{field}");
    }
    assert_eq!(
        meta.field("amount").unwrap().kind,
        FieldKind::Decimal {
            max_digits: 28,
            decimal_places: 10
        }
    );
    assert_eq!(meta.field("cents").unwrap().kind, FieldKind::BigInteger);
    assert!(meta.field("o_cents").unwrap().nullable);
}

/// Raw SQL reads the new types into a `#[derive(aksara::Row)]` struct as a model does.
async fn typed_rows_read_the_new_types(t: TestDb) {
    #[derive(aksara::Row, Debug, PartialEq)]
    struct Read {
        small: i16,
        ratio: f32,
        price: Decimal,
        stamp: NaiveDateTime,
        clock: NaiveTime,
        o_small: Option<i16>,
    }
    let db = t.db(registry()).await;
    let rows = samples(t.backend());
    for row in &rows {
        create(&db, row).await.unwrap();
    }
    let read: Vec<Read> = db
        .raw_as(
            "SELECT small, ratio, price, stamp, clock, o_small FROM ft_samples ORDER BY id",
            [],
        )
        .await
        .expect("raw_as");
    let expected: Vec<Read> = rows
        .iter()
        .map(|r| Read {
            small: r.small,
            ratio: r.ratio,
            price: r.price,
            stamp: r.stamp,
            clock: r.clock,
            o_small: r.o_small,
        })
        .collect();
    assert_eq!(read, expected);
    let e = expect_err(
        db.raw_as::<Read>(
            "SELECT 70000, ratio, price, stamp, clock, o_small FROM ft_samples",
            [],
        )
        .await,
        "an integer beyond i16",
    );
    assert_mentions(&e.to_string(), &["Read", "small", "70000"]);
}

/// The `time` crate's types (feature `time`), stored as chrono's are.
#[derive(Model, Debug, Clone, PartialEq)]
#[aksara(table = "ft_time_samples")]
pub struct TimeTyped {
    pub id: i64,
    pub day: time::Date,
    pub clock: time::Time,
    pub stamp: time::PrimitiveDateTime,
    pub instant: time::OffsetDateTime,
    pub o_day: Option<time::Date>,
}

async fn time_crate_types_round_trip_and_filter(t: TestDb) {
    use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};
    let registry = Registry::builder().model::<TimeTyped>().build().unwrap();
    let db = t.db(registry).await;
    let first_year = if t.backend() == Backend::Mysql {
        1000
    } else {
        1
    };
    let first = Date::from_calendar_date(first_year, Month::January, 1).unwrap();
    let last = Date::from_calendar_date(9999, Month::December, 31).unwrap();
    let late = Time::from_hms_micro(23, 59, 59, 999_999).unwrap();
    let rows = [
        (
            first,
            Time::MIDNIGHT,
            PrimitiveDateTime::new(first, Time::MIDNIGHT),
        ),
        (last, late, PrimitiveDateTime::new(last, late)),
    ];
    let mut written = Vec::new();
    for (day, clock, stamp) in rows {
        // An instant at +07:00, stored as its UTC time.
        let instant = PrimitiveDateTime::new(
            Date::from_calendar_date(2026, Month::December, 5).unwrap(),
            clock,
        )
        .assume_offset(UtcOffset::from_hms(7, 0, 0).unwrap());
        let created = TimeTyped::build()
            .day(day)
            .clock(clock)
            .stamp(stamp)
            .instant(instant)
            .o_day(None::<Date>)
            .create(&db)
            .await
            .expect("write");
        written.push(TimeTyped {
            id: created.id,
            day,
            clock,
            stamp,
            instant,
            o_day: None,
        });
    }
    let read = TimeTyped::objects()
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(read, written);
    assert!(read.iter().all(|r| r.instant.offset() == UtcOffset::UTC));
    let f = TimeTyped::fields();
    let after_noon = TimeTyped::objects()
        .filter(f.clock().gt(Time::from_hms(12, 0, 0).unwrap()))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(after_noon, 1);
    let early = TimeTyped::objects()
        .filter(
            f.day()
                .lt(Date::from_calendar_date(2000, Month::January, 1).unwrap()),
        )
        .get(&db, f.o_day().is_null(true))
        .await
        .unwrap();
    assert_eq!(early.day, first);
}

backend_tests!(
    time_crate_types_round_trip_and_filter,
    typed_rows_read_the_new_types,
    every_new_type_round_trips_exactly,
    floats_each_backend_cannot_store_are_refused,
    values_no_column_holds_are_refused_before_any_sql,
    filters_bind_each_type,
    an_unknown_enum_text_is_a_decode_error,
    a_json_document_of_another_shape_is_a_decode_error,
    the_new_types_migrate_without_drift,
    create_all_makes_the_column_types,
);
