//! Running an upsert: the records checked and grouped by their conflict values, the inserts,
//! and the reads that find every row again, in one transaction.

use super::plan::Plan;
use crate::bulk::in_record;
use crate::compile::{in_list_limit, Compiler, Conflict, InsertOptions, BINDS_FOR_THE_REST};
use crate::db::{Db, Row};
use crate::error::{Error, Result};
use crate::error_context::{relate, Context};
use crate::instance::{prepare, Prepared};
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord, RowReader};
use crate::prefetch::KeyOf;
use crate::query::Query;
use crate::registry::ModelInfo;
use crate::sql::Sql;
use crate::value::Value;
use std::collections::BTreeMap;

/// How many times an upsert whose transaction failed on a unique constraint is run again (see
/// [`upsert`]).
const INTEGRITY_RERUNS: u32 = 3;

/// The records after checking, grouped by their conflict values.
struct Groups<'m> {
    /// Every record, checked and completed.
    prepared: Vec<Prepared<'m>>,
    /// Each distinct key, with its group's number; in key order.
    by_key: BTreeMap<Vec<KeyOf>, usize>,
    /// The record each group is written from.
    first: Vec<usize>,
    /// The group of each record, in the order of the records.
    of_record: Vec<usize>,
}

impl<'m> Groups<'m> {
    /// Checks and groups `records`; with `do_update`, a group's row takes the updated fields
    /// of its last record.
    fn new<M: Model>(
        db: &Db,
        info: &'m ModelInfo,
        plan: &Plan<'m>,
        records: Vec<NewRecord<M>>,
    ) -> Result<Self> {
        let total = records.len();
        let mut groups = Groups {
            prepared: Vec::with_capacity(total),
            by_key: BTreeMap::new(),
            first: Vec::new(),
            of_record: Vec::with_capacity(total),
        };
        for (position, record) in records.into_iter().enumerate() {
            let prepared =
                prepare(db.dialect(), info, record).map_err(|e| in_record(e, position, total))?;
            let key = plan.key(&prepared.row).ok_or_else(|| {
                let (_, field) = plan
                    .target
                    .iter()
                    .find(|(i, _)| prepared.row[*i].is_null())
                    .unwrap_or(&plan.target[0]);
                in_record(
                    Error::validation(
                        &plan.meta.name,
                        &field.name,
                        format!(
                            "an upsert on ({}) needs a value for each of them; NULL never \
                             conflicts, so the row could not be found again",
                            plan.target_names()
                        ),
                    ),
                    position,
                    total,
                )
            })?;
            groups.prepared.push(prepared);
            let next = groups.first.len();
            let group = *groups.by_key.entry(key).or_insert(next);
            if group == next {
                groups.first.push(position);
            } else {
                let first = groups.first[group];
                for &(index, _) in &plan.update {
                    groups.prepared[first].row[index] =
                        groups.prepared[position].row[index].clone();
                }
            }
            groups.of_record.push(group);
        }
        Ok(groups)
    }

    /// The row written for each group, in key order.
    fn rows_in_key_order(&self) -> impl Iterator<Item = &Prepared<'m>> {
        self.by_key
            .values()
            .map(|&group| &self.prepared[self.first[group]])
    }
}

