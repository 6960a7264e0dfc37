//! What the backends do alike around schema changes and opening a database.

use crate::query::{DieselQuery, PushBind};
use aksara_core::{Backend, Db, Registry, Result};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use std::sync::Arc;

/// Runs `drop` (a `DROP TABLE`) between `checks_off` and `checks_on`, the backend's
/// statements that switch its foreign key checks off and on again for this connection: tables
/// that foreign keys of a cycle point at can be dropped, as PostgreSQL's `DROP TABLE ...
/// CASCADE` drops such constraints. The checks are switched on again whatever happened.
pub async fn drop_with_checks_off<C, B>(
    conn: &mut C,
    drop: DieselQuery<B>,
    checks_off: &str,
    checks_on: &str,
) -> QueryResult<usize>
where
    C: AsyncConnection + SimpleAsyncConnection + Send,
    B: PushBind<C::Backend> + Send + Sync,
{
    conn.batch_execute(checks_off).await?;
    let dropped = conn.execute_returning_count(drop).await;
    let restored = conn.batch_execute(checks_on).await;
    let n = dropped?;
    restored?;
    Ok(n)
}

/// A [`Db`] on `backend` with the models of `registry`, once the database answered a
/// `SELECT 1`.
///
/// # Errors
/// The error of that first statement ([`aksara_core::Error::Pool`] when the database cannot
/// be reached).
pub async fn open(
    backend: impl Backend + 'static,
    registry: Arc<Registry>,
    min_idle: usize,
) -> Result<Db> {
    let db = Db::new(Box::new(backend), registry);
    db.raw("SELECT 1", []).await?;
    db.open_connections(min_idle).await?;
    Ok(db)
}
