//! MySQL and MariaDB for Aksara: the [`MysqlDialect`], and the pooled executor on
//! diesel-async's `AsyncMysqlConnection` (pure Rust, no libmysqlclient).
//!
//! ```no_run
//! # async fn demo() -> aksara_core::Result<()> {
//! # let registry = aksara_core::Registry::empty();
//! let db = aksara_mysql::connect("mysql://root@127.0.0.1:3306/test", registry).await?;
//! # Ok(()) }
//! ```
//!
//! What is stored how, so that the ORM behaves as on PostgreSQL and the SQL stays within what
//! both MySQL 8 and MariaDB 10.11 accept:
//!
//! - UUIDs are `BINARY(16)` (MariaDB's own `UUID` type is MariaDB-only), bound as their 16
//!   bytes; date-times are `DATETIME(6)` holding UTC (each connection runs with
//!   `time_zone = '+00:00'`).
//! - Tables are InnoDB, `utf8mb4` with the binary collation `utf8mb4_bin`: equality, `LIKE`
//!   and unique constraints are case-sensitive, as on PostgreSQL; `iexact` / `icontains`
//!   lower-case both sides.
//! - There is no `RETURNING`: the key of an inserted row is read with `SELECT LAST_INSERT_ID()`
//!   on the same connection, in a transaction with the insert.
//! - `in` lists are padded to a few fixed sizes ([`dialect::LIST_SIZES`]) so the prepared
//!   statements each connection caches stay few and never exceed the placeholder limit.
//! - Duplicates are skipped with `ON DUPLICATE KEY UPDATE k = k` (M2M `add`), not
//!   `INSERT IGNORE`, which would also skip rows that violate a foreign key.
//! - Errors carry the constraint name parsed from the server's message, so that the core can
//!   name the field or relation.
//! - Each connection runs in strict SQL mode and at `READ COMMITTED`.

#![warn(missing_docs)]

mod decode;
pub mod dialect;
mod error;
mod executor;
mod pool;
mod query;

pub use dialect::MysqlDialect;
pub use pool::{MysqlBackend, PoolOptions};

use aksara_core::{Db, Registry, Result};
use std::sync::Arc;

/// Opens a pool on `url` (`mysql://...` or `mariadb://...`) with the models of `registry`,
/// and checks that the server answers.
///
/// # Errors
/// [`aksara_core::Error::Pool`] when the server cannot be reached.
pub async fn connect(url: &str, registry: Arc<Registry>) -> Result<Db> {
    connect_with(url, registry, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, registry: Arc<Registry>, options: PoolOptions) -> Result<Db> {
    let backend = MysqlBackend::new(url, &options).map_err(|e| e.into_error())?;
    aksara_diesel::open(backend, registry, options.min_idle).await
}
