//! The derive recognises field types by the paths they are written with: every documented
//! spelling gives the same column kind, whatever mix of bare names and paths a model uses.
//! (A look-alike from another module, such as a user's own `types::Value`, is refused at
//! compile time: see the `compile_fail` example on `aksara_macros::Model`.)

use aksara::{FieldKind, Model};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The target of the relations below.
#[derive(Model, Debug, Clone)]
pub struct Owner {
    pub id: Uuid,
}

/// Bare names, as the usual imports give them.
#[derive(Model, Debug, Clone)]
pub struct Bare {
    pub id: Uuid,
    pub name: String,
    pub flag: bool,
    pub small: i32,
    pub big: i64,
    pub ratio: f64,
    pub at: DateTime<Utc>,
    pub day: Option<NaiveDate>,
    pub other: Uuid,
    pub data: serde_json::Value,
    pub blob: Vec<u8>,
    pub owner: aksara::ForeignKey<Owner>,
}

/// Full paths, `::`-rooted paths and the primitives through `std::primitive`.
#[derive(Model, Debug, Clone)]
pub struct Spelled {
    pub id: ::uuid::Uuid,
    pub name: std::string::String,
    pub flag: std::primitive::bool,
    pub small: core::primitive::i32,
    pub big: ::std::primitive::i64,
    pub ratio: f64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub day: std::option::Option<chrono::NaiveDate>,
    pub other: uuid::Uuid,
    pub data: ::serde_json::Value,
    pub blob: std::vec::Vec<u8>,
    pub owner: aksara::fields::ForeignKey<Owner>,
    pub related: aksara::Related,
}

fn kinds<M: Model>() -> Vec<(String, FieldKind, bool)> {
    M::meta()
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.kind.clone(), f.nullable))
        .collect()
}

#[test]
fn every_documented_spelling_gives_the_same_column_kinds() {
    let bare = kinds::<Bare>();
    assert_eq!(bare, kinds::<Spelled>());
    let kind_of = |name: &str| {
        bare.iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, k, _)| k.clone())
            .expect("a field")
    };
    assert_eq!(kind_of("name"), FieldKind::String { max_length: 255 });
    assert_eq!(kind_of("flag"), FieldKind::Boolean);
    assert_eq!(kind_of("small"), FieldKind::Integer);
    assert_eq!(kind_of("big"), FieldKind::BigInteger);
    assert_eq!(kind_of("ratio"), FieldKind::Float);
    assert_eq!(kind_of("at"), FieldKind::DateTime);
    assert_eq!(kind_of("day"), FieldKind::Date);
    assert_eq!(kind_of("other"), FieldKind::Uuid);
    assert_eq!(kind_of("data"), FieldKind::Json);
    assert_eq!(kind_of("blob"), FieldKind::Bytes);
    assert!(bare.iter().any(|(n, _, nullable)| n == "day" && *nullable));
}
