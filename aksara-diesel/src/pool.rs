//! The deadpool pool of diesel-async connections, as every backend builds it.

use aksara_core::stmt_cache::ShapeCaches;
use aksara_core::{DbError, DbErrorKind, PoolOptions, PoolStatus};
use deadpool::managed::TimeoutType;
use deadpool::managed::{Hook, HookError, Manager, ObjectId};
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, PoolError as ConnectError, PoolableConnection,
    RecyclingMethod,
};
use diesel_async::SimpleAsyncConnection;
use std::sync::Arc;

/// The statement shapes each pooled connection keeps prepared (see `aksara_core::stmt_cache`).
pub type StatementShapes = Arc<ShapeCaches<ObjectId>>;

/// A manager configuration that checks connections cheaply on checkout: broken connections
/// are detected by diesel-async (closed socket, unfinished transaction); a test query on
/// every checkout would cost a round trip per call.
pub fn fast_recycling<C: PoolableConnection + 'static>() -> ManagerConfig<C> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config
}

/// What deadpool asks of a diesel-async connection type `C` it pools (written as a bound
/// `Managed<C>: Poolable<C>`).
pub trait Poolable<C>: Manager<Type = C, Error = ConnectError> {}

impl<C, M: Manager<Type = C, Error = ConnectError>> Poolable<C> for M {}

/// diesel-async's deadpool manager of connections `C`.
pub type Managed<C> = AsyncDieselConnectionManager<C>;

/// A pool of diesel-async connections `C`, with the statement shapes of each.
pub struct DieselPool<C: PoolableConnection + 'static>
where
    Managed<C>: Poolable<C>,
{
    pool: Pool<C>,
    statements: StatementShapes,
    /// What failing to open a connection is called in errors ("connect", "open the database").
    opening: &'static str,
    acquire_timeout: std::time::Duration,
    connect_timeout: std::time::Duration,
}

/// How a [`DieselPool`] is built.
pub struct PoolSpec<'a, C: PoolableConnection + 'static> {
    /// What the manager connects to (a URL, a file name).
    pub target: String,
    /// The manager's configuration (see [`fast_recycling`]).
    pub config: ManagerConfig<C>,
    /// Sizes and timeouts.
    pub options: &'a PoolOptions,
    /// The number of connections at most (`options.max_connections` unless the backend caps it).
    pub max_size: usize,
    /// True when a connection can close its prepared statements (see
    /// `aksara_core::stmt_cache::ShapeCache`).
    pub can_flush: bool,
    /// What failing to open a connection is called in errors ("connect").
    pub opening: &'static str,
}

impl<C: PoolableConnection + SimpleAsyncConnection + Send + 'static> DieselPool<C>
where
    Managed<C>: Poolable<C>,
{
    /// Builds the pool (connections are opened on demand).
    pub fn new(spec: PoolSpec<'_, C>) -> Result<Self, DbError> {
        let manager = AsyncDieselConnectionManager::<C>::new_with_config(spec.target, spec.config);
        let options = spec.options;
        let (lifetime, idle) = (options.max_lifetime, options.idle_timeout);
        let mut builder = Pool::builder(manager)
            .max_size(spec.max_size)
            .wait_timeout(Some(options.acquire_timeout))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(options.connect_timeout))
            .runtime(deadpool::Runtime::Tokio1);
        if lifetime.is_some() || idle.is_some() {
            // Checked on checkout: a connection past either limit is closed and another
            // one taken (or opened).
            builder = builder.pre_recycle(Hook::sync_fn(move |_, metrics| {
                if lifetime.is_some_and(|max| metrics.age() > max) {
                    return Err(HookError::Message("past its max_lifetime".into()));
                }
                if idle.is_some_and(|max| metrics.last_used() > max) {
                    return Err(HookError::Message("idle past its idle_timeout".into()));
                }
                Ok(())
            }));
        }
        if !options.after_connect.is_empty() {
            let statements = Arc::new(options.after_connect.clone());
            builder = builder.post_create(Hook::async_fn(move |conn: &mut C, _| {
                let statements = statements.clone();
                Box::pin(async move {
                    for statement in statements.iter() {
                        conn.batch_execute(statement)
                            .await
                            .map_err(|e| HookError::Backend(ConnectError::QueryError(e)))?;
                    }
                    Ok(())
                })
            }));
        }
        let pool = builder
            .build()
            .map_err(|e| DbError::new(DbErrorKind::Pool, e.to_string()))?;
        Ok(DieselPool {
            pool,
            statements: Arc::new(ShapeCaches::new(
                options.statement_cache_size,
                spec.can_flush,
                spec.max_size,
            )),
            opening: spec.opening,
            acquire_timeout: options.acquire_timeout,
            connect_timeout: options.connect_timeout,
        })
    }

    /// A connection out of the pool.
    pub async fn get(&self) -> Result<Object<C>, DbError> {
        self.pool.get().await.map_err(|e| self.pool_error(e))
    }

    /// The statement shapes of the pool's connections.
    pub fn statements(&self) -> StatementShapes {
        self.statements.clone()
    }

    /// The pool's size and idle connections.
    pub fn status(&self) -> PoolStatus {
        let status = self.pool.status();
        PoolStatus {
            max_size: status.max_size,
            size: status.size,
            available: status.available,
        }
    }
}

impl<C: PoolableConnection + 'static> DieselPool<C>
where
    Managed<C>: Poolable<C>,
{
    /// A pool error in words: which wait ran out, after how long, and what to change.
    fn pool_error(&self, e: PoolError) -> DbError {
        let message = match e {
            PoolError::Timeout(TimeoutType::Wait) => {
                let status = self.pool.status();
                format!(
                    "no connection was free within {:?} (acquire_timeout): all {} of the pool's \
                     connections are in use; raise max_connections or hold connections for \
                     less time",
                    self.acquire_timeout, status.max_size
                )
            }
            PoolError::Timeout(TimeoutType::Create) => format!(
                "could not {} within {:?} (connect_timeout)",
                self.opening, self.connect_timeout
            ),
            PoolError::Timeout(TimeoutType::Recycle) => format!(
                "checking a pooled connection took longer than {:?} (connect_timeout)",
                self.connect_timeout
            ),
            PoolError::Backend(e) => format!("could not {}: {e}", self.opening),
            PoolError::PostCreateHook(e) => {
                format!("a new connection's after_connect statement failed: {e}")
            }
            other => other.to_string(),
        };
        DbError::new(DbErrorKind::Pool, message)
    }
}
