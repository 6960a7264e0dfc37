//! Read replicas: one [`Db`] over a primary and its replicas ([`Db::cluster`]).
//!
//! A statement's [`Intent`] decides where it runs: a read outside a transaction goes to a
//! replica (round-robin), anything else (writes, deletes, DDL, raw SQL, scripts, and every
//! statement of a transaction) to the primary. A connection that has run a statement on the
//! primary keeps using it, so that a statement pair stays on one server.
//!
//! Read-your-writes is exact on PostgreSQL: after a write commits, the handle remembers the
//! primary's WAL position (`pg_current_wal_lsn()`); a later read on a replica first waits
//! until the replica has replayed that far (`pg_last_wal_replay_lsn()`), polling for at most
//! [`ClusterOptions::replica_wait`], and otherwise reads from the primary. The position is a
//! [`SessionToken`] a service can carry across requests ([`Db::session_token`],
//! [`Db::with_token`]). On other backends, which have no such position yet, a handle's reads
//! after its first write go to the primary.

use super::backend::{Backend, Connection, PoolStatus, Row};
use super::{Db, QueryLog, Shared};
use crate::dialect::Dialect;
use crate::error::{DbError, DbErrorKind};
use crate::sql::{Intent, Sql};
use crate::value::Value;
use async_trait::async_trait;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a cluster handle routes reads (see [`Db::cluster`]).
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Wait for a replica to catch up with the handle's last write before reading from it
    /// (default true). Off, reads go to a replica at once and may not see the handle's own
    /// recent writes.
    pub read_your_writes: bool,
    /// The longest a read waits for a replica to catch up before it reads from the primary
    /// instead (default 1 s).
    pub replica_wait: Duration,
    /// The pause between two looks at a replica's position while waiting (default 1 ms).
    pub poll_interval: Duration,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            read_your_writes: true,
            replica_wait: Duration::from_secs(1),
            poll_interval: Duration::from_millis(1),
        }
    }
}

/// A position in the primary's write history that reads must have seen: on PostgreSQL a WAL
/// position (LSN), written as PostgreSQL writes one (`0/16B3748`).
///
/// ```
/// let token: aksara::SessionToken = "0/16B3748".parse().unwrap();
/// assert_eq!(token.to_string(), "0/16B3748");
/// assert!("nonsense".parse::<aksara::SessionToken>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionToken(u64);

