//! The types a model field may have, and how each travels as a [`Value`].
//!
//! A field type implements [`FieldType`]: it names the [`FieldKind`] of its column (which
//! decides the column type on each backend, how values bind, how a decoded column is coerced
//! and which lookups apply) and converts itself to and from a [`Value`]. `#[derive(Model)]`
//! reads every column field through this trait, so a type of your own becomes a field type by
//! implementing it. Every type that implements it converts into a [`Value`]
//! (`Value::from(x)`), reads back through [`FromValue`], and is accepted by the builder
//! setters ([`NullableInput`]); `Option<T>` of each is a nullable column.
//!
//! The built-in field types:
//!
//! | Rust type | kind | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|---|
//! | `String` | `String { max_length }` | `VARCHAR(n)` | `VARCHAR(n)` | `VARCHAR(n)` |
//! | `bool` | `Boolean` | `BOOLEAN` | `BOOL` | `BOOLEAN` |
//! | `i16` | `SmallInteger` | `SMALLINT` | `SMALLINT` | `SMALLINT` |
//! | `i32` | `Integer` | `INTEGER` | `INT` | `INTEGER` |
//! | `i64` | `BigInteger` | `BIGINT` | `BIGINT` | `BIGINT` |
//! | `f32` | `Real` | `REAL` | `FLOAT` | `REAL` |
//! | `f64` | `Float` | `DOUBLE PRECISION` | `DOUBLE` | `REAL` |
//! | `rust_decimal::Decimal` (feature `rust_decimal`) | `Decimal { max_digits, decimal_places }` | `NUMERIC(p, s)` | `DECIMAL(p, s)` | `DECIMAL(p, s)` |
//! | `chrono::DateTime<Utc>` | `DateTime` | `TIMESTAMPTZ` | `DATETIME(6)` | `DATETIME` |
//! | `chrono::NaiveDateTime` | `Timestamp` | `TIMESTAMP` | `DATETIME(6)` | `TIMESTAMP` |
//! | `chrono::NaiveDate` | `Date` | `DATE` | `DATE` | `DATE` |
//! | `chrono::NaiveTime` | `Time` | `TIME` | `TIME(6)` | `TIME` |
//! | `time::Date`, `Time`, `PrimitiveDateTime`, `OffsetDateTime` (feature `time`) | `Date`, `Time`, `Timestamp`, `DateTime` | as chrono's | | |
//! | `uuid::Uuid` | `Uuid` | `UUID` | `BINARY(16)` | `UUID` |
//! | `serde_json::Value`, [`Json<T>`](crate::typed_json::Json) | `Json` | `JSONB` | `JSON` | `JSON` |
//! | `Vec<u8>` | `Bytes` | `BYTEA` | `LONGBLOB` | `BLOB` |
//! | `Vec<T>`, `T:` [`ArrayElement`](crate::ArrayElement) | `Array(element kind)` | `T[]` (`integer[]`, `text[]`, ...) | refused | refused |
//! | a `#[derive(aksara::Enum)]` enum | `String { max_length }` | `VARCHAR(n)` | `VARCHAR(n)` | `VARCHAR(n)` |
//!
//! Values are written exactly or refused before any SQL runs (`Error::Validation` naming the
//! model, the field and the value): an `i16` or `f32` column refuses a value set by name that
//! its type cannot hold, a decimal one with more digits than `NUMERIC(p, s)` keeps (SQLite,
//! which stores decimals as integers or floats, also one of more than 15 significant digits),
//! a timestamp or time one with nanoseconds (every backend keeps microseconds); each backend
//! refuses what it cannot store (NaN and the infinities on MariaDB, NaN and -0.0 on SQLite,
//! timestamps before year 1000 on MariaDB).
//!
//! A type of your own, here a newtype stored as a 64-bit integer:
//!
//! ```
//! use aksara::{FieldKind, FieldType, Model, TypeOptions, Value};
//!
//! /// An amount of money in cents.
//! #[derive(Debug, Clone, Copy, PartialEq)]
//! struct Cents(i64);
//!
//! impl FieldType for Cents {
//!     fn kind(_: &TypeOptions) -> FieldKind {
//!         FieldKind::BigInteger
//!     }
//!     fn to_value(&self) -> Value {
//!         Value::I64(self.0)
//!     }
//!     fn try_from_value(value: Value) -> Result<Self, String> {
//!         i64::try_from_value(value).map(Cents)
//!     }
//! }
//!
//! #[derive(aksara::Model, Debug, Clone)]
//! struct Invoice {
//!     id: i64,
//!     total: Cents,
//!     discount: Option<Cents>,
//! }
//!
//! let total = Invoice::meta().field("total").unwrap();
//! assert_eq!(total.kind, FieldKind::BigInteger);
//! assert_eq!(Value::from(Cents(1250)), Value::I64(1250));
//! // Filters take the type itself.
//! let big = Invoice::fields().total().gte(Cents(100_00));
//! # let _ = big;
//! ```

