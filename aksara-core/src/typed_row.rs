//! Typed rows: a plain struct read from the columns of a row by position, the way
//! `#[derive(Row)]` reads it, for queries whose result is not a model (raw SQL, aggregates).
//!
//! Each backend decodes a column into its *natural* [`Value`] (what the wire says: MySQL sends
//! text of a binary collation as bytes and a boolean as an integer, SQLite stores date-times,
//! UUIDs and JSON as text). [`ColumnValue`] turns a natural value into one Rust type exactly,
//! whatever the backend, and refuses what does not fit (an integer out of range, text that is
//! not UTF-8, NULL where the field is no `Option`) with a message naming the value found.
//! [`FromRow`] puts the columns of a row into the fields of a struct, and its errors name the
//! struct and the field.
//!
//! ```
//! use aksara::{FromRow, Value};
//!
//! #[derive(aksara::Row, Debug, PartialEq)]
//! struct TagCount {
//!     slug: String,
//!     n: i64,
//! }
//!
//! // MySQL sends the text of a binary collation as bytes; it still reads as a `String`.
//! let row = vec![Value::Bytes(b"rust".to_vec()), Value::I64(3)];
//! let count = TagCount::from_row(row).unwrap();
//! assert_eq!(count, TagCount { slug: "rust".into(), n: 3 });
//!
//! let wrong = TagCount::from_row(vec![Value::String("rust".into()), Value::String("x".into())]);
//! assert_eq!(
//!     wrong.unwrap_err().to_string(),
//!     "cannot decode TagCount.n: expected i64, got String(\"x\")"
//! );
//! ```

use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::value::{FieldKind, Value};

/// A row as backends read it (the same type as [`crate::Row`]).
type Row = Vec<Value>;
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt::{self, Write as _};
use uuid::Uuid;

/// A struct read from the columns of a row by position: column `i` goes into field `i`.
///
/// `#[derive(aksara::Row)]` implements it for a struct with named fields, each of a type
/// implementing [`ColumnValue`]. [`Db::raw_as`](crate::Db::raw_as) reads the rows of a raw
/// query into it.
pub trait FromRow: Sized + Send + 'static {
    /// The struct's name, for messages.
    const NAME: &'static str;
    /// The struct's field names, in column order.
    const FIELDS: &'static [&'static str];

    /// Reads one row.
    ///
    /// # Errors
    /// [`Error::ColumnCount`] when the row has a number of columns other than
    /// [`FIELDS`](Self::FIELDS) has names; [`Error::Decode`] naming the struct, the field and
    /// the value found when a column does not convert to its field's type.
    fn from_row(row: Row) -> Result<Self>;
}

/// A Rust type a column of a row converts into, exactly, from the [`Value`] any backend
/// decodes it as.
///
/// | type | reads |
/// |---|---|
/// | `String` | text; bytes that are valid UTF-8 (MySQL's binary collations) |
/// | `bool` | a boolean; the integers 0 and 1 (MySQL, SQLite) |
/// | `i32` | a 32-bit integer; a 64-bit one within `i32`'s range |
/// | `i64` | any integer |
/// | `f64` | a float; an integer that converts exactly (within ±2⁵³) |
/// | `Uuid` | a UUID; its text; 16 bytes (MySQL's `BINARY(16)`) |
/// | `DateTime<Utc>` | a date-time; its text (SQLite) |
/// | `NaiveDate` | a date; its `YYYY-MM-DD` text (SQLite) |
/// | `serde_json::Value` | JSON; its text (MySQL, SQLite); a bare number or boolean |
/// | `Vec<u8>` | bytes; text, as its UTF-8 bytes |
/// | `Option<T>` | NULL as `None`, anything else as `T` reads it |
/// | [`Value`] | anything, as the backend decoded it |
///
/// Nothing else converts: text is not parsed into a number or a boolean, a date-time is not
/// cut to a date, and NULL is an error unless the type is an `Option`. `NUMERIC` / `DECIMAL`
/// columns (and PostgreSQL's `SUM` of integers, MySQL's `AVG`) arrive as their decimal text
/// and read as a `String`; cast them in SQL to read a number.
///
/// Implement it for a type of your own to use that type in a `#[derive(Row)]` struct.
pub trait ColumnValue: Sized {
    /// Converts `value`, or says why it cannot, naming the value found.
    fn from_column(value: Value) -> Result<Self, String>;
}

