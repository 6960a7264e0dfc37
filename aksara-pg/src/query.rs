//! How values bind on PostgreSQL (the statement itself is `aksara_diesel`'s [`DieselQuery`];
//! diesel writes `$1, $2, ...` and quotes identifiers).
//!
//! Each value is bound as its own type, a NULL as the type of the column it is written to.
//! Lists for `= ANY($1)` are converted once into typed vectors that the query owns.

use aksara_core::{Value, ValueType};
use aksara_diesel::{BindForm, DieselQuery, PushBind};
use diesel::pg::Pg;
use diesel::query_builder::AstPass;
use diesel::sql_types::{self as st, Array, Nullable};
use diesel::QueryResult;

/// An array bind parameter, typed.
#[derive(Debug)]
pub(crate) enum PgArray {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Text(Vec<String>),
    Uuid(Vec<uuid::Uuid>),
    DateTime(Vec<chrono::DateTime<chrono::Utc>>),
    Date(Vec<chrono::NaiveDate>),
    Timestamp(Vec<chrono::NaiveDateTime>),
    Time(Vec<chrono::NaiveTime>),
    #[cfg(feature = "rust_decimal")]
    Decimal(Vec<rust_decimal::Decimal>),
}

impl PgArray {
    fn from_values(items: &[Value], ty: Option<ValueType>) -> Self {
        // An array column's own type, or the element type of an `= ANY` list.
        let ty = match ty {
            Some(ValueType::Array(element)) => Some(*element),
            other => other,
        };
        macro_rules! collect {
            ($variant:ident) => {
                PgArray::$variant(
                    items
                        .iter()
                        .filter_map(|v| match v {
                            Value::$variant(x) => Some(x.clone()),
                            _ => None,
                        })
                        .collect(),
                )
            };
        }
        match ty {
            Some(ValueType::Bool) => collect!(Bool),
            Some(ValueType::I32) => collect!(I32),
            Some(ValueType::I64) => collect!(I64),
            Some(ValueType::F64) => collect!(F64),
            Some(ValueType::Uuid) => collect!(Uuid),
            Some(ValueType::DateTime) => collect!(DateTime),
            Some(ValueType::Date) => collect!(Date),
            Some(ValueType::Timestamp) => collect!(Timestamp),
            Some(ValueType::Time) => collect!(Time),
            #[cfg(feature = "rust_decimal")]
            Some(ValueType::Decimal) => collect!(Decimal),
            _ => PgArray::Text(
                items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
            ),
        }
    }
}

/// A bind parameter in the form PostgreSQL receives it.
#[derive(Debug)]
pub(crate) enum Bind {
    /// NULL, sent as the given type.
    Null(Option<ValueType>),
    Bool(bool),
    I32(i32),
    I64(i64),
    F64(f64),
    Text(String),
    Uuid(uuid::Uuid),
    DateTime(chrono::DateTime<chrono::Utc>),
    Date(chrono::NaiveDate),
    Timestamp(chrono::NaiveDateTime),
    Time(chrono::NaiveTime),
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
    Json(serde_json::Value),
    Bytes(Vec<u8>),
    Array(PgArray),
}

impl BindForm for Bind {
    fn from_value(value: Value, ty: Option<ValueType>) -> Result<Self, String> {
        Ok(match value {
            Value::Null => Bind::Null(ty),
            Value::Bool(v) => Bind::Bool(v),
            Value::I32(v) => Bind::I32(v),
            Value::I64(v) => Bind::I64(v),
            Value::F64(v) => Bind::F64(v),
            Value::String(v) => Bind::Text(v),
            Value::Uuid(v) => Bind::Uuid(v),
            Value::DateTime(v) => Bind::DateTime(v),
            Value::Date(v) => Bind::Date(v),
            Value::Timestamp(v) => Bind::Timestamp(v),
            Value::Time(v) => Bind::Time(v),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => Bind::Decimal(v),
            Value::Json(v) => Bind::Json(v),
            Value::Bytes(v) => Bind::Bytes(v),
            Value::Array(items) => Bind::Array(PgArray::from_values(&items, ty)),
            other => return Err(format!("cannot bind {other:?} on PostgreSQL")),
        })
    }

    fn null() -> Self {
        Bind::Null(None)
    }
}

/// A statement compiled by the core, ready for diesel-async on PostgreSQL.
pub type PgQuery = DieselQuery<Bind>;

