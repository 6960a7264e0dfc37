//! Building a [`Registry`]: resolving relation targets, adding junction models and reverse
//! sides, and checking the whole set.

use super::junction::{junction_columns, junction_meta};
use super::{Edge, ModelInfo, Registry, Via};
use crate::describe;
use crate::error::{Error, Result};
use crate::meta::{ModelMeta, OnDelete, RelationKind, RelationMeta, Target};
use crate::model::Model;
use crate::naming::{self, hidden_reverse_name, junction_model_name};
use crate::suggest::closest;
use crate::value::{FieldKind, ValueType};
use std::collections::HashMap;
use std::sync::Arc;

/// Collects models for a [`Registry`].
#[derive(Debug, Default)]
pub struct RegistryBuilder {
    metas: Vec<ModelMeta>,
}

impl RegistryBuilder {
    /// Adds model `M`, and every model its relations name by type.
    pub fn model<M: Model>(self) -> Self {
        self.meta(M::meta())
    }

    /// Adds a model by its metadata, and every model its relations name by type.
    pub fn meta(mut self, meta: &ModelMeta) -> Self {
        let mut pending = vec![meta.clone()];
        while let Some(meta) = pending.pop() {
            if self.metas.iter().any(|m| m.name == meta.name) {
                continue;
            }
            for field in &meta.fields {
                if let Some(rel) = &field.relation {
                    if let Target::Type(target) = &rel.target {
                        pending.push(target().clone());
                    }
                    if let Some(Target::Type(through)) = &rel.through {
                        pending.push(through().clone());
                    }
                }
            }
            self.metas.push(meta);
        }
        self
    }

    /// Resolves and checks the models; every problem found is listed in one
    /// [`Error::Config`].
    pub fn build(self) -> Result<Arc<Registry>> {
        build(self.metas).map(Arc::new)
    }
}

