//! The history table: which migrations are applied, with the checksum each had then.

use aksara_core::{Db, FieldKind, Result, Sql, Value};

/// The history table's name.
pub const HISTORY_TABLE: &str = "aksara_migrations";

/// One applied migration, as the history table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The migration's name.
    pub name: String,
    /// Its checksum when it was applied.
    pub checksum: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_string(),
    }
}

/// Creates the history table if it does not exist.
pub(crate) async fn ensure(db: &Db) -> Result<()> {
    let d = db.dialect();
    let mut sql = Sql::ddl();
    sql.push("CREATE TABLE IF NOT EXISTS ")
        .ident(HISTORY_TABLE)
        .push(" (")
        .ident("name")
        .push(" ")
        .push(&d.column_type(&FieldKind::String { max_length: 255 }))
        .push(" NOT NULL PRIMARY KEY, ")
        .ident("checksum")
        .push(" ")
        .push(&d.column_type(&FieldKind::String { max_length: 64 }))
        .push(" NOT NULL, ")
        .ident("applied_at")
        .push(" ")
        .push(&d.column_type(&FieldKind::DateTime))
        .push(" NOT NULL)")
        .push(d.table_options());
    db.execute(sql).await?;
    Ok(())
}

/// The applied migrations, oldest first (empty when the history table does not exist).
///
/// # Errors
/// Database errors.
pub async fn history(db: &Db) -> Result<Vec<AppliedMigration>> {
    let tables = aksara_core::ddl::existing_tables(db).await?;
    if !tables.contains(HISTORY_TABLE) {
        return Ok(Vec::new());
    }
    read(db).await
}

pub(crate) async fn read(db: &Db) -> Result<Vec<AppliedMigration>> {
    let mut sql = Sql::new();
    sql.push("SELECT ")
        .ident("name")
        .push(", ")
        .ident("checksum")
        .push(" FROM ")
        .ident(HISTORY_TABLE)
        .push(" ORDER BY ")
        .ident("applied_at")
        .push(", ")
        .ident("name");
    Ok(db
        .fetch(sql)
        .await?
        .into_iter()
        .filter(|r| r.len() >= 2)
        .map(|r| AppliedMigration {
            name: text(&r[0]),
            checksum: text(&r[1]),
        })
        .collect())
}

pub(crate) async fn record(db: &Db, name: &str, checksum: &str) -> Result<()> {
    let mut sql = Sql::ddl();
    sql.push("INSERT INTO ")
        .ident(HISTORY_TABLE)
        .push(" (")
        .ident("name")
        .push(", ")
        .ident("checksum")
        .push(", ")
        .ident("applied_at")
        .push(") VALUES (")
        .bind(Value::String(name.into()), None)
        .push(", ")
        .bind(Value::String(checksum.into()), None)
        .push(", ")
        .bind(Value::DateTime(chrono::Utc::now()), None)
        .push(")");
    db.execute(sql).await?;
    Ok(())
}

pub(crate) async fn forget(db: &Db, name: &str) -> Result<()> {
    let mut sql = Sql::ddl();
    sql.push("DELETE FROM ")
        .ident(HISTORY_TABLE)
        .push(" WHERE ")
        .ident("name")
        .push(" = ")
        .bind(Value::String(name.into()), None);
    db.execute(sql).await?;
    Ok(())
}
