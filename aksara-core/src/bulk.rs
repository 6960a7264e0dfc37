//! Creating many rows at once: [`crate::QuerySet::bulk_create`].
//!
//! Every record is checked and completed before any SQL runs, so one bad record leaves the
//! database as it was. The rows then go in as multi-row inserts, as many rows per statement
//! as the backend's bind limit allows, all in one transaction. Keys the database assigns are
//! read back: with `RETURNING` on PostgreSQL and SQLite, and on MySQL from the first key of
//! each statement when InnoDB hands out consecutive keys (row by row otherwise).

use crate::compile::{Compiler, InsertOptions};
use crate::db::{raw_sql, Db};
use crate::error::{Error, Result};
use crate::error_context::{relate, Context};
use crate::instance::{prepare, Prepared};
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord, RowReader};
use crate::sql::Sql;
use crate::value::Value;
use crate::write_prep::model_info;

/// Inserts `records` as new rows of `M` and returns them, in the same order, with their keys.
pub async fn insert_many<M: Model>(db: &Db, records: Vec<NewRecord<M>>) -> Result<Vec<M>> {
    let registry = db.registry();
    let info = model_info::<M>(registry)?;
    let total = records.len();
    let mut prepared: Vec<Prepared<'_>> = Vec::with_capacity(total);
    for (position, record) in records.into_iter().enumerate() {
        prepared
            .push(prepare(db.dialect(), info, record).map_err(|e| in_record(e, position, total))?);
    }
    // Rows whose key the database assigns have one column fewer: they go in apart.
    let (assigned, given): (Vec<usize>, Vec<usize>) =
        (0..total).partition(|&i| prepared[i].auto_key.is_some());
    let key = assigned.first().and_then(|&i| prepared[i].auto_key);
    let all_columns: Vec<&FieldMeta> = info.meta.concrete_fields().collect();
    let compiler = Compiler::new(registry, db.dialect());
    let context = Context::Write {
        model: &info.meta.name,
        values: &[],
    };
    let fail = |e| relate(registry, e, Some(context));
    let rows_of = |positions: &[usize], skip: Option<usize>| -> Vec<Vec<Value>> {
        positions
            .iter()
            .map(|&i| {
                let row = &prepared[i].row;
                match skip {
                    Some(s) => [&row[..s], &row[s + 1..]].concat(),
                    None => row.clone(),
                }
            })
            .collect()
    };
    let with_keys = compiler.insert_batches(
        &info.meta,
        &all_columns,
        rows_of(&given, None),
        InsertOptions::default(),
    );
    let plan = match key {
        None => KeyPlan::Nothing,
        Some((index, field)) => {
            let columns: Vec<&FieldMeta> = all_columns
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, f)| *f)
                .collect();
            let rows = rows_of(&assigned, Some(index));
            if db.dialect().supports_returning() {
                KeyPlan::Returning(compiler.insert_batches(
                    &info.meta,
                    &columns,
                    rows,
                    InsertOptions::returning(&field.column),
                ))
            } else {
                KeyPlan::LastInsertId { columns, rows }
            }
        }
    };
    // More than one statement runs in a transaction, so that all rows go in or none do.
    let several = with_keys.len() + plan.statements() > 1;
    let expected_keys = assigned.len();
    let run = |tx: Db| async move {
        for (sql, _) in with_keys {
            tx.execute_raw(sql).await.map_err(fail)?;
        }
        let keys = match plan {
            KeyPlan::Nothing => Vec::new(),
            KeyPlan::Returning(batches) => returned_keys(&tx, batches, &fail).await?,
            KeyPlan::LastInsertId { columns, rows } => {
                last_insert_ids(&tx, &info.meta, &columns, rows, &fail).await?
            }
        };
        // Checked inside the transaction, so that rows whose keys are unknown roll back.
        if keys.len() != expected_keys {
            return Err(Error::database(format!(
                "bulk_create of {}: the database reported {} keys for {} rows",
                info.meta.name,
                keys.len(),
                expected_keys
            )));
        }
        Ok(keys)
    };
    let keys = if several {
        db.transaction(run).await?
    } else {
        db.on_one_connection(run).await?
    };
    for (&i, key) in assigned.iter().zip(keys) {
        if let Some((index, _)) = prepared[i].auto_key {
            prepared[i].row[index] = key;
        }
    }
    prepared
        .into_iter()
        .map(|p| M::from_row(&mut RowReader::new(p.row)))
        .collect()
}

