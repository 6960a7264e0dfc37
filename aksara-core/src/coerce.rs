//! Turning a value as a backend decoded it into the one a field of a given kind holds.

use crate::value::{parse_datetime, FieldKind, Value, ValueType};
use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

impl FieldKind {
    /// Turns `value` into the variant this kind stores, or says why it cannot.
    ///
    /// NULL stays NULL (whether NULL is allowed is the field's business). Arrays are coerced
    /// element by element.
    ///
    /// ```
    /// use aksara_core::{FieldKind, Value};
    /// let uuid = FieldKind::Uuid.coerce(Value::String("0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10".into()));
    /// assert!(matches!(uuid, Ok(Value::Uuid(_))));
    /// assert!(FieldKind::Integer.coerce(Value::String("twelve".into())).is_err());
    /// ```
    pub fn coerce(&self, value: Value) -> Result<Value, String> {
        if let FieldKind::Array(element) = self {
            return crate::array_field::coerce_array(element, value);
        }
        // The common case first: the backend already sent the field's own type.
        let fits = match (&value, self.value_type()) {
            (Value::Null, _) => true,
            (Value::String(_), ValueType::String) => !matches!(self, FieldKind::Json),
            (Value::Uuid(_), ValueType::Uuid)
            | (Value::I32(_), ValueType::I32)
            | (Value::I64(_), ValueType::I64)
            | (Value::Bool(_), ValueType::Bool)
            | (Value::F64(_), ValueType::F64)
            | (Value::DateTime(_), ValueType::DateTime)
            | (Value::Date(_), ValueType::Date)
            | (Value::Timestamp(_), ValueType::Timestamp)
            | (Value::Time(_), ValueType::Time)
            | (Value::Json(_), ValueType::Json)
            | (Value::Bytes(_), ValueType::Bytes) => true,
            _ => matches!(self, FieldKind::Other(_)),
        };
        if fits {
            return Ok(value);
        }
        if let Value::Array(items) = value {
            return items
                .into_iter()
                .map(|v| self.coerce(v))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array);
        }
        let expected = self.describe();
        let mismatch = |v: &Value| {
            format!(
                "expected {} value, got {v}",
                crate::naming::with_article(expected)
            )
        };
        #[cfg(feature = "rust_decimal")]
        if let FieldKind::Decimal { decimal_places, .. } = self {
            return decimal(value, *decimal_places).map(Value::Decimal);
        }
        Ok(match self.value_type() {
            ValueType::String => match value {
                Value::String(s) => Value::String(s),
                Value::Bytes(b) => Value::String(
                    String::from_utf8(b).map_err(|e| format!("text is not UTF-8: {e}"))?,
                ),
                other => return Err(mismatch(&other)),
            },
            ValueType::Bool => match value {
                Value::Bool(b) => Value::Bool(b),
                Value::I32(i) => Value::Bool(i != 0),
                Value::I64(i) => Value::Bool(i != 0),
                Value::String(ref s) if s == "true" || s == "1" => Value::Bool(true),
                Value::String(ref s) if s == "false" || s == "0" => Value::Bool(false),
                other => return Err(mismatch(&other)),
            },
            ValueType::I32 => match value {
                Value::I32(i) => Value::I32(i),
                Value::I64(i) => Value::I32(
                    i32::try_from(i)
                        .map_err(|_| format!("{i} does not fit in a 32-bit integer"))?,
                ),
                Value::Bool(b) => Value::I32(i32::from(b)),
                Value::String(ref s) => Value::I32(s.trim().parse().map_err(|_| mismatch(&value))?),
                other => return Err(mismatch(&other)),
            },
            ValueType::I64 => match value {
                Value::I32(i) => Value::I64(i64::from(i)),
                Value::I64(i) => Value::I64(i),
                Value::Bool(b) => Value::I64(i64::from(b)),
                Value::String(ref s) => Value::I64(s.trim().parse().map_err(|_| mismatch(&value))?),
                other => return Err(mismatch(&other)),
            },
            ValueType::F64 => match value {
                Value::F64(f) => Value::F64(f),
                Value::I32(i) => Value::F64(f64::from(i)),
                Value::I64(i) => Value::F64(i as f64),
                Value::String(ref s) => Value::F64(s.trim().parse().map_err(|_| mismatch(&value))?),
                other => return Err(mismatch(&other)),
            },
            ValueType::Uuid => match value {
                Value::Uuid(u) => Value::Uuid(u),
                Value::String(ref s) => {
                    Value::Uuid(Uuid::parse_str(s).map_err(|_| mismatch(&value))?)
                }
                Value::Bytes(ref b) => {
                    Value::Uuid(Uuid::from_slice(b).map_err(|_| mismatch(&value))?)
                }
                other => return Err(mismatch(&other)),
            },
            ValueType::DateTime => match value {
                Value::DateTime(d) => Value::DateTime(d),
                Value::String(ref s) => {
                    Value::DateTime(parse_datetime(s).ok_or_else(|| mismatch(&value))?)
                }
                other => return Err(mismatch(&other)),
            },
            ValueType::Date => match value {
                Value::Date(d) => Value::Date(d),
                Value::DateTime(d) => Value::Date(d.date_naive()),
                Value::String(ref s) => Value::Date(
                    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                        .map_err(|_| mismatch(&value))?,
                ),
                other => return Err(mismatch(&other)),
            },
            ValueType::Timestamp => match value {
                Value::DateTime(d) => Value::Timestamp(d.naive_utc()),
                Value::Date(d) => Value::Timestamp(d.and_time(NaiveTime::MIN)),
                Value::String(ref s) => Value::Timestamp(
                    parse_datetime(s)
                        .map(|d| d.naive_utc())
                        .ok_or_else(|| mismatch(&value))?,
                ),
                other => return Err(mismatch(&other)),
            },
            ValueType::Time => match value {
                Value::String(ref s) => Value::Time(
                    NaiveTime::parse_from_str(s.trim(), "%H:%M:%S%.f")
                        .or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H:%M"))
                        .map_err(|_| mismatch(&value))?,
                ),
                other => return Err(mismatch(&other)),
            },
            #[cfg(feature = "rust_decimal")]
            ValueType::Decimal => unreachable!("decimals are coerced above"),
            ValueType::Array(_) => unreachable!("arrays are coerced above"),
            ValueType::Json => match value {
                Value::Json(j) => Value::Json(j),
                Value::String(s) => {
                    Value::Json(serde_json::from_str(&s).map_err(|e| format!("invalid JSON: {e}"))?)
                }
                Value::Bytes(b) => Value::Json(
                    serde_json::from_slice(&b).map_err(|e| format!("invalid JSON: {e}"))?,
                ),
                Value::Bool(b) => Value::Json(serde_json::Value::Bool(b)),
                Value::I64(i) => Value::Json(i.into()),
                Value::I32(i) => Value::Json(i.into()),
                Value::F64(f) => Value::Json(f.into()),
                other => return Err(mismatch(&other)),
            },
            ValueType::Bytes => match value {
                Value::Bytes(b) => Value::Bytes(b),
                Value::String(s) => Value::Bytes(s.into_bytes()),
                Value::Uuid(u) => Value::Bytes(u.as_bytes().to_vec()),
                other => return Err(mismatch(&other)),
            },
        })
    }
}

