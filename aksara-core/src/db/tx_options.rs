//! [`TxOptions`]: the isolation level and access mode of a transaction, and the statements
//! each backend needs for them.

use crate::error::{Error, Result};

/// A transaction's isolation level (SQL's four; what each backend gives for it is in
/// [`TxOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// `READ UNCOMMITTED`.
    ReadUncommitted,
    /// `READ COMMITTED`.
    ReadCommitted,
    /// `REPEATABLE READ`.
    RepeatableRead,
    /// `SERIALIZABLE`.
    Serializable,
}

impl Isolation {
    fn sql(self) -> &'static str {
        match self {
            Isolation::ReadUncommitted => "READ UNCOMMITTED",
            Isolation::ReadCommitted => "READ COMMITTED",
            Isolation::RepeatableRead => "REPEATABLE READ",
            Isolation::Serializable => "SERIALIZABLE",
        }
    }
}

/// How [`Db::transaction_with`](crate::Db::transaction_with) opens its transaction.
///
/// - PostgreSQL: `SET TRANSACTION ISOLATION LEVEL .. , READ ONLY` right after `BEGIN`
///   (`READ UNCOMMITTED` behaves as `READ COMMITTED` there, as PostgreSQL documents).
/// - MySQL / MariaDB: `SET TRANSACTION ISOLATION LEVEL .. , READ ONLY` before `BEGIN`, which
///   applies it to that one transaction.
/// - SQLite: every transaction is serializable, so any level is met; read-only is
///   `PRAGMA query_only` for the transaction's length.
///
/// A write in a read-only transaction fails with the backend's error and the transaction
/// rolls back. Options are refused inside a transaction (a savepoint cannot change them).
///
/// ```
/// use aksara::{Isolation, TxOptions};
/// let options = TxOptions::new().isolation(Isolation::Serializable).read_only();
/// assert!(options.read_only);
/// assert_eq!(TxOptions::default(), TxOptions::new());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxOptions {
    /// The isolation level (`None`: the database's default).
    pub isolation: Option<Isolation>,
    /// No writes allowed.
    pub read_only: bool,
}

impl TxOptions {
    /// The database's defaults: its isolation level, reads and writes.
    pub fn new() -> Self {
        TxOptions::default()
    }

    /// With this isolation level.
    pub fn isolation(mut self, level: Isolation) -> Self {
        self.isolation = Some(level);
        self
    }

    /// Read-only.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// True when nothing is asked beyond a plain transaction.
    pub(crate) fn is_default(&self) -> bool {
        *self == TxOptions::default()
    }
}

/// The statements that give a transaction `options` on the backend `dialect` names: those
/// run before `BEGIN`, after it, and after it ends (commit or rollback).
pub(crate) struct OptionStatements {
    pub(crate) before: Vec<String>,
    pub(crate) after_begin: Vec<String>,
    pub(crate) after_end: Vec<String>,
}

pub(crate) fn statements(dialect: &str, options: &TxOptions) -> Result<OptionStatements> {
    let mut out = OptionStatements {
        before: Vec::new(),
        after_begin: Vec::new(),
        after_end: Vec::new(),
    };
    let mut parts = Vec::new();
    if let Some(level) = options.isolation {
        parts.push(format!("ISOLATION LEVEL {}", level.sql()));
    }
    if options.read_only {
        parts.push("READ ONLY".to_string());
    }
    match dialect {
        "postgresql" => {
            if !parts.is_empty() {
                out.after_begin
                    .push(format!("SET TRANSACTION {}", parts.join(", ")));
            }
        }
        "mysql" => {
            if !parts.is_empty() {
                out.before
                    .push(format!("SET TRANSACTION {}", parts.join(", ")));
            }
        }
        "sqlite" => {
            if options.read_only {
                out.after_begin.push("PRAGMA query_only = ON".to_string());
                out.after_end.push("PRAGMA query_only = OFF".to_string());
            }
        }
        other => {
            return Err(Error::config(format!(
                "transaction options are not known for the backend `{other}`"
            )))
        }
    }
    Ok(out)
}