/// Inserts `records`, resolving their conflicts as `plan` says, and returns the stored row of
/// each record, in order.
pub(super) async fn upsert<M: Model>(
    db: &Db,
    info: &ModelInfo,
    records: Vec<NewRecord<M>>,
    plan: &Plan<'_>,
) -> Result<Vec<M>> {
    let registry = db.registry();
    let groups = Groups::new::<M>(db, info, plan, records)?;
    if groups.first.is_empty() {
        return Ok(Vec::new());
    }
    let compiler = Compiler::new(registry, db.dialect());
    let target: Vec<&str> = plan.target.iter().map(|(_, f)| f.column.as_str()).collect();
    let update: Vec<&str> = plan.update.iter().map(|(_, f)| f.column.as_str()).collect();
    let options = InsertOptions::upserting(Conflict {
        target: &target,
        update: &update,
    });
    // Rows whose key the database assigns go in without the key column.
    let all_columns: Vec<&FieldMeta> = info.meta.concrete_fields().collect();
    let (mut given, mut assigned, mut key_index) = (Vec::new(), Vec::new(), None);
    for prepared in groups.rows_in_key_order() {
        match prepared.auto_key {
            None => given.push(prepared.row.clone()),
            Some((index, _)) => {
                key_index = Some(index);
                assigned.push([&prepared.row[..index], &prepared.row[index + 1..]].concat());
            }
        }
    }
    let mut inserts: Vec<Sql> = Vec::new();
    if !given.is_empty() {
        let batches = compiler.insert_batches(&info.meta, &all_columns, given, options);
        inserts.extend(batches.into_iter().map(|(sql, _)| sql));
    }
    if let Some(index) = key_index {
        let mut columns = all_columns.clone();
        columns.remove(index);
        let batches = compiler.insert_batches(&info.meta, &columns, assigned, options);
        inserts.extend(batches.into_iter().map(|(sql, _)| sql));
    }
    let reads = read_back(db, info, plan, &groups)?;
    let context = Context::Write {
        model: &info.meta.name,
        values: &[],
    };
    let fail = |e| relate(registry, e, Some(context));
    let (groups_ref, fail) = (&groups, &fail);
    let attempt = |tx: Db| {
        let (inserts, reads) = (inserts.clone(), reads.clone());
        async move {
            for sql in inserts {
                tx.execute_raw(sql).await.map_err(fail)?;
            }
            let mut found: Vec<Option<Row>> = vec![None; groups_ref.first.len()];
            for sql in reads {
                for row in tx.fetch(sql).await? {
                    let group = plan.key(&row).and_then(|k| groups_ref.by_key.get(&k));
                    if let Some(&group) = group {
                        found[group] = Some(row);
                    }
                }
            }
            // Checked inside the transaction, so that nothing stays written when a row
            // cannot be found again.
            found
                .into_iter()
                .enumerate()
                .map(|(group, row)| row.ok_or_else(|| missing(plan, groups_ref, group)))
                .collect::<Result<Vec<Row>>>()
        }
    };
    let mut reruns = 0;
    let stored = loop {
        match db.transaction_retrying(attempt).await {
            // PostgreSQL resolves conflicts on the named constraint only: two transactions
            // inserting the same row at once can both pass its check and meet on another
            // unique index, where the second fails once the first commits. Run again, the
            // row is found by the conflict check; a real clash fails every time.
            Err(Error::Integrity { .. }) if reruns < INTEGRITY_RERUNS => reruns += 1,
            other => break other?,
        }
    };
    groups
        .of_record
        .iter()
        .map(|&group| M::from_row(&mut RowReader::new(stored[group].clone())))
        .collect()
}

/// The SELECTs finding every group's row again by its conflict values, each within the
/// dialect's bind limit.
fn read_back(db: &Db, info: &ModelInfo, plan: &Plan<'_>, groups: &Groups<'_>) -> Result<Vec<Sql>> {
    let dialect = db.dialect();
    let per_query = match plan.target.len() {
        1 => in_list_limit(dialect),
        n => (dialect.max_binds().saturating_sub(BINDS_FOR_THE_REST) / n).max(1),
    };
    let keys: Vec<Vec<Value>> = groups
        .rows_in_key_order()
        .map(|p| plan.target.iter().map(|(i, _)| p.row[*i].clone()).collect())
        .collect();
    keys.chunks(per_query)
        .map(|chunk| {
            let query = Query {
                conditions: vec![plan.matching(chunk.to_vec())],
                ..Query::default()
            };
            Compiler::new(db.registry(), dialect).select(info, &query)
        })
        .collect()
}

/// The error for a group whose row was neither inserted nor found.
fn missing(plan: &Plan<'_>, groups: &Groups<'_>, group: usize) -> Error {
    let row = &groups.prepared[groups.first[group]].row;
    Error::Integrity {
        model: plan.meta.name.clone(),
        field: plan.target_names(),
        message: format!(
            "the row with {} was neither inserted nor found again: it conflicts with an \
             existing row on another unique constraint (or a collation finds its value equal \
             to a different one); nothing was written",
            plan.describe(row)
        ),
    }
}
