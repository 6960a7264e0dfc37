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
    /// A `{}` inside quotes, comments or dollar-quoted bodies is text, `{{}}` is a literal
    /// `{}`, and a number of markers other than the number of binds is an
    /// [`Error::Config`] before anything runs (see [`raw_sql`]).
    ///
    /// ```no_run
    /// # async fn example(db: &aksara_core::Db) -> aksara_core::Result<()> {
    /// let rows = db.raw("SELECT COUNT(*) FROM posts WHERE title = {}", ["x".into()]).await?;
    /// let json = db.raw("SELECT '{}'::jsonb, {}::int", [7.into()]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn raw(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>> {
        self.fetch(raw_sql(self.dialect(), text, binds)?.with_intent(crate::sql::Intent::Raw))
            .await
    }

    /// Like [`Db::raw`] for statements that return no rows; returns the rows affected.
    pub async fn raw_execute(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<usize> {
        self.execute(raw_sql(self.dialect(), text, binds)?.with_intent(crate::sql::Intent::Raw))
            .await
    }

    /// Turns a backend error into an [`Error`], naming the relation of a failed foreign key
    /// when the constraint is one of the registry's.
    pub fn map_error(&self, e: DbError) -> Error {
        crate::error_context::relate(self.registry(), e, None)
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
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// use aksara::demo::{Post, User};
    /// use aksara::Model;
    ///
    /// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
    /// aksara::ddl::create_all(&db).await?;
    /// db.transaction(|tx| async move {
    ///     let jane = User::build().email("jane@example.com").name("Jane").create(&tx).await?;
    ///     Post::build().title("Hi").content("...").author(&jane).create(&tx).await?;
    ///     Ok(())
    /// })
    /// .await?;
    /// assert_eq!(Post::objects().count(&db).await?, 1);
    ///
    /// // An error rolls everything back.
    /// let failed: aksara::Result<()> = db
    ///     .transaction(|tx| async move {
    ///         User::build().email("bob@example.com").name("Bob").create(&tx).await?;
    ///         User::build().email("bob@example.com").name("Bob again").create(&tx).await?; // unique
    ///         Ok(())
    ///     })
    ///     .await;
    /// assert!(failed.is_err());
    /// assert_eq!(User::objects().count(&db).await?, 1);
    /// # Ok(()) }
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

/// Builds an [`Sql`] from text with `{}` bind markers, read the way `dialect` reads SQL.
///
/// Each `{}` outside quoted text takes the next of `binds`; `{{}}` writes a literal `{}`.
/// A `{}` is not a marker inside a string literal (`'...'` with `''`, and backslash escapes
/// on MySQL and in PostgreSQL's `E'...'`), a quoted identifier (`"..."`; `` `...` `` on
/// MySQL and SQLite; `[...]` on SQLite), a comment (`-- ...`, `/* ... */`; `# ...` on MySQL)
/// or a PostgreSQL dollar-quoted body (`$$...$$`, `$tag$...$tag$`). Any other brace is
/// text. A number of markers other than the number of binds is an [`Error::Config`], before
/// anything runs.
///
/// ```
/// use aksara_core::db::raw_sql;
/// use aksara_core::dialect::Dialect;
/// # #[derive(Debug)] struct Pg;
/// # impl Dialect for Pg {
/// #     fn name(&self) -> &'static str { "postgresql" }
/// #     fn placeholder(&self, n: usize) -> String { format!("${n}") }
/// #     fn quote_identifier(&self, name: &str) -> String { format!("\"{name}\"") }
/// #     fn column_type(&self, _: &aksara_core::FieldKind) -> String { String::new() }
/// #     fn auto_primary_key(&self, _: &aksara_core::FieldKind) -> String { String::new() }
/// #     fn list_binding(&self) -> aksara_core::dialect::ListBinding { aksara_core::dialect::ListBinding::Array }
/// #     fn supports_returning(&self) -> bool { true }
/// #     fn list_tables_sql(&self) -> &'static str { "" }
/// # }
/// let sql = raw_sql(&Pg, "SELECT '{}'::jsonb, {}::int -- {} is a marker", [7.into()]).unwrap();
/// assert_eq!(sql.binds().count(), 1);
/// assert!(raw_sql(&Pg, "SELECT {}, {}", [7.into()]).is_err());
/// ```
pub fn raw_sql(
    dialect: &dyn Dialect,
    text: &str,
    binds: impl IntoIterator<Item = Value>,
) -> Result<Sql> {
    let pieces = split_raw_markers(dialect.name(), text);
    let binds: Vec<Value> = binds.into_iter().collect();
    let markers = pieces.len() - 1;
    if markers != binds.len() {
        return Err(Error::config(format!(
            "raw SQL has {markers} bind marker(s) `{{}}` but {} bind value(s) were given; \
             write `{{{{}}}}` for a literal `{{}}` outside quotes",
            binds.len()
        )));
    }
    let mut sql = Sql::new();
    let mut binds = binds.into_iter();
    for (i, piece) in pieces.iter().enumerate() {
        sql.push(piece);
        if i < markers {
            sql.bind(binds.next().expect("counted"), None);
        }
    }
    Ok(sql)
}

/// The text between the bind markers of `text` (one more piece than markers), with `{{}}`
/// outside quotes turned into `{}`. `backend` is a dialect name.
fn split_raw_markers(backend: &str, text: &str) -> Vec<String> {
    let (mysql, pg, sqlite) = (
        backend == "mysql",
        backend == "postgresql",
        backend == "sqlite",
    );
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut pieces = Vec::new();
    let mut current = String::new();
    // Start of the text not yet copied into `current`.
    let mut copied = 0;
    let mut i = 0;
    // The end of a quoted run that starts at `start` with `quote`, where `doubled` quotes
    // stand for one and `backslash` escapes the next byte.
    let skip_quoted = |start: usize, quote: u8, backslash: bool| -> usize {
        let mut j = start + 1;
        while j < b.len() {
            if backslash && b[j] == b'\\' {
                j += 2;
            } else if b[j] == quote {
                if b.get(j + 1) == Some(&quote) {
                    j += 2;
                } else {
                    return j + 1;
                }
            } else {
                j += 1;
            }
        }
        b.len()
    };
    while i < b.len() {
        let c = b[i];
        let prev_ident = i > 0 && is_ident(b[i - 1]);
        let next = b.get(i + 1).copied();
        i = match c {
            b'\'' => {
                // PostgreSQL's E'...' strings take backslash escapes.
                let escaped = pg
                    && i > 0
                    && matches!(b[i - 1], b'E' | b'e')
                    && !(i > 1 && is_ident(b[i - 2]));
                skip_quoted(i, b'\'', mysql || escaped)
            }
            b'"' => skip_quoted(i, b'"', mysql),
            b'`' if mysql || sqlite => skip_quoted(i, b'`', false),
            b'[' if sqlite => text[i..].find(']').map_or(b.len(), |end| i + end + 1),
            b'-' if next == Some(b'-')
                && (!mysql || b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace())) =>
            {
                text[i..].find('\n').map_or(b.len(), |end| i + end + 1)
            }
            b'#' if mysql => text[i..].find('\n').map_or(b.len(), |end| i + end + 1),
            b'/' if next == Some(b'*') => {
                // PostgreSQL nests block comments; the others end at the first `*/`.
                let mut depth = 1;
                let mut j = i + 2;
                while j < b.len() && depth > 0 {
                    if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else if pg && b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                j
            }
            b'$' if pg && !prev_ident => {
                // `$tag$`, with a tag that is empty or an identifier not starting with a digit.
                let tag_len = b[i + 1..]
                    .iter()
                    .take_while(|&&c| is_ident(c) && c != b'$')
                    .count();
                let opens = b.get(i + 1 + tag_len) == Some(&b'$')
                    && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if opens {
                    let tag = &text[i..i + tag_len + 2];
                    let body = i + tag.len();
                    text[body..]
                        .find(tag)
                        .map_or(b.len(), |end| body + end + tag.len())
                } else {
                    i + 1
                }
            }
            b'{' if text[i..].starts_with("{{}}") => {
                current.push_str(&text[copied..i]);
                current.push_str("{}");
                copied = i + 4;
                i + 4
            }
            b'{' if next == Some(b'}') => {
                current.push_str(&text[copied..i]);
                pieces.push(std::mem::take(&mut current));
                copied = i + 2;
                i + 2
            }
            _ => i + 1,
        };
    }
    current.push_str(&text[copied..]);
    pieces.push(current);
    pieces
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

#[cfg(test)]
mod tests {
    use super::split_raw_markers;

    #[test]
    fn markers_outside_quotes_only() {
        let split = |backend, text| split_raw_markers(backend, text);
        assert_eq!(split("postgresql", "SELECT {}, {}"), ["SELECT ", ", ", ""]);
        assert_eq!(
            split("postgresql", "SELECT '{}', {}"),
            ["SELECT '{}', ", ""]
        );
        assert_eq!(split("postgresql", "SELECT {{}} {}"), ["SELECT {} ", ""]);
        assert_eq!(split("postgresql", "SELECT '{{}}'"), ["SELECT '{{}}'"]);
        assert_eq!(
            split("postgresql", "SELECT $a${}$a$, {}"),
            ["SELECT $a${}$a$, ", ""]
        );
        // `$1` and identifiers ending in `$` open no dollar quote.
        assert_eq!(split("postgresql", "SELECT a$b, {}"), ["SELECT a$b, ", ""]);
        assert_eq!(split("postgresql", "SELECT $1, {}"), ["SELECT $1, ", ""]);
        // A backslash escapes only in MySQL strings and PostgreSQL's E'...'.
        assert_eq!(
            split("postgresql", "SELECT '\\', {}"),
            ["SELECT '\\', ", ""]
        );
        assert_eq!(split("sqlite", "SELECT '\\', {}"), ["SELECT '\\', ", ""]);
        assert_eq!(
            split("mysql", "SELECT 'a\\'{}', {}"),
            ["SELECT 'a\\'{}', ", ""]
        );
        assert_eq!(
            split("postgresql", "SELECT E'\\'{}', {}"),
            ["SELECT E'\\'{}', ", ""]
        );
        // MySQL needs a space after `--` for a comment; `#` starts one.
        assert_eq!(split("mysql", "SELECT 1--{}"), ["SELECT 1--", ""]);
        assert_eq!(
            split("mysql", "SELECT 1 -- {}\n, {}"),
            ["SELECT 1 -- {}\n, ", ""]
        );
        assert_eq!(
            split("mysql", "SELECT 1 # {}\n, {}"),
            ["SELECT 1 # {}\n, ", ""]
        );
        assert_eq!(split("postgresql", "SELECT 1 # {}"), ["SELECT 1 # ", ""]);
        // Brackets quote identifiers on SQLite only; backticks on MySQL and SQLite.
        assert_eq!(
            split("sqlite", "SELECT [{}], `{}`, {}"),
            ["SELECT [{}], `{}`, ", ""]
        );
        assert_eq!(
            split("postgresql", "SELECT ARRAY[{}]"),
            ["SELECT ARRAY[", "]"]
        );
        // Unterminated quotes and comments hide the rest (the database reports them).
        assert_eq!(split("sqlite", "SELECT '{}"), ["SELECT '{}"]);
        assert_eq!(split("sqlite", "SELECT /* {}"), ["SELECT /* {}"]);
        // Text outside ASCII is kept whole.
        assert_eq!(
            split("sqlite", "SELECT 'é{}', {} -- ü"),
            ["SELECT 'é{}', ", " -- ü"]
        );
    }
}
