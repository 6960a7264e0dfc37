//! What a [`Db`](super::Db) tells about its work: a `tracing` span per statement
//! (`aksara.statement`) and per transaction (`aksara.transaction`), target `aksara::sql`,
//! with fields after the OpenTelemetry database conventions (`db.system`, `db.statement`
//! without values, then `rows`, `elapsed_ms`, `error`); a DEBUG event `statement` when each
//! ends (fields `system`, `statement`, `rows`, `elapsed_ms`, `error`); a WARN event `slow
//! statement` for one slower than a threshold (target `aksara::slow`); and counters
//! ([`DbStats`]) read with [`Db::stats`](super::Db::stats).
//!
//! Nothing is rendered or recorded for a span or event no subscriber listens to: with no
//! subscriber the cost is a clock read and a few atomic additions per statement.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counters of a [`Db`](super::Db) and its clones since it was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DbStats {
    /// Statements run (each rerun counted).
    pub statements: u64,
    /// Statements that failed.
    pub failed: u64,
    /// Reruns after a deadlock or serialization failure.
    pub retried: u64,
    /// Statements slower than the slow-statement threshold.
    pub slow: u64,
    /// Rows read or written.
    pub rows: u64,
    /// Time spent running statements (from sending to the last row).
    pub busy: Duration,
    /// Transactions committed.
    pub committed: u64,
    /// Transactions rolled back.
    pub rolled_back: u64,
}

/// The default slow-statement threshold: one second.
pub const DEFAULT_SLOW_STATEMENT: Duration = Duration::from_secs(1);

/// The counters and the slow threshold, shared by a `Db` and its clones.
#[derive(Debug)]
pub(crate) struct Counters {
    statements: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    slow: AtomicU64,
    rows: AtomicU64,
    busy_micros: AtomicU64,
    committed: AtomicU64,
    rolled_back: AtomicU64,
    /// Microseconds; 0: no threshold.
    slow_micros: AtomicU64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            statements: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            retried: AtomicU64::new(0),
            slow: AtomicU64::new(0),
            rows: AtomicU64::new(0),
            busy_micros: AtomicU64::new(0),
            committed: AtomicU64::new(0),
            rolled_back: AtomicU64::new(0),
            slow_micros: AtomicU64::new(micros(DEFAULT_SLOW_STATEMENT)),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

impl Counters {
    pub(crate) fn snapshot(&self) -> DbStats {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        DbStats {
            statements: load(&self.statements),
            failed: load(&self.failed),
            retried: load(&self.retried),
            slow: load(&self.slow),
            rows: load(&self.rows),
            busy: Duration::from_micros(load(&self.busy_micros)),
            committed: load(&self.committed),
            rolled_back: load(&self.rolled_back),
        }
    }

    pub(crate) fn set_slow_threshold(&self, threshold: Option<Duration>) {
        self.slow_micros
            .store(threshold.map_or(0, micros), Ordering::Relaxed);
    }

    pub(crate) fn slow_threshold(&self) -> Option<Duration> {
        match self.slow_micros.load(Ordering::Relaxed) {
            0 => None,
            n => Some(Duration::from_micros(n)),
        }
    }

    /// Whether a statement's text is wanted after it ran (for its span or a slow warning).
    pub(crate) fn wants_text(&self) -> bool {
        tracing::enabled!(target: "aksara::sql", tracing::Level::DEBUG)
            || (self.slow_micros.load(Ordering::Relaxed) != 0
                && tracing::enabled!(target: "aksara::slow", tracing::Level::WARN))
    }

    /// Counts a statement that ran for `elapsed`, and tells about it.
    pub(crate) fn finished(&self, done: Finished<'_>) {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.rows.fetch_add(done.rows, Ordering::Relaxed);
        self.busy_micros
            .fetch_add(micros(done.elapsed), Ordering::Relaxed);
        if done.attempt > 0 {
            self.retried.fetch_add(1, Ordering::Relaxed);
        }
        if done.error.is_some() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        let elapsed_ms = done.elapsed.as_secs_f64() * 1000.0;
        let statement = done.text.unwrap_or("");
        let error = done.error.unwrap_or("");
        // Inside the statement's span, which has `db.system` and `db.statement`.
        tracing::debug!(
            target: "aksara::sql",
            system = done.system,
            statement,
            rows = done.rows,
            elapsed_ms,
            error,
            "statement"
        );
        let threshold = self.slow_micros.load(Ordering::Relaxed);
        if threshold != 0 && micros(done.elapsed) > threshold {
            self.slow.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                target: "aksara::slow",
                system = done.system,
                statement,
                rows = done.rows,
                elapsed_ms,
                threshold_ms = threshold as f64 / 1000.0,
                "slow statement"
            );
        }
    }

    /// Counts a transaction's end.
    pub(crate) fn transaction_ended(&self, committed: bool) {
        if committed {
            self.committed.fetch_add(1, Ordering::Relaxed);
        } else {
            self.rolled_back.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What is known of a statement once it ran.
pub(crate) struct Finished<'a> {
    pub(crate) system: &'static str,
    pub(crate) text: Option<&'a str>,
    pub(crate) rows: u64,
    pub(crate) elapsed: Duration,
    pub(crate) attempt: u32,
    pub(crate) error: Option<&'a str>,
}

/// How many rows a statement's result holds.
pub(crate) trait RowCount {
    fn row_count(&self) -> u64;
}

impl RowCount for usize {
    fn row_count(&self) -> u64 {
        *self as u64
    }
}

impl<T> RowCount for Vec<T> {
    fn row_count(&self) -> u64 {
        self.len() as u64
    }
}

impl RowCount for super::NamedRows {
    fn row_count(&self) -> u64 {
        self.rows.len() as u64
    }
}

impl RowCount for () {
    fn row_count(&self) -> u64 {
        0
    }
}
