//! Values as they travel between models, the query tree and the database.
//!
//! A [`Value`] is what a field holds once it has left its Rust type: it is what a filter
//! compares with, what a bind parameter carries and what a row column decodes into. Each
//! backend decodes columns into their *natural* value (what the wire says: PostgreSQL's type
//! OIDs are exact, MySQL sends BOOL as an integer and a UUID as 16 bytes, SQLite knows only
//! integer, real, text and blob); [`FieldKind::coerce`] then turns a natural value into the one
//! the model's field expects, and refuses what does not fit with a message naming the value.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
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
    /// JSON.
    Json,
    /// Bytes.
    Bytes,
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
    /// A double precision float.
    Float,
    /// A timestamp with time zone (UTC in Rust).
    DateTime,
    /// A calendar date.
    Date,
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// Raw bytes.
    Bytes,
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
            FieldKind::Integer | FieldKind::AutoInteger => ValueType::I32,
            FieldKind::BigInteger | FieldKind::AutoBigInteger => ValueType::I64,
            FieldKind::Float => ValueType::F64,
            FieldKind::DateTime => ValueType::DateTime,
            FieldKind::Date => ValueType::Date,
            FieldKind::Uuid => ValueType::Uuid,
            FieldKind::Json => ValueType::Json,
            FieldKind::Bytes => ValueType::Bytes,
        }
    }

    /// True for kinds whose values the database assigns.
    pub fn is_auto(&self) -> bool {
        matches!(self, FieldKind::AutoBigInteger | FieldKind::AutoInteger)
    }

    /// True for text kinds (the ones the string lookups such as `contains` apply to).
    pub fn is_text(&self) -> bool {
        self.value_type() == ValueType::String && !matches!(self, FieldKind::Other(_))
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
            FieldKind::Float => "float",
            FieldKind::DateTime => "date-time",
            FieldKind::Date => "date",
            FieldKind::Uuid => "UUID",
            FieldKind::Json => "JSON",
            FieldKind::Bytes => "bytes",
        }
    }

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

macro_rules! value_from {
    ($($t:ty => $variant:ident),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(v.into())
            }
        })*
    };
}

value_from! {
    bool => Bool, i32 => I32, i16 => I32, i64 => I64, u32 => I64, f64 => F64, f32 => F64,
    String => String, &str => String, &String => String, Uuid => Uuid, DateTime<Utc> => DateTime,
    NaiveDate => Date, serde_json::Value => Json, Vec<u8> => Bytes,
}

impl From<&Uuid> for Value {
    fn from(v: &Uuid) -> Self {
        Value::Uuid(*v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a [`Value::Array`] from any list of values, for the `in` lookup.
///
/// ```
/// use aksara_core::{value_list, Value};
/// assert_eq!(value_list([1, 2]), Value::Array(vec![Value::I32(1), Value::I32(2)]));
/// ```
pub fn value_list<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
    Value::Array(items.into_iter().map(Into::into).collect())
}

/// Reading a Rust value back out of a [`Value`] that has already been coerced to the field's
/// kind. Implemented for every type a model field may have.
pub trait FromValue: Sized {
    /// Converts, or says what was found instead.
    fn from_value(value: Value) -> Result<Self, String>;
}

macro_rules! from_value {
    ($($t:ty => $variant:ident),* $(,)?) => {
        $(impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::$variant(v) => Ok(v),
                    Value::Null => Err("unexpected NULL; declare the field as an `Option` if it may be NULL".into()),
                    other => Err(format!("expected {}, got {other:?}", stringify!($t))),
                }
            }
        })*
    };
}

from_value! {
    bool => Bool, i32 => I32, i64 => I64, f64 => F64, String => String, Uuid => Uuid,
    DateTime<Utc> => DateTime, NaiveDate => Date, serde_json::Value => Json, Vec<u8> => Bytes,
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, String> {
        Ok(value)
    }
}

/// What the builder setter of a nullable field of type `T` accepts: a `T` (or what converts to
/// it, like `&str` for `String`), or an `Option` of one (`None` for NULL).
pub trait NullableInput<T> {
    /// The value to store.
    fn into_value(self) -> Value;
}

macro_rules! nullable_input {
    ($($t:ty),* $(,)?) => {
        $(
            impl NullableInput<$t> for $t {
                fn into_value(self) -> Value {
                    Value::from(self)
                }
            }
            impl NullableInput<$t> for Option<$t> {
                fn into_value(self) -> Value {
                    Value::from(self)
                }
            }
        )*
    };
}

nullable_input!(
    bool,
    i32,
    i64,
    f64,
    String,
    Uuid,
    DateTime<Utc>,
    NaiveDate,
    serde_json::Value,
    Vec<u8>
);

impl NullableInput<String> for &str {
    fn into_value(self) -> Value {
        Value::from(self)
    }
}

impl NullableInput<String> for Option<&str> {
    fn into_value(self) -> Value {
        Value::from(self)
    }
}

impl NullableInput<String> for &String {
    fn into_value(self) -> Value {
        Value::from(self)
    }
}
