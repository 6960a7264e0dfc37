//! The registry: every model of an application, resolved and checked.
//!
//! Building a [`Registry`] resolves each relation's target (by type, by name or `"self"`),
//! creates the junction model of every automatic many-to-many field, adds the reverse side of
//! every relation to its target, and checks the whole set: unknown targets, `SET_NULL` on a
//! required relation, reverse names that clash with each other or with a field. Every problem
//! is reported at once in one [`Error::Config`].
//!
//! Queries walk the registry's [`Edge`]s: one per relation direction, named as lookups name
//! them (`author` forward, `posts` or `post` in reverse, `tags` through a junction).

use crate::describe;
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, OnDelete, RelationKind, RelationMeta, Target};
use crate::model::Model;
use crate::naming;
/// Naming rules and suggestions, kept here under their old paths.
pub use crate::naming::{hidden_reverse_name, junction_model_name};
pub use crate::suggest::closest;
use crate::value::FieldKind;
use std::collections::HashMap;
use std::sync::Arc;

/// How an edge reaches its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// This model's `column` references the target's `target_column` (forward foreign key or
    /// one-to-one).
    Forward {
        /// The referencing column on this model's table.
        column: String,
        /// The referenced column (the target's key).
        target_column: String,
    },
    /// The target's `column` references this model's `source_column` (reverse side).
    Reverse {
        /// The referencing column on the target's table.
        column: String,
        /// The referenced column on this model (its key).
        source_column: String,
    },
    /// Through a junction table.
    Junction {
        /// The junction model's index in the registry.
        junction: usize,
        /// The junction table.
        table: String,
        /// The junction column referencing this model.
        source_column: String,
        /// The junction column referencing the target.
        target_column: String,
        /// This model's key column.
        source_key: String,
        /// The target's key column.
        target_key: String,
    },
}

/// One direction of one relation, as seen from the model it starts at.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The name used in lookups from this model (`author`, `posts`, `tags`, `post`).
    pub name: String,
    /// The accessor name on instances (differs from `name` only for default reverse names:
    /// `post_set` versus `post`).
    pub accessor: String,
    /// The index of the model reached.
    pub target: usize,
    /// How the target is reached.
    pub via: Via,
    /// The kind of the relation declared.
    pub kind: RelationKind,
    /// True when this edge goes from the declaring model to its target.
    pub forward: bool,
    /// The model that declares the relation.
    pub owner: String,
    /// The declaring field.
    pub field: String,
    /// What deleting the referenced row does.
    pub on_delete: OnDelete,
    /// True when the foreign key may be NULL.
    pub nullable: bool,
    /// The relation's description (given or generated).
    pub description: String,
}

impl Edge {
    /// True when following the edge can reach several rows (reverse foreign key, many-to-many).
    pub fn is_many(&self) -> bool {
        match self.via {
            Via::Forward { .. } => false,
            Via::Reverse { .. } => self.kind != RelationKind::OneToOne,
            Via::Junction { .. } => true,
        }
    }
}

/// A model in a built registry.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    /// Its position in the registry.
    pub index: usize,
    /// Its metadata, relation targets resolved to names and junction models added.
    pub meta: ModelMeta,
    /// The relations reachable from it, forward and reverse.
    pub edges: Vec<Edge>,
    /// The reverse sides of many-to-many relations declared with `related_name = "+"`: not
    /// relations of this model, but what the declaring side's manager reads through, under
    /// [`hidden_reverse_name`].
    hidden: Vec<Edge>,
}

impl ModelInfo {
    /// The model's name.
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// The edge named `name` (lookup name or accessor, or the [`hidden_reverse_name`] of a
    /// many-to-many relation without a reverse side).
    pub fn edge(&self, name: &str) -> Option<&Edge> {
        self.edges
            .iter()
            .find(|e| e.name == name)
            .or_else(|| self.edges.iter().find(|e| e.accessor == name))
            .or_else(|| self.hidden.iter().find(|e| e.name == name))
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.meta.field(name)
    }

