//! Deleting rows and what `on_delete` does about the rows that reference them.
//!
//! # How on_delete is enforced
//! Deleting is done the way Django's `Collector` does it. In one transaction the ORM
//! - reads the keys of the rows to delete;
//! - follows every relation pointing at them, level by level (a relation with a `to_field`
//!   is followed through the column it references, read from the same rows in a subquery): `CASCADE` adds the referencing
//!   rows to the rows to delete (and is followed from them in turn), `PROTECT` and `RESTRICT`
//!   note the referencing rows, `SET(value)` and `SET_DEFAULT` note the referencing rows and
//!   the value to give them, `SET_NULL` is left to the database and `DO_NOTHING` to the
//!   database's constraint (which refuses the delete if a row still references it);
//! - refuses the delete, with nothing deleted, when any `PROTECT` relation has referencing
//!   rows, or when a `RESTRICT` relation has referencing rows that are not themselves being
//!   deleted by the same cascade (Django's rule). The error names every refusing relation, how
//!   many rows refuse and their first few keys;
//! - sets the column of the `SET(value)` and `SET_DEFAULT` rows (before any row is deleted,
//!   as Django does);
//! - deletes the collected rows, one model at a time, referencing rows before the rows they
//!   reference, so the database's own constraints never see a reference to a deleted row.
//!
//! The foreign keys in the database keep their `ON DELETE CASCADE`, `SET NULL` and
//! `RESTRICT` (for both `RESTRICT` and `PROTECT`) actions, and `NO ACTION` for `SET(value)`,
//! `SET_DEFAULT` and `DO_NOTHING`, so raw SQL deletes never leave
//! dangling references; only the ORM applies Django's finer `RESTRICT` rule. Rows inserted
//! by another connection between the collection and the delete are still handled by the
//! database (cascaded, set to NULL or refused), and are not counted.
//!
//! A model that no `CASCADE`, `PROTECT` or `RESTRICT` relation points at is deleted with a
//! single statement.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::compile::{in_list_limit, Compiler};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::error_context::{relate, Context};
use crate::meta::OnDelete;
use crate::query::Query;
use crate::registry::{Registry, Via};
use crate::value::Value;

mod refusal;
use refusal::{refuse, Refusal};

/// What a delete removed: every row, the cascaded ones included, and how many of each model.
///
/// Returned by `QuerySet::delete` and by the `delete` method of every model. Models are named
/// as in the registry (junction models of many-to-many fields as `Post_tags`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Rows deleted, all models together.
    pub total: u64,
    /// Rows deleted per model name. The deleted model is always present (0 when nothing
    /// matched); other models only when rows of theirs were deleted.
    pub per_model: BTreeMap<String, u64>,
}

impl Deleted {
    /// Rows of `model` deleted (0 when none).
    pub fn of(&self, model: &str) -> u64 {
        self.per_model.get(model).copied().unwrap_or(0)
    }
}

/// A relation pointing at a model: the referencing model, its column and field, its
/// `on_delete`, and the column it references (the key, or another with a `to_field`).
struct Reference {
    child: usize,
    column: String,
    target_column: String,
    field: String,
    on_delete: OnDelete,
}

/// Every foreign key (or one-to-one) pointing at `model`, hidden ones (`related_name = "+"`,
/// junction models) included.
fn references_to(registry: &Registry, model: usize) -> Vec<Reference> {
    let mut found = Vec::new();
    for info in registry.models() {
        for edge in info.edges.iter().filter(|e| e.forward && e.target == model) {
            if let Via::Forward {
                column,
                target_column,
            } = &edge.via
            {
                found.push(Reference {
                    child: info.index,
                    column: column.clone(),
                    target_column: target_column.clone(),
                    field: edge.field.clone(),
                    on_delete: edge.on_delete,
                });
            }
        }
    }
    found
}

/// Which rows to delete.
pub(crate) enum Rows<'a> {
    /// The row with this key.
    Key(Value),
    /// The rows a query selects.
    Query(&'a Query),
}

/// Deletes the rows a query selects; see the module docs.
pub(crate) async fn delete_rows(db: &Db, model: usize, query: &Query) -> Result<Deleted> {
    delete(db, model, Rows::Query(query)).await
}

/// Referencing rows whose column `on_delete = SET(value)` or `SET_DEFAULT` sets.
struct FieldUpdate {
    child: usize,
    field: String,
    value: Value,
    keys: Vec<Value>,
}

/// True when the ORM has nothing to do for the relation: the database applies it.
fn left_to_database(on_delete: OnDelete) -> bool {
    matches!(on_delete, OnDelete::SetNull | OnDelete::DoNothing)
}

