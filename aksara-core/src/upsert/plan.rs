//! The checks of an upsert's conflict and update fields, before any SQL runs.

use crate::error::{Error, Result};
use crate::field_type::value_list;
use crate::meta::{FieldMeta, ModelMeta};
use crate::prefetch::KeyOf;
use crate::query::Condition;
use crate::value::Value;

/// The checked conflict and update fields of an upsert, with their positions among the
/// model's concrete fields.
pub(super) struct Plan<'m> {
    /// The model.
    pub(super) meta: &'m ModelMeta,
    /// The conflict fields.
    pub(super) target: Vec<(usize, &'m FieldMeta)>,
    /// The fields set on a conflict; empty to do nothing.
    pub(super) update: Vec<(usize, &'m FieldMeta)>,
}

impl<'m> Plan<'m> {
    /// Checks `target` (a unique constraint of `meta`) and `update` (fields to set on a
    /// conflict; `None` for doing nothing).
    pub(super) fn new(
        meta: &'m ModelMeta,
        target: &[String],
        update: Option<&[String]>,
    ) -> Result<Self> {
        let listed = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let refuse = |message: String| Error::config(format!("{}: {message}", meta.name));
        if target.is_empty() {
            return Err(refuse(
                "on_conflict needs the fields of a unique constraint".into(),
            ));
        }
        let mut conflict: Vec<(usize, &FieldMeta)> = Vec::new();
        for name in target {
            let found = field(meta, name).ok_or_else(|| {
                refuse(format!(
                    "on_conflict({}): `{name}` is not a field of {} with a column",
                    listed(target),
                    meta.name
                ))
            })?;
            if !conflict.iter().any(|(i, _)| *i == found.0) {
                conflict.push(found);
            }
        }
        if !is_unique(meta, &conflict) {
            return Err(refuse(format!(
                "on_conflict({}) is not a unique constraint of {}; name its primary key, a \
                 unique field or a unique_together set ({})",
                listed(target),
                meta.name,
                constraints(meta).join(", ")
            )));
        }
        if update.is_some_and(<[String]>::is_empty) {
            return Err(refuse(
                "do_update needs the fields to update (do_nothing leaves conflicting rows as \
                 they are)"
                    .into(),
            ));
        }
        let update = update.unwrap_or_default();
        let mut fields: Vec<(usize, &FieldMeta)> = Vec::new();
        for name in update {
            let found = field(meta, name)
                .filter(|(_, f)| !f.primary_key)
                .ok_or_else(|| {
                    refuse(format!(
                        "do_update({}): `{name}` is not a field of {} that can be updated \
                         (a field with a column, not the primary key)",
                        listed(update),
                        meta.name
                    ))
                })?;
            if conflict.iter().any(|(i, _)| *i == found.0) {
                return Err(refuse(format!(
                    "do_update({}): `{name}` is a conflict field (on_conflict({})); a \
                     conflicting row already has its value",
                    listed(update),
                    listed(target)
                )));
            }
            if !fields.iter().any(|(i, _)| *i == found.0) {
                fields.push(found);
            }
        }
        Ok(Plan {
            meta,
            target: conflict,
            update: fields,
        })
    }

    /// The conflict values of `row` (the model's concrete fields in order) as a key; `None`
    /// when one of them is NULL.
    pub(super) fn key(&self, row: &[Value]) -> Option<Vec<KeyOf>> {
        self.target
            .iter()
            .map(|(i, f)| KeyOf::of(&f.kind.coerce(row.get(*i)?.clone()).ok()?))
            .collect()
    }

    /// `conflict = value, ...` of `row`, for messages.
    pub(super) fn describe(&self, row: &[Value]) -> String {
        self.target
            .iter()
            .map(|(i, f)| format!("{} = {}", f.name, row[*i]))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The conflict fields' names, for messages.
    pub(super) fn target_names(&self) -> String {
        self.target
            .iter()
            .map(|(_, f)| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The condition matching the rows whose conflict values are one of `keys`.
    pub(super) fn matching(&self, keys: Vec<Vec<Value>>) -> Condition {
        if let [(_, field)] = self.target[..] {
            let values = keys.into_iter().filter_map(|k| k.into_iter().next());
            return Condition::new(format!("{}__in", field.name), value_list(values));
        }
        Condition::Or(
            keys.into_iter()
                .map(|key| {
                    Condition::And(
                        self.target
                            .iter()
                            .zip(key)
                            .map(|((_, f), v)| Condition::new(f.name.clone(), v))
                            .collect(),
                    )
                })
                .collect(),
        )
    }
}

/// The field of `meta` with a column that `name` names (its name or column; `pk` for the key).
fn field<'m>(meta: &'m ModelMeta, name: &str) -> Option<(usize, &'m FieldMeta)> {
    let name = match meta.try_pk() {
        Some(pk) if name == "pk" && meta.field("pk").is_none() => pk.name.as_str(),
        _ => name,
    };
    meta.concrete_fields()
        .enumerate()
        .find(|(_, f)| f.name == name || f.column == name)
}

/// True when `fields` are the primary key, one unique field or a `unique_together` set.
fn is_unique(meta: &ModelMeta, fields: &[(usize, &FieldMeta)]) -> bool {
    match fields {
        [(_, f)] if f.primary_key || f.unique => true,
        _ => meta.unique_together.iter().any(|set| {
            set.len() == fields.len()
                && set
                    .iter()
                    .all(|name| fields.iter().any(|(_, f)| &f.name == name))
        }),
    }
}

/// The unique constraints of `meta` in the words `on_conflict` takes, for messages.
fn constraints(meta: &ModelMeta) -> Vec<String> {
    let single = meta
        .concrete_fields()
        .filter(|f| f.primary_key || f.unique)
        .map(|f| format!("[\"{}\"]", f.name));
    let together = meta.unique_together.iter().map(|set| {
        let quoted: Vec<String> = set.iter().map(|n| format!("\"{n}\"")).collect();
        format!("[{}]", quoted.join(", "))
    });
    single.chain(together).collect()
}
