//! How values bind on SQLite (the statement itself is `aksara_diesel`'s [`DieselQuery`];
//! diesel writes `?` placeholders and quotes identifiers).
//!
//! Values SQLite has no storage class for are converted once, when the query is made: a UUID
//! becomes its hyphenated lower-case text, a date-time its UTC text in
//! [`crate::dialect::DATETIME_FORMAT`], a date `YYYY-MM-DD`, JSON its text.

use crate::dialect::{DATETIME_FORMAT, TIME_FORMAT};
use aksara_core::bound::BoundPiece;
use aksara_core::{Sql, Value};
use aksara_diesel::{DieselQuery, Scalar};

/// A bind parameter in the form SQLite receives it: a scalar (SQLite's storage classes).
pub(crate) type Bind = Scalar;

/// The SQLite form of `value`, or why it has none.
pub(crate) fn bind_form(value: Value) -> Result<Bind, String> {
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
        Value::Timestamp(v) => Bind::Text(v.format(DATETIME_FORMAT).to_string()),
        Value::Time(v) => Bind::Text(v.format(TIME_FORMAT).to_string()),
        // Text into a column of NUMERIC affinity, which SQLite stores as an integer or a float:
        // exact up to 15 significant digits, the most `out_of_range` lets through.
        #[cfg(feature = "rust_decimal")]
        Value::Decimal(v) => Bind::Text(v.to_string()),
        Value::Json(v) => Bind::Text(v.to_string()),
        Value::Bytes(v) => Bind::Bytes(v),
        other => return Err(format!("cannot bind {other:?} on SQLite")),
    })
}

/// One piece of a statement, its value in SQLite's form.
pub(crate) type Piece = BoundPiece<Bind>;

/// A statement compiled by the core, ready for diesel-async on SQLite.
///
/// Its pieces are shared, so the copy the executor keeps (to explain a foreign key error
/// after the statement ran) costs a reference count, not the statement.
pub type SqliteQuery = DieselQuery<Bind>;

/// Converts the parts of `sql` into a query.
pub(crate) fn sqlite_query(sql: Sql) -> SqliteQuery {
    DieselQuery::scalars(sql, bind_form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_bind_as_sortable_text() {
        let id = uuid::Uuid::parse_str("0190A5A8-7A52-7CC3-8E1F-2D0C4A9F7A10").unwrap();
        assert_eq!(
            bind_form(Value::Uuid(id)),
            Ok(Bind::Text("0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10".into()))
        );
        let early = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let later = early + chrono::Duration::microseconds(1);
        let text = |at| match bind_form(Value::DateTime(at)).unwrap() {
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
        let mut sql = Sql::drop_table("posts");
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        assert_eq!(sqlite_query(sql).dropped_tables(), ["posts".to_string()]);
    }
}
