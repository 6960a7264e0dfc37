//! Writing single instances: create, save, delete, refresh.

use crate::compile::{Compiler, InsertOptions};
use crate::db::Db;
use crate::deletion::{delete, Rows};
use crate::error::{Error, Result};
use crate::error_context::{relate, Context};
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord, RowReader};
use crate::registry::ModelInfo;
use crate::value::{FieldKind, Value};
use crate::write_prep::{checked, default_value, generated_pk, model_info};
use chrono::{SubsecRound, Utc};

/// A record checked and completed with its defaults, ready to be inserted.
pub(crate) struct Prepared<'m> {
    /// A value for every concrete field, NULL for a key the database assigns.
    pub(crate) row: Vec<Value>,
    /// The position and field of the key the database assigns, when none was given.
    pub(crate) auto_key: Option<(usize, &'m FieldMeta)>,
}

/// Checks `record` and fills in what it left unset: defaults, `auto_now_add` times and a
/// generated key. Refuses a missing required field before any SQL runs.
pub(crate) fn prepare<'i, M: Model>(
    dialect: &dyn crate::dialect::Dialect,
    info: &'i ModelInfo,
    record: NewRecord<M>,
) -> Result<Prepared<'i>> {
    let mut prepared = Prepared {
        row: Vec::new(),
        auto_key: None,
    };
    for (index, (field, given)) in info
        .meta
        .concrete_fields()
        .zip(record.into_values())
        .enumerate()
    {
        let generated = if field.primary_key {
            generated_pk::<M>()
        } else {
            None
        };
        let value = match given.or_else(|| default_value(field, generated)) {
            Some(value) => {
                let value = checked(info, field, value)?;
                crate::compile::check_range(dialect, &info.meta, field, &value)?;
                value
            }
            None if field.primary_key && field.kind.is_auto() => {
                prepared.auto_key = Some((index, field));
                prepared.row.push(Value::Null);
                continue;
            }
            None => {
                return Err(Error::validation(
                    &info.meta.name,
                    &field.name,
                    "a value is required (the field is not nullable and has no default)",
                ))
            }
        };
        prepared.row.push(value);
    }
    Ok(prepared)
}

/// Inserts a new row of `M` and returns it (see [`crate::QuerySet::create`]).
pub async fn insert<M: Model>(db: &Db, record: NewRecord<M>) -> Result<M> {
    let registry = db.registry();
    let info = model_info::<M>(registry)?;
    let Prepared { mut row, auto_key } = prepare(db.dialect(), info, record)?;
    // Every field but a key the database assigns, with its value.
    let written: Vec<(&FieldMeta, Value)> = info
        .meta
        .concrete_fields()
        .zip(&row)
        .enumerate()
        .filter(|(index, _)| auto_key.map(|(k, _)| k) != Some(*index))
        .map(|(_, (field, value))| (field, value.clone()))
        .collect();
    let columns: Vec<&FieldMeta> = written.iter().map(|(f, _)| *f).collect();
    let values: Vec<Value> = written.iter().map(|(_, v)| v.clone()).collect();
    let dialect = db.dialect();
    let compiler = Compiler::new(registry, dialect);
    let context = Context::Write {
        model: &info.meta.name,
        values: &written,
    };
    let fail = |e| relate(registry, e, Some(context));
    match auto_key {
        None => {
            db.execute_raw(compiler.insert(
                &info.meta,
                &columns,
                vec![values],
                InsertOptions::default(),
            ))
            .await
            .map_err(fail)?;
        }
        Some((index, key)) if dialect.supports_returning() => {
            let sql = compiler.insert(
                &info.meta,
                &columns,
                vec![values],
                InsertOptions::returning(&key.column),
            );
            let rows = db.fetch_raw(sql).await.map_err(fail)?;
            row[index] = rows
                .into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Value::Null);
        }
        Some((index, _)) => {
            let sql = compiler.insert(&info.meta, &columns, vec![values], InsertOptions::default());
            let last_id = dialect
                .last_insert_id_query()
                .ok_or_else(|| Error::config("the backend cannot report inserted keys"))?;
            // The same connection for both statements: LAST_INSERT_ID() is per session.
            let id = db
                .on_one_connection(|tx| async move {
                    tx.execute_raw(sql)
                        .await
                        .map_err(|e| relate(tx.registry(), e, Some(context)))?;
                    let mut query = crate::sql::Sql::new();
                    query.push(last_id);
                    Ok(tx
                        .fetch(query)
                        .await?
                        .into_iter()
                        .next()
                        .and_then(|r| r.into_iter().next()))
                })
                .await?;
            row[index] = id.unwrap_or(Value::Null);
        }
    }
    M::from_row(&mut RowReader::new(row))
}

/// Writes every field of `instance` to its row (by primary key); inserts the row when it does
/// not exist. `auto_now` fields are set to the current time first.
pub async fn save<M: Model>(db: &Db, instance: &mut M) -> Result<()> {
    let registry = db.registry();
    let info = model_info::<M>(registry)?;
    let mut values = instance.to_values();
    let mut touched = false;
    for (field, value) in info.meta.concrete_fields().zip(values.iter_mut()) {
        if field.auto_now {
            let now = Utc::now().trunc_subsecs(6);
            *value = if field.kind == FieldKind::Date {
                Value::Date(now.date_naive())
            } else {
                Value::DateTime(now)
            };
            touched = true;
        }
    }
    let mut written: Vec<(&FieldMeta, Value)> = Vec::new();
    let mut key = Value::Null;
    for (field, value) in info.meta.concrete_fields().zip(values.iter()) {
        if field.primary_key {
            key = value.clone();
            continue;
        }
        let value = checked(info, field, value.clone())?;
        crate::compile::check_range(db.dialect(), &info.meta, field, &value)?;
        written.push((field, value));
    }
    let compiler = Compiler::new(registry, db.dialect());
    let context = Context::Write {
        model: &info.meta.name,
        values: &written,
    };
    let changed = if written.is_empty() {
        0
    } else {
        let sql = compiler.update_by_pk(&info.meta, &written, key.clone())?;
        db.execute_raw(sql)
            .await
            .map_err(|e| relate(registry, e, Some(context)))?
    };
    if changed == 0 {
        let exists = M::objects()
            .filter(crate::Condition::new(info.meta.pk()?.name.clone(), key))
            .exists(db)
            .await?;
        if !exists {
            let mut record = NewRecord::<M>::new();
            for (i, value) in values.iter().enumerate() {
                record.set_index(i, value.clone());
            }
            *instance = insert(db, record).await?;
            return Ok(());
        }
    }
    if touched {
        let caches_kept = std::mem::replace(instance, M::from_row(&mut RowReader::new(values))?);
        drop(caches_kept);
    }
    Ok(())
}

/// Deletes the row of `instance` and applies `on_delete` to the rows referencing it (see
/// [`crate::deletion`]). Returns every row deleted, cascaded ones included, with the count per
/// model (`M`'s count is 0 when the row was already gone).
pub async fn delete_instance<M: Model>(db: &Db, instance: &M) -> Result<crate::deletion::Deleted> {
    let info = model_info::<M>(db.registry())?;
    delete(db, info.index, Rows::Key(instance.pk().clone().into())).await
}

/// Reloads `instance` from its row (relation caches are cleared).
pub async fn refresh<M: Model>(db: &Db, instance: &mut M) -> Result<()> {
    *instance = M::objects().get_by_pk(db, instance.pk().clone()).await?;
    Ok(())
}
