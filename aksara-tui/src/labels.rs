//! The labels a grid shows beside its foreign keys: for a page of rows, the label of each row
//! its foreign key columns point at (the target's `name` or first text column, as the
//! detail shows), read with one query per foreign key column for the whole page, never one
//! per row.

use crate::catalog::{label_field, path_of_column, record_label};
use crate::format::plain;
use aksara::{Condition, Db, QuerySet, Record, Value, Via};
use std::collections::{HashMap, HashSet};

/// The labels of a page: by foreign key column, the label of each key value (as text).
pub type PageLabels = HashMap<String, HashMap<String, String>>;

/// Reads the labels of the rows `rows`' forward foreign keys point at, one query per foreign
/// key column whose target has a label column. A query that fails leaves its column without
/// labels (they are an extra: the keys show anyway).
pub async fn page_labels(db: &Db, model: &str, rows: &[Record]) -> PageLabels {
    let registry = db.registry().clone();
    let mut out = PageLabels::new();
    let Ok(info) = registry.model(model) else {
        return out;
    };
    for edge in &info.edges {
        let Via::Forward {
            column,
            target_column,
        } = &edge.via
        else {
            continue;
        };
        let target = registry.at(edge.target);
        if label_field(target).is_none() {
            continue;
        }
        let mut seen = HashSet::new();
        let values: Vec<Value> = rows
            .iter()
            .filter_map(|r| r.get(column))
            .filter(|v| !v.is_null() && seen.insert(plain(v)))
            .cloned()
            .collect();
        if values.is_empty() {
            continue;
        }
        let path = path_of_column(target, target_column);
        let limit = values.len() as u64;
        let qs = QuerySet::<Record>::of(target.meta.name.clone())
            .filter(Condition::new(format!("{path}__in"), Value::Array(values)))
            .limit(limit);
        let Ok(found) = crate::jobs::isolated(db, |tx| async move { qs.all(&tx).await }).await
        else {
            continue;
        };
        let labels = out.entry(column.clone()).or_default();
        for row in found {
            if let Some(key) = row.get(&path) {
                labels.insert(plain(key), record_label(target, &row));
            }
        }
    }
    out
}
