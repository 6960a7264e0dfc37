//! The connection pool (deadpool, through diesel-async), and what a URL names.

use crate::dialect::SqliteDialect;
use crate::executor::{read_interrupter, SqliteConnectionHandle, Wrapped};
use crate::interrupt::Interrupter;
use aksara_core::{Backend, Connection, DbError, Dialect, PoolStatus};
use aksara_diesel::pool::fast_recycling;
use aksara_diesel::{DieselPool, PoolSpec};
use async_trait::async_trait;
use deadpool::managed::ObjectId;
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

pub use aksara_core::PoolOptions;

/// Where the database of a URL lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `sqlite::memory:` (or `:memory:`): a database private to one connection, so the pool
    /// holds exactly one connection, and the database lives as long as the pool.
    PrivateMemory,
    /// A named in-memory database shared by the connections of this process, e.g.
    /// `sqlite:///name?vfs=memdb` (SQLite's `memdb` VFS) or `sqlite://name?mode=memory&cache=shared`;
    /// it lives while any connection to it is open.
    SharedMemory(String),
    /// A database file (opened in WAL mode), as an SQLite URI filename.
    File(String),
}

impl Location {
    /// Reads a URL: `sqlite::memory:`, `sqlite://path/to/file.db` (relative),
    /// `sqlite:///abs/path.db`, `sqlite:path.db`, an SQLite `file:` URI, or a plain path.
    /// Query parameters are SQLite's URI parameters (`mode=ro`, `vfs=memdb`, ...).
    pub fn parse(url: &str) -> Location {
        let url = url.trim();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .or_else(|| url.strip_prefix("file:"))
            .unwrap_or(url);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let params: Vec<&str> = query.map(|q| q.split('&').collect()).unwrap_or_default();
        let memory = path == ":memory:" || path.is_empty() && query.is_none();
        let shared = params.contains(&"cache=shared") || params.contains(&"vfs=memdb");
        let in_memory = memory || params.contains(&"mode=memory") || params.contains(&"vfs=memdb");
        let uri = match query {
            Some(q) => format!("file:{path}?{q}"),
            None => format!("file:{path}"),
        };
        match (in_memory, shared) {
            (true, true) => Location::SharedMemory(uri),
            (true, false) => Location::PrivateMemory,
            (false, _) => Location::File(uri),
        }
    }

    /// The filename handed to `sqlite3_open_v2` (a URI filename).
    fn filename(&self) -> String {
        match self {
            Location::PrivateMemory => ":memory:".into(),
            Location::SharedMemory(uri) | Location::File(uri) => uri.clone(),
        }
    }
}

