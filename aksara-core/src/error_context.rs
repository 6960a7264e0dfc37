//! Naming the model, field and value in database errors.
//!
//! Backends report a constraint violation with the constraint's name; since [`crate::naming`]
//! names every constraint after its table and columns, the registry can tell which relation or
//! field refused, and the caller's context can tell which value it was.

use crate::error::{DbError, DbErrorKind, Error};
use crate::meta::{FieldMeta, RelationMeta, Target};
use crate::registry::Registry;
use crate::value::Value;

/// What the statement that failed was doing.
#[derive(Debug, Clone, Copy)]
pub enum Context<'a> {
    /// Writing these values (field, value) to rows of `model`.
    Write {
        /// The model written.
        model: &'a str,
        /// The values written.
        values: &'a [(&'a FieldMeta, Value)],
    },
    /// Deleting rows of `model`.
    Delete {
        /// The model deleted from.
        model: &'a str,
    },
}

/// Turns `e` into an [`Error`] naming the model, the relation or field, and the value.
pub fn relate(registry: &Registry, e: DbError, context: Option<Context<'_>>) -> Error {
    match e.kind {
        DbErrorKind::ForeignKeyViolation => foreign_key(registry, e, context),
        DbErrorKind::UniqueViolation => unique(registry, e, context),
        DbErrorKind::NotNullViolation => {
            let model = match context {
                Some(Context::Write { model, .. } | Context::Delete { model }) => model.to_string(),
                None => "?".into(),
            };
            Error::Integrity {
                model,
                field: e.constraint.clone().unwrap_or_default(),
                message: e.to_string(),
            }
        }
        _ => e.into_error(),
    }
}

fn written_value<'v>(context: Option<Context<'v>>, field: &FieldMeta) -> Option<&'v Value> {
    match context {
        Some(Context::Write { values, .. }) => values
            .iter()
            .find(|(f, _)| f.column == field.column)
            .map(|(_, v)| v),
        _ => None,
    }
}

fn foreign_key(registry: &Registry, e: DbError, context: Option<Context<'_>>) -> Error {
    let found = e
        .constraint
        .as_deref()
        .and_then(|c| registry.relation_by_constraint(c));
    let Some((owner, field)) = found else {
        return unnamed_foreign_key(e, context);
    };
    let target = match &field.relation {
        Some(RelationMeta {
            target: Target::Name(t),
            ..
        }) => t.clone(),
        _ => "?".into(),
    };
    let on_delete = field
        .relation
        .as_ref()
        .map(|r| r.on_delete.name())
        .unwrap_or("RESTRICT");
    let message = match context {
        Some(Context::Delete { model }) => format!(
            "cannot delete {model}: {} rows still reference it through {}.{} (on_delete={on_delete}); nothing was deleted",
            owner.meta.name, owner.meta.name, field.name
        ),
        _ => match written_value(context, field) {
            Some(value) => format!("no {target} with key {value} exists; nothing was written"),
            None => format!("the referenced {target} does not exist, or is still referenced ({e})"),
        },
    };
    Error::ForeignKeyConstraint {
        model: owner.meta.name.clone(),
        relation: field.name.clone(),
        message,
    }
}

fn unique(registry: &Registry, e: DbError, context: Option<Context<'_>>) -> Error {
    let Some(constraint) = e.constraint.as_deref() else {
        return unnamed_unique(e, context);
    };
    for m in registry.models() {
        let meta = &m.meta;
        for f in meta.concrete_fields() {
            if crate::naming::unique_constraint_name(&meta.table, &[&f.column]) == constraint {
                let message = match written_value(context, f) {
                    Some(value) => format!(
                        "{} with {} = {value} already exists; nothing was written",
                        crate::naming::with_article(&meta.name),
                        f.name
                    ),
                    None => format!(
                        "{} with the same {} already exists",
                        crate::naming::with_article(&meta.name),
                        f.name
                    ),
                };
                return Error::Integrity {
                    model: meta.name.clone(),
                    field: f.name.clone(),
                    message,
                };
            }
        }
        for group in &meta.unique_together {
            let fields: Vec<&FieldMeta> = group.iter().filter_map(|n| meta.field(n)).collect();
            let columns: Vec<&str> = fields.iter().map(|f| f.column.as_str()).collect();
            if crate::naming::unique_constraint_name(&meta.table, &columns) == constraint {
                let shown: Vec<String> = fields
                    .iter()
                    .map(|f| match written_value(context, f) {
                        Some(v) => format!("{} = {v}", f.name),
                        None => f.name.clone(),
                    })
                    .collect();
                return Error::Integrity {
                    model: meta.name.clone(),
                    field: group.join(", "),
                    message: format!(
                        "{} with {} already exists; nothing was written",
                        crate::naming::with_article(&meta.name),
                        shown.join(", ")
                    ),
                };
            }
        }
    }
    unnamed_unique(e, context)
}

/// The one written field that `fits`, with its value, when exactly one does: the field a
/// constraint the registry cannot name (the server named it: `player_team_id_fkey`,
/// `player_ibfk_1`) must be about.
fn only_written<'v>(
    context: Option<Context<'v>>,
    fits: impl Fn(&FieldMeta) -> bool,
) -> Option<(&'v FieldMeta, &'v Value)> {
    let Some(Context::Write { values, .. }) = context else {
        return None;
    };
    let mut fitting = values.iter().filter(|(f, v)| fits(f) && !v.is_null());
    match (fitting.next(), fitting.next()) {
        (Some((field, value)), None) => Some((*field, value)),
        _ => None,
    }
}

/// The model the statement was about, when the caller said.
fn context_model(context: Option<Context<'_>>) -> Option<&str> {
    match context {
        Some(Context::Write { model, .. } | Context::Delete { model }) => Some(model),
        None => None,
    }
}

/// A foreign key violation of a constraint the registry did not name: the model from the
/// context, the relation the write set (when it set one), else the constraint's name.
fn unnamed_foreign_key(e: DbError, context: Option<Context<'_>>) -> Error {
    let Some(model) = context_model(context) else {
        return e.into_error();
    };
    match only_written(context, |f| f.relation.is_some()) {
        Some((field, value)) => {
            let target = match &field.relation {
                Some(RelationMeta {
                    target: Target::Name(t),
                    ..
                }) => t.as_str(),
                _ => "row",
            };
            Error::ForeignKeyConstraint {
                model: model.to_string(),
                relation: field.name.clone(),
                message: format!("no {target} with key {value} exists; nothing was written"),
            }
        }
        None => Error::ForeignKeyConstraint {
            model: model.to_string(),
            relation: e.constraint.clone().unwrap_or_default(),
            message: e.to_string(),
        },
    }
}

/// A uniqueness violation of a constraint the registry did not name: the model from the
/// context, the unique field the write set (when it set exactly one), else the constraint.
fn unnamed_unique(e: DbError, context: Option<Context<'_>>) -> Error {
    let Some(model) = context_model(context) else {
        return e.into_error();
    };
    let written = only_written(context, |f| f.unique).or_else(|| only_written(context, |_| true));
    match written {
        Some((field, value)) => Error::Integrity {
            model: model.to_string(),
            field: field.name.clone(),
            message: format!(
                "{} with {} = {value} already exists; nothing was written",
                crate::naming::with_article(model),
                field.name
            ),
        },
        None => Error::Integrity {
            model: model.to_string(),
            field: e.constraint.clone().unwrap_or_default(),
            message: e.to_string(),
        },
    }
}
