//! Decoding MySQL / MariaDB columns into their natural [`Value`]s, by wire type.
//!
//! MySQL says less than PostgreSQL: `BOOL` is a `TINYINT` and arrives as an integer, a
//! `BINARY(16)` UUID as bytes, and a text column with a binary collation (`utf8mb4_bin`, which
//! Aksara's tables use) carries the binary flag and arrives as bytes too. The core coerces each
//! of these to the model field's kind ([`aksara_core::FieldKind::coerce`]); columns of other
//! queries keep their natural value. `DECIMAL` becomes its decimal text, `TIME` its text, and
//! an unsigned 64-bit integer that does not fit in `i64` its decimal text.

use aksara_core::Value;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::mysql::{Mysql, MysqlType, MysqlValue};
use diesel::row::NamedRow;
use diesel::sql_types as st;

/// One row, each column decoded to its natural value.
pub struct MysqlRow(pub Vec<Value>);

impl QueryableByName<Mysql> for MysqlRow {
    fn build<'a>(row: &impl NamedRow<'a, Mysql>) -> deserialize::Result<Self> {
        aksara_diesel::read_row(row, decode).map(MysqlRow)
    }
}

/// One row with its column names (for [`aksara_core::Db::fetch_named`]).
pub struct MysqlNamedRow(pub Vec<String>, pub Vec<Value>);

impl QueryableByName<Mysql> for MysqlNamedRow {
    fn build<'a>(row: &impl NamedRow<'a, Mysql>) -> deserialize::Result<Self> {
        aksara_diesel::read_named_row(row, decode)
            .map(|(names, values)| MysqlNamedRow(names, values))
    }
}

fn text(value: &MysqlValue<'_>) -> Value {
    match std::str::from_utf8(value.as_bytes()) {
        Ok(t) => Value::String(t.to_string()),
        Err(_) => Value::Bytes(value.as_bytes().to_vec()),
    }
}

/// A DATETIME, TIMESTAMP or DATE that is no point in time (the zero date `0000-00-00`, or a
/// date with a zero month or day, which MariaDB and MySQL store when `sql_mode` allows it),
/// as its text. The column still reads (other columns and rows are not lost); a model field
/// of a time kind then fails to decode it with an [`aksara_core::Error::Decode`] naming the
/// model and the field, `Option` fields included (a zero date is not NULL).
fn invalid_time(value: MysqlValue<'_>) -> deserialize::Result<Value> {
    let t =
        <diesel::mysql::data_types::MysqlTime as FromSql<st::Datetime, Mysql>>::from_sql(value)?;
    Ok(Value::String(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )))
}

/// Decodes one column.
pub fn decode(value: Option<MysqlValue<'_>>) -> deserialize::Result<Value> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    Ok(match value.value_type() {
        MysqlType::Tiny
        | MysqlType::UnsignedTiny
        | MysqlType::Short
        | MysqlType::UnsignedShort
        | MysqlType::Long => Value::I32(<i32 as FromSql<st::Integer, Mysql>>::from_sql(value)?),
        MysqlType::UnsignedLong | MysqlType::LongLong => {
            Value::I64(<i64 as FromSql<st::BigInt, Mysql>>::from_sql(value)?)
        }
        MysqlType::UnsignedLongLong => {
            let v = <u64 as FromSql<st::Unsigned<st::BigInt>, Mysql>>::from_sql(value)?;
            i64::try_from(v).map_or_else(|_| Value::String(v.to_string()), Value::I64)
        }
        MysqlType::Float | MysqlType::Double => {
            Value::F64(<f64 as FromSql<st::Double, Mysql>>::from_sql(value)?)
        }
        MysqlType::DateTime | MysqlType::Timestamp => {
            match <chrono::NaiveDateTime as FromSql<st::Datetime, Mysql>>::from_sql(value.clone()) {
                Ok(at) => Value::DateTime(at.and_utc()),
                Err(_) => invalid_time(value)?,
            }
        }
        MysqlType::Date => {
            match <chrono::NaiveDate as FromSql<st::Date, Mysql>>::from_sql(value.clone()) {
                Ok(day) => Value::Date(day),
                Err(_) => invalid_time(value)?,
            }
        }
        MysqlType::Time => Value::String(
            <chrono::NaiveTime as FromSql<st::Time, Mysql>>::from_sql(value)?.to_string(),
        ),
        MysqlType::Numeric | MysqlType::String | MysqlType::Enum | MysqlType::Set => text(&value),
        _ => Value::Bytes(value.as_bytes().to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_text_and_bytes() {
        let long = 42i32.to_ne_bytes();
        assert_eq!(
            decode(Some(MysqlValue::new(&long, MysqlType::Long))).unwrap(),
            Value::I32(42)
        );
        let tiny = [1u8];
        assert_eq!(
            decode(Some(MysqlValue::new(&tiny, MysqlType::Tiny))).unwrap(),
            Value::I32(1)
        );
        let big = u64::MAX.to_ne_bytes();
        assert_eq!(
            decode(Some(MysqlValue::new(&big, MysqlType::UnsignedLongLong))).unwrap(),
            Value::String(u64::MAX.to_string())
        );
        assert_eq!(
            decode(Some(MysqlValue::new(b"12.50", MysqlType::Numeric))).unwrap(),
            Value::String("12.50".into())
        );
        assert_eq!(
            decode(Some(MysqlValue::new(&[0, 1, 2], MysqlType::Blob))).unwrap(),
            Value::Bytes(vec![0, 1, 2])
        );
        assert_eq!(decode(None).unwrap(), Value::Null);
    }
}
