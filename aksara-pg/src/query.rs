//! The compiled statement as a diesel query for PostgreSQL.
//!
//! [`PgQuery`] walks the parts of an [`Sql`]: text with `push_sql`, identifiers with
//! `push_identifier` (diesel quotes them), values with `push_bind_param` typed by the value, so
//! diesel writes `$1, $2, ...` and caches the prepared statement under the SQL text and bind
//! types. Lists for `= ANY($1)` are converted once into typed vectors that the query owns.

use aksara_core::{Part, Sql, Value, ValueType};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{self as st, Array, Nullable, Untyped};
use diesel::QueryResult;

/// An array bind parameter, typed.
enum PgArray {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Text(Vec<String>),
    Uuid(Vec<uuid::Uuid>),
    DateTime(Vec<chrono::DateTime<chrono::Utc>>),
    Date(Vec<chrono::NaiveDate>),
}

impl PgArray {
    fn from_values(items: &[Value], ty: Option<ValueType>) -> Self {
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

/// A statement compiled by the core, ready for diesel-async on PostgreSQL.
pub struct PgQuery {
    sql: Sql,
    arrays: Vec<PgArray>,
}

impl PgQuery {
    /// Wraps `sql`, preparing its array binds.
    pub fn new(sql: Sql) -> Self {
        let arrays = sql
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Bind(Value::Array(items), ty) => Some(PgArray::from_values(items, *ty)),
                _ => None,
            })
            .collect();
        PgQuery { sql, arrays }
    }
}

impl QueryId for PgQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for PgQuery {
    type SqlType = Untyped;
}

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
        Some(ValueType::Json) => {
            out.push_bind_param::<Nullable<st::Jsonb>, Option<serde_json::Value>>(&None)
        }
        Some(ValueType::Bytes) => {
            out.push_bind_param::<Nullable<st::Binary>, Option<Vec<u8>>>(&None)
        }
        Some(ValueType::String) | None => {
            out.push_bind_param::<Nullable<st::Text>, Option<String>>(&None)
        }
    }
}

impl QueryFragment<Pg> for PgQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.sql.one_off {
            out.unsafe_to_cache_prepared();
        }
        let mut arrays = self.arrays.iter();
        for part in &self.sql.parts {
            match part {
                Part::Text(text) => out.push_sql(text),
                Part::Ident(name) => out.push_identifier(name)?,
                Part::Bind(value, ty) => match value {
                    Value::Null => bind_null(&mut out, *ty)?,
                    Value::Bool(v) => out.push_bind_param::<st::Bool, _>(v)?,
                    Value::I32(v) => out.push_bind_param::<st::Integer, _>(v)?,
                    Value::I64(v) => out.push_bind_param::<st::BigInt, _>(v)?,
                    Value::F64(v) => out.push_bind_param::<st::Double, _>(v)?,
                    Value::String(v) => out.push_bind_param::<st::Text, _>(v)?,
                    Value::Uuid(v) => out.push_bind_param::<st::Uuid, _>(v)?,
                    Value::DateTime(v) => out.push_bind_param::<st::Timestamptz, _>(v)?,
                    Value::Date(v) => out.push_bind_param::<st::Date, _>(v)?,
                    Value::Json(v) => out.push_bind_param::<st::Jsonb, _>(v)?,
                    Value::Bytes(v) => out.push_bind_param::<st::Binary, _>(v)?,
                    Value::Array(_) => match arrays.next().expect("one typed array per array bind")
                    {
                        PgArray::Bool(v) => out.push_bind_param::<Array<st::Bool>, _>(v)?,
                        PgArray::I32(v) => out.push_bind_param::<Array<st::Integer>, _>(v)?,
                        PgArray::I64(v) => out.push_bind_param::<Array<st::BigInt>, _>(v)?,
                        PgArray::F64(v) => out.push_bind_param::<Array<st::Double>, _>(v)?,
                        PgArray::Text(v) => out.push_bind_param::<Array<st::Text>, _>(v)?,
                        PgArray::Uuid(v) => out.push_bind_param::<Array<st::Uuid>, _>(v)?,
                        PgArray::DateTime(v) => {
                            out.push_bind_param::<Array<st::Timestamptz>, _>(v)?
                        }
                        PgArray::Date(v) => out.push_bind_param::<Array<st::Date>, _>(v)?,
                    },
                    other => {
                        return Err(diesel::result::Error::SerializationError(
                            format!("cannot bind {other:?} on PostgreSQL").into(),
                        ))
                    }
                },
            }
        }
        Ok(())
    }
}
