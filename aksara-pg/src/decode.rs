//! Decoding PostgreSQL columns into their natural [`Value`]s, by type OID.
//!
//! PostgreSQL says exactly what each column is, so the natural value is already the right one
//! for every field kind. Types Aksara has no variant for (numeric, time, interval, enums,
//! arrays, ...) are kept readable: numeric becomes its decimal text, text-like binary formats
//! become strings, and anything else stays bytes, so an unknown type never fails a read.

use aksara_core::Value;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::pg::{Pg, PgValue};
use diesel::row::{Field, NamedRow, Row};
use diesel::sql_types as st;

/// One row, each column decoded to its natural value.
pub struct PgRow(pub Vec<Value>);

impl QueryableByName<Pg> for PgRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        let count = row.field_count();
        let mut values = Vec::with_capacity(count);
        for index in 0..count {
            let field = Row::get(row, index).ok_or("column index out of range")?;
            values.push(decode(field.value())?);
        }
        Ok(PgRow(values))
    }
}

/// Decodes one column.
pub fn decode(value: Option<PgValue<'_>>) -> deserialize::Result<Value> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    Ok(match value.get_oid().get() {
        16 => Value::Bool(<bool as FromSql<st::Bool, Pg>>::from_sql(value)?),
        20 => Value::I64(<i64 as FromSql<st::BigInt, Pg>>::from_sql(value)?),
        21 => Value::I32(i32::from(<i16 as FromSql<st::SmallInt, Pg>>::from_sql(
            value,
        )?)),
        23 => Value::I32(<i32 as FromSql<st::Integer, Pg>>::from_sql(value)?),
        26 => Value::I64(i64::from(<u32 as FromSql<st::Oid, Pg>>::from_sql(value)?)),
        700 => Value::F64(f64::from(<f32 as FromSql<st::Float, Pg>>::from_sql(value)?)),
        701 => Value::F64(<f64 as FromSql<st::Double, Pg>>::from_sql(value)?),
        1700 => Value::String(numeric_text(
            &<diesel::pg::data_types::PgNumeric as FromSql<st::Numeric, Pg>>::from_sql(value)?,
        )),
        2950 => Value::Uuid(<uuid::Uuid as FromSql<st::Uuid, Pg>>::from_sql(value)?),
        1184 => Value::DateTime(<chrono::DateTime<chrono::Utc> as FromSql<
            st::Timestamptz,
            Pg,
        >>::from_sql(value)?),
        1114 => Value::DateTime(
            <chrono::NaiveDateTime as FromSql<st::Timestamp, Pg>>::from_sql(value)?.and_utc(),
        ),
        1082 => Value::Date(<chrono::NaiveDate as FromSql<st::Date, Pg>>::from_sql(
            value,
        )?),
        1083 => Value::String(
            <chrono::NaiveTime as FromSql<st::Time, Pg>>::from_sql(value)?.to_string(),
        ),
        114 => Value::Json(<serde_json::Value as FromSql<st::Json, Pg>>::from_sql(
            value,
        )?),
        3802 => Value::Json(<serde_json::Value as FromSql<st::Jsonb, Pg>>::from_sql(
            value,
        )?),
        17 => Value::Bytes(value.as_bytes().to_vec()),
        _ => match std::str::from_utf8(value.as_bytes()) {
            Ok(text) => Value::String(text.to_string()),
            Err(_) => Value::Bytes(value.as_bytes().to_vec()),
        },
    })
}

/// The decimal text of a PostgreSQL numeric (`12.50`, `-0.001`, `NaN`).
fn numeric_text(n: &diesel::pg::data_types::PgNumeric) -> String {
    use diesel::pg::data_types::PgNumeric;
    let (negative, weight, scale, digits) = match n {
        PgNumeric::Positive {
            weight,
            scale,
            digits,
        } => (false, *weight, *scale, digits),
        PgNumeric::Negative {
            weight,
            scale,
            digits,
        } => (true, *weight, *scale, digits),
        PgNumeric::NaN => return "NaN".into(),
    };
    // Base-10000 digits; digit i has weight (weight - i).
    let mut integer = String::new();
    for w in (0..=weight.max(-1)).rev() {
        let index = (weight - w) as usize;
        let d = digits.get(index).copied().unwrap_or(0);
        if integer.is_empty() {
            if d != 0 || w == 0 {
                integer.push_str(&d.to_string());
            }
        } else {
            integer.push_str(&format!("{d:04}"));
        }
    }
    if integer.is_empty() {
        integer.push('0');
    }
    let mut fraction = String::new();
    let mut w = -1i32;
    while fraction.len() < scale as usize {
        let index = i32::from(weight) - w;
        let d = if index >= 0 {
            digits.get(index as usize).copied().unwrap_or(0)
        } else {
            0
        };
        fraction.push_str(&format!("{d:04}"));
        w -= 1;
    }
    fraction.truncate(scale as usize);
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::numeric_text;
    use diesel::pg::data_types::PgNumeric;

    #[test]
    fn numerics_read_as_decimal_text() {
        let n = |weight, scale, digits: &[i16]| PgNumeric::Positive {
            weight,
            scale,
            digits: digits.to_vec(),
        };
        assert_eq!(numeric_text(&n(0, 2, &[0, 9900])), "0.99");
        assert_eq!(numeric_text(&n(0, 2, &[12, 5000])), "12.50");
        assert_eq!(numeric_text(&n(1, 0, &[1, 2])), "10002");
        assert_eq!(numeric_text(&n(-1, 4, &[10])), "0.0010");
        assert_eq!(
            numeric_text(&PgNumeric::Negative {
                weight: 0,
                scale: 1,
                digits: vec![3, 1000]
            }),
            "-3.1"
        );
        assert_eq!(
            numeric_text(&PgNumeric::Positive {
                weight: 0,
                scale: 0,
                digits: vec![]
            }),
            "0"
        );
    }
}