/// The columns of one row, read in order into the fields of the struct `T` of
/// [`Columns::new`]: what `#[derive(Row)]` expands to, and a way to write [`FromRow`] by hand.
///
/// ```
/// use aksara::typed_row::{Columns, FromRow};
/// use aksara::{Result, Row, Value};
///
/// struct Pair {
///     name: String,
///     size: Option<i32>,
/// }
///
/// impl FromRow for Pair {
///     const NAME: &'static str = "Pair";
///     const FIELDS: &'static [&'static str] = &["name", "size"];
///     fn from_row(row: Row) -> Result<Self> {
///         let mut columns = Columns::new::<Self>(row)?;
///         Ok(Pair { name: columns.read()?, size: columns.read()? })
///     }
/// }
///
/// let pair = Pair::from_row(vec!["a".into(), Value::Null]).unwrap();
/// assert_eq!((pair.name.as_str(), pair.size), ("a", None));
/// assert!(Pair::from_row(vec!["a".into()]).is_err());
/// ```
#[derive(Debug)]
pub struct Columns {
    name: &'static str,
    fields: &'static [&'static str],
    values: std::vec::IntoIter<Value>,
    next: usize,
}

impl Columns {
    /// The columns of `row`, to be read into the fields of `T`.
    ///
    /// # Errors
    /// [`Error::ColumnCount`] when `row` has a number of columns other than `T` has fields.
    pub fn new<T: FromRow>(row: Row) -> Result<Self> {
        if row.len() != T::FIELDS.len() {
            return Err(Error::ColumnCount {
                model: T::NAME.to_string(),
                expected: T::FIELDS.len(),
                found: row.len(),
            });
        }
        Ok(Columns {
            name: T::NAME,
            fields: T::FIELDS,
            values: row.into_iter(),
            next: 0,
        })
    }

    /// The next column, converted to the type of the next field.
    ///
    /// # Errors
    /// [`Error::Decode`] naming the struct and the field when the column does not convert
    /// (or, for a hand-written [`FromRow`], when every column was read already).
    pub fn read<V: ColumnValue>(&mut self) -> Result<V> {
        let index = self.next;
        self.next += 1;
        let field = self
            .fields
            .get(index)
            .map_or_else(|| format!("#{index}"), |f| (*f).to_string());
        let value = self.values.next().ok_or_else(|| Error::Decode {
            model: self.name.to_string(),
            field: field.clone(),
            message: format!("the row has no column {index}"),
        })?;
        V::from_column(value).map_err(|message| Error::Decode {
            model: self.name.to_string(),
            field,
            message,
        })
    }
}

/// How many characters of a value an error message shows.
const SHOWN: usize = 80;

/// The value as messages show it (its `Debug` form), cut after [`SHOWN`] characters: a 1 MB
/// string is not copied into an error.
fn shown(value: &Value) -> String {
    /// Keeps what fits and stops the formatting after that.
    struct Bounded {
        out: String,
        cut: bool,
    }
    impl fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = SHOWN.saturating_sub(self.out.chars().count());
            match s.char_indices().nth(room) {
                None => {
                    self.out.push_str(s);
                    Ok(())
                }
                Some((end, _)) => {
                    self.out.push_str(&s[..end]);
                    self.cut = true;
                    Err(fmt::Error)
                }
            }
        }
    }
    let mut bounded = Bounded {
        out: String::new(),
        cut: false,
    };
    // An error here is the cut, nothing else. Bytes show as a byte string (`b"rust"`), so that
    // text MySQL sent as bytes reads as text.
    let _ = match value {
        Value::Bytes(b) => write!(bounded, "Bytes(b\"{}\")", b.escape_ascii()),
        other => write!(bounded, "{other:?}"),
    };
    if bounded.cut {
        let size = match value {
            Value::String(s) => format!(" ({} bytes)", s.len()),
            Value::Bytes(b) => format!(" ({} bytes)", b.len()),
            _ => String::new(),
        };
        bounded.out.push_str("...");
        bounded.out.push_str(&size);
    }
    bounded.out
}

