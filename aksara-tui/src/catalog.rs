//! What the explorer knows about the database: its tables as models, their keys, relations
//! and row estimates.
//!
//! A [`Catalog`] is built once on connection, either from the database's own catalog through
//! the engine's introspection ([`Catalog::from_schema`]) or, for the embedded demo, from the
//! aksara models themselves ([`Catalog::from_registry`]), so their `related_name`s and
//! relation descriptions show. Everything else in the explorer reads names, keys and
//! relations from here.

use aksara::introspect::{CompositeForeignKey, Schema, TableKind};
use aksara::{Dialect, Edge, FieldKind, FieldMeta, ModelInfo, Record, Registry, Value, Via};
use std::sync::Arc;

/// One table (or view) of the catalog.
#[derive(Debug, Clone)]
pub struct TableEntry {
    /// The model's name in the registry.
    pub model: String,
    /// The table's name in the database.
    pub table: String,
    /// Table, view or partitioned table.
    pub kind: TableKind,
    /// The lookup paths of the key columns, in key order (empty: no key, so rows can be
    /// browsed but not followed to).
    pub key: Vec<String>,
    /// The database's estimate of the row count, when it keeps one.
    pub estimated_rows: Option<u64>,
    /// Foreign keys over several columns (followed by the explorer itself).
    pub composite_foreign_keys: Vec<CompositeForeignKey>,
    /// The model's description, when aksara metadata gives one.
    pub description: Option<String>,
    /// True for a junction table of a many-to-many relation.
    pub junction: bool,
    /// The columns whose date-times carry a time zone (PostgreSQL's `timestamptz`): they are
    /// shown with their offset, unlike a plain `timestamp`.
    pub zoned: Vec<String>,
}

impl TableEntry {
    /// True when the values of `column` carry a time zone.
    pub fn is_zoned(&self, column: &str) -> bool {
        self.zoned.iter().any(|c| c == column)
    }
}

/// True when a column of type `type_name` (as the catalog writes it) on `dialect` stores an
/// instant with its time zone: PostgreSQL's `timestamp with time zone` (`timestamptz`).
/// MySQL's `DATETIME` / `TIMESTAMP` and SQLite's text carry none.
pub fn zoned_type(dialect: &dyn Dialect, type_name: &str) -> bool {
    let t = type_name.to_ascii_lowercase();
    dialect.name() == "postgresql"
        && (t.starts_with("timestamptz")
            || (t.starts_with("timestamp") && t.ends_with("with time zone")))
}

/// The tables and relations of the database being explored.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The models, one per table, with their relations.
    pub registry: Arc<Registry>,
    /// The tables, in name order.
    pub tables: Vec<TableEntry>,
    /// The backend's dialect, for what the explorer must know of it (NULL order, which
    /// types page by keyset, how filter values are bound).
    pub dialect: &'static dyn Dialect,
    /// What is being explored, for the title bar (a URL without its password, or the demo).
    pub source: String,
    /// The foreign keys that point into other schemas (see [`crate::schemas`]).
    pub foreign_links: Vec<crate::schemas::ForeignLink>,
}

impl Catalog {
    /// The catalog of an introspected database.
    pub fn from_schema(schema: &Schema, dialect: &'static dyn Dialect, source: String) -> Catalog {
        let registry = schema.registry.clone();
        let mut tables: Vec<TableEntry> = schema
            .tables
            .iter()
            .filter_map(|t| {
                let info = registry.model(&t.model).ok()?;
                Some(TableEntry {
                    model: t.model.clone(),
                    table: info.meta.table.clone(),
                    kind: t.kind,
                    key: t
                        .key_columns
                        .iter()
                        .map(|c| path_of_column(info, c))
                        .collect(),
                    estimated_rows: t.estimated_rows,
                    composite_foreign_keys: t.composite_foreign_keys.clone(),
                    description: info.meta.description.clone(),
                    junction: is_junction(&registry, info),
                    zoned: t
                        .column_types
                        .iter()
                        .filter(|(_, ty)| zoned_type(dialect, ty))
                        .map(|(c, _)| c.clone())
                        .collect(),
                })
            })
            .collect();
        tables.sort_by_key(|t| t.model.to_lowercase());
        Catalog {
            registry,
            tables,
            dialect,
            source,
            foreign_links: Vec::new(),
        }
    }

    /// The catalog of aksara models (the demo): keys, relation names and descriptions come from
    /// the models' metadata.
    pub fn from_registry(
        registry: Arc<Registry>,
        dialect: &'static dyn Dialect,
        source: String,
    ) -> Catalog {
        let mut tables: Vec<TableEntry> = registry
            .models()
            .iter()
            .map(|info| TableEntry {
                model: info.meta.name.clone(),
                table: info.meta.table.clone(),
                kind: TableKind::Table,
                key: info
                    .meta
                    .try_pk()
                    .map(|pk| vec![pk.name.clone()])
                    .unwrap_or_default(),
                estimated_rows: None,
                composite_foreign_keys: Vec::new(),
                description: info.meta.description.clone(),
                junction: is_junction(&registry, info),
                zoned: info
                    .meta
                    .concrete_fields()
                    .filter(|f| zoned_type(dialect, &dialect.column_type(&f.kind)))
                    .map(|f| f.column.clone())
                    .collect(),
            })
            .collect();
        tables.sort_by_key(|t| t.table.to_lowercase());
        Catalog {
            registry,
            tables,
            dialect,
            source,
            foreign_links: Vec::new(),
        }
    }

