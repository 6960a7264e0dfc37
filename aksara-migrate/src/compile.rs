//! Operations compiled to each dialect's SQL.
//!
//! PostgreSQL and MySQL/MariaDB alter tables in place. SQLite alters what it can (add a
//! plain column, rename a column or a table) and rebuilds the table for the rest (see
//! `rebuild`). Renames also rename the constraints and indexes named after the table or
//! column, so that names keep following the DDL's rules.

use crate::ddl::{
    alter, column_definition, create_index, create_table, drop_index, foreign_key, is_mysql,
    is_sqlite, literal, unique, unique_name,
};
use crate::error::{MigrateError, Result};
use crate::operation::Operation;
use crate::rebuild::rebuild;
use crate::state::{ColumnDef, SchemaState, TableDef};
use aksara_core::naming::fk_constraint_name;
use aksara_core::{Dialect, Intent, Sql};

/// An operation's statements on one backend.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// The statements, in order.
    pub statements: Vec<Sql>,
    /// True when SQLite rebuilds a table: the migration then runs with foreign key
    /// enforcement off (checked with `PRAGMA foreign_key_check` before it commits).
    pub rebuilds: bool,
}

/// An [`aksara_core::Error::Config`] naming the table and the column when `d` has no
/// array columns and the schema has one: arrays are never stored as text in their place.
fn refuse_arrays(d: &dyn Dialect, state: &SchemaState) -> Result<()> {
    if d.supports_arrays() {
        return Ok(());
    }
    for table in state.tables.values() {
        for column in &table.columns {
            if matches!(column.kind, crate::state::ColumnType::Array(_)) {
                return Err(MigrateError::from(aksara_core::Error::config(format!(
                    "{}.{} is an array column: arrays are stored on PostgreSQL only, not on {}",
                    table.name,
                    column.name,
                    d.name()
                ))));
            }
        }
    }
    Ok(())
}

fn table<'s>(state: &'s SchemaState, name: &str) -> Result<&'s TableDef> {
    state
        .tables
        .get(name)
        .ok_or_else(|| MigrateError::Invalid(format!("no table {name}")))
}

/// The statements of `op` on `d`, `before` being the schema before it.
///
/// # Errors
/// [`MigrateError::Invalid`] when the operation does not fit `before`.
pub fn compile(d: &dyn Dialect, op: &Operation, before: &SchemaState) -> Result<Compiled> {
    let mut after = before.clone();
    op.apply(&mut after)?;
    refuse_arrays(d, &after)?;
    let plain = |statements: Vec<Sql>| {
        Ok(Compiled {
            statements,
            rebuilds: false,
        })
    };
    if is_sqlite(d) && sqlite_rebuilds(op) {
        let name = match op {
            Operation::AddColumn { table, .. }
            | Operation::DropColumn { table, .. }
            | Operation::AlterColumn { table, .. }
            | Operation::AddForeignKey { table, .. }
            | Operation::DropForeignKey { table, .. }
            | Operation::AddUnique { table, .. }
            | Operation::DropUnique { table, .. } => table,
            _ => unreachable!("only table changes rebuild"),
        };
        return Ok(Compiled {
            statements: rebuild(d, table(before, name)?, table(&after, name)?, op),
            rebuilds: true,
        });
    }
    match op {
        Operation::CreateTable { table } => plain(create_table(d, table, &table.name, true)),
        Operation::DropTable { table } => {
            let mut sql = Sql::ddl();
            sql.push("DROP TABLE ").ident(&table.name);
            plain(vec![sql])
        }
        Operation::RenameTable { from, to } => {
            let mut sql = Sql::ddl();
            if is_mysql(d) {
                sql.push("RENAME TABLE ").ident(from).push(" TO ").ident(to);
            } else {
                sql.push("ALTER TABLE ")
                    .ident(from)
                    .push(" RENAME TO ")
                    .ident(to);
            }
            let mut out = vec![sql];
            out.extend(rename_names(
                d,
                table(before, from)?,
                table(&after, to)?,
                None,
            ));
            plain(out)
        }
        Operation::RenameColumn { table: t, from, to } => {
            let mut sql = alter(t);
            sql.push("RENAME COLUMN ")
                .ident(from)
                .push(" TO ")
                .ident(to);
            let mut out = vec![sql];
            out.extend(rename_names(
                d,
                table(before, t)?,
                table(&after, t)?,
                Some((from, to)),
            ));
            plain(out)
        }
        Operation::AddColumn {
            table,
            column,
            fill,
        } => plain(add_column(d, table, column, fill.as_ref())),
        Operation::DropColumn { table, column } => {
            let mut sql = alter(table);
            sql.push("DROP COLUMN ").ident(&column.name);
            plain(vec![sql])
        }
        Operation::AlterColumn {
            table,
            from,
            to,
            fill,
        } => plain(alter_column(d, table, from, to, fill.as_ref())),
        Operation::AddForeignKey {
            table,
            column,
            references,
        } => {
            let mut sql = alter(table);
            sql.push("ADD ");
            foreign_key(&mut sql, table, column, references);
            plain(vec![sql])
        }
        Operation::DropForeignKey { table, column, .. } => {
            let mut sql = alter(table);
            sql.push(if is_mysql(d) {
                "DROP FOREIGN KEY "
            } else {
                "DROP CONSTRAINT "
            })
            .ident(&fk_constraint_name(table, column));
            plain(vec![sql])
        }
        Operation::AddIndex { table, index } => {
            plain(vec![create_index(table, &index.name, &index.columns)])
        }
        Operation::DropIndex { table, index } => plain(vec![drop_index(d, table, &index.name)]),
        Operation::AddUnique { table, columns } => {
            let mut sql = alter(table);
            sql.push("ADD ");
            unique(&mut sql, table, columns);
            plain(vec![sql])
        }
        Operation::DropUnique { table, columns } => plain(vec![drop_unique(d, table, columns)]),
        Operation::RunSql { sql, .. } => plain(
            sql.for_backend(d.name())
                .into_iter()
                .map(|text| {
                    let mut s = Sql::new();
                    s.push(text);
                    s.with_intent(Intent::Raw)
                })
                .collect(),
        ),
    }
}

