//! Array fields: `Vec<T>` of the [`ArrayElement`] types, and reading an array column back.
//!
//! PostgreSQL decodes an array column to its text form (`{1,2,"a \"b\""}`), which dynamic
//! records and the explorer show as is; a field of kind [`FieldKind::Array`] reads that form
//! back element by element, exactly (the form quotes every element that holds separators,
//! quotes, backslashes, spaces or the word NULL, so quoted and unquoted text never mix up).
//!
//! ```
//! use aksara::{FieldKind, Model, Value};
//!
//! #[derive(aksara::Model, Debug, Clone)]
//! struct Post {
//!     id: i64,
//!     tags: Vec<String>,
//!     scores: Option<Vec<i32>>,
//! }
//!
//! let tags = Post::meta().field("tags").unwrap();
//! assert_eq!(tags.kind, FieldKind::Array(Box::new(FieldKind::Text)));
//! assert!(Post::meta().field("scores").unwrap().nullable);
//! // Filters take the array, or its elements for `contains` (`@>`) and `overlap` (`&&`).
//! let rust = Post::fields().tags().contains(["rust"]);
//! let either = Post::fields().tags().overlap(["rust", "sql"]);
//! let exact = Post::fields().scores().eq(vec![1, 2]);
//! # let _ = (rust, either, exact);
//! assert_eq!(
//!     Value::from(vec![1i16, 2]),
//!     Value::Array(vec![Value::I32(1), Value::I32(2)])
//! );
//! ```

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::field_type::{unexpected, FieldType, TypeOptions};
use crate::meta::{FieldMeta, ModelMeta};
use crate::value::{FieldKind, Value};

/// A type whose `Vec` is an array field (`INTEGER[]`, `TEXT[]`, ... on PostgreSQL; refused on
/// the other backends). `Vec<u8>` stays a bytes field.
pub trait ArrayElement: FieldType {
    /// The kind of one element: the type's own kind, except text, stored as `TEXT`.
    fn element_kind(options: &TypeOptions) -> FieldKind {
        Self::kind(options)
    }
}

macro_rules! array_elements {
    ($($t:ty),*) => {$(impl ArrayElement for $t {})*};
}

array_elements!(bool, i16, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate);

impl ArrayElement for String {
    fn element_kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Text
    }
}

impl<T: ArrayElement> FieldType for Vec<T> {
    /// `T[]` on PostgreSQL: `SMALLINT[]`, `INTEGER[]`, `TEXT[]`, `UUID[]`, ...
    fn kind(options: &TypeOptions) -> FieldKind {
        FieldKind::Array(Box::new(T::element_kind(options)))
    }
    fn to_value(&self) -> Value {
        Value::Array(self.iter().map(FieldType::to_value).collect())
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Null => Err(format!("array element {i} is NULL")),
                    item => T::try_from_value(item).map_err(|e| format!("array element {i}: {e}")),
                })
                .collect(),
            other => Err(unexpected("an array", &other)),
        }
    }
}

/// An [`Error::Config`] naming the model and the field when `field` is an array and
/// `dialect` has no array columns: arrays are never stored as JSON or text in their place.
pub fn check_backend(dialect: &dyn Dialect, meta: &ModelMeta, field: &FieldMeta) -> Result<()> {
    if matches!(field.kind, FieldKind::Array(_)) && !dialect.supports_arrays() {
        return Err(Error::config(format!(
            "{}.{} is an array field: arrays are stored on PostgreSQL only, not on {}",
            meta.name,
            field.name,
            dialect.name()
        )));
    }
    Ok(())
}

/// `value` as an array of `element` values: a list coerced element by element, or
/// PostgreSQL's text form of one parsed first.
pub(crate) fn coerce_array(element: &FieldKind, value: Value) -> Result<Value, String> {
    let items = match value {
        Value::Null => return Ok(Value::Null),
        Value::Array(items) => items,
        Value::String(text) => parse(&text)?
            .into_iter()
            .map(|item| match item {
                None => Value::Null,
                Some(text) if *element == FieldKind::Boolean => match text.as_str() {
                    "t" => Value::Bool(true),
                    "f" => Value::Bool(false),
                    _ => Value::String(text),
                },
                Some(text) => Value::String(text),
            })
            .collect(),
        other => return Err(unexpected("an array", &other)),
    };
    items
        .into_iter()
        .map(|item| element.coerce(item))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// The elements of a one-dimensional array in PostgreSQL's text form, `None` for NULL.
fn parse(text: &str) -> Result<Vec<Option<String>>, String> {
    let bad = || format!("expected an array, got {text:?}");
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .ok_or_else(bad)?;
    let mut items = Vec::new();
    if inner.is_empty() {
        return Ok(items);
    }
    let mut chars = inner.chars().peekable();
    loop {
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut item = String::new();
            loop {
                match chars.next().ok_or_else(bad)? {
                    '"' => break,
                    '\\' => item.push(chars.next().ok_or_else(bad)?),
                    c => item.push(c),
                }
            }
            items.push(Some(item));
        } else {
            let mut item = String::new();
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if matches!(c, '"' | '{' | '}' | '\\') {
                    return Err(bad());
                }
                item.push(c);
                chars.next();
            }
            items.push((!item.eq_ignore_ascii_case("null")).then_some(item));
        }
        match chars.next() {
            None => return Ok(items),
            Some(',') => continue,
            Some(_) => return Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_read_back_exactly() {
        let items = parse(r#"{1,NULL,"NULL","a,b","{}","q\"b\\",""}"#).unwrap();
        let expected = ["1", "", "NULL", "a,b", "{}", "q\"b\\", ""];
        assert_eq!(items.len(), expected.len());
        assert_eq!(items[1], None);
        for (i, want) in expected.iter().enumerate().filter(|(i, _)| *i != 1) {
            assert_eq!(items[i].as_deref(), Some(*want));
        }
        assert_eq!(parse("{}").unwrap(), Vec::<Option<String>>::new());
        assert!(parse("{1,{2}}").is_err());
        assert!(parse("1,2").is_err());
    }

    #[test]
    fn booleans_and_integers_coerce_from_text() {
        let bools = coerce_array(&FieldKind::Boolean, Value::String("{t,f}".into())).unwrap();
        assert_eq!(
            bools,
            Value::Array(vec![Value::Bool(true), Value::Bool(false)])
        );
        let ints = coerce_array(
            &FieldKind::BigInteger,
            Value::String("{-9223372036854775808}".into()),
        );
        assert_eq!(ints.unwrap(), Value::Array(vec![Value::I64(i64::MIN)]));
        assert!(Vec::<i32>::try_from_value(Value::Array(vec![Value::Null])).is_err());
    }
}
