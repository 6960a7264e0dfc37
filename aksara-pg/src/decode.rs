//! Decoding PostgreSQL columns into their natural [`Value`]s, by type OID.
//!
//! PostgreSQL says exactly what each column is, so the natural value is already the right one
//! for every field kind. Types Aksara has no variant for are kept readable as PostgreSQL's
//! own text form: numeric, time, interval, inet, cidr, macaddr, money and one-dimensional
//! arrays of those and the common types (see `text_forms`); other text-like binary formats
//! (enums, xml, ...) become strings, and anything else stays bytes, so an unknown type never
//! fails a read.

use crate::text_forms;
use aksara_core::Value;
use diesel::deserialize::{self, FromSql, QueryableByName};
use diesel::pg::{Pg, PgValue};
use diesel::row::NamedRow;
use diesel::sql_types as st;

/// One row, each column decoded to its natural value.
pub struct PgRow(pub Vec<Value>);

impl QueryableByName<Pg> for PgRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        aksara_diesel::read_row(row, decode).map(PgRow)
    }
}

/// One row with its column names (for [`aksara_core::Db::fetch_named`]), and for each
/// column whether its value is a `timestamptz` (NULL says nothing: false).
pub struct PgNamedRow(pub Vec<String>, pub Vec<Value>, pub Vec<bool>);

/// The OID of `timestamptz`.
const TIMESTAMPTZ: u32 = 1184;

impl QueryableByName<Pg> for PgNamedRow {
    fn build<'a>(row: &impl NamedRow<'a, Pg>) -> deserialize::Result<Self> {
        use diesel::row::{Field, Row};
        let count = row.field_count();
        let (mut names, mut values, mut zoned) = (
            Vec::with_capacity(count),
            Vec::with_capacity(count),
            Vec::with_capacity(count),
        );
        for index in 0..count {
            let field = Row::get(row, index).ok_or("column index out of range")?;
            names.push(field.field_name().unwrap_or("?column?").to_string());
            let value = field.value();
            zoned.push(
                value
                    .as_ref()
                    .is_some_and(|v| v.get_oid().get() == TIMESTAMPTZ),
            );
            values.push(decode(value)?);
        }
        Ok(PgNamedRow(names, values, zoned))
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
        oid => {
            let bytes = value.as_bytes();
            match text_form(oid, bytes) {
                Some(Some(text)) => Value::String(text),
                // One of those types, but malformed: the bytes as they came.
                Some(None) => Value::Bytes(bytes.to_vec()),
                None => match std::str::from_utf8(bytes) {
                    Ok(text) => Value::String(text.to_string()),
                    Err(_) => Value::Bytes(bytes.to_vec()),
                },
            }
        }
    })
}

/// PostgreSQL's text form of a value of a binary-format type Aksara has no variant for
/// (inet, cidr, macaddr, money, interval, the arrays of [`ARRAY_TYPES`]); `None` for other
/// types, `Some(None)` when the bytes do not read as the type.
fn text_form(oid: u32, bytes: &[u8]) -> Option<Option<String>> {
    Some(match oid {
        869 => text_forms::inet(bytes, false),
        650 => text_forms::inet(bytes, true),
        829 | 774 => text_forms::mac(bytes),
        790 => text_forms::money(bytes),
        1186 => text_forms::interval(bytes),
        3614 => text_forms::tsvector(bytes),
        oid if ARRAY_TYPES.contains(&oid) => text_forms::array(bytes, element_text),
        _ => return None,
    })
}

/// The OIDs of the array types whose elements [`decode`] reads: bool, int2, int4, int8,
/// float4, float8, numeric, text, varchar, bpchar, name, uuid, date, time, timestamp,
/// timestamptz, interval, json, jsonb, inet, cidr, macaddr and money arrays.
const ARRAY_TYPES: [u32; 23] = [
    1000, 1005, 1007, 1016, 1021, 1022, 1231, 1009, 1015, 1014, 1003, 2951, 1182, 1183, 1115, 1185,
    1187, 199, 3807, 1041, 651, 1040, 791,
];

/// One array element in PostgreSQL's text form, decoded by its type OID.
fn element_text(oid: u32, bytes: &[u8]) -> Option<String> {
    let oid = std::num::NonZeroU32::new(oid)?;
    Some(match decode(Some(PgValue::new(bytes, &oid))).ok()? {
        Value::Null => "NULL".into(),
        Value::Bool(b) => (if b { "t" } else { "f" }).into(),
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F64(v) => v.to_string(),
        Value::String(s) => s,
        Value::Uuid(u) => u.to_string(),
        Value::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S%.f+00").to_string(),
        Value::Date(d) => d.to_string(),
        Value::Json(j) => j.to_string(),
        Value::Bytes(b) => format!(
            "\\x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
        other => other.to_string(),
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
