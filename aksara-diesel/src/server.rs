//! The pooled connection of a server database (PostgreSQL, MySQL / MariaDB), running compiled
//! statements.
//!
//! Cancel safety: a statement whose future is dropped before it finished (a timeout, a
//! cancelled task) leaves its connection in an unknown state (on MySQL, with unread results
//! the next statement would read as its own). The connection notices it when it is dropped
//! or next used: it sends the server the driver's cancel request for the statement (so it
//! stops running there, see [`ServerDriver::cancel_request`]), and marks itself broken so
//! that its pool closes it instead of handing it out again. Inside a transaction, the next
//! statement fails with `Error::Connection` and the transaction is rolled back with the
//! closed connection.

use crate::pool::{Managed, Poolable, StatementShapes};
use crate::query::{BindForm, DieselQuery, PushBind};
use crate::schema::drop_with_checks_off;
use aksara_core::stmt_cache::{Admission, ShapeCache};
use aksara_core::{Connection, DbError, DbErrorKind, NamedRows, Row, Sql};
use async_trait::async_trait;
use diesel::connection::CacheSize;
use diesel::QueryResult;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::pooled_connection::PoolableConnection;
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncConnectionCore, SimpleAsyncConnection,
    TransactionManager,
};
use std::future::Future;
use std::pin::Pin;

/// What a server backend brings to a [`ServerConnection`]: its diesel-async connection
/// type, its bind form, how its rows load, how its errors map, and its quirks. Implemented by
/// a marker type of the backend crate.
#[async_trait]
pub trait ServerDriver: Send + Sync + 'static {
    /// The driver's connection.
    type Conn: AsyncConnection<TransactionManager = AnsiTransactionManager>
        + SimpleAsyncConnection
        + PoolableConnection
        + Send
        + 'static;

    /// The form its bind parameters take.
    type Bind: BindForm
        + PushBind<<Self::Conn as AsyncConnectionCore>::Backend>
        + Send
        + Sync
        + 'static;

    /// True when the driver can close its prepared statements (all at once), so that the
    /// statement cache is flushed when full; otherwise statements beyond the bound run
    /// unprepared-and-closed.
    const CAN_FLUSH: bool;

    /// The statements that switch foreign key checks off and on again for one connection,
    /// run around the DDL's `DROP TABLE` (`None`: the backend drops without them).
    const FOREIGN_KEY_CHECKS: Option<(&'static str, &'static str)> = None;

    /// A request that stops the statement running on `conn`, sent from another task (a
    /// failed request leaves the statement to finish on its own).
    fn cancel_request(conn: &Self::Conn) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Maps a driver error.
    fn map_error(e: diesel::result::Error) -> DbError;

    /// Runs `query` on `conn` and reads its rows.
    async fn load_rows(
        conn: &mut Self::Conn,
        query: DieselQuery<Self::Bind>,
    ) -> QueryResult<Vec<Row>>;

    /// Runs `query` on `conn` and reads its rows with their column names.
    async fn load_named_rows(
        conn: &mut Self::Conn,
        query: DieselQuery<Self::Bind>,
    ) -> QueryResult<NamedRows>;
}

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
pub struct ServerConnection<D: ServerDriver>
where
    Managed<D::Conn>: Poolable<D::Conn>,
{
    conn: Object<D::Conn>,
    state: State,
    /// The statement shapes this connection keeps prepared (see `aksara_core::stmt_cache`).
    shapes: ShapeCache,
    /// Where `shapes` goes back when the connection returns to the pool.
    home: StatementShapes,
    discarded: bool,
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
        result.map_err(D::map_error)
    }};
}

impl<D: ServerDriver> ServerConnection<D>
where
    Managed<D::Conn>: Poolable<D::Conn>,
{
    /// Wraps a pooled connection, taking its statement shapes from `home`.
    pub fn new(conn: Object<D::Conn>, home: StatementShapes) -> Self {
        let (shapes, fresh) = home.take(&Object::id(&conn));
        let mut connection = ServerConnection {
            conn,
            state: State::Idle,
            shapes,
            home,
            discarded: false,
        };
        if fresh && D::CAN_FLUSH {
            connection.flush_statements();
        }
        connection
    }

    /// Closes every prepared statement diesel keeps for this connection.
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
        let request = D::cancel_request(&self.conn);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(request);
        }
        self.discard();
    }
}

impl<D: ServerDriver> Drop for ServerConnection<D>
where
    Managed<D::Conn>: Poolable<D::Conn>,
{
    fn drop(&mut self) {
        if self.state == State::Running {
            self.abandon();
        }
        if !self.discarded {
            let shapes = std::mem::replace(&mut self.shapes, ShapeCache::new(0, D::CAN_FLUSH));
            self.home.put_back(Object::id(&self.conn), shapes);
        }
    }
}

#[async_trait]
impl<D: ServerDriver> Connection for ServerConnection<D>
where
    Managed<D::Conn>: Poolable<D::Conn>,
{
    fn discard(&mut self) {
        self.discarded = true;
        // A transaction manager in error makes the pool's recycle check drop the connection.
        AnsiTransactionManager::transaction_manager_status_mut(&mut *self.conn).set_in_error();
    }

    async fn fetch(&mut self, mut sql: Sql) -> Result<Vec<Row>, DbError> {
        self.ready()?;
        self.admit(&mut sql);
        let query = DieselQuery::<D::Bind>::new(sql);
        guarded!(self, |c| D::load_rows(c, query))
    }

    async fn fetch_named(&mut self, mut sql: Sql) -> Result<NamedRows, DbError> {
        self.ready()?;
        self.admit(&mut sql);
        let query = DieselQuery::<D::Bind>::new(sql);
        guarded!(self, |c| D::load_named_rows(c, query))
    }

    async fn execute(&mut self, mut sql: Sql) -> Result<usize, DbError> {
        self.ready()?;
        self.admit(&mut sql);
        let query = DieselQuery::<D::Bind>::new(sql);
        match D::FOREIGN_KEY_CHECKS {
            Some((off, on)) if !query.dropped_tables().is_empty() => {
                guarded!(self, |c| drop_with_checks_off(c, query, off, on))
            }
            _ => guarded!(self, |c| c.execute_returning_count(query)),
        }
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        guarded!(self, |c| SimpleAsyncConnection::batch_execute(c, script))
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::begin_transaction(c))
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::commit_transaction(c))
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        guarded!(self, |c| AnsiTransactionManager::rollback_transaction(c))
    }
}
