//! The connection pool (deadpool, through diesel-async), with MySQL's session setup.

use crate::dialect::MysqlDialect;
use crate::executor::Mysql;
use aksara_core::{Backend, Connection, DbError, DbErrorKind, Dialect, PoolStatus};
use aksara_diesel::pool::fast_recycling;
use aksara_diesel::{DieselPool, PoolSpec, ServerConnection};
use async_trait::async_trait;
use diesel::ConnectionError;
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
    pool: DieselPool<AsyncMysqlConnection>,
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
        let mut config = fast_recycling();
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
        let pool = DieselPool::new(PoolSpec {
            target: url,
            config,
            options,
            max_size: options.max_connections,
            // diesel's statements cannot be closed one by one here, so shapes beyond the
            // bound run unprepared-and-closed instead.
            can_flush: false,
            opening: "connect",
        })?;
        Ok(MysqlBackend { pool })
    }
}

#[async_trait]
impl Backend for MysqlBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let conn = self.pool.get().await?;
        Ok(Box::new(ServerConnection::<Mysql>::new(
            conn,
            self.pool.statements(),
        )))
    }

    fn pool_status(&self) -> PoolStatus {
        self.pool.status()
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
