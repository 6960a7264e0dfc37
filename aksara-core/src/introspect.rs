//! Reading a database's own catalog into a [`Registry`], so that any existing database can be
//! queried and walked by its relations.
//!
//! Each backend's dialect supplies four catalog queries (columns, foreign keys, unique
//! constraints, row estimates) returning rows of one documented shape; this module turns them
//! into models. Every table and view becomes a model named after it. A single-column foreign
//! key becomes a relation field named after its column without an `Id`/`_id` suffix
//! (`AlbumId` -> `Album`), one-to-one when the column is unique; its reverse side is named
//! after the referencing table (`Track` on `Album`), or `{table}_by_{field}` when one table
//! references another several times or references itself. A table whose key is exactly two
//! foreign key columns is a junction: the two tables it links get a many-to-many relation
//! through it. Composite foreign keys are listed in [`TableInfo::composite_foreign_keys`]
//! (the engine follows single-column keys). Tables without a single-column primary key can
//! be read and filtered; their key columns (if any) are in [`TableInfo::key_columns`] for
//! ordering and paging.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, OnDelete, RelationKind, RelationMeta, Target};
use crate::registry::Registry;
use crate::sql::Sql;
use crate::value::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// What kind of relation a catalog entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// An ordinary table.
    Table,
    /// A view (read only).
    View,
    /// A partitioned table.
    Partitioned,
}

/// A foreign key over several columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns, in key order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub target: String,
    /// The referenced columns, in key order.
    pub target_columns: Vec<String>,
}

/// What the catalog says about one table beyond its model.
#[derive(Debug, Clone, PartialEq)]
pub struct TableInfo {
    /// The model's name in the registry (the table's name).
    pub model: String,
    /// Table, view or partitioned table.
    pub kind: TableKind,
    /// The primary key columns, in key order (empty when there is none).
    pub key_columns: Vec<String>,
    /// The estimated number of rows, when the database keeps one.
    pub estimated_rows: Option<u64>,
    /// Foreign keys over several columns.
    pub composite_foreign_keys: Vec<CompositeForeignKey>,
    /// Each column's name and type as the catalog writes it (`timestamp with time zone`,
    /// `numeric(10,2)`, `datetime`), in column order: what the field kinds leave out (a
    /// PostgreSQL `timestamp` and `timestamptz` are both [`FieldKind::DateTime`]).
    ///
    /// [`FieldKind::DateTime`]: crate::value::FieldKind::DateTime
    pub column_types: Vec<(String, String)>,
}

/// A database's schema: a registry of its tables and what else the catalog said.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The tables as models.
    pub registry: Arc<Registry>,
    /// One entry per table, in name order.
    pub tables: Vec<TableInfo>,
}

impl Schema {
    /// The catalog information of the model called `model`.
    pub fn table(&self, model: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.model == model)
    }
}

struct Column {
    name: String,
    type_name: String,
    nullable: bool,
    ordinal: i64,
    key_position: i64,
}

struct ForeignKeyColumn {
    constraint: String,
    table: String,
    column: String,
    target: String,
    target_column: String,
    position: i64,
    on_delete: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::I32(i) => i64::from(*i),
        Value::I64(i) => *i,
        Value::F64(f) => *f as i64,
        Value::Bool(b) => i64::from(*b),
        Value::String(s) => s.trim().parse::<f64>().map(|f| f as i64).unwrap_or(0),
        _ => 0,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "yes" | "true" | "1" | "t"),
        other => int(other) != 0,
    }
}

async fn catalog(db: &Db, query: Option<&'static str>, what: &str) -> Result<Vec<Vec<Value>>> {
    let query = query.ok_or_else(|| {
        Error::config(format!(
            "the {} backend cannot list {what}",
            db.dialect().name()
        ))
    })?;
    let mut sql = Sql::new();
    sql.push(query);
    db.fetch(sql).await
}

/// The name of the relation field for the foreign key column `column` (`AlbumId` ->
/// `Album`), unless that would clash with another column.
fn relation_name(column: &str, columns: &HashSet<String>) -> String {
    for suffix in ["_id", "_ID", "Id", "ID"] {
        if let Some(stem) = column.strip_suffix(suffix) {
            let stem = stem.trim_end_matches('_');
            if !stem.is_empty() && !columns.contains(stem) {
                return stem.to_string();
            }
        }
    }
    column.to_string()
}

