//! The registry written out for people and tools: JSON (shape [`JSON_FORMAT`]), Markdown and
//! a Mermaid diagram.

use super::{Edge, ModelInfo, Registry, Via};
use crate::describe::JSON_FORMAT;
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

fn edge_json(registry: &Registry, edge: &Edge) -> Json {
    let (column, through) = match &edge.via {
        Via::Forward { column, .. } => (Some(column.clone()), None),
        Via::Reverse { column, .. } => (Some(column.clone()), None),
        Via::Junction { table, .. } => (None, Some(table.clone())),
    };
    json!({
        "name": edge.name,
        "accessor": edge.accessor,
        "kind": edge.kind.name(),
        "direction": direction(edge),
        "target": registry.at(edge.target).meta.name,
        "declared_on": edge.owner,
        "field": edge.field,
        "column": column,
        "through": through,
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
    ///                                  "declared_on", "field", "column", "through", "many",
    ///                                  "nullable", "on_delete", "description" } ] } ] }
    /// ```
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
                if f.unique {
                    notes.push("unique".to_string());
                }
                if let Some(r) = &f.relation {
                    notes.push(format!(
                        "{} to {}",
                        r.kind.name(),
                        r.target.model_name(&model.meta.name)
                    ));
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

    /// The models and relations as a Mermaid ER diagram.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("erDiagram\n");
        for model in self.models().iter().filter(|m| !m.meta.auto_created) {
            out.push_str(&format!("    {} {{\n", model.meta.name));
            for f in model.meta.fields.iter().filter(|f| f.is_concrete()) {
                let key = if f.primary_key {
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
                out.push_str(&format!("    {line} : \"{}\"\n", e.field));
            }
        }
        out
    }
}
