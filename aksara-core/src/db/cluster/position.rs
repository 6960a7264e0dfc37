//! What each backend is asked about positions and lag: the primary's position after a write,
//! waiting on a replica until it has replayed a position, and how far a replica is behind.
//!
//! PostgreSQL: the primary's `pg_current_wal_lsn()`; a replica is polled with
//! `pg_last_wal_replay_lsn()`; its lag is the age of the last transaction it replayed while
//! it has received WAL it has not replayed yet (0 when it has replayed all it received).
//! MariaDB: the connection's `@@last_gtid` right after the write (or commit); the replica
//! waits itself with `MASTER_GTID_WAIT(position, timeout)`; the lag is `SHOW SLAVE STATUS`'s
//! `Seconds_Behind_Master` (NULL, not replicating, counts as too far behind).

use super::token::{parse_gtid_token, parse_lsn, SessionToken};
use crate::db::backend::{Connection, Row};
use crate::error::{DbError, DbErrorKind};
use crate::sql::Sql;
use crate::value::Value;
use std::time::{Duration, Instant};

/// The kind of position a cluster's backend has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Positions {
    /// PostgreSQL WAL positions.
    Wal,
    /// MariaDB GTIDs.
    Gtid,
    /// None known (MySQL, which has no `@@last_gtid`): a session's reads after its first
    /// write go to the primary.
    None,
}

impl Positions {
    pub(super) fn of(dialect: &str) -> Positions {
        match dialect {
            "postgresql" => Positions::Wal,
            "mysql" => Positions::Gtid,
            _ => Positions::None,
        }
    }
}

fn sql(text: &str) -> Sql {
    let mut sql = Sql::new();
    sql.push(text);
    sql
}

fn text_of(rows: &[Row]) -> Option<&str> {
    match rows.first().and_then(|r| r.first()) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// What reading the primary's position after a write found.
pub(super) enum Written {
    /// The position after the write.
    At(SessionToken),
    /// The write left no position (MariaDB: the connection wrote no transaction yet).
    Nothing,
    /// The backend has no positions after all (MySQL): use [`Positions::None`].
    Unsupported,
    /// It could not be read now.
    Unknown,
}

/// The primary's position after a write, read on the connection that wrote.
pub(super) async fn after_write(kind: Positions, conn: &mut Box<dyn Connection>) -> Written {
    match kind {
        Positions::Wal => match conn.fetch(sql("SELECT pg_current_wal_lsn()::text")).await {
            Ok(rows) => text_of(&rows)
                .and_then(parse_lsn)
                .map_or(Written::Unknown, |lsn| {
                    Written::At(SessionToken::from_lsn(lsn))
                }),
            Err(_) => Written::Unknown,
        },
        Positions::Gtid => match conn.fetch(sql("SELECT @@last_gtid")).await {
            Ok(rows) => match text_of(&rows) {
                Some(text) if text.trim().is_empty() => Written::Nothing,
                Some(text) => parse_gtid_token(text).map_or(Written::Unknown, Written::At),
                None => Written::Unknown,
            },
            // MySQL: "Unknown system variable 'last_gtid'" (1193).
            Err(e)
                if e.message
                    .to_ascii_lowercase()
                    .contains("unknown system variable") =>
            {
                Written::Unsupported
            }
            Err(_) => Written::Unknown,
        },
        Positions::None => Written::Nothing,
    }
}

/// A connection failure (as opposed to the statement's).
pub(super) fn lost(e: &DbError) -> bool {
    matches!(e.kind, DbErrorKind::ConnectionLost | DbErrorKind::Pool)
}

/// What waiting on a replica for a position found.
pub(super) enum Caught {
    /// The replica has replayed the position; it is at least at the returned one.
    Up(SessionToken),
    /// Still behind at the deadline, or not a replica at all.
    Behind,
    /// The connection failed.
    Failed(DbError),
}

/// Waits until the replica on `conn` has replayed `target`, for at most `wait`.
pub(super) async fn wait_for(
    kind: Positions,
    conn: &mut Box<dyn Connection>,
    target: &SessionToken,
    wait: Duration,
    poll: Duration,
) -> Caught {
    match kind {
        Positions::Wal => {
            let Some(target_lsn) = target.lsn() else {
                return Caught::Behind;
            };
            let deadline = Instant::now() + wait;
            loop {
                let rows = match conn
                    .fetch(sql("SELECT pg_last_wal_replay_lsn()::text"))
                    .await
                {
                    Ok(rows) => rows,
                    Err(e) => return Caught::Failed(e),
                };
                // NULL: not a standby; its position says nothing about the primary's.
                let Some(replayed) = text_of(&rows).and_then(parse_lsn) else {
                    return Caught::Behind;
                };
                if replayed >= target_lsn {
                    return Caught::Up(SessionToken::from_lsn(replayed));
                }
                if Instant::now() >= deadline {
                    return Caught::Behind;
                }
                tokio::time::sleep(poll).await;
            }
        }
        Positions::Gtid => {
            if target.gtids().is_empty() {
                return Caught::Behind;
            }
            let mut wait_sql = Sql::new();
            wait_sql.push("SELECT MASTER_GTID_WAIT(");
            wait_sql.bind(Value::String(target.to_string()), None);
            wait_sql.push(", ");
            wait_sql.bind(Value::F64(wait.as_secs_f64()), None);
            wait_sql.push(")");
            match conn.fetch(wait_sql).await {
                // 0: reached; -1: timed out; NULL: an error on the server's side.
                Ok(rows) => match rows.first().and_then(|r| r.first()) {
                    Some(Value::I64(0) | Value::I32(0)) => Caught::Up(target.clone()),
                    _ => Caught::Behind,
                },
                Err(e) if lost(&e) => Caught::Failed(e),
                Err(_) => Caught::Behind,
            }
        }
        Positions::None => Caught::Behind,
    }
}

/// How far behind its primary the replica on `conn` is: `Ok(None)` when it cannot tell (not
/// a replica, or not replicating now).
pub(super) async fn lag(
    kind: Positions,
    conn: &mut Box<dyn Connection>,
) -> Result<Option<Duration>, DbError> {
    match kind {
        Positions::Wal => {
            let rows = conn
                .fetch(sql("SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL \
                     WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
                     ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) \
                     END::float8"))
                .await?;
            Ok(rows
                .first()
                .and_then(|r| r.first())
                .and_then(seconds)
                .map(Duration::from_secs_f64))
        }
        Positions::Gtid | Positions::None => {
            let status = conn.fetch_named(sql("SHOW SLAVE STATUS")).await?;
            let Some(column) = status
                .columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case("Seconds_Behind_Master"))
            else {
                return Ok(None);
            };
            Ok(status
                .rows
                .first()
                .and_then(|r| r.get(column))
                .and_then(seconds)
                .map(Duration::from_secs_f64))
        }
    }
}

fn seconds(value: &Value) -> Option<f64> {
    let s = match value {
        Value::F64(v) => *v,
        Value::I64(v) => *v as f64,
        Value::I32(v) => f64::from(*v),
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    (s.is_finite()).then_some(s.max(0.0))
}
