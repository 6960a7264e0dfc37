//! The junction statements of a many-to-many manager: finding the junction, locking the
//! owner, inserting and deleting links, and relating their errors to the junction.

use super::ManyToManyManager;
use crate::compile::{Compiler, InsertOptions};
use crate::db::Db;
use crate::dialect::ListBinding;
use crate::error::{Error, Result};
use crate::error_context::Context;
use crate::meta::FieldMeta;
use crate::model::{Model, PrimaryKey};
use crate::query::{Condition, Query};
use crate::registry::{ModelInfo, Registry, Via};
use crate::sql::Sql;
use crate::value::Value;
use crate::write_prep::{checked, default_value};

/// The junction of a relation as seen from one side.
pub(super) struct Junction<'r> {
    pub(super) info: &'r ModelInfo,
    pub(super) source: &'r FieldMeta,
    pub(super) target: &'r FieldMeta,
    /// The relation is symmetrical (`#[aksara(symmetrical)]`): every link is stored both
    /// ways, `(a, b)` and `(b, a)`, and a row linked to itself once.
    pub(super) symmetrical: bool,
}

impl<'a, T: Model> ManyToManyManager<'a, T> {
    pub(super) fn junction<'r>(&self, registry: &'r Registry) -> Result<Junction<'r>> {
        let owner = registry.model(self.owner_model)?;
        let edge = owner
            .edges
            .iter()
            .find(|e| {
                e.owner == self.declaring_model
                    && e.field == self.field
                    && e.forward == self.forward
            })
            .ok_or_else(|| {
                Error::config(format!(
                    "{} has no relation {}",
                    self.owner_model,
                    self.relation_name()
                ))
            })?;
        let Via::Junction {
            junction,
            source_column,
            target_column,
            ..
        } = &edge.via
        else {
            return Err(Error::config(format!(
                "{} is not a many-to-many relation",
                self.relation_name()
            )));
        };
        let info = registry.at(*junction);
        let find = |column: &str| {
            info.meta
                .concrete_fields()
                .find(|f| f.column == column)
                .ok_or_else(|| {
                    Error::config(format!(
                        "the junction {} of {} has no key column {column}",
                        info.meta.name,
                        self.relation_name()
                    ))
                })
        };
        let symmetrical = registry
            .model(self.declaring_model)?
            .meta
            .field(self.field)
            .and_then(|f| f.relation.as_ref())
            .is_some_and(|r| r.symmetrical);
        Ok(Junction {
            info,
            source: find(source_column)?,
            target: find(target_column)?,
            symmetrical,
        })
    }

    pub(super) fn target_keys(
        &self,
        junction: &Junction<'_>,
        items: Vec<Value>,
    ) -> Result<Vec<Value>> {
        let mut keys = Vec::with_capacity(items.len());
        let mut seen = rustc_hash::FxHashSet::default();
        for item in items {
            let key = checked(junction.info, junction.target, item)?;
            if key.is_null() {
                return Err(Error::validation(
                    &junction.info.meta.name,
                    &junction.target.name,
                    "cannot link NULL",
                ));
            }
            if let Some(k) = crate::prefetch::KeyOf::of(&key) {
                if seen.insert(k) {
                    keys.push(key);
                }
            }
        }
        Ok(keys)
    }

    /// The statement that locks the owner's row for the rest of the transaction, so that the
    /// writes of one owner's links run one after the other; `None` where the transaction
    /// itself serialises writers (SQLite takes the write lock at `BEGIN`).
    pub(super) fn lock_owner(&self, db: &Db, registry: &Registry) -> Result<Option<Sql>> {
        let Some(clause) = db.dialect().lock_row_clause() else {
            return Ok(None);
        };
        let owner = registry.model(self.owner_model)?;
        let pk = owner.meta.pk()?;
        let key = checked(owner, pk, self.key.clone())?;
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .ident(&pk.column)
            .push(" FROM ")
            .ident(&owner.meta.table)
            .push(" WHERE ")
            .ident(&pk.column)
            .push(" = ");
        sql.bind(key, Some(pk.kind.value_type()));
        sql.push(clause);
        Ok(Some(sql))
    }

    /// The inserts linking the owner to `keys`, with `given` values for a through model's
    /// extra fields; a required extra field without a value or default is an error.
    pub(super) fn link_statements(
        &self,
        db: &Db,
        registry: &Registry,
        junction: &Junction<'_>,
        keys: &[Value],
        given: &[(String, Value)],
    ) -> Result<Vec<Sql>> {
        let meta = &junction.info.meta;
        let source_key = checked(junction.info, junction.source, self.key.clone())?;
        let pk = meta.pk()?;
        let mut columns: Vec<&FieldMeta> = Vec::new();
        let mut fixed: Vec<Value> = Vec::new();
        for f in meta.concrete_fields() {
            if f.primary_key || std::ptr::eq(f, junction.source) || std::ptr::eq(f, junction.target)
            {
                continue;
            }
            let value = match given.iter().find(|(n, _)| n == &f.name || n == &f.column) {
                Some((_, v)) => v.clone(),
                None => default_value(f, None).ok_or_else(|| {
                    Error::validation(
                        &meta.name,
                        &f.name,
                        format!("is required to link through {}: pass it with add_with(db, items, [(\"{}\", value)]) or set_with", meta.name, f.name),
                    )
                })?,
            };
            columns.push(f);
            fixed.push(checked(junction.info, f, value)?);
        }
        let generate_pk = !pk.kind.is_auto();
        let mut all_columns: Vec<&FieldMeta> = Vec::new();
        if generate_pk {
            all_columns.push(pk);
        }
        all_columns.push(junction.source);
        all_columns.push(junction.target);
        all_columns.extend(columns.iter().copied());
        let new_pk = || -> Value {
            match pk.kind {
                crate::value::FieldKind::Uuid => {
                    uuid::Uuid::generate().map_or(Value::Null, Value::Uuid)
                }
                _ => Value::Null,
            }
        };
        // The (source, target) pairs: for a symmetrical relation each link both ways, except
        // a link of the owner to itself, which is one row.
        let own = crate::prefetch::KeyOf::of(&source_key);
        let mut pairs: Vec<(Value, Value)> = Vec::with_capacity(keys.len() * 2);
        for k in keys {
            pairs.push((source_key.clone(), k.clone()));
            if junction.symmetrical && crate::prefetch::KeyOf::of(k) != own {
                pairs.push((k.clone(), source_key.clone()));
            }
        }
        let compiler = Compiler::new(registry, db.dialect());
        Ok(
            if db.dialect().list_binding() == ListBinding::Array && fixed.is_empty() {
                let mut arrays: Vec<Vec<Value>> = Vec::new();
                if generate_pk {
                    arrays.push(pairs.iter().map(|_| new_pk()).collect());
                }
                let (sources, targets): (Vec<Value>, Vec<Value>) = pairs.into_iter().unzip();
                arrays.push(sources);
                arrays.push(targets);
                vec![compiler.insert_unnest(meta, &all_columns, arrays)]
            } else {
                let rows = pairs
                    .into_iter()
                    .map(|(source, target)| {
                        let mut row = Vec::with_capacity(all_columns.len());
                        if generate_pk {
                            row.push(new_pk());
                        }
                        row.push(source);
                        row.push(target);
                        row.extend(fixed.iter().cloned());
                        row
                    })
                    .collect();
                compiler
                    .insert_batches(
                        meta,
                        &all_columns,
                        rows,
                        InsertOptions::ignoring_duplicates(),
                    )
                    .into_iter()
                    .map(|(sql, _)| sql)
                    .collect()
            },
        )
    }

    pub(super) fn junction_query(
        &self,
        junction: &Junction<'_>,
        targets: Option<(bool, Vec<Value>)>,
    ) -> Query {
        if junction.symmetrical {
            return self.symmetrical_query(junction, targets);
        }
        let mut query = Query::default();
        query.conditions.push(Condition::new(
            junction.source.name.clone(),
            self.key.clone(),
        ));
        if let Some((keep, keys)) = targets {
            let condition =
                Condition::new(format!("{}__in", junction.target.name), Value::Array(keys));
            query.conditions.push(if keep {
                condition
            } else {
                Condition::Not(Box::new(condition))
            });
        }
        query
    }

    /// [`junction_query`](Self::junction_query) of a symmetrical relation: the owner's links
    /// in both directions, `(owner, x)` and `(x, owner)`, with `x` among (`true`) or outside
    /// (`false`) the given keys when there are some.
    fn symmetrical_query(
        &self,
        junction: &Junction<'_>,
        targets: Option<(bool, Vec<Value>)>,
    ) -> Query {
        let side = |owner: &FieldMeta, other: &FieldMeta| {
            let mut parts = vec![Condition::new(owner.name.clone(), self.key.clone())];
            if let Some((keep, keys)) = &targets {
                let condition =
                    Condition::new(format!("{}__in", other.name), Value::Array(keys.clone()));
                parts.push(if *keep {
                    condition
                } else {
                    Condition::Not(Box::new(condition))
                });
            }
            Condition::And(parts)
        };
        let mut query = Query::default();
        query
            .conditions
            .push(side(junction.source, junction.target) | side(junction.target, junction.source));
        query
    }

    /// Runs `delete` (built for the junction) in a transaction that holds the owner's lock.
    pub(super) async fn locked_delete(
        &self,
        db: &Db,
        registry: &Registry,
        delete: Sql,
    ) -> Result<u64> {
        let lock = self.lock_owner(db, registry)?;
        db.transaction_retrying(|tx| {
            let (lock, delete) = (lock.clone(), delete.clone());
            async move {
                if let Some(lock) = lock {
                    tx.fetch(lock).await?;
                }
                Ok(tx.execute(delete).await? as u64)
            }
        })
        .await
    }

    /// `SELECT target FROM junction WHERE source = key`: the keys linked now. A locking read
    /// where the dialect locks rows, so that it sees the latest links even inside an outer
    /// transaction whose snapshot is older (MySQL's repeatable read).
    pub(super) fn linked_keys(&self, db: &Db, junction: &Junction<'_>) -> Result<Sql> {
        let source_key = checked(junction.info, junction.source, self.key.clone())?;
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .ident(&junction.target.column)
            .push(" FROM ")
            .ident(&junction.info.meta.table)
            .push(" WHERE ")
            .ident(&junction.source.column)
            .push(" = ");
        sql.bind(source_key, Some(junction.source.kind.value_type()));
        if let Some(clause) = db.dialect().lock_row_clause() {
            sql.push(clause);
        }
        Ok(sql)
    }
}

