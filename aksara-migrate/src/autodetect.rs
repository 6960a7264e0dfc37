//! The autodetector: the operations that turn one [`SchemaState`] into another.
//!
//! Renames cannot be told from a drop and an add, so they are declared in [`Hints`]; so is
//! the value existing rows get in a new NOT NULL column without a default. Operations come
//! in an order every backend accepts: renames, then what goes away (foreign keys first, so
//! that no constraint points at a dropped column or table), then what comes (tables in
//! dependency order, the foreign keys that close a cycle last, once both tables exist).

use crate::error::{MigrateError, Result};
use crate::operation::Operation;
use crate::state::{ColumnDef, SchemaState, TableDef};
use aksara_core::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the autodetector cannot guess: renames, and values for existing rows.
///
/// ```
/// use aksara_migrate::Hints;
///
/// let hints = Hints::new()
///     .rename_table("people", "persons")
///     .rename_column("persons", "name", "full_name") // table by its new name
///     .fill("persons", "age", 0);
/// assert_eq!(hints.renamed_columns().len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Hints {
    tables: Vec<(String, String)>,
    columns: Vec<(String, String, String)>,
    fills: HashMap<(String, String), serde_json::Value>,
}

impl Hints {
    /// No hints.
    pub fn new() -> Self {
        Hints::default()
    }

    /// The table `from` is now called `to`.
    pub fn rename_table(mut self, from: &str, to: &str) -> Self {
        self.tables.push((from.into(), to.into()));
        self
    }

    /// The column `from` of `table` (named as it is now) is now called `to`.
    pub fn rename_column(mut self, table: &str, from: &str, to: &str) -> Self {
        self.columns.push((table.into(), from.into(), to.into()));
        self
    }

    /// Existing rows get `value` in the new (or newly NOT NULL) column `table.column`.
    pub fn fill(mut self, table: &str, column: &str, value: impl Into<Value>) -> Self {
        let json = crate::state::default_json(&value.into()).unwrap_or(serde_json::Value::Null);
        self.fills.insert((table.into(), column.into()), json);
        self
    }

    /// The table renames declared.
    pub fn renamed_tables(&self) -> &[(String, String)] {
        &self.tables
    }

    /// The column renames declared (table, from, to).
    pub fn renamed_columns(&self) -> &[(String, String, String)] {
        &self.columns
    }

    fn fill_for(&self, table: &str, column: &str) -> Option<serde_json::Value> {
        self.fills
            .get(&(table.to_string(), column.to_string()))
            .cloned()
    }
}

fn invalid(why: String) -> MigrateError {
    MigrateError::Invalid(why)
}

/// The tables of `names` in an order where each comes after the tables it references, and
/// the (table, column) foreign keys that close a cycle.
pub(crate) fn dependency_order(
    tables: &BTreeMap<String, TableDef>,
    names: &BTreeSet<String>,
) -> (Vec<String>, BTreeSet<(String, String)>) {
    fn visit(
        name: &str,
        tables: &BTreeMap<String, TableDef>,
        names: &BTreeSet<String>,
        state: &mut HashMap<String, u8>,
        order: &mut Vec<String>,
        deferred: &mut BTreeSet<(String, String)>,
    ) {
        state.insert(name.to_string(), 1);
        for c in &tables[name].columns {
            let Some(r) = &c.references else { continue };
            if r.table == name || !names.contains(&r.table) {
                continue;
            }
            match state.get(&r.table) {
                Some(1) => {
                    deferred.insert((name.to_string(), c.name.clone()));
                }
                Some(_) => {}
                None => visit(&r.table, tables, names, state, order, deferred),
            }
        }
        state.insert(name.to_string(), 2);
        order.push(name.to_string());
    }
    let mut state = HashMap::new();
    let mut order = Vec::new();
    let mut deferred = BTreeSet::new();
    for name in names {
        if !state.contains_key(name) {
            visit(name, tables, names, &mut state, &mut order, &mut deferred);
        }
    }
    (order, deferred)
}

