//! A pooled MySQL / MariaDB connection running compiled statements.
//!
//! Cancel safety: a statement whose future is dropped before it finished (a timeout, a
//! cancelled task) leaves unread results on its connection, which the next statement would
//! read as its own. The connection notices it when it is dropped or next used: it sends
//! `KILL QUERY` for the statement on a side connection (so it stops running on the server),
//! and marks itself broken so that its pool closes it instead of handing it out again.
//! Inside a transaction, the next statement fails with `Error::Connection` and the
//! transaction is rolled back with the closed connection.

use crate::decode::MysqlRow;
use crate::error::map_error;
use crate::query::MysqlQuery;
use aksara_core::stmt_cache::{Admission, ShapeCache, ShapeCaches};
use aksara_core::{Connection, DbError, DbErrorKind, Row, Sql};
use async_trait::async_trait;
use deadpool::managed::ObjectId;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{
    AnsiTransactionManager, AsyncMysqlConnection, RunQueryDsl, SimpleAsyncConnection,
    TransactionManager,
};
use std::sync::Arc;

/// Where a connection is between statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No statement running.
    Idle,
    /// A statement started and has not finished (if the connection is seen in this state
    /// outside a statement, its future was dropped).
    Running,
    /// A statement was abandoned; the connection was cancelled and will be closed.
    Abandoned,
}

/// A connection checked out of the pool; back to the pool when dropped (discarded if it is
/// inside an unfinished transaction, or if a statement on it was abandoned).
pub struct MysqlConnection {
    conn: Object<AsyncMysqlConnection>,
    state: State,
    /// The statement shapes this connection keeps prepared (see `aksara_core::stmt_cache`;
    /// diesel's statements cannot be closed one by one here, so shapes beyond the bound run
    /// unprepared-and-closed instead).
    shapes: ShapeCache,
    /// Where `shapes` goes back when the connection returns to the pool.
    home: Arc<ShapeCaches<ObjectId>>,
    discarded: bool,
}

impl Drop for MysqlConnection {
    fn drop(&mut self) {
        if self.state == State::Running {
            self.abandon();
        }
        if !self.discarded {
            let shapes = std::mem::replace(&mut self.shapes, ShapeCache::new(0, false));
            self.home.put_back(Object::id(&self.conn), shapes);
        }
    }
}

/// Runs `$op` (an expression using `$conn`, the driver connection) as one statement: refused
/// on a connection whose previous statement was abandoned, and marked running meanwhile.
macro_rules! guarded {
    ($self:ident, |$conn:ident| $op:expr) => {{
        $self.ready()?;
        $self.state = State::Running;
        let $conn = &mut *$self.conn;
        let result = $op.await;
        $self.state = State::Idle;
        result
    }};
}

impl MysqlConnection {
    pub(crate) fn new(
        conn: Object<AsyncMysqlConnection>,
        home: Arc<ShapeCaches<ObjectId>>,
    ) -> Self {
        let (shapes, _) = home.take(&Object::id(&conn));
        MysqlConnection {
            conn,
            state: State::Idle,
            shapes,
            home,
            discarded: false,
        }
    }

    /// Keeps the statement cache within its bound before `sql` runs.
    fn admit(&mut self, sql: &mut Sql) {
        if self.shapes.admit(sql) != Admission::Cache {
            sql.mark_one_off();
        }
    }

    /// Fails on a connection whose previous statement was abandoned (and cancels that one).
    fn ready(&mut self) -> Result<(), DbError> {
        if self.state == State::Running {
            self.abandon();
        }
        if self.state == State::Abandoned {
            return Err(DbError::new(
                DbErrorKind::ConnectionLost,
                "a previous statement on this connection was cancelled before it finished; \
                 the connection is closed (and its transaction rolled back)",
            ));
        }
        Ok(())
    }

    /// Kills the abandoned statement on the server and marks the connection broken.
    fn abandon(&mut self) {
        self.state = State::Abandoned;
        let token = self.conn.cancel_token();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                // A failed KILL leaves the statement to finish on its own; the connection is
                // closed either way.
                let _ = token.cancel_query().await;
            });
        }
        self.discard();
    }

    /// Drops a table of the schema even when foreign keys of a cycle point at it: the checks
    /// are switched off on this connection for the one statement, as PostgreSQL's
    /// `DROP TABLE ... CASCADE` drops such constraints. They are switched on again whatever
    /// happened.
    async fn drop_table(&mut self, query: MysqlQuery) -> Result<usize, DbError> {
        guarded!(self, |c| c.batch_execute("SET FOREIGN_KEY_CHECKS = 0")).map_err(map_error)?;
        let dropped = guarded!(self, |c| query.execute(c)).map_err(map_error);
        let restored =
            guarded!(self, |c| c.batch_execute("SET FOREIGN_KEY_CHECKS = 1")).map_err(map_error);
        let n = dropped?;
        restored?;
        Ok(n)
    }
}

#[async_trait]
impl Connection for MysqlConnection {
    fn discard(&mut self) {
        self.discarded = true;
        // A transaction manager in error makes the pool's recycle check drop the connection.
        AnsiTransactionManager::transaction_manager_status_mut(&mut *self.conn).set_in_error();
    }

    async fn fetch(&mut self, mut sql: Sql) -> Result<Vec<Row>, DbError> {
        self.admit(&mut sql);
        let query = MysqlQuery::new(sql);
        let rows: Vec<MysqlRow> = guarded!(self, |c| query.load(c)).map_err(map_error)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    async fn execute(&mut self, mut sql: Sql) -> Result<usize, DbError> {
        self.admit(&mut sql);
        let query = MysqlQuery::new(sql);
        if query.dropped_table().is_some() {
            return self.drop_table(query).await;
        }
        guarded!(self, |c| query.execute(c)).map_err(map_error)
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        guarded!(self, |c| SimpleAsyncConnection::batch_execute(c, script)).map_err(map_error)
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::begin_transaction(c)).map_err(map_error)
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::commit_transaction(c)).map_err(map_error)
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::rollback_transaction(c)).map_err(map_error)
    }
}