fn build(mut metas: Vec<ModelMeta>) -> Result<Registry> {
    let mut problems = Vec::new();
    let mut by_name = HashMap::new();
    for (i, m) in metas.iter().enumerate() {
        if by_name.insert(m.name.clone(), i).is_some() {
            problems.push(format!("two models are named `{}`", m.name));
        }
        let pks = m.fields.iter().filter(|f| f.primary_key).count();
        if pks > 1 || (pks == 0 && !m.introspected) {
            problems.push(format!(
                "{} must have exactly one primary key field (found {pks})",
                m.name
            ));
        }
    }
    if !problems.is_empty() {
        // Without unique names and keys nothing else can be checked reliably.
        return Err(Error::Config(problems));
    }

    // Resolve targets to names; check SET_NULL; fix foreign key column kinds.
    let pk_kinds: HashMap<String, FieldKind> = metas
        .iter()
        .filter_map(|m| {
            m.fields
                .iter()
                .find(|f| f.primary_key)
                .map(|f| (m.name.clone(), f.kind.referencing_kind()))
        })
        .collect();
    // The fields a `to_field` may name: (model, field) -> (column, referencing kind, unique,
    // primary key).
    type Named = (String, FieldKind, bool, bool);
    let fields_by_name: HashMap<(String, String), Named> = metas
        .iter()
        .flat_map(|m| {
            m.fields.iter().filter(|f| f.is_concrete()).map(|f| {
                (
                    (m.name.clone(), f.name.clone()),
                    (
                        f.column.clone(),
                        f.kind.referencing_kind(),
                        f.unique || f.primary_key,
                        f.primary_key,
                    ),
                )
            })
        })
        .collect();
    // For derived models: (target, value type) -> (referenced field, the relation naming it),
    // so that a `ToOne<T, K, R>` can find its field from `T` and `R` alone (see
    // `relation::referenced_field`).
    let mut referenced: HashMap<(String, ValueType), (String, String)> = HashMap::new();
    for m in metas.iter_mut() {
        let model_name = m.name.clone();
        let typed = m.ops.is_some();
        for f in m.fields.iter_mut() {
            let Some(rel) = f.relation.as_mut() else {
                continue;
            };
            let target = rel.target.model_name(&model_name);
            if !by_name.contains_key(&target) {
                let near = closest(&target, by_name.keys().cloned());
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", near.join(", "))
                };
                problems.push(format!(
                    "{model_name}.{}: unknown target model `{target}`{hint}",
                    f.name
                ));
                continue;
            }
            rel.target = Target::Name(target.clone());
            let to_one = rel.kind != RelationKind::ManyToMany;
            // What a derived model's field holds (`ForeignKey<T, R>`: R's kind).
            let held = f.kind.value_type();
            let relation = format!("{model_name}.{}", f.name);
            if let (Some(to_field), true) = (rel.to_field.clone(), to_one) {
                let resolved =
                    resolve_to_field(&fields_by_name, &model_name, &f.name, &target, &to_field)
                        .and_then(|(column, kind)| {
                            if !typed {
                                return Ok((column, kind));
                            }
                            let key = pk_kinds.get(&target).map(FieldKind::value_type);
                            let is_key = fields_by_name
                                .get(&(target.clone(), to_field.clone()))
                                .is_some_and(|(_, _, _, pk)| *pk);
                            typed_to_field_problem(
                                &relation, &target, &to_field, held, &kind, key, is_key,
                            )
                            .map_or(Ok((column, kind)), Err)
                        });
                match resolved {
                    Ok((column, kind)) => {
                        if typed {
                            let entry = referenced
                                .entry((target.clone(), kind.value_type()))
                                .or_insert_with(|| (to_field.clone(), relation.clone()));
                            if entry.0 != to_field {
                                problems.push(format!(
                                    "{relation} and {} both hold a {:?} value of {target} but                                      reference different fields of it (to_field `{to_field}` and                                      `{}`): ForeignKey<{target}, ..>::get could not tell which                                      field to load by; reference the same field from both, or                                      fields of different types",
                                    entry.1,
                                    kind.value_type(),
                                    entry.0
                                ));
                            }
                        }
                        rel.to_column = Some(column);
                        f.kind = kind;
                    }
                    Err(problem) => problems.push(problem),
                }
            } else if to_one && typed && rel.to_column.is_none() {
                if let Some(key) = pk_kinds.get(&target) {
                    if key.value_type() != held {
                        problems.push(format!(
                            "{relation} holds a {held:?} value but references {target}'s key,                              which is {:?}: name the field it references with                              #[aksara(to_field = \"...\")], or declare it as {}<{target}>",
                            key.value_type(),
                            rel.kind.name()
                        ));
                    }
                }
            }
            if to_one && rel.to_column.is_none() {
                if let Some(kind) = pk_kinds.get(&target) {
                    f.kind = kind.clone();
                }
                if rel.on_delete == OnDelete::SetDefault && f.default.is_none() {
                    problems.push(format!(
                        "{model_name}.{}: on_delete SET_DEFAULT needs a default on the field (#[aksara(default = ...)])",
                        f.name
                    ));
                }
                if rel.on_delete == OnDelete::SetNull && !f.nullable {
                    problems.push(format!(
                        "{model_name}.{}: on_delete SET_NULL needs a nullable relation (declare it as Option<{}<{target}>>)",
                        f.name,
                        rel.kind.name()
                    ));
                }
            }
        }
    }
    // Relations whose target is unknown are left out of what follows, so that the remaining
    // checks still run and every problem is reported at once.
    let resolved =
        |rel: &RelationMeta| matches!(&rel.target, Target::Name(n) if by_name.contains_key(n));

    // Junction models for automatic many-to-many fields.
    let mut junctions = Vec::new();
    for m in &metas {
        for f in &m.fields {
            let Some(rel) = &f.relation else { continue };
            if rel.kind != RelationKind::ManyToMany || rel.through.is_some() || !resolved(rel) {
                continue;
            }
            let target = rel.target.model_name(&m.name);
            junctions.push(junction_meta(m, f, &target, &pk_kinds));
        }
    }
    for j in junctions {
        if by_name.contains_key(&j.name) {
            problems.push(format!(
                "the junction model `{}` clashes with a model of the same name",
                j.name
            ));
            continue;
        }
        by_name.insert(j.name.clone(), metas.len());
        metas.push(j);
    }
    let mut tables: HashMap<&str, &str> = HashMap::new();
    for m in &metas {
        if let Some(other) = tables.insert(&m.table, &m.name) {
            problems.push(format!(
                "{} and {} both use the table `{}`",
                other, m.name, m.table
            ));
        }
    }

    let mut models: Vec<ModelInfo> = metas
        .into_iter()
        .enumerate()
        .map(|(index, meta)| ModelInfo {
            index,
            meta,
            edges: Vec::new(),
            hidden: Vec::new(),
        })
        .collect();
    let mut edges: Vec<(usize, Edge)> = Vec::new();
    let mut hidden: Vec<(usize, Edge)> = Vec::new();
    for m in &models {
        for f in &m.meta.fields {
            let Some(rel) = &f.relation else { continue };
            let Target::Name(target_name) = &rel.target else {
                continue;
            };
            let Some(&t) = by_name.get(target_name) else {
                continue;
            };
            let target = &models[t];
            let description = rel
                .description
                .clone()
                .unwrap_or_else(|| describe::relation_sentence(&m.meta, f, rel));
            // Each relation gives two edges: from its model, and (unless hidden) back.
            let (forward_via, reverse_via, on_delete, nullable) = match rel.kind {
                RelationKind::ForeignKey | RelationKind::OneToOne => {
                    let Some(target_key) = rel
                        .to_column
                        .clone()
                        .or_else(|| target.meta.try_pk().map(|pk| pk.column.clone()))
                    else {
                        problems.push(format!(
                            "{}.{}: the target {} has no primary key to reference",
                            m.meta.name, f.name, target.meta.name
                        ));
                        continue;
                    };
                    let forward = Via::Forward {
                        column: f.column.clone(),
                        target_column: target_key.clone(),
                    };
                    let reverse = Via::Reverse {
                        column: f.column.clone(),
                        source_column: target_key,
                    };
                    (forward, reverse, rel.on_delete, f.nullable)
                }
                RelationKind::ManyToMany => {
                    if let Some(problem) = symmetrical_problem(&m.meta.name, target_name, rel) {
                        problems.push(format!("{}.{}: {problem}", m.meta.name, f.name));
                        continue;
                    }
                    let junction_name = match &rel.through {
                        Some(through) => through.model_name(&m.meta.name),
                        None => junction_model_name(&m.meta.name, &f.name),
                    };
                    let Some(&j) = by_name.get(&junction_name) else {
                        problems.push(format!(
                            "{}.{}: unknown through model `{junction_name}`",
                            m.meta.name, f.name
                        ));
                        continue;
                    };
                    let junction = &models[j];
                    let (source_column, target_column) = match junction_columns(
                        &junction.meta,
                        &m.meta.name,
                        target_name,
                        rel.through.as_ref().and(rel.through_fields.as_ref()),
                    ) {
                        Ok(cols) => cols,
                        Err(problem) => {
                            problems.push(format!("{}.{}: {problem}", m.meta.name, f.name));
                            continue;
                        }
                    };
                    let (Some(source_key), Some(target_key)) = (
                        m.meta.try_pk().map(|pk| pk.column.clone()),
                        target.meta.try_pk().map(|pk| pk.column.clone()),
                    ) else {
                        problems.push(format!(
                            "{}.{}: both sides of a many-to-many relation need a primary key",
                            m.meta.name, f.name
                        ));
                        continue;
                    };
                    let table = junction.meta.table.clone();
                    let forward = Via::Junction {
                        junction: j,
                        table: table.clone(),
                        source_column: source_column.clone(),
                        target_column: target_column.clone(),
                        source_key: source_key.clone(),
                        target_key: target_key.clone(),
                    };
                    let reverse = Via::Junction {
                        junction: j,
                        table,
                        source_column: target_column,
                        target_column: source_column,
                        source_key: target_key,
                        target_key: source_key,
                    };
                    (forward, reverse, OnDelete::Cascade, true)
                }
            };
            let edge =
                |name: String, accessor: String, target: usize, via: Via, forward: bool| Edge {
                    name,
                    accessor,
                    target,
                    via,
                    kind: rel.kind,
                    forward,
                    owner: m.meta.name.clone(),
                    field: f.name.clone(),
                    on_delete,
                    nullable,
                    description: description.clone(),
                };
            edges.push((
                m.index,
                edge(f.name.clone(), f.name.clone(), t, forward_via, true),
            ));
            // A symmetrical relation is its own reverse: it has no reverse name of its own.
            if rel.related_name.as_deref() != Some("+") && !rel.symmetrical {
                let (name, accessor) = reverse_names(&m.meta, rel);
                edges.push((t, edge(name, accessor, m.index, reverse_via, false)));
            } else if rel.kind == RelationKind::ManyToMany {
                let name = hidden_reverse_name(&m.meta.name, &f.name);
                hidden.push((t, edge(name.clone(), name, m.index, reverse_via, false)));
            }
        }
    }
    for (i, e) in edges {
        models[i].edges.push(e);
    }
    for (i, e) in hidden {
        models[i].hidden.push(e);
    }

    // Clashes: reverse names against each other and against fields.
    for m in &models {
        let mut seen: HashMap<&str, String> = HashMap::new();
        for f in &m.meta.fields {
            seen.insert(&f.name, format!("the field {}.{}", m.meta.name, f.name));
            if f.relation.is_some() && f.is_concrete() && f.column != f.name {
                seen.insert(
                    &f.column,
                    format!("the column {}.{}", m.meta.name, f.column),
                );
            }
        }
        for e in m.edges.iter().filter(|e| !e.forward) {
            let this = format!("the reverse relation of {}.{}", e.owner, e.field);
            let mut names = vec![e.accessor.as_str()];
            if e.name != e.accessor {
                names.push(e.name.as_str());
            }
            for name in names {
                if let Some(other) = seen.get(name) {
                    problems.push(format!(
                        "{this} would be called `{name}` on {}, which clashes with {other}; give one of them a different related_name",
                        m.meta.name
                    ));
                } else {
                    seen.insert(name, this.clone());
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Config(problems));
    }
    let referenced = referenced
        .into_iter()
        .map(|(key, (field, _))| (key, field))
        .collect();
    Ok(Registry {
        models,
        by_name,
        referenced,
    })
}

/// The lookup name and accessor name of the reverse side of `rel` declared on `owner`.
fn reverse_names(owner: &ModelMeta, rel: &RelationMeta) -> (String, String) {
    match &rel.related_name {
        Some(name) => (name.clone(), name.clone()),
        None => naming::default_reverse_names(&owner.name, rel.kind == RelationKind::OneToOne),
    }
}

/// Why the many-to-many `rel` of `model` (to `target`) cannot be symmetrical, if it is and
/// cannot: only a relation from a model to itself, without a through model (whose rows would
/// have to be made in both directions) and without a reverse name, can be.
fn symmetrical_problem(model: &str, target: &str, rel: &RelationMeta) -> Option<String> {
    if !rel.symmetrical {
        return None;
    }
    if target != model {
        return Some(format!(
            "symmetrical applies to a many-to-many relation from a model to itself, and this one goes to {target}"
        ));
    }
    if rel.through.is_some() {
        return Some(
            "symmetrical cannot be combined with a through model (its rows would have to be made in both directions): drop one of them".into(),
        );
    }
    match rel.related_name.as_deref() {
        Some(name) if name != "+" => Some(format!(
            "a symmetrical relation is its own reverse, so related_name = \"{name}\" names nothing: drop it"
        )),
        _ => None,
    }
}

/// The column and key kind a `to_field` names on `target`, or the problem with it.
fn resolve_to_field(
    fields: &HashMap<(String, String), (String, FieldKind, bool, bool)>,
    model: &str,
    field: &str,
    target: &str,
    to_field: &str,
) -> std::result::Result<(String, FieldKind), String> {
    let Some((column, kind, unique, _)) = fields.get(&(target.to_string(), to_field.to_string()))
    else {
        let mut known: Vec<&str> = fields
            .keys()
            .filter(|(m, _)| m == target)
            .map(|(_, f)| f.as_str())
            .collect();
        known.sort_unstable();
        return Err(format!(
            "{model}.{field}: to_field `{to_field}` is not a field of {target} (its fields: {})",
            known.join(", ")
        ));
    };
    if !unique {
        return Err(format!(
            "{model}.{field}: to_field `{to_field}` must be unique on {target} (declare it with #[aksara(unique)])"
        ));
    }
    Ok((column.clone(), kind.clone()))
}

/// Why the `to_field` of a derived model's relation cannot be followed, if it cannot. Its
/// field holds values of type `held` (`ForeignKey<T, R>`'s `R`), which must be those of the
/// referenced field (`kind`); and, unless the `to_field` names the key itself, they must differ
/// from the key's (`key`), or a `ForeignKey<T, R>` could not tell which of the two it holds.
fn typed_to_field_problem(
    relation: &str,
    target: &str,
    to_field: &str,
    held: ValueType,
    kind: &FieldKind,
    key: Option<ValueType>,
    is_key: bool,
) -> Option<String> {
    let referenced = kind.value_type();
    if held != referenced {
        return Some(format!(
            "{relation}: to_field `{to_field}` is a {referenced:?} field of {target}, but the \
             relation holds a {held:?} value: declare it with the field's type, as in \
             ForeignKey<{target}, {}>",
            rust_type(referenced)
        ));
    }
    if !is_key && key == Some(referenced) {
        return Some(format!(
            "{relation}: to_field `{to_field}` has the type of {target}'s key ({referenced:?}), \
             so the relation's value could not be told apart from a key: reference a field of \
             another type, or the key"
        ));
    }
    None
}

/// The Rust type holding values of `value_type`, for messages.
fn rust_type(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::String => "String",
        ValueType::I64 => "i64",
        ValueType::I32 => "i32",
        ValueType::Uuid => "uuid::Uuid",
        ValueType::Date => "chrono::NaiveDate",
        ValueType::DateTime => "chrono::DateTime<Utc>",
        ValueType::Bool => "bool",
        ValueType::F64 => "f64",
        ValueType::Json => "serde_json::Value",
        ValueType::Bytes => "Vec<u8>",
        ValueType::Timestamp => "chrono::NaiveDateTime",
        ValueType::Time => "chrono::NaiveTime",
        #[cfg(feature = "rust_decimal")]
        ValueType::Decimal => "rust_decimal::Decimal",
        ValueType::Array(_) => "Vec<_>",
    }
}
