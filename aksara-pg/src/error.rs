//! PostgreSQL driver errors mapped to the core's kinds.
//!
//! diesel keeps the server's message, detail and constraint but not the SQLSTATE; the code is
//! rebuilt from diesel's kind, or from the message for the errors diesel does not classify
//! (deadlocks, terminated sessions, unknown columns), so callers can match on it.

use aksara_core::{DbError, DbErrorKind};
use aksara_diesel::error::{broken_transaction, kind_of};
use diesel::result::{DatabaseErrorKind, Error};

/// SQLSTATEs known by the start of the server's (English) message.
const BY_MESSAGE: &[(&str, &str, DbErrorKind)] = &[
    (
        "deadlock detected",
        "40P01",
        DbErrorKind::SerializationFailure,
    ),
    (
        "could not serialize access",
        "40001",
        DbErrorKind::SerializationFailure,
    ),
    (
        "could not obtain lock on ",
        "55P03",
        DbErrorKind::LockNotAvailable,
    ),
    (
        "canceling statement due to lock timeout",
        "55P03",
        DbErrorKind::LockNotAvailable,
    ),
    (
        "terminating connection due to administrator command",
        "57P01",
        DbErrorKind::ConnectionLost,
    ),
    (
        "terminating connection because of crash",
        "57P02",
        DbErrorKind::ConnectionLost,
    ),
    (
        "the database system is shutting down",
        "57P03",
        DbErrorKind::ConnectionLost,
    ),
    (
        "the database system is starting up",
        "57P03",
        DbErrorKind::ConnectionLost,
    ),
    (
        "the database system is in recovery mode",
        "57P03",
        DbErrorKind::ConnectionLost,
    ),
    (
        "canceling statement due to user request",
        "57014",
        DbErrorKind::Other,
    ),
    (
        "canceling statement due to statement timeout",
        "57014",
        DbErrorKind::Other,
    ),
];

/// `(SQLSTATE, kind)` of a message diesel left unclassified.
fn by_message(message: &str) -> Option<(&'static str, DbErrorKind)> {
    if let Some((_, code, kind)) = BY_MESSAGE.iter().find(|(m, _, _)| message.starts_with(m)) {
        return Some((code, *kind));
    }
    if message.starts_with("column ") && message.ends_with(" does not exist") {
        return Some(("42703", DbErrorKind::Other));
    }
    if message.starts_with("relation ") && message.ends_with(" does not exist") {
        return Some(("42P01", DbErrorKind::Other));
    }
    if message.starts_with("syntax error") {
        return Some(("42601", DbErrorKind::Other));
    }
    None
}

/// The SQLSTATE of the errors diesel classifies by their SQLSTATE.
fn sqlstate(kind: &DatabaseErrorKind) -> Option<&'static str> {
    Some(match kind {
        DatabaseErrorKind::UniqueViolation => "23505",
        DatabaseErrorKind::ForeignKeyViolation => "23503",
        DatabaseErrorKind::RestrictViolation => "23001",
        DatabaseErrorKind::NotNullViolation => "23502",
        DatabaseErrorKind::CheckViolation => "23514",
        DatabaseErrorKind::SerializationFailure => "40001",
        _ => return None,
    })
}

/// Maps a diesel error to a [`DbError`].
pub fn map_error(e: Error) -> DbError {
    let error = match &e {
        Error::DatabaseError(kind, info) => {
            let message = info.message().to_string();
            let (code, kind) = match (sqlstate(kind), kind_of(kind)) {
                (Some(code), Some(kind)) => (Some(code), kind),
                (_, diesel_kind) => match by_message(&message) {
                    Some((code, kind)) => (Some(code), kind),
                    // A closed connection diesel noticed, with no message of the server's.
                    None if diesel_kind == Some(DbErrorKind::ConnectionLost) => {
                        (Some("08006"), DbErrorKind::ConnectionLost)
                    }
                    None => (None, lost_by_text(&message)),
                },
            };
            let constraint = info.constraint_name().map(str::to_string).or_else(|| {
                (kind == DbErrorKind::NotNullViolation)
                    .then(|| info.column_name().map(str::to_string))
                    .flatten()
            });
            let mut error = DbError::new(kind, message).with_code(code);
            error.constraint = constraint;
            error.detail = info.details().map(str::to_string);
            error
        }
        Error::BrokenTransactionManager => broken_transaction(),
        other => {
            let text = other.to_string();
            DbError::new(lost_by_text(&text), text)
        }
    };
    error.with_source(e)
}

/// `ConnectionLost` for the texts of a dropped socket.
fn lost_by_text(text: &str) -> DbErrorKind {
    if text.contains("connection closed")
        || text.contains("broken pipe")
        || text.contains("Connection reset")
    {
        DbErrorKind::ConnectionLost
    } else {
        DbErrorKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_unclassified_messages() {
        assert_eq!(
            by_message("deadlock detected"),
            Some(("40P01", DbErrorKind::SerializationFailure))
        );
        assert_eq!(
            by_message("terminating connection due to administrator command"),
            Some(("57P01", DbErrorKind::ConnectionLost))
        );
        assert_eq!(
            by_message("column \"nope\" does not exist"),
            Some(("42703", DbErrorKind::Other))
        );
        assert_eq!(
            by_message("could not obtain lock on row in relation \"jobs\""),
            Some(("55P03", DbErrorKind::LockNotAvailable))
        );
        assert_eq!(by_message("something else"), None);
    }
}
