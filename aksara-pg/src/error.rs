//! PostgreSQL driver errors mapped to the core's kinds.

use aksara_core::{DbError, DbErrorKind};
use diesel::result::{DatabaseErrorKind, Error};

/// Maps a diesel error to a [`DbError`].
pub fn map_error(e: Error) -> DbError {
    match e {
        Error::DatabaseError(kind, info) => {
            let kind =
                match kind {
                    DatabaseErrorKind::UniqueViolation => DbErrorKind::UniqueViolation,
                    DatabaseErrorKind::ForeignKeyViolation
                    | DatabaseErrorKind::RestrictViolation => DbErrorKind::ForeignKeyViolation,
                    DatabaseErrorKind::NotNullViolation => DbErrorKind::NotNullViolation,
                    DatabaseErrorKind::CheckViolation => DbErrorKind::CheckViolation,
                    DatabaseErrorKind::SerializationFailure => DbErrorKind::SerializationFailure,
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => DbErrorKind::ConnectionLost,
                    _ => DbErrorKind::Other,
                };
            let constraint = info.constraint_name().map(str::to_string).or_else(|| {
                (kind == DbErrorKind::NotNullViolation)
                    .then(|| info.column_name().map(str::to_string))
                    .flatten()
            });
            DbError {
                kind,
                message: info.message().to_string(),
                constraint,
                detail: info.details().map(str::to_string),
            }
        }
        Error::BrokenTransactionManager => DbError::new(
            DbErrorKind::ConnectionLost,
            "the connection's transaction state is broken",
        ),
        other => {
            let text = other.to_string();
            let kind = if text.contains("connection closed")
                || text.contains("broken pipe")
                || text.contains("Connection reset")
            {
                DbErrorKind::ConnectionLost
            } else {
                DbErrorKind::Other
            };
            DbError::new(kind, text)
        }
    }
}
