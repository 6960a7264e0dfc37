//! Read replicas: one [`Db`] over a primary and its replicas ([`Db::cluster`]).
//!
//! A statement's [`Intent`](crate::sql::Intent) decides where it runs: a read outside a
//! transaction goes to a replica (round-robin), anything else (writes, deletes, DDL, raw SQL,
//! scripts, and every statement of a transaction) to the primary. A connection that has run
//! a statement on the primary keeps using it, so that a statement pair stays on one server.
//!
//! Read-your-writes is exact on PostgreSQL and MariaDB: after a write commits, the handle
//! remembers the primary's position (PostgreSQL's WAL position `pg_current_wal_lsn()`,
//! MariaDB's `@@last_gtid` of the connection that wrote); a later read on a replica first
//! waits until the replica has replayed that far (polling `pg_last_wal_replay_lsn()`, or
//! `MASTER_GTID_WAIT`), for at most [`ClusterOptions::replica_wait`], and otherwise reads
//! from the primary. The position is a [`SessionToken`] a service can carry across requests
//! ([`Db::session_token`], [`Db::with_token`]). On MySQL, which has no `@@last_gtid`, a
//! handle's reads after its first write go to the primary.
//!
//! Parts: the tokens in `token`, what each backend is asked in `position`, replica health in
//! `health`, the routing of each statement (and its retries) in `connection`.

mod connection;
mod health;
mod position;
mod token;

pub use connection::REPLICA_RETRIES;
pub use token::{Gtid, SessionToken};

use super::backend::{Backend, Connection, PoolStatus};
use super::{Db, QueryLog, Shared};
use crate::dialect::Dialect;
use crate::error::DbError;
use async_trait::async_trait;
use connection::ClusterConnection;
use health::Replica;
use position::Positions;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a cluster handle routes reads (see [`Db::cluster`]).
///
/// ```
/// use std::time::Duration;
/// let options = aksara::ClusterOptions {
///     // Skip a replica more than 5 s behind; look again every second.
///     max_replica_lag: Some(Duration::from_secs(5)),
///     replica_recheck: Duration::from_secs(1),
///     ..aksara::ClusterOptions::default()
/// };
/// assert!(options.read_your_writes);
/// ```
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Wait for a replica to catch up with the handle's last write before reading from it
    /// (default true). Off, reads go to a replica at once and may not see the handle's own
    /// recent writes.
    pub read_your_writes: bool,
    /// The longest a read waits for a replica to catch up before it reads from the primary
    /// instead (default 1 s).
    pub replica_wait: Duration,
    /// The pause between two looks at a replica's position while waiting (default 1 ms;
    /// PostgreSQL only: MariaDB's `MASTER_GTID_WAIT` waits on the server).
    pub poll_interval: Duration,
    /// A replica further behind its primary than this is skipped, its reads going to the
    /// other replicas or the primary (default `None`: no bound). The lag is measured every
    /// [`replica_recheck`](Self::replica_recheck) by a read (PostgreSQL: the age of the last
    /// transaction replayed while received WAL waits to be replayed; MariaDB: `SHOW SLAVE
    /// STATUS`'s `Seconds_Behind_Master`, which needs the `SLAVE MONITOR` privilege); a
    /// replica whose lag cannot be told (not replicating) counts as beyond the bound.
    pub max_replica_lag: Option<Duration>,
    /// How long a replica that failed (its connection dropped, it refused connections) or
    /// lagged beyond the bound is skipped before a read tries it again, and how often the lag
    /// of a replica in use is measured (default 2 s).
    pub replica_recheck: Duration,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            read_your_writes: true,
            replica_wait: Duration::from_secs(1),
            poll_interval: Duration::from_millis(1),
            max_replica_lag: None,
            replica_recheck: Duration::from_secs(2),
        }
    }
}

/// The servers of a cluster.
struct Nodes {
    primary: Db,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    options: ClusterOptions,
    /// The kind of position the backend has (a [`Positions`] as a number).
    positions: AtomicU8,
    replica_reads: AtomicU64,
    waited: AtomicU64,
    fell_back: AtomicU64,
    retried: AtomicU64,
}

impl Nodes {
    fn positions(&self) -> Positions {
        match self.positions.load(Ordering::Acquire) {
            0 => Positions::Wal,
            1 => Positions::Gtid,
            _ => Positions::None,
        }
    }

    /// The backend turned out to have no positions (MySQL has no `@@last_gtid`).
    fn no_positions(&self) {
        self.positions.store(2, Ordering::Release);
    }
}

fn positions_code(kind: Positions) -> u8 {
    match kind {
        Positions::Wal => 0,
        Positions::Gtid => 1,
        Positions::None => 2,
    }
}

/// Where a cluster handle's reads ran (see [`Db::cluster_stats`]); counted over every handle
/// on the same servers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterStats {
    /// Reads run on a replica.
    pub replica_reads: u64,
    /// Reads that first waited for a replica to replay a write.
    pub waited: u64,
    /// Reads meant for a replica that ran on the primary: no replica answered, or none
    /// caught up with the session's writes within [`ClusterOptions::replica_wait`].
    pub fell_back: u64,
    /// Reads run again after failing on a replica (a lost connection, a recovery
    /// conflict), on another replica or on the primary.
    pub retried: u64,
}

/// What one handle (and its clones) has written.
#[derive(Default)]
pub(super) struct Session {
    /// The primary's position after the last write (`None`: none).
    written: Mutex<Option<SessionToken>>,
    /// True once anything was written (for backends without positions).
    wrote: AtomicBool,
    /// True when the position after the last write could not be read: reads go to the
    /// primary until a later write's position is known.
    position_unknown: AtomicBool,
}

