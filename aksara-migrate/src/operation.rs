//! Operations: the backend-neutral steps a migration is made of, how each changes a
//! [`SchemaState`], and how each is undone.

use crate::error::{MigrateError, Result};
use crate::state::{ColumnDef, IndexDef, Reference, SchemaState, TableDef};
use serde::{Deserialize, Serialize};

/// SQL statements for each backend (a [`Operation::RunSql`]). A backend runs `all`, then its
/// own list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlPerBackend {
    /// Statements run on every backend.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<String>,
    /// Statements run on PostgreSQL only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postgresql: Vec<String>,
    /// Statements run on MySQL / MariaDB only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mysql: Vec<String>,
    /// Statements run on SQLite only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sqlite: Vec<String>,
}

impl SqlPerBackend {
    /// The same statements on every backend.
    pub fn all(statements: impl IntoIterator<Item = impl Into<String>>) -> Self {
        SqlPerBackend {
            all: statements.into_iter().map(Into::into).collect(),
            ..SqlPerBackend::default()
        }
    }

    /// The statements for the backend named `backend` (as `Dialect::name` names it).
    pub fn for_backend(&self, backend: &str) -> Vec<&str> {
        let own = match backend {
            "postgresql" => &self.postgresql,
            "mysql" => &self.mysql,
            "sqlite" => &self.sqlite,
            _ => &self.all,
        };
        let mut out: Vec<&str> = self.all.iter().map(String::as_str).collect();
        if !std::ptr::eq(own, &self.all) {
            out.extend(own.iter().map(String::as_str));
        }
        out
    }
}

/// One step of a migration.
///
/// In files each is a JSON object whose `op` names the step:
/// `{"op": "add_column", "table": "people", "column": {"name": "nickname", "type": "text", "nullable": true}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Creates a table with its columns, unique sets, indexes and the foreign keys its
    /// columns carry (those that close a cycle come after, as [`Operation::AddForeignKey`]).
    CreateTable {
        /// The table.
        table: TableDef,
    },
    /// Drops a table (its full definition is kept, so that the drop can be undone; the rows
    /// cannot).
    DropTable {
        /// The table as it was.
        table: TableDef,
    },
    /// Renames a table.
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Adds a column (without a foreign key: that is an [`Operation::AddForeignKey`]).
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: ColumnDef,
        /// The value existing rows get when the column is NOT NULL without a default.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fill: Option<serde_json::Value>,
    },
    /// Drops a column (its definition is kept so that the drop can be undone).
    DropColumn {
        /// The table.
        table: String,
        /// The column as it was.
        column: ColumnDef,
    },
    /// Changes a column's type, nullability, default or uniqueness.
    AlterColumn {
        /// The table.
        table: String,
        /// The column before.
        from: ColumnDef,
        /// The column after (same name).
        to: ColumnDef,
        /// The value NULLs get when the column becomes NOT NULL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fill: Option<serde_json::Value>,
    },
    /// Renames a column.
    RenameColumn {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Adds a foreign key to an existing column.
    AddForeignKey {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What it references.
        references: Reference,
    },
    /// Drops a column's foreign key.
    DropForeignKey {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What it referenced.
        references: Reference,
    },
    /// Adds an index.
    AddIndex {
        /// The table.
        table: String,
        /// The index.
        index: IndexDef,
    },
    /// Drops an index.
    DropIndex {
        /// The table.
        table: String,
        /// The index as it was.
        index: IndexDef,
    },
    /// Adds a unique constraint over several columns (`unique_together`).
    AddUnique {
        /// The table.
        table: String,
        /// The columns.
        columns: Vec<String>,
    },
    /// Drops a unique constraint over several columns.
    DropUnique {
        /// The table.
        table: String,
        /// The columns.
        columns: Vec<String>,
    },
    /// Runs SQL written by hand; undone by `reverse` when it is given, irreversible
    /// otherwise.
    RunSql {
        /// The statements.
        sql: SqlPerBackend,
        /// The statements that undo them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverse: Option<SqlPerBackend>,
    },
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Operation::CreateTable { table } => write!(f, "create table {}", table.name),
            Operation::DropTable { table } => write!(f, "drop table {}", table.name),
            Operation::RenameTable { from, to } => write!(f, "rename table {from} to {to}"),
            Operation::AddColumn { table, column, .. } => {
                write!(f, "add column {table}.{}", column.name)
            }
            Operation::DropColumn { table, column } => {
                write!(f, "drop column {table}.{}", column.name)
            }
            Operation::AlterColumn { table, to, .. } => {
                write!(f, "alter column {table}.{}", to.name)
            }
            Operation::RenameColumn { table, from, to } => {
                write!(f, "rename column {table}.{from} to {to}")
            }
            Operation::AddForeignKey {
                table,
                column,
                references,
            } => write!(
                f,
                "add foreign key {table}.{column} -> {}.{} ON DELETE {}",
                references.table, references.column, references.on_delete
            ),
            Operation::DropForeignKey { table, column, .. } => {
                write!(f, "drop foreign key {table}.{column}")
            }
            Operation::AddIndex { index, .. } => write!(f, "add index {}", index.name),
            Operation::DropIndex { index, .. } => write!(f, "drop index {}", index.name),
            Operation::AddUnique { table, columns } => {
                write!(f, "add unique {table}({})", columns.join(", "))
            }
            Operation::DropUnique { table, columns } => {
                write!(f, "drop unique {table}({})", columns.join(", "))
            }
            Operation::RunSql { .. } => write!(f, "run SQL"),
        }
    }
}

