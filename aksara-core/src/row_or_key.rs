//! [`RowOrKey`]: what a to-many relation manager accepts as an item, a row or its key.

use crate::model::Model;
use crate::value::Value;
use std::sync::Arc;

/// What a many-to-many manager of `T` accepts as an item: a row of `T` (`&T`, `Arc<T>`,
/// `&Arc<T>`) or a key of `T`'s key type (`Uuid`, `i64` or `i32`, also by reference).
/// A row of another model, or a key of another type, does not compile.
pub trait RowOrKey<T: Model> {
    /// The key of the row.
    fn into_key(self) -> T::Pk;
}

impl<T: Model> RowOrKey<T> for &T {
    fn into_key(self) -> T::Pk {
        self.pk().clone()
    }
}

impl<T: Model> RowOrKey<T> for Arc<T> {
    fn into_key(self) -> T::Pk {
        self.pk().clone()
    }
}

impl<T: Model> RowOrKey<T> for &Arc<T> {
    fn into_key(self) -> T::Pk {
        self.pk().clone()
    }
}

macro_rules! key_items {
    ($($key:ty),*) => {$(
        impl<T: Model<Pk = $key>> RowOrKey<T> for $key {
            fn into_key(self) -> $key {
                self
            }
        }

        impl<T: Model<Pk = $key>> RowOrKey<T> for &$key {
            fn into_key(self) -> $key {
                *self
            }
        }
    )*};
}

key_items!(uuid::Uuid, i64, i32);

/// The keys of `items`, as values.
pub fn item_keys<T: Model, I: RowOrKey<T>>(items: impl IntoIterator<Item = I>) -> Vec<Value> {
    items.into_iter().map(|i| i.into_key().into()).collect()
}