/// How the keys of rows the database numbers are learnt.
enum KeyPlan<'m> {
    /// Every row gave its key.
    Nothing,
    /// `INSERT ... RETURNING key`, in these batches.
    Returning(Vec<(Sql, usize)>),
    /// `INSERT`, then `LAST_INSERT_ID()`: the rows without their key, and their columns.
    LastInsertId {
        columns: Vec<&'m FieldMeta>,
        rows: Vec<Vec<Value>>,
    },
}

impl KeyPlan<'_> {
    /// How many statements it takes at least (two or more after `LAST_INSERT_ID`).
    fn statements(&self) -> usize {
        match self {
            KeyPlan::Nothing => 0,
            KeyPlan::Returning(batches) => batches.len(),
            KeyPlan::LastInsertId { rows, .. } => rows.len().min(2),
        }
    }
}

/// Runs the `RETURNING` batches and returns the keys in the order of their rows.
async fn returned_keys(
    tx: &Db,
    batches: Vec<(Sql, usize)>,
    fail: &(impl Fn(crate::error::DbError) -> Error + Sync),
) -> Result<Vec<Value>> {
    let mut keys = Vec::new();
    for (sql, _) in batches {
        let mut batch: Vec<Value> = tx
            .fetch_raw(sql)
            .await
            .map_err(fail)?
            .into_iter()
            .filter_map(|r| r.into_iter().next())
            .collect();
        // RETURNING need not follow the VALUES order, but keys are handed out in it.
        batch.sort_by_key(Value::as_i64);
        keys.extend(batch);
    }
    Ok(keys)
}

/// Inserts `rows` (without their key column) where there is no `RETURNING` and returns the
/// keys the database gave them, in the order of `rows`: from the first key of each statement
/// when InnoDB hands out consecutive keys, else row by row.
async fn last_insert_ids(
    tx: &Db,
    meta: &crate::meta::ModelMeta,
    columns: &[&FieldMeta],
    rows: Vec<Vec<Value>>,
    fail: &(impl Fn(crate::error::DbError) -> Error + Sync),
) -> Result<Vec<Value>> {
    let dialect = tx.dialect();
    let (Some(settings), Some(last_id)) = (
        dialect.auto_increment_settings_query(),
        dialect.last_insert_id_query(),
    ) else {
        return Err(Error::config(format!(
            "{}: the backend cannot report the keys of inserted rows",
            meta.name
        )));
    };
    let first_row = |rows: Vec<Vec<Value>>| rows.into_iter().next().unwrap_or_default();
    let setting = first_row(
        tx.fetch_raw(raw_sql(tx.dialect(), settings, [])?)
            .await
            .map_err(fail)?,
    );
    let consecutive = setting
        .first()
        .and_then(Value::as_i64)
        .is_some_and(|mode| mode < 2);
    let step = setting.get(1).and_then(Value::as_i64).unwrap_or(1).max(1);
    // Made here, not borrowed from the caller: a compiler is not `Sync`, and a reference to it
    // held across an await would make the future unfit for another thread.
    let compiler = Compiler::new(tx.registry(), dialect);
    let batches = if consecutive {
        compiler.insert_batches(meta, columns, rows, InsertOptions::default())
    } else {
        rows.into_iter()
            .map(|row| {
                (
                    compiler.insert(meta, columns, vec![row], InsertOptions::default()),
                    1,
                )
            })
            .collect()
    };
    let mut keys = Vec::new();
    for (sql, count) in batches {
        tx.execute_raw(sql).await.map_err(fail)?;
        let first = first_row(
            tx.fetch_raw(raw_sql(tx.dialect(), last_id, [])?)
                .await
                .map_err(fail)?,
        )
        .first()
        .and_then(Value::as_i64)
        .ok_or_else(|| Error::database(format!("{}: no key reported", meta.name)))?;
        keys.extend((0..count as i64).map(|n| Value::I64(first + n * step)));
    }
    Ok(keys)
}

/// Says which record of a bulk write a validation error is about.
pub(crate) fn in_record(error: Error, position: usize, total: usize) -> Error {
    match error {
        Error::Validation {
            model,
            field,
            message,
        } => Error::Validation {
            model,
            field,
            message: format!("{message} (record {} of {total})", position + 1),
        },
        other => other,
    }
}
