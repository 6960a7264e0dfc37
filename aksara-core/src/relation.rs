//! Relation fields: [`ForeignKey`], [`OneToOne`] and [`ManyToMany`].
//!
//! A to-one field holds the raw key of the row it points at (read with [`ToOne::id`], no query)
//! and a cache of the row itself: [`ToOne::get`] loads it with one query the first time and
//! returns the cached row afterwards; `select_related` fills the cache as rows are read, and
//! [`ToOne::loaded`] reads it without `.await`. A nullable relation is an
//! `Option<ForeignKey<T>>`; [`OptionalRelation`] gives it the same methods.
//!
//! A [`ManyToMany`] field holds no column; it keeps what `prefetch_related` loaded. Its manager
//! (`post.tags()`) reads and writes the junction table.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Model, PrimaryKey};
use crate::value::{FromValue, Value};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Marker for many-to-one relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManyToOneKind {}
/// Marker for one-to-one relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneToOneKind {}

/// A to-one relation field: the key of the target row and, once loaded, the row.
pub struct ToOne<T: Model, K> {
    id: T::Pk,
    cache: OnceLock<Arc<T>>,
    _kind: PhantomData<fn() -> K>,
}

/// A many-to-one relation: many rows of this model point at one `T`.
///
/// ```
/// use aksara::{ForeignKey, Model, CASCADE};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Author {
///     pub id: i64,
///     pub name: String,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Post {
///     pub id: i64,
///     pub title: String,
///     #[aksara(on_delete = CASCADE, related_name = "posts")]
///     pub author: ForeignKey<Author>,
/// }
///
/// let post = Post { id: 1, title: "Hi".into(), author: ForeignKey::new(7) };
/// assert_eq!(*post.author.id(), 7); // the key, with no query
/// ```
pub type ForeignKey<T> = ToOne<T, ManyToOneKind>;

/// A one-to-one relation: a unique foreign key to `T`.
pub type OneToOne<T> = ToOne<T, OneToOneKind>;

impl<T: Model, K> ToOne<T, K> {
    /// A relation to the row whose key is `id`.
    pub fn new(id: T::Pk) -> Self {
        ToOne {
            id,
            cache: OnceLock::new(),
            _kind: PhantomData,
        }
    }

    /// A relation to `target`, with `target` already loaded.
    pub fn to(target: T) -> Self {
        let rel = Self::new(target.pk().clone());
        let _ = rel.cache.set(Arc::new(target));
        rel
    }

    /// The key of the target row, without a query (the seed's `post.author_id`).
    pub fn id(&self) -> &T::Pk {
        &self.id
    }

    /// The target row if it was loaded (by [`ToOne::get`] or `select_related`).
    pub fn loaded(&self) -> Option<&T> {
        self.cache.get().map(|a| a.as_ref())
    }

    /// The target row: from the cache, or loaded with one query and cached (the seed's
    /// `await post.author`).
    ///
    /// # Errors
    /// [`Error::LazyLoad`] when the row is not cached and `db` is in strict mode;
    /// [`Error::DoesNotExist`] if the row is gone.
    pub async fn get(&self, db: &Db) -> Result<&T> {
        if let Some(cached) = self.cache.get() {
            return Ok(cached);
        }
        if db.is_strict() {
            return Err(Error::LazyLoad {
                model: T::meta().name.clone(),
                relation: "(forward relation)".into(),
            });
        }
        let row = T::objects().get_by_pk(db, self.id.clone()).await?;
        let _ = self.cache.set(Arc::new(row));
        Ok(self.cache.get().expect("just set"))
    }

    /// Points the relation at `target` (the row is cached).
    pub fn set(&mut self, target: T) {
        *self = Self::to(target);
    }

    /// Points the relation at the row with key `id` (the cache is cleared).
    pub fn set_id(&mut self, id: T::Pk) {
        *self = Self::new(id);
    }

    /// Keeps `target` as the loaded row.
    pub fn set_loaded(&mut self, target: T) {
        self.set_loaded_shared(Arc::new(target));
    }

    /// Keeps a shared `target` as the loaded row (used by `select_related` and
    /// `prefetch_related`, where many rows may point at one).
    pub fn set_loaded_shared(&mut self, target: Arc<T>) {
        self.cache = OnceLock::new();
        let _ = self.cache.set(target);
    }

    /// Takes the loaded row out of the relation, leaving it unloaded.
    pub fn take_loaded(&mut self) -> Option<Arc<T>> {
        self.cache.take()
    }

    /// Forgets the loaded row.
    pub fn clear_cache(&mut self) {
        self.cache = OnceLock::new();
    }
}