/// The name of `value`'s variant (`String`, `I64`...), for messages about a conversion that
/// failed after the value was given away.
fn variant(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "Bool",
        Value::I32(_) => "I32",
        Value::I64(_) => "I64",
        Value::F64(_) => "F64",
        Value::String(_) => "String",
        Value::Uuid(_) => "Uuid",
        Value::DateTime(_) => "DateTime",
        Value::Date(_) => "Date",
        Value::Json(_) => "Json",
        Value::Bytes(_) => "Bytes",
        Value::Timestamp(_) => "Timestamp",
        Value::Time(_) => "Time",
        #[cfg(feature = "rust_decimal")]
        Value::Decimal(_) => "Decimal",
        Value::Array(_) => "Array",
    }
}

/// The error for a value that is no `expected`.
fn mismatch<T>(expected: &str, found: &Value) -> Result<T, String> {
    Err(if found.is_null() {
        format!(
            "expected {expected}, got NULL; declare the field as an `Option<{expected}>` if the \
             column may be NULL"
        )
    } else {
        format!("expected {expected}, got {}", shown(found))
    })
}

/// `value` converted by `kind`'s coercion (the one model fields use), then taken out as `T`.
/// Bytes are read as UTF-8 text first for kinds stored as text (MySQL sends text of a binary
/// collation as bytes), except 16 bytes for a UUID (MySQL's `BINARY(16)`).
fn coerced<T: FromValue>(expected: &str, kind: &FieldKind, value: Value) -> Result<T, String> {
    let found = variant(&value);
    let as_text = match (&value, kind) {
        (Value::Bytes(_), FieldKind::Text | FieldKind::Bytes | FieldKind::Json) => false,
        (Value::Bytes(b), FieldKind::Uuid) => b.len() != 16,
        (Value::Bytes(_), _) => true,
        _ => false,
    };
    let value = if as_text {
        FieldKind::Text.coerce(value)
    } else {
        Ok(value)
    };
    value
        .and_then(|v| kind.coerce(v))
        .and_then(T::from_value)
        .map_err(|e| format!("expected {expected}, got {found} ({e})"))
}

impl ColumnValue for String {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::String(s) => Ok(s),
            v @ Value::Bytes(_) => coerced("String", &FieldKind::Text, v),
            other => mismatch("String", &other),
        }
    }
}

impl ColumnValue for bool {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::I32(0) | Value::I64(0) => Ok(false),
            Value::I32(1) | Value::I64(1) => Ok(true),
            other @ (Value::I32(_) | Value::I64(_)) => Err(format!(
                "expected bool, got {} (only the integers 0 and 1 read as a boolean)",
                shown(&other)
            )),
            other => mismatch("bool", &other),
        }
    }
}

impl ColumnValue for i32 {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::I32(i) => Ok(i),
            v @ Value::I64(_) => coerced("i32", &FieldKind::Integer, v),
            other => mismatch("i32", &other),
        }
    }
}

impl ColumnValue for i64 {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::I64(i) => Ok(i),
            Value::I32(i) => Ok(i64::from(i)),
            other => mismatch("i64", &other),
        }
    }
}

/// The largest integer magnitude every smaller one of which an `f64` holds exactly (2⁵³).
const F64_EXACT: i64 = 1 << 53;

impl ColumnValue for f64 {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::F64(f) => Ok(f),
            Value::I32(i) => Ok(f64::from(i)),
            Value::I64(i) if (-F64_EXACT..=F64_EXACT).contains(&i) => Ok(i as f64),
            other @ Value::I64(_) => Err(format!(
                "expected f64, got {} (an integer beyond ±2^53 does not convert exactly)",
                shown(&other)
            )),
            other => mismatch("f64", &other),
        }
    }
}

