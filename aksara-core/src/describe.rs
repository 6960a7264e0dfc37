//! Descriptions of relations for people and LLMs.
//!
//! Every relation carries a sentence saying which side has one or many, whether the link is
//! required and what deleting does ("Each Post has one Author (required); deleting the Author
//! deletes its Posts."), unless the model gives its own `description`.

use crate::meta::{FieldMeta, ModelMeta, OnDelete, RelationKind, RelationMeta};

/// The generated sentence for the relation `field` declared on `owner`.
pub fn relation_sentence(owner: &ModelMeta, field: &FieldMeta, rel: &RelationMeta) -> String {
    let target = rel.target.model_name(&owner.name);
    let model = &owner.name;
    match rel.kind {
        RelationKind::ManyToMany => format!(
            "Each {model} has any number of {} (via `{}`), and each {target} belongs to any number of {}.",
            plural_name(&target),
            field.name,
            plural_name(model)
        ),
        RelationKind::ForeignKey | RelationKind::OneToOne => {
            let (article, reverse_count) = if rel.kind == RelationKind::OneToOne {
                ("has one", format!("at most one {model}"))
            } else {
                ("has one", format!("any number of {}", plural_name(model)))
            };
            let presence = if field.nullable {
                format!("Each {model} may have one {target} (`{}`, optional)", field.name)
            } else {
                format!("Each {model} {article} {target} (`{}`, required)", field.name)
            };
            let consequence = match rel.on_delete {
                OnDelete::Cascade if target == *model => {
                    format!("deleting a {target} deletes the {} whose `{}` it is", its(model, rel.kind), field.name)
                }
                OnDelete::Cascade => format!("deleting the {target} deletes its {}", its(model, rel.kind)),
                OnDelete::SetNull => format!("deleting the {target} keeps its {} and clears their `{}`", its(model, rel.kind), field.name),
                OnDelete::Restrict | OnDelete::Protect => {
                    format!("a {target} cannot be deleted while it has {}", its(model, rel.kind))
                }
                OnDelete::SetDefault => format!("deleting the {target} keeps its {} and resets their `{}` to its default", its(model, rel.kind), field.name),
                OnDelete::Set(_) => format!("deleting the {target} keeps its {} and sets their `{}` to a fixed value", its(model, rel.kind), field.name),
                OnDelete::DoNothing => format!("deleting the {target} leaves its {} as they are (the database's constraint decides)", its(model, rel.kind)),
            };
            format!("{presence}; each {target} has {reverse_count}; {consequence}.")
        }
    }
}

fn its(model: &str, kind: RelationKind) -> String {
    if kind == RelationKind::OneToOne {
        model.to_string()
    } else {
        plural_name(model)
    }
}

/// `Post` -> `Posts`, `Category` -> `Categories`.
pub fn plural_name(name: &str) -> String {
    let lower = crate::naming::plural(&name.to_lowercase());
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!(
            "{}{}",
            &name[..first.len_utf8()],
            &lower[first.len_utf8()..]
        ),
        None => lower,
    }
}

/// The version tag of the JSON export's shape.
pub const JSON_FORMAT: &str = "aksara.schema/1";
