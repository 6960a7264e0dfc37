//! Schema: `CREATE TABLE` / `DROP TABLE` for the models of a registry.
//!
//! Tables are created in dependency order, each with its foreign keys (`ON DELETE` as the
//! relation says), UNIQUE constraints and an index on every foreign key column that no unique
//! constraint already covers. Foreign keys that close a cycle are added with `ALTER TABLE`
//! once both tables exist (SQLite takes them inline, as it checks them only when rows change).
//! Constraints get predictable names ([`fk_constraint_name`], [`unique_constraint_name`]) so
//! that a database error can be traced back to the relation or field that caused it.
//! Creating is idempotent: tables that exist are left alone.

use crate::db::Db;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, RelationKind, RelationMeta, Target};
/// The constraint naming rules, kept here under their old paths; they live in
/// [`crate::naming`].
pub use crate::naming::{fk_constraint_name, index_name, unique_constraint_name};
use crate::registry::{ModelInfo, Registry};
use crate::sql::Sql;
use crate::value::Value;
use std::collections::{HashMap, HashSet};

fn target_of(rel: &RelationMeta) -> &str {
    match &rel.target {
        Target::Name(n) => n,
        Target::Type(_) => unreachable!("registry resolves targets"),
    }
}

/// The models in creation order, and the foreign keys (model index, field name) that must be
/// added after the tables because they close a cycle.
fn creation_order(registry: &Registry) -> (Vec<usize>, HashSet<(usize, String)>) {
    let models = registry.models();
    let mut order = Vec::new();
    let mut deferred = HashSet::new();
    let mut state: HashMap<usize, u8> = HashMap::new(); // 1 visiting, 2 done
    fn visit(
        i: usize,
        registry: &Registry,
        state: &mut HashMap<usize, u8>,
        order: &mut Vec<usize>,
        deferred: &mut HashSet<(usize, String)>,
    ) {
        state.insert(i, 1);
        let meta = &registry.at(i).meta;
        for f in meta.concrete_fields() {
            let Some(rel) = &f.relation else { continue };
            let Ok(target) = registry.model(target_of(rel)) else {
                continue;
            };
            if target.index == i {
                continue;
            }
            match state.get(&target.index) {
                Some(1) => {
                    deferred.insert((i, f.name.clone()));
                }
                Some(_) => {}
                None => visit(target.index, registry, state, order, deferred),
            }
        }
        state.insert(i, 2);
        order.push(i);
    }
    for m in models {
        if !state.contains_key(&m.index) {
            visit(m.index, registry, &mut state, &mut order, &mut deferred);
        }
    }
    (order, deferred)
}

fn default_literal(dialect: &dyn Dialect, value: &Value) -> Option<String> {
    Some(match value {
        Value::Bool(b) => dialect.bool_literal(*b).to_string(),
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F64(v) if v.is_finite() => v.to_string(),
        Value::String(s) => dialect.string_literal(s),
        #[cfg(feature = "rust_decimal")]
        Value::Decimal(d) => d.to_string(),
        _ => return None,
    })
}

fn column_definition(sql: &mut Sql, dialect: &dyn Dialect, field: &FieldMeta) {
    sql.ident(&field.column).push(" ");
    if field.primary_key && field.kind.is_auto() {
        sql.push(&dialect.auto_primary_key(&field.kind));
        return;
    }
    sql.push(&dialect.column_type(&field.kind));
    if !field.nullable {
        sql.push(" NOT NULL");
    }
    if let Some(literal) = field
        .default
        .as_ref()
        .and_then(|d| default_literal(dialect, d))
    {
        sql.push(" DEFAULT ").push(&literal);
    }
    if field.primary_key {
        sql.push(" PRIMARY KEY");
    }
}

fn foreign_key(
    sql: &mut Sql,
    registry: &Registry,
    meta: &ModelMeta,
    field: &FieldMeta,
) -> Result<()> {
    let rel = field
        .relation
        .as_ref()
        .ok_or_else(|| Error::config(format!("{}.{} is not a relation", meta.name, field.name)))?;
    let target = registry.model(target_of(rel))?;
    sql.push("CONSTRAINT ")
        .ident(&fk_constraint_name(&meta.table, &field.column));
    sql.push(" FOREIGN KEY (")
        .ident(&field.column)
        .push(") REFERENCES ");
    // The target's key, or the unique column a `to_field` names.
    let referenced = match &rel.to_column {
        Some(column) => column.as_str(),
        None => target.meta.pk()?.column.as_str(),
    };
    sql.ident(&target.meta.table)
        .push(" (")
        .ident(referenced)
        .push(")");
    sql.push(" ON DELETE ").push(rel.on_delete.sql_action());
    Ok(())
}