    /// Every name a lookup may use on this model, for suggestions.
    pub fn lookup_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.meta.fields.iter().map(|f| f.name.clone()).collect();
        for f in self
            .meta
            .fields
            .iter()
            .filter(|f| f.relation.is_some() && f.is_concrete())
        {
            names.push(f.column.clone());
        }
        names.extend(
            self.edges
                .iter()
                .filter(|e| !e.forward)
                .map(|e| e.name.clone()),
        );
        names.sort();
        names.dedup();
        names
    }

    /// An [`Error::UnknownField`] for `name` on this model, with the closest names.
    pub fn unknown(&self, name: &str) -> Error {
        Error::UnknownField {
            model: self.meta.name.clone(),
            name: name.to_string(),
            candidates: closest(name, self.lookup_names()),
        }
    }
}

/// All models of an application, resolved and checked. Cheap to share: [`RegistryBuilder::build`]
/// returns an `Arc`.
#[derive(Debug)]
pub struct Registry {
    models: Vec<ModelInfo>,
    by_name: HashMap<String, usize>,
}

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

impl Registry {
    /// Starts a registry.
    ///
    /// ```
    /// use aksara::demo::{Post, UserProfile};
    ///
    /// let registry = aksara::Registry::builder().model::<Post>().model::<UserProfile>().build()?;
    /// assert!(registry.model("Tag").is_ok()); // reached through Post.tags
    /// # Ok::<(), aksara::Error>(())
    /// ```
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// An empty registry (for raw SQL only).
    pub fn empty() -> Arc<Registry> {
        Arc::new(Registry {
            models: Vec::new(),
            by_name: HashMap::new(),
        })
    }

    /// Every model, junction models included, in registration order.
    pub fn models(&self) -> &[ModelInfo] {
        &self.models
    }

    /// The model at `index`.
    pub fn at(&self, index: usize) -> &ModelInfo {
        &self.models[index]
    }

    /// The model called `name`, or a [`Error::Config`] naming the closest ones.
    pub fn model(&self, name: &str) -> Result<&ModelInfo> {
        self.by_name.get(name).map(|&i| &self.models[i]).ok_or_else(|| {
            let near = closest(name, self.models.iter().map(|m| m.meta.name.clone()));
            let hint = if near.is_empty() { String::new() } else { format!("; did you mean {}?", near.join(", ")) };
            Error::config(format!(
                "model `{name}` is not in the registry (add it with Registry::builder().model::<{name}>()){hint}"
            ))
        })
    }

    /// The model stored in `table`.
    pub fn by_table(&self, table: &str) -> Option<&ModelInfo> {
        self.models.iter().find(|m| m.meta.table == table)
    }

    /// The model whose table name is `table`, and the relation whose foreign key constraint is
    /// named `constraint` (as [`crate::ddl`] names them), for naming the relation in errors.
    pub fn relation_by_constraint(&self, constraint: &str) -> Option<(&ModelInfo, &FieldMeta)> {
        self.models.iter().find_map(|m| {
            m.meta
                .concrete_fields()
                .find(|f| {
                    f.relation.is_some()
                        && crate::naming::fk_constraint_name(&m.meta.table, &f.column) == constraint
                })
                .map(|f| (m, f))
        })
    }

    /// The registered model that declares the relation `owner.field`.
    pub fn relation(&self, owner: &str, field: &str) -> Option<(&ModelInfo, &FieldMeta)> {
        let m = self.model(owner).ok()?;
        m.meta.field(field).map(|f| (m, f))
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
    for m in metas.iter_mut() {
        let model_name = m.name.clone();
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
            if rel.kind != RelationKind::ManyToMany && rel.to_column.is_none() {
                if let Some(kind) = pk_kinds.get(&target) {
                    f.kind = kind.clone();
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
                    let (source_column, target_column) =
                        match junction_columns(&junction.meta, &m.meta.name, target_name) {
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
            if rel.related_name.as_deref() != Some("+") {
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
    Ok(Registry { models, by_name })
}

/// The lookup name and accessor name of the reverse side of `rel` declared on `owner`.
fn reverse_names(owner: &ModelMeta, rel: &RelationMeta) -> (String, String) {
    match &rel.related_name {
        Some(name) => (name.clone(), name.clone()),
        None => naming::default_reverse_names(&owner.name, rel.kind == RelationKind::OneToOne),
    }
}

fn junction_meta(
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
fn junction_columns(
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
