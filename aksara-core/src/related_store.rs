//! [`Related`]: where a model keeps the relations loaded from the other side.

use crate::model_ops::{Loaded, SharedAny};
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

struct Entry {
    value: SharedAny,
    stale: AtomicBool,
}

/// Where a model keeps relations loaded from the *other* side (reverse foreign keys, reverse
/// many-to-many, reverse one-to-one). Add a field of this type to a model whose reverse
/// relations you prefetch or select:
///
/// ```no_run
/// use aksara::{ForeignKey, Model, CASCADE};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Author {
///     pub id: i64,
///     pub name: String,
///     pub related: aksara::Related,
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
/// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
/// let authors = Author::objects().prefetch_related(["posts"]).all(&db).await?;
/// let posts = authors[0].posts().loaded().unwrap();
/// # Ok(()) }
/// ```
///
/// A reverse one-to-one read lazily (`user.profile(&db)`) is remembered here too, found or
/// absent, through a lock inside the store (the accessor takes `&self`): the second access
/// runs no query. A model without a `related` field has nowhere to keep it, so each access
/// runs one query. The remembered answer is not refreshed when the other row is created,
/// changed or deleted later: read the owner again to see such changes. Loading a forward
/// one-to-one with `select_related` (`UserProfile::objects().select_related(["user"])`) or
/// through its owner (`profile.user(&db)`) fills the loaded user's side too.
///
/// A [`Prefetch`](crate::Prefetch) with a `to_attr` keeps its rows here under that name:
/// `author.related.many::<Post>("recent_posts")`.
#[derive(Default)]
pub struct Related {
    entries: HashMap<String, Arc<Entry>>,
    remembered: Mutex<HashMap<String, Option<SharedAny>>>,
}

impl Clone for Related {
    fn clone(&self) -> Self {
        Related {
            entries: self.entries.clone(),
            remembered: Mutex::new(self.remembered_map().clone()),
        }
    }
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.entries.keys()).finish()
    }
}

impl PartialEq for Related {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Related {
    fn remembered_map(&self) -> MutexGuard<'_, HashMap<String, Option<SharedAny>>> {
        // The map holds no invariant a panicking writer could break.
        self.remembered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Remembers the row of the to-one relation `name` read lazily (`None`: there is none),
    /// through a shared reference; [`one_shared`](Self::one_shared) returns it until
    /// [`invalidate`](Self::invalidate) or [`insert`](Self::insert) replaces it.
    pub fn remember_one(&self, name: &str, row: Option<SharedAny>) {
        self.remembered_map().insert(name.to_string(), row);
    }

    /// Keeps `loaded` under `name`.
    pub fn insert(&mut self, name: &str, loaded: Loaded) {
        self.remembered_map().remove(name);
        let value: SharedAny = match loaded {
            Loaded::Many(list) => list,
            Loaded::One(one) => Arc::new(one),
        };
        self.entries.insert(
            name.to_string(),
            Arc::new(Entry {
                value,
                stale: AtomicBool::new(false),
            }),
        );
    }

    /// The rows of the to-many relation `name`, if loaded and not changed since.
    pub fn many<T: Any + Send + Sync>(&self, name: &str) -> Option<&[Arc<T>]> {
        let entry = self.entries.get(name)?;
        if entry.stale.load(Ordering::Acquire) {
            return None;
        }
        entry.value.downcast_ref::<Vec<Arc<T>>>().map(Vec::as_slice)
    }

    /// The row of the to-one relation `name`: `Some(None)` when loaded and absent.
    pub fn one<T: Any + Send + Sync>(&self, name: &str) -> Option<Option<&T>> {
        let entry = self.entries.get(name)?;
        if entry.stale.load(Ordering::Acquire) {
            return None;
        }
        let one = entry.value.downcast_ref::<Option<SharedAny>>()?;
        Some(one.as_ref().and_then(|a| a.downcast_ref::<T>()))
    }

    /// The shared row of the to-one relation `name`: `Some(None)` when loaded and absent.
    pub fn one_shared<T: Any + Send + Sync>(&self, name: &str) -> Option<Option<Arc<T>>> {
        if let Some(row) = self.remembered_map().get(name) {
            return Some(row.clone().and_then(|a| a.downcast::<T>().ok()));
        }
        let entry = self.entries.get(name)?;
        if entry.stale.load(Ordering::Acquire) {
            return None;
        }
        let one = entry.value.downcast_ref::<Option<SharedAny>>()?;
        Some(one.clone().and_then(|a| a.downcast::<T>().ok()))
    }

    /// Marks `name` as changed: it reads as not loaded until loaded again.
    pub fn invalidate(&self, name: &str) {
        self.remembered_map().remove(name);
        if let Some(entry) = self.entries.get(name) {
            entry.stale.store(true, Ordering::Release);
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.remembered_map().clear();
        self.entries.clear();
    }
}
