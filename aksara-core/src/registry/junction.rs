//! The junction models of many-to-many relations: the automatic one made for a field, and
//! the columns of a junction (automatic or `through`) that point at each side.

use crate::meta::{FieldMeta, ModelMeta, RelationKind, RelationMeta, Target};
use crate::naming::{self, junction_model_name};
use crate::value::FieldKind;
use std::collections::HashMap;

/// The automatic junction model of the many-to-many `field` of `source` to `target`, whose
/// foreign keys have the kinds of the two primary keys (`pk_kinds`, by model name).
pub(super) fn junction_meta(
    source: &ModelMeta,
    field: &FieldMeta,
    target: &str,
    pk_kinds: &HashMap<String, FieldKind>,
) -> ModelMeta {
    let rel = field.relation.as_ref().expect("many-to-many field");
    let table = rel
        .db_table
        .clone()
        .unwrap_or_else(|| naming::junction_table_name(&source.name, &field.name));
    let mut meta = ModelMeta::new(junction_model_name(&source.name, &field.name), table);
    meta.auto_created = true;
    let mut id = FieldMeta::new("id", FieldKind::Uuid);
    id.primary_key = true;
    meta.fields.push(id);
    let (source_field, target_field) = naming::junction_field_names(&source.name, target);
    for (name, model) in [
        (source_field.clone(), source.name.clone()),
        (target_field.clone(), target.to_string()),
    ] {
        let mut f = FieldMeta::new(
            name.clone(),
            pk_kinds.get(&model).cloned().unwrap_or(FieldKind::Uuid),
        );
        f.column = format!("{name}_id");
        let mut r = RelationMeta::new(RelationKind::ForeignKey, Target::Name(model));
        r.related_name = Some("+".into());
        f.relation = Some(r);
        meta.fields.push(f);
    }
    meta.unique_together.push(vec![source_field, target_field]);
    meta.description = Some(format!(
        "Links {} and {} for the many-to-many relation {}.{}.",
        source.name, target, source.name, field.name
    ));
    meta
}

/// The junction's columns referencing `source` and `target` (in that order).
///
/// With `through_fields` (the names of the junction's foreign keys to the source and to the
/// target, in that order) those two fields are used, and each must be a foreign key to its
/// side. Without it the junction must leave no choice: one foreign key to each side, or
/// exactly two to the model when the relation is to its own model (the first declared is the
/// source). Every other case is refused with a message naming the junction and the fields.
pub(super) fn junction_columns(
    junction: &ModelMeta,
    source: &str,
    target: &str,
    through_fields: Option<&(String, String)>,
) -> std::result::Result<(String, String), String> {
    let points_at = |f: &FieldMeta, model: &str| match &f.relation {
        Some(RelationMeta {
            kind,
            target: Target::Name(n),
            ..
        }) => *kind != RelationKind::ManyToMany && n == model,
        _ => false,
    };
    let fks_to = |model: &str| -> Vec<&FieldMeta> {
        junction
            .concrete_fields()
            .filter(|f| points_at(f, model))
            .collect()
    };
    let listed = |fields: &[&FieldMeta]| {
        fields
            .iter()
            .map(|f| format!("`{}`", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hint = "name the two to use with through_fields = (\"source\", \"target\")";
    if let Some((source_name, target_name)) = through_fields {
        let pick = |name: &str, model: &str, side: &str| {
            let Some(field) = junction.fields.iter().find(|f| f.name == name) else {
                let candidates = fks_to(model);
                return Err(format!(
                    "through_fields names `{name}` as the {side} field, but the through model `{}` has no such field (its foreign keys to {model}: {})",
                    junction.name,
                    if candidates.is_empty() { "none".to_string() } else { listed(&candidates) }
                ));
            };
            if !points_at(field, model) {
                return Err(format!(
                    "through_fields names `{}.{name}` as the {side} field, but it is not a foreign key to {model}",
                    junction.name
                ));
            }
            Ok(field)
        };
        let s = pick(source_name, source, "source")?;
        let t = pick(target_name, target, "target")?;
        if std::ptr::eq(s, t) {
            return Err(format!(
                "through_fields names `{}.{source_name}` for both sides; name two different foreign keys",
                junction.name
            ));
        }
        return Ok((s.column.clone(), t.column.clone()));
    }
    let to_source = fks_to(source);
    if source == target {
        return match to_source.as_slice() {
            [s, t] => Ok((s.column.clone(), t.column.clone())),
            [] | [_] => Err(format!(
                "the through model `{}` of a relation from {source} to itself needs two foreign keys to {source} (found {})",
                junction.name,
                if to_source.is_empty() { "none".to_string() } else { listed(&to_source) }
            )),
            many => Err(format!(
                "the through model `{}` has {} foreign keys to {source} ({}), which is ambiguous: {hint}",
                junction.name,
                many.len(),
                listed(many)
            )),
        };
    }
    let to_target = fks_to(target);
    for (model, fks) in [(source, &to_source), (target, &to_target)] {
        if fks.len() > 1 {
            return Err(format!(
                "the through model `{}` has several foreign keys to {model} ({}), which is ambiguous: {hint}",
                junction.name,
                listed(fks)
            ));
        }
    }
    match (to_source.first(), to_target.first()) {
        (Some(s), Some(t)) => Ok((s.column.clone(), t.column.clone())),
        _ => Err(format!(
            "the through model `{}` needs a foreign key to {source} and one to {target}",
            junction.name
        )),
    }
}
