//! The compiled statement as a diesel query for SQLite.
//!
//! [`SqliteQuery`] owns its pieces: text goes out with `push_sql`, identifiers with
//! `push_identifier` (diesel quotes them), values with `push_bind_param`, so diesel writes `?`
//! placeholders and caches the prepared statement under the SQL text and bind types. Values
//! SQLite has no storage class for are converted once, when the query is made: a UUID becomes
//! its hyphenated lower-case text, a date-time its UTC text in
//! [`crate::dialect::DATETIME_FORMAT`], a date `YYYY-MM-DD`, JSON its text.

use crate::dialect::DATETIME_FORMAT;
use aksara_core::bound::{BoundPiece, BoundStatement};
use aksara_core::{Sql, Value};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{self as st, Nullable, Untyped};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

/// A bind parameter in the form SQLite receives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Null,
    Bool(bool),
    I32(i32),
    I64(i64),
    F64(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Bind {
    /// The SQLite form of `value`, or why it has none.
    pub(crate) fn from_value(value: Value) -> Result<Bind, String> {
        Ok(match value {
            Value::Null => Bind::Null,
            Value::Bool(v) => Bind::Bool(v),
            Value::I32(v) => Bind::I32(v),
            Value::I64(v) => Bind::I64(v),
            Value::F64(v) => Bind::F64(v),
            Value::String(v) => Bind::Text(v),
            Value::Uuid(v) => Bind::Text(v.hyphenated().to_string()),
            Value::DateTime(v) => Bind::Text(v.format(DATETIME_FORMAT).to_string()),
            Value::Date(v) => Bind::Text(v.format("%Y-%m-%d").to_string()),
            Value::Json(v) => Bind::Text(v.to_string()),
            Value::Bytes(v) => Bind::Bytes(v),
            other => return Err(format!("cannot bind {other:?} on SQLite")),
        })
    }
}

/// One piece of a statement, its value in SQLite's form.
pub(crate) type Piece = BoundPiece<Bind>;

/// A statement compiled by the core, ready for diesel-async on SQLite.
///
/// Its pieces are shared, so the copy the executor keeps (to explain a foreign key error
/// after the statement ran) costs a reference count, not the statement.
#[derive(Debug, Clone)]
pub struct SqliteQuery(pub(crate) BoundStatement<Bind>);

impl SqliteQuery {
    /// Converts the parts of `sql`.
    pub fn new(sql: Sql) -> Self {
        SqliteQuery(BoundStatement::new(sql, Bind::from_value, || Bind::Null))
    }

    /// A statement made of `pieces`.
    pub(crate) fn from_pieces(pieces: Vec<Piece>) -> Self {
        SqliteQuery(BoundStatement::from_pieces(pieces))
    }

    /// The pieces.
    pub(crate) fn pieces(&self) -> &[Piece] {
        &self.0.pieces
    }

    /// The table dropped when this is exactly the statement `DROP TABLE IF EXISTS <table>`
    /// as the core's DDL writes it.
    pub(crate) fn dropped_table(&self) -> Option<&str> {
        self.0.dropped_table()
    }
}

impl QueryId for SqliteQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for SqliteQuery {
    type SqlType = Untyped;
}

impl QueryFragment<Sqlite> for SqliteQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
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
    fn values_bind_as_sortable_text() {
        let id = uuid::Uuid::parse_str("0190A5A8-7A52-7CC3-8E1F-2D0C4A9F7A10").unwrap();
        assert_eq!(
            Bind::from_value(Value::Uuid(id)),
            Ok(Bind::Text("0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10".into()))
        );
        let early = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let later = early + chrono::Duration::microseconds(1);
        let text = |at| match Bind::from_value(Value::DateTime(at)).unwrap() {
            Bind::Text(t) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(text(early), "2024-05-06 07:08:09.000000");
        assert!(text(early) < text(later));
        assert_eq!(
            aksara_core::value::parse_datetime(&text(later)),
            Some(later)
        );
    }

    #[test]
    fn recognises_the_ddl_drop() {
        let mut sql = Sql::new();
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        assert_eq!(SqliteQuery::new(sql).dropped_table(), Some("posts"));
    }
}
