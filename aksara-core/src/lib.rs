//! The core of Aksara: model metadata and the registry, the query tree and its SQL compiler,
//! the [`Dialect`] and [`Backend`] seams the database crates implement, and errors.
//!
//! Data flows one way: a model definition ([`ModelMeta`], emitted by `#[derive(Model)]`) goes
//! into a [`Registry`], which resolves and checks relations; a [`QuerySet`] builds a [`Query`]
//! tree; the [`compile`] module turns it into [`Sql`] for the backend's [`Dialect`]; the
//! backend runs it through diesel-async and hands back rows of [`Value`]s, which decode into
//! models and fill relation caches.
//!
//! Application code uses the `aksara` facade crate, which re-exports this one.

#![warn(missing_docs)]

pub mod annotate;
// Not stable API: Statements converted once into a backend's bind type, for the backend crates.
pub mod array_field;
#[doc(hidden)]
pub mod bound;
pub mod bulk;
mod coerce;
pub mod columns;
// Not stable API: The SQL compiler, for the backend crates and tests.
#[doc(hidden)]
pub mod compile;
pub mod db;
pub mod ddl;
pub mod deletion;
pub mod describe;
// Not stable API: The `Dialect` hooks' module; the trait and its data types are re-exported at the crate root.
#[doc(hidden)]
pub mod dialect;
pub mod distinct;
// Not stable API: Type-erased loading, for the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub mod dynamic;
pub mod error;
pub(crate) mod error_context;
pub mod field_type;
pub mod fields;
// Not stable API: Forward one-to-one access, for the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub mod forward_one_to_one;
pub mod get_or_create;
// Not stable API: Instance writes, for the code `#[derive(Model)]` generates (`post.save(&db)` and the like).
#[doc(hidden)]
pub mod instance;
pub mod introspect;
pub mod locking;
pub mod m2m;
pub mod manager;
pub mod meta;
pub mod model;
// Not stable API: The type-erased face of a model, for the engine; `AnyModel` and `ModelOps` are re-exported at the crate root.
#[doc(hidden)]
pub mod model_ops;
/// The naming rules (table, junction, reverse relation and constraint names).
pub use aksara_naming as naming;
pub mod prefetch;
pub mod query;
pub mod queryset;
pub mod record;
pub(crate) mod record_related;
mod referenced;
pub mod registry;
pub mod related_manager;
// Not stable API: `Related`'s module; the type is re-exported at the crate root.
#[doc(hidden)]
pub mod related_store;
pub mod relation;
pub mod row_or_key;
// Not stable API: `RowReader`'s module; the type is re-exported at the crate root.
#[doc(hidden)]
pub mod row_reader;
pub(crate) mod selected;
#[cfg(feature = "serde")]
pub mod serde_support;
// Not stable API: SQL as data, for the backend crates; `Sql` and its parts are re-exported at the crate root.
#[doc(hidden)]
pub mod sql;
// Not stable API: The bound on prepared statements, for the backend crates.
#[doc(hidden)]
pub mod stmt_cache;
pub mod stream;
pub mod subqueries;
pub(crate) mod suggest;
#[cfg(feature = "time")]
pub mod time_types;
pub mod typed_json;
pub mod typed_row;
pub mod upsert;
pub mod validate;
pub mod value;
pub mod values;
pub(crate) mod write_prep;

pub use annotate::Annotated;
pub use array_field::ArrayElement;
pub use columns::Partial;
pub use db::{
    Backend, ClusterOptions, ClusterStats, Connection, Db, DbStats, Gtid, Isolation, NamedRows,
    PoolOptions, PoolStatus, Row, SessionToken, TxOptions, REPLICA_RETRIES,
};
pub use deletion::Deleted;
pub use dialect::{CancelStatement, Dialect, InsertIgnore, ListBinding, RowLocking, UpsertSyntax};
pub use dynamic::{AnyModel, Loaded, ModelOps, Related};
pub use error::{DbError, DbErrorKind, Error, Result};
pub use field_type::{value_list, FieldType, FromValue, NullableInput, TypeOptions};
pub use fields::{Field, FieldPath};
pub use m2m::{ManyToManyManager, ManyToManySpec};
pub use manager::{Manager, QuerySet};
pub use meta::{
    FieldMeta, ModelMeta, OnDelete, RelationKind, RelationMeta, Target, CASCADE, DO_NOTHING,
    PROTECT, RESTRICT, SET, SET_DEFAULT, SET_NULL,
};
pub use model::{Model, NewRecord, PrimaryKey, ReferencedValue, RowReader};
pub use query::{
    Aggregate, AggregateFunction, AggregatePath, Annotation, ArithOp, Assignment, Avg, Comparand,
    Condition, Count, Distinct, Expr, FieldSelection, LockWait, Lookup, Max, Min, OrderBy,
    OuterRef, Prefetch, PrefetchNode, Quantifier, Query, RelatedNode, RowLock, Subquery, Sum, F,
    MAX_CONDITION_DEPTH, MAX_PATH_LENGTH,
};
pub use queryset::Rows;
pub use record::Record;
pub use registry::{Edge, ModelInfo, Registry, RegistryBuilder, Via};
pub use related_manager::{NullableLink, RelatedManager, RequiredLink};
pub use relation::{ForeignKey, ManyToMany, OneToOne, OptionalRelation, ToOne};
/// The exact decimal type of `Decimal` fields (feature `rust_decimal`).
#[cfg(feature = "rust_decimal")]
pub use rust_decimal::{self, Decimal};
pub use sql::{Intent, Part, Sql};
pub use stream::QueryStream;
/// The `time` crate, whose date and time types are field types (feature `time`).
#[cfg(feature = "time")]
pub use time;
pub use typed_json::Json;
pub use typed_row::{ColumnValue, FromRow};
pub use upsert::{BulkCreate, Create, CreateOnConflict, CreateUpsert, OnConflict, Upsert};
pub use value::{FieldKind, Value, ValueType};
pub use values::{Values, ValuesAs};

/// Re-exports for code generated by `#[derive(Model)]`; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::relation::{FieldOrigin, ReadInto};
    pub use chrono;
    pub use std::sync::OnceLock;
    pub use uuid;
}
