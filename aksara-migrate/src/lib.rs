//! Schema migrations for Aksara (re-exported by the facade as `aksara::migrate`).
//!
//! - **Autodetector** ([`autodetect`], [`Migrations::make`]): compares the schema the
//!   models need ([`SchemaState::from_registry`]) with the schema the migrations so far have
//!   made ([`Migrations::state`], not the live database, so that renames can be declared
//!   with [`Hints`]) and writes [`Operation`]s.
//! - **Files** ([`Migration`]): pretty-printed JSON named `0001_initial.json`,
//!   `0002_add_nickname.json`, each with its name, dependencies and the SHA-256 checksum of
//!   its content; read with [`Migrations::from_dir`], or embedded at compile time with
//!   [`embed_migrations!`]. Operations are backend-neutral and compile to each dialect's
//!   SQL ([`compile()`]); [`Operation::RunSql`] carries SQL per backend.
//! - **Runner** ([`run`], [`run_to`]): a history table with names and checksums, one runner
//!   at a time, one transaction per migration where the backend has transactional DDL
//!   (not MySQL/MariaDB: see [`runner`]), SQLite's table rebuild for what its `ALTER TABLE`
//!   cannot do, back-migration where every operation is reversible.
//! - **Drift check** ([`check()`]): the live catalog against the registry.
//!
//! A file looks like this:
//!
//! ```json
//! {
//!   "name": "0002_add_nickname",
//!   "dependencies": ["0001_initial"],
//!   "checksum": "3f9a…",
//!   "operations": [
//!     {
//!       "op": "add_column",
//!       "table": "people",
//!       "column": { "name": "nickname", "type": "string(50)", "nullable": true }
//!     }
//!   ]
//! }
//! ```
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), aksara_migrate::MigrateError> {
//! use aksara_migrate::{Hints, Migrations};
//!
//! let dir = std::env::temp_dir().join(format!("aksara-doc-{}", std::process::id()));
//! let registry = aksara::demo::registry();
//! // Make the first migration and write it out.
//! let first = Migrations::from_dir(&dir)?.make(&registry, "initial", &Hints::new())?.unwrap();
//! first.write_to_dir(&dir)?;
//! // Read the folder back and apply it.
//! let migrations = Migrations::from_dir(&dir)?;
//! let db = aksara::connect("sqlite::memory:", registry.clone()).await?;
//! aksara_migrate::run(&db, &migrations).await?;
//! assert!(migrations.make(&registry, "more", &Hints::new())?.is_none()); // nothing changed
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod autodetect;
pub mod check;
pub mod compile;
mod ddl;
mod error;
mod history;
mod migration;
mod operation;
mod rebuild;
pub mod runner;
mod state;

pub use autodetect::{autodetect, Hints};
pub use check::{check, Drift, DriftReport};
pub use compile::{compile, Compiled};
pub use error::{MigrateError, Result};
pub use history::{history, AppliedMigration, HISTORY_TABLE};
pub use migration::{Migration, Migrations};
pub use operation::{Operation, SqlPerBackend};
pub use runner::{run, run_to, Report, ZERO};
pub use state::{
    implied_indexes, ColumnDef, ColumnType, IndexDef, Reference, SchemaState, TableDef,
};
