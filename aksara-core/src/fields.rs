//! Typed field paths: the compiler-checked way to write conditions, orderings and updates.
//!
//! `#[derive(Model)]` generates a `{Model}Fields` struct per model with one method per field
//! (returning a [`Field<T>`] typed by the field's Rust type) and one per to-one relation
//! (returning the target's fields struct, prefixed). A typed path builds exactly the
//! [`Condition`] the string form builds:
//!
//! ```
//! use aksara::demo::Post;
//! use aksara::Condition;
//!
//! // the same condition, twice
//! let typed = Post::fields().author().email().eq("jane@example.com");
//! let by_name = Condition::new("author__email", "jane@example.com");
//! assert_eq!(typed, by_name);
//! ```

use crate::query::{Assignment, Condition, OrderBy};
use crate::value::Value;
use std::marker::PhantomData;

/// A field reached by a path, holding values of type `T`.
pub struct Field<T> {
    path: String,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Field<T> {
    fn clone(&self) -> Self {
        Field {
            path: self.path.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> Field<T> {
    /// The path in string form, whatever the field's type.
    pub(crate) fn path_str(&self) -> &str {
        &self.path
    }
}

impl<T> std::fmt::Debug for Field<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({})", self.path)
    }
}

/// Implemented by the generated `{Model}Fields` structs.
pub trait FieldPath {
    /// The fields of the model reached by `prefix` (`""` or `"author__"`).
    fn at(prefix: String) -> Self;
    /// The prefix these fields are reached by (`"author__"`; `""` for the model itself).
    fn prefix(&self) -> &str;
}

impl<T: Into<Value>> Field<T> {
    /// The field at `path` (`author__email`).
    pub fn new(path: impl Into<String>) -> Self {
        Field {
            path: path.into(),
            _type: PhantomData,
        }
    }

    /// The path in string form.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn lookup(&self, name: &str, value: impl Into<Value>) -> Condition {
        Condition::new(format!("{}__{name}", self.path), value)
    }

    /// Equal to `value`.
    pub fn eq(&self, value: impl Into<T>) -> Condition {
        Condition::new(self.path.clone(), value.into())
    }

    /// Greater than `value`.
    pub fn gt(&self, value: impl Into<T>) -> Condition {
        self.lookup("gt", value.into())
    }

    /// Greater than or equal to `value`.
    pub fn gte(&self, value: impl Into<T>) -> Condition {
        self.lookup("gte", value.into())
    }

    /// Less than `value`.
    pub fn lt(&self, value: impl Into<T>) -> Condition {
        self.lookup("lt", value.into())
    }

    /// Less than or equal to `value`.
    pub fn lte(&self, value: impl Into<T>) -> Condition {
        self.lookup("lte", value.into())
    }

    /// One of `values` (an empty list matches nothing).
    pub fn is_in<V: Into<T>>(&self, values: impl IntoIterator<Item = V>) -> Condition {
        self.lookup(
            "in",
            Value::Array(values.into_iter().map(|v| v.into().into()).collect()),
        )
    }

    /// Between `low` and `high`, inclusive.
    pub fn range(&self, low: impl Into<T>, high: impl Into<T>) -> Condition {
        self.lookup(
            "range",
            Value::Array(vec![low.into().into(), high.into().into()]),
        )
    }

    /// NULL (`true`) or not NULL (`false`).
    pub fn is_null(&self, is_null: bool) -> Condition {
        self.lookup("isnull", is_null)
    }

    /// Ascending order on this field.
    pub fn asc(&self) -> OrderBy {
        OrderBy {
            path: self.path.clone(),
            descending: false,
        }
    }

    /// Descending order on this field.
    pub fn desc(&self) -> OrderBy {
        OrderBy {
            path: self.path.clone(),
            descending: true,
        }
    }

    /// `field = value`, for `update`.
    pub fn set(&self, value: impl Into<T>) -> Assignment {
        Assignment {
            field: self.path.clone(),
            value: crate::query::Expr::Value(value.into().into()),
        }
    }
}

impl Field<String> {
    /// Equal, ignoring case.
    pub fn iexact(&self, value: impl Into<String>) -> Condition {
        self.lookup("iexact", value.into())
    }

    /// Contains `text`.
    pub fn contains(&self, text: impl Into<String>) -> Condition {
        self.lookup("contains", text.into())
    }

    /// Contains `text`, ignoring case.
    pub fn icontains(&self, text: impl Into<String>) -> Condition {
        self.lookup("icontains", text.into())
    }

    /// Starts with `text`.
    pub fn startswith(&self, text: impl Into<String>) -> Condition {
        self.lookup("startswith", text.into())
    }

    /// Starts with `text`, ignoring case.
    pub fn istartswith(&self, text: impl Into<String>) -> Condition {
        self.lookup("istartswith", text.into())
    }

    /// Ends with `text`.
    pub fn endswith(&self, text: impl Into<String>) -> Condition {
        self.lookup("endswith", text.into())
    }

    /// Ends with `text`, ignoring case.
    pub fn iendswith(&self, text: impl Into<String>) -> Condition {
        self.lookup("iendswith", text.into())
    }
}

impl<T: crate::array_field::ArrayElement> Field<Vec<T>> {
    /// An array holding every one of `items` (PostgreSQL's `@>`).
    pub fn contains<V: Into<T>>(&self, items: impl IntoIterator<Item = V>) -> Condition {
        self.lookup("contains", array_of(items))
    }

    /// An array sharing at least one element with `items` (PostgreSQL's `&&`).
    pub fn overlap<V: Into<T>>(&self, items: impl IntoIterator<Item = V>) -> Condition {
        self.lookup("overlap", array_of(items))
    }
}

/// `items` as one array value.
fn array_of<T: crate::field_type::FieldType, V: Into<T>>(
    items: impl IntoIterator<Item = V>,
) -> Value {
    Value::Array(items.into_iter().map(|v| v.into().to_value()).collect())
}

// Typed paths for aggregates (`Count::of(Author::fields().posts())`).
impl<T> crate::query::AggregatePath for Field<T> {
    fn into_path(self) -> String {
        self.path_str().to_string()
    }
}

impl<T> crate::query::AggregatePath for &Field<T> {
    fn into_path(self) -> String {
        self.path_str().to_string()
    }
}

impl<P: FieldPath> crate::query::AggregatePath for P {
    fn into_path(self) -> String {
        self.prefix().trim_end_matches("__").to_string()
    }
}