impl ColumnValue for Uuid {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::Uuid(u) => Ok(u),
            v @ (Value::String(_) | Value::Bytes(_)) => coerced("Uuid", &FieldKind::Uuid, v),
            other => mismatch("Uuid", &other),
        }
    }
}

impl ColumnValue for DateTime<Utc> {
    fn from_column(value: Value) -> Result<Self, String> {
        const EXPECTED: &str = "DateTime<Utc>";
        match value {
            Value::DateTime(d) => Ok(d),
            v @ (Value::String(_) | Value::Bytes(_)) => coerced(EXPECTED, &FieldKind::DateTime, v),
            other => mismatch(EXPECTED, &other),
        }
    }
}

impl ColumnValue for NaiveDate {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::Date(d) => Ok(d),
            v @ (Value::String(_) | Value::Bytes(_)) => coerced("NaiveDate", &FieldKind::Date, v),
            other => mismatch("NaiveDate", &other),
        }
    }
}

impl ColumnValue for serde_json::Value {
    fn from_column(value: Value) -> Result<Self, String> {
        const EXPECTED: &str = "serde_json::Value";
        match value {
            Value::Json(j) => Ok(j),
            v @ (Value::String(_)
            | Value::Bytes(_)
            | Value::Bool(_)
            | Value::I32(_)
            | Value::I64(_)
            | Value::F64(_)) => coerced(EXPECTED, &FieldKind::Json, v),
            other => mismatch(EXPECTED, &other),
        }
    }
}

impl ColumnValue for Vec<u8> {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::Bytes(b) => Ok(b),
            v @ Value::String(_) => coerced("Vec<u8>", &FieldKind::Bytes, v),
            other => mismatch("Vec<u8>", &other),
        }
    }
}

/// The types read through their field kind's coercion: what arrives is checked the way a
/// model field of the type checks it (an `i16` in range, an `f32` exactly, a timestamp or a
/// time from its text on SQLite, a decimal from PostgreSQL's and MySQL's text).
macro_rules! through_kind {
    ($($t:ty => $name:literal, $kind:expr;)*) => {$(
        impl ColumnValue for $t {
            fn from_column(value: Value) -> Result<Self, String> {
                match value {
                    Value::Null => mismatch($name, &value),
                    v => coerced($name, &$kind, v),
                }
            }
        }
    )*};
}

through_kind! {
    i16 => "i16", FieldKind::SmallInteger;
    f32 => "f32", FieldKind::Real;
    chrono::NaiveDateTime => "NaiveDateTime", FieldKind::Timestamp;
    chrono::NaiveTime => "NaiveTime", FieldKind::Time;
}

#[cfg(feature = "rust_decimal")]
through_kind! {
    rust_decimal::Decimal => "Decimal", FieldKind::Decimal { max_digits: 38, decimal_places: 0 };
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    fn from_column(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_column(other).map(Some),
        }
    }
}

