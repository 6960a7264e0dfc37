//! Relation fields: [`ForeignKey`], [`OneToOne`] and [`ManyToMany`].
//!
//! A to-one field holds the value of the field it references on the row it points at (read
//! with [`ToOne::id`], no query): the target's primary key, or with
//! `#[aksara(to_field = "code")]` the value of that unique field (`ForeignKey<Country, String>`
//! holds `"FR"`). It also keeps a cache of the row itself: [`ToOne::get`] loads it with one
//! query the first time and returns the cached row afterwards; `select_related` fills the cache
//! as rows are read, and [`ToOne::loaded`] reads it without `.await`. A nullable relation is an
//! `Option<ForeignKey<T>>`; [`OptionalRelation`] gives it the same methods.
//!
//! # Which field a to-one relation references
//! A `ToOne<T, K, R>` does not know the field it is declared as, only its target `T` and the
//! type `R` of the value it holds, so the referenced field of `T` is found from `(T, R)` by
//! [`referenced_field`]:
//! - when `R` has the value type of `T`'s primary key, the key;
//! - otherwise the unique field of `T` whose values have `R`'s type, when `T` has exactly one;
//! - when `T` has several (a unique `code` and a unique `name`), the one the registry's relations
//!   reference with that type. The registry refuses the models that would make this
//!   ambiguous: two relations of derived models referencing different fields of one target
//!   through the same value type, or a `to_field` naming a field of the key's value type.
//!
//! Generated code (builders, reverse managers) knows the field it is declared as and never
//! needs this search.
//!
//! A [`ManyToMany`] field holds no column; it keeps what `prefetch_related` loaded. Its manager
//! (`post.tags()`) reads and writes the junction table.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::model::{Model, PrimaryKey, ReferencedValue};
use crate::query::Condition;
pub use crate::referenced::{referenced_field, referenced_value};
use crate::value::{Value, ValueType};
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

/// A to-one relation field: the referenced value of the target row (its key, or the value of
/// the field named by `to_field`) and, once loaded, the row.
///
/// `R`, the type of the value held, is the target's key type unless the relation references
/// another field: see [the module documentation](self) for how that field is found.
pub struct ToOne<T: Model, K, R = <T as Model>::Pk> {
    id: R,
    cache: OnceLock<Arc<T>>,
    /// The field the relation was read into, when it was read from a row; strict mode's
    /// [`Error::LazyLoad`] names it.
    origin: Option<&'static FieldOrigin>,
    _kind: PhantomData<fn() -> K>,
}

/// The model and field a to-one relation belongs to (`Post.author`). Set by the code
/// `#[derive(Model)]` generates when it reads a row; not stable API.
#[doc(hidden)]
#[derive(Debug, PartialEq, Eq)]
pub struct FieldOrigin {
    /// The owner model's name.
    pub model: &'static str,
    /// The relation field's name.
    pub field: &'static str,
}

