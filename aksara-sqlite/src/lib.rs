//! SQLite for Aksara, the embedded default: the [`SqliteDialect`], and the pooled executor on
//! diesel-async's `SyncConnectionWrapper<SqliteConnection>`, with SQLite compiled in (bundled
//! libsqlite3: nothing to install).
//!
//! ```no_run
//! # async fn demo() -> aksara_core::Result<()> {
//! # let registry = aksara_core::Registry::empty();
//! let db = aksara_sqlite::connect("sqlite://blog.db", registry.clone()).await?; // a file
//! let db = aksara_sqlite::connect("sqlite::memory:", registry).await?;          // in memory
//! # Ok(()) }
//! ```
//!
//! # URLs
//! `sqlite://path/to/file.db` (relative), `sqlite:///abs/path.db`, `sqlite::memory:`, and any
//! SQLite URI filename (`sqlite:///name?vfs=memdb` is a named in-memory database shared by the
//! pool's connections). See [`Location`].
//!
//! # How values are stored
//! SQLite has only integer, real, text and blob storage, so:
//!
//! - **UUIDs are TEXT**, hyphenated and lower case (`0190a5a8-7a52-7cc3-8e1f-2d0c4a9f7a10`).
//!   We chose text over a 16-byte BLOB so that a database opened in any SQLite shell or tool
//!   shows and filters keys as people write them, at the cost of 20 more bytes per key.
//! - Date-times are TEXT in UTC with exactly six fractional digits
//!   (`2024-05-06 07:08:09.123456`, [`dialect::DATETIME_FORMAT`]), so text order is time
//!   order; dates are `YYYY-MM-DD`; JSON is its text; booleans are 0 / 1.
//! - Keys the database assigns are `INTEGER PRIMARY KEY AUTOINCREMENT` and come back with
//!   `RETURNING`.
//!
//! # Behaviour kept equal to PostgreSQL
//! Every connection runs `PRAGMA foreign_keys = ON` (so `on_delete` is enforced by the
//! database), `PRAGMA case_sensitive_like = ON` (so `contains` is case-sensitive; `icontains`
//! lower-cases both sides, with a `lower` function that, unlike SQLite's own, knows all of
//! Unicode) and a busy timeout; file
//! databases run in WAL mode. Transactions start with `BEGIN IMMEDIATE`. Foreign keys of a cycle
//! are declared inside `CREATE TABLE` (SQLite checks them when rows change, so the parent table
//! need not exist yet). Foreign key errors are traced back to their constraint, which SQLite
//! does not name (see the executor).
//!
//! # Connections
//! A pool of connections, as for the servers. A private in-memory database
//! (`sqlite::memory:`) exists only inside the connection that opened it, so its pool holds
//! exactly one connection: inside [`Db::transaction`](aksara_core::Db::transaction), run
//! everything through the transaction's handle, as a second connection would wait for the
//! first. A named shared in-memory database (`sqlite:///name?vfs=memdb`) has no such limit.

#![warn(missing_docs)]

mod decode;
pub mod dialect;
mod error;
mod executor;
mod fk_diagnosis;
mod interrupt;
mod pool;
mod query;
mod raw_diagnosis;

pub use dialect::SqliteDialect;
pub use pool::{Location, PoolOptions, SqliteBackend};

use aksara_core::{Db, Registry, Result};
use std::sync::Arc;

/// Opens a pool on `url` with the models of `registry`, and checks that the database opens.
///
/// # Errors
/// [`aksara_core::Error::Pool`] when the database cannot be opened.
pub async fn connect(url: &str, registry: Arc<Registry>) -> Result<Db> {
    connect_with(url, registry, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, registry: Arc<Registry>, options: PoolOptions) -> Result<Db> {
    let backend = SqliteBackend::new(url, &options).map_err(|e| e.into_error())?;
    aksara_diesel::open(backend, registry, options.min_idle).await
}
