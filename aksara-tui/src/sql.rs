//! The SQL prompt's queries: run read-only on the worker, and remembered per database.
//!
//! A query typed after `:` runs as written (its text is never parsed or rewritten; it takes
//! no bind values) on a connection of its own, made read-only first the way each backend
//! allows:
//!
//! - PostgreSQL: inside a `READ ONLY` transaction;
//! - MySQL / MariaDB: inside a transaction opened read-only (`SET TRANSACTION READ ONLY`
//!   right before it), on a session made read-only (`SET SESSION TRANSACTION READ ONLY`):
//!   DDL commits the transaction implicitly and runs outside it, where the session's mode
//!   refuses it;
//! - SQLite: `PRAGMA query_only = ON` on the connection (no transaction, which would take
//!   SQLite's write lock).
//!
//! The transactions are the request's cancellable ones
//! ([`crate::jobs::cancellable_read_only`]), so Ctrl-C stops the query on the server (SQLite:
//! the statement is abandoned). The SQL connection is one connection, and one query runs on
//! it at a time, so the setting made for a query is the one it runs under. A writing
//! statement fails with the database's own read-only error.
//!
//! The result keeps at most [`ROW_CAP`] rows; the screen says so when there were more.
//!
//! The history of the queries run is kept per database in the user's data directory:
//! `$XDG_DATA_HOME/aksara/history/<db-id>` (`~/.local/share/aksara/history/...`), one query
//! a line (newlines inside a query are stored as `\n`, backslashes as `\\`).

use crate::jobs::{cancellable_read_only, BackendId};
use aksara::sql::{Intent, Sql};
use aksara::{Db, Value};
use std::path::PathBuf;

/// The most rows a result keeps.
pub const ROW_CAP: usize = 1000;

/// The most queries a history keeps.
pub const HISTORY_CAP: usize = 500;

/// A query's result.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlResult {
    /// The query as typed.
    pub text: String,
    /// Its column names (empty when it returned no rows).
    pub columns: Vec<String>,
    /// For each column, true when its date-times carry a time zone (shown with their offset).
    pub zoned: Vec<bool>,
    /// Its first rows, at most [`ROW_CAP`].
    pub rows: Vec<Vec<Value>>,
    /// How many rows it returned in all.
    pub returned: usize,
}

impl SqlResult {
    /// True when rows were left out.
    pub fn capped(&self) -> bool {
        self.returned > self.rows.len()
    }
}

/// Makes `db`'s connection read-only the way its backend allows, before a query.
async fn make_read_only(db: &Db) -> aksara::Result<()> {
    match db.dialect().name() {
        "sqlite" => db.raw_execute("PRAGMA query_only = ON", []).await.map(drop),
        // DDL commits MySQL's transaction implicitly and runs outside it, in a transaction
        // of its own that the session's default access mode makes read-only too.
        "mysql" => db
            .raw_execute("SET SESSION TRANSACTION READ ONLY", [])
            .await
            .map(drop),
        // PostgreSQL: the request's transaction is read-only, DDL included.
        _ => Ok(()),
    }
}

/// Runs `text` read-only on `db` (the SQL connection: one connection, used by one query at a
/// time), cancellable through `backend`.
///
/// # Errors
/// The database's error: a syntax error, a statement refused because it writes, a
/// connection lost.
pub async fn run(db: &Db, backend: &BackendId, text: &str) -> aksara::Result<SqlResult> {
    make_read_only(db).await?;
    let mut sql = Sql::new();
    sql.push(text.trim().trim_end_matches(';'));
    let sql = sql.with_intent(Intent::Raw);
    let named =
        cancellable_read_only(db, backend, |tx| async move { tx.fetch_named(sql).await }).await?;
    let returned = named.rows.len();
    let mut rows = named.rows;
    rows.truncate(ROW_CAP);
    Ok(SqlResult {
        text: text.to_string(),
        columns: named.columns,
        zoned: named.zoned,
        rows,
        returned,
    })
}

/// The queries run on one database, oldest first, with the position of Up / Down in them.
#[derive(Debug, Clone, Default)]
pub struct History {
    file: Option<PathBuf>,
    entries: Vec<String>,
    /// The entry Up / Down is on (`None`: past the newest, the text being typed).
    at: Option<usize>,
}

