//! Typed rows: `#[derive(aksara::Row)]` structs read from raw SQL with `db.raw_as`, each
//! column converted to its field's Rust type the same way on every backend (text is a
//! `String` on MariaDB, where it arrives as bytes; a boolean is a `bool` where it arrives as
//! 0 / 1); and the errors, which name the struct, the field and the value.

use aksara::{Error, Model, NewRecord, Value};
use aksara_tests::{backend_tests, TestDb};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;
use uuid::Uuid;

mod common;
use common::{assert_mentions, expect_err};

#[derive(aksara::Row, Debug, Clone, PartialEq)]
struct TagCount {
    slug: String,
    n: i64,
}

/// The demo blog's tags and how many posts carry each, by slug: the same rows on every
/// backend.
async fn tag_counts_read_the_same_on_every_backend(t: TestDb) {
    let db = t.db(aksara::demo::registry()).await;
    aksara::demo::seed(&db).await.expect("seed");
    let counts: Vec<TagCount> = db
        .raw_as(
            "SELECT t.slug, COUNT(*) AS n FROM tags t JOIN post_tags pt ON pt.tag_id = t.id \
             GROUP BY t.slug ORDER BY t.slug",
            [],
        )
        .await
        .expect("raw_as");
    // From the seed: (tag, posts carrying it).
    let expected = [
        ("advanced", 3),
        ("async", 1),
        ("beginner", 2),
        ("databases", 2),
        ("opinion", 1),
        ("tutorial", 3),
    ]
    .map(|(slug, n)| TagCount {
        slug: slug.into(),
        n,
    });
    assert_eq!(counts, expected);

    // With a bind, and a struct whose field names differ from the columns (order decides).
    #[derive(aksara::Row, Debug, PartialEq)]
    struct Named {
        tag: String,
        posts: i32,
    }
    let named: Vec<Named> = db
        .raw_as(
            "SELECT t.slug, COUNT(*) FROM tags t JOIN post_tags pt ON pt.tag_id = t.id \
             WHERE t.slug = {} GROUP BY t.slug",
            ["tutorial".into()],
        )
        .await
        .expect("raw_as with a bind");
    assert_eq!(
        named,
        [Named {
            tag: "tutorial".into(),
            posts: 3
        }]
    );
}

/// One column of each type, and each as an `Option`.
#[derive(Model, Debug, Clone)]
pub struct Sample {
    pub id: i64,
    pub small: i32,
    pub big: i64,
    pub num: f64,
    #[aksara(max_length = 50)]
    pub short: String,
    #[aksara(text)]
    pub body: String,
    pub token: Uuid,
    pub flag: bool,
    pub data: Vec<u8>,
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub doc: serde_json::Value,
    pub o_small: Option<i32>,
    pub o_big: Option<i64>,
    pub o_num: Option<f64>,
    #[aksara(text)]
    pub o_text: Option<String>,
    pub o_token: Option<Uuid>,
    pub o_flag: Option<bool>,
    pub o_data: Option<Vec<u8>>,
    pub o_at: Option<DateTime<Utc>>,
    pub o_day: Option<NaiveDate>,
    pub o_doc: Option<serde_json::Value>,
}

/// [`Sample`] without its key, read by position with raw SQL.
#[derive(aksara::Row, Debug, Clone, PartialEq)]
struct SampleRow {
    small: i32,
    big: i64,
    num: f64,
    short: String,
    body: String,
    token: Uuid,
    flag: bool,
    data: Vec<u8>,
    at: DateTime<Utc>,
    day: NaiveDate,
    doc: serde_json::Value,
    o_small: Option<i32>,
    o_big: Option<i64>,
    o_num: Option<f64>,
    o_text: Option<String>,
    o_token: Option<Uuid>,
    o_flag: Option<bool>,
    o_data: Option<Vec<u8>>,
    o_at: Option<DateTime<Utc>>,
    o_day: Option<NaiveDate>,
    o_doc: Option<serde_json::Value>,
}

