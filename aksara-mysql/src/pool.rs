//! The connection pool (deadpool, through diesel-async).

use crate::dialect::MysqlDialect;
use crate::executor::MysqlConnection;
use aksara_core::{Backend, Connection, DbError, DbErrorKind, Dialect, PoolStatus};
use async_trait::async_trait;
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::{Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncMysqlConnection, SimpleAsyncConnection};

pub use aksara_core::PoolOptions;

/// Run on every new connection: strict mode (a too-long or missing value is an error, never
/// silently truncated or defaulted) without `NO_BACKSLASH_ESCAPES` (the dialect's literals
/// escape with backslashes), and `READ COMMITTED`, PostgreSQL's default isolation level, which
/// also spares InnoDB's gap locks.
const SETUP: &[&str] = &[
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
];

/// The MySQL / MariaDB backend: a deadpool pool of diesel-async connections.
pub struct MysqlBackend {
    pool: Pool<AsyncMysqlConnection>,
    /// Each connection's prepared statement shapes, kept within `statement_cache_size`.
    statements: std::sync::Arc<aksara_core::stmt_cache::ShapeCaches<deadpool::managed::ObjectId>>,
}

static DIALECT: MysqlDialect = MysqlDialect;

/// `url` with a `mariadb://` scheme written `mysql://`, the only one the driver reads.
pub(crate) fn driver_url(url: &str) -> String {
    match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_string(),
    }
}

impl MysqlBackend {
    /// A pool for `url` (`mysql://user:password@host:port/database`, or `mariadb://...`);
    /// connections are opened on demand.
    pub fn new(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let url = driver_url(url);
        if !url.starts_with("mysql://") {
            return Err(DbError::new(
                DbErrorKind::Pool,
                format!("not a MySQL URL (mysql://... or mariadb://...): {url}"),
            ));
        }
        let mut config = ManagerConfig::default();
        // Broken connections are detected by diesel-async (closed socket, unfinished
        // transaction); a test query on every checkout would cost a round trip per call.
        config.recycling_method = RecyclingMethod::Fast;
        config.custom_setup = Box::new(|url| {
            let url = url.to_string();
            Box::pin(async move {
                let mut conn = AsyncMysqlConnection::establish(&url).await?;
                for statement in SETUP {
                    conn.batch_execute(statement)
                        .await
                        .map_err(ConnectionError::CouldntSetupConfiguration)?;
                }
                Ok(conn)
            })
        });
        let manager =
            AsyncDieselConnectionManager::<AsyncMysqlConnection>::new_with_config(url, config);
        let pool = Pool::builder(manager)
            .max_size(options.max_connections)
            .wait_timeout(Some(options.acquire_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| DbError::new(DbErrorKind::Pool, e.to_string()))?;
        Ok(MysqlBackend {
            pool,
            statements: std::sync::Arc::new(aksara_core::stmt_cache::ShapeCaches::new(
                options.statement_cache_size,
                false,
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
impl Backend for MysqlBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let conn = self.pool.get().await.map_err(pool_error)?;
        Ok(Box::new(MysqlConnection::new(
            conn,
            self.statements.clone(),
        )))
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

#[cfg(test)]
mod tests {
    use super::driver_url;

    #[test]
    fn mariadb_urls_reach_the_driver_as_mysql() {
        assert_eq!(
            driver_url("mariadb://root@h:3306/test"),
            "mysql://root@h:3306/test"
        );
        assert_eq!(driver_url("mysql://root@h/test"), "mysql://root@h/test");
    }
}
