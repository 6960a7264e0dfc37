//! The seams a backend crate implements: [`Backend`] (a pool) and [`Connection`] (one
//! session), with the pool's options and state.

use super::Db;
use crate::dialect::Dialect;
use crate::error::DbError;
use crate::sql::Sql;
use crate::value::Value;
use async_trait::async_trait;

/// One row as the backend decoded it: each column's natural value.
pub type Row = Vec<Value>;

/// A query's rows with the names of its columns, as the database named them (for results
/// whose shape is not known in advance: hand-written SQL).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NamedRows {
    /// The column names, in order; empty when there are no rows (the drivers read the names
    /// from the rows), or when the backend cannot tell them.
    pub columns: Vec<String>,
    /// For each column, true when its date-times carry a time zone (PostgreSQL's
    /// `timestamptz`, as its rows say); empty or false where the backend does not tell.
    pub zoned: Vec<bool>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// A source of connections to one database (a pool); implemented by each backend crate.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The backend's SQL dialect.
    fn dialect(&self) -> &'static dyn Dialect;
    /// A connection from the pool, waiting at most the configured time.
    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError>;
    /// How many connections are open and how many are idle.
    fn pool_status(&self) -> PoolStatus;
}

/// Pool settings, the same for every backend. Start from the defaults and change what you
/// need:
///
/// ```no_run
/// use std::time::Duration;
/// # async fn demo() -> aksara::Result<()> {
/// let options = aksara::PoolOptions {
///     max_connections: 20,
///     acquire_timeout: Duration::from_secs(5),
///     after_connect: vec!["SET statement_timeout = '5s'".into()],
///     application_name: Some("blog-api".into()),
///     ..aksara::PoolOptions::default()
/// };
/// let db = aksara::connect_with("postgres://app@localhost/blog", aksara::demo::registry(), options)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// The most connections open at once (default 10; always 1 for a private in-memory
    /// SQLite database).
    pub max_connections: usize,
    /// How long a call waits for a free connection before failing with `Error::Pool`
    /// (default 30 s).
    pub acquire_timeout: std::time::Duration,
    /// How long opening a connection may take (default 10 s).
    pub connect_timeout: std::time::Duration,
    /// How long a statement waits for another connection's lock before failing with
    /// "database is locked" (SQLite's `busy_timeout`, default 5 s; other backends wait on
    /// their server's own lock timeouts).
    pub busy_timeout: std::time::Duration,
    /// The most prepared statements each connection keeps (default 256), however many
    /// distinct statement shapes run on it. On PostgreSQL and SQLite, a new shape beyond the
    /// bound closes the cached statements first (those used again are prepared again); on
    /// MySQL, whose driver cannot close one cached statement, shapes beyond the bound run as
    /// statements prepared and closed at once. 0 keeps none.
    pub statement_cache_size: usize,
    /// A connection older than this is closed when it comes back to the pool, and a new
    /// one opened when needed (default 30 minutes; `None` keeps connections for ever). Not
    /// applied to in-memory SQLite databases, which live only as long as their connections.
    pub max_lifetime: Option<std::time::Duration>,
    /// A connection idle for longer than this is closed instead of handed out (default 10
    /// minutes; `None`: never). Not applied to in-memory SQLite databases.
    pub idle_timeout: Option<std::time::Duration>,
    /// Connections opened when connecting, so that the first calls do not wait for one
    /// (default 0).
    pub min_idle: usize,
    /// Statements run on every new connection before its first use, in order (`SET
    /// statement_timeout = '5s'`, `SET search_path TO app`, `PRAGMA cache_size = -8000`); a
    /// failing one fails the connection, with the database's message.
    pub after_connect: Vec<String>,
    /// The name PostgreSQL shows for the connections in `pg_stat_activity` (default
    /// `aksara`; an `application_name` in the URL wins). Other backends have no such name.
    pub application_name: Option<String>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            acquire_timeout: std::time::Duration::from_secs(30),
            connect_timeout: std::time::Duration::from_secs(10),
            busy_timeout: std::time::Duration::from_secs(5),
            statement_cache_size: 256,
            max_lifetime: Some(std::time::Duration::from_secs(30 * 60)),
            idle_timeout: Some(std::time::Duration::from_secs(10 * 60)),
            min_idle: 0,
            after_connect: Vec::new(),
            application_name: Some("aksara".to_string()),
        }
    }
}

/// Connections open in a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// The most connections the pool opens.
    pub max_size: usize,
    /// Connections open now.
    pub size: usize,
    /// Connections open and idle.
    pub available: usize,
}

/// One connection; implemented by each backend crate. Returned to its pool when dropped; a
/// connection dropped inside an unfinished transaction is discarded, never reused.
#[async_trait]
pub trait Connection: Send {
    /// Runs a query and returns its rows.
    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError>;
    /// Runs a statement and returns the number of rows it affected.
    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError>;
    /// Runs a query and returns its rows with its column names. The default reads the rows
    /// alone (no names).
    async fn fetch_named(&mut self, sql: Sql) -> Result<NamedRows, DbError> {
        Ok(NamedRows {
            columns: Vec::new(),
            zoned: Vec::new(),
            rows: self.fetch(sql).await?,
        })
    }
    /// Starts a transaction (a savepoint when one is open).
    async fn begin(&mut self) -> Result<(), DbError>;
    /// Commits the innermost transaction.
    async fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls back the innermost transaction.
    async fn rollback(&mut self) -> Result<(), DbError>;
    /// Marks the connection as unusable (it failed with a lost connection): its pool closes
    /// it instead of handing it out again.
    fn discard(&mut self) {}
    /// Runs a script of several statements separated by `;`, with no parameters (loading a
    /// dump, setting up a test database).
    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        let _ = script;
        Err(DbError::new(
            crate::error::DbErrorKind::Other,
            "this backend cannot run SQL scripts",
        ))
    }
}

/// A backend reached through another handle (used by [`Db::with_registry`]).
pub(super) struct SharedBackend(pub(super) Db);

#[async_trait]
impl Backend for SharedBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        self.0.dialect()
    }
    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        self.0.shared.backend.acquire().await
    }
    fn pool_status(&self) -> PoolStatus {
        self.0.pool_status()
    }
}