/// The value `SET(..)` / `SET_DEFAULT` gives the referencing column.
fn set_value(registry: &Registry, r: &Reference) -> Result<Value> {
    let child = &registry.at(r.child).meta;
    match r.on_delete {
        OnDelete::Set(value) => Ok(value()),
        _ => child
            .field(&r.field)
            .and_then(|f| f.default.clone())
            .ok_or_else(|| {
                Error::config(format!(
                    "{}.{}: on_delete SET_DEFAULT needs a default on the field (#[aksara(default = ...)])",
                    child.name, r.field
                ))
            }),
    }
}

/// The rows collected for deletion, per model, in the order the models were reached.
#[derive(Default)]
struct Collected {
    order: Vec<usize>,
    /// Per model: the keys in the batches they were found in, and their identities.
    keys: HashMap<usize, (Vec<Vec<Value>>, HashSet<String>)>,
}

impl Collected {
    /// Adds `keys` to the rows of `model`; returns those not collected before.
    fn add(&mut self, model: usize, keys: Vec<Value>) -> Vec<Value> {
        if !self.keys.contains_key(&model) {
            self.order.push(model);
        }
        let (all, seen) = self.keys.entry(model).or_default();
        let new: Vec<Value> = keys
            .into_iter()
            .filter(|key| seen.insert(key_text(key)))
            .collect();
        if !new.is_empty() {
            all.push(new.clone());
        }
        new
    }

    fn contains(&self, model: usize, key: &Value) -> bool {
        self.keys
            .get(&model)
            .is_some_and(|(_, seen)| seen.contains(&key_text(key)))
    }
}

/// A key's identity for de-duplication (values read back from one column share a variant).
fn key_text(key: &Value) -> String {
    format!("{key:?}")
}

/// Deletes rows of the model at `model` and everything its `on_delete` relations take with
/// them; see the module docs.
pub(crate) async fn delete(db: &Db, model: usize, rows: Rows<'_>) -> Result<Deleted> {
    let registry = db.registry().clone();
    let info = registry.at(model);
    let name = info.meta.name.clone();
    if let Rows::Query(query) = &rows {
        if query.limit.is_some() || query.offset.is_some() {
            return Err(Error::config(format!(
                "cannot delete {name} rows from a sliced query (limit/offset): which rows go would depend on the order; filter on the keys instead, e.g. filter(q!(pk__in = ...))"
            )));
        }
    }
    let mut compiler = Compiler::new(&registry, db.dialect());
    let collect = references_to(&registry, model)
        .iter()
        .any(|r| !left_to_database(r.on_delete));
    if !collect {
        let statement = match &rows {
            Rows::Key(key) => compiler.delete_by_pk(&info.meta, key.clone())?,
            Rows::Query(query) => compiler.delete(info, query)?,
        };
        let context = Context::Delete { model: &name };
        let n = db
            .execute_raw(statement)
            .await
            .map(|n| n as u64)
            .map_err(|e| relate(db.registry(), e, Some(context)))?;
        return Ok(Deleted {
            total: n,
            per_model: BTreeMap::from([(name, n)]),
        });
    }
    let roots = match &rows {
        Rows::Key(key) => compiler.key(&info.meta, key.clone())?,
        Rows::Query(query) => compiler.keys(info, query)?,
    };
    db.transaction(|tx| async move {
        let root_keys: Vec<Value> = tx
            .fetch(roots)
            .await?
            .into_iter()
            .filter_map(|row| row.into_iter().next())
            .collect();
        let (collected, refusals, updates) = collect_rows(&tx, model, root_keys).await?;
        refuse(&tx, &name, &collected, refusals)?;
        set_referencing(&tx, updates).await?;
        let deleted = delete_collected(&tx, &collected).await?;
        let mut per_model = BTreeMap::from([(name, 0)]);
        let mut total = 0;
        for (m, n) in deleted {
            total += n;
            *per_model
                .entry(tx.registry().at(m).meta.name.clone())
                .or_default() += n;
        }
        Ok(Deleted { total, per_model })
    })
    .await
}

/// Sets the column of the rows `SET(value)` and `SET_DEFAULT` relations noted.
async fn set_referencing(tx: &Db, updates: Vec<FieldUpdate>) -> Result<()> {
    let registry = tx.registry().clone();
    let chunk = in_list_limit(tx.dialect());
    for update in updates {
        let child = &registry.at(update.child).meta;
        let field = child.field(&update.field).ok_or_else(|| {
            Error::config(format!("{} has no field {}", child.name, update.field))
        })?;
        for part in update.keys.chunks(chunk) {
            let sql = Compiler::new(&registry, tx.dialect()).update_keys(
                child,
                field,
                update.value.clone(),
                part.to_vec(),
            )?;
            let context = Context::Write {
                model: &child.name,
                values: &[],
            };
            tx.execute_raw(sql)
                .await
                .map_err(|e| relate(&registry, e, Some(context)))?;
        }
    }
    Ok(())
}