/// A relation field that can learn which field of which model it was read into (a to-one
/// relation, or an `Option` of one). Used by the code `#[derive(Model)]` generates; not
/// stable API.
#[doc(hidden)]
pub trait ReadInto: Sized {
    /// `self`, knowing it is `origin`.
    fn read_into(self, origin: &'static FieldOrigin) -> Self;
}

impl<T: Model, K, R> ReadInto for ToOne<T, K, R> {
    fn read_into(mut self, origin: &'static FieldOrigin) -> Self {
        self.origin = Some(origin);
        self
    }
}

impl<X: ReadInto> ReadInto for Option<X> {
    fn read_into(self, origin: &'static FieldOrigin) -> Self {
        self.map(|x| x.read_into(origin))
    }
}

/// A many-to-one relation: many rows of this model point at one `T`. It holds `T`'s key, or
/// with `to_field` the value of another unique field of `T`, of type `R`.
///
/// ```
/// use aksara::{ForeignKey, Model, Related, CASCADE};
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
///
/// // A relation to a unique field other than the key (Django's `to_field`): the column
/// // `country_id` references `countries.code` and holds the code.
/// #[derive(Model, Debug, Clone)]
/// pub struct Country {
///     pub id: i64,
///     #[aksara(unique, max_length = 2)]
///     pub code: String,
///     pub related: Related,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct City {
///     pub id: i64,
///     #[aksara(to_field = "code", related_name = "cities")]
///     pub country: ForeignKey<Country, String>,
/// }
///
/// let france = Country { id: 7, code: "FR".into(), related: Related::default() };
/// let paris = City { id: 1, country: ForeignKey::to(france) };
/// assert_eq!(paris.country.id(), "FR");
/// assert_eq!(paris.country.loaded().map(|c| c.id), Some(7));
/// ```
pub type ForeignKey<T, R = PkOf<T>> = ToOne<T, ManyToOneKind, R>;

/// A one-to-one relation: a unique foreign key to `T`, holding `T`'s key or, with `to_field`,
/// the value of another unique field of `T` (of type `R`). The target gets a reverse accessor
/// returning the one row (`user.profile(&db)`), an [`Error::DoesNotExist`] when there is none;
/// a second row pointing at the same target is an [`Error::Integrity`].
///
/// ```
/// use aksara::demo::{User, UserProfile};
/// use aksara::{Error, Model};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// aksara::ddl::create_all(&db).await?;
/// let jane = User::build().email("jane@example.com").name("Jane").create(&db).await?;
/// assert!(matches!(jane.profile(&db).await, Err(Error::DoesNotExist { .. })));
///
/// let profile = UserProfile::build().user(&jane).bio("Tech writer").create(&db).await?;
/// assert_eq!(*profile.user.id(), jane.id); // the key, no query
/// assert_eq!(profile.user(&db).await?.name, "Jane"); // the row, one query
///
/// let jane = User::objects().get(&db, aksara::q!(name = "Jane")).await?;
/// assert_eq!(jane.profile(&db).await?.bio.as_deref(), Some("Tech writer"));
///
/// let second = UserProfile::build().user(&jane).create(&db).await;
/// assert!(matches!(second, Err(Error::Integrity { .. })));
/// # Ok(()) }
/// ```
pub type OneToOne<T, R = PkOf<T>> = ToOne<T, OneToOneKind, R>;

impl<T: Model, K, R: ReferencedValue> ToOne<T, K, R> {
    /// A relation to the row whose referenced field (its key, or the `to_field`) is `id`.
    pub fn new(id: R) -> Self {
        ToOne {
            id,
            cache: OnceLock::new(),
            origin: None,
            _kind: PhantomData,
        }
    }

    /// A relation to `target`, with `target` already loaded. The value held is `target`'s key,
    /// or the value of the field a `to_field` relation references, found as the
    /// [module documentation](self) says.
    ///
    /// # Panics
    /// When `T` has several unique fields of `R`'s type that are not its key (`code` and `name`,
    /// both `String`), which of them the relation references cannot be told without a
    /// registry: use the model's builder (`City::build().country(&france)`, which knows its
    /// field), or [`ToOne::new`] with the value and [`ToOne::set_loaded`].
    pub fn to(target: T) -> Self {
        // The usual case: the relation holds the key.
        if let Some(key) = (target.pk() as &dyn std::any::Any).downcast_ref::<R>() {
            let rel = Self::new(key.clone());
            let _ = rel.cache.set(Arc::new(target));
            return rel;
        }
        let field = referenced_field::<T>(value_type_of::<R>(), None)
            .unwrap_or_else(|e| panic!("ToOne::to: {e}"));
        let value = referenced_value(&target, &field.name);
        let id = R::from_value(value).unwrap_or_else(|e| {
            panic!(
                "ToOne::to: {}.{} does not hold the relation's value type: {e}",
                T::meta().name,
                field.name
            )
        });
        let rel = Self::new(id);
        let _ = rel.cache.set(Arc::new(target));
        rel
    }

    /// The referenced value of the target row, without a query (the seed's `post.author_id`):
    /// its key, or for a `to_field` relation the value of that field (`"FR"`).
    pub fn id(&self) -> &R {
        &self.id
    }

    /// The target row if it was loaded (by [`ToOne::get`] or `select_related`).
    pub fn loaded(&self) -> Option<&T> {
        self.cache.get().map(|a| a.as_ref())
    }