impl ColumnValue for Value {
    fn from_column(value: Value) -> Result<Self, String> {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: ColumnValue>(value: Value) -> Result<T, String> {
        T::from_column(value)
    }

    #[test]
    fn text_reads_from_text_and_utf8_bytes_only() {
        assert_eq!(read::<String>("é".into()).unwrap(), "é");
        assert_eq!(
            read::<String>(Value::Bytes("ü".as_bytes().to_vec())).unwrap(),
            "ü"
        );
        let bad = read::<String>(Value::Bytes(vec![0xff])).unwrap_err();
        assert!(
            bad.contains("expected String, got Bytes") && bad.contains("UTF-8"),
            "{bad}"
        );
        assert_eq!(
            read::<String>(Value::I64(5)).unwrap_err(),
            "expected String, got I64(5)"
        );
    }

    #[test]
    fn integers_convert_only_within_range() {
        assert_eq!(
            read::<i64>(Value::I32(i32::MIN)).unwrap(),
            i64::from(i32::MIN)
        );
        assert_eq!(
            read::<i32>(Value::I64(i64::from(i32::MAX))).unwrap(),
            i32::MAX
        );
        let wide = read::<i32>(Value::I64(i64::from(i32::MAX) + 1)).unwrap_err();
        assert!(
            wide.contains("2147483648") && wide.contains("i32"),
            "{wide}"
        );
        assert_eq!(
            read::<i64>("x".into()).unwrap_err(),
            "expected i64, got String(\"x\")"
        );
        assert!(read::<i64>(Value::Bool(true)).is_err());
        assert!(read::<i64>(Value::F64(1.0)).is_err());
    }

    #[test]
    fn booleans_read_from_zero_and_one() {
        assert!(read::<bool>(Value::I64(1)).unwrap());
        assert!(!read::<bool>(Value::I32(0)).unwrap());
        assert!(read::<bool>(Value::Bool(true)).unwrap());
        assert!(read::<bool>(Value::I64(2)).unwrap_err().contains("I64(2)"));
        assert!(read::<bool>("true".into()).is_err());
    }

    #[test]
    fn floats_take_integers_that_convert_exactly() {
        assert_eq!(
            read::<f64>(Value::I64(F64_EXACT)).unwrap(),
            9_007_199_254_740_992.0
        );
        assert_eq!(read::<f64>(Value::I32(-3)).unwrap(), -3.0);
        assert!(read::<f64>(Value::I64(F64_EXACT + 1)).is_err());
        assert!(read::<f64>("1.5".into()).is_err());
    }

    #[test]
    fn uuids_dates_and_json_read_from_their_text_and_bytes() {
        let id = Uuid::parse_str("0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10").unwrap();
        assert_eq!(read::<Uuid>(id.to_string().into()).unwrap(), id);
        assert_eq!(
            read::<Uuid>(Value::Bytes(id.as_bytes().to_vec())).unwrap(),
            id
        );
        assert_eq!(
            read::<Uuid>(Value::Bytes(id.to_string().into_bytes())).unwrap(),
            id
        );
        assert!(read::<Uuid>(Value::Bytes(vec![1, 2])).is_err());
        let at = read::<DateTime<Utc>>("2024-05-06 07:08:09.123456".into()).unwrap();
        assert_eq!(at.to_rfc3339(), "2024-05-06T07:08:09.123456+00:00");
        assert!(read::<DateTime<Utc>>("0000-00-00 00:00:00".into()).is_err());
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(
            read::<NaiveDate>(Value::Bytes(b"2024-02-29".to_vec())).unwrap(),
            day
        );
        assert!(read::<NaiveDate>(Value::DateTime(at)).is_err());
        assert_eq!(
            read::<serde_json::Value>(Value::Bytes(br#"{"a":[1]}"#.to_vec())).unwrap(),
            serde_json::json!({"a": [1]})
        );
        assert_eq!(
            read::<serde_json::Value>(Value::I64(3)).unwrap(),
            serde_json::json!(3)
        );
        assert!(read::<serde_json::Value>("not json".into()).is_err());
        assert_eq!(read::<Vec<u8>>("ab".into()).unwrap(), b"ab");
    }

    #[test]
    fn null_reads_only_into_an_option() {
        assert_eq!(read::<Option<i64>>(Value::Null).unwrap(), None);
        assert_eq!(read::<Option<i64>>(Value::I32(4)).unwrap(), Some(4));
        let e = read::<i64>(Value::Null).unwrap_err();
        assert!(e.contains("got NULL") && e.contains("Option<i64>"), "{e}");
        assert_eq!(read::<Value>(Value::Null).unwrap(), Value::Null);
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let e = read::<i64>("é".repeat(1_000_000).into()).unwrap_err();
        assert!(e.len() < 300 && e.contains("(2000000 bytes)"), "{e}");
        let e = read::<i64>(Value::Bytes(vec![7; 100_000])).unwrap_err();
        assert!(e.len() < 300 && e.contains("(100000 bytes)"), "{e}");
        assert_eq!(
            read::<i64>(Value::Bytes(b"r\xffst".to_vec())).unwrap_err(),
            "expected i64, got Bytes(b\"r\\xffst\")"
        );
    }
}