/// `value` as a decimal with at least `places` digits after the point (PostgreSQL and MySQL
/// send the column's scale; SQLite stores a decimal as an integer or a float when that is
/// exact, and as text otherwise).
#[cfg(feature = "rust_decimal")]
fn decimal(value: Value, places: u32) -> Result<rust_decimal::Decimal, String> {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let parse = |s: &str| {
        Decimal::from_str(s.trim())
            .or_else(|_| Decimal::from_scientific(s.trim()))
            .map_err(|e| format!("expected a decimal value, got {s:?} ({e})"))
    };
    let mut d = match value {
        Value::Decimal(d) => d,
        Value::I32(i) => Decimal::from(i),
        Value::I64(i) => Decimal::from(i),
        // The shortest text that reads back as the same float: the decimal SQLite was given
        // when it had at most 15 significant digits (SQLite keeps longer ones as text).
        Value::F64(f) if f.is_finite() => parse(&format!("{f}"))?,
        Value::String(s) => parse(&s)?,
        Value::Bytes(b) => parse(std::str::from_utf8(&b).map_err(|e| e.to_string())?)?,
        other => return Err(format!("expected a decimal value, got {other}")),
    };
    if d.scale() < places && places <= 28 {
        d.rescale(places);
    } else if d.scale() > places && d.round_dp(places) == d {
        // Trailing zeros beyond the column's digits (SQLite's `42.0`).
        d = d.round_dp(places);
        d.rescale(places);
    }
    Ok(d)
}