/// The pragmas every connection runs: foreign keys enforced (so `on_delete` holds), `LIKE`
/// case-sensitive as on PostgreSQL (`icontains` lower-cases both sides), and a busy timeout.
fn setup_sql(location: &Location, busy_timeout: Duration) -> String {
    let mut sql = format!(
        "PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON; PRAGMA busy_timeout = {};",
        busy_timeout.as_millis()
    );
    if matches!(location, Location::File(_)) {
        sql.push_str(" PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    }
    sql
}

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQLite's `lower`, replaced on every connection by one that lower-cases all of Unicode
    /// (the built-in one knows ASCII only), so that `iexact` / `icontains` fold `É` to `é` as
    /// MySQL and PostgreSQL do.
    fn lower(
        text: diesel::sql_types::Nullable<diesel::sql_types::Text>,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// The SQLite backend: a deadpool pool of diesel-async wrapped connections.
pub struct SqliteBackend {
    pool: DieselPool<Wrapped>,
    /// The handle of each pooled connection, read once, to interrupt its statements.
    interrupters: Mutex<HashMap<ObjectId, Interrupter>>,
}

static DIALECT: SqliteDialect = SqliteDialect;

impl SqliteBackend {
    /// A pool for `url` (connections are opened on demand).
    pub fn new(url: &str, options: &PoolOptions) -> Result<Self, DbError> {
        let location = Location::parse(url);
        let max_size = match location {
            Location::PrivateMemory => 1,
            _ => options.max_connections.max(1),
        };
        let setup = setup_sql(&location, options.busy_timeout);
        let busy_timeout = options.busy_timeout;
        // An in-memory database lives as long as its connections: none is ever closed for
        // its age or idleness.
        let mut options = options.clone();
        if !matches!(location, Location::File(_)) {
            options.max_lifetime = None;
            options.idle_timeout = None;
        }
        let options = &options;
        crate::interrupt::install();
        let mut config = fast_recycling();
        config.custom_setup = Box::new(move |filename| {
            let filename = filename.to_string();
            let setup = setup.clone();
            Box::pin(async move {
                let mut conn = Wrapped::establish(&filename).await?;
                // Switching a new file to WAL takes an exclusive lock, and SQLite answers
                // "database is locked" at once (without its busy handler) when another process
                // opens the same new file at that moment: retried for up to `busy_timeout`.
                let deadline = std::time::Instant::now() + busy_timeout;
                loop {
                    match conn.batch_execute(&setup).await {
                        Ok(()) => break,
                        Err(e)
                            if e.to_string().contains("database is locked")
                                && std::time::Instant::now() < deadline =>
                        {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                        Err(e) => return Err(ConnectionError::CouldntSetupConfiguration(e)),
                    }
                }
                conn.spawn_blocking(|c| {
                    lower_utils::register_impl(c, |text: Option<String>| {
                        text.map(|t| t.to_lowercase())
                    })
                })
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            })
        });
        let pool = DieselPool::new(PoolSpec {
            target: location.filename(),
            config,
            options,
            max_size,
            can_flush: true,
            opening: "open the database",
        })?;
        Ok(SqliteBackend {
            pool,
            interrupters: Mutex::new(HashMap::new()),
        })
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        &DIALECT
    }

    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        let mut conn = self.pool.get().await?;
        let id = Object::id(&conn);
        let known = self
            .interrupters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .copied();
        let interrupter = match known {
            Some(i) => Some(i),
            None => {
                let read = read_interrupter(&mut conn).await;
                if let Some(i) = read {
                    let mut map = self.interrupters.lock().unwrap_or_else(|p| p.into_inner());
                    // Entries of connections the pool closed are forgotten now and then; a
                    // live connection's is read again when next needed.
                    if map.len() > 4 * self.pool.status().max_size + 16 {
                        map.clear();
                    }
                    map.insert(id, i);
                }
                read
            }
        };
        Ok(Box::new(SqliteConnectionHandle::new(
            conn,
            interrupter,
            self.pool.statements(),
        )))
    }

    fn pool_status(&self) -> PoolStatus {
        self.pool.status()
    }
}

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn urls_name_files_and_memory() {
        assert_eq!(Location::parse("sqlite::memory:"), Location::PrivateMemory);
        assert_eq!(Location::parse(":memory:"), Location::PrivateMemory);
        assert_eq!(
            Location::parse("sqlite://:memory:"),
            Location::PrivateMemory
        );
        assert_eq!(
            Location::parse("sqlite://data/blog.db"),
            Location::File("file:data/blog.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/blog.db?mode=rwc"),
            Location::File("file:/tmp/blog.db?mode=rwc".into())
        );
        assert_eq!(
            Location::parse("blog.db"),
            Location::File("file:blog.db".into())
        );
        assert_eq!(
            Location::parse("sqlite:///t1?vfs=memdb"),
            Location::SharedMemory("file:/t1?vfs=memdb".into())
        );
        assert_eq!(
            Location::parse("sqlite://t1?mode=memory&cache=shared"),
            Location::SharedMemory("file:t1?mode=memory&cache=shared".into())
        );
        assert_eq!(
            Location::parse("sqlite://t1?mode=memory"),
            Location::PrivateMemory
        );
    }
}
