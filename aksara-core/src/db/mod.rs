//! The database handle.
//!
//! A [`Db`] is what every call that runs SQL takes: a pool of connections to one database (or,
//! inside [`Db::transaction`], the one connection the transaction runs on), the model
//! [`Registry`], and the query log. It is cheap to clone and safe to share between tasks.
//! Backends plug in below it through [`Backend`] and [`Connection`]; nothing above it knows
//! which database it talks to beyond the [`Dialect`].
//!
//! Parts: the backend seams in `backend`, running a statement with its retry policy in
//! `retry`, transactions in `transaction`, raw SQL in `raw`.

mod backend;
mod cluster;
mod observe;
mod raw;
mod retry;
mod transaction;
mod tx_options;

use backend::SharedBackend;
pub use backend::{Backend, Connection, NamedRows, PoolOptions, PoolStatus, Row};
pub use cluster::{ClusterOptions, ClusterStats, SessionToken};
pub use observe::{DbStats, DEFAULT_SLOW_STATEMENT};
pub use raw::raw_sql;
pub use retry::{SERIALIZATION_RETRIES, TRANSACTION_RETRIES};
pub use tx_options::{Isolation, TxOptions};

use crate::dialect::Dialect;
use crate::error::{DbError, Error, Result};
use crate::registry::Registry;
use crate::sql::Sql;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Counts and (on request) records the statements run through a [`Db`].
#[derive(Debug, Default)]
pub struct QueryLog {
    count: AtomicU64,
    recorded: Mutex<Option<Vec<String>>>,
    counters: observe::Counters,
}

struct Shared {
    backend: Box<dyn Backend>,
    registry: Arc<Registry>,
    log: QueryLog,
    /// The routing of a handle made by [`Db::cluster`].
    cluster: Option<cluster::Route>,
}

/// The handle to a database: pool, registry and query log. Clone it freely (clones share
/// the pool). Every call that runs SQL takes it: `.all(&db)`, `.get(&db, ..)`,
/// `post.author.get(&db)`.
///
/// ```
/// use aksara::demo::{Post, User};
/// use aksara::Model;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// aksara::ddl::create_all(&db).await?;
///
/// // A transaction: the closure's handle runs on one connection; an error rolls back.
/// db.transaction(|tx| async move {
///     let jane = User::build().email("jane@example.com").name("Jane").create(&tx).await?;
///     Post::build().title("Hello").content("...").author(&jane).create(&tx).await?;
///     Ok(())
/// })
/// .await?;
///
/// let before = db.query_count();
/// let posts = Post::objects().select_related(["author"]).all(&db).await?;
/// assert_eq!(posts[0].author.loaded().map(|a| a.name.as_str()), Some("Jane"));
/// assert_eq!(db.query_count() - before, 1);
///
/// // Strict mode: a relation that was not loaded is an error instead of a query.
/// let strict = db.strict();
/// let posts = Post::objects().all(&strict).await?;
/// assert!(posts[0].author.get(&strict).await.is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
    pinned: Option<Arc<tokio::sync::Mutex<Box<dyn Connection>>>>,
    /// True inside [`Db::transaction`] (the pinned connection is in a transaction, not only
    /// kept for a statement pair).
    transaction: bool,
    strict: bool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &self.dialect().name())
            .field("in_transaction", &self.transaction)
            .field("strict", &self.strict)
            .finish()
    }
}

impl Db {
    /// A handle on `backend` with the models of `registry`.
    pub fn new(backend: Box<dyn Backend>, registry: Arc<Registry>) -> Self {
        Db {
            shared: Arc::new(Shared {
                backend,
                registry,
                log: QueryLog::default(),
                cluster: None,
            }),
            pinned: None,
            transaction: false,
            strict: false,
        }
    }

    /// The same database with another registry (the pool and the query log are shared).
    pub fn with_registry(&self, registry: Arc<Registry>) -> Self {
        let shared = Arc::new(Shared {
            backend: Box::new(SharedBackend(self.clone())),
            registry,
            log: QueryLog::default(),
            cluster: self.shared.cluster.clone(),
        });
        Db {
            shared,
            pinned: self.pinned.clone(),
            transaction: self.transaction,
            strict: self.strict,
        }
    }