impl<T: Model, K> Clone for ToOne<T, K> {
    fn clone(&self) -> Self {
        ToOne {
            id: self.id.clone(),
            cache: self.cache.clone(),
            _kind: PhantomData,
        }
    }
}

impl<T: Model, K> PartialEq for ToOne<T, K> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T: Model, K> fmt::Debug for ToOne<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}({:?}{})",
            T::meta().name,
            self.id,
            if self.cache.get().is_some() {
                ", loaded"
            } else {
                ""
            }
        )
    }
}

impl<T: Model, K> FromValue for ToOne<T, K> {
    fn from_value(value: Value) -> Result<Self, String> {
        T::Pk::from_value(value).map(Self::new)
    }
}

impl<T: Model, K> From<&ToOne<T, K>> for Value {
    fn from(rel: &ToOne<T, K>) -> Self {
        rel.id.clone().into()
    }
}

/// The methods of a to-one relation, for a nullable one (`Option<ForeignKey<T>>`).
pub trait OptionalRelation<T: Model> {
    /// The key of the target row, `None` when the relation is NULL (no query).
    fn id(&self) -> Option<&T::Pk>;
    /// The target row if loaded; `None` when NULL or not loaded.
    fn loaded(&self) -> Option<&T>;
    /// The target row (loaded and cached on first use), `None` when the relation is NULL.
    fn get<'a>(&'a self, db: &'a Db) -> impl Future<Output = Result<Option<&'a T>>> + Send + 'a;
}

impl<T: Model, K: 'static> OptionalRelation<T> for Option<ToOne<T, K>> {
    fn id(&self) -> Option<&T::Pk> {
        self.as_ref().map(ToOne::id)
    }

    fn loaded(&self) -> Option<&T> {
        self.as_ref().and_then(ToOne::loaded)
    }

    async fn get<'a>(&'a self, db: &'a Db) -> Result<Option<&'a T>> {
        match self {
            Some(rel) => rel.get(db).await.map(Some),
            None => Ok(None),
        }
    }
}

/// A many-to-many relation field. It has no column; it keeps the rows that `prefetch_related`
/// loaded (shared: a tag prefetched for many posts is one allocation). Read and write the links
/// through the generated manager (`post.tags()`); a write through the manager makes the
/// prefetched rows read as not loaded.
pub struct ManyToMany<T> {
    loaded: Option<Arc<Vec<Arc<T>>>>,
    /// Set by a write through the manager; exists only once rows are loaded, so an unloaded
    /// field costs no allocation.
    stale: Option<Arc<AtomicBool>>,
}

impl<T> ManyToMany<T> {
    /// An empty field: nothing loaded.
    pub fn new() -> Self {
        ManyToMany {
            loaded: None,
            stale: None,
        }
    }

    /// The prefetched rows, if `prefetch_related` loaded them and no write changed them since.
    pub fn loaded(&self) -> Option<&[Arc<T>]> {
        if self
            .stale
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Acquire))
        {
            return None;
        }
        self.loaded.as_deref().map(Vec::as_slice)
    }

    /// Iterates over the prefetched rows (nothing when not prefetched).
    pub fn iter(&self) -> std::slice::Iter<'_, Arc<T>> {
        self.loaded().unwrap_or(&[]).iter()
    }

    /// Keeps `rows` as the prefetched rows.
    pub fn set_loaded(&mut self, rows: Arc<Vec<Arc<T>>>) {
        self.loaded = Some(rows);
        self.stale = Some(Arc::new(AtomicBool::new(false)));
    }

    /// Forgets the prefetched rows.
    pub fn clear_cache(&mut self) {
        self.loaded = None;
    }

    /// Marks the prefetched rows as changed (they read as not loaded).
    pub fn invalidate(&self) {
        if let Some(stale) = &self.stale {
            stale.store(true, Ordering::Release);
        }
    }
}

impl<T> Default for ManyToMany<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for ManyToMany<T> {
    fn clone(&self) -> Self {
        ManyToMany {
            loaded: self.loaded.clone(),
            stale: self.stale.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for ManyToMany<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loaded() {
            Some(rows) => f.debug_list().entries(rows.iter()).finish(),
            None => write!(f, "ManyToMany(not loaded)"),
        }
    }
}

impl<'a, T> IntoIterator for &'a ManyToMany<T> {
    type Item = &'a Arc<T>;
    type IntoIter = std::slice::Iter<'a, Arc<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The key type of a model, for generated code.
pub type PkOf<T> = <T as Model>::Pk;

/// The primary key kind of a key type, for generated code.
pub const fn pk_kind<P: PrimaryKey>() -> crate::value::FieldKind {
    P::KIND
}