fn bind_null<'b>(out: &mut AstPass<'_, 'b, Pg>, ty: Option<ValueType>) -> QueryResult<()> {
    match ty {
        Some(ValueType::Bool) => out.push_bind_param::<Nullable<st::Bool>, Option<bool>>(&None),
        Some(ValueType::I32) => out.push_bind_param::<Nullable<st::Integer>, Option<i32>>(&None),
        Some(ValueType::I64) => out.push_bind_param::<Nullable<st::BigInt>, Option<i64>>(&None),
        Some(ValueType::F64) => out.push_bind_param::<Nullable<st::Double>, Option<f64>>(&None),
        Some(ValueType::Uuid) => {
            out.push_bind_param::<Nullable<st::Uuid>, Option<uuid::Uuid>>(&None)
        }
        Some(ValueType::DateTime) => out
            .push_bind_param::<Nullable<st::Timestamptz>, Option<chrono::DateTime<chrono::Utc>>>(
                &None,
            ),
        Some(ValueType::Date) => {
            out.push_bind_param::<Nullable<st::Date>, Option<chrono::NaiveDate>>(&None)
        }
        Some(ValueType::Timestamp) => {
            out.push_bind_param::<Nullable<st::Timestamp>, Option<chrono::NaiveDateTime>>(&None)
        }
        Some(ValueType::Time) => {
            out.push_bind_param::<Nullable<st::Time>, Option<chrono::NaiveTime>>(&None)
        }
        #[cfg(feature = "rust_decimal")]
        Some(ValueType::Decimal) => {
            out.push_bind_param::<Nullable<st::Numeric>, Option<rust_decimal::Decimal>>(&None)
        }
        Some(ValueType::Json) => {
            out.push_bind_param::<Nullable<st::Jsonb>, Option<serde_json::Value>>(&None)
        }
        Some(ValueType::Bytes) => {
            out.push_bind_param::<Nullable<st::Binary>, Option<Vec<u8>>>(&None)
        }
        Some(ValueType::String) | None => {
            out.push_bind_param::<Nullable<st::Text>, Option<String>>(&None)
        }
        Some(ValueType::Array(element)) => bind_null_array(out, *element),
    }
}

/// A NULL array of `element`s.
fn bind_null_array<'b>(out: &mut AstPass<'_, 'b, Pg>, element: ValueType) -> QueryResult<()> {
    macro_rules! null_of {
        ($sql:ty, $rust:ty) => {
            out.push_bind_param::<Nullable<Array<$sql>>, Option<Vec<$rust>>>(&None)
        };
    }
    match element {
        ValueType::Bool => null_of!(st::Bool, bool),
        ValueType::I32 => null_of!(st::Integer, i32),
        ValueType::I64 => null_of!(st::BigInt, i64),
        ValueType::F64 => null_of!(st::Double, f64),
        ValueType::Uuid => null_of!(st::Uuid, uuid::Uuid),
        ValueType::DateTime => null_of!(st::Timestamptz, chrono::DateTime<chrono::Utc>),
        ValueType::Date => null_of!(st::Date, chrono::NaiveDate),
        ValueType::Timestamp => null_of!(st::Timestamp, chrono::NaiveDateTime),
        ValueType::Time => null_of!(st::Time, chrono::NaiveTime),
        #[cfg(feature = "rust_decimal")]
        ValueType::Decimal => null_of!(st::Numeric, rust_decimal::Decimal),
        _ => null_of!(st::Text, String),
    }
}

impl PushBind<Pg> for Bind {
    fn push_bind<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        match self {
            Bind::Null(ty) => bind_null(out, *ty),
            Bind::Bool(v) => out.push_bind_param::<st::Bool, _>(v),
            Bind::I32(v) => out.push_bind_param::<st::Integer, _>(v),
            Bind::I64(v) => out.push_bind_param::<st::BigInt, _>(v),
            Bind::F64(v) => out.push_bind_param::<st::Double, _>(v),
            Bind::Text(v) => out.push_bind_param::<st::Text, _>(v),
            Bind::Uuid(v) => out.push_bind_param::<st::Uuid, _>(v),
            Bind::DateTime(v) => out.push_bind_param::<st::Timestamptz, _>(v),
            Bind::Date(v) => out.push_bind_param::<st::Date, _>(v),
            Bind::Timestamp(v) => out.push_bind_param::<st::Timestamp, _>(v),
            Bind::Time(v) => out.push_bind_param::<st::Time, _>(v),
            #[cfg(feature = "rust_decimal")]
            Bind::Decimal(v) => out.push_bind_param::<st::Numeric, _>(v),
            Bind::Json(v) => out.push_bind_param::<st::Jsonb, _>(v),
            Bind::Bytes(v) => out.push_bind_param::<st::Binary, _>(v),
            Bind::Array(array) => match array {
                PgArray::Bool(v) => out.push_bind_param::<Array<st::Bool>, _>(v),
                PgArray::I32(v) => out.push_bind_param::<Array<st::Integer>, _>(v),
                PgArray::I64(v) => out.push_bind_param::<Array<st::BigInt>, _>(v),
                PgArray::F64(v) => out.push_bind_param::<Array<st::Double>, _>(v),
                PgArray::Text(v) => out.push_bind_param::<Array<st::Text>, _>(v),
                PgArray::Uuid(v) => out.push_bind_param::<Array<st::Uuid>, _>(v),
                PgArray::DateTime(v) => out.push_bind_param::<Array<st::Timestamptz>, _>(v),
                PgArray::Date(v) => out.push_bind_param::<Array<st::Date>, _>(v),
                PgArray::Timestamp(v) => out.push_bind_param::<Array<st::Timestamp>, _>(v),
                PgArray::Time(v) => out.push_bind_param::<Array<st::Time>, _>(v),
                #[cfg(feature = "rust_decimal")]
                PgArray::Decimal(v) => out.push_bind_param::<Array<st::Numeric>, _>(v),
            },
        }
    }
}
