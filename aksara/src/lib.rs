//! # Aksara
//!
//! An async ORM whose heart is relations: `ForeignKey`, `OneToOne` and `ManyToMany`, forward
//! and reverse access, `on_delete` enforced by the database, `select_related` and
//! `prefetch_related`, on PostgreSQL, MySQL/MariaDB and SQLite through diesel-async.
//!
//! ```no_run
//! use aksara::{Model, ForeignKey, CASCADE, q};
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Author {
//!     pub id: uuid::Uuid,
//!     #[aksara(max_length = 100)]
//!     pub name: String,
//!     #[aksara(email, unique)]
//!     pub email: String,
//! }
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Post {
//!     pub id: uuid::Uuid,
//!     #[aksara(max_length = 200)]
//!     pub title: String,
//!     #[aksara(text)]
//!     pub content: String,
//!     #[aksara(on_delete = CASCADE, related_name = "posts")]
//!     pub author: ForeignKey<Author>,
//! }
//!
//! # async fn demo(db: aksara::Db) -> aksara::Result<()> {
//! let author = Author::objects().get(&db, q!(email = "jane@example.com")).await?;
//! let post = Post::build().title("My Post").content("Content here").author(&author).create(&db).await?;
//! let posts = author.posts().all(&db).await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as aksara;

pub use aksara_core::*;

pub mod demo;
#[cfg(feature = "testing")]
pub mod testing;
pub use aksara_macros::migrations;
/// `#[derive(aksara::Enum)]`: [`FieldType`] for a fieldless enum, stored as the text of its
/// variant names (`VARCHAR(n)`, `n` the longest name unless the field gives `max_length`), or
/// of the name `#[aksara(rename = "...")]` gives a variant. Text that is no variant's reads
/// back as [`Error::Decode`] naming the model, the field, the enum and the text.
///
/// ```
/// #[derive(aksara::Enum, Debug, Clone, Copy, PartialEq)]
/// enum Status {
///     Draft,
///     #[aksara(rename = "live")]
///     Published,
/// }
///
/// #[derive(aksara::Model, Debug, Clone)]
/// struct Article {
///     id: i64,
///     status: Status,
///     previous: Option<Status>,
/// }
///
/// assert_eq!(aksara::Value::from(Status::Published), aksara::Value::from("live"));
/// let live = Article::fields().status().eq(Status::Published);
/// assert_eq!(live, aksara::Condition::new("status", "live"));
/// ```
pub use aksara_macros::Enum;
/// `#[derive(Model)]`: the example first, with every attribute in use on models that the
/// registry accepts and that SQLite creates; the reference follows it (field types, then the
/// attribute tables).
///
/// # Example
///
/// ```
/// use aksara::{
///     ForeignKey, ManyToMany, Model, OneToOne, Related, CASCADE, DO_NOTHING, PROTECT,
///     RESTRICT, SET, SET_DEFAULT, SET_NULL,
/// };
/// use chrono::{DateTime, Utc};
///
/// #[derive(Model, Debug, Clone)]
/// #[aksara(table = "writers", name = "Writer", description = "Someone who writes posts.")]
/// pub struct Author {
///     pub id: i64,
///     #[aksara(max_length = 100, description = "Shown under each post.")]
///     pub name: String,
///     #[aksara(email, unique)]
///     pub email: String,
///     #[aksara(url)]
///     pub website: Option<String>,
///     #[aksara(to = "self", on_delete = SET_NULL, related_name = "mentees")]
///     pub mentor: Option<ForeignKey<Author>>,
///     #[aksara(symmetrical)]
///     pub friends: ManyToMany<Author>,
///     pub related: Related, // relations loaded from the other side
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Country {
///     pub id: i64,
///     #[aksara(unique, max_length = 2)]
///     pub code: String,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Tag {
///     pub id: i64,
///     #[aksara(unique, max_length = 30)]
///     pub name: String,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// #[aksara(unique_together = "post, tag")]
/// pub struct Tagging {
///     pub id: i64,
///     #[aksara(related_name = "+")]
///     pub post: ForeignKey<Post>,
///     #[aksara(related_name = "+")]
///     pub tag: ForeignKey<Tag>,
///     #[aksara(default = 1)]
///     pub weight: i32,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Post {
///     pub id: i64,
///     #[aksara(max_length = 200)]
///     pub title: String,
///     #[aksara(text)]
///     pub body: String,
///     #[aksara(column = "is_published", default = false)]
///     pub published: bool,
///     #[aksara(auto_now_add)]
///     pub created_at: DateTime<Utc>,
///     #[aksara(auto_now)]
///     pub updated_at: DateTime<Utc>,
///     #[aksara(on_delete = CASCADE, related_name = "posts")]
///     pub author: ForeignKey<Author>,
///     #[aksara(on_delete = SET_DEFAULT, default = 1, related_name = "edited")]
///     pub editor: ForeignKey<Author>,
///     #[aksara(on_delete = SET(1), related_name = "reviewed")]
///     pub reviewer: ForeignKey<Author>,
///     #[aksara(on_delete = RESTRICT, related_name = "approved")]
///     pub approver: Option<ForeignKey<Author>>,
///     #[aksara(on_delete = DO_NOTHING, related_name = "+")]
///     pub importer: Option<ForeignKey<Author>>,
///     #[aksara(to_field = "code", on_delete = PROTECT, related_name = "posts")]
///     pub country: ForeignKey<Country, String>,
///     #[aksara(through = Tagging, through_fields = ("post", "tag"), related_name = "posts")]
///     pub tags: ManyToMany<Tag>,
///     #[aksara(db_table = "post_readers", related_name = "read")]
///     pub readers: ManyToMany<Author>,
/// }
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Profile {
///     #[aksara(primary_key, on_delete = CASCADE, related_name = "profile")]
///     pub author: OneToOne<Author>,
///     #[aksara(text)]
///     pub bio: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let registry = aksara::Registry::builder().model::<Post>().model::<Profile>().build()?;
/// let db = aksara::connect("sqlite::memory:", registry).await?;
/// aksara::ddl::create_all(&db).await?;
/// assert_eq!(Author::meta().table, "writers");
/// assert_eq!(Author::meta().name, "Writer");
/// assert_eq!(Post::meta().field("published").map(|f| f.column.as_str()), Some("is_published"));
/// # Ok(()) }
/// ```
pub use aksara_macros::Model;
/// `#[derive(aksara::Row)]`: [`FromRow`] for a struct with named fields, read by position;
/// see [`Db::raw_as`]. (`aksara::Row` the type is a row of values; the derive shares its
/// name in the macro namespace.)
pub use aksara_macros::Row;

/// The relation field types and `on_delete` constants, as the seed imports them
/// (`from aksara.fields import CASCADE, ...`).
pub mod fields {
    pub use aksara_core::{
        ForeignKey, ManyToMany, OneToOne, CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET, SET_DEFAULT,
        SET_NULL,
    };
}

/// Relation kinds and the `OnDelete` enum (`from aksara.relations import OnDelete`).
pub mod relations {
    pub use aksara_core::{OnDelete, OptionalRelation, RelationKind};
}

/// The PostgreSQL backend.
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use aksara_pg as postgres;

/// The MySQL / MariaDB backend.
#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
pub use aksara_mysql as mysql;

/// The SQLite backend (the default feature).
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use aksara_sqlite as sqlite;

/// Schema migrations: the autodetector, migration files, `migrate::run` / `migrate::run_to`
/// and the drift check `migrate::check`.
pub use aksara_migrate as migrate;

mod connect;
pub use connect::*;

/// Everything an application usually imports.
pub mod prelude {
    pub use aksara_core::{
        q, Condition, Db, Error, FieldPath, ForeignKey, FromRow, ManyToMany, Model, OneToOne,
        OptionalRelation, QuerySet, Result, Value, CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET,
        SET_DEFAULT, SET_NULL,
    };
    pub use aksara_macros::{Model, Row};
}
