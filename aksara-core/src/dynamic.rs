//! Type-erased access to models, for loading related rows whose Rust type only their own
//! derive knows.
//!
//! `select_related` and `prefetch_related` walk relations by name through the registry. When
//! `Author` prefetches `posts`, the code that runs knows the relation, not the type `Post`; so
//! each derived model registers [`ModelOps`] in its metadata (decode a row into a boxed model,
//! collect boxed models into a typed list) and implements [`AnyModel`] (read a column value,
//! accept loaded relations by name). Loaded rows are shared through `Arc`, so a tag prefetched
//! for many posts exists once in memory.

use crate::error::{Error, Result};
/// The type-erased model types, kept here under their old paths; they live in
/// [`crate::model_ops`] (below the metadata that stores them) and [`crate::related_store`].
pub use crate::model_ops::{AnyModel, Loaded, ModelOps, SharedAny};
pub use crate::related_store::Related;
use crate::row_reader::RowReader;
use std::any::Any;
use std::sync::Arc;

/// Implementation of [`ModelOps::list`] for model type `T`.
pub fn list_of<T: Any + Send + Sync>(items: Vec<SharedAny>) -> SharedAny {
    let typed: Vec<Arc<T>> = items
        .into_iter()
        .filter_map(|item| item.downcast::<T>().ok())
        .collect();
    Arc::new(typed)
}

/// Implementation of [`ModelOps::decode`] for model type `T`.
///
/// The instance is allocated once, shared from the start: its relations are attached through
/// `Arc::get_mut` while it is still unique.
pub fn decode_shared<T: crate::model::Model>(row: &mut RowReader) -> Result<Arc<dyn AnyModel>> {
    Ok(Arc::new(T::from_row(row)?))
}

/// The instance as a shared `Any`, for downcasting to its type.
pub fn share(instance: Arc<dyn AnyModel>) -> SharedAny {
    instance
}

/// Mutable access to an instance that was just decoded and is not shared yet.
pub fn unique(instance: &mut Arc<dyn AnyModel>) -> &mut dyn AnyModel {
    Arc::get_mut(instance).expect("a freshly decoded instance is not shared yet")
}

/// The wrong-type error of [`AnyModel::attach`].
pub fn attach_mismatch(model: &str, relation: &str) -> Error {
    Error::config(format!(
        "{model}.{relation}: loaded rows are not of the relation's model"
    ))
}