fn same_shape(a: &ColumnDef, b: &ColumnDef) -> bool {
    a.kind == b.kind
        && a.nullable == b.nullable
        && a.default == b.default
        && a.unique == b.unique
        && a.primary_key == b.primary_key
}

/// The operations that turn `from` into `to`, renames and fills taken from `hints`.
///
/// # Errors
/// [`MigrateError::Invalid`] for a hint that does not fit the two states, a new NOT NULL
/// column without a default or a fill value, or a change of primary key (not supported).
///
/// ```
/// use aksara_migrate::{autodetect, Hints, Operation, SchemaState};
///
/// let ops = autodetect(&SchemaState::new(), &SchemaState::from_registry(&aksara::demo::registry()), &Hints::new())?;
/// assert!(ops.iter().any(|op| matches!(op, Operation::CreateTable { table } if table.name == "posts")));
/// # Ok::<(), aksara_migrate::MigrateError>(())
/// ```
pub fn autodetect(from: &SchemaState, to: &SchemaState, hints: &Hints) -> Result<Vec<Operation>> {
    let mut state = from.clone();
    let mut ops = Vec::new();
    let mut push = |op: Operation, state: &mut SchemaState| -> Result<()> {
        op.apply(state)?;
        ops.push(op);
        Ok(())
    };

    for (old, new) in &hints.tables {
        if !state.tables.contains_key(old)
            || !to.tables.contains_key(new)
            || to.tables.contains_key(old)
        {
            return Err(invalid(format!(
                "rename hint {old} -> {new}: the migrations must have a table {old} and the models a table {new} (and no {old})"
            )));
        }
        push(
            Operation::RenameTable {
                from: old.clone(),
                to: new.clone(),
            },
            &mut state,
        )?;
    }
    for (table, old, new) in &hints.columns {
        let fits = state
            .tables
            .get(table)
            .is_some_and(|t| t.column(old).is_some())
            && to
                .tables
                .get(table)
                .is_some_and(|t| t.column(new).is_some() && t.column(old).is_none());
        if !fits {
            return Err(invalid(format!(
                "rename hint {table}.{old} -> {new}: the migrations must have a column {table}.{old} and the models a column {table}.{new} (and no {old})"
            )));
        }
        push(
            Operation::RenameColumn {
                table: table.clone(),
                from: old.clone(),
                to: new.clone(),
            },
            &mut state,
        )?;
    }

    let current: BTreeSet<String> = state.tables.keys().cloned().collect();
    let wanted: BTreeSet<String> = to.tables.keys().cloned().collect();
    let dropped: BTreeSet<String> = current.difference(&wanted).cloned().collect();
    let created: BTreeSet<String> = wanted.difference(&current).cloned().collect();
    let common: Vec<String> = current.intersection(&wanted).cloned().collect();

    // What goes away: foreign keys, unique sets, indexes, columns, tables.
    for name in &common {
        let (cur, want) = (state.tables[name].clone(), &to.tables[name]);
        for c in &cur.columns {
            let Some(r) = &c.references else { continue };
            if want.column(&c.name).and_then(|w| w.references.as_ref()) != Some(r) {
                push(
                    Operation::DropForeignKey {
                        table: name.clone(),
                        column: c.name.clone(),
                        references: r.clone(),
                    },
                    &mut state,
                )?;
            }
        }
    }
    let (drop_order, drop_deferred) = dependency_order(&state.tables, &dropped);
    for (table, column) in &drop_deferred {
        let references = state.tables[table]
            .column(column)
            .and_then(|c| c.references.clone());
        if let Some(references) = references {
            push(
                Operation::DropForeignKey {
                    table: table.clone(),
                    column: column.clone(),
                    references,
                },
                &mut state,
            )?;
        }
    }
    for name in &common {
        let (cur, want) = (state.tables[name].clone(), &to.tables[name]);
        for group in cur
            .unique_together
            .iter()
            .filter(|g| !want.unique_together.contains(g))
        {
            push(
                Operation::DropUnique {
                    table: name.clone(),
                    columns: group.clone(),
                },
                &mut state,
            )?;
        }
        for index in cur.indexes.iter().filter(|i| !want.indexes.contains(i)) {
            push(
                Operation::DropIndex {
                    table: name.clone(),
                    index: index.clone(),
                },
                &mut state,
            )?;
        }
        for c in cur
            .columns
            .iter()
            .filter(|c| want.column(&c.name).is_none())
        {
            if c.primary_key {
                return Err(invalid(format!(
                    "{name}.{}: dropping or renaming a primary key is not supported",
                    c.name
                )));
            }
            push(
                Operation::DropColumn {
                    table: name.clone(),
                    column: state.tables[name]
                        .column(&c.name)
                        .cloned()
                        .unwrap_or_else(|| c.clone()),
                },
                &mut state,
            )?;
        }
    }
    for name in drop_order.iter().rev() {
        let table = state.tables[name].clone();
        push(Operation::DropTable { table }, &mut state)?;
    }

    // What comes: tables, columns, changed columns, unique sets, indexes, foreign keys.
    let (create_order, deferred) = dependency_order(&to.tables, &created);
    for name in &create_order {
        let mut table = to.tables[name].clone();
        for c in &mut table.columns {
            if deferred.contains(&(name.clone(), c.name.clone())) {
                c.references = None;
            }
        }
        push(Operation::CreateTable { table }, &mut state)?;
    }
    for name in &common {
        let want = &to.tables[name];
        for w in &want.columns {
            match state.tables[name].column(&w.name).cloned() {
                None => {
                    if w.primary_key {
                        return Err(invalid(format!(
                            "{name}.{}: adding a primary key column is not supported",
                            w.name
                        )));
                    }
                    let fill = hints.fill_for(name, &w.name);
                    if !w.nullable && w.default.is_none() && fill.is_none() {
                        return Err(invalid(format!(
                            "{name}.{} is a new NOT NULL column without a default: existing rows \
                             need a value; give one with Hints::fill(\"{name}\", \"{}\", value), \
                             a default on the field, or make it an Option",
                            w.name, w.name
                        )));
                    }
                    push(
                        Operation::AddColumn {
                            table: name.clone(),
                            column: w.without_reference(),
                            fill,
                        },
                        &mut state,
                    )?;
                }
                Some(c) if !same_shape(&c, w) => {
                    if c.primary_key != w.primary_key || (c.primary_key && c.kind != w.kind) {
                        return Err(invalid(format!(
                            "{name}.{}: changing a primary key is not supported",
                            w.name
                        )));
                    }
                    let fill = if c.nullable && !w.nullable {
                        hints.fill_for(name, &w.name)
                    } else {
                        None
                    };
                    push(
                        Operation::AlterColumn {
                            table: name.clone(),
                            from: c.without_reference(),
                            to: w.without_reference(),
                            fill,
                        },
                        &mut state,
                    )?;
                }
                Some(_) => {}
            }
        }
    }
    for name in &common {
        let (cur, want) = (state.tables[name].clone(), &to.tables[name]);
        for group in want
            .unique_together
            .iter()
            .filter(|g| !cur.unique_together.contains(g))
        {
            push(
                Operation::AddUnique {
                    table: name.clone(),
                    columns: group.clone(),
                },
                &mut state,
            )?;
        }
        for index in want.indexes.iter().filter(|i| !cur.indexes.contains(i)) {
            push(
                Operation::AddIndex {
                    table: name.clone(),
                    index: index.clone(),
                },
                &mut state,
            )?;
        }
    }
    for (name, want) in &to.tables {
        for w in &want.columns {
            let Some(r) = &w.references else { continue };
            let has = state.tables[name]
                .column(&w.name)
                .and_then(|c| c.references.as_ref());
            if has != Some(r) {
                push(
                    Operation::AddForeignKey {
                        table: name.clone(),
                        column: w.name.clone(),
                        references: r.clone(),
                    },
                    &mut state,
                )?;
            }
        }
    }
    Ok(ops)
}