/// Rows to delete, rows refusing the delete, and rows to update.
type Collection = (Collected, Vec<Refusal>, Vec<FieldUpdate>);

/// Follows the relations pointing at the rows to delete; returns the rows to delete, the
/// rows of `PROTECT` and `RESTRICT` relations that reference them, and the rows of `SET(..)`
/// and `SET_DEFAULT` relations with their new value.
async fn collect_rows(tx: &Db, model: usize, root_keys: Vec<Value>) -> Result<Collection> {
    let registry = tx.registry().clone();
    let chunk = in_list_limit(tx.dialect());
    let mut collected = Collected::default();
    let mut refusals: Vec<Refusal> = Vec::new();
    let mut updates: Vec<FieldUpdate> = Vec::new();
    let mut queue = vec![(model, collected.add(model, root_keys))];
    let mut references: HashMap<usize, Vec<Reference>> = HashMap::new();
    while let Some((current, keys)) = queue.pop() {
        if keys.is_empty() {
            continue;
        }
        let refs = references
            .entry(current)
            .or_insert_with(|| references_to(&registry, current));
        let parent = &registry.at(current).meta;
        let parent_key = parent.pk()?.column.clone();
        for r in refs.iter().filter(|r| !left_to_database(r.on_delete)) {
            let child = &registry.at(r.child).meta;
            let mut found = Vec::new();
            for part in keys.chunks(chunk) {
                let mut compiler = Compiler::new(&registry, tx.dialect());
                // The rows are collected by key; a `to_field` relation references another
                // column, whose values are read from the same rows in a subquery.
                let sql = if r.target_column == parent_key {
                    compiler.keys_referencing(child, &r.column, part.to_vec())?
                } else {
                    compiler.keys_referencing_column(
                        child,
                        &r.column,
                        parent,
                        &r.target_column,
                        part.to_vec(),
                    )?
                };
                found.extend(
                    tx.fetch(sql)
                        .await?
                        .into_iter()
                        .filter_map(|row| row.into_iter().next()),
                );
            }
            if found.is_empty() {
                continue;
            }
            match r.on_delete {
                OnDelete::Cascade => {
                    let new = collected.add(r.child, found);
                    queue.push((r.child, new));
                }
                OnDelete::Protect | OnDelete::Restrict => {
                    let at = match refusals
                        .iter()
                        .position(|x| x.child == r.child && x.field == r.field)
                    {
                        Some(at) => at,
                        None => {
                            refusals.push(Refusal {
                                child: r.child,
                                field: r.field.clone(),
                                on_delete: r.on_delete,
                                keys: Vec::new(),
                                seen: HashSet::new(),
                            });
                            refusals.len() - 1
                        }
                    };
                    let refusal = &mut refusals[at];
                    for key in found {
                        if refusal.seen.insert(key_text(&key)) {
                            refusal.keys.push(key);
                        }
                    }
                }
                OnDelete::SetDefault | OnDelete::Set(_) => updates.push(FieldUpdate {
                    child: r.child,
                    field: r.field.clone(),
                    value: set_value(&registry, r)?,
                    keys: found,
                }),
                OnDelete::SetNull | OnDelete::DoNothing => {}
            }
        }
    }
    Ok((collected, refusals, updates))
}

