//! The drift check: the live catalog (read by `aksara::introspect`) against the registry.

use crate::history::HISTORY_TABLE;
use crate::state::{ColumnDef, SchemaState};
use aksara_core::introspect::introspect;
use aksara_core::{Db, Dialect, FieldKind, Target};
use std::collections::BTreeMap;

/// One difference between the database and the models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A model's table is not in the database.
    MissingTable {
        /// The table.
        table: String,
    },
    /// A table of the database no model has (the history table excepted).
    ExtraTable {
        /// The table.
        table: String,
    },
    /// A model's column is not in its table.
    MissingColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column of the table no field has.
    ExtraColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The column's type is not the one the field needs.
    TypeDiffers {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type the field needs, as this backend writes it.
        expected: String,
        /// The type the column has, as this backend writes it.
        found: String,
    },
    /// The column allows NULL where the field does not, or the other way round.
    NullabilityDiffers {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// True when the field is nullable.
        expected_nullable: bool,
    },
    /// The column has a UNIQUE constraint of its own where the field has none, or the other
    /// way round.
    UniqueDiffers {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// True when the field is unique.
        expected_unique: bool,
    },
    /// A relation's foreign key is missing, or references another column or deletes
    /// otherwise.
    MissingForeignKey {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What it should reference: `table.column ON DELETE action`.
        references: String,
    },
    /// A foreign key no relation declares.
    ExtraForeignKey {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What it references: `table.column`.
        references: String,
    },
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::MissingTable { table } => write!(f, "table {table} is missing"),
            Drift::ExtraTable { table } => write!(f, "table {table} is in the database but no model has it"),
            Drift::MissingColumn { table, column } => write!(f, "column {table}.{column} is missing"),
            Drift::ExtraColumn { table, column } => {
                write!(f, "column {table}.{column} is in the database but no field has it")
            }
            Drift::TypeDiffers { table, column, expected, found } => {
                write!(f, "column {table}.{column} is {found}, the model needs {expected}")
            }
            Drift::NullabilityDiffers { table, column, expected_nullable } => write!(
                f,
                "column {table}.{column} is {}, the model needs {}",
                if *expected_nullable { "NOT NULL" } else { "nullable" },
                if *expected_nullable { "nullable" } else { "NOT NULL" }
            ),
            Drift::UniqueDiffers { table, column, expected_unique } => write!(
                f,
                "column {table}.{column} {} a UNIQUE constraint the model {}",
                if *expected_unique { "lacks" } else { "has" },
                if *expected_unique { "needs" } else { "does not declare" }
            ),
            Drift::MissingForeignKey { table, column, references } => {
                write!(f, "foreign key {table}.{column} -> {references} is missing")
            }
            Drift::ExtraForeignKey { table, column, references } => write!(
                f,
                "foreign key {table}.{column} -> {references} is in the database but no relation declares it"
            ),
        }
    }
}

/// Every difference found, with a Display of one line each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// The differences, table by table.
    pub items: Vec<Drift>,
}

impl DriftReport {
    /// True when the database matches the models.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl std::fmt::Display for DriftReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.items.is_empty() {
            return write!(f, "no drift: the database matches the models");
        }
        writeln!(
            f,
            "{} difference(s) between the database and the models:",
            self.items.len()
        )?;
        for item in &self.items {
            writeln!(f, "- {item}")?;
        }
        Ok(())
    }
}

/// The kind the catalog reports for a column created for `kind` (so that, say, MySQL's
/// `BOOLEAN`, read back as `tinyint(1)`, compares equal).
fn as_catalog_reads(d: &dyn Dialect, kind: &FieldKind) -> FieldKind {
    d.kind_of_column_type(&d.column_type(kind))
}

fn same_action(a: &str, b: &str) -> bool {
    let norm = |s: &str| match s {
        "NO ACTION" | "RESTRICT" => "RESTRICT".to_string(),
        other => other.to_string(),
    };
    norm(a) == norm(b)
}

/// A live table's columns: (column, kind, nullable, unique, reference as
/// (table, column, on_delete)).
type LiveColumn = (FieldKind, bool, bool, Option<(String, String, String)>);

