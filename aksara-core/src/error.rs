//! The one error type of Aksara.
//!
//! Every fallible call returns [`Result<T>`]. Variants are split by what a caller can do about
//! them: a missing row ([`Error::DoesNotExist`]), a refused write ([`Error::Integrity`],
//! [`Error::ForeignKeyConstraint`], [`Error::Validation`]), a mistake in a lookup
//! ([`Error::UnknownField`]), a mistake in the model definitions ([`Error::Config`], raised when
//! the registry is built), and trouble reaching the database ([`Error::Pool`],
//! [`Error::Connection`]). Messages name the model, the field or relation and the value.

use std::fmt;

/// `Result` with Aksara's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Aksara.
///
/// Match on the variant to handle what the caller can do something about; the message
/// names the model, the field and the value.
///
/// ```
/// use aksara::demo::User;
/// use aksara::{q, Error, Model};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// aksara::ddl::create_all(&db).await?;
///
/// // No such row.
/// match User::objects().get(&db, q!(email = "nobody@example.com")).await {
///     Err(Error::DoesNotExist { model, .. }) => assert_eq!(model, "User"),
///     other => panic!("expected DoesNotExist, got {other:?}"),
/// }
///
/// // A value longer than its column is refused before any SQL runs.
/// let long_name = "x".repeat(101);
/// let refused = User::build().email("a@example.com").name(long_name).create(&db).await;
/// assert!(matches!(&refused, Err(Error::Validation { field, .. }) if field == "name"));
///
/// // A unique field holding a value twice.
/// User::build().email("a@example.com").name("Ann").create(&db).await?;
/// let twice = User::build().email("a@example.com").name("Ann").create(&db).await;
/// assert!(matches!(twice, Err(Error::Integrity { .. })));
///
/// // A misspelt field in a string lookup, with the closest names.
/// let typo = User::objects().filter(q!(emial = "a@example.com")).count(&db).await;
/// assert!(matches!(&typo, Err(Error::UnknownField { candidates, .. }) if candidates[0] == "email"));
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `get` (or a forward relation, or a reverse one-to-one) found no row.
    #[error("{model} matching query does not exist ({lookup})")]
    DoesNotExist {
        /// The model that was queried.
        model: String,
        /// A description of the conditions used.
        lookup: String,
    },
    /// `get` found more than one row.
    #[error("get() returned more than one {model} ({count} or more matched {lookup})")]
    MultipleObjectsReturned {
        /// The model that was queried.
        model: String,
        /// How many rows were seen (at least).
        count: usize,
        /// A description of the conditions used.
        lookup: String,
    },
    /// A foreign key refused a write or a delete: the target row is missing, or rows that
    /// reference the deleted one are protected (`RESTRICT` / `PROTECT`). Nothing was changed.
    #[error("foreign key constraint failed on {model}.{relation}: {message}")]
    ForeignKeyConstraint {
        /// The model holding the foreign key.
        model: String,
        /// The relation (field) that refused.
        relation: String,
        /// What happened, with the value involved.
        message: String,
    },
    /// A uniqueness (or other integrity) constraint refused a write. Nothing was changed.
    #[error("integrity error on {model}.{field}: {message}")]
    Integrity {
        /// The model written to.
        model: String,
        /// The field (or fields) of the refused constraint, when known.
        field: String,
        /// What happened, with the value involved.
        message: String,
    },
    /// A value was refused before any SQL ran (too long, not an email, NULL where required,
    /// of the wrong type...).
    #[error("invalid value for {model}.{field}: {message}")]
    Validation {
        /// The model the value was meant for.
        model: String,
        /// The field the value was meant for.
        field: String,
        /// Why it was refused, with the value.
        message: String,
    },
    /// A string path named a field, relation or lookup that does not exist.
    #[error("{model} has no field or lookup `{name}`{}", suggestions(.candidates))]
    UnknownField {
        /// The model searched.
        model: String,
        /// The name that was not found.
        name: String,
        /// The closest names that do exist, best first.
        candidates: Vec<String>,
    },
    /// A mistake in the model definitions, found when the registry is built, or a feature used
    /// in a way it does not support. Lists every problem found.
    #[error("configuration error: {}", .0.join("; "))]
    Config(Vec<String>),
    /// The connection pool gave no connection (timed out, closed, or could not connect).
    #[error("connection pool error: {0}")]
    Pool(String),
    /// The database connection failed or was lost, or the server ended the session
    /// (PostgreSQL 57P01 / 57P02 / 57P03, MySQL 2006 / 2013 / 1927).
    #[error("database connection error: {0}")]
    Connection(String),
    /// A deadlock or serialization failure (PostgreSQL 40P01 / 40001, MySQL 1213, SQLite
    /// `SQLITE_BUSY`): the statement, or the transaction it was part of, was rolled back and
    /// may be run again. `retried` says how many times Aksara already ran it again before
    /// giving up (0 inside a transaction, where it never reruns a statement on its own; see
    /// `Db::transaction_retrying`).
    #[error("conflict with another transaction ({code}, after {retried} retries): {message}")]
    Conflict {
        /// The SQLSTATE or vendor code (`40001`, `40P01`, `1213`, `SQLITE_BUSY`).
        code: String,
        /// How many times the statement was run again before this error was returned.
        retried: u32,
        /// The server's message.
        message: String,
        /// The backend's error.
        #[source]
        source: Box<DbError>,
    },
    /// A row lock could not be had: a `select_for_update().nowait()` found a row locked by
    /// another transaction (PostgreSQL 55P03, MySQL 3572, MariaDB 1205), or a lock wait
    /// reached the server's timeout (PostgreSQL's `lock_timeout`, 55P03; MySQL's
    /// `innodb_lock_wait_timeout`, 1205). On PostgreSQL the transaction is then aborted
    /// (run the locking read in a nested `transaction`, a savepoint, to carry on after it);
    /// MySQL rolls back the statement only.
    #[error("lock not available ({code}): {message}")]
    LockNotAvailable {
        /// The SQLSTATE or vendor code (`55P03`, `3572`, `1205`).
        code: String,
        /// The server's message.
        message: String,
        /// The backend's error.
        #[source]
        source: Box<DbError>,
    },
    /// A relation was accessed lazily while strict loading was on.
    #[error("lazy load of {model}.{relation} refused: strict loading is on (load it with select_related or prefetch_related)")]
    LazyLoad {
        /// The model whose relation was accessed.
        model: String,
        /// The relation accessed.
        relation: String,
    },
    /// A field of a partial row (read with `only` / `defer`) was read, but the query did not
    /// load it. Never answered with a default value.
    #[error("{model}.{field} was not loaded: the query deferred it (only / defer); load it with `load(&db)` or read it in the query")]
    DeferredField {
        /// The model of the row.
        model: String,
        /// The field read.
        field: String,
    },
    /// A value read from the database could not be decoded into the field's type.
    #[error("cannot decode {model}.{field}: {message}")]
    Decode {
        /// The model being read.
        model: String,
        /// The field being read.
        field: String,
        /// What went wrong.
        message: String,
    },
    /// A row read into a typed struct ([`crate::typed_row::FromRow`], `#[derive(Row)]`) has a
    /// number of columns other than the struct's number of fields.
    #[error(
        "cannot decode {model}: the row has {found} column(s), {model} has {expected} field(s)"
    )]
    ColumnCount {
        /// The struct being read.
        model: String,
        /// How many fields the struct has (the columns it reads).
        expected: usize,
        /// How many columns the row has.
        found: usize,
    },
    /// Any other error reported by the database (a CHECK constraint, an unknown column, a
    /// syntax error...), with its SQLSTATE or vendor code when known
    /// ([`Error::sql_state`]) and the driver's error as its source.
    #[error("database error: {0}")]
    Database(#[source] Box<DbError>),
}