/// The values given for a through model's extra fields, each naming one of its fields.
pub(super) fn through_values<N: AsRef<str>>(
    junction: &Junction<'_>,
    through_defaults: impl IntoIterator<Item = (N, Value)>,
) -> Result<Vec<(String, Value)>> {
    let given: Vec<(String, Value)> = through_defaults
        .into_iter()
        .map(|(n, v)| (n.as_ref().to_string(), v))
        .collect();
    let meta = &junction.info.meta;
    for (name, _) in &given {
        if !meta
            .concrete_fields()
            .any(|f| &f.name == name || &f.column == name)
        {
            return Err(junction.info.unknown(name));
        }
    }
    Ok(given)
}

/// The values written to the junction's target column, for naming a failed insert.
pub(super) struct WrittenLinks<'r> {
    model: &'r str,
    values: Vec<(&'r FieldMeta, Value)>,
}

impl WrittenLinks<'_> {
    pub(super) fn context(&self) -> Context<'_> {
        Context::Write {
            model: self.model,
            values: &self.values,
        }
    }
}

pub(super) fn junction_context<'r>(junction: &Junction<'r>, keys: &[Value]) -> WrittenLinks<'r> {
    WrittenLinks {
        model: &junction.info.meta.name,
        values: keys.iter().map(|k| (junction.target, k.clone())).collect(),
    }
}
