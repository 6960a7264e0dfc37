//! Replica health: a replica whose connection failed, or that lags beyond
//! [`ClusterOptions::max_replica_lag`](super::ClusterOptions::max_replica_lag), is skipped
//! for [`ClusterOptions::replica_recheck`](super::ClusterOptions::replica_recheck); then one
//! read probes it (the others still skip it meanwhile) and, if it answers and is close
//! enough, it takes reads again. With a lag bound, the lag of a replica in use is measured
//! again every `replica_recheck` by the read that finds it due.

use super::token::SessionToken;
use crate::db::Db;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One replica of a cluster and what is known of it.
pub(super) struct Replica {
    pub(super) db: Db,
    /// The highest position this replica is known to have replayed.
    replayed: Mutex<Option<SessionToken>>,
    state: Mutex<State>,
}

struct State {
    /// Skipped until then (down or lagging); `None`: in use.
    skip_until: Option<Instant>,
    /// When the lag is next measured (with a lag bound).
    next_check: Instant,
}

/// What a read may do with a replica now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admission {
    /// Skip it: it failed or lagged a moment ago.
    Skip,
    /// Use it.
    Use,
    /// Check it first (it answers, and its lag is within the bound), then use it.
    Probe,
}

impl Replica {
    pub(super) fn new(db: Db) -> Self {
        Replica {
            db,
            replayed: Mutex::new(None),
            state: Mutex::new(State {
                skip_until: None,
                next_check: Instant::now(),
            }),
        }
    }

    /// Whether a read may use this replica now; `lag_bound` says whether lags are measured.
    /// A replica whose pause is over is handed to one read as a [`Admission::Probe`] and
    /// skipped by the others until that read has decided.
    pub(super) fn admit(&self, recheck: Duration, lag_bound: bool) -> Admission {
        let now = Instant::now();
        let mut state = self.state.lock().expect("replica state");
        match state.skip_until {
            Some(until) if until > now => Admission::Skip,
            Some(_) => {
                state.skip_until = Some(now + recheck);
                Admission::Probe
            }
            None if lag_bound && state.next_check <= now => {
                state.next_check = now + recheck;
                Admission::Probe
            }
            None => Admission::Use,
        }
    }

    /// The replica answered (and is close enough): it takes reads again.
    pub(super) fn mark_up(&self, recheck: Duration) {
        let mut state = self.state.lock().expect("replica state");
        if state.skip_until.take().is_some() {
            tracing::info!(target: "aksara::cluster", "replica back in use");
        }
        state.next_check = Instant::now() + recheck;
    }

    /// The replica failed or lags: skipped for `recheck`.
    pub(super) fn mark_down(&self, recheck: Duration, why: &str) {
        let mut state = self.state.lock().expect("replica state");
        if state.skip_until.is_none() {
            tracing::warn!(
                target: "aksara::cluster",
                reason = why,
                "replica skipped: its reads go to the other servers"
            );
        }
        state.skip_until = Some(Instant::now() + recheck);
    }

    /// True when the replica is known to have replayed `target`.
    pub(super) fn has_replayed(&self, target: &SessionToken) -> bool {
        self.replayed
            .lock()
            .expect("replica position")
            .as_ref()
            .is_some_and(|seen| seen.covers(target))
    }

    /// The replica has replayed at least `position`.
    pub(super) fn replayed(&self, position: &SessionToken) {
        let mut seen = self.replayed.lock().expect("replica position");
        match seen.as_mut() {
            Some(seen) => seen.merge(position),
            None => *seen = Some(position.clone()),
        }
    }
}