/// True when SQLite cannot do `op` with `ALTER TABLE` and rebuilds the table.
pub(crate) fn sqlite_rebuilds(op: &Operation) -> bool {
    match op {
        Operation::AddColumn { column, fill, .. } => {
            !(column.nullable || column.default.is_some())
                || column.unique
                || column.primary_key
                || fill.is_some()
        }
        Operation::DropColumn { .. }
        | Operation::AlterColumn { .. }
        | Operation::AddForeignKey { .. }
        | Operation::DropForeignKey { .. }
        | Operation::AddUnique { .. }
        | Operation::DropUnique { .. } => true,
        _ => false,
    }
}

fn drop_unique(d: &dyn Dialect, table: &str, columns: &[String]) -> Sql {
    let mut sql = alter(table);
    sql.push(if is_mysql(d) {
        "DROP INDEX "
    } else {
        "DROP CONSTRAINT "
    })
    .ident(&unique_name(table, columns));
    sql
}

fn add_unique(table: &str, columns: &[String]) -> Sql {
    let mut sql = alter(table);
    sql.push("ADD ");
    unique(&mut sql, table, columns);
    sql
}

fn add_column(
    d: &dyn Dialect,
    table: &str,
    column: &ColumnDef,
    fill: Option<&serde_json::Value>,
) -> Vec<Sql> {
    let mut sql = alter(table);
    sql.push("ADD COLUMN ");
    // A fill value is a DEFAULT while the column is added, dropped right after when the
    // column has no default of its own.
    let temporary = fill.filter(|_| column.default.is_none());
    column_definition(&mut sql, d, column, temporary);
    let mut out = vec![sql];
    if temporary.is_some() {
        let mut sql = alter(table);
        sql.push("ALTER COLUMN ")
            .ident(&column.name)
            .push(" DROP DEFAULT");
        out.push(sql);
    }
    if column.unique {
        out.push(add_unique(table, std::slice::from_ref(&column.name)));
    }
    out
}