fn invalid(op: &Operation, why: impl std::fmt::Display) -> MigrateError {
    MigrateError::Invalid(format!("{op}: {why}"))
}

fn table_mut<'s>(
    state: &'s mut SchemaState,
    name: &str,
    op: &Operation,
) -> Result<&'s mut TableDef> {
    state
        .tables
        .get_mut(name)
        .ok_or_else(|| invalid(op, format!("no table {name}")))
}

fn column_mut<'t>(
    table: &'t mut TableDef,
    name: &str,
    op: &Operation,
) -> Result<&'t mut ColumnDef> {
    let table_name = table.name.clone();
    table
        .column_mut(name)
        .ok_or_else(|| invalid(op, format!("no column {table_name}.{name}")))
}

impl Operation {
    /// Changes `state` as the operation changes the database.
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] when the operation does not fit the state (a table or
    /// column that does not exist, or already does).
    pub fn apply(&self, state: &mut SchemaState) -> Result<()> {
        match self {
            Operation::CreateTable { table } => {
                if state.tables.contains_key(&table.name) {
                    return Err(invalid(self, "the table exists already"));
                }
                state.tables.insert(table.name.clone(), table.clone());
            }
            Operation::DropTable { table } => {
                state
                    .tables
                    .remove(&table.name)
                    .ok_or_else(|| invalid(self, "no such table"))?;
            }
            Operation::RenameTable { from, to } => {
                if state.tables.contains_key(to) {
                    return Err(invalid(self, format!("a table {to} exists already")));
                }
                let mut t = state
                    .tables
                    .remove(from)
                    .ok_or_else(|| invalid(self, "no such table"))?;
                t.name = to.clone();
                rename_index_names(&mut t, from, to, None);
                state.tables.insert(to.clone(), t);
                for other in state.tables.values_mut() {
                    for c in &mut other.columns {
                        if let Some(r) = c.references.as_mut().filter(|r| &r.table == from) {
                            r.table = to.clone();
                        }
                    }
                }
            }
            Operation::AddColumn { table, column, .. } => {
                let t = table_mut(state, table, self)?;
                if t.column(&column.name).is_some() {
                    return Err(invalid(self, "the column exists already"));
                }
                t.columns.push(column.clone());
            }
            Operation::DropColumn { table, column } => {
                let t = table_mut(state, table, self)?;
                let before = t.columns.len();
                t.columns.retain(|c| c.name != column.name);
                if t.columns.len() == before {
                    return Err(invalid(self, "no such column"));
                }
            }
            Operation::AlterColumn { table, to, .. } => {
                let t = table_mut(state, table, self)?;
                let c = column_mut(t, &to.name, self)?;
                let references = c.references.clone();
                *c = ColumnDef {
                    references,
                    ..to.clone()
                };
            }
            Operation::RenameColumn { table, from, to } => {
                let t = table_mut(state, table, self)?;
                if t.column(to).is_some() {
                    return Err(invalid(self, format!("a column {to} exists already")));
                }
                column_mut(t, from, self)?.name = to.clone();
                for group in &mut t.unique_together {
                    for c in group.iter_mut().filter(|c| *c == from) {
                        *c = to.clone();
                    }
                }
                for index in &mut t.indexes {
                    for c in index.columns.iter_mut().filter(|c| *c == from) {
                        *c = to.clone();
                    }
                }
                let name = t.name.clone();
                rename_index_names(t, &name, &name, Some((from, to)));
                for other in state.tables.values_mut() {
                    for c in &mut other.columns {
                        if let Some(r) = c
                            .references
                            .as_mut()
                            .filter(|r| &r.table == table && &r.column == from)
                        {
                            r.column = to.clone();
                        }
                    }
                }
            }
            Operation::AddForeignKey {
                table,
                column,
                references,
            } => {
                let t = table_mut(state, table, self)?;
                let c = column_mut(t, column, self)?;
                if c.references.is_some() {
                    return Err(invalid(self, "the column has a foreign key already"));
                }
                c.references = Some(references.clone());
            }
            Operation::DropForeignKey { table, column, .. } => {
                let t = table_mut(state, table, self)?;
                let c = column_mut(t, column, self)?;
                if c.references.take().is_none() {
                    return Err(invalid(self, "the column has no foreign key"));
                }
            }
            Operation::AddIndex { table, index } => {
                let t = table_mut(state, table, self)?;
                if t.indexes.iter().any(|i| i.name == index.name) {
                    return Err(invalid(self, "the index exists already"));
                }
                t.indexes.push(index.clone());
            }
            Operation::DropIndex { table, index } => {
                let t = table_mut(state, table, self)?;
                let before = t.indexes.len();
                t.indexes.retain(|i| i.name != index.name);
                if t.indexes.len() == before {
                    return Err(invalid(self, "no such index"));
                }
            }
            Operation::AddUnique { table, columns } => {
                let t = table_mut(state, table, self)?;
                if t.unique_together.contains(columns) {
                    return Err(invalid(self, "the unique constraint exists already"));
                }
                t.unique_together.push(columns.clone());
            }
            Operation::DropUnique { table, columns } => {
                let t = table_mut(state, table, self)?;
                let before = t.unique_together.len();
                t.unique_together.retain(|g| g != columns);
                if t.unique_together.len() == before {
                    return Err(invalid(self, "no such unique constraint"));
                }
            }
            Operation::RunSql { .. } => {}
        }
        Ok(())
    }

    /// The operation that undoes this one, or `None` when there is none (a
    /// [`Operation::RunSql`] without `reverse`).
    pub fn reverse(&self) -> Option<Operation> {
        Some(match self.clone() {
            Operation::CreateTable { table } => Operation::DropTable { table },
            Operation::DropTable { table } => Operation::CreateTable { table },
            Operation::RenameTable { from, to } => Operation::RenameTable { from: to, to: from },
            Operation::AddColumn { table, column, .. } => Operation::DropColumn { table, column },
            Operation::DropColumn { table, column } => Operation::AddColumn {
                table,
                column,
                fill: None,
            },
            Operation::AlterColumn {
                table, from, to, ..
            } => Operation::AlterColumn {
                table,
                from: to,
                to: from,
                fill: None,
            },
            Operation::RenameColumn { table, from, to } => Operation::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Operation::AddForeignKey {
                table,
                column,
                references,
            } => Operation::DropForeignKey {
                table,
                column,
                references,
            },
            Operation::DropForeignKey {
                table,
                column,
                references,
            } => Operation::AddForeignKey {
                table,
                column,
                references,
            },
            Operation::AddIndex { table, index } => Operation::DropIndex { table, index },
            Operation::DropIndex { table, index } => Operation::AddIndex { table, index },
            Operation::AddUnique { table, columns } => Operation::DropUnique { table, columns },
            Operation::DropUnique { table, columns } => Operation::AddUnique { table, columns },
            Operation::RunSql { sql, reverse } => Operation::RunSql {
                sql: reverse?,
                reverse: Some(sql),
            },
        })
    }
}

/// Renames the indexes named after `old_table` (and, with `column`, after the old column) as
/// the DDL would name them for the new names: `ix_{table}_{column}`.
fn rename_index_names(
    table: &mut TableDef,
    old_table: &str,
    new_table: &str,
    column: Option<(&String, &String)>,
) {
    use aksara_core::naming::index_name;
    for index in &mut table.indexes {
        if index.columns.len() != 1 {
            continue;
        }
        let new_column = index.columns[0].clone();
        let old_column = match column {
            Some((from, to)) if *to == new_column => from.clone(),
            _ => new_column.clone(),
        };
        if index.name == index_name(old_table, &old_column) {
            index.name = index_name(new_table, &new_column);
        }
    }
}
