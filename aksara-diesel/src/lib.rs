//! The diesel-async glue the Aksara backends share, written once and generic over the diesel
//! backend or connection:
//!
//! - [`query`]: an [`aksara_core::Sql`] as a diesel query ([`DieselQuery`]), its values
//!   converted once into the backend's own bind form ([`BindForm`], [`PushBind`]).
//! - [`pool`]: the deadpool pool of diesel-async connections, its errors and status
//!   ([`DieselPool`]).
//! - [`error`]: diesel's error kinds mapped to the core's ([`error::classify`]).
//! - [`server`]: the pooled connection of a server database (PostgreSQL, MySQL), with its
//!   cancel safety ([`ServerConnection`], [`ServerDriver`]).
//! - [`schema`]: `DROP TABLE` with the foreign key checks off, and [`open`], which makes a
//!   [`Db`](aksara_core::Db) and checks that the database answers.
//!
//! A backend crate keeps only what is its own: its dialect, how it decodes columns, how it
//! binds values, and its quirks (how a running statement is cancelled, setup statements).

#![warn(missing_docs)]

pub mod error;
pub mod pool;
pub mod query;
pub mod schema;
pub mod server;

pub use pool::{DieselPool, PoolSpec};
pub use query::{read_named_row, read_row, BindForm, DieselQuery, PushBind, Scalar};
pub use schema::{drop_with_checks_off, open};
pub use server::{ServerConnection, ServerDriver};