/// Calls `$m!(field, ...)` with every field of [`SampleRow`], in order.
macro_rules! sample_fields {
    ($m:ident) => {
        $m!(
            small, big, num, short, body, token, flag, data, at, day, doc, o_small, o_big, o_num,
            o_text, o_token, o_flag, o_data, o_at, o_day, o_doc
        )
    };
}

impl SampleRow {
    /// The record that writes this row through the ORM.
    fn record(&self) -> NewRecord<Sample> {
        let mut record = NewRecord::<Sample>::new();
        macro_rules! set {
            ($($f:ident),*) => {
                $(record = record
                    .set(stringify!($f), Value::from(self.$f.clone()))
                    .expect(stringify!($f));)*
            };
        }
        sample_fields!(set);
        record
    }

    /// The names of the fields where `self` and `other` differ (a 1 MB string is not printed).
    fn differing(&self, other: &SampleRow) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! compare {
            ($($f:ident),*) => {
                $(if self.$f != other.$f {
                    out.push(stringify!($f));
                })*
            };
        }
        sample_fields!(compare);
        out
    }
}

fn utc(year: i32, month: u32, day: u32, h: u32, m: u32, s: u32, micro: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, h, m, s)
        .single()
        .expect("a valid time")
        + chrono::Duration::microseconds(i64::from(micro))
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// Rows of edge values every backend holds exactly: the largest, the smallest, text that is
/// not ASCII, and every `Option` as `None`.
fn samples() -> Vec<SampleRow> {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let doc = serde_json::json!({"a": [1, -2, {"b": null}], "é": "日本語 🎉", "t": true});
    let highest = SampleRow {
        small: i32::MAX,
        big: i64::MAX,
        num: f64::MAX,
        short: String::new(),
        body: "0123456789abcdé".repeat(1 << 16),
        token: Uuid::max(),
        flag: true,
        data: all_bytes.clone(),
        at: utc(9999, 12, 31, 23, 59, 59, 999_999),
        day: date(9999, 12, 31),
        doc: doc.clone(),
        o_small: Some(i32::MAX),
        o_big: Some(i64::MAX),
        o_num: Some(f64::MIN_POSITIVE),
        o_text: Some("x".repeat(1 << 20)),
        o_token: Some(Uuid::max()),
        o_flag: Some(true),
        o_data: Some(all_bytes),
        o_at: Some(utc(9999, 12, 31, 23, 59, 59, 999_999)),
        o_day: Some(date(9999, 12, 31)),
        o_doc: Some(doc),
    };
    let lowest = SampleRow {
        small: i32::MIN,
        big: i64::MIN,
        num: f64::MIN,
        short: "naïve café — 日本語 🎉 ' \" \\ {}".into(),
        body: String::new(),
        token: Uuid::nil(),
        flag: false,
        data: Vec::new(),
        at: utc(1000, 1, 1, 0, 0, 0, 0),
        day: date(1000, 1, 1),
        doc: serde_json::json!([]),
        o_small: Some(i32::MIN),
        o_big: Some(i64::MIN),
        o_num: Some(5e-324),
        o_text: Some(String::new()),
        o_token: Some(Uuid::nil()),
        o_flag: Some(false),
        o_data: Some(Vec::new()),
        o_at: Some(utc(1000, 1, 1, 0, 0, 0, 0)),
        o_day: Some(date(1000, 1, 1)),
        o_doc: Some(serde_json::json!({})),
    };
    let nothing = SampleRow {
        small: 0,
        big: 0,
        num: -1.5,
        short: "ü".repeat(50),
        body: "\u{10FFFF}\u{1F600}".into(),
        token: Uuid::parse_str("0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10").unwrap(),
        flag: true,
        data: vec![0],
        at: utc(2024, 2, 29, 12, 34, 56, 123_456),
        day: date(2024, 2, 29),
        doc: serde_json::json!("text"),
        o_small: None,
        o_big: None,
        o_num: None,
        o_text: None,
        o_token: None,
        o_flag: None,
        o_data: None,
        o_at: None,
        o_day: None,
        o_doc: None,
    };
    vec![highest, lowest, nothing]
}

