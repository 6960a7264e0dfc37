//! The registry written out for people and tools: JSON (shape [`JSON_FORMAT`]), Markdown and
//! a Mermaid diagram.

use super::{Edge, ModelInfo, Registry, Via};
use crate::describe::JSON_FORMAT;
use crate::meta::{FieldMeta, RelationKind, RelationMeta};
use crate::value::FieldKind;
use serde_json::{json, Value as Json};

fn kind_name(kind: &FieldKind) -> String {
    match kind {
        FieldKind::String { max_length } => format!("string({max_length})"),
        FieldKind::Email { max_length } => format!("email({max_length})"),
        FieldKind::Url { max_length } => format!("url({max_length})"),
        other => other.describe().replace(' ', "_").to_lowercase(),
    }
}

fn direction(edge: &Edge) -> &'static str {
    if edge.forward {
        "forward"
    } else {
        "reverse"
    }
}

/// The relation as declared on its field (the declaring model's side of `edge`).
fn declared<'a>(registry: &'a Registry, edge: &Edge) -> Option<&'a RelationMeta> {
    registry
        .relation(&edge.owner, &edge.field)
        .and_then(|(_, field)| field.relation.as_ref())
}

/// The column a to-one edge's foreign key references on the model it points at (the
/// target's key, or the unique column named by `to_field`).
fn referenced_column(edge: &Edge) -> Option<&str> {
    match &edge.via {
        Via::Forward { target_column, .. } => Some(target_column),
        Via::Reverse { source_column, .. } => Some(source_column),
        Via::Junction { .. } => None,
    }
}

/// The through model's fields naming each side, when a through model's several foreign keys
/// to one model are told apart by `through_fields`.
fn through_fields_json(rel: Option<&RelationMeta>) -> Json {
    match rel.and_then(|r| r.through_fields.as_ref()) {
        Some((source, target)) => json!([source, target]),
        None => Json::Null,
    }
}

/// True when `field` is its model's primary key and also a one-to-one relation: the model
/// extends the target and shares its key.
fn is_one_to_one_key(field: &FieldMeta) -> bool {
    field.primary_key
        && field
            .relation
            .as_ref()
            .is_some_and(|r| r.kind == RelationKind::OneToOne)
}

fn edge_json(registry: &Registry, edge: &Edge) -> Json {
    let (column, through) = match &edge.via {
        Via::Forward { column, .. } => (Some(column.clone()), None),
        Via::Reverse { column, .. } => (Some(column.clone()), None),
        Via::Junction { table, .. } => (None, Some(table.clone())),
    };
    let rel = declared(registry, edge);
    let primary_key = registry
        .relation(&edge.owner, &edge.field)
        .is_some_and(|(_, f)| is_one_to_one_key(f));
    json!({
        "name": edge.name,
        "accessor": edge.accessor,
        "kind": edge.kind.name(),
        "direction": direction(edge),
        "target": registry.at(edge.target).meta.name,
        "declared_on": edge.owner,
        "field": edge.field,
        "column": column,
        "references": referenced_column(edge),
        "to_field": rel.and_then(|r| r.to_field.clone()),
        "through": through,
        "through_fields": through_fields_json(rel),
        "symmetrical": rel.is_some_and(|r| r.symmetrical),
        "primary_key": primary_key,
        "many": edge.is_many(),
        "nullable": edge.nullable,
        "on_delete": edge.on_delete.name(),
        "description": edge.description,
    })
}

fn model_json(registry: &Registry, model: &ModelInfo) -> Json {
    let fields: Vec<Json> = model
        .meta
        .fields
        .iter()
        .filter(|f| f.is_concrete())
        .map(|f| {
            json!({
                "name": f.name,
                "column": f.column,
                "kind": kind_name(&f.kind),
                "nullable": f.nullable,
                "unique": f.unique,
                "primary_key": f.primary_key,
                "max_length": f.max_length(),
                "relation": f.relation.as_ref().map(|r| r.kind.name()),
                "description": f.description,
            })
        })
        .collect();
    json!({
        "name": model.meta.name,
        "table": model.meta.table,
        "description": model.meta.description,
        "auto_created": model.meta.auto_created,
        "unique_together": model.meta.unique_together,
        "fields": fields,
        "relations": model.edges.iter().map(|e| edge_json(registry, e)).collect::<Vec<_>>(),
    })
}

impl Registry {
    /// Every model and relation as JSON, in this stable shape (`format` names its version):
    ///
    /// ```text
    /// { "format": "aksara.schema/1",
    ///   "models": [ { "name", "table", "description", "auto_created", "unique_together",
    ///                 "fields": [ { "name", "column", "kind", "nullable", "unique",
    ///                               "primary_key", "max_length", "relation", "description" } ],
    ///                 "relations": [ { "name", "accessor", "kind", "direction", "target",
    ///                                  "declared_on", "field", "column", "references",
    ///                                  "to_field", "through", "through_fields", "symmetrical",
    ///                                  "primary_key", "many", "nullable", "on_delete",
    ///                                  "description" } ] } ] }
    /// ```
    ///
    /// A relation's `column` is the foreign key column (on the declaring table, for both
    /// directions) and `references` the column it points at: the target's key, or the unique
    /// column named by `to_field`. `through_fields` is `[source, target]` when given,
    /// `symmetrical` is true for a self many-to-many whose links go both ways, and
    /// `primary_key` is true for a one-to-one that is also its model's primary key (the model
    /// extends the target and shares its key).
    pub fn to_json(&self) -> Json {
        json!({
            "format": JSON_FORMAT,
            "models": self.models().iter().map(|m| model_json(self, m)).collect::<Vec<_>>(),
        })
    }

