//! A pooled PostgreSQL connection running compiled statements.
//!
//! Cancel safety: a statement whose future is dropped before it finished (a timeout, a
//! cancelled task) leaves its connection in an unknown state. The connection notices it when
//! it is dropped or next used: it sends the server a cancel request for the statement (so it
//! stops running there), and marks itself broken so that its pool closes it instead of
//! handing it out again. Inside a transaction, the next statement fails with
//! `Error::Connection` and the transaction is rolled back with the closed connection.

use crate::decode::PgRow;
use crate::error::map_error;
use crate::query::PgQuery;
use aksara_core::stmt_cache::{Admission, ShapeCache, ShapeCaches};
use aksara_core::{Connection, DbError, DbErrorKind, Row, Sql};
use async_trait::async_trait;
use deadpool::managed::ObjectId;
use diesel::connection::CacheSize;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncPgConnection, RunQueryDsl, TransactionManager,
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
pub struct PgConnection {
    conn: Object<AsyncPgConnection>,
    state: State,
    /// The statement shapes this connection keeps prepared (see `aksara_core::stmt_cache`).
    shapes: ShapeCache,
    /// Where `shapes` goes back when the connection returns to the pool.
    home: Arc<ShapeCaches<ObjectId>>,
    discarded: bool,
}

impl PgConnection {
    pub(crate) fn new(conn: Object<AsyncPgConnection>, home: Arc<ShapeCaches<ObjectId>>) -> Self {
        let (shapes, fresh) = home.take(&Object::id(&conn));
        let mut connection = PgConnection {
            conn,
            state: State::Idle,
            shapes,
            home,
            discarded: false,
        };
        if fresh {
            connection.flush_statements();
        }
        connection
    }

    /// Closes every prepared statement diesel keeps for this connection (dropping them
    /// sends the server their `Close`).
    fn flush_statements(&mut self) {
        self.conn
            .set_prepared_statement_cache_size(CacheSize::Disabled);
        self.conn
            .set_prepared_statement_cache_size(CacheSize::Unbounded);
    }

    /// Keeps the statement cache within its bound before `sql` runs.
    fn admit(&mut self, sql: &mut Sql) {
        match self.shapes.admit(sql) {
            Admission::Cache => {}
            Admission::NoCache => {
                sql.mark_one_off();
            }
            Admission::FlushThenCache => self.flush_statements(),
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

    /// Cancels the abandoned statement on the server and marks the connection broken.
    fn abandon(&mut self) {
        self.state = State::Abandoned;
        let token = self.conn.cancel_token();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                // A failed cancel leaves the statement to finish on its own; the connection
                // is closed either way.
                let _ = token.cancel_query(tokio_postgres::NoTls).await;
            });
        }
        self.discard();
    }
}

impl Drop for PgConnection {
    fn drop(&mut self) {
        if self.state == State::Running {
            self.abandon();
        }
        if !self.discarded {
            let shapes = std::mem::replace(&mut self.shapes, ShapeCache::new(0, true));
            self.home.put_back(Object::id(&self.conn), shapes);
        }
    }
}

#[async_trait]
impl Connection for PgConnection {
    fn discard(&mut self) {
        self.discarded = true;
        // A transaction manager in error makes the pool's recycle check drop the connection.
        AnsiTransactionManager::transaction_manager_status_mut(&mut *self.conn).set_in_error();
    }

    async fn fetch(&mut self, mut sql: Sql) -> Result<Vec<Row>, DbError> {
        self.ready()?;
        self.admit(&mut sql);
        self.state = State::Running;
        let rows: Result<Vec<PgRow>, _> = PgQuery::new(sql).load(&mut *self.conn).await;
        self.state = State::Idle;
        Ok(rows.map_err(map_error)?.into_iter().map(|r| r.0).collect())
    }

    async fn execute(&mut self, mut sql: Sql) -> Result<usize, DbError> {
        self.ready()?;
        self.admit(&mut sql);
        self.state = State::Running;
        let result = PgQuery::new(sql).execute(&mut *self.conn).await;
        self.state = State::Idle;
        result.map_err(map_error)
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.ready()?;
        self.state = State::Running;
        let result = AnsiTransactionManager::begin_transaction(&mut *self.conn).await;
        self.state = State::Idle;
        result.map_err(map_error)
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        self.ready()?;
        self.state = State::Running;
        let result = AnsiTransactionManager::commit_transaction(&mut *self.conn).await;
        self.state = State::Idle;
        result.map_err(map_error)
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        self.ready()?;
        self.state = State::Running;
        let result =
            diesel_async::SimpleAsyncConnection::batch_execute(&mut *self.conn, script).await;
        self.state = State::Idle;
        result.map_err(map_error)
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        self.ready()?;
        self.state = State::Running;
        let result = AnsiTransactionManager::rollback_transaction(&mut *self.conn).await;
        self.state = State::Idle;
        result.map_err(map_error)
    }
}
