//! Decoding SQLite columns into their natural [`Value`]s, by storage class.
//!
//! SQLite knows only integer, real, text and blob; the core coerces each to the model field's
//! kind ([`aksara_core::FieldKind::coerce`]): integers to booleans, text to UUIDs, date-times,
//! dates and JSON.

use aksara_core::Value;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types as st;
use diesel::sqlite::{Sqlite, SqliteType, SqliteValue};

/// One row, each column decoded to its natural value.
pub struct SqliteRow(pub Vec<Value>);

impl QueryableByName<Sqlite> for SqliteRow {
    fn build<'a>(row: &impl NamedRow<'a, Sqlite>) -> deserialize::Result<Self> {
        let count = row.field_count();
        let mut values = Vec::with_capacity(count);
        for index in 0..count {
            let field = Row::get(row, index).ok_or("column index out of range")?;
            values.push(decode(field.value())?);
        }
        Ok(SqliteRow(values))
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