async fn every_type_round_trips(t: TestDb) {
    let registry = aksara::Registry::builder()
        .model::<Sample>()
        .build()
        .expect("valid models");
    let db = t.db(Arc::clone(&registry)).await;
    let rows = samples();
    for row in &rows {
        Sample::objects()
            .create(&db, row.record())
            .await
            .expect("write a sample");
    }
    macro_rules! columns {
        ($($f:ident),*) => { [$(stringify!($f)),*].join(", ") };
    }
    let sql = format!(
        "SELECT {} FROM samples ORDER BY id",
        sample_fields!(columns)
    );
    let read: Vec<SampleRow> = db.raw_as(&sql, []).await.expect("raw_as");
    assert_eq!(read.len(), rows.len());
    for (i, (got, want)) in read.iter().zip(&rows).enumerate() {
        assert!(
            got.differing(want).is_empty(),
            "row {i}: {:?} differ",
            got.differing(want)
        );
    }
    // The same row twice in one statement, and with a bound filter.
    let read: Vec<SampleRow> = db
        .raw_as(
            &format!(
                "SELECT {} FROM samples WHERE big = {{}}",
                sample_fields!(columns)
            ),
            [i64::MIN.into()],
        )
        .await
        .expect("raw_as with a bind");
    assert_eq!(read.len(), 1);
    assert!(read[0].differing(&rows[1]).is_empty());
}

/// A table of text, an integer that may be NULL and one beyond `i32`, in plain SQL.
async fn counts_table(t: &TestDb) -> aksara::Db {
    let db = t.connect(aksara::Registry::empty()).await;
    db.raw_execute(
        "CREATE TABLE tag_counts (slug VARCHAR(20), n BIGINT, wide BIGINT)",
        [],
    )
    .await
    .expect("create");
    db.raw_execute(
        "INSERT INTO tag_counts (slug, n, wide) VALUES ({}, {}, {}), ({}, NULL, {})",
        [
            "rust".into(),
            1i64.into(),
            3_000_000_000i64.into(),
            "nulls".into(),
            (i64::from(i32::MIN) - 1).into(),
        ],
    )
    .await
    .expect("insert");
    db
}

async fn a_wrong_column_count_names_the_struct_and_both_counts(t: TestDb) {
    let db = counts_table(&t).await;
    for (sql, found) in [
        ("SELECT slug FROM tag_counts", 1),
        ("SELECT slug, n, wide FROM tag_counts", 3),
    ] {
        let e = expect_err(db.raw_as::<TagCount>(sql, []).await, "a column count error");
        match &e {
            Error::ColumnCount {
                model,
                expected: 2,
                found: f,
            } if model == "TagCount" && *f == found => {}
            other => panic!("{sql}: expected Error::ColumnCount, got {other:?}"),
        }
        assert_mentions(
            &e.to_string(),
            &["TagCount", &format!("{found} column(s)"), "2 field(s)"],
        );
    }
    // No row, nothing to check: an empty result.
    let none = db
        .raw_as::<TagCount>("SELECT slug FROM tag_counts WHERE 1 = 0", [])
        .await
        .expect("no rows");
    assert!(none.is_empty());
}

/// The `Error::Decode` of `result`, whose text names `model.field` and each of `needles`.
fn decode_error<T: std::fmt::Debug>(
    result: aksara::Result<T>,
    model: &str,
    field: &str,
    needles: &[&str],
) {
    let e = expect_err(result, "a decode error");
    match &e {
        Error::Decode {
            model: m, field: f, ..
        } if m == model && f == field => {}
        other => panic!("expected Error::Decode on {model}.{field}, got {other:?}"),
    }
    let text = e.to_string();
    assert_mentions(&text, &[&format!("{model}.{field}")]);
    assert_mentions(&text, needles);
}