    /// The foreign key of `table`'s `column` into another schema, if it is one.
    pub fn foreign_link(&self, table: &str, column: &str) -> Option<&crate::schemas::ForeignLink> {
        self.foreign_links
            .iter()
            .find(|l| l.table == table && l.column == column)
    }

    /// The entry of the model called `model`.
    pub fn table(&self, model: &str) -> Option<&TableEntry> {
        self.tables.iter().find(|t| t.model == model)
    }

    /// True when the column `column` of `model` holds date-times with a time zone.
    pub fn zoned(&self, model: &str, column: &str) -> bool {
        self.table(model).is_some_and(|t| t.is_zoned(column))
    }

    /// The registry entry of the model called `model`.
    pub fn info(&self, model: &str) -> Option<&ModelInfo> {
        self.registry.model(model).ok()
    }

    /// True when NULLs sort after every value in ascending order (PostgreSQL), false when
    /// before (MySQL, SQLite).
    pub fn nulls_high(&self) -> bool {
        !self.dialect.nulls_sort_first()
    }
}

/// True when `info`'s table links two others for a many-to-many relation.
fn is_junction(registry: &Registry, info: &ModelInfo) -> bool {
    info.meta.auto_created
        || registry.models().iter().any(|m| {
            m.edges
                .iter()
                .any(|e| matches!(e.via, Via::Junction { junction, .. } if junction == info.index))
        })
}

/// The lookup path that names the column `column` of `info` (the field name, or the column
/// itself for a foreign key column whose relation is named differently).
pub fn path_of_column(info: &ModelInfo, column: &str) -> String {
    match info.meta.concrete_fields().find(|f| f.column == column) {
        Some(f) if f.relation.is_some() => f.column.clone(),
        Some(f) => f.name.clone(),
        None => column.to_string(),
    }
}

/// The field a path (as [`path_of_column`] makes them) names.
pub fn field_of_path<'a>(info: &'a ModelInfo, path: &str) -> Option<&'a FieldMeta> {
    let mut fields = info.meta.concrete_fields();
    fields.find(|f| {
        if f.relation.is_some() {
            f.column == path || f.name == path
        } else {
            f.name == path
        }
    })
}

/// True for fields whose values read as words: the label candidates.
fn is_texty(kind: &FieldKind) -> bool {
    match kind {
        FieldKind::Other(name) => {
            let n = name.to_ascii_lowercase();
            n.contains("char") || n.contains("text") || n.contains("clob")
        }
        other => other.is_text(),
    }
}

/// The field that names a row: a text column called `name` when there is one, else the first
/// text column that is neither key nor link.
pub fn label_field(info: &ModelInfo) -> Option<&FieldMeta> {
    let texts = || {
        info.meta
            .concrete_fields()
            .filter(|f| !f.primary_key && f.relation.is_none() && is_texty(&f.kind))
    };
    texts()
        .find(|f| f.column.eq_ignore_ascii_case("name"))
        .or_else(|| texts().next())
}

/// A short name for `record`: its label column, else its key, else its first value.
pub fn record_label(info: &ModelInfo, record: &Record) -> String {
    if let Some(field) = label_field(info) {
        if let Some(v) = record.get(&field.name).filter(|v| !v.is_null()) {
            let text = crate::format::plain(v);
            if !text.trim().is_empty() {
                return crate::format::truncate(&one_line(&text), 48);
            }
        }
    }
    if let Some(key) = record.key() {
        return format!("#{}", crate::format::plain(key));
    }
    record
        .values()
        .first()
        .map(|v| format!("#{}", crate::format::plain(v)))
        .unwrap_or_else(|| "row".into())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The values of `record`'s key paths (None when one is missing or the table has no key).
pub fn key_values(key: &[String], record: &Record) -> Option<Vec<Value>> {
    if key.is_empty() {
        return None;
    }
    key.iter().map(|k| record.get(k).cloned()).collect()
}

/// The name a reverse composite relation goes by (its counts are kept under it).
pub fn composite_reverse_name(model: &str, constraint: &str) -> String {
    format!("{model} ({constraint})")
}

/// A description of an edge's kind for the detail view.
pub fn edge_kind(edge: &Edge) -> &'static str {
    match (&edge.via, edge.kind) {
        (Via::Junction { .. }, _) => "many-to-many",
        (Via::Reverse { .. }, aksara::RelationKind::OneToOne) => "one-to-one, reverse",
        (Via::Reverse { .. }, _) => "reverse",
        (Via::Forward { .. }, aksara::RelationKind::OneToOne) => "one-to-one",
        (Via::Forward { .. }, _) => "foreign key",
    }
}

#[cfg(test)]
mod tests {
    use super::zoned_type;

    #[test]
    fn only_postgres_timestamptz_is_zoned() {
        let pg = &aksara::postgres::PgDialect;
        for zoned in [
            "timestamp with time zone",
            "timestamp(3) with time zone",
            "timestamptz",
        ] {
            assert!(zoned_type(pg, zoned), "{zoned}");
        }
        for plain in [
            "timestamp without time zone",
            "timestamp(6) without time zone",
            "time with time zone",
            "date",
        ] {
            assert!(!zoned_type(pg, plain), "{plain}");
        }
        assert!(!zoned_type(&aksara::mysql::MysqlDialect, "timestamp"));
        assert!(!zoned_type(
            &aksara::sqlite::SqliteDialect,
            "timestamp with time zone"
        ));
    }
}
