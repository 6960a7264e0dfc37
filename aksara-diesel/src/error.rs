//! diesel's errors mapped to the core's kinds, as far as diesel tells them apart.
//!
//! diesel classifies constraint violations, serialization failures and lost connections; the
//! rest is known only by the server's message, which each backend reads itself
//! ([`TextRules`]).

use aksara_core::{DbError, DbErrorKind};
use diesel::result::{DatabaseErrorKind, Error};

/// The core's kind of a diesel database error kind, when diesel classified it.
pub fn kind_of(kind: &DatabaseErrorKind) -> Option<DbErrorKind> {
    Some(match kind {
        DatabaseErrorKind::UniqueViolation => DbErrorKind::UniqueViolation,
        DatabaseErrorKind::ForeignKeyViolation | DatabaseErrorKind::RestrictViolation => {
            DbErrorKind::ForeignKeyViolation
        }
        DatabaseErrorKind::NotNullViolation => DbErrorKind::NotNullViolation,
        DatabaseErrorKind::CheckViolation => DbErrorKind::CheckViolation,
        DatabaseErrorKind::SerializationFailure => DbErrorKind::SerializationFailure,
        DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
            DbErrorKind::ConnectionLost
        }
        _ => return None,
    })
}

/// The error of a connection whose transaction manager broke (diesel's
/// `BrokenTransactionManager`).
pub fn broken_transaction() -> DbError {
    DbError::new(
        DbErrorKind::ConnectionLost,
        "the connection's transaction state is broken",
    )
}

/// What a backend reads from its server's messages.
pub struct TextRules {
    /// The kind of an error diesel did not classify, by its text.
    pub kind_from_text: fn(&str) -> DbErrorKind,
    /// The constraint (or, for a NOT NULL violation, the column) the message names.
    pub constraint: fn(DbErrorKind, &str) -> Option<String>,
}

/// Maps `e` to a [`DbError`] with its kind and the constraint its message names; the code
/// and the source are the caller's to add.
pub fn classify(e: &Error, rules: &TextRules) -> DbError {
    match e {
        Error::DatabaseError(kind, info) => {
            let message = info.message().to_string();
            let kind = kind_of(kind).unwrap_or_else(|| (rules.kind_from_text)(&message));
            let constraint = (rules.constraint)(kind, &message);
            let mut error = DbError::new(kind, message);
            error.constraint = constraint;
            error
        }
        Error::BrokenTransactionManager => broken_transaction(),
        other => {
            let text = other.to_string();
            DbError::new((rules.kind_from_text)(&text), text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diesel_kinds_map_and_the_rest_is_read_from_the_text() {
        assert_eq!(
            kind_of(&DatabaseErrorKind::RestrictViolation),
            Some(DbErrorKind::ForeignKeyViolation)
        );
        assert_eq!(kind_of(&DatabaseErrorKind::Unknown), None);
        let rules = TextRules {
            kind_from_text: |t| {
                if t.contains("deadlock") {
                    DbErrorKind::SerializationFailure
                } else {
                    DbErrorKind::Other
                }
            },
            constraint: |_, _| None,
        };
        let e = classify(&Error::QueryBuilderError("deadlock".into()), &rules);
        assert_eq!(e.kind, DbErrorKind::SerializationFailure);
        assert_eq!(
            classify(&Error::BrokenTransactionManager, &rules).kind,
            DbErrorKind::ConnectionLost
        );
    }
}