    /// The target row: from the cache, or loaded with one query and cached (the seed's
    /// `await post.author`). A `to_field` relation loads the row whose referenced field holds
    /// [`ToOne::id`] (`WHERE code = 'FR'`), the field being found in `db`'s registry as the
    /// [module documentation](self) says.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, post: Post) -> aksara::Result<()> {
    /// let author = post.author.get(&db).await?; // one query
    /// let again = post.author.get(&db).await?;  // none: cached
    /// assert_eq!(author.id, again.id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::LazyLoad`] when the row is not cached and `db` is in strict mode, naming the
    /// field (`Post.author`) when the relation was read from a row;
    /// [`Error::DoesNotExist`] if the row is gone; [`Error::Config`] when the referenced field
    /// cannot be found.
    pub async fn get(&self, db: &Db) -> Result<&T> {
        if let Some(cached) = self.cache.get() {
            return Ok(cached);
        }
        if db.is_strict() {
            return Err(match self.origin {
                Some(origin) => Error::LazyLoad {
                    model: origin.model.to_string(),
                    relation: origin.field.to_string(),
                },
                // Made by hand, not read from a row: only the target is known.
                None => Error::LazyLoad {
                    model: T::meta().name.clone(),
                    relation: "(a relation to it)".into(),
                },
            });
        }
        let field = referenced_field::<T>(value_type_of::<R>(), Some(db.registry()))?;
        let row = T::objects()
            .get(db, Condition::new(field.name.clone(), self.id.clone()))
            .await?;
        let _ = self.cache.set(Arc::new(row));
        Ok(self.cache.get().expect("just set"))
    }

    /// Points the relation at `target` (the row is cached); the value held is taken from
    /// `target` as [`ToOne::to`] takes it.
    ///
    /// # Panics
    /// As [`ToOne::to`].
    pub fn set(&mut self, target: T) {
        let origin = self.origin;
        *self = Self::to(target);
        self.origin = origin;
    }

    /// Points the relation at the row whose referenced field is `id` (the cache is cleared).
    pub fn set_id(&mut self, id: R) {
        let origin = self.origin;
        *self = Self::new(id);
        self.origin = origin;
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

/// The bind type of `R`'s values.
fn value_type_of<R: ReferencedValue>() -> ValueType {
    R::REFERENCING_KIND.value_type()
}

impl<T: Model, K, R: Clone> Clone for ToOne<T, K, R> {
    fn clone(&self) -> Self {
        ToOne {
            id: self.id.clone(),
            cache: self.cache.clone(),
            origin: self.origin,
            _kind: PhantomData,
        }
    }
}

impl<T: Model, K, R: PartialEq> PartialEq for ToOne<T, K, R> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T: Model, K, R: fmt::Debug> fmt::Debug for ToOne<T, K, R> {
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

impl<T: Model, K, R: ReferencedValue> FromValue for ToOne<T, K, R> {
    fn from_value(value: Value) -> Result<Self, String> {
        R::from_value(value).map(Self::new)
    }
}

impl<T: Model, K, R: ReferencedValue> From<&ToOne<T, K, R>> for Value {
    fn from(rel: &ToOne<T, K, R>) -> Self {
        rel.id.clone().into()
    }
}

/// The methods of a to-one relation, for a nullable one (`Option<ForeignKey<T>>`).
pub trait OptionalRelation<T: Model> {
    /// The type of the value held: the target's key, or the `to_field`'s type.
    type Id;
    /// The referenced value of the target row, `None` when the relation is NULL (no query).
    fn id(&self) -> Option<&Self::Id>;
    /// The target row if loaded; `None` when NULL or not loaded.
    fn loaded(&self) -> Option<&T>;
    /// The target row (loaded and cached on first use), `None` when the relation is NULL.
    fn get<'a>(&'a self, db: &'a Db) -> impl Future<Output = Result<Option<&'a T>>> + Send + 'a;
}

impl<T: Model, K: 'static, R: ReferencedValue> OptionalRelation<T> for Option<ToOne<T, K, R>> {
    type Id = R;

    fn id(&self) -> Option<&R> {
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
///
/// ```
/// use aksara::demo::{Post, Tag, User};
/// use aksara::Model;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// aksara::ddl::create_all(&db).await?;
/// let jane = User::build().email("jane@example.com").name("Jane").create(&db).await?;
/// let post = Post::build().title("Hello").content("...").author(&jane).create(&db).await?;
/// let rust = Tag::build().name("Rust").slug("rust").create(&db).await?;
/// let sql = Tag::build().name("SQL").slug("sql").create(&db).await?;
///
/// post.tags().add(&db, [&rust, &sql]).await?; // one statement
/// post.tags().add(&db, [&rust]).await?; // already linked: nothing happens
/// assert_eq!(post.tags().count(&db).await?, 2);
/// assert_eq!(rust.posts().count(&db).await?, 1); // the reverse side
///
/// // Prefetched, the tags are read without a query.
/// let posts = Post::objects().prefetch_related(["tags"]).all(&db).await?;
/// assert_eq!(posts[0].tags.loaded().map(|tags| tags.len()), Some(2));
///
/// post.tags().remove(&db, [&sql]).await?;
/// assert!(!post.tags().contains(&db, &sql).await?);
/// # Ok(()) }
/// ```
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
    <P as PrimaryKey>::KIND
}