/// Reads the schema of the database `db` is connected to.
///
/// # Errors
/// [`Error::Config`] when the backend has no catalog queries; database errors otherwise.
pub async fn introspect(db: &Db) -> Result<Schema> {
    let dialect = db.dialect();
    let column_rows = catalog(db, dialect.catalog_columns_sql(), "columns").await?;
    let fk_rows = catalog(db, dialect.catalog_foreign_keys_sql(), "foreign keys").await?;
    let unique_rows = catalog(db, dialect.catalog_unique_sql(), "unique constraints").await?;
    let estimates = match dialect.catalog_row_estimates_sql() {
        Some(q) => catalog(db, Some(q), "row estimates")
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };

    let mut tables: BTreeMap<String, (TableKind, Vec<Column>)> = BTreeMap::new();
    for row in &column_rows {
        if row.len() < 7 {
            continue;
        }
        let kind = match text(&row[6]).as_str() {
            "view" => TableKind::View,
            "partitioned" => TableKind::Partitioned,
            _ => TableKind::Table,
        };
        let entry = tables
            .entry(text(&row[0]))
            .or_insert_with(|| (kind, Vec::new()));
        entry.1.push(Column {
            name: text(&row[1]),
            type_name: text(&row[2]),
            nullable: truthy(&row[3]),
            ordinal: int(&row[4]),
            key_position: int(&row[5]),
        });
    }
    for (_, columns) in tables.values_mut() {
        columns.sort_by_key(|c| c.ordinal);
    }
    let mut fks: Vec<ForeignKeyColumn> = fk_rows
        .iter()
        .filter(|r| r.len() >= 7)
        .map(|r| ForeignKeyColumn {
            constraint: text(&r[0]),
            table: text(&r[1]),
            column: text(&r[2]),
            target: text(&r[3]),
            target_column: text(&r[4]),
            position: int(&r[5]),
            on_delete: text(&r[6]).to_ascii_uppercase(),
        })
        .filter(|fk| tables.contains_key(&fk.table) && tables.contains_key(&fk.target))
        .collect();
    fks.sort_by(|a, b| {
        (&a.table, &a.constraint, a.position).cmp(&(&b.table, &b.constraint, b.position))
    });
    let mut constraints: BTreeMap<(String, String), Vec<&ForeignKeyColumn>> = BTreeMap::new();
    for fk in &fks {
        constraints
            .entry((fk.table.clone(), fk.constraint.clone()))
            .or_default()
            .push(fk);
    }
    let mut unique: HashMap<(String, String), Vec<(i64, String)>> = HashMap::new();
    for row in unique_rows.iter().filter(|r| r.len() >= 4) {
        unique
            .entry((text(&row[1]), text(&row[0])))
            .or_default()
            .push((int(&row[3]), text(&row[2])));
    }
    // Single-column unique columns, per table.
    let unique_columns: HashSet<(String, String)> = unique
        .iter()
        .filter(|(_, cols)| cols.len() == 1)
        .map(|((table, _), cols)| (table.clone(), cols[0].1.clone()))
        .collect();
    let estimates: HashMap<String, u64> = estimates
        .iter()
        .filter(|r| r.len() >= 2)
        .filter_map(|r| {
            let n = int(&r[1]);
            (!r[1].is_null() && n >= 0).then(|| (text(&r[0]), n as u64))
        })
        .collect();

    // Key columns per table.
    let key_columns: HashMap<String, Vec<String>> = tables
        .iter()
        .map(|(table, (_, columns))| {
            let mut keyed: Vec<&Column> = columns.iter().filter(|c| c.key_position > 0).collect();
            keyed.sort_by_key(|c| c.key_position);
            (
                table.clone(),
                keyed.into_iter().map(|c| c.name.clone()).collect(),
            )
        })
        .collect();

    // Single-column foreign keys become relations; count references per (table, target).
    let single: Vec<&ForeignKeyColumn> = constraints
        .values()
        .filter(|cols| cols.len() == 1)
        .map(|cols| cols[0])
        .collect();
    let mut references: HashMap<(String, String), usize> = HashMap::new();
    for fk in &single {
        *references
            .entry((fk.table.clone(), fk.target.clone()))
            .or_default() += 1;
    }

    let mut metas: BTreeMap<String, ModelMeta> = BTreeMap::new();
    let mut reverse_taken: HashMap<String, HashSet<String>> = HashMap::new();
    for (table, (_, columns)) in &tables {
        let column_names: HashSet<String> = columns.iter().map(|c| c.name.clone()).collect();
        reverse_taken
            .entry(table.clone())
            .or_default()
            .extend(column_names.iter().cloned());
        let mut meta = ModelMeta::new(table.clone(), table.clone());
        meta.introspected = true;
        let single_key = key_columns[table].len() == 1;
        let mut taken: HashSet<String> = column_names.clone();
        for c in columns {
            let mut field =
                FieldMeta::new(c.name.clone(), dialect.kind_of_column_type(&c.type_name));
            field.nullable = c.nullable;
            field.primary_key = single_key && c.key_position > 0;
            field.unique = unique_columns.contains(&(table.clone(), c.name.clone()));
            if let Some(fk) = single
                .iter()
                .find(|fk| &fk.table == table && fk.column == c.name)
            {
                let name = relation_name(&c.name, &taken);
                taken.insert(name.clone());
                field.name = name;
                let one_to_one = field.unique || (single_key && c.key_position > 0);
                let kind = if one_to_one {
                    RelationKind::OneToOne
                } else {
                    RelationKind::ForeignKey
                };
                let mut relation = RelationMeta::new(kind, Target::Name(fk.target.clone()));
                relation.on_delete = match fk.on_delete.as_str() {
                    "CASCADE" => OnDelete::Cascade,
                    "SET NULL" if field.nullable => OnDelete::SetNull,
                    _ => OnDelete::Restrict,
                };
                let target_key = &key_columns[&fk.target];
                if target_key.len() != 1 || target_key[0] != fk.target_column {
                    relation.to_column = Some(fk.target_column.clone());
                }
                relation.related_name = Some(String::new()); // named below, once all are known
                field.relation = Some(relation);
            }
            meta.fields.push(field);
        }
        // A reverse relation may not take the name of a field of its target (`person` has a
        // field `department` of its own when `department.head` points back at it).
        reverse_taken
            .entry(table.clone())
            .or_default()
            .extend(meta.fields.iter().map(|f| f.name.clone()));
        metas.insert(table.clone(), meta);
    }
    // Reverse names: the referencing table, or `{table}_by_{field}` when ambiguous.
    for table in tables.keys() {
        let names: Vec<(usize, String, String)> = metas[table]
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.relation {
                Some(RelationMeta {
                    target: Target::Name(t),
                    ..
                }) => Some((i, f.name.clone(), t.clone())),
                _ => None,
            })
            .collect();
        for (index, field_name, target) in names {
            let ambiguous = references[&(table.clone(), target.clone())] > 1 || &target == table;
            let taken = reverse_taken.entry(target.clone()).or_default();
            let mut name = if ambiguous {
                format!("{table}_by_{field_name}")
            } else {
                table.clone()
            };
            if taken.contains(&name) {
                name = format!("{name}_set");
            }
            while taken.contains(&name) {
                name.push('_');
            }
            taken.insert(name.clone());
            if let Some(relation) = metas
                .get_mut(table)
                .and_then(|m| m.fields[index].relation.as_mut())
            {
                relation.related_name = Some(name);
            }
        }
    }
    // Junctions: a key made of exactly two single-column foreign keys.
    for (table, keys) in &key_columns {
        if keys.len() != 2 {
            continue;
        }
        let links: Vec<&&ForeignKeyColumn> = keys
            .iter()
            .filter_map(|k| {
                single
                    .iter()
                    .find(|fk| &fk.table == table && &fk.column == k)
            })
            .collect();
        if links.len() != 2 {
            continue;
        }
        let (a, b) = (links[0], links[1]);
        if key_columns[&a.target].len() != 1 || key_columns[&b.target].len() != 1 {
            continue;
        }
        let taken_a = reverse_taken.entry(a.target.clone()).or_default();
        let mut forward = if a.target == b.target {
            format!("{}_via_{table}", b.target)
        } else {
            b.target.clone()
        };
        while taken_a.contains(&forward) {
            forward = format!("{forward}_via_{table}");
        }
        taken_a.insert(forward.clone());
        let taken_b = reverse_taken.entry(b.target.clone()).or_default();
        let mut back = if a.target == b.target {
            format!("{}_via_{table}_reverse", a.target)
        } else {
            a.target.clone()
        };
        while taken_b.contains(&back) {
            back = format!("{back}_via_{table}");
        }
        taken_b.insert(back.clone());
        let mut relation =
            RelationMeta::new(RelationKind::ManyToMany, Target::Name(b.target.clone()));
        relation.through = Some(Target::Name(table.clone()));
        relation.related_name = Some(back);
        relation.description = Some(format!(
            "Each {} is linked to any number of {} through the table {table}, and each {} to any number of {}.",
            a.target, b.target, b.target, a.target
        ));
        let mut field = FieldMeta::new(
            forward,
            crate::value::FieldKind::Other("many-to-many".into()),
        );
        field.column = String::new();
        field.nullable = true;
        field.relation = Some(relation);
        if let Some(meta) = metas.get_mut(&a.target) {
            meta.fields.push(field);
        }
    }

    let mut builder = Registry::builder();
    for meta in metas.values() {
        builder = builder.meta(meta);
    }
    let registry = builder.build()?;
    let infos = tables
        .iter()
        .map(|(table, (kind, columns))| TableInfo {
            model: table.clone(),
            column_types: columns
                .iter()
                .map(|c| (c.name.clone(), c.type_name.clone()))
                .collect(),
            kind: *kind,
            key_columns: key_columns[table].clone(),
            estimated_rows: estimates.get(table).copied(),
            composite_foreign_keys: constraints
                .iter()
                .filter(|((t, _), cols)| t == table && cols.len() > 1)
                .map(|((_, name), cols)| CompositeForeignKey {
                    name: name.clone(),
                    columns: cols.iter().map(|c| c.column.clone()).collect(),
                    target: cols[0].target.clone(),
                    target_columns: cols.iter().map(|c| c.target_column.clone()).collect(),
                })
                .collect(),
        })
        .collect();
    Ok(Schema {
        registry,
        tables: infos,
    })
}