/// The unique column sets of a model: single unique fields, one-to-one columns and
/// `unique_together` groups (as column names).
fn unique_sets(meta: &ModelMeta) -> Vec<Vec<String>> {
    let mut sets: Vec<Vec<String>> = meta
        .concrete_fields()
        .filter(|f| {
            !f.primary_key
                && (f.unique || matches!(&f.relation, Some(r) if r.kind == RelationKind::OneToOne))
        })
        .map(|f| vec![f.column.clone()])
        .collect();
    for group in &meta.unique_together {
        let columns = group
            .iter()
            .map(|name| {
                meta.field(name)
                    .map_or_else(|| name.clone(), |f| f.column.clone())
            })
            .collect();
        sets.push(columns);
    }
    sets
}

/// The foreign key columns that need an index of their own.
fn indexed_columns(meta: &ModelMeta) -> Vec<String> {
    let covered: Vec<String> = unique_sets(meta)
        .into_iter()
        .map(|set| set[0].clone())
        .collect();
    meta.concrete_fields()
        .filter(|f| f.relation.is_some() && !f.primary_key && !covered.contains(&f.column))
        .map(|f| f.column.clone())
        .collect()
}

fn create_table(
    registry: &Registry,
    dialect: &dyn Dialect,
    model: &ModelInfo,
    deferred: &HashSet<(usize, String)>,
) -> Result<Sql> {
    let meta = &model.meta;
    let mut sql = Sql::ddl();
    sql.push("CREATE TABLE IF NOT EXISTS ")
        .ident(&meta.table)
        .push(" (");
    let mut first = true;
    let mut sep = |sql: &mut Sql| {
        if !first {
            sql.push(", ");
        }
        first = false;
    };
    for f in meta.concrete_fields() {
        crate::array_field::check_backend(dialect, meta, f)?;
        sep(&mut sql);
        column_definition(&mut sql, dialect, f);
    }
    for set in unique_sets(meta) {
        sep(&mut sql);
        let names: Vec<&str> = set.iter().map(String::as_str).collect();
        sql.push("CONSTRAINT ")
            .ident(&unique_constraint_name(&meta.table, &names))
            .push(" UNIQUE (");
        for (i, c) in set.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(c);
        }
        sql.push(")");
    }
    for f in meta.concrete_fields().filter(|f| f.relation.is_some()) {
        if deferred.contains(&(model.index, f.name.clone()))
            && dialect.alter_table_add_foreign_key()
        {
            continue;
        }
        sep(&mut sql);
        foreign_key(&mut sql, registry, meta, f)?;
    }
    if !dialect.create_index_if_not_exists() {
        for column in indexed_columns(meta) {
            sep(&mut sql);
            sql.push("INDEX ")
                .ident(&index_name(&meta.table, &column))
                .push(" (")
                .ident(&column)
                .push(")");
        }
    }
    sql.push(")").push(dialect.table_options());
    Ok(sql)
}

/// The statements that create the tables of `registry` that are not in `existing`, in order.
pub fn create_statements(
    registry: &Registry,
    dialect: &dyn Dialect,
    existing: &HashSet<String>,
) -> Result<Vec<Sql>> {
    let (order, deferred) = creation_order(registry);
    let mut statements = Vec::new();
    let mut created = Vec::new();
    for &i in &order {
        let model = registry.at(i);
        if existing.contains(&model.meta.table) {
            continue;
        }
        statements.push(create_table(registry, dialect, model, &deferred)?);
        if dialect.create_index_if_not_exists() {
            for column in indexed_columns(&model.meta) {
                let mut sql = Sql::ddl();
                sql.push("CREATE INDEX IF NOT EXISTS ")
                    .ident(&index_name(&model.meta.table, &column));
                sql.push(" ON ")
                    .ident(&model.meta.table)
                    .push(" (")
                    .ident(&column)
                    .push(")");
                statements.push(sql);
            }
        }
        created.push(i);
    }
    if dialect.alter_table_add_foreign_key() {
        for &i in &created {
            let model = registry.at(i);
            for f in model
                .meta
                .concrete_fields()
                .filter(|f| deferred.contains(&(i, f.name.clone())))
            {
                let mut sql = Sql::ddl();
                sql.push("ALTER TABLE ")
                    .ident(&model.meta.table)
                    .push(" ADD ");
                foreign_key(&mut sql, registry, &model.meta, f)?;
                statements.push(sql);
            }
        }
    }
    Ok(statements)
}

