//! SQLite driver errors mapped to the core's kinds.
//!
//! SQLite names no constraint in its messages: a unique violation says
//! `UNIQUE constraint failed: users.email` (table and columns, from which the constraint name
//! the DDL gave is rebuilt with [`aksara_core::ddl::unique_constraint_name`]), a foreign key
//! violation only `FOREIGN KEY constraint failed` (the executor then finds the constraint
//! itself, see `executor.rs`).

use aksara_core::{DbError, DbErrorKind};
use aksara_diesel::error::TextRules;
use diesel::result::Error;

/// Maps a diesel error to a [`DbError`], with the name of SQLite's result code
/// (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY`, ...) as its code when the message tells it.
pub fn map_error(e: Error) -> DbError {
    let mapped = classify(&e);
    let code = result_code(&mapped);
    mapped.with_code(code).with_source(e)
}

/// The name of the SQLite result code of `e`.
fn result_code(e: &DbError) -> Option<&'static str> {
    Some(match e.kind {
        DbErrorKind::UniqueViolation => "SQLITE_CONSTRAINT_UNIQUE",
        DbErrorKind::ForeignKeyViolation => "SQLITE_CONSTRAINT_FOREIGNKEY",
        DbErrorKind::NotNullViolation => "SQLITE_CONSTRAINT_NOTNULL",
        DbErrorKind::CheckViolation => "SQLITE_CONSTRAINT_CHECK",
        DbErrorKind::SerializationFailure => "SQLITE_BUSY",
        _ if e.message.contains("interrupted") => "SQLITE_INTERRUPT",
        _ if e.message.starts_with("no such column") => "SQLITE_ERROR",
        _ => return None,
    })
}

fn classify(e: &Error) -> DbError {
    aksara_diesel::error::classify(
        e,
        &TextRules {
            kind_from_text,
            constraint: |kind, message| match kind {
                DbErrorKind::UniqueViolation => unique_constraint(message),
                DbErrorKind::NotNullViolation => not_null_column(message),
                _ => None,
            },
        },
    )
}

/// The kind of an error the driver did not classify. A `RESTRICT` action reports a plain
/// `SQLITE_CONSTRAINT` code, known only by its text; lock contention (`SQLITE_BUSY` after the
/// busy timeout) may be retried like a serialization failure.
fn kind_from_text(text: &str) -> DbErrorKind {
    if text.contains("FOREIGN KEY constraint failed") {
        DbErrorKind::ForeignKeyViolation
    } else if text.contains("UNIQUE constraint failed") {
        DbErrorKind::UniqueViolation
    } else if text.contains("NOT NULL constraint failed") {
        DbErrorKind::NotNullViolation
    } else if text.contains("CHECK constraint failed") {
        DbErrorKind::CheckViolation
    } else if text.contains("database is locked") || text.contains("database table is locked") {
        DbErrorKind::SerializationFailure
    } else {
        DbErrorKind::Other
    }
}

/// `(table, [columns])` of `... constraint failed: t.a, t.b`.
fn failed_columns(message: &str) -> Option<(String, Vec<String>)> {
    let (_, list) = message.split_once("constraint failed: ")?;
    let mut table = None;
    let mut columns = Vec::new();
    for item in list.split(", ") {
        let (t, c) = item.trim().split_once('.')?;
        table.get_or_insert_with(|| t.to_string());
        columns.push(c.to_string());
    }
    Some((table?, columns))
}

/// The DDL's name of the unique constraint in `UNIQUE constraint failed: t.a, t.b`.
fn unique_constraint(message: &str) -> Option<String> {
    let (table, columns) = failed_columns(message)?;
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    Some(aksara_core::ddl::unique_constraint_name(&table, &columns))
}

/// The column of `NOT NULL constraint failed: t.c`.
fn not_null_column(message: &str) -> Option<String> {
    failed_columns(message)?.1.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_are_rebuilt_from_the_messages() {
        assert_eq!(
            unique_constraint("UNIQUE constraint failed: users.email").as_deref(),
            Some("uq_users_email")
        );
        assert_eq!(
            unique_constraint("UNIQUE constraint failed: post_tags.post_id, post_tags.tag_id")
                .as_deref(),
            Some("uq_post_tags_post_id_tag_id")
        );
        assert_eq!(
            not_null_column("NOT NULL constraint failed: users.name").as_deref(),
            Some("name")
        );
        assert_eq!(
            kind_from_text("FOREIGN KEY constraint failed"),
            DbErrorKind::ForeignKeyViolation
        );
        assert_eq!(
            kind_from_text("database is locked"),
            DbErrorKind::SerializationFailure
        );
    }
}
