//! PostgreSQL for Aksara: the [`PgDialect`], and the pooled executor on diesel-async's
//! `AsyncPgConnection` (pure Rust, no libpq).
//!
//! ```no_run
//! # async fn demo() -> aksara_core::Result<()> {
//! # let registry = aksara_core::Registry::empty();
//! let db = aksara_pg::connect("postgres://postgres@127.0.0.1/test", registry).await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod decode;
mod dialect;
mod error;
mod executor;
mod pool;
mod query;
mod text_forms;

pub use dialect::PgDialect;
pub use pool::{PgBackend, PoolOptions};

use aksara_core::{Db, Registry, Result};
use std::sync::Arc;

/// Opens a pool on `url` with the models of `registry`, and checks that the server answers.
///
/// # Errors
/// [`aksara_core::Error::Pool`] when the server cannot be reached.
pub async fn connect(url: &str, registry: Arc<Registry>) -> Result<Db> {
    connect_with(url, registry, PoolOptions::default()).await
}

/// [`connect`] with pool options.
pub async fn connect_with(url: &str, registry: Arc<Registry>, options: PoolOptions) -> Result<Db> {
    let backend = PgBackend::new(url, &options).map_err(|e| e.into_error())?;
    aksara_diesel::open(backend, registry, options.min_idle).await
}