use crate::value::{FieldKind, Value};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use uuid::Uuid;

/// What the field's attributes say about its column, for [`FieldType::kind`]: the
/// attributes that apply to the type (`max_length` for text, `max_digits` and
/// `decimal_places` for decimals); `None` when not written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeOptions {
    /// `#[aksara(max_length = N)]`.
    pub max_length: Option<u32>,
    /// `#[aksara(max_digits = N)]`: the significant digits of a decimal column.
    pub max_digits: Option<u32>,
    /// `#[aksara(decimal_places = N)]`: the digits after the point of a decimal column.
    pub decimal_places: Option<u32>,
}

/// A type a model field may have: the kind of its column and its conversions to and from
/// the engine's [`Value`]. See the [module documentation](self) for the built-in types and an
/// example of a type of your own.
///
/// `try_from_value` receives a value already coerced to the kind's own variant (an `I64` for
/// `FieldKind::BigInteger`, whatever the backend sent), or NULL; it refuses what does not fit
/// with a message that names the value, which becomes an [`Error::Decode`](crate::Error)
/// naming the model and the field.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field type: it does not implement `aksara::FieldType`",
    label = "not a field type",
    note = "the built-in field types are String, bool, i16, i32, i64, f32, f64, Decimal (feature `rust_decimal`), chrono's DateTime<Utc>, NaiveDateTime, NaiveDate and NaiveTime, uuid::Uuid, serde_json::Value, aksara::Json<T>, Vec<u8>, and Vec<T> of i16, i32, i64, f32, f64, bool, String, Uuid or NaiveDate (PostgreSQL arrays)",
    note = "derive `aksara::Enum` for a fieldless enum stored as text, or implement `aksara::FieldType` for a type of your own"
)]
pub trait FieldType: Sized + Clone + Send + Sync + 'static {
    /// The kind of the column, given the field's attributes.
    fn kind(options: &TypeOptions) -> FieldKind;

    /// The value stored for `self`.
    fn to_value(&self) -> Value;

    /// The Rust value for a stored value, or why it is not one.
    fn try_from_value(value: Value) -> Result<Self, String>;
}

/// Reading a Rust value back out of a [`Value`] that has already been coerced to the field's
/// kind. Implemented for every [`FieldType`], `Option` of one, and [`Value`] itself.
pub trait FromValue: Sized {
    /// Converts, or says what was found instead.
    fn from_value(value: Value) -> Result<Self, String>;
}

impl<T: FieldType> FromValue for T {
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => {
                Err("unexpected NULL; declare the field as an `Option` if it may be NULL".into())
            }
            other => T::try_from_value(other),
        }
    }
}

impl<T: FieldType> From<T> for Value {
    fn from(v: T) -> Self {
        v.to_value()
    }
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

/// The message for a value of another variant than `expected`.
pub fn unexpected(expected: &str, found: &Value) -> String {
    format!("expected {expected}, got {found:?}")
}

macro_rules! variant_types {
    ($($t:ty => $variant:ident, $kind:expr;)*) => {$(
        impl FieldType for $t {
            fn kind(_: &TypeOptions) -> FieldKind {
                $kind
            }
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
            fn try_from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(unexpected(stringify!($t), &other)),
                }
            }
        }
    )*};
}

