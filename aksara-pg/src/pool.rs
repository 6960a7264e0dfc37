//! The connection pool (deadpool, through diesel-async).

use crate::dialect::PgDialect;
use crate::executor::PgConnection;
use aksara_core::{Backend, Connection, DbError, DbErrorKind, Dialect, PoolStatus};
use async_trait::async_trait;
use diesel_async::pooled_connection::deadpool::{Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::AsyncPgConnection;

pub use aksara_core::PoolOptions;

/// The PostgreSQL backend: a deadpool pool of diesel-async connections.
pub struct PgBackend {
    pool: Pool<AsyncPgConnection>,
    /// Each connection's prepared statement shapes, kept within `statement_cache_size`.
    statements: std::sync::Arc<aksara_core::stmt_cache::ShapeCaches<deadpool::managed::ObjectId>>,
}

static DIALECT: PgDialect = PgDialect;

impl PgBackend {
    /// A pool for `url` (connections are opened on demand).
    pub fn new(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let mut config = ManagerConfig::default();
        // Broken connections are detected by diesel-async (closed socket, unfinished
        // transaction); a test query on every checkout would cost a round trip per call.
        config.recycling_method = RecyclingMethod::Fast;
        let manager =
            AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
        let pool = Pool::builder(manager)
            .max_size(options.max_connections)
            .wait_timeout(Some(options.acquire_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| DbError::new(DbErrorKind::Pool, e.to_string()))?;
        Ok(PgBackend {
            pool,
            statements: std::sync::Arc::new(aksara_core::stmt_cache::ShapeCaches::new(
                options.statement_cache_size,
                true,
                options.max_connections,
            )),
        })
    }
}

/// Maps a pool error.
pub(crate) fn pool_error(e: PoolError) -> DbError {
    match e {
        PoolError::Timeout(kind) => DbError::new(
            DbErrorKind::Pool,
            format!("timed out waiting for a connection ({kind:?})"),
        ),
        PoolError::Backend(e) => DbError::new(DbErrorKind::Pool, format!("could not connect: {e}")),
        other => DbError::new(DbErrorKind::Pool, other.to_string()),
    }
}

#[async_trait]
impl Backend for PgBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let conn = self.pool.get().await.map_err(pool_error)?;
        Ok(Box::new(PgConnection::new(conn, self.statements.clone())))
    }

    fn pool_status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            max_size: status.max_size,
            size: status.size,
            available: status.available,
        }
    }
}
