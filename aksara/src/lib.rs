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
/// `#[derive(aksara::Row)]`: [`FromRow`] for a struct with named fields, read by position;
/// see [`Db::raw_as`]. (`aksara::Row` the type is a row of values; the derive shares its
/// name in the macro namespace.)
pub use aksara_macros::Row;
pub use aksara_macros::{migrations, Model};

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
