//! Running one statement: on the transaction's connection or one from the pool, logged, and
//! run again after a serialization failure or deadlock where the retry policy allows it.

use super::observe::{Finished, RowCount};
use super::{ConnectionGuard, Db, Row};
use crate::error::{DbError, DbErrorKind};
use crate::sql::Sql;
use std::future::Future;
use tracing::Instrument;

/// How many times a statement outside a transaction is run again after a serialization
/// failure or deadlock before the error is returned.
pub const SERIALIZATION_RETRIES: u32 = 4;

/// How many times [`Db::transaction_retrying`] runs a transaction again after a conflict
/// before returning the [`Error::Conflict`](crate::Error::Conflict).
pub const TRANSACTION_RETRIES: u32 = 5;

impl Db {
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

    /// Like [`Db::fetch_raw`], with the result's column names.
    pub async fn fetch_named_raw(&self, sql: Sql) -> Result<super::NamedRows, DbError> {
        self.run(sql, |mut conn, sql| async move {
            let result = conn.fetch_named(sql).await;
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
        T: RowCount,
        F: Fn(ConnectionGuard<'a>, Sql) -> Fut,
        Fut: Future<Output = (ConnectionGuard<'a>, Result<T, DbError>)>,
    {
        let rerunnable = sql.intent.rerunnable() && !self.transaction;
        let counters = &self.shared.log.counters;
        let system = self.dialect().name();
        let mut next = Some(sql);
        let mut attempt = 0;
        while let Some(sql) = next.take() {
            self.log(&sql);
            let text = counters.wants_text().then(|| sql.render(self.dialect()));
            let span = tracing::debug_span!(
                target: "aksara::sql",
                "aksara.statement",
                db.system = system,
                db.statement = text.as_deref().unwrap_or(""),
                rows = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
                error = tracing::field::Empty,
            );
            let conn = match self.connection().instrument(span.clone()).await {
                Ok(conn) => conn,
                Err(e) => return Err(e),
            };
            // The statement is copied only when it may have to run again.
            if rerunnable {
                next = Some(sql.clone());
            }
            let start = std::time::Instant::now();
            let (mut conn, result) = op(conn, sql).instrument(span.clone()).await;
            let elapsed = start.elapsed();
            discard_if_lost(&mut conn, &result);
            drop(conn);
            let rows = result.as_ref().map_or(0, RowCount::row_count);
            let error = result.as_ref().err().map(|e| e.to_string());
            span.record("rows", rows);
            span.record("elapsed_ms", elapsed.as_secs_f64() * 1000.0);
            if let Some(error) = &error {
                span.record("error", error.as_str());
            }
            span.in_scope(|| {
                counters.finished(Finished {
                    system,
                    text: text.as_deref(),
                    rows,
                    elapsed,
                    attempt,
                    error: error.as_deref(),
                })
            });
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
                if e.kind == DbErrorKind::SerializationFailure
                    && rerunnable
                    && attempt < SERIALIZATION_RETRIES =>
            {
                Some(backoff(attempt, 2))
            }
            _ => None,
        }
    }
}

/// The pause before rerun number `attempt + 1`: `base_ms` doubled per attempt, plus up to as
/// much again of random jitter.
pub(super) fn backoff(attempt: u32, base_ms: u64) -> std::time::Duration {
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
    if matches!(result, Err(e) if e.kind == DbErrorKind::ConnectionLost) {
        conn.discard();
    }
}
