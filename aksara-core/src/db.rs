//! The database handle.
//!
//! A [`Db`] is what every call that runs SQL takes: a pool of connections to one database (or,
//! inside [`Db::transaction`], the one connection the transaction runs on), the model
//! [`Registry`], and the query log. It is cheap to clone and safe to share between tasks.
//! Backends plug in below it through [`Backend`] and [`Connection`]; nothing above it knows
//! which database it talks to beyond the [`Dialect`].

use crate::dialect::Dialect;
use crate::error::{DbError, Error, Result};
use crate::registry::Registry;
use crate::sql::Sql;
use crate::value::Value;
use async_trait::async_trait;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How many times a statement outside a transaction is run again after a serialization
/// failure or deadlock before the error is returned.
pub const SERIALIZATION_RETRIES: u32 = 4;

/// How many times [`Db::transaction_retrying`] runs a transaction again after a conflict
/// before returning the [`Error::Conflict`].
pub const TRANSACTION_RETRIES: u32 = 5;

/// One row as the backend decoded it: each column's natural value.
pub type Row = Vec<Value>;

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

/// Pool settings, the same for every backend.
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
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions {
            max_connections: 10,
            acquire_timeout: std::time::Duration::from_secs(30),
            connect_timeout: std::time::Duration::from_secs(10),
            busy_timeout: std::time::Duration::from_secs(5),
            statement_cache_size: 256,
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

/// Counts and (on request) records the statements run through a [`Db`].
#[derive(Debug, Default)]
pub struct QueryLog {
    count: AtomicU64,
    recorded: Mutex<Option<Vec<String>>>,
}

struct Shared {
    backend: Box<dyn Backend>,
    registry: Arc<Registry>,
    log: QueryLog,
}

/// The handle to a database: pool, registry and query log. Clone it freely.
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
        let wanted =
            recorded.is_some() || tracing::enabled!(target: "aksara::sql", tracing::Level::DEBUG);
        if wanted {
            let text = sql.render(self.dialect());
            tracing::debug!(target: "aksara::sql", binds = sql.binds().count(), "{text}");
            if let Some(list) = recorded.as_mut() {
                list.push(text);
            }
        }
    }

    async fn connection(&self) -> Result<ConnectionGuard<'_>, DbError> {
        Ok(match &self.pinned {
            Some(conn) => ConnectionGuard::Pinned(conn.lock().await),
            None => ConnectionGuard::Pooled(self.shared.backend.acquire().await?),
        })
    }

    /// Runs a query and returns its rows as the backend decoded them; errors are not yet
    /// related to a model (see [`Db::fetch`]).
    ///
    /// Outside a transaction a statement whose [`Intent`](crate::sql::Intent) is
    /// [rerunnable](crate::sql::Intent::rerunnable) is run again after a deadlock or
    /// serialization failure (at most [`SERIALIZATION_RETRIES`] times), the same way for
    /// every statement on every backend; the error returned says how many reruns there were.
    pub async fn fetch_raw(&self, sql: Sql) -> Result<Vec<Row>, DbError> {
        self.run(sql, |mut conn, sql| async move {
            let result = conn.fetch(sql).await;
            (conn, result)
        })
        .await
    }

    /// Runs a statement and returns the rows affected; errors are not yet related to a model.
    /// Retried as [`Db::fetch_raw`] is.
    pub async fn execute_raw(&self, sql: Sql) -> Result<usize, DbError> {
        self.run(sql, |mut conn, sql| async move {
            let result = conn.execute(sql).await;
            (conn, result)
        })
        .await
    }

    /// Runs `sql` with `op` on a connection, again after a conflict where the retry policy
    /// allows it; the error returned says how many times it was rerun.
    async fn run<'a, T, F, Fut>(&'a self, sql: Sql, op: F) -> Result<T, DbError>
    where
        F: Fn(ConnectionGuard<'a>, Sql) -> Fut,
        Fut: Future<Output = (ConnectionGuard<'a>, Result<T, DbError>)>,
    {
        let rerunnable = sql.intent.rerunnable() && !self.transaction;
        let mut next = Some(sql);
        let mut attempt = 0;
        while let Some(sql) = next.take() {
            self.log(&sql);
            let conn = match self.connection().await {
                Ok(conn) => conn,
                Err(e) => return Err(e),
            };
            // The statement is copied only when it may have to run again.
            if rerunnable {
                next = Some(sql.clone());
            }
            let (mut conn, result) = op(conn, sql).await;
            discard_if_lost(&mut conn, &result);
            drop(conn);
            match self.retry_after(&result, attempt, rerunnable) {
                Some(pause) => tokio::time::sleep(pause).await,
                None => {
                    return result.map_err(|mut e| {
                        e.retried = attempt;
                        e
                    })
                }
            }
            attempt += 1;
        }
        unreachable!("retry_after only asks for a rerun of a statement kept for it")
    }

    /// Runs `statements` in order and returns the number of rows they affected in all.
    /// Several run in one transaction (a savepoint inside one), so that all of them apply or
    /// none does; `fail` relates an error to the model written.
    pub(crate) async fn execute_atomically(
        &self,
        statements: Vec<Sql>,
        fail: impl Fn(DbError) -> Error + Sync,
    ) -> Result<usize> {
        let fail = &fail;
        let several = statements.len() > 1;
        let run = |db: Db| async move {
            let mut total = 0;
            for sql in statements {
                total += db.execute_raw(sql).await.map_err(fail)?;
            }
            Ok(total)
        };
        if several {
            self.transaction(run).await
        } else {
            run(self.clone()).await
        }
    }

    /// How long to wait before running a statement again: only after a serialization
    /// failure or deadlock (PostgreSQL 40001 / 40P01, MySQL 1213, SQLite `SQLITE_BUSY`), only
    /// for a statement that is `rerunnable` (its [`Intent`](crate::sql::Intent) allows it,
    /// and it runs outside a transaction, where the server rolled back the failed statement
    /// alone), and at most [`SERIALIZATION_RETRIES`] times, with a growing, jittered pause.
    /// Inside a transaction nothing is rerun silently: the caller gets
    /// [`Error::Conflict`] and may rerun the whole transaction
    /// ([`Db::transaction_retrying`]).
    fn retry_after<T>(
        &self,
        result: &Result<T, DbError>,
        attempt: u32,
        rerunnable: bool,
    ) -> Option<std::time::Duration> {
        match result {
            Err(e)
                if e.kind == crate::error::DbErrorKind::SerializationFailure
                    && rerunnable
                    && attempt < SERIALIZATION_RETRIES =>
            {
                Some(backoff(attempt, 2))
            }
            _ => None,
        }
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

    /// Runs a statement and returns the rows affected.
    pub async fn execute(&self, sql: Sql) -> Result<usize> {
        self.execute_raw(sql).await.map_err(|e| self.map_error(e))
    }

    /// Runs SQL text with `binds` as parameters (`$1` or `?` as the backend writes them is
    /// not needed: write `{}` where each bind goes). Identifiers in `text` are not quoted.
    ///
    /// ```ignore
    /// let rows = db.raw("SELECT COUNT(*) FROM posts WHERE title = {}", ["x".into()]).await?;
    /// ```
    pub async fn raw(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>> {
        self.fetch(raw_sql(text, binds).with_intent(crate::sql::Intent::Raw))
            .await
    }

    /// Like [`Db::raw`] for statements that return no rows; returns the rows affected.
    pub async fn raw_execute(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<usize> {
        self.execute(raw_sql(text, binds).with_intent(crate::sql::Intent::Raw))
            .await
    }

    /// Turns a backend error into an [`Error`], naming the relation of a failed foreign key
    /// when the constraint is one of the registry's.
    pub fn map_error(&self, e: DbError) -> Error {
        crate::errors::relate(self.registry(), e, None)
    }

    /// Runs `f` with every statement on one connection, without a transaction (for statement
    /// pairs that need the same session, like an INSERT and `SELECT LAST_INSERT_ID()`).
    pub async fn on_one_connection<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if self.pinned.is_some() {
            return f(self.clone()).await;
        }
        let conn = self
            .shared
            .backend
            .acquire()
            .await
            .map_err(|e| self.map_error(e))?;
        let pinned = Db {
            shared: self.shared.clone(),
            pinned: Some(Arc::new(tokio::sync::Mutex::new(conn))),
            transaction: false,
            strict: self.strict,
        };
        f(pinned).await
    }

    /// Runs `f` in a transaction: committed when `f` returns `Ok`, rolled back when it returns
    /// `Err` (or panics, or is cancelled: the connection is then discarded, which rolls back).
    /// Inside a transaction this opens a savepoint.
    ///
    /// ```ignore
    /// db.transaction(|tx| async move {
    ///     let author = Author::build().name("Jane").create(&tx).await?;
    ///     Post::build().title("Hi").author(&author).create(&tx).await?;
    ///     Ok(())
    /// }).await?;
    /// ```
    pub async fn transaction<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let conn = match &self.pinned {
            Some(conn) => conn.clone(),
            None => Arc::new(tokio::sync::Mutex::new(
                self.shared
                    .backend
                    .acquire()
                    .await
                    .map_err(|e| self.map_error(e))?,
            )),
        };
        self.log_text("BEGIN");
        conn.lock()
            .await
            .begin()
            .await
            .map_err(|e| self.map_error(e))?;
        let tx = Db {
            shared: self.shared.clone(),
            pinned: Some(conn.clone()),
            transaction: true,
            strict: self.strict,
        };
        let outcome = f(tx).await;
        let mut guard = conn.lock().await;
        match outcome {
            Ok(value) => {
                self.log_text("COMMIT");
                guard.commit().await.map_err(|e| self.map_error(e))?;
                Ok(value)
            }
            Err(error) => {
                self.log_text("ROLLBACK");
                // The error that made us roll back matters more than a failed rollback; a
                // connection whose rollback failed is discarded by its pool.
                let _ = guard.rollback().await;
                Err(error)
            }
        }
    }

    /// Runs `f` in a transaction as [`Db::transaction`] does, and runs it again, from the
    /// start, when it fails with [`Error::Conflict`] (a deadlock or serialization failure
    /// rolled the whole transaction back): at most [`TRANSACTION_RETRIES`] times, after a
    /// growing pause with random jitter so that the transactions that collided do not
    /// collide again. The error returned after the last attempt says how many reruns there
    /// were. `f` must be safe to run more than once (no effects outside the database).
    ///
    /// Inside a transaction the conflict has rolled back the outer transaction too, so
    /// nothing is rerun here: the error goes to the outermost `transaction_retrying`.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara_core::Db) -> aksara_core::Result<()> {
    /// let n = db
    ///     .transaction_retrying(|tx| async move {
    ///         tx.raw_execute("UPDATE counters SET n = n + 1 WHERE id = {}", [1.into()])
    ///             .await
    ///     })
    ///     .await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub async fn transaction_retrying<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: Fn(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 0;
        loop {
            match self.transaction(&f).await {
                Err(Error::Conflict {
                    code,
                    message,
                    source,
                    ..
                }) => {
                    if self.transaction || attempt >= TRANSACTION_RETRIES {
                        return Err(Error::Conflict {
                            code,
                            retried: attempt,
                            message,
                            source,
                        });
                    }
                    tokio::time::sleep(backoff(attempt, 10)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
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

/// The pause before rerun number `attempt + 1`: `base_ms` doubled per attempt, plus up to as
/// much again of random jitter.
fn backoff(attempt: u32, base_ms: u64) -> std::time::Duration {
    use std::hash::{BuildHasher, Hasher};
    let step = base_ms << attempt.min(10);
    // A randomly keyed hash of the clock: enough randomness for jitter, without a dependency.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let jitter = hasher.finish() % (step * 1000 + 1);
    std::time::Duration::from_micros(step * 1000 + jitter)
}

/// Tells the pool not to reuse a connection that was lost.
fn discard_if_lost<T>(conn: &mut ConnectionGuard<'_>, result: &Result<T, DbError>) {
    if matches!(result, Err(e) if e.kind == crate::error::DbErrorKind::ConnectionLost) {
        conn.discard();
    }
}

/// Builds an [`Sql`] from text with `{}` bind markers.
pub fn raw_sql(text: &str, binds: impl IntoIterator<Item = Value>) -> Sql {
    let mut sql = Sql::new();
    let mut binds = binds.into_iter();
    let mut pieces = text.split("{}").peekable();
    while let Some(piece) = pieces.next() {
        sql.push(piece);
        if pieces.peek().is_some() {
            sql.bind(binds.next().unwrap_or(Value::Null), None);
        }
    }
    sql
}

/// A backend reached through another handle (used by [`Db::with_registry`]).
struct SharedBackend(Db);

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
