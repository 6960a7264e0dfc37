//! A pooled SQLite connection running compiled statements.
//!
//! Statements run on diesel's `SqliteConnection` through diesel-async's
//! `SyncConnectionWrapper` (each call on tokio's blocking pool). Beyond running them, the
//! connection does three SQLite-specific things:
//!
//! - A top-level transaction starts with `BEGIN IMMEDIATE`, taking the write lock at once, so
//!   two transactions that read then write wait for each other (busy timeout) instead of
//!   failing with `SQLITE_BUSY` at their first write. Nested ones are savepoints.
//! - SQLite's foreign key errors name no constraint. After one, the connection finds it from
//!   the statement's intent: for an `INSERT` or `UPDATE`, the foreign key whose written value
//!   has no parent row; for a `DELETE`, the `RESTRICT` foreign key (reached directly or
//!   through `CASCADE`s) that still has referencing rows (see `fk_diagnosis.rs`).
//! - The DDL's `DROP TABLE` runs with `PRAGMA foreign_keys = OFF`, so tables of a
//!   foreign key cycle can be dropped and the drop skips the implicit `DELETE` (and its
//!   `RESTRICT` checks) that SQLite runs first otherwise.
//!
//! Cancel safety: every call runs on a task of its own that owns the connection meanwhile.
//! When the call's future is dropped, the statement is interrupted (`sqlite3_interrupt`, see
//! `interrupt.rs`); the task waits for it to stop, rolls back the transaction it was part
//! of, and only then returns the connection to the pool. Inside a transaction, the
//! statements after an abandoned one fail with `Error::Connection`.

use crate::decode::{SqliteNamedRow, SqliteRow};
use crate::error::map_error;
use crate::interrupt::Interrupter;
use crate::query::{sqlite_query, SqliteQuery};
use aksara_core::stmt_cache::{Admission, ShapeCache, ShapeCaches};
use aksara_core::{Connection, DbError, DbErrorKind, NamedRows, Row, Sql, Value};
use aksara_diesel::drop_with_checks_off;
use async_trait::async_trait;
use deadpool::managed::ObjectId;
use diesel::connection::CacheSize;
use diesel::connection::{
    AnsiTransactionManager, SimpleConnection, TransactionManager, TransactionManagerStatus,
};
use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::AsyncConnection;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The async wrapper around one SQLite connection.
pub(crate) type Wrapped = SyncConnectionWrapper<SqliteConnection>;

/// The pooled connection, with the statement helpers (run on a task of its own, see
/// [`SqliteConnectionHandle`]).
pub(crate) struct Inner(Object<Wrapped>);

/// One call on the connection, run on a task of its own.
enum Op {
    Fetch(Sql),
    FetchNamed(Sql),
    Execute(Sql),
    Batch(String),
    Begin,
    Commit,
    Rollback,
}

/// What an [`Op`] returns.
enum Output {
    Rows(Vec<Row>),
    Named(NamedRows),
    Count(usize),
    Done,
}

/// The handle of `conn`, to interrupt its statements (`None` if it cannot be read).
pub(crate) async fn read_interrupter(conn: &mut Wrapped) -> Option<Interrupter> {
    let query = SqliteQuery::text(&format!("SELECT {}()", crate::interrupt::HANDLE_FUNCTION));
    let rows: Vec<SqliteRow> = query.load(conn).await.ok()?;
    match rows.into_iter().next()?.0.into_iter().next()? {
        Value::I64(handle) => Interrupter::from_handle(handle),
        Value::I32(handle) => Interrupter::from_handle(handle.into()),
        _ => None,
    }
}

/// A connection checked out of the pool; back to the pool when dropped.
///
/// Every call runs on a task of its own that owns the connection meanwhile, so a call whose
/// future is dropped never leaves a half-run statement behind: the statement is interrupted
/// (`sqlite3_interrupt`), the task waits for it to stop, rolls back the transaction it was
/// part of, and returns the connection to the pool clean. The handle is then left without a
/// connection: inside a transaction, the statements after an abandoned one fail with
/// `Error::Connection`, and the rollback succeeds (it already happened).
pub struct SqliteConnectionHandle {
    inner: Option<Inner>,
    interrupter: Option<Interrupter>,
    /// Transactions (and savepoints) begun and not yet ended.
    depth: usize,
    /// The statement shapes this connection keeps prepared (see `aksara_core::stmt_cache`).
    shapes: ShapeCache,
    /// Where `shapes` goes back when the connection returns to the pool.
    home: Arc<ShapeCaches<ObjectId>>,
    id: ObjectId,
}

