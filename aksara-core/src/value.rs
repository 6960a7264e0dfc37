//! Values as they travel between models, the query tree and the database.
//!
//! A [`Value`] is what a field holds once it has left its Rust type: it is what a filter
//! compares with, what a bind parameter carries and what a row column decodes into. Each
//! backend decodes columns into their *natural* value (what the wire says: PostgreSQL's type
//! OIDs are exact, MySQL sends BOOL as an integer and a UUID as 16 bytes, SQLite knows only
//! integer, real, text and blob); [`FieldKind::coerce`] then turns a natural value into the one
//! the model's field expects, and refuses what does not fit with a message naming the value.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use std::fmt;
use uuid::Uuid;

/// A single SQL value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A double precision float.
    F64(f64),
    /// Text.
    String(String),
    /// A UUID.
    Uuid(Uuid),
    /// A point in time, in UTC.
    DateTime(DateTime<Utc>),
    /// A calendar date.
    Date(NaiveDate),
    /// A date and time of day without a time zone (`TIMESTAMP` / `DATETIME`).
    Timestamp(NaiveDateTime),
    /// A time of day (`TIME`).
    Time(NaiveTime),
    /// An exact decimal number (`NUMERIC` / `DECIMAL`), with the `rust_decimal` feature.
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
    /// A JSON document.
    Json(serde_json::Value),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// A list of values of one type (bound as an array on PostgreSQL, expanded elsewhere).
    Array(Vec<Value>),
}

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value's own type, `None` for NULL and for an empty array.
    pub fn value_type(&self) -> Option<ValueType> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => ValueType::Bool,
            Value::I32(_) => ValueType::I32,
            Value::I64(_) => ValueType::I64,
            Value::F64(_) => ValueType::F64,
            Value::String(_) => ValueType::String,
            Value::Uuid(_) => ValueType::Uuid,
            Value::DateTime(_) => ValueType::DateTime,
            Value::Date(_) => ValueType::Date,
            Value::Timestamp(_) => ValueType::Timestamp,
            Value::Time(_) => ValueType::Time,
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(_) => ValueType::Decimal,
            Value::Json(_) => ValueType::Json,
            Value::Bytes(_) => ValueType::Bytes,
            Value::Array(items) => return items.iter().find_map(Value::value_type),
        })
    }

    /// The text inside a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an `i64`, for any integer variant.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::I32(v) => Some(i64::from(*v)),
            Value::I64(v) => Some(*v),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// A short, human-readable form used in error messages and the explorer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "NULL"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::String(v) => write!(f, "{v:?}"),
            Value::Uuid(v) => write!(f, "{v}"),
            Value::DateTime(v) => write!(f, "{}", v.to_rfc3339()),
            Value::Date(v) => write!(f, "{v}"),
            Value::Timestamp(v) => write!(f, "{}", v.format("%Y-%m-%d %H:%M:%S%.f")),
            Value::Time(v) => write!(f, "{}", v.format("%H:%M:%S%.f")),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => write!(f, "{v}"),
            Value::Json(v) => write!(f, "{v}"),
            Value::Bytes(v) => {
                write!(f, "x'")?;
                for b in v {
                    write!(f, "{b:02x}")?;
                }
                write!(f, "'")
            }
            Value::Array(items) => {
                write!(f, "[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// The type a bind parameter is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Boolean.
    Bool,
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// Double precision float.
    F64,
    /// Text.
    String,
    /// UUID.
    Uuid,
    /// Timestamp with time zone.
    DateTime,
    /// Date.
    Date,
    /// Timestamp without time zone.
    Timestamp,
    /// Time of day.
    Time,
    /// Exact decimal (`NUMERIC`), with the `rust_decimal` feature.
    #[cfg(feature = "rust_decimal")]
    Decimal,
    /// JSON.
    Json,
    /// Bytes.
    Bytes,
    /// A PostgreSQL array of the given element type.
    Array(&'static ValueType),
}

impl ValueType {
    /// The array type whose elements are of this type.
    pub fn array_of(self) -> ValueType {
        ValueType::Array(match self {
            ValueType::Bool => &ValueType::Bool,
            ValueType::I32 => &ValueType::I32,
            ValueType::I64 => &ValueType::I64,
            ValueType::F64 => &ValueType::F64,
            ValueType::String => &ValueType::String,
            ValueType::Uuid => &ValueType::Uuid,
            ValueType::DateTime => &ValueType::DateTime,
            ValueType::Date => &ValueType::Date,
            ValueType::Timestamp => &ValueType::Timestamp,
            ValueType::Time => &ValueType::Time,
            #[cfg(feature = "rust_decimal")]
            ValueType::Decimal => &ValueType::Decimal,
            ValueType::Json => &ValueType::Json,
            ValueType::Bytes => &ValueType::Bytes,
            // PostgreSQL has no arrays of arrays (only multi-dimensional ones).
            ValueType::Array(element) => return ValueType::Array(element),
        })
    }
}

/// What kind of data a model field holds; decides the column type, validation and decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    /// Short text with a maximum length in characters (`VARCHAR(n)`).
    String {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// Text of any length.
    Text,
    /// An email address (validated), stored as `VARCHAR(254)` unless `max_length` says otherwise.
    Email {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A URL (validated), stored as `VARCHAR(2048)` unless `max_length` says otherwise.
    Url {
        /// The maximum length in characters.
        max_length: u32,
    },
    /// A boolean.
    Boolean,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInteger,
    /// A 16-bit integer (`SMALLINT`).
    SmallInteger,
    /// A double precision float.
    Float,
    /// A single precision float (`REAL` / `FLOAT`).
    Real,
    /// An exact decimal number: `NUMERIC(max_digits, decimal_places)`.
    Decimal {
        /// The number of significant digits the column holds.
        max_digits: u32,
        /// How many of them are after the decimal point.
        decimal_places: u32,
    },
    /// A timestamp with time zone (UTC in Rust).
    DateTime,
    /// A calendar date.
    Date,
    /// A date and time of day without a time zone (`TIMESTAMP` / `DATETIME(6)`).
    Timestamp,
    /// A time of day (`TIME(6)`).
    Time,
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// Raw bytes.
    Bytes,
    /// A one-dimensional array of elements of the inner kind (`INTEGER[]`, `TEXT[]`, ...),
    /// stored on PostgreSQL only.
    Array(Box<FieldKind>),
    /// A 64-bit integer primary key that the database assigns.
    AutoBigInteger,
    /// A 32-bit integer primary key that the database assigns.
    AutoInteger,
    /// A column of a type Aksara has no kind for (read from a database catalog: numeric,
    /// arrays, enums, ...), named as the database names it. Values pass through as the
    /// backend decoded them, and are bound as text.
    Other(String),
}

impl FieldKind {
    /// The bind type values of this kind are sent as.
    pub fn value_type(&self) -> ValueType {
        match self {
            FieldKind::String { .. }
            | FieldKind::Text
            | FieldKind::Email { .. }
            | FieldKind::Url { .. }
            | FieldKind::Other(_) => ValueType::String,
            FieldKind::Boolean => ValueType::Bool,
            FieldKind::Integer | FieldKind::AutoInteger | FieldKind::SmallInteger => ValueType::I32,
            FieldKind::BigInteger | FieldKind::AutoBigInteger => ValueType::I64,
            FieldKind::Float | FieldKind::Real => ValueType::F64,
            #[cfg(feature = "rust_decimal")]
            FieldKind::Decimal { .. } => ValueType::Decimal,
            #[cfg(not(feature = "rust_decimal"))]
            FieldKind::Decimal { .. } => ValueType::String,
            FieldKind::DateTime => ValueType::DateTime,
            FieldKind::Date => ValueType::Date,
            FieldKind::Timestamp => ValueType::Timestamp,
            FieldKind::Time => ValueType::Time,
            FieldKind::Uuid => ValueType::Uuid,
            FieldKind::Json => ValueType::Json,
            FieldKind::Bytes => ValueType::Bytes,
            FieldKind::Array(element) => element.value_type().array_of(),
        }
    }

    /// True for kinds whose values the database assigns.
    pub fn is_auto(&self) -> bool {
        matches!(self, FieldKind::AutoBigInteger | FieldKind::AutoInteger)
    }

    /// True for text kinds (the ones the string lookups such as `contains` apply to).
    pub fn is_text(&self) -> bool {
        self.value_type() == ValueType::String
            && !matches!(self, FieldKind::Other(_) | FieldKind::Decimal { .. })
    }

    /// The kind a foreign key column pointing at a key of this kind has.
    pub fn referencing_kind(&self) -> FieldKind {
        match self {
            FieldKind::AutoBigInteger => FieldKind::BigInteger,
            FieldKind::AutoInteger => FieldKind::Integer,
            other => other.clone(),
        }
    }

    /// A short name for messages ("UUID", "text", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            FieldKind::String { .. } => "string",
            FieldKind::Other(_) => "other",
            FieldKind::Text => "text",
            FieldKind::Email { .. } => "email",
            FieldKind::Url { .. } => "URL",
            FieldKind::Boolean => "boolean",
            FieldKind::Integer | FieldKind::AutoInteger => "integer",
            FieldKind::BigInteger | FieldKind::AutoBigInteger => "big integer",
            FieldKind::SmallInteger => "small integer",
            FieldKind::Float => "float",
            FieldKind::Real => "single precision float",
            FieldKind::Decimal { .. } => "decimal",
            FieldKind::DateTime => "date-time",
            FieldKind::Date => "date",
            FieldKind::Timestamp => "timestamp",
            FieldKind::Time => "time",
            FieldKind::Uuid => "UUID",
            FieldKind::Json => "JSON",
            FieldKind::Bytes => "bytes",
            FieldKind::Array(_) => "array",
        }
    }
}

/// Parses the date-time forms databases and users write: RFC 3339, and `YYYY-MM-DD HH:MM:SS[.f]`
/// (taken as UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%#z"] {
        if let Ok(d) = DateTime::parse_from_str(s, format) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(d.and_utc());
        }
    }
    None
}
