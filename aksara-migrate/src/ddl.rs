//! Pieces of DDL written from a [`TableDef`]: column definitions, literals, constraints and
//! `CREATE TABLE`, with the names and column types `aksara::ddl` uses.

use crate::state::{ColumnDef, ColumnType, Reference, TableDef};
use aksara_core::naming::{fk_constraint_name, unique_constraint_name};
use aksara_core::{Dialect, Sql};

/// True on MySQL / MariaDB.
pub(crate) fn is_mysql(d: &dyn Dialect) -> bool {
    d.name() == "mysql"
}

/// True on SQLite.
pub(crate) fn is_sqlite(d: &dyn Dialect) -> bool {
    d.name() == "sqlite"
}

/// `value` as an SQL literal for a column of `kind`.
pub(crate) fn literal(d: &dyn Dialect, value: &serde_json::Value, kind: &ColumnType) -> String {
    match value {
        serde_json::Value::Null => "NULL".into(),
        serde_json::Value::Bool(b) => {
            if matches!(kind, ColumnType::Boolean) {
                d.bool_literal(*b).into()
            } else {
                i32::from(*b).to_string()
            }
        }
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => d.string_literal(s),
        other => d.string_literal(&other.to_string()),
    }
}

/// Appends the column's definition (name, type, NOT NULL, DEFAULT, PRIMARY KEY) as the
/// core's DDL writes it; `default` overrides the column's own DEFAULT.
pub(crate) fn column_definition(
    sql: &mut Sql,
    d: &dyn Dialect,
    c: &ColumnDef,
    default: Option<&serde_json::Value>,
) {
    let kind = c.kind.kind();
    sql.ident(&c.name).push(" ");
    if c.primary_key && kind.is_auto() {
        sql.push(&d.auto_primary_key(&kind));
        return;
    }
    sql.push(&d.column_type(&kind));
    if !c.nullable {
        sql.push(" NOT NULL");
    }
    if let Some(v) = default.or(c.default.as_ref()) {
        sql.push(" DEFAULT ").push(&literal(d, v, &c.kind));
    }
    if c.primary_key {
        sql.push(" PRIMARY KEY");
    }
}

/// Appends `CONSTRAINT fk_... FOREIGN KEY (column) REFERENCES table (column) ON DELETE ...`.
pub(crate) fn foreign_key(sql: &mut Sql, table: &str, column: &str, r: &Reference) {
    sql.push("CONSTRAINT ")
        .ident(&fk_constraint_name(table, column))
        .push(" FOREIGN KEY (")
        .ident(column)
        .push(") REFERENCES ")
        .ident(&r.table)
        .push(" (")
        .ident(&r.column)
        .push(") ON DELETE ")
        .push(&r.on_delete);
}

/// Appends `col, col, ...`.
pub(crate) fn column_list(sql: &mut Sql, columns: &[String]) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.ident(c);
    }
}

/// The name of the unique constraint over `columns` of `table`.
pub(crate) fn unique_name(table: &str, columns: &[String]) -> String {
    let names: Vec<&str> = columns.iter().map(String::as_str).collect();
    unique_constraint_name(table, &names)
}

/// Appends `CONSTRAINT uq_... UNIQUE (columns)`.
pub(crate) fn unique(sql: &mut Sql, table: &str, columns: &[String]) {
    sql.push("CONSTRAINT ")
        .ident(&unique_name(table, columns))
        .push(" UNIQUE (");
    column_list(sql, columns);
    sql.push(")");
}

/// Every unique column set of the table: single unique columns, then `unique_together`.
pub(crate) fn unique_sets(t: &TableDef) -> Vec<Vec<String>> {
    let mut sets: Vec<Vec<String>> = t
        .columns
        .iter()
        .filter(|c| c.unique && !c.primary_key)
        .map(|c| vec![c.name.clone()])
        .collect();
    sets.extend(t.unique_together.iter().cloned());
    sets
}

/// `CREATE TABLE` for `t`, created under the name `as_name` (the final name is used in
/// constraint names; SQLite's rebuild creates the table under a temporary name), and its
/// indexes unless `with_indexes` is false.
pub(crate) fn create_table(
    d: &dyn Dialect,
    t: &TableDef,
    as_name: &str,
    with_indexes: bool,
) -> Vec<Sql> {
    let mut sql = Sql::ddl();
    sql.push("CREATE TABLE ").ident(as_name).push(" (");
    let mut first = true;
    let mut sep = |sql: &mut Sql| {
        if !first {
            sql.push(", ");
        }
        first = false;
    };
    for c in &t.columns {
        sep(&mut sql);
        column_definition(&mut sql, d, c, None);
    }
    for set in unique_sets(t) {
        sep(&mut sql);
        unique(&mut sql, &t.name, &set);
    }
    for c in &t.columns {
        if let Some(r) = &c.references {
            sep(&mut sql);
            foreign_key(&mut sql, &t.name, &c.name, r);
        }
    }
    let inline_indexes = !d.create_index_if_not_exists();
    if inline_indexes {
        for index in &t.indexes {
            sep(&mut sql);
            sql.push("INDEX ").ident(&index.name).push(" (");
            column_list(&mut sql, &index.columns);
            sql.push(")");
        }
    }
    sql.push(")").push(d.table_options());
    let mut out = vec![sql];
    if with_indexes && !inline_indexes {
        for index in &t.indexes {
            out.push(create_index(&t.name, &index.name, &index.columns));
        }
    }
    out
}

/// `CREATE INDEX name ON table (columns)`.
pub(crate) fn create_index(table: &str, name: &str, columns: &[String]) -> Sql {
    let mut sql = Sql::ddl();
    sql.push("CREATE INDEX ")
        .ident(name)
        .push(" ON ")
        .ident(table)
        .push(" (");
    column_list(&mut sql, columns);
    sql.push(")");
    sql
}

/// `DROP INDEX name` (`... ON table` on MySQL).
pub(crate) fn drop_index(d: &dyn Dialect, table: &str, name: &str) -> Sql {
    let mut sql = Sql::ddl();
    sql.push("DROP INDEX ").ident(name);
    if is_mysql(d) {
        sql.push(" ON ").ident(table);
    }
    sql
}

/// `ALTER TABLE table ` followed by `rest` written by the caller.
pub(crate) fn alter(table: &str) -> Sql {
    let mut sql = Sql::ddl();
    sql.push("ALTER TABLE ").ident(table).push(" ");
    sql
}