/// The statements that drop the tables of `registry`, dependents first.
pub fn drop_statements(registry: &Registry, dialect: &dyn Dialect) -> Vec<Sql> {
    let (order, _) = creation_order(registry);
    order
        .iter()
        .rev()
        .map(|&i| {
            let table = &registry.at(i).meta.table;
            let mut sql = Sql::drop_table(table);
            sql.push("DROP TABLE IF EXISTS ")
                .ident(table)
                .push(dialect.drop_table_suffix());
            sql
        })
        .collect()
}

/// The tables that exist in the connected schema or database.
pub async fn existing_tables(db: &Db) -> Result<HashSet<String>> {
    let mut sql = Sql::new();
    sql.push(db.dialect().list_tables_sql());
    let rows = db.fetch(sql).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            Value::Bytes(b) => String::from_utf8(b).ok(),
            _ => None,
        })
        .collect())
}

/// Creates every table of the handle's registry that does not exist yet (idempotent).
///
/// A table that exists already is not changed; if it lacks a column its model has (a field
/// added after the table was made), this is an [`Error::Config`] naming each missing column,
/// instead of an Ok that the first query would contradict: a changed model needs a migration
/// (`aksara::migrate`; `aksara::migrate::check` lists every difference). Tables that are
/// created are created before the check, so a new model next to a changed one still gets its
/// table.
pub async fn create_all(db: &Db) -> Result<()> {
    let existing = create_missing(db).await?;
    check_existing_columns(db, &existing).await
}

/// Creates every table of the handle's registry that does not exist yet, and returns the
/// tables that existed before; existing tables are not looked at (see [`create_all`], which
/// also checks their columns).
pub async fn create_missing(db: &Db) -> Result<HashSet<String>> {
    let existing = existing_tables(db).await?;
    for statement in create_statements(db.registry(), db.dialect(), &existing)? {
        db.execute(statement).await?;
    }
    Ok(existing)
}

/// Refuses, naming them, the columns models have that their existing tables lack.
async fn check_existing_columns(db: &Db, existing: &HashSet<String>) -> Result<()> {
    let models: Vec<&ModelInfo> = db
        .registry()
        .models()
        .iter()
        .filter(|m| existing.contains(&m.meta.table))
        .collect();
    if models.is_empty() {
        return Ok(());
    }
    let Some(query) = db.dialect().catalog_columns_sql() else {
        return Ok(());
    };
    let mut sql = Sql::new();
    sql.push(query);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bytes(b) => String::from_utf8(b.clone()).ok(),
        _ => None,
    };
    let mut columns: HashSet<(String, String)> = HashSet::new();
    for row in db.fetch(sql).await? {
        if let (Some(table), Some(column)) = (row.first().and_then(text), row.get(1).and_then(text))
        {
            columns.insert((table, column));
        }
    }
    let mut missing = Vec::new();
    for m in models {
        for f in m.meta.concrete_fields() {
            if !columns.contains(&(m.meta.table.clone(), f.column.clone())) {
                missing.push(format!(
                    "{}.{} (the column `{}` of `{}`)",
                    m.meta.name, f.name, f.column, m.meta.table
                ));
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::config(format!(
        "create_all: tables exist without columns their models have: {}; create_all does not \
         change existing tables: write and run a migration (aksara::migrate, `aksara \
         makemigrations` and `aksara migrate`)",
        missing.join(", ")
    )))
}

/// Drops every table of the handle's registry (idempotent).
pub async fn drop_all(db: &Db) -> Result<()> {
    for statement in drop_statements(db.registry(), db.dialect()) {
        db.execute(statement).await?;
    }
    Ok(())
}