impl SessionToken {
    /// The position as a number (a PostgreSQL LSN's 64 bits).
    pub fn position(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

impl std::str::FromStr for SessionToken {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_lsn(s).map(SessionToken).ok_or_else(|| {
            crate::error::Error::config(format!(
                "`{s}` is not a session token: expected a WAL position such as 0/16B3748"
            ))
        })
    }
}

fn parse_lsn(s: &str) -> Option<u64> {
    let (hi, lo) = s.trim().split_once('/')?;
    let hi = u32::from_str_radix(hi, 16).ok()?;
    let lo = u32::from_str_radix(lo, 16).ok()?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// The servers of a cluster.
struct Nodes {
    primary: Db,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    options: ClusterOptions,
    /// True when the backend has WAL positions (PostgreSQL).
    positions: bool,
    replica_reads: AtomicU64,
    waited: AtomicU64,
    fell_back: AtomicU64,
}

/// Where a cluster handle's reads ran (see [`Db::cluster_stats`]); counted over every handle
/// on the same servers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterStats {
    /// Reads run on a replica.
    pub replica_reads: u64,
    /// Of those, the reads that first waited for the replica to replay a write.
    pub waited: u64,
    /// Reads meant for a replica that ran on the primary: no replica answered, or none
    /// caught up with the session's writes within [`ClusterOptions::replica_wait`].
    pub fell_back: u64,
}

struct Replica {
    db: Db,
    /// The highest replay position seen on this replica (0: none seen yet).
    replayed: AtomicU64,
}

/// What one handle (and its clones) has written.
#[derive(Default)]
pub(super) struct Session {
    /// The primary's position after the last write (0: none).
    written: AtomicU64,
    /// True once anything was written (for backends without positions).
    wrote: AtomicBool,
    /// True when the position after the last write could not be read: reads go to the
    /// primary until a later write's position is known.
    position_unknown: AtomicBool,
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
    /// One handle over a primary and its read replicas. A statement's [`Intent`] decides
    /// where it runs: a read outside a transaction on a replica (they take turns), anything
    /// else (writes, deletes, DDL, raw SQL, scripts, every statement of a transaction) on the
    /// primary; a connection that has run a statement on the primary keeps using it.
    ///
    /// On PostgreSQL read-your-writes is exact: after a write commits the handle keeps the
    /// primary's WAL position, and its next read on a replica waits (polling, at most
    /// [`ClusterOptions::replica_wait`]) until the replica has replayed that far, else reads
    /// from the primary; see [`Db::session_token`] and [`Db::with_token`]. On other backends,
    /// which have no such position yet, a handle's reads after its first write go to the
    /// primary. The registry is the primary's; with no replica every statement goes to the
    /// primary.
    pub fn cluster(primary: Db, replicas: Vec<Db>, options: ClusterOptions) -> Db {
        let positions = primary.dialect().name() == "postgresql";
        let registry = primary.registry().clone();
        let strict = primary.strict;
        let nodes = Arc::new(Nodes {
            primary,
            replicas: replicas
                .into_iter()
                .map(|db| Replica {
                    db,
                    replayed: AtomicU64::new(0),
                })
                .collect(),
            next: AtomicUsize::new(0),
            options,
            positions,
            replica_reads: AtomicU64::new(0),
            waited: AtomicU64::new(0),
            fell_back: AtomicU64::new(0),
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
    /// write (PostgreSQL), or the one it was given by [`Db::with_token`]; `None` before any
    /// write, and on handles that are not a cluster's.
    pub fn session_token(&self) -> Option<SessionToken> {
        let route = self.shared.cluster.as_ref()?;
        match route.session.written.load(Ordering::Acquire) {
            0 => None,
            n => Some(SessionToken(n)),
        }
    }

    /// A handle on the same servers with a session of its own that starts at `token` (one
    /// taken from [`Db::session_token`] in an earlier request): its reads see at least what
    /// had been written up to there. On a handle that is not a cluster's, the handle itself.
    pub fn with_token(&self, token: SessionToken) -> Db {
        match &self.shared.cluster {
            Some(route) if self.pinned.is_none() => {
                let session = Session::default();
                session.written.store(token.0, Ordering::Release);
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
        Ok(Box::new(ClusterConnection {
            route: self.0.clone(),
            primary: None,
            replica: None,
            depth: 0,
            on_primary: self.0.primary_only,
        }))
    }
    fn pool_status(&self) -> PoolStatus {
        self.0.nodes.primary.pool_status()
    }
}

/// A connection of a cluster handle: a primary and a replica connection, each taken from its
/// pool when first needed.
struct ClusterConnection {
    route: Route,
    primary: Option<Box<dyn Connection>>,
    replica: Option<Box<dyn Connection>>,
    /// Open transactions (and savepoints) on the primary connection.
    depth: usize,
    /// True once a statement ran on the primary: the rest run there too.
    on_primary: bool,
}

fn position_sql(text: &str) -> Sql {
    let mut sql = Sql::new();
    sql.push(text);
    sql
}

fn lsn_of(rows: &[Row]) -> Option<u64> {
    match rows.first().and_then(|r| r.first()) {
        Some(Value::String(s)) => parse_lsn(s),
        _ => None,
    }
}

impl ClusterConnection {
    async fn primary(&mut self) -> Result<&mut Box<dyn Connection>, DbError> {
        self.on_primary = true;
        if self.primary.is_none() {
            self.primary = Some(self.route.nodes.primary.shared.backend.acquire().await?);
        }
        Ok(self.primary.as_mut().expect("just set"))
    }

    /// After a write committed on the primary: remember where the primary is. The write is
    /// done whatever happens here, so a failure to read the position is not the caller's
    /// error: the session's reads go to the primary until a position is known again.
    async fn wrote(&mut self) {
        let session = self.route.session.clone();
        session.wrote.store(true, Ordering::Release);
        if !self.route.nodes.positions {
            return;
        }
        let lsn = match self.primary().await {
            Ok(conn) => conn
                .fetch(position_sql("SELECT pg_current_wal_lsn()::text"))
                .await
                .ok()
                .and_then(|rows| lsn_of(&rows)),
            Err(_) => None,
        };
        match lsn {
            Some(lsn) => {
                session.written.fetch_max(lsn, Ordering::AcqRel);
                session.position_unknown.store(false, Ordering::Release);
            }
            None => session.position_unknown.store(true, Ordering::Release),
        }
    }

    fn reads_on_primary(&self, sql: &Sql) -> bool {
        let nodes = &self.route.nodes;
        self.on_primary
            || self.depth > 0
            || !matches!(sql.intent, Intent::Read)
            || nodes.replicas.is_empty()
            || (nodes.options.read_your_writes
                && if nodes.positions {
                    self.route.session.position_unknown.load(Ordering::Acquire)
                } else {
                    self.route.session.wrote.load(Ordering::Acquire)
                })
    }

    /// A replica connection that has replayed the session's writes, or `None` (read from the
    /// primary).
    async fn caught_up_replica(&mut self) -> Option<&mut Box<dyn Connection>> {
        if self.replica.is_some() {
            return self.replica.as_mut();
        }
        let nodes = self.route.nodes.clone();
        let target = if nodes.options.read_your_writes {
            self.route.session.written.load(Ordering::Acquire)
        } else {
            0
        };
        let n = nodes.replicas.len();
        let start = nodes.next.fetch_add(1, Ordering::Relaxed);
        // Each replica in turn, starting at the round-robin one, until one answers.
        for i in 0..n {
            let replica = &nodes.replicas[(start + i) % n];
            let Ok(mut conn) = replica.db.shared.backend.acquire().await else {
                continue;
            };
            if target > 0 && replica.replayed.load(Ordering::Acquire) < target {
                nodes.waited.fetch_add(1, Ordering::Relaxed);
                let deadline = Instant::now() + nodes.options.replica_wait;
                loop {
                    let rows = match conn
                        .fetch(position_sql("SELECT pg_last_wal_replay_lsn()::text"))
                        .await
                    {
                        Ok(rows) => rows,
                        Err(_) => return None,
                    };
                    // NULL: not a standby; its position says nothing about the primary's.
                    let replayed = lsn_of(&rows)?;
                    replica.replayed.fetch_max(replayed, Ordering::AcqRel);
                    if replayed >= target {
                        break;
                    }
                    if Instant::now() >= deadline {
                        return None;
                    }
                    tokio::time::sleep(nodes.options.poll_interval).await;
                }
            }
            self.replica = Some(conn);
            return self.replica.as_mut();
        }
        None
    }

    async fn fetch_on_primary(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        let write = !matches!(sql.intent, Intent::Read);
        let rows = self.primary().await?.fetch(sql).await?;
        if write && self.depth == 0 {
            self.wrote().await;
        }
        Ok(rows)
    }
}

/// A replica's failure that the primary may not have: the read runs there instead.
fn fall_back(e: &DbError) -> bool {
    matches!(
        e.kind,
        DbErrorKind::ConnectionLost | DbErrorKind::Pool | DbErrorKind::SerializationFailure
    )
}

#[async_trait]
impl Connection for ClusterConnection {
    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        if self.reads_on_primary(&sql) {
            return self.fetch_on_primary(sql).await;
        }
        if let Some(replica) = self.caught_up_replica().await {
            match replica.fetch(sql.clone()).await {
                Ok(rows) => {
                    self.route
                        .nodes
                        .replica_reads
                        .fetch_add(1, Ordering::Relaxed);
                    return Ok(rows);
                }
                Err(e) if fall_back(&e) => {
                    replica.discard();
                    self.replica = None;
                }
                Err(e) => return Err(e),
            }
        }
        self.route.nodes.fell_back.fetch_add(1, Ordering::Relaxed);
        self.fetch_on_primary(sql).await
    }

    async fn fetch_named(&mut self, sql: Sql) -> Result<super::NamedRows, DbError> {
        // Rows with their column names (the explorer's SQL pane): on the primary, like any
        // statement whose intent is not a plain read.
        let write = !matches!(sql.intent, Intent::Read);
        let rows = self.primary().await?.fetch_named(sql).await?;
        if write && self.depth == 0 {
            self.wrote().await;
        }
        Ok(rows)
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        // A statement run for its row count may change something whatever its intent says:
        // always on the primary, and counted as a write.
        let n = self.primary().await?.execute(sql).await?;
        if self.depth == 0 {
            self.wrote().await;
        }
        Ok(n)
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.primary().await?.begin().await?;
        self.depth += 1;
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        self.primary().await?.commit().await?;
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.wrote().await;
        }
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        let result = self.primary().await?.rollback().await;
        self.depth = self.depth.saturating_sub(1);
        result
    }

    fn discard(&mut self) {
        if let Some(c) = self.primary.as_mut() {
            c.discard();
        }
        if let Some(c) = self.replica.as_mut() {
            c.discard();
        }
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        self.primary().await?.batch_execute(script).await?;
        if self.depth == 0 {
            self.wrote().await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_as_postgres_writes_lsns() {
        for text in ["0/0", "0/16B3748", "1/FFFFFFFF", "FFFFFFFF/0"] {
            let token: SessionToken = text.parse().unwrap();
            assert_eq!(token.to_string(), text);
        }
        assert!("0/16B3748".parse::<SessionToken>().unwrap() < "1/0".parse().unwrap());
        for bad in ["", "16B3748", "x/1", "1/2/3", "100000000/0"] {
            assert!(bad.parse::<SessionToken>().is_err(), "{bad}");
        }
    }
}
