//! A cluster handle's connection: a primary and a replica connection, each taken from its
//! pool when first needed, and the routing of each statement between them.
//!
//! A read outside a transaction goes to a replica that has replayed the session's writes
//! (waiting for one, at most `replica_wait`); should it fail there with a lost connection or
//! a recovery conflict (PostgreSQL's 40001 on a standby), it runs again on another replica,
//! at most [`REPLICA_RETRIES`] times after a short jittered pause, and then on the primary.
//! Everything else runs once, on the primary: a write that failed is never run again here
//! (it may have committed before its connection dropped).

use super::health::{Admission, Replica};
use super::position::{self, Caught, Positions, Written};
use super::Route;
use crate::db::backend::{Connection, Row};
use crate::db::retry::backoff;
use crate::error::{DbError, DbErrorKind};
use crate::sql::{Intent, Sql};
use async_trait::async_trait;
use std::sync::atomic::Ordering;

/// How many times a read that failed on a replica (a lost connection, a recovery conflict)
/// is run again on another replica before it runs on the primary.
pub const REPLICA_RETRIES: u32 = 2;

pub(super) struct ClusterConnection {
    route: Route,
    primary: Option<Box<dyn Connection>>,
    /// The replica connection, with the replica's index.
    replica: Option<(usize, Box<dyn Connection>)>,
    /// Open transactions (and savepoints) on the primary connection.
    depth: usize,
    /// True once a statement ran on the primary: the rest run there too.
    on_primary: bool,
}

fn text_sql(text: &str) -> Sql {
    let mut sql = Sql::new();
    sql.push(text);
    sql
}

impl ClusterConnection {
    pub(super) fn new(route: Route) -> Self {
        let on_primary = route.primary_only;
        ClusterConnection {
            route,
            primary: None,
            replica: None,
            depth: 0,
            on_primary,
        }
    }

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
        let kind = self.route.nodes.positions();
        if kind == Positions::None {
            return;
        }
        let written = match self.primary().await {
            Ok(conn) => position::after_write(kind, conn).await,
            Err(_) => Written::Unknown,
        };
        match written {
            Written::At(token) => {
                session.advance(&token);
                session.position_unknown.store(false, Ordering::Release);
            }
            Written::Nothing => {}
            Written::Unsupported => self.route.nodes.no_positions(),
            Written::Unknown => session.position_unknown.store(true, Ordering::Release),
        }
    }

    fn reads_on_primary(&self, sql: &Sql) -> bool {
        let nodes = &self.route.nodes;
        let session = &self.route.session;
        self.on_primary
            || self.depth > 0
            || !matches!(sql.intent, Intent::Read)
            || nodes.replicas.is_empty()
            || (nodes.options.read_your_writes
                && match nodes.positions() {
                    Positions::None => session.wrote.load(Ordering::Acquire),
                    _ => session.position_unknown.load(Ordering::Acquire),
                })
    }

    /// Takes a connection to a healthy replica that has replayed the session's writes and
    /// returns the replica's index, or `None`: read from the primary.
    async fn caught_up_replica(&mut self) -> Option<usize> {
        if let Some((index, _)) = &self.replica {
            return Some(*index);
        }
        let nodes = self.route.nodes.clone();
        let options = &nodes.options;
        let kind = nodes.positions();
        let target = if options.read_your_writes {
            self.route.session.position().filter(|t| !t.is_origin())
        } else {
            None
        };
        let n = nodes.replicas.len();
        let start = nodes.next.fetch_add(1, Ordering::Relaxed);
        // Each replica in turn, starting at the round-robin one, until one is usable.
        for i in 0..n {
            let index = (start + i) % n;
            let replica = &nodes.replicas[index];
            let admission =
                replica.admit(options.replica_recheck, options.max_replica_lag.is_some());
            if admission == Admission::Skip {
                continue;
            }
            let mut conn = match replica.db.shared.backend.acquire().await {
                Ok(conn) => conn,
                Err(e) => {
                    replica.mark_down(options.replica_recheck, &e.to_string());
                    continue;
                }
            };
            if admission == Admission::Probe {
                match probe(&nodes.options, kind, &mut conn).await {
                    Ok(()) => replica.mark_up(options.replica_recheck),
                    Err(why) => {
                        replica.mark_down(options.replica_recheck, &why);
                        continue;
                    }
                }
            }
            if let Some(target) = &target {
                if !replica.has_replayed(target) {
                    nodes.waited.fetch_add(1, Ordering::Relaxed);
                    let waited = position::wait_for(
                        kind,
                        &mut conn,
                        target,
                        options.replica_wait,
                        options.poll_interval,
                    )
                    .await;
                    match waited {
                        Caught::Up(at) => replica.replayed(&at),
                        // Waiting on the next one too could take as long again.
                        Caught::Behind => return None,
                        Caught::Failed(e) => {
                            conn.discard();
                            replica.mark_down(options.replica_recheck, &e.to_string());
                            continue;
                        }
                    }
                }
            }
            self.replica = Some((index, conn));
            return Some(index);
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

/// Checks a replica whose health is due to be looked at: it answers, and (with a lag
/// bound) it is within the bound. The error says why not.
async fn probe(
    options: &super::ClusterOptions,
    kind: Positions,
    conn: &mut Box<dyn Connection>,
) -> Result<(), String> {
    let result = match options.max_replica_lag {
        Some(bound) => match position::lag(kind, conn).await {
            Ok(Some(lag)) if lag <= bound => Ok(()),
            Ok(Some(lag)) => {
                return Err(format!(
                    "{} ms behind the primary (the bound is {} ms)",
                    lag.as_millis(),
                    bound.as_millis()
                ))
            }
            Ok(None) => return Err("not replicating now: its lag cannot be told".to_string()),
            Err(e) => Err(e),
        },
        None => conn.fetch(text_sql("SELECT 1")).await.map(drop),
    };
    result.map_err(|e| {
        if position::lost(&e) {
            conn.discard();
        }
        e.to_string()
    })
}

#[async_trait]
impl Connection for ClusterConnection {
    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        if self.reads_on_primary(&sql) {
            return self.fetch_on_primary(sql).await;
        }
        let nodes = self.route.nodes.clone();
        for attempt in 0..=REPLICA_RETRIES {
            if attempt > 0 {
                nodes.retried.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(backoff(attempt - 1, 1)).await;
            }
            let Some(index) = self.caught_up_replica().await else {
                break;
            };
            let (_, conn) = self.replica.as_mut().expect("just taken");
            match conn.fetch(sql.clone()).await {
                Ok(rows) => {
                    nodes.replica_reads.fetch_add(1, Ordering::Relaxed);
                    return Ok(rows);
                }
                Err(e) if position::lost(&e) => {
                    conn.discard();
                    self.replica = None;
                    let replica: &Replica = &nodes.replicas[index];
                    replica.mark_down(nodes.options.replica_recheck, &e.to_string());
                }
                // A recovery conflict: the replica is fine, the read may run again.
                Err(e) if e.kind == DbErrorKind::SerializationFailure => self.replica = None,
                Err(e) => return Err(e),
            }
        }
        nodes.fell_back.fetch_add(1, Ordering::Relaxed);
        self.fetch_on_primary(sql).await
    }

    async fn fetch_named(&mut self, sql: Sql) -> Result<crate::db::NamedRows, DbError> {
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
        if let Some((_, c)) = self.replica.as_mut() {
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