impl Session {
    fn position(&self) -> Option<SessionToken> {
        self.written.lock().expect("session position").clone()
    }

    fn advance(&self, to: &SessionToken) {
        let mut written = self.written.lock().expect("session position");
        match written.as_mut() {
            Some(at) => at.merge(to),
            None => *written = Some(to.clone()),
        }
    }
}

/// A cluster handle's routing: the servers, the session, and whether it uses only the
/// primary ([`Db::primary`]).
#[derive(Clone)]
pub(super) struct Route {
    nodes: Arc<Nodes>,
    session: Arc<Session>,
    primary_only: bool,
}

impl Db {
    /// One handle over a primary and its read replicas. A statement's
    /// [`Intent`](crate::sql::Intent) decides where it runs: a read outside a transaction on
    /// a replica (they take turns), anything else (writes, deletes, DDL, raw SQL, scripts,
    /// every statement of a transaction) on the primary; a connection that has run a
    /// statement on the primary keeps using it.
    ///
    /// On PostgreSQL and MariaDB read-your-writes is exact: after a write commits the handle
    /// keeps the primary's position (WAL position, GTID), and its next read on a replica
    /// waits (at most [`ClusterOptions::replica_wait`]) until the replica has replayed that
    /// far, else reads from the primary; see [`Db::session_token`] and [`Db::with_token`]. On
    /// MySQL, which has no such position here, a handle's reads after its first write go to
    /// the primary. A replica that fails, or lags beyond [`ClusterOptions::max_replica_lag`],
    /// is skipped for a while; a read that fails on a replica runs again on another one or
    /// on the primary (at most [`REPLICA_RETRIES`] times on replicas). The registry is the
    /// primary's; with no replica every statement goes to the primary.
    pub fn cluster(primary: Db, replicas: Vec<Db>, options: ClusterOptions) -> Db {
        let positions = positions_code(Positions::of(primary.dialect().name()));
        let registry = primary.registry().clone();
        let strict = primary.strict;
        let nodes = Arc::new(Nodes {
            primary,
            replicas: replicas.into_iter().map(Replica::new).collect(),
            next: AtomicUsize::new(0),
            options,
            positions: AtomicU8::new(positions),
            replica_reads: AtomicU64::new(0),
            waited: AtomicU64::new(0),
            fell_back: AtomicU64::new(0),
            retried: AtomicU64::new(0),
        });
        let route = Route {
            nodes,
            session: Arc::new(Session::default()),
            primary_only: false,
        };
        route.handle(registry, strict)
    }

    /// A handle that runs every statement on the primary (reads too); it shares this handle's
    /// session, so its writes count for this handle's read-your-writes. On a handle that is
    /// not a cluster's, or inside a transaction (which already runs on the primary), the
    /// handle itself.
    pub fn primary(&self) -> Db {
        match &self.shared.cluster {
            Some(route) if self.pinned.is_none() && !route.primary_only => Route {
                primary_only: true,
                ..route.clone()
            }
            .handle(self.registry().clone(), self.strict),
            _ => self.clone(),
        }
    }

    /// The position this handle's reads wait for: the primary's after the handle's last
    /// write (a WAL position or GTIDs), or the one it was given by [`Db::with_token`]; `None` before any
    /// write, and on handles that are not a cluster's.
    pub fn session_token(&self) -> Option<SessionToken> {
        let route = self.shared.cluster.as_ref()?;
        route.session.position()
    }

    /// A handle on the same servers with a session of its own that starts at `token` (one
    /// taken from [`Db::session_token`] in an earlier request): its reads see at least what
    /// had been written up to there. On a handle that is not a cluster's, the handle itself.
    pub fn with_token(&self, token: SessionToken) -> Db {
        match &self.shared.cluster {
            Some(route) if self.pinned.is_none() => {
                let session = Session::default();
                session.advance(&token);
                session.wrote.store(true, Ordering::Release);
                Route {
                    session: Arc::new(session),
                    ..route.clone()
                }
                .handle(self.registry().clone(), self.strict)
            }
            _ => self.clone(),
        }
    }

    /// True for a handle made by [`Db::cluster`] (or from one).
    pub fn is_cluster(&self) -> bool {
        self.shared.cluster.is_some()
    }

    /// Where the reads of a cluster handle ran; `None` for any other handle.
    pub fn cluster_stats(&self) -> Option<ClusterStats> {
        let nodes = &self.shared.cluster.as_ref()?.nodes;
        Some(ClusterStats {
            replica_reads: nodes.replica_reads.load(Ordering::Relaxed),
            waited: nodes.waited.load(Ordering::Relaxed),
            fell_back: nodes.fell_back.load(Ordering::Relaxed),
            retried: nodes.retried.load(Ordering::Relaxed),
        })
    }

    /// How many replicas a cluster handle has (0 for any other handle).
    pub fn replica_count(&self) -> usize {
        self.shared
            .cluster
            .as_ref()
            .map_or(0, |r| r.nodes.replicas.len())
    }
}

impl Route {
    fn handle(self, registry: Arc<crate::registry::Registry>, strict: bool) -> Db {
        Db {
            shared: Arc::new(Shared {
                backend: Box::new(ClusterBackend(self.clone())),
                registry,
                log: QueryLog::default(),
                cluster: Some(self),
            }),
            pinned: None,
            transaction: false,
            strict,
        }
    }
}

struct ClusterBackend(Route);

#[async_trait]
impl Backend for ClusterBackend {
    fn dialect(&self) -> &'static dyn Dialect {
        self.0.nodes.primary.dialect()
    }
    async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(ClusterConnection::new(self.0.clone())))
    }
    fn pool_status(&self) -> PoolStatus {
        self.0.nodes.primary.pool_status()
    }
}
