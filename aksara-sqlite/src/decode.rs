//! Decoding SQLite columns into their natural [`Value`]s, by storage class.
//!
//! SQLite knows only integer, real, text and blob; the core coerces each to the model field's
//! kind ([`aksara_core::FieldKind::coerce`]): integers to booleans, text to UUIDs, date-times,
//! dates and JSON.

use aksara_core::Value;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::row::NamedRow;
use diesel::sql_types as st;
use diesel::sqlite::{Sqlite, SqliteType, SqliteValue};

/// One row, each column decoded to its natural value.
pub struct SqliteRow(pub Vec<Value>);

impl QueryableByName<Sqlite> for SqliteRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        aksara_diesel::read_row(row, decode).map(SqliteRow)
    }
}

/// One row with its column names (for [`aksara_core::Db::fetch_named`]).
pub struct SqliteNamedRow(pub Vec<String>, pub Vec<Value>);

impl QueryableByName<Sqlite> for SqliteNamedRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        aksara_diesel::read_named_row(row, decode)
            .map(|(names, values)| SqliteNamedRow(names, values))
    }
}

/// Decodes one column.
pub fn decode(value: Option<SqliteValue<'_, '_, '_>>) -> deserialize::Result<Value> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    Ok(match value.value_type() {
        None => Value::Null,
        Some(SqliteType::Long | SqliteType::Integer | SqliteType::SmallInt) => {
            Value::I64(<i64 as FromSql<st::BigInt, Sqlite>>::from_sql(value)?)
        }
        Some(SqliteType::Double | SqliteType::Float) => {
            Value::F64(<f64 as FromSql<st::Double, Sqlite>>::from_sql(value)?)
        }
        Some(SqliteType::Text) => {
            Value::String(<String as FromSql<st::Text, Sqlite>>::from_sql(value)?)
        }
        Some(SqliteType::Binary) => {
            Value::Bytes(<Vec<u8> as FromSql<st::Binary, Sqlite>>::from_sql(value)?)
        }
    })
}