variant_types! {
    bool => Bool, FieldKind::Boolean;
    i32 => I32, FieldKind::Integer;
    i64 => I64, FieldKind::BigInteger;
    f64 => F64, FieldKind::Float;
    Uuid => Uuid, FieldKind::Uuid;
    DateTime<Utc> => DateTime, FieldKind::DateTime;
    NaiveDate => Date, FieldKind::Date;
    NaiveDateTime => Timestamp, FieldKind::Timestamp;
    NaiveTime => Time, FieldKind::Time;
    serde_json::Value => Json, FieldKind::Json;
    Vec<u8> => Bytes, FieldKind::Bytes;
}

impl FieldType for String {
    /// `VARCHAR(max_length)`, 255 unless given (`#[derive(Model)]` also reads `text`, `email`
    /// and `url` on a `String` field).
    fn kind(options: &TypeOptions) -> FieldKind {
        FieldKind::String {
            max_length: options.max_length.unwrap_or(255),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::String(v) => Ok(v),
            other => Err(unexpected("String", &other)),
        }
    }
}

impl FieldType for i16 {
    /// `SMALLINT`; values travel as 32-bit integers.
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::SmallInteger
    }
    fn to_value(&self) -> Value {
        Value::I32(i32::from(*self))
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        let wide = match value {
            Value::I32(v) => i64::from(v),
            Value::I64(v) => v,
            other => return Err(unexpected("i16", &other)),
        };
        i16::try_from(wide).map_err(|_| format!("{wide} does not fit in a 16-bit integer"))
    }
}

impl FieldType for f32 {
    /// `REAL` (`FLOAT` on MySQL); values travel as `f64`, which holds every `f32` exactly.
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Real
    }
    fn to_value(&self) -> Value {
        Value::F64(f64::from(*self))
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::F64(v) => f32_exactly(v),
            other => Err(unexpected("f32", &other)),
        }
    }
}

/// `v` as an `f32` when it is one exactly (NaN and the infinities included).
pub fn f32_exactly(v: f64) -> Result<f32, String> {
    let narrow = v as f32;
    if v.is_nan() || f64::from(narrow) == v {
        Ok(narrow)
    } else {
        Err(format!("{v} is not exactly a 32-bit float"))
    }
}

/// The digits of a decimal column when the field does not say: `NUMERIC(28, 10)`, 28 being
/// the most significant digits a `rust_decimal::Decimal` holds.
pub const DEFAULT_DECIMAL: (u32, u32) = (28, 10);

#[cfg(feature = "rust_decimal")]
impl FieldType for rust_decimal::Decimal {
    /// `NUMERIC(max_digits, decimal_places)`, [`DEFAULT_DECIMAL`] unless the field says.
    fn kind(options: &TypeOptions) -> FieldKind {
        FieldKind::Decimal {
            max_digits: options.max_digits.unwrap_or(DEFAULT_DECIMAL.0),
            decimal_places: options.decimal_places.unwrap_or(DEFAULT_DECIMAL.1),
        }
    }
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Decimal(v) => Ok(v),
            other => Err(unexpected("Decimal", &other)),
        }
    }
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

value_from! { u32 => I64, &str => String, &String => String }

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

/// What the builder setter of a nullable field of type `T` accepts: a `T` (or what converts to
/// it, like `&str` for `String`), or an `Option` of one (`None` for NULL).
pub trait NullableInput<T> {
    /// The value to store.
    fn into_value(self) -> Value;
}

impl<T: FieldType> NullableInput<T> for T {
    fn into_value(self) -> Value {
        self.to_value()
    }
}

impl<T: FieldType> NullableInput<T> for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, |v| v.to_value())
    }
}

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
