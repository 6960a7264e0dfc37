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
pub(super) fn junction_columns(
    junction: &ModelMeta,
    source: &str,
    target: &str,
) -> std::result::Result<(String, String), String> {
    let fks: Vec<&FieldMeta> = junction
        .concrete_fields()
        .filter(|f| matches!(&f.relation, Some(r) if r.kind != RelationKind::ManyToMany))
        .collect();
    let points_at = |f: &FieldMeta, model: &str| match &f.relation {
        Some(RelationMeta {
            target: Target::Name(n),
            ..
        }) => n == model,
        _ => false,
    };
    let source_fk = fks.iter().find(|f| points_at(f, source));
    let target_fk = fks
        .iter()
        .rev()
        .find(|f| points_at(f, target) && !source_fk.is_some_and(|s| std::ptr::eq(*s, **f)));
    match (source_fk, target_fk) {
        (Some(s), Some(t)) => Ok((s.column.clone(), t.column.clone())),
        _ => Err(format!(
            "the through model `{}` needs a foreign key to {source} and one to {target}",
            junction.name
        )),
    }
}