/// What a call's task and its caller share: whether the caller gave up, and whether the
/// task's statement is over (after which nothing may interrupt the connection: the task then
/// rolls back, or hands the connection on).
#[derive(Default)]
struct CallState {
    abandoned: AtomicBool,
    statement_over: std::sync::Mutex<bool>,
}

impl CallState {
    /// Marks the statement over; from now on [`CallState::interrupt`] does nothing.
    fn finish(&self) {
        *self
            .statement_over
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Interrupts the statement unless it is over; false once it is.
    fn interrupt(&self, interrupter: Interrupter) -> bool {
        let over = self
            .statement_over
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !*over {
            // The connection is open: the task owns it until it marks the statement over,
            // which it cannot do while this lock is held.
            interrupter.interrupt();
        }
        !*over
    }
}

/// Interrupts the statement of a call whose future is dropped before it finished.
struct AbandonGuard {
    interrupter: Option<Interrupter>,
    state: Arc<CallState>,
    armed: bool,
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.state.abandoned.store(true, Ordering::SeqCst);
        let Some(interrupter) = self.interrupter else {
            return;
        };
        // `sqlite3_interrupt` only reaches a statement already running, and the task may not
        // have started its own yet: interrupt until the task says its statement is over.
        if self.state.interrupt(interrupter) {
            let state = self.state.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                    while state.interrupt(interrupter) && std::time::Instant::now() < deadline {
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    }
                });
            }
        }
    }
}

impl SqliteConnectionHandle {
    pub(crate) fn new(
        conn: Object<Wrapped>,
        interrupter: Option<Interrupter>,
        home: Arc<ShapeCaches<ObjectId>>,
    ) -> Self {
        let id = Object::id(&conn);
        let (shapes, _) = home.take(&id);
        SqliteConnectionHandle {
            inner: Some(Inner(conn)),
            interrupter,
            depth: 0,
            shapes,
            home,
            id,
        }
    }

    /// Runs `op` on the connection's own task (see the type's docs), keeping the statement
    /// cache within its bound.
    async fn run(&mut self, mut op: Op) -> Result<Output, DbError> {
        let mut flush = false;
        if let Op::Fetch(sql) | Op::FetchNamed(sql) | Op::Execute(sql) = &mut op {
            match self.shapes.admit(sql) {
                Admission::Cache => {}
                Admission::NoCache => {
                    sql.mark_one_off();
                }
                Admission::FlushThenCache => flush = true,
            }
        }
        let Some(mut inner) = self.inner.take() else {
            return Err(DbError::new(
                DbErrorKind::ConnectionLost,
                "a previous statement on this connection was cancelled before it finished; \
                 its transaction was rolled back",
            ));
        };
        let state = Arc::new(CallState::default());
        let seen = state.clone();
        let task = tokio::spawn(async move {
            if flush {
                // Finalizes every statement diesel kept (no statement runs: the task owns
                // the connection).
                inner
                    .0
                    .set_prepared_statement_cache_size(CacheSize::Disabled);
                inner
                    .0
                    .set_prepared_statement_cache_size(CacheSize::Unbounded);
            }
            let result = if AtomicBool::load(&seen.abandoned, Ordering::SeqCst) {
                Err(DbError::new(
                    DbErrorKind::ConnectionLost,
                    "the statement was cancelled",
                ))
            } else {
                inner.perform(op).await
            };
            seen.finish();
            if AtomicBool::load(&seen.abandoned, Ordering::SeqCst) {
                inner.roll_back_all().await;
                None
            } else {
                Some((inner, result))
            }
        });
        let mut guard = AbandonGuard {
            interrupter: self.interrupter,
            state,
            armed: true,
        };
        let outcome = task.await;
        guard.armed = false;
        match outcome {
            Ok(Some((inner, result))) => {
                self.inner = Some(inner);
                result
            }
            Ok(None) => Err(DbError::new(
                DbErrorKind::ConnectionLost,
                "the statement was cancelled",
            )),
            Err(e) => Err(DbError::new(
                DbErrorKind::ConnectionLost,
                format!("the statement's task failed: {e}"),
            )),
        }
    }
}

