//! The compiled statement as a diesel query for MySQL / MariaDB.
//!
//! [`MysqlQuery`] owns its pieces: text goes out with `push_sql`, identifiers with
//! `push_identifier` (diesel writes the backticks), values with `push_bind_param`, so diesel
//! writes `?` placeholders and caches the prepared statement under the SQL text and bind types.
//! Values MySQL has no type for are converted once, when the query is made: a UUID becomes its
//! 16 bytes (`BINARY(16)`), a date-time its UTC wall clock (`DATETIME(6)`), JSON its text.

use aksara_core::bound::{BoundPiece, BoundStatement};
use aksara_core::{Sql, Value};
use diesel::mysql::Mysql;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{self as st, Nullable, Untyped};
use diesel::QueryResult;

/// A bind parameter in the form MySQL receives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Null,
    Bool(bool),
    I32(i32),
    I64(i64),
    F64(f64),
    Text(String),
    Bytes(Vec<u8>),
    DateTime(chrono::NaiveDateTime),
    Date(chrono::NaiveDate),
}

impl Bind {
    /// The MySQL form of `value`, or why it has none.
    pub(crate) fn from_value(value: Value) -> Result<Bind, String> {
        Ok(match value {
            Value::Null => Bind::Null,
            Value::Bool(v) => Bind::Bool(v),
            Value::I32(v) => Bind::I32(v),
            Value::I64(v) => Bind::I64(v),
            Value::F64(v) => Bind::F64(v),
            Value::String(v) => Bind::Text(v),
            Value::Uuid(v) => Bind::Bytes(v.as_bytes().to_vec()),
            Value::DateTime(v) => Bind::DateTime(v.naive_utc()),
            Value::Date(v) => Bind::Date(v),
            Value::Json(v) => Bind::Text(v.to_string()),
            Value::Bytes(v) => Bind::Bytes(v),
            other => return Err(format!("cannot bind {other:?} on MySQL")),
        })
    }
}

/// One piece of a statement, its value in MySQL's form.
pub(crate) type Piece = BoundPiece<Bind>;

/// A statement compiled by the core, ready for diesel-async on MySQL.
#[derive(Debug, Clone)]
pub struct MysqlQuery(BoundStatement<Bind>);

impl MysqlQuery {
    /// Converts the parts of `sql`.
    pub fn new(sql: Sql) -> Self {
        MysqlQuery(BoundStatement::new(sql, Bind::from_value, || Bind::Null))
    }

    /// A statement of plain SQL text and no binds.
    #[cfg(test)]
    fn text(sql: &str) -> Self {
        MysqlQuery(BoundStatement::from_pieces(vec![Piece::Text(
            sql.to_string(),
        )]))
    }

    /// The table dropped when this is exactly the statement `DROP TABLE IF EXISTS <table>`
    /// as the core's DDL writes it.
    pub(crate) fn dropped_table(&self) -> Option<&str> {
        self.0.dropped_table()
    }
}

impl QueryId for MysqlQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for MysqlQuery {
    type SqlType = Untyped;
}

impl QueryFragment<Mysql> for MysqlQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Mysql>) -> QueryResult<()> {
        if let Some(e) = &self.0.invalid {
            return Err(diesel::result::Error::SerializationError(e.clone().into()));
        }
        if self.0.one_off {
            out.unsafe_to_cache_prepared();
        }
        for piece in self.0.pieces.iter() {
            match piece {
                Piece::Text(text) => out.push_sql(text),
                Piece::Ident(name) => out.push_identifier(name)?,
                Piece::Bind(bind) => match bind {
                    // One NULL type for every column keeps one prepared statement per shape.
                    Bind::Null => {
                        out.push_bind_param::<Nullable<st::Text>, Option<String>>(&None)?
                    }
                    Bind::Bool(v) => out.push_bind_param::<st::Bool, _>(v)?,
                    Bind::I32(v) => out.push_bind_param::<st::Integer, _>(v)?,
                    Bind::I64(v) => out.push_bind_param::<st::BigInt, _>(v)?,
                    Bind::F64(v) => out.push_bind_param::<st::Double, _>(v)?,
                    Bind::Text(v) => out.push_bind_param::<st::Text, _>(v)?,
                    Bind::Bytes(v) => out.push_bind_param::<st::Binary, _>(v)?,
                    Bind::DateTime(v) => out.push_bind_param::<st::Datetime, _>(v)?,
                    Bind::Date(v) => out.push_bind_param::<st::Date, _>(v)?,
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_bind_as_sixteen_bytes_and_datetimes_as_utc() {
        let id = uuid::Uuid::now_v7();
        assert_eq!(
            Bind::from_value(Value::Uuid(id)),
            Ok(Bind::Bytes(id.as_bytes().to_vec()))
        );
        let at = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123456+02:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            Bind::from_value(Value::DateTime(at)),
            Ok(Bind::DateTime(
                chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
                    .unwrap()
                    .and_hms_micro_opt(5, 8, 9, 123_456)
                    .unwrap()
            ))
        );
        assert!(Bind::from_value(Value::Array(vec![])).is_err());
    }

    #[test]
    fn recognises_the_ddl_drop() {
        let mut sql = Sql::new();
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        assert_eq!(MysqlQuery::new(sql).dropped_table(), Some("posts"));
        assert_eq!(
            MysqlQuery::text("DROP TABLE IF EXISTS posts").dropped_table(),
            None
        );
    }
}