fn alter_column(
    d: &dyn Dialect,
    table: &str,
    from: &ColumnDef,
    to: &ColumnDef,
    fill: Option<&serde_json::Value>,
) -> Vec<Sql> {
    let mut out = Vec::new();
    if let Some(value) = fill.filter(|_| from.nullable && !to.nullable) {
        let mut sql = Sql::ddl();
        sql.push("UPDATE ")
            .ident(table)
            .push(" SET ")
            .ident(&to.name)
            .push(" = ")
            .push(&literal(d, value, &to.kind))
            .push(" WHERE ")
            .ident(&to.name)
            .push(" IS NULL");
        out.push(sql);
    }
    if from.unique && !to.unique {
        out.push(drop_unique(d, table, std::slice::from_ref(&from.name)));
    }
    let shape_changed =
        from.kind != to.kind || from.nullable != to.nullable || from.default != to.default;
    if is_mysql(d) {
        if shape_changed {
            let mut sql = alter(table);
            sql.push("MODIFY COLUMN ");
            let plain = ColumnDef {
                primary_key: false,
                ..to.clone()
            };
            column_definition(&mut sql, d, &plain, None);
            out.push(sql);
        }
    } else {
        let column = |sql: &mut Sql| {
            sql.push("ALTER COLUMN ").ident(&to.name).push(" ");
        };
        if from.kind != to.kind {
            let mut sql = alter(table);
            column(&mut sql);
            let ty = d.column_type(&to.kind.kind());
            sql.push("TYPE ")
                .push(&ty)
                .push(" USING ")
                .ident(&to.name)
                .push("::")
                .push(&ty);
            out.push(sql);
        }
        if from.default != to.default {
            let mut sql = alter(table);
            column(&mut sql);
            match &to.default {
                Some(v) => sql.push("SET DEFAULT ").push(&literal(d, v, &to.kind)),
                None => sql.push("DROP DEFAULT"),
            };
            out.push(sql);
        }
        if from.nullable != to.nullable {
            let mut sql = alter(table);
            column(&mut sql);
            sql.push(if to.nullable {
                "DROP NOT NULL"
            } else {
                "SET NOT NULL"
            });
            out.push(sql);
        }
    }
    if to.unique && !from.unique {
        out.push(add_unique(table, std::slice::from_ref(&to.name)));
    }
    out
}

/// The statements renaming the constraints and indexes of `before` to the names the DDL
/// gives them in `after` (the same table renamed, or with the column `column.0` renamed to
/// `column.1`).
fn rename_names(
    d: &dyn Dialect,
    before: &TableDef,
    after: &TableDef,
    column: Option<(&String, &String)>,
) -> Vec<Sql> {
    let map = |c: &String| -> String {
        match column {
            Some((from, to)) if c == from => to.clone(),
            _ => c.clone(),
        }
    };
    let t = &after.name;
    let mut out = Vec::new();
    // Foreign keys.
    for c in &before.columns {
        let Some(r) = &c.references else { continue };
        let (old, new) = (
            fk_constraint_name(&before.name, &c.name),
            fk_constraint_name(t, &map(&c.name)),
        );
        if old == new || is_sqlite(d) {
            continue;
        }
        if is_mysql(d) {
            let mut sql = alter(t);
            sql.push("DROP FOREIGN KEY ").ident(&old).push(", ADD ");
            foreign_key(&mut sql, t, &map(&c.name), r);
            out.push(sql);
        } else {
            let mut sql = alter(t);
            sql.push("RENAME CONSTRAINT ")
                .ident(&old)
                .push(" TO ")
                .ident(&new);
            out.push(sql);
        }
    }
    // Unique constraints (indexes on MySQL).
    if !is_sqlite(d) {
        for set in crate::ddl::unique_sets(before) {
            let mapped: Vec<String> = set.iter().map(map).collect();
            let (old, new) = (unique_name(&before.name, &set), unique_name(t, &mapped));
            if old == new {
                continue;
            }
            let mut sql = alter(t);
            sql.push(if is_mysql(d) {
                "RENAME INDEX "
            } else {
                "RENAME CONSTRAINT "
            })
            .ident(&old)
            .push(" TO ")
            .ident(&new);
            out.push(sql);
        }
    }
    // Indexes, matched by position (the state renames them in place).
    for (old, new) in before.indexes.iter().zip(&after.indexes) {
        if old.name == new.name {
            continue;
        }
        if is_sqlite(d) {
            out.push(drop_index(d, t, &old.name));
            out.push(create_index(t, &new.name, &new.columns));
        } else if is_mysql(d) {
            let mut sql = alter(t);
            sql.push("RENAME INDEX ")
                .ident(&old.name)
                .push(" TO ")
                .ident(&new.name);
            out.push(sql);
        } else {
            let mut sql = Sql::ddl();
            sql.push("ALTER INDEX ")
                .ident(&old.name)
                .push(" RENAME TO ")
                .ident(&new.name);
            out.push(sql);
        }
    }
    out
}