fn suggestions(candidates: &[String]) -> String {
    if candidates.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl Error {
    /// A [`Error::Validation`] for `model.field`.
    pub fn validation(model: &str, field: &str, message: impl fmt::Display) -> Self {
        Error::Validation {
            model: model.to_string(),
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// A [`Error::Config`] with one message.
    pub fn config(message: impl fmt::Display) -> Self {
        Error::Config(vec![message.to_string()])
    }

    /// True for [`Error::DoesNotExist`].
    pub fn is_does_not_exist(&self) -> bool {
        matches!(self, Error::DoesNotExist { .. })
    }

    /// An [`Error::Database`] with only a message (no server code), for failures Aksara
    /// finds itself.
    pub fn database(message: impl Into<String>) -> Self {
        Error::Database(Box::new(DbError::new(DbErrorKind::Other, message)))
    }

    /// True for [`Error::LockNotAvailable`]: a row lock was held by another transaction
    /// (`nowait`) or its wait timed out.
    pub fn is_lock_not_available(&self) -> bool {
        matches!(self, Error::LockNotAvailable { .. })
    }

    /// True for [`Error::Conflict`]: a deadlock or serialization failure, worth running the
    /// transaction again.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// The SQLSTATE (PostgreSQL: `23514`, `42703`...) or vendor code (MySQL: `1213`;
    /// SQLite: `SQLITE_BUSY`) of an error the database reported, when known.
    ///
    /// ```
    /// let e = aksara_core::Error::database("no code");
    /// assert_eq!(e.sql_state(), None);
    /// ```
    pub fn sql_state(&self) -> Option<&str> {
        match self {
            Error::Conflict { code, .. } | Error::LockNotAvailable { code, .. } => Some(code),
            Error::Database(e) => e.sql_state(),
            _ => None,
        }
    }
}

/// What kind of database error a backend saw; each backend maps its driver errors to these in
/// one function, and the core turns them into [`Error`] variants that name the model and field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DbErrorKind {
    /// A UNIQUE constraint was violated.
    UniqueViolation,
    /// A FOREIGN KEY constraint was violated.
    ForeignKeyViolation,
    /// A NOT NULL constraint was violated.
    NotNullViolation,
    /// A CHECK constraint was violated.
    CheckViolation,
    /// Serialization failure or deadlock; the transaction may be retried.
    SerializationFailure,
    /// A lock was held by another transaction and the statement would not wait for it
    /// (`NOWAIT`), or waited until the server's lock timeout.
    LockNotAvailable,
    /// The connection is unusable.
    ConnectionLost,
    /// The pool gave no connection in time (or is closed).
    Pool,
    /// Anything else.
    Other,
}

/// A database error as reported by a backend, before the core names the model and field.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DbError {
    /// The kind of failure.
    pub kind: DbErrorKind,
    /// The server's message.
    pub message: String,
    /// The constraint involved, when the server says.
    pub constraint: Option<String>,
    /// The server's detail text, when any.
    pub detail: Option<String>,
    /// The SQLSTATE (PostgreSQL) or vendor code (MySQL error number, SQLite result code
    /// name), when known.
    pub code: Option<String>,
    /// The driver's error.
    pub source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
    /// How many times the statement was run again before it failed with this error.
    pub retried: u32,
}

impl DbError {
    /// A new error of `kind` with `message`.
    pub fn new(kind: DbErrorKind, message: impl Into<String>) -> Self {
        DbError {
            kind,
            message: message.into(),
            constraint: None,
            detail: None,
            code: None,
            source: None,
            retried: 0,
        }
    }

    /// The same error with its SQLSTATE or vendor code.
    pub fn with_code(mut self, code: Option<impl Into<String>>) -> Self {
        self.code = code.map(Into::into);
        self
    }

    /// The same error with the driver's error as its source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(std::sync::Arc::new(source));
        self
    }

    /// The SQLSTATE or vendor code, when known.
    pub fn sql_state(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

impl DbError {
    /// Turns a driver error into a generic [`Error`] when nothing more specific is known.
    pub fn into_error(self) -> Error {
        match self.kind {
            DbErrorKind::ConnectionLost => Error::Connection(self.to_string()),
            DbErrorKind::Pool => Error::Pool(self.to_string()),
            DbErrorKind::UniqueViolation => Error::Integrity {
                model: "?".into(),
                field: self.constraint.clone().unwrap_or_default(),
                message: self.to_string(),
            },
            DbErrorKind::ForeignKeyViolation => Error::ForeignKeyConstraint {
                model: "?".into(),
                relation: self.constraint.clone().unwrap_or_default(),
                message: self.to_string(),
            },
            DbErrorKind::SerializationFailure => {
                let retried = self.retried;
                self.into_conflict(retried)
            }
            DbErrorKind::LockNotAvailable => Error::LockNotAvailable {
                code: self.code.clone().unwrap_or_else(|| "55P03".into()),
                message: self.to_string(),
                source: Box::new(self),
            },
            _ => Error::Database(Box::new(self)),
        }
    }

    /// An [`Error::Conflict`] for a deadlock or serialization failure, after `retried`
    /// reruns.
    pub fn into_conflict(self, retried: u32) -> Error {
        Error::Conflict {
            code: self.code.clone().unwrap_or_else(|| "40001".into()),
            retried,
            message: self.to_string(),
            source: Box::new(self),
        }
    }
}