async fn null_into_a_field_that_is_no_option_is_an_error(t: TestDb) {
    let db = counts_table(&t).await;
    let sql = "SELECT slug, n FROM tag_counts ORDER BY slug";
    decode_error(
        db.raw_as::<TagCount>(sql, []).await,
        "TagCount",
        "n",
        &["expected i64", "NULL", "Option<i64>"],
    );
    // The same rows read into an `Option` field.
    #[derive(aksara::Row, Debug, PartialEq)]
    struct MaybeCount {
        slug: String,
        n: Option<i64>,
    }
    let rows: Vec<MaybeCount> = db.raw_as(sql, []).await.expect("Option reads NULL");
    assert_eq!(
        rows,
        [
            MaybeCount {
                slug: "nulls".into(),
                n: None
            },
            MaybeCount {
                slug: "rust".into(),
                n: Some(1)
            },
        ]
    );
}

async fn an_integer_out_of_range_for_i32_is_an_error(t: TestDb) {
    let db = counts_table(&t).await;
    #[derive(aksara::Row, Debug)]
    struct Narrow {
        slug: String,
        wide: i32,
    }
    for (slug, value) in [("rust", "3000000000"), ("nulls", "-2147483649")] {
        decode_error(
            db.raw_as::<Narrow>(
                "SELECT slug, wide FROM tag_counts WHERE slug = {}",
                [slug.into()],
            )
            .await,
            "Narrow",
            "wide",
            &["expected i32", value],
        );
    }
    // Within range it reads, from the same BIGINT column.
    let fits: Vec<Narrow> = db
        .raw_as("SELECT slug, n FROM tag_counts WHERE slug = 'rust'", [])
        .await
        .expect("in range");
    assert_eq!((fits[0].slug.as_str(), fits[0].wide), ("rust", 1));
}

async fn text_into_an_i64_is_an_error(t: TestDb) {
    let db = counts_table(&t).await;
    decode_error(
        db.raw_as::<TagCount>("SELECT slug, slug FROM tag_counts WHERE n = 1", [])
            .await,
        "TagCount",
        "n",
        &["expected i64", "rust"],
    );
    // Nor does a number read as text.
    decode_error(
        db.raw_as::<TagCount>("SELECT n, n FROM tag_counts WHERE n = 1", [])
            .await,
        "TagCount",
        "slug",
        &["expected String", "1"],
    );
}

async fn only_zero_and_one_read_as_a_bool(t: TestDb) {
    let db = counts_table(&t).await;
    #[derive(aksara::Row, Debug, PartialEq)]
    struct Flag {
        slug: String,
        on: bool,
    }
    let flags: Vec<Flag> = db
        .raw_as(
            "SELECT slug, n FROM tag_counts WHERE slug = 'rust' UNION ALL SELECT 'zero', 0",
            [],
        )
        .await
        .expect("0 and 1");
    assert_eq!(
        flags,
        [
            Flag {
                slug: "rust".into(),
                on: true
            },
            Flag {
                slug: "zero".into(),
                on: false
            },
        ]
    );
    decode_error(
        db.raw_as::<Flag>("SELECT slug, wide FROM tag_counts WHERE slug = 'rust'", [])
            .await,
        "Flag",
        "on",
        &["expected bool", "3000000000"],
    );
}

backend_tests!(
    only_zero_and_one_read_as_a_bool,
    tag_counts_read_the_same_on_every_backend,
    every_type_round_trips,
    a_wrong_column_count_names_the_struct_and_both_counts,
    null_into_a_field_that_is_no_option_is_an_error,
    an_integer_out_of_range_for_i32_is_an_error,
    text_into_an_i64_is_an_error,
);