    /// Every model and relation as Markdown, for people and LLMs: a section per model with its
    /// fields and its relations, each described in a sentence.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Data model\n");
        for model in self.models().iter().filter(|m| !m.meta.auto_created) {
            out.push_str(&format!(
                "\n## {} (table `{}`)\n\n",
                model.meta.name, model.meta.table
            ));
            if let Some(d) = &model.meta.description {
                out.push_str(&format!("{d}\n\n"));
            }
            out.push_str("| field | type | required | notes |\n|---|---|---|---|\n");
            for f in model.meta.fields.iter().filter(|f| f.is_concrete()) {
                let mut notes = Vec::new();
                if f.primary_key {
                    notes.push("primary key".to_string());
                }
                if f.unique && !f.primary_key {
                    notes.push("unique".to_string());
                }
                if let Some(r) = &f.relation {
                    notes.push(relation_note(&model.meta.name, f, r));
                }
                if let Some(d) = &f.description {
                    notes.push(d.clone());
                }
                let required = if f.nullable { "no" } else { "yes" };
                out.push_str(&format!(
                    "| `{}` | {} | {required} | {} |\n",
                    f.name,
                    kind_name(&f.kind),
                    notes.join("; ")
                ));
            }
            if !model.edges.is_empty() {
                out.push_str("\nRelations:\n\n");
                for e in &model.edges {
                    let target = &self.at(e.target).meta.name;
                    let arrow = if e.is_many() {
                        format!("many {target}")
                    } else {
                        format!("one {target}")
                    };
                    let how = if e.forward {
                        e.kind.name().to_string()
                    } else {
                        format!("reverse of {}.{}", e.owner, e.field)
                    };
                    out.push_str(&format!(
                        "- `{}` → {arrow} ({how}). {}\n",
                        e.accessor, e.description
                    ));
                }
            }
        }
        out
    }

    /// The models and relations as a Mermaid ER diagram: one entity per model with its columns
    /// (`PK`, `FK`, `UK`; a one-to-one that is the key is `PK, FK`), one line per relation
    /// labelled with its field (and `by <field>` for a `to_field`, `symmetrical` for a
    /// symmetrical many-to-many, the through model's fields for `through_fields`).
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("erDiagram\n");
        for model in self.models().iter().filter(|m| !m.meta.auto_created) {
            out.push_str(&format!("    {} {{\n", model.meta.name));
            for f in model.meta.fields.iter().filter(|f| f.is_concrete()) {
                let key = if is_one_to_one_key(f) {
                    " PK, FK"
                } else if f.primary_key {
                    " PK"
                } else if f.relation.is_some() {
                    " FK"
                } else if f.unique {
                    " UK"
                } else {
                    ""
                };
                let kind = f.kind.describe().replace([' ', '-'], "_").to_lowercase();
                out.push_str(&format!("        {kind} {}{key}\n", f.column));
            }
            out.push_str("    }\n");
        }
        for model in self.models().iter().filter(|m| !m.meta.auto_created) {
            for e in model.edges.iter().filter(|e| e.forward) {
                let target = &self.at(e.target).meta.name;
                let line = match (e.kind, e.nullable) {
                    (crate::meta::RelationKind::ManyToMany, _) => {
                        format!("{} }}o--o{{ {target}", model.meta.name)
                    }
                    (crate::meta::RelationKind::OneToOne, false) => {
                        format!("{target} ||--o| {}", model.meta.name)
                    }
                    (crate::meta::RelationKind::OneToOne, true) => {
                        format!("{target} |o--o| {}", model.meta.name)
                    }
                    (_, false) => format!("{target} ||--o{{ {}", model.meta.name),
                    (_, true) => format!("{target} |o--o{{ {}", model.meta.name),
                };
                out.push_str(&format!(
                    "    {line} : \"{}\"\n",
                    mermaid_label(declared(self, e), &e.field)
                ));
            }
        }
        out
    }
}

/// The Markdown note on a relation field: its kind and target, and what sets it apart (the
/// field it references, a shared key, a symmetrical or `through_fields` many-to-many).
fn relation_note(model: &str, field: &FieldMeta, rel: &RelationMeta) -> String {
    let mut note = format!("{} to {}", rel.kind.name(), rel.target.model_name(model));
    if let Some(to_field) = &rel.to_field {
        note.push_str(&format!(", by its `{to_field}`"));
    }
    if is_one_to_one_key(field) {
        note.push_str(", whose key this model shares");
    }
    if rel.symmetrical {
        note.push_str(", symmetrical");
    }
    if let Some((source, target)) = &rel.through_fields {
        note.push_str(&format!(", through fields `{source}` and `{target}`"));
    }
    note
}

/// The Mermaid label of a relation line: its field, and what sets the relation apart.
fn mermaid_label(rel: Option<&RelationMeta>, field: &str) -> String {
    let mut label = field.to_string();
    if let Some(rel) = rel {
        if let Some(to_field) = &rel.to_field {
            label.push_str(&format!(" by {to_field}"));
        }
        if rel.symmetrical {
            label.push_str(" (symmetrical)");
        }
        if let Some((source, target)) = &rel.through_fields {
            label.push_str(&format!(" via {source}, {target}"));
        }
    }
    label
}