/// Deletes the collected rows, rows referencing others before them; returns the rows
/// deleted per model.
///
/// The rows were read in this transaction; one that another connection deleted meanwhile is
/// still counted.
async fn delete_collected(tx: &Db, collected: &Collected) -> Result<Vec<(usize, u64)>> {
    let registry = tx.registry().clone();
    let chunk = in_list_limit(tx.dialect());
    // Which collected models reference which (self-references aside).
    let mut referenced_by: HashMap<usize, Vec<usize>> = HashMap::new();
    for &m in &collected.order {
        for r in references_to(&registry, m) {
            if r.child != m && collected.keys.contains_key(&r.child) {
                referenced_by.entry(m).or_default().push(r.child);
            }
        }
    }
    let mut remaining = collected.order.clone();
    let mut done = Vec::new();
    while !remaining.is_empty() {
        // A model whose referencing models are all deleted already; in a cycle, the first.
        let at = remaining
            .iter()
            .position(|m| {
                referenced_by
                    .get(m)
                    .is_none_or(|children| children.iter().all(|c| !remaining.contains(c)))
            })
            .unwrap_or(0);
        let m = remaining.remove(at);
        let info = registry.at(m);
        // Batches found later (deeper in a cascade through a self-reference) go first.
        let (batches, seen) = &collected.keys[&m];
        for part in batches.iter().rev().flat_map(|keys| keys.chunks(chunk)) {
            let sql =
                Compiler::new(&registry, tx.dialect()).delete_keys(&info.meta, part.to_vec())?;
            let context = Context::Delete {
                model: &info.meta.name,
            };
            tx.execute_raw(sql)
                .await
                .map_err(|e| relate(&registry, e, Some(context)))?;
        }
        // The rows collected, all gone now: counted so, because a statement's count leaves
        // out the rows the database cascaded to (a self-reference deleted in one statement).
        done.push((m, seen.len() as u64));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use crate::db::{Backend, Connection, PoolStatus, Row};
    use crate::dialect::{Dialect, ListBinding};
    use crate::error::{DbError, Error};
    use crate::meta::{FieldMeta, ModelMeta};
    use crate::record::Record;
    use crate::registry::Registry;
    use crate::sql::Sql;
    use crate::value::FieldKind;
    use crate::{Db, QuerySet};
    use async_trait::async_trait;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[derive(Debug)]
    struct Plain;

    impl Dialect for Plain {
        fn name(&self) -> &'static str {
            "plain"
        }
        fn placeholder(&self, _: usize) -> String {
            "?".into()
        }
        fn quote_identifier(&self, name: &str) -> String {
            format!("\"{name}\"")
        }
        fn column_type(&self, _: &FieldKind) -> String {
            "TEXT".into()
        }
        fn auto_primary_key(&self, _: &FieldKind) -> String {
            "INTEGER PRIMARY KEY".into()
        }
        fn list_binding(&self) -> ListBinding {
            ListBinding::Padded(&[1, 10, 100])
        }
        fn supports_returning(&self) -> bool {
            false
        }
        fn list_tables_sql(&self) -> &'static str {
            ""
        }
    }

    /// A database with no rows that counts the statements it is sent.
    struct Empty(Arc<AtomicUsize>);

    #[async_trait]
    impl Connection for Empty {
        async fn fetch(&mut self, _: Sql) -> Result<Vec<Row>, DbError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(Vec::new())
        }
        async fn execute(&mut self, _: Sql) -> Result<usize, DbError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(0)
        }
        async fn begin(&mut self) -> Result<(), DbError> {
            Ok(())
        }
        async fn commit(&mut self) -> Result<(), DbError> {
            Ok(())
        }
        async fn rollback(&mut self) -> Result<(), DbError> {
            Ok(())
        }
    }

    struct EmptyBackend(Arc<AtomicUsize>);

    #[async_trait]
    impl Backend for EmptyBackend {
        fn dialect(&self) -> &'static dyn Dialect {
            &Plain
        }
        async fn acquire(&self) -> Result<Box<dyn Connection>, DbError> {
            Ok(Box::new(Empty(self.0.clone())))
        }
        fn pool_status(&self) -> PoolStatus {
            PoolStatus {
                max_size: 1,
                size: 1,
                available: 1,
            }
        }
    }

    /// A table read from a catalog without a primary key, as introspection registers it.
    fn keyless_db() -> (Db, Arc<AtomicUsize>) {
        let mut meta = ModelMeta::new("AuditLog", "audit_log");
        meta.fields.push(FieldMeta::new("message", FieldKind::Text));
        meta.introspected = true;
        let registry = Registry::builder()
            .meta(&meta)
            .build()
            .expect("keyless is accepted");
        let statements = Arc::new(AtomicUsize::new(0));
        let db = Db::new(Box::new(EmptyBackend(statements.clone())), registry);
        (db, statements)
    }

    fn names_the_keyless_model<T: std::fmt::Debug>(result: crate::Result<T>) {
        match result {
            Err(Error::Config(messages)) => {
                assert!(
                    messages.iter().any(|m| m.contains("AuditLog")),
                    "{messages:?}"
                );
            }
            other => panic!("expected Error::Config naming AuditLog, got {other:?}"),
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_filtered_delete_on_a_keyless_table_is_a_config_error_not_a_panic() {
        let (db, statements) = keyless_db();
        // Deleting the selected rows goes through their keys (`WHERE pk IN (SELECT pk ...)`).
        let filtered = QuerySet::<Record>::of("AuditLog").filter(("message", "x"));
        names_the_keyless_model(filtered.delete(&db).await);
        assert_eq!(statements.load(Ordering::Relaxed), 0, "nothing ran");
        // Deleting every row needs no key: one plain DELETE.
        let all = QuerySet::<Record>::of("AuditLog").delete(&db).await;
        assert_eq!(all.expect("plain delete").total, 0);
        assert_eq!(statements.load(Ordering::Relaxed), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_keyless_table_can_still_be_read() {
        let (db, statements) = keyless_db();
        let rows = QuerySet::<Record>::of("AuditLog")
            .all(&db)
            .await
            .expect("read");
        assert!(rows.is_empty());
        assert_eq!(statements.load(Ordering::Relaxed), 1);
    }
}