/// The id of a database for its history file: the source as the title bar shows it (a URL
/// without its password), its unusual characters replaced, and a hash of it.
pub fn db_id(source: &str) -> String {
    let readable: String = source
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    // FNV-1a: stable across runs and Rust versions.
    let hash = source.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{readable}-{hash:016x}")
}

/// The directory histories are kept in: `$XDG_DATA_HOME/aksara/history`, else the
/// platform's data directory (`~/.local/share/aksara/history`).
pub fn history_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(dirs::data_dir)
        .map(|d| d.join("aksara").join("history"))
}

fn escape(query: &str) -> String {
    query.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl History {
    /// The history of the database `source` (see [`db_id`]), read from its file; empty when
    /// there is none yet or no data directory is known.
    pub fn open(source: &str) -> History {
        let file = history_dir().map(|d| d.join(db_id(source)));
        let entries = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(unescape)
                    .collect()
            })
            .unwrap_or_default();
        History {
            file,
            entries,
            at: None,
        }
    }

    /// The queries, oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The file the history is kept in.
    pub fn file(&self) -> Option<&PathBuf> {
        self.file.as_ref()
    }

    /// Adds `query` as the newest entry (moving it there when it is already kept) and writes
    /// the file; an error writing it is returned, the entry is kept all the same.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn push(&mut self, query: &str) -> Result<(), String> {
        self.at = None;
        let query = query.trim();
        if query.is_empty() {
            return Ok(());
        }
        self.entries.retain(|e| e != query);
        self.entries.push(query.to_string());
        if self.entries.len() > HISTORY_CAP {
            let extra = self.entries.len() - HISTORY_CAP;
            self.entries.drain(..extra);
        }
        let Some(file) = &self.file else {
            return Ok(());
        };
        let mut text: String = self
            .entries
            .iter()
            .map(|e| escape(e))
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(file, text));
        written.map_err(|e| format!("cannot keep the SQL history in {}: {e}", file.display()))
    }

    /// The entry before the current one (Up), if any.
    pub fn older(&mut self) -> Option<&str> {
        let at = match self.at {
            None => self.entries.len().checked_sub(1)?,
            Some(0) => 0,
            Some(i) => i - 1,
        };
        self.at = Some(at);
        self.entries.get(at).map(String::as_str)
    }

    /// The entry after the current one (Down); `Some("")` past the newest.
    pub fn newer(&mut self) -> Option<&str> {
        let at = self.at?;
        if at + 1 >= self.entries.len() {
            self.at = None;
            return Some("");
        }
        self.at = Some(at + 1);
        self.entries.get(at + 1).map(String::as_str)
    }

    /// Forgets the Up / Down position (the prompt was closed).
    pub fn rewind(&mut self) {
        self.at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_file_names_and_tell_databases_apart() {
        let a = db_id("postgres://postgres@127.0.0.1:5432/test");
        let b = db_id("postgres://postgres@127.0.0.1:5432/test2");
        assert_ne!(a, b);
        assert!(!a.contains('/') && !a.contains(':'), "{a}");
        assert_eq!(a, db_id("postgres://postgres@127.0.0.1:5432/test"));
    }

    #[test]
    fn up_and_down_walk_the_history() {
        let mut h = History::default();
        for q in ["select 1", "select 2", "select\n3"] {
            h.push(q).unwrap();
        }
        assert_eq!(h.older(), Some("select\n3"));
        assert_eq!(h.older(), Some("select 2"));
        assert_eq!(h.older(), Some("select 1"));
        assert_eq!(h.older(), Some("select 1"), "stays at the oldest");
        assert_eq!(h.newer(), Some("select 2"));
        assert_eq!(h.newer(), Some("select\n3"));
        assert_eq!(h.newer(), Some(""), "past the newest: the empty prompt");
        assert_eq!(h.newer(), None);
        // Running a query again moves it to the newest place.
        h.push("select 1").unwrap();
        assert_eq!(h.entries(), ["select 2", "select\n3", "select 1"]);
    }

    #[test]
    fn queries_survive_the_file() {
        for q in ["a\\nb", "two\nlines", "back\\slash"] {
            assert_eq!(unescape(&escape(q)), q);
        }
    }
}
