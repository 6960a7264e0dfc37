//! The type-erased face of a model: what the engine can do with an instance whose Rust type
//! only its own derive knows (see [`crate::dynamic`] for how it is used).
//!
//! These types sit below the model metadata, which stores a model's [`ModelOps`]; they know
//! rows and values only, nothing of the registry or of queries.

use crate::error::Result;
use crate::row_reader::RowReader;
use crate::value::Value;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A shared, type-erased model instance.
pub type SharedAny = Arc<dyn Any + Send + Sync>;

/// Related rows handed to a model by name.
pub enum Loaded {
    /// A to-one relation: the row (an `Arc<T>`), or `None` when there is none.
    One(Option<SharedAny>),
    /// A to-many relation: the rows, as an `Arc<Vec<Arc<T>>>` built by [`ModelOps::list`].
    Many(SharedAny),
}

/// What every model can do without its type being known; implemented by `#[derive(Model)]`.
pub trait AnyModel: Any + Send + Sync {
    /// The value of the column at `index` among the model's concrete fields.
    fn value_at(&self, index: usize) -> Value;
    /// Keeps `loaded` as the relation `name` (forward fields in the field itself, reverse ones
    /// in the model's [`Related`](crate::related_store::Related) store).
    fn attach(&mut self, name: &str, loaded: Loaded) -> Result<()>;
    /// Takes out the row a forward to-one relation `name` has loaded (by `select_related`),
    /// leaving it unloaded: `Some(None)` when the relation is NULL, `None` when it is not a
    /// forward to-one relation or has nothing loaded. A prefetch through that relation uses
    /// the row instead of reading it again, then [`attach`](Self::attach)es it back.
    fn take_loaded(&mut self, name: &str) -> Option<Option<Arc<dyn AnyModel>>> {
        let _ = name;
        None
    }
}

/// Functions of a model type, kept in its metadata.
#[derive(Clone, Copy)]
pub struct ModelOps {
    /// Reads an instance from the next columns of a row.
    pub decode: fn(&mut RowReader) -> Result<Arc<dyn AnyModel>>,
    /// Collects shared instances (each an `Arc<T>`) into an `Arc<Vec<Arc<T>>>`.
    pub list: fn(Vec<SharedAny>) -> SharedAny,
}

impl fmt::Debug for ModelOps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ModelOps")
    }
}
