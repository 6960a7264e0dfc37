//! Reliability: values a backend cannot hold are refused with a typed `Error::Validation`
//! naming model, field, value and range, before any SQL runs (on create, bulk_create, update,
//! save and filters); the extreme values of every field type round-trip exactly; a zero date
//! written into a MariaDB table by someone else is a per-field `Error::Decode`.

use aksara::{Condition, Db, Error, Model, NewRecord, Value};
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, Backend, TestDb};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// One field of each type.
#[derive(Model, Debug, Clone)]
pub struct Sample {
    pub id: i64,
    pub small: i32,
    pub big: i64,
    pub num: f64,
    pub maybe: Option<f64>,
    #[aksara(max_length = 50)]
    pub short: String,
    #[aksara(text)]
    pub body: String,
    pub token: Uuid,
    pub flag: bool,
    pub blob: Vec<u8>,
    pub at: DateTime<Utc>,
    pub when: Option<DateTime<Utc>>,
    pub day: NaiveDate,
    pub doc: serde_json::Value,
}

fn registry() -> Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Sample>()
        .build()
        .expect("valid models")
}

fn utc(year: i32, month: u32, day: u32, h: u32, m: u32, s: u32, micro: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, h, m, s)
        .single()
        .expect("a valid time")
        + chrono::Duration::microseconds(i64::from(micro))
}

/// An ordinary row.
fn plain() -> Vec<(&'static str, Value)> {
    vec![
        ("small", 1.into()),
        ("big", 2i64.into()),
        ("num", 3.5.into()),
        ("maybe", Value::Null),
        ("short", "s".into()),
        ("body", "b".into()),
        ("token", Uuid::nil().into()),
        ("flag", true.into()),
        ("blob", Value::Bytes(vec![1, 2])),
        ("at", utc(2024, 5, 6, 7, 8, 9, 0).into()),
        ("when", Value::Null),
        (
            "day",
            Value::Date(NaiveDate::from_ymd_opt(2024, 5, 6).unwrap()),
        ),
        ("doc", Value::Json(serde_json::json!({"a": 1}))),
    ]
}

