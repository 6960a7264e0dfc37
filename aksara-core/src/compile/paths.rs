//! Path resolution against the registry: `author__email` walked edge by edge into a column
//! (joining to-one relations) or a to-many relation with the rest of the path.

use super::{Compiler, Join, JoinEnd, Scope};
use crate::error::{Error, Result};
use crate::meta::FieldMeta;
use crate::query::Lookup;
use crate::registry::{Edge, ModelInfo, Via};
use crate::sql::Sql;

/// What a path names.
pub(super) enum Resolved {
    /// A column to compare.
    Column {
        alias: String,
        model: usize,
        field: FieldMeta,
        lookup: Lookup,
    },
    /// A to-many relation from `alias`, with the rest of the path to apply to its rows.
    ToMany {
        alias: String,
        edge: Edge,
        rest: Vec<String>,
    },
}

impl Compiler<'_> {
    /// The end of the join for `path` from `from` along `edge` (created if needed): its alias,
    /// and whether it is INNER (every join on the way is, and the link is required).
    pub(super) fn join(
        &mut self,
        scope: &mut Scope,
        path: &str,
        from: &JoinEnd,
        edge: &Edge,
    ) -> JoinEnd {
        if let Some(j) = scope.joins.iter().find(|j| !j.many && j.path == path) {
            return JoinEnd {
                alias: j.alias.clone(),
                inner: j.inner,
            };
        }
        let from_alias = from.alias.as_str();
        let alias = self.alias();
        let target = self.registry.at(edge.target);
        let inner = from.inner && matches!(edge.via, Via::Forward { .. }) && !edge.nullable;
        let mut clause = Sql::new();
        clause.push(if inner { " INNER JOIN " } else { " LEFT JOIN " });
        clause
            .ident(&target.meta.table)
            .push(" AS ")
            .alias(&alias)
            .push(" ON ");
        match &edge.via {
            Via::Forward {
                column,
                target_column,
            } => {
                clause
                    .column(&alias, target_column)
                    .push(" = ")
                    .column(from_alias, column);
            }
            Via::Reverse {
                column,
                source_column,
            } => {
                clause
                    .column(&alias, column)
                    .push(" = ")
                    .column(from_alias, source_column);
            }
            Via::Junction { .. } => unreachable!("to-many edges are never joined"),
        }
        scope.joins.push(Join {
            path: path.to_string(),
            alias: alias.clone(),
            inner,
            many: false,
            clause,
        });
        JoinEnd { alias, inner }
    }

    /// Walks `parts` from the scope's model (`pk` names the key, as in Django, unless the
    /// model has a field of that name).
    pub(super) fn resolve(&mut self, scope: &mut Scope, parts: &[String]) -> Result<Resolved> {
        if let Some(annotation) = self.resolve_annotation(scope, parts)? {
            return Ok(annotation);
        }
        let mut model = scope.model;
        let mut alias = scope.alias.clone();
        let mut inner = true;
        let mut path = String::new();
        let mut i = 0;
        while i < parts.len() {
            let rest = &parts[i + 1..];
            let info = self.registry.at(model);
            let part = key_alias(info, parts[i].as_str());
            let as_column = info.meta.concrete_fields().find(|f| {
                (f.name == part && f.relation.is_none())
                    || (f.relation.is_some() && f.column == part && f.column != f.name)
            });
            if let Some(field) = as_column {
                let lookup = lookup_of(info, rest, field)?;
                return Ok(Resolved::Column {
                    alias,
                    model,
                    field: field.clone(),
                    lookup,
                });
            }
            let Some(edge) = info.edge(part).cloned() else {
                return Err(info.unknown(part));
            };
            if edge.is_many() {
                let through = if path.is_empty() {
                    part.to_string()
                } else {
                    format!("{path}__{part}")
                };
                if let Some(j) = scope.joins.iter().find(|j| j.many && j.path == through) {
                    // Joined by an aggregate: its paths walk the joined rows.
                    alias = j.alias.clone();
                    path = through;
                    model = edge.target;
                    i += 1;
                    continue;
                }
                return Ok(Resolved::ToMany {
                    alias,
                    edge,
                    rest: rest.to_vec(),
                });
            }
            let target = self.registry.at(edge.target);
            let target_pk = target.meta.pk()?;
            // The relation compared as a whole (`author=obj`, `author__isnull`, `author__id`):
            // a forward relation is its own column, no join needed.
            if let Via::Forward { target_column, .. } = &edge.via {
                // The field the relation references (the key, or a `to_field`): its value is
                // the relation's own column.
                let referenced = target
                    .meta
                    .concrete_fields()
                    .find(|f| &f.column == target_column)
                    .map_or(target_pk.name.as_str(), |f| f.name.as_str());
                let whole = match rest {
                    [] => Some(Lookup::Exact),
                    [one]
                        if Lookup::from_name(one).is_some()
                            && target.meta.field(one).is_none()
                            && target.edge(one).is_none() =>
                    {
                        Some(lookup_of(
                            info,
                            rest,
                            info.meta.field(&edge.field).expect("relation field"),
                        )?)
                    }
                    // `author__id`, `author__pk__in`, `country__code` with `to_field =
                    // "code"`; not `restaurant__place__name` (a key that is itself a relation,
                    // followed on by a field of its target).
                    [pk, more @ ..]
                        if (key_alias(target, pk) == target_pk.name
                            && target_pk.column == *target_column
                            || pk.as_str() == referenced)
                            && more.len() <= 1
                            && more.iter().all(|m| Lookup::from_name(m).is_some()) =>
                    {
                        Some(lookup_of(
                            info,
                            more,
                            info.meta.field(&edge.field).expect("relation field"),
                        )?)
                    }
                    _ => None,
                };
                if let Some(lookup) = whole {
                    let field = info
                        .meta
                        .field(&edge.field)
                        .expect("relation field")
                        .clone();
                    return Ok(Resolved::Column {
                        alias,
                        model,
                        field,
                        lookup,
                    });
                }
            }
            let is_lookup_only = rest.is_empty()
                || (rest.len() == 1
                    && Lookup::from_name(&rest[0]).is_some()
                    && target.meta.field(&rest[0]).is_none());
            path = if path.is_empty() {
                part.to_string()
            } else {
                format!("{path}__{part}")
            };
            let from = JoinEnd { alias, inner };
            let JoinEnd {
                alias: join_alias,
                inner: join_inner,
            } = self.join(scope, &path, &from, &edge);
            if is_lookup_only {
                let lookup = lookup_of(target, rest, target_pk)?;
                return Ok(Resolved::Column {
                    alias: join_alias,
                    model: edge.target,
                    field: target_pk.clone(),
                    lookup,
                });
            }
            alias = join_alias;
            inner = join_inner;
            model = edge.target;
            i += 1;
        }
        let info = self.registry.at(model);
        Err(Error::config(format!(
            "the path `{}` on {} names no field",
            parts.join("__"),
            info.meta.name
        )))
    }
}

/// `name`, or the key field's name when `name` is `pk` and the model has nothing else called
/// that.
pub(super) fn key_alias<'a>(info: &'a ModelInfo, name: &'a str) -> &'a str {
    if name != "pk" || info.meta.field(name).is_some() || info.edge(name).is_some() {
        return name;
    }
    info.meta.try_pk().map_or(name, |f| f.name.as_str())
}

/// The lookup named by what is left of a path after `field` (`[]` is exact).
pub(super) fn lookup_of(model: &ModelInfo, rest: &[String], field: &FieldMeta) -> Result<Lookup> {
    match rest {
        [] => Ok(Lookup::Exact),
        [name] => Lookup::from_name(name).ok_or_else(|| Error::UnknownField {
            model: model.meta.name.clone(),
            name: format!("{}__{name}", field.name),
            candidates: crate::registry::closest(
                name,
                Lookup::ALL.iter().map(|(n, _)| n.to_string()),
            )
            .into_iter()
            .map(|l| format!("{}__{l}", field.name))
            .collect(),
        }),
        more => Err(Error::UnknownField {
            model: model.meta.name.clone(),
            name: format!("{}__{}", field.name, more.join("__")),
            candidates: vec![],
        }),
    }
}