/// Compares the database `db` is connected to with its registry and lists every
/// difference: missing and extra tables and columns, types, nullability, single-column
/// uniqueness, foreign keys.
///
/// # Errors
/// Database errors from reading the catalog.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> aksara::Result<()> {
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// let drift = aksara_migrate::check(&db).await?;
/// assert!(drift.items.contains(&aksara_migrate::Drift::MissingTable { table: "posts".into() }));
/// aksara::ddl::create_all(&db).await?;
/// assert!(aksara_migrate::check(&db).await?.is_empty());
/// # Ok(()) }
/// ```
pub async fn check(db: &Db) -> aksara_core::Result<DriftReport> {
    let d = db.dialect();
    let schema = introspect(db).await?;
    let mut live: BTreeMap<String, BTreeMap<String, LiveColumn>> = BTreeMap::new();
    for model in schema.registry.models() {
        let meta = &model.meta;
        let mut columns = BTreeMap::new();
        for f in meta.concrete_fields() {
            let reference = f.relation.as_ref().and_then(|r| {
                let Target::Name(target) = &r.target else {
                    return None;
                };
                let target = schema.registry.model(target).ok()?;
                let column = r
                    .to_column
                    .clone()
                    .or_else(|| target.meta.try_pk().map(|pk| pk.column.clone()))?;
                Some((
                    target.meta.table.clone(),
                    column,
                    r.on_delete.sql_action().to_string(),
                ))
            });
            columns.insert(
                f.column.clone(),
                (f.kind.clone(), f.nullable, f.unique, reference),
            );
        }
        live.insert(meta.table.clone(), columns);
    }
    let wanted = SchemaState::from_registry(db.registry());
    let mut items = Vec::new();
    for (name, table) in &wanted.tables {
        let Some(columns) = live.get(name) else {
            items.push(Drift::MissingTable {
                table: name.clone(),
            });
            continue;
        };
        for c in &table.columns {
            match columns.get(&c.name) {
                None => items.push(Drift::MissingColumn {
                    table: name.clone(),
                    column: c.name.clone(),
                }),
                Some(found) => compare_column(d, name, c, found, &mut items),
            }
        }
        for column in columns.keys().filter(|k| table.column(k).is_none()) {
            items.push(Drift::ExtraColumn {
                table: name.clone(),
                column: column.clone(),
            });
        }
    }
    for name in live.keys() {
        if !wanted.tables.contains_key(name) && name != HISTORY_TABLE {
            items.push(Drift::ExtraTable {
                table: name.clone(),
            });
        }
    }
    Ok(DriftReport { items })
}

fn compare_column(
    d: &dyn Dialect,
    table: &str,
    c: &ColumnDef,
    found: &LiveColumn,
    items: &mut Vec<Drift>,
) {
    let (kind, nullable, unique, reference) = found;
    let column = || c.name.clone();
    let expected = c.kind.kind();
    let expected_read = as_catalog_reads(d, &expected);
    if expected_read != *kind && as_catalog_reads(d, kind) != expected_read {
        items.push(Drift::TypeDiffers {
            table: table.into(),
            column: column(),
            expected: d.column_type(&expected),
            found: d.column_type(kind),
        });
    }
    if !c.primary_key && c.nullable != *nullable {
        items.push(Drift::NullabilityDiffers {
            table: table.into(),
            column: column(),
            expected_nullable: c.nullable,
        });
    }
    if !c.primary_key && c.unique != *unique {
        items.push(Drift::UniqueDiffers {
            table: table.into(),
            column: column(),
            expected_unique: c.unique,
        });
    }
    match (&c.references, reference) {
        (Some(r), Some((t, col, action)))
            if r.table == *t && r.column == *col && same_action(&r.on_delete, action) => {}
        (Some(r), _) => items.push(Drift::MissingForeignKey {
            table: table.into(),
            column: column(),
            references: format!("{}.{} ON DELETE {}", r.table, r.column, r.on_delete),
        }),
        (None, Some((t, col, _))) => items.push(Drift::ExtraForeignKey {
            table: table.into(),
            column: column(),
            references: format!("{t}.{col}"),
        }),
        (None, None) => {}
    }
}
