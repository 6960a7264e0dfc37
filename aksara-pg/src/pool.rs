//! The connection pool (deadpool, through diesel-async).

use crate::dialect::PgDialect;
use crate::executor::Postgres;
use aksara_core::{Backend, Connection, DbError, Dialect, PoolStatus};
use aksara_diesel::pool::fast_recycling;
use aksara_diesel::{DieselPool, PoolSpec, ServerConnection};
use async_trait::async_trait;
use diesel_async::AsyncPgConnection;

pub use aksara_core::PoolOptions;

/// The PostgreSQL backend: a deadpool pool of diesel-async connections.
pub struct PgBackend {
    pool: DieselPool<AsyncPgConnection>,
}

static DIALECT: PgDialect = PgDialect;

impl PgBackend {
    /// A pool for `url` (connections are opened on demand).
    pub fn new(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let pool = DieselPool::new(PoolSpec {
            target: url.to_string(),
            config: fast_recycling(),
            options,
            max_size: options.max_connections,
            can_flush: true,
            opening: "connect",
        })?;
        Ok(PgBackend { pool })
    }
}

#[async_trait]
impl Backend for PgBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let conn = self.pool.get().await?;
        Ok(Box::new(ServerConnection::<Postgres>::new(
            conn,
            self.pool.statements(),
        )))
    }

    fn pool_status(&self) -> PoolStatus {
        self.pool.status()
    }
}