impl Drop for SqliteConnectionHandle {
    fn drop(&mut self) {
        let shapes = std::mem::replace(&mut self.shapes, ShapeCache::new(0, true));
        if self.inner.is_some() {
            self.home.put_back(self.id, shapes);
        }
        // A transaction dropped between two statements: rolled back before the connection
        // goes back to the pool (which would otherwise close it, and with a private
        // in-memory database, lose the data).
        if self.depth == 0 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Some(mut inner) = self.inner.take() {
            runtime.spawn(async move { inner.roll_back_all().await });
        }
    }
}

impl Inner {
    async fn perform(&mut self, op: Op) -> Result<Output, DbError> {
        match op {
            Op::Fetch(sql) => self.fetch(sql).await.map(Output::Rows),
            Op::FetchNamed(sql) => self.fetch_named(sql).await.map(Output::Named),
            Op::Execute(sql) => self.execute(sql).await.map(Output::Count),
            Op::Batch(script) => SimpleAsyncConnection::batch_execute(&mut *self.0, &script)
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Begin => self
                .0
                .spawn_blocking(|conn| {
                    let depth = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(conn)
                        .transaction_depth()?;
                    if depth.is_none() {
                        AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE")
                    } else {
                        <AnsiTransactionManager as TransactionManager<SqliteConnection>>::begin_transaction(conn)
                    }
                })
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Commit => self
                .0
                .spawn_blocking(
                    <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction,
                )
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Rollback => self
                .0
                .spawn_blocking(
                    <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction,
                )
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
        }
    }

    /// Rolls back whatever transaction is open (an interrupted statement may have rolled it
    /// back already), leaving the connection in autocommit mode.
    async fn roll_back_all(&mut self) {
        let _ = self
            .0
            .spawn_blocking(|c| {
                let status = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(c);
                if !matches!(status.transaction_depth(), Ok(None)) {
                    *status = TransactionManagerStatus::default();
                    // Fails harmlessly when SQLite already rolled back.
                    let _ = c.batch_execute("ROLLBACK");
                }
                Ok(())
            })
            .await;
    }

    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        let query = sqlite_query(sql);
        match self.load(query.clone()).await {
            Ok(rows) => Ok(rows),
            Err(e) => Err(self.fail(e, &query).await),
        }
    }

    async fn fetch_named(&mut self, sql: Sql) -> Result<NamedRows, DbError> {
        let query = sqlite_query(sql);
        let loaded: Result<Vec<SqliteNamedRow>, _> = query.clone().load(&mut *self.0).await;
        match loaded {
            Ok(rows) => Ok(NamedRows {
                zoned: Vec::new(),
                columns: rows
                    .as_slice()
                    .first()
                    .map(|r| r.0.clone())
                    .unwrap_or_default(),
                rows: rows.into_iter().map(|r| r.1).collect(),
            }),
            Err(e) => Err(self.fail(e, &query).await),
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        let query = sqlite_query(sql);
        if !query.dropped_tables().is_empty() {
            // Tables of a foreign key cycle can be dropped, and the drop skips the implicit
            // `DELETE` (and its `RESTRICT` checks) that SQLite runs first otherwise.
            return drop_with_checks_off(
                &mut *self.0,
                query,
                "PRAGMA foreign_keys = OFF",
                "PRAGMA foreign_keys = ON",
            )
            .await
            .map_err(map_error);
        }
        match query.clone().execute(&mut *self.0).await {
            Ok(n) => Ok(n),
            Err(e) => Err(self.fail(e, &query).await),
        }
    }

    /// Runs `query` and reads its rows.
    pub(crate) async fn load(
        &mut self,
        query: SqliteQuery,
    ) -> Result<Vec<Row>, diesel::result::Error> {
        let rows: Vec<SqliteRow> = query.load(&mut *self.0).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

#[async_trait]
impl Connection for SqliteConnectionHandle {
    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        match self.run(Op::Fetch(sql)).await? {
            Output::Rows(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }

    async fn fetch_named(&mut self, sql: Sql) -> Result<NamedRows, DbError> {
        match self.run(Op::FetchNamed(sql)).await? {
            Output::Named(rows) => Ok(rows),
            _ => Ok(NamedRows::default()),
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        match self.run(Op::Execute(sql)).await? {
            Output::Count(n) => Ok(n),
            _ => Ok(0),
        }
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        self.run(Op::Batch(script.to_string())).await.map(|_| ())
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.run(Op::Begin).await?;
        self.depth += 1;
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        self.run(Op::Commit).await?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        if self.inner.is_none() {
            // The abandoned statement's task rolled everything back.
            self.depth = 0;
            return Ok(());
        }
        self.run(Op::Rollback).await?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }
}
