//! Creating many rows at once: [`crate::QuerySet::bulk_create`].
//!
//! Every record is checked and completed before any SQL runs, so one bad record leaves the
//! database as it was. The rows then go in as multi-row inserts, as many rows per statement
//! as the backend's bind limit allows, all in one transaction. Keys the database assigns are
//! read back: with `RETURNING` on PostgreSQL and SQLite, and on MySQL from the first key of
//! each statement when InnoDB hands out consecutive keys (row by row otherwise).

use crate::compile::Compiler;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::errors::{relate, Context};
use crate::instance::{prepare, Prepared};
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord, RowReader};
use crate::queryset::model_info;
use crate::sql::Sql;
use crate::value::Value;

/// Inserts `records` as new rows of `M` and returns them, in the same order, with their keys.
pub async fn insert_many<M: Model>(db: &Db, records: Vec<NewRecord<M>>) -> Result<Vec<M>> {
    let registry = db.registry();
    let info = model_info::<M>(registry)?;
    let total = records.len();
    let mut prepared: Vec<Prepared<'_>> = Vec::with_capacity(total);
    for (position, record) in records.into_iter().enumerate() {
        prepared.push(prepare(info, record).map_err(|e| in_record(e, position, total))?);
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
    let with_keys =
        compiler.insert_batches(&info.meta, &all_columns, rows_of(&given, None), false, None);
    let without_keys = key.map(|(index, field)| {
        let columns: Vec<&FieldMeta> = all_columns
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, f)| *f)
            .collect();
        (columns, field, rows_of(&assigned, Some(index)))
    });
    // More than one statement runs in a transaction, so that all rows go in or none do.
    let assigned_statements = match &without_keys {
        None => 0,
        Some(_) if !db.dialect().supports_returning() && assigned.len() > 1 => 2,
        Some((columns, _, _)) => assigned
            .len()
            .div_ceil(compiler.rows_per_insert(columns.len())),
    };
    let several = with_keys.len() + assigned_statements > 1;
    let expected_keys = assigned.len();
    let run = |tx: Db| async move {
        for (sql, _) in with_keys {
            tx.execute_raw(sql).await.map_err(fail)?;
        }
        let Some((columns, key_field, rows)) = without_keys else {
            return Ok(Vec::new());
        };
        let keys =
            assigned_keys(&tx, &compiler, &info.meta, &columns, key_field, rows, &fail).await?;
        // Checked inside the transaction, so that rows whose keys are unknown roll back.
        if keys.len() != expected_keys {
            return Err(Error::Database(format!(
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

/// Inserts `rows` (without their key column) and returns the keys the database gave them,
/// in the order of `rows`.
async fn assigned_keys(
    tx: &Db,
    compiler: &Compiler<'_>,
    meta: &crate::meta::ModelMeta,
    columns: &[&FieldMeta],
    key: &FieldMeta,
    rows: Vec<Vec<Value>>,
    fail: &(impl Fn(crate::error::DbError) -> Error + Sync),
) -> Result<Vec<Value>> {
    let dialect = tx.dialect();
    let mut keys = Vec::with_capacity(rows.len());
    if dialect.supports_returning() {
        for (sql, _) in compiler.insert_batches(meta, columns, rows, false, Some(&key.column)) {
            let mut batch: Vec<Value> = tx
                .fetch_raw(sql)
                .await
                .map_err(fail)?
                .into_iter()
                .filter_map(|r| r.into_iter().next())
                .collect();
            // RETURNING need not follow the VALUES order, but keys are handed out in it.
            batch.sort_by_key(key_number);
            keys.extend(batch);
        }
        return Ok(keys);
    }
    let (Some(settings), Some(last_id)) = (
        dialect.auto_increment_settings_query(),
        dialect.last_insert_id_query(),
    ) else {
        return Err(Error::config(format!(
            "{}: the backend cannot report the keys of inserted rows",
            meta.name
        )));
    };
    let text = |t: &str| {
        let mut sql = Sql::new();
        sql.push(t);
        sql
    };
    let first_row = |rows: Vec<Vec<Value>>| rows.into_iter().next().unwrap_or_default();
    let setting = first_row(tx.fetch_raw(text(settings)).await.map_err(fail)?);
    let consecutive = setting
        .first()
        .and_then(key_number)
        .is_some_and(|mode| mode < 2);
    let step = setting.get(1).and_then(key_number).unwrap_or(1).max(1);
    let batches = if consecutive {
        compiler.insert_batches(meta, columns, rows, false, None)
    } else {
        rows.into_iter()
            .map(|row| (compiler.insert(meta, columns, vec![row], false, None), 1))
            .collect()
    };
    for (sql, count) in batches {
        tx.execute_raw(sql).await.map_err(fail)?;
        let first = first_row(tx.fetch_raw(text(last_id)).await.map_err(fail)?)
            .first()
            .and_then(key_number)
            .ok_or_else(|| Error::Database(format!("{}: no key reported", meta.name)))?;
        keys.extend((0..count as i64).map(|n| Value::I64(first + n * step)));
    }
    Ok(keys)
}

/// A key or setting read back as a number, whatever integer type (or text) the driver gave.
fn key_number(value: &Value) -> Option<i64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        other => other.as_i64(),
    }
}

/// Says which record of a bulk write a validation error is about.
fn in_record(error: Error, position: usize, total: usize) -> Error {
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