    /// The models this handle knows.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.shared.registry
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.shared.backend.dialect()
    }

    /// The pool's state.
    pub fn pool_status(&self) -> PoolStatus {
        self.shared.backend.pool_status()
    }

    /// A handle in strict mode: a relation access that would run a lazy query is an
    /// [`Error::LazyLoad`] instead (the N+1 guard).
    pub fn strict(&self) -> Self {
        Db {
            strict: true,
            ..self.clone()
        }
    }

    /// True in strict mode.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// True inside [`Db::transaction`].
    pub fn in_transaction(&self) -> bool {
        self.transaction
    }

    /// How many statements ran through this handle and its clones so far (for tests that
    /// count queries).
    pub fn query_count(&self) -> u64 {
        self.shared.log.count.load(Ordering::Relaxed)
    }

    /// Counters of the statements and transactions run through this handle and its clones
    /// (see [`DbStats`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// let db = aksara::connect("sqlite::memory:", aksara::Registry::empty()).await?;
    /// let before = db.stats();
    /// db.raw("SELECT 1", []).await?;
    /// let after = db.stats();
    /// assert_eq!(after.statements - before.statements, 1);
    /// assert_eq!(after.rows - before.rows, 1);
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> DbStats {
        self.shared.log.counters.snapshot()
    }

    /// Statements slower than `threshold` are counted in [`DbStats::slow`] and reported with
    /// a WARN event (target `aksara::slow`, with the statement's text, never its values);
    /// `None` turns that off. The default is [`DEFAULT_SLOW_STATEMENT`] (one second).
    pub fn set_slow_statement_threshold(&self, threshold: Option<std::time::Duration>) {
        self.shared.log.counters.set_slow_threshold(threshold);
    }

    /// The slow-statement threshold (see [`Db::set_slow_statement_threshold`]).
    pub fn slow_statement_threshold(&self) -> Option<std::time::Duration> {
        self.shared.log.counters.slow_threshold()
    }

    /// Starts recording the text of every statement run (see [`Db::recorded_sql`]).
    pub fn record_sql(&self) {
        *self.shared.log.recorded.lock().expect("query log") = Some(Vec::new());
    }

    /// The statements recorded since [`Db::record_sql`], and stops recording.
    pub fn recorded_sql(&self) -> Vec<String> {
        self.shared
            .log
            .recorded
            .lock()
            .expect("query log")
            .take()
            .unwrap_or_default()
    }

    fn log(&self, sql: &Sql) {
        self.shared.log.count.fetch_add(1, Ordering::Relaxed);
        let mut recorded = self.shared.log.recorded.lock().expect("query log");
        if let Some(list) = recorded.as_mut() {
            list.push(sql.render(self.dialect()));
        }
    }

    async fn connection(&self) -> Result<ConnectionGuard<'_>, DbError> {
        Ok(match &self.pinned {
            Some(conn) => ConnectionGuard::Pinned(conn.lock().await),
            None => ConnectionGuard::Pooled(self.shared.backend.acquire().await?),
        })
    }

    /// Runs a script of several statements separated by `;`, with no parameters, on one
    /// connection (for loading dumps and test fixtures; identifiers and values in the script
    /// are taken as written, so never build one from untrusted input).
    pub async fn batch_execute(&self, script: &str) -> Result<()> {
        let mut sql = Sql::new();
        sql.push(&format!("-- script of {} bytes", script.len()));
        self.log(&sql);
        self.connection()
            .await
            .map_err(|e| self.map_error(e))?
            .batch_execute(script)
            .await
            .map_err(|e| self.map_error(e))
    }

    /// Runs a query and returns its rows.
    pub async fn fetch(&self, sql: Sql) -> Result<Vec<Row>> {
        self.fetch_raw(sql).await.map_err(|e| self.map_error(e))
    }

    /// Runs a query and returns its rows with their column names, for results whose shape
    /// is not known in advance (an SQL prompt). The names are empty when there are no rows.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// let db = aksara::connect("sqlite::memory:", aksara::Registry::empty()).await?;
    /// let mut sql = aksara::sql::Sql::new();
    /// sql.push("SELECT 1 AS one, 'x' AS letter");
    /// let named = db.fetch_named(sql).await?;
    /// assert_eq!(named.columns, ["one", "letter"]);
    /// assert_eq!(named.rows, [vec![aksara::Value::I64(1), aksara::Value::from("x")]]);
    /// # Ok(()) }
    /// ```
    pub async fn fetch_named(&self, sql: Sql) -> Result<NamedRows> {
        self.fetch_named_raw(sql)
            .await
            .map_err(|e| self.map_error(e))
    }

    /// Runs a statement and returns the rows affected.
    pub async fn execute(&self, sql: Sql) -> Result<usize> {
        self.execute_raw(sql).await.map_err(|e| self.map_error(e))
    }

    /// Turns a backend error into an [`Error`], naming the relation of a failed foreign key
    /// when the constraint is one of the registry's.
    pub fn map_error(&self, e: DbError) -> Error {
        crate::error_context::relate(self.registry(), e, None)
    }

    /// Opens `n` connections of the pool now (they stay open and idle), so that the first
    /// calls do not wait for one: `PoolOptions::min_idle` at connect time.
    pub async fn open_connections(&self, n: usize) -> Result<()> {
        let mut opened = Vec::with_capacity(n);
        for _ in 0..n {
            opened.push(
                self.shared
                    .backend
                    .acquire()
                    .await
                    .map_err(|e| self.map_error(e))?,
            );
        }
        Ok(())
    }

    fn log_text(&self, text: &str) {
        let mut sql = Sql::new();
        sql.push(text);
        self.log(&sql);
    }
}

/// The connection a statement runs on: the transaction's, or one from the pool.
enum ConnectionGuard<'a> {
    Pinned(tokio::sync::MutexGuard<'a, Box<dyn Connection>>),
    Pooled(Box<dyn Connection>),
}

impl std::ops::Deref for ConnectionGuard<'_> {
    type Target = Box<dyn Connection>;
    fn deref(&self) -> &Self::Target {
        match self {
            ConnectionGuard::Pinned(c) => c,
            ConnectionGuard::Pooled(c) => c,
        }
    }
}

impl std::ops::DerefMut for ConnectionGuard<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            ConnectionGuard::Pinned(c) => &mut *c,
            ConnectionGuard::Pooled(c) => c,
        }
    }
}
