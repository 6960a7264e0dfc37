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

/// The longest pause between two runs, whatever the attempt.
pub(super) const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(1);

/// The pause before rerun number `attempt + 1`: `base_ms` doubled per attempt, plus a random
/// jitter of up to as much again (so that the statements or transactions that collided do not
/// collide again in step), and never more than [`MAX_BACKOFF`]. The jitter comes from
/// `fastrand` (a small, dependency-free generator, seeded per thread).
pub(super) fn backoff(attempt: u32, base_ms: u64) -> std::time::Duration {
    backoff_with(attempt, base_ms, |most| fastrand::u64(0..=most))
}

/// [`backoff`] with the jitter drawn by `jitter(most)`, a number in `0..=most` microseconds.
fn backoff_with(
    attempt: u32,
    base_ms: u64,
    jitter: impl FnOnce(u64) -> u64,
) -> std::time::Duration {
    let cap = MAX_BACKOFF.as_micros() as u64;
    let step = base_ms
        .saturating_mul(1000)
        .saturating_mul(1 << attempt.min(20))
        .min(cap);
    let pause = step.saturating_add(jitter(step).min(step)).min(cap);
    std::time::Duration::from_micros(pause)
}

/// Tells the pool not to reuse a connection that was lost.
fn discard_if_lost<T>(conn: &mut ConnectionGuard<'_>, result: &Result<T, DbError>) {
    if matches!(result, Err(e) if e.kind == DbErrorKind::ConnectionLost) {
        conn.discard();
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, backoff_with, MAX_BACKOFF};
    use std::time::Duration;

    #[test]
    fn the_pause_doubles_and_its_jitter_is_at_most_as_much_again() {
        for attempt in 0..5 {
            let step = Duration::from_millis(10 << attempt);
            assert_eq!(backoff_with(attempt, 10, |_| 0), step);
            assert_eq!(backoff_with(attempt, 10, |most| most), step * 2);
            // A generator out of range is held to the bound.
            assert_eq!(backoff_with(attempt, 10, |_| u64::MAX), step * 2);
        }
    }

    #[test]
    fn the_pause_never_exceeds_the_cap() {
        for attempt in [6, 7, 10, 20, 63, u32::MAX] {
            assert_eq!(backoff_with(attempt, 10, |most| most), MAX_BACKOFF);
            assert!(backoff(attempt, 10) <= MAX_BACKOFF);
        }
        assert_eq!(backoff_with(3, u64::MAX, |most| most), MAX_BACKOFF);
    }

    #[test]
    fn random_pauses_stay_within_bounds_and_differ() {
        let pauses: Vec<Duration> = (0..200).map(|_| backoff(2, 10)).collect();
        for pause in &pauses {
            assert!(
                (Duration::from_millis(40)..=Duration::from_millis(80)).contains(pause),
                "{pause:?}"
            );
        }
        let first = pauses[0];
        assert!(
            pauses.iter().any(|p| *p != first),
            "no jitter: {first:?} each time"
        );
    }
}