fn with(changes: &[(&'static str, Value)]) -> NewRecord<Sample> {
    let mut record = NewRecord::<Sample>::new();
    for (name, value) in plain() {
        let value = changes
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(value, |(_, v)| v.clone());
        record = record.set(name, value).expect("a field");
    }
    record
}

/// The earliest and latest timestamps and dates each backend holds.
fn time_bounds(backend: Backend) -> (DateTime<Utc>, DateTime<Utc>) {
    match backend {
        Backend::Postgres => (
            utc(-4713, 11, 24, 0, 0, 0, 0),
            utc(262_142, 12, 31, 23, 59, 59, 999_999),
        ),
        Backend::Mysql => (
            utc(1000, 1, 1, 0, 0, 0, 0),
            utc(9999, 12, 31, 23, 59, 59, 999_999),
        ),
        Backend::Sqlite => (
            utc(0, 1, 1, 0, 0, 0, 0),
            utc(9999, 12, 31, 23, 59, 59, 999_999),
        ),
    }
}

/// Values each backend cannot hold, by field.
fn unholdable(backend: Backend) -> Vec<(&'static str, Value)> {
    let (min, max) = time_bounds(backend);
    let before = min - chrono::Duration::microseconds(1);
    let mut cases = vec![
        ("at", Value::DateTime(before)),
        ("when", Value::DateTime(before)),
        ("day", Value::Date(before.date_naive())),
    ];
    if backend != Backend::Postgres {
        let after = max + chrono::Duration::microseconds(1);
        cases.extend([
            ("at", Value::DateTime(after)),
            ("when", Value::DateTime(after)),
            ("day", Value::Date(after.date_naive())),
            ("at", Value::DateTime(utc(10_000, 1, 1, 0, 0, 0, 0))),
            ("at", Value::DateTime(utc(200_000, 1, 1, 0, 0, 0, 0))),
            ("at", Value::DateTime(utc(-4000, 1, 1, 0, 0, 0, 0))),
        ]);
    }
    match backend {
        Backend::Postgres => cases.extend([
            ("short", "a\0b".into()),
            ("body", "\0".into()),
            ("doc", Value::Json(serde_json::json!({"k": "a\u{0}b"}))),
        ]),
        Backend::Mysql => cases.extend([
            ("num", f64::NAN.into()),
            ("num", f64::INFINITY.into()),
            ("maybe", f64::NEG_INFINITY.into()),
            ("maybe", f64::NAN.into()),
            ("num", (-0.0f64).into()),
            ("doc", Value::Json(nested_json(32))),
        ]),
        Backend::Sqlite => cases.extend([
            ("num", f64::NAN.into()),
            ("maybe", f64::NAN.into()),
            ("num", (-0.0f64).into()),
        ]),
    }
    cases
}

fn assert_refused<T: std::fmt::Debug>(result: aksara::Result<T>, field: &str, what: &str) {
    match result {
        Err(Error::Validation {
            model,
            field: f,
            message,
        }) => {
            assert_eq!(model, "Sample", "{what}");
            assert_eq!(f, field, "{what}");
            assert!(
                message.contains("range") || message.contains("cannot"),
                "{what}: the message names the range: {message}"
            );
        }
        other => panic!("{what}: expected Error::Validation, got {other:?}"),
    }
}

async fn rows(db: &Db) -> Vec<Sample> {
    Sample::objects()
        .order_by(["id"])
        .all(db)
        .await
        .expect("the table reads")
}

async fn values_the_backend_cannot_hold_are_refused(t: TestDb) {
    let db = t.db(registry()).await;
    let kept = Sample::objects().create(&db, with(&[])).await.unwrap();
    let mut tried = 0u64;
    let mut refused = 0u64;
    for (field, value) in unholdable(t.backend()) {
        let what = format!("{field} = {value:?}");
        let bad = [(field, value.clone())];
        tried += 4;
        let queries = db.query_count();
        assert_refused(
            Sample::objects().create(&db, with(&bad)).await,
            field,
            &format!("create {what}"),
        );
        assert_refused(
            Sample::objects()
                .bulk_create(&db, [with(&[]), with(&bad)])
                .await,
            field,
            &format!("bulk_create {what}"),
        );
        assert_refused(
            Sample::objects()
                .filter(Condition::new("id", kept.id))
                .update(&db, [(field, value.clone())])
                .await,
            field,
            &format!("update {what}"),
        );
        assert_refused(
            Sample::objects()
                .filter(Condition::new(field, value.clone()))
                .count(&db)
                .await,
            field,
            &format!("filter {what}"),
        );
        assert_eq!(db.query_count(), queries, "{what}: refused before any SQL");
        // save() of a loaded row changed to the value.
        let mut changed = kept.clone();
        let saves = match (field, &value) {
            ("at", Value::DateTime(d)) => {
                changed.at = *d;
                true
            }
            ("num", Value::F64(f)) => {
                changed.num = *f;
                true
            }
            ("short", Value::String(s)) => {
                changed.short = s.clone();
                true
            }
            _ => false,
        };
        if saves {
            tried += 1;
            assert_refused(changed.save(&db).await, field, &format!("save {what}"));
            assert_eq!(
                db.query_count(),
                queries,
                "{what}: save refused before any SQL"
            );
        }
        refused += 4 + u64::from(saves);
    }
    let after = rows(&db).await;
    assert_eq!(after.len(), 1, "no row was added");
    assert_eq!(
        format!("{:?}", after[0]),
        format!("{kept:?}"),
        "no row was changed"
    );
    record(
        t.backend().name(),
        Figures {
            case: "value_ranges",
            tried: "timestamps and dates just outside the backend's range and years -4000 / 10000 / 200000, NaN, infinities and -0.0 where floats lose them, NUL in PostgreSQL text and JSON, JSON deeper than MariaDB holds; each on create, bulk_create, update, save and filter".into(),
            operations: tried,
            faults: 0,
            errors: refused,
            lost: 0,
        },
    );
}

fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Arrays nested exactly `levels` deep around a number (`JSON_DEPTH` one more).
fn nested_json(levels: usize) -> serde_json::Value {
    (1..levels).fold(serde_json::json!([1]), |doc, _| serde_json::json!([doc]))
}

fn deep_json(levels: usize) -> serde_json::Value {
    let mut doc = serde_json::json!({"leaf": "ж😀\u{10FFFF}", "n": -1.5e300, "big": i64::MIN});
    for i in 0..levels {
        doc = if i % 2 == 0 {
            serde_json::json!([i, doc, null, true])
        } else {
            serde_json::json!({"level": i, "inner": doc, "quote": "'\"\\"})
        };
    }
    doc
}

async fn extreme_values_round_trip_exactly(t: TestDb) {
    let db = t.db(registry()).await;
    let (min_time, max_time) = time_bounds(t.backend());
    let all_bytes: Vec<u8> = (0..=255).collect();
    let megabyte: String = "aé😀\u{10FFFF}".repeat(1 << 18);
    let unicode = "ж中😀\u{10FFFF}\u{200D}e\u{301}";
    let mut floats = vec![
        f64::MIN,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        0.0,
        std::f64::consts::PI,
    ];
    if t.backend() == Backend::Postgres {
        floats.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
    }
    if t.backend() == Backend::Sqlite {
        floats.extend([f64::INFINITY, f64::NEG_INFINITY]);
    }
    let mut cases: Vec<Vec<(&'static str, Value)>> = vec![
        vec![
            ("small", i32::MIN.into()),
            ("big", i64::MIN.into()),
            ("short", "".into()),
            ("body", "".into()),
            ("token", Uuid::nil().into()),
            ("flag", false.into()),
            ("blob", Value::Bytes(vec![])),
            ("at", min_time.into()),
            ("when", min_time.into()),
            ("day", Value::Date(min_time.date_naive())),
            ("doc", Value::Json(serde_json::json!({}))),
        ],
        vec![
            ("small", i32::MAX.into()),
            ("big", i64::MAX.into()),
            ("short", unicode.into()),
            ("body", megabyte.as_str().into()),
            ("token", Uuid::max().into()),
            ("flag", true.into()),
            ("blob", Value::Bytes(all_bytes.clone())),
            ("at", max_time.into()),
            ("when", max_time.into()),
            ("day", Value::Date(max_time.date_naive())),
            ("doc", Value::Json(deep_json(25))),
        ],
        vec![
            // MariaDB's deepest JSON (JSON_DEPTH 32).
            ("doc", Value::Json(nested_json(31))),
        ],
    ];
    if t.backend() != Backend::Postgres {
        // NUL is text where the backend keeps it.
        cases.push(vec![
            ("short", "a\0b".into()),
            ("body", "\0\0".into()),
            ("doc", Value::Json(serde_json::json!({"k": "a\u{0}b"}))),
        ]);
    }
    for f in &floats {
        cases.push(vec![("num", (*f).into()), ("maybe", (*f).into())]);
    }
    let mut tried = 0u64;
    for case in &cases {
        tried += 1;
        let what = format!("{:?}", case.iter().map(|(n, _)| *n).collect::<Vec<_>>());
        let made = Sample::objects().create(&db, with(case)).await.unwrap();
        let read = Sample::objects()
            .get(&db, Condition::new("id", made.id))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        // Also through bulk_create.
        let bulk = Sample::objects()
            .bulk_create(&db, [with(case)])
            .await
            .unwrap();
        let read_bulk = Sample::objects()
            .get(&db, Condition::new("id", bulk[0].id))
            .await
            .unwrap();
        for r in [&read, &read_bulk] {
            for (name, value) in case {
                let got = match *name {
                    "small" => Value::from(r.small),
                    "big" => Value::from(r.big),
                    "num" => Value::from(r.num),
                    "maybe" => r.maybe.map_or(Value::Null, Value::from),
                    "short" => Value::from(r.short.clone()),
                    "body" => Value::from(r.body.clone()),
                    "token" => Value::from(r.token),
                    "flag" => Value::from(r.flag),
                    "blob" => Value::Bytes(r.blob.clone()),
                    "at" => Value::from(r.at),
                    "when" => r.when.map_or(Value::Null, Value::from),
                    "day" => Value::Date(r.day),
                    "doc" => Value::Json(r.doc.clone()),
                    _ => unreachable!(),
                };
                let exact = match (&got, value) {
                    (Value::F64(a), Value::F64(b)) => same_f64(*a, *b),
                    (a, b) => a == b,
                };
                assert!(
                    exact,
                    "{}: {name} did not round-trip exactly: wrote {}, read {}",
                    t.backend().name(),
                    short(value),
                    short(&got)
                );
            }
        }
        // The value is found again by an exact filter.
        for (name, value) in case {
            if matches!(*name, "blob" | "doc" | "body")
                || matches!(value, Value::F64(f) if f.is_nan())
            {
                continue;
            }
            let found = Sample::objects()
                .filter(Condition::new(*name, value.clone()))
                .filter(Condition::new(
                    "id__in",
                    aksara::value_list([made.id, bulk[0].id]),
                ))
                .count(&db)
                .await
                .unwrap_or_else(|e| panic!("filter {name} = {}: {e}", short(value)));
            assert_eq!(found, 2, "filter {name} = {}", short(value));
        }
    }
    assert_eq!(rows(&db).await.len() as u64, tried * 2);
}

fn short(v: &Value) -> String {
    let text = format!("{v:?}");
    if text.len() > 120 {
        format!(
            "{}...",
            &text[..text.char_indices().nth(120).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

async fn a_zero_date_written_elsewhere_is_a_field_error(t: TestDb) {
    if t.backend() != Backend::Mysql {
        return;
    }
    let db = t.db(registry()).await;
    let good = Sample::objects().create(&db, with(&[])).await.unwrap();
    let odd = Sample::objects().create(&db, with(&[])).await.unwrap();
    db.transaction(|tx| async move {
        tx.raw_execute("SET SESSION sql_mode = ''", []).await?;
        tx.raw_execute(
            "UPDATE samples SET `when` = '0000-00-00 00:00:00' WHERE id = {}",
            [odd.id.into()],
        )
        .await?;
        tx.raw_execute("SET SESSION sql_mode = DEFAULT", []).await?;
        Ok(())
    })
    .await
    .unwrap();
    // The row with the zero date: an error naming model and field.
    match Sample::objects()
        .get(&db, Condition::new("id", odd.id))
        .await
    {
        Err(Error::Decode {
            model,
            field,
            message,
        }) => {
            assert_eq!((model.as_str(), field.as_str()), ("Sample", "when"));
            assert!(message.contains("0000-00-00"), "{message}");
        }
        other => panic!("expected Error::Decode for the zero date, got {other:?}"),
    }
    // The table stays readable: the other rows, and raw reads of the column.
    let fine = Sample::objects()
        .get(&db, Condition::new("id", good.id))
        .await
        .unwrap();
    assert_eq!(fine.when, None);
    let raw = db
        .raw("SELECT `when` FROM samples WHERE id = {}", [odd.id.into()])
        .await
        .unwrap();
    assert_eq!(raw, vec![vec![Value::String("0000-00-00 00:00:00".into())]]);
}

backend_tests!(
    values_the_backend_cannot_hold_are_refused,
    extreme_values_round_trip_exactly,
    a_zero_date_written_elsewhere_is_a_field_error,
);
