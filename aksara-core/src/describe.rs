//! Descriptions of relations for people and LLMs.
//!
//! Every relation carries a sentence saying which side has one or many, whether the link is
//! required and what deleting does ("Each Post has one Author (required); deleting the Author
//! deletes its Posts."), unless the model gives its own `description`. It also names what
//! sets a relation apart: the field a `to_field` key references ("by its `code`"), a
//! one-to-one that is the model's key ("whose key it shares"), a symmetrical many-to-many
//! ("the link goes both ways") and a through model's `through_fields`.

use crate::meta::{FieldMeta, ModelMeta, OnDelete, RelationKind, RelationMeta};

/// The generated sentence for the relation `field` declared on `owner`.
pub fn relation_sentence(owner: &ModelMeta, field: &FieldMeta, rel: &RelationMeta) -> String {
    let target = rel.target.model_name(&owner.name);
    let model = &owner.name;
    match rel.kind {
        RelationKind::ManyToMany if rel.symmetrical => format!(
            "Each {model} has any number of other {} (via `{}`), and the link goes both ways: when one {model} has another, the other has it too.",
            plural_name(&target),
            field.name,
        ),
        RelationKind::ManyToMany => {
            let via = match &rel.through_fields {
                Some((source, to)) => format!("via `{}`, through the fields `{source}` and `{to}`", field.name),
                None => format!("via `{}`", field.name),
            };
            format!(
                "Each {model} has any number of {} ({via}), and each {target} belongs to any number of {}.",
                plural_name(&target),
                plural_name(model)
            )
        }
        RelationKind::ForeignKey | RelationKind::OneToOne => {
            let (article, reverse_count) = if rel.kind == RelationKind::OneToOne {
                ("has one", format!("at most one {model}"))
            } else {
                ("has one", format!("any number of {}", plural_name(model)))
            };
            let by = match &rel.to_field {
                Some(to_field) => format!(", by its `{to_field}`"),
                None => String::new(),
            };
            let presence = if field.primary_key {
                format!("Each {model} {article} {target} (`{}`, required{by}), whose key it shares", field.name)
            } else if field.nullable {
                format!("Each {model} may have one {target} (`{}`, optional{by})", field.name)
            } else {
                format!("Each {model} {article} {target} (`{}`, required{by})", field.name)
            };
            let consequence = match rel.on_delete {
                OnDelete::Cascade if target == *model => {
                    format!("deleting {} deletes the {} whose `{}` it is", crate::naming::with_article(&target), its(model, rel.kind), field.name)
                }
                OnDelete::Cascade => format!("deleting the {target} deletes its {}", its(model, rel.kind)),
                OnDelete::SetNull => format!("deleting the {target} keeps its {} and clears their `{}`", its(model, rel.kind), field.name),
                OnDelete::Restrict | OnDelete::Protect => {
                    format!("{} cannot be deleted while it has {}", crate::naming::with_article(&target), its(model, rel.kind))
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

/// `Post` -> `Posts`, `Category` -> `Categories`, `UserProfile` -> `UserProfiles` (the
/// name's own capitals are kept).
pub fn plural_name(name: &str) -> String {
    let lower = name.to_lowercase();
    let plural = crate::naming::plural(&lower);
    // The plural keeps a prefix of the lower-cased name and changes its end; write that
    // prefix as the name spells it.
    let kept = lower
        .char_indices()
        .zip(plural.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, c), _)| i + c.len_utf8());
    if name.len() != lower.len() || !name.is_char_boundary(kept) {
        return plural;
    }
    format!("{}{}", &name[..kept], &plural[kept..])
}

/// The version tag of the JSON export's shape.
pub const JSON_FORMAT: &str = "aksara.schema/1";
