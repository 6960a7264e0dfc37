//! MySQL / MariaDB driver errors mapped to the core's kinds.
//!
//! The driver hands over only the server's message, so the constraint is read from its text:
//! `Duplicate entry 'x' for key 'uq_users_email'` (MySQL 8 writes `'users.uq_users_email'`),
//! `... a foreign key constraint fails (`db`.`posts`, CONSTRAINT `fk_posts_author_id` ...)`,
//! `Column 'name' cannot be null`. With the constraint named, the core finds the field or
//! relation it belongs to.

use aksara_core::{DbError, DbErrorKind};
use aksara_diesel::error::TextRules;
use diesel::result::Error;

/// Maps a diesel error to a [`DbError`]; the vendor code (the driver keeps none) is told by
/// the kind or the message.
pub fn map_error(e: Error) -> DbError {
    let mapped = classify(&e);
    let code = vendor_code(&mapped);
    mapped.with_code(code).with_source(e)
}

/// The MySQL error number of `e`, when its kind or message tells it.
fn vendor_code(e: &DbError) -> Option<&'static str> {
    let lower = e.message.to_ascii_lowercase();
    let by_text: &[(&str, &str)] = &[
        ("deadlock found", "1213"),
        ("lock wait timeout exceeded", "1205"),
        (
            "could not be acquired immediately and nowait is set",
            "3572",
        ),
        ("server has gone away", "2006"),
        ("lost connection", "2013"),
        ("connection was killed", "1927"),
        ("query execution was interrupted", "1317"),
        ("unknown column", "1054"),
        ("doesn't exist", "1146"),
        ("you have an error in your sql syntax", "1064"),
        ("check constraint", "3819"),
    ];
    if let Some((_, code)) = by_text.iter().find(|(t, _)| lower.contains(t)) {
        return Some(code);
    }
    match e.kind {
        // MariaDB's `CONSTRAINT `c` failed for `db`.`t``.
        DbErrorKind::CheckViolation => Some("4025"),
        DbErrorKind::UniqueViolation => Some("1062"),
        DbErrorKind::ForeignKeyViolation => Some(if lower.contains("cannot delete") {
            "1451"
        } else {
            "1452"
        }),
        DbErrorKind::NotNullViolation => Some("1048"),
        DbErrorKind::SerializationFailure => Some("1213"),
        _ => None,
    }
}

fn classify(e: &Error) -> DbError {
    aksara_diesel::error::classify(
        e,
        &TextRules {
            kind_from_text,
            constraint: |kind, message| match kind {
                DbErrorKind::UniqueViolation => unique_key(message),
                DbErrorKind::ForeignKeyViolation => foreign_key(message),
                DbErrorKind::NotNullViolation => null_column(message),
                _ => None,
            },
        },
    )
}

/// The kind of an error known only by its text (deadlocks and lost connections: the driver
/// keeps no error code for them).
fn kind_from_text(text: &str) -> DbErrorKind {
    let lower = text.to_ascii_lowercase();
    // MariaDB reports a NOWAIT that found a row locked as a lock wait timeout (1205), MySQL
    // with its own 3572; neither is a deadlock, and running it again would wait again.
    if lower.starts_with("lock wait timeout exceeded")
        || lower.contains("could not be acquired immediately and nowait is set")
    {
        DbErrorKind::LockNotAvailable
    } else if lower.starts_with("deadlock found") || lower.contains("try restarting transaction") {
        DbErrorKind::SerializationFailure
    } else if (lower.contains("check constraint") && lower.contains("failed"))
        || (lower.starts_with("constraint `") && lower.contains("` failed for"))
    {
        DbErrorKind::CheckViolation
    } else if [
        "connection was killed",
        "connection closed",
        "connection to the server is closed",
        "broken pipe",
        "connection reset",
        "connection refused",
        "server has gone away",
        "lost connection",
        "unexpected eof",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
    {
        DbErrorKind::ConnectionLost
    } else {
        DbErrorKind::Other
    }
}

/// The key of `Duplicate entry '...' for key 'name'` (`'table.name'` on MySQL 8).
fn unique_key(message: &str) -> Option<String> {
    let start = message.rfind(" for key '")? + " for key '".len();
    let key = message[start..].strip_suffix('\'')?;
    let key = key.rsplit('.').next().unwrap_or(key);
    Some(key.to_string())
}

/// The constraint of `... CONSTRAINT `name` FOREIGN KEY ...`.
fn foreign_key(message: &str) -> Option<String> {
    let start = message.find("CONSTRAINT `")? + "CONSTRAINT `".len();
    let end = message[start..].find('`')?;
    Some(message[start..start + end].to_string())
}

/// The column of `Column 'name' cannot be null` or `Field 'name' doesn't have a default value`.
fn null_column(message: &str) -> Option<String> {
    let start = message.find('\'')? + 1;
    let end = message[start..].find('\'')?;
    Some(message[start..start + end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_come_out_of_the_messages() {
        assert_eq!(
            unique_key("Duplicate entry 'jane@example.com' for key 'uq_users_email'").as_deref(),
            Some("uq_users_email")
        );
        assert_eq!(
            unique_key("Duplicate entry 'it''s' for key 'users.uq_users_email'").as_deref(),
            Some("uq_users_email")
        );
        assert_eq!(
            foreign_key(
                "Cannot add or update a child row: a foreign key constraint fails (`test`.`posts`, \
                 CONSTRAINT `fk_posts_author_id` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) \
                 ON DELETE CASCADE)"
            )
            .as_deref(),
            Some("fk_posts_author_id")
        );
        assert_eq!(
            null_column("Column 'name' cannot be null").as_deref(),
            Some("name")
        );
        assert_eq!(
            kind_from_text("Deadlock found when trying to get lock; try restarting transaction"),
            DbErrorKind::SerializationFailure
        );
        assert_eq!(
            kind_from_text("Lock wait timeout exceeded; try restarting transaction"),
            DbErrorKind::LockNotAvailable
        );
        assert_eq!(
            kind_from_text(
                "Statement aborted because lock(s) could not be acquired immediately and NOWAIT \
                 is set."
            ),
            DbErrorKind::LockNotAvailable
        );
    }
}
