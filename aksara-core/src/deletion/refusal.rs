//! Refusing a delete that `PROTECT` or `RESTRICT` relations forbid, with an error naming
//! every refusing relation, how many rows refuse and their first few keys.

use std::collections::HashSet;

use super::Collected;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::meta::OnDelete;
use crate::value::Value;

/// How many keys of the refusing rows an error names, per relation.
const KEYS_NAMED: usize = 5;

/// Rows of one model that refuse the delete through one relation.
pub(super) struct Refusal {
    pub(super) child: usize,
    pub(super) field: String,
    pub(super) on_delete: OnDelete,
    pub(super) keys: Vec<Value>,
    pub(super) seen: HashSet<String>,
}

/// The error for the refusing relations, if any: every `PROTECT` relation with referencing
/// rows, and every `RESTRICT` relation with referencing rows that are not being deleted.
pub(super) fn refuse(
    tx: &Db,
    deleted: &str,
    collected: &Collected,
    refusals: Vec<Refusal>,
) -> Result<()> {
    let registry = tx.registry();
    let mut blockers = Vec::new();
    for refusal in refusals {
        let keys: Vec<Value> = match refusal.on_delete {
            OnDelete::Restrict => refusal
                .keys
                .into_iter()
                .filter(|k| !collected.contains(refusal.child, k))
                .collect(),
            _ => refusal.keys,
        };
        if !keys.is_empty() {
            blockers.push((refusal.child, refusal.field, refusal.on_delete, keys));
        }
    }
    // PROTECT first: it refuses whatever else happens.
    blockers.sort_by_key(|b| b.2 != OnDelete::Protect);
    let Some((child, field, _, _)) = blockers.first() else {
        return Ok(());
    };
    let described: Vec<String> = blockers
        .iter()
        .map(|(child, field, on_delete, keys)| {
            let shown: Vec<String> = keys.iter().take(KEYS_NAMED).map(show_key).collect();
            let more = if keys.len() > KEYS_NAMED { ", ..." } else { "" };
            format!(
                "{}.{field} (on_delete={}): {} row{} with key {}{more}",
                registry.at(*child).meta.name,
                on_delete.name(),
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                shown.join(", "),
            )
        })
        .collect();
    Err(Error::ForeignKeyConstraint {
        model: registry.at(*child).meta.name.clone(),
        relation: field.clone(),
        message: format!(
            "cannot delete {deleted}: rows still reference it through {}; nothing was deleted",
            described.join("; ")
        ),
    })
}

fn show_key(key: &Value) -> String {
    match key {
        Value::String(s) => format!("{s:?}"),
        Value::I64(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::Uuid(u) => u.to_string(),
        other => format!("{other:?}"),
    }
}
