//! The grouping of conditions across to-many relations: conditions of one `filter` call on the
//! same relation share one `EXISTS`, so they hold for the same related row.

use super::paths::Resolved;
use super::{Compiler, Scope};
use crate::error::Result;
use crate::query::{Condition, Lookup};
use crate::registry::{Edge, Via};
use crate::sql::Sql;
use crate::value::Value;

/// A to-many relation whose conditions, in one group, refer to one related row: that row's
/// scope, or `None` for the case of no related row.
pub(super) struct Bound {
    alias: String,
    edge: String,
    rows: Option<Scope>,
}

impl Compiler<'_> {
    /// One `filter` call's condition (or a NOT's, or a related subquery's): every condition on
    /// the same to-many relation, inside AND, OR alike, refers to the same related row, as
    /// Django's single join does. For each to-many relation the tree is compiled twice: once
    /// per related row (`EXISTS`), and once for a row with no related row at all (the outer
    /// join's NULL row: its conditions are false, `isnull = true` true). A NOT starts a group
    /// of its own: "has no such related row".
    pub(super) fn group(&mut self, scope: &mut Scope, condition: &Condition) -> Result<Sql> {
        let mut bound = Vec::new();
        self.group_with(scope, condition, &mut bound)
    }

    pub(super) fn group_with(
        &mut self,
        scope: &mut Scope,
        condition: &Condition,
        bound: &mut Vec<Bound>,
    ) -> Result<Sql> {
        let Some((alias, edge)) = self.first_to_many(scope, condition, bound)? else {
            return self.structural(scope, condition, bound);
        };
        let sub = self.scope(edge.target);
        bound.push(Bound {
            alias: alias.clone(),
            edge: edge.name.clone(),
            rows: Some(sub),
        });
        let per_row = self.group_with(scope, condition, bound);
        let sub = bound.pop().and_then(|b| b.rows).expect("bound above");
        let per_row = self.exists_with(&alias, &edge, sub, per_row?)?;
        if !self.may_hold_without(scope, condition, &alias, &edge.name)? {
            // Every leaf needs a related row: the no-row case is false, left out.
            return Ok(per_row);
        }
        bound.push(Bound {
            alias: alias.clone(),
            edge: edge.name.clone(),
            rows: None,
        });
        let no_row = self.group_with(scope, condition, bound);
        bound.pop();
        let no_row = no_row?;
        let none = self.exists_subquery(&alias, &edge, &Condition::True)?;
        let mut sql = Sql::new();
        sql.push("(")
            .append(per_row)
            .push(" OR (NOT ")
            .append(none)
            .push(" AND ")
            .append(no_row)
            .push("))");
        Ok(sql)
    }

    /// A leaf's to-many relation and the rest of its path on the related rows, unless the leaf
    /// is a plain column or compares the relation as a whole (`tags__isnull`).
    pub(super) fn leaf_across_to_many(
        &mut self,
        scope: &mut Scope,
        path: &str,
    ) -> Result<Option<(String, Edge, String)>> {
        let segments: Vec<String> = path.split("__").map(str::to_string).collect();
        let Resolved::ToMany { alias, edge, rest } = self.resolve(scope, &segments)? else {
            return Ok(None);
        };
        let target = self.registry.at(edge.target);
        // `pk` when the target has no single-column key (a table read from the catalog):
        // comparing the relation as a whole is then an error naming it, and a path through it
        // still works.
        let pk = target
            .meta
            .try_pk()
            .map_or_else(|| "pk".to_string(), |f| f.name.clone());
        let lookup_only = match rest.as_slice() {
            [one] if target.meta.field(one).is_none() && target.edge(one).is_none() => {
                Lookup::from_name(one)
            }
            _ => None,
        };
        if lookup_only == Some(Lookup::IsNull) {
            return Ok(None);
        }
        let sub_path = match (rest.is_empty(), lookup_only) {
            (true, _) => pk,
            (false, Some(lookup)) => format!("{pk}__{}", lookup.name()),
            (false, None) => rest.join("__"),
        };
        Ok(Some((alias, edge, sub_path)))
    }

    /// False when `condition` cannot hold for a row with no related row through `edge` from
    /// `alias` (its AND / OR tree needs one: every deciding leaf is on that relation and none
    /// is an `isnull = true`).
    pub(super) fn may_hold_without(
        &mut self,
        scope: &mut Scope,
        condition: &Condition,
        alias: &str,
        edge: &str,
    ) -> Result<bool> {
        match condition {
            Condition::Lookup { path, value } => {
                Ok(match self.leaf_across_to_many(scope, path)? {
                    Some((a, e, sub_path)) if a == alias && e.name == edge => {
                        is_null_test(&Condition::Lookup {
                            path: sub_path,
                            value: value.clone(),
                        })
                    }
                    _ => true,
                })
            }
            Condition::And(items) => {
                for item in items {
                    if !self.may_hold_without(scope, item, alias, edge)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Or(items) => {
                for item in items {
                    if self.may_hold_without(scope, item, alias, edge)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Ok(true),
        }
    }

    /// The first to-many relation a leaf of `condition` crosses (outside NOT and
    /// self-contained conditions) that is not bound yet.
    pub(super) fn first_to_many(
        &mut self,
        scope: &mut Scope,
        condition: &Condition,
        bound: &[Bound],
    ) -> Result<Option<(String, Edge)>> {
        match condition {
            Condition::Lookup { path, .. } => Ok(self
                .leaf_across_to_many(scope, path)?
                .filter(|(alias, edge, _)| {
                    !bound
                        .iter()
                        .any(|b| b.alias == *alias && b.edge == edge.name)
                })
                .map(|(alias, edge, _)| (alias, edge))),
            Condition::And(items) | Condition::Or(items) => {
                for item in items {
                    if let Some(found) = self.first_to_many(scope, item, bound)? {
                        return Ok(Some(found));
                    }
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// AND / OR / leaves of a group, the leaves on bound relations compiled on the related
    /// row (or, for the no-row case, as that row would answer).
    pub(super) fn structural(
        &mut self,
        scope: &mut Scope,
        condition: &Condition,
        bound: &mut Vec<Bound>,
    ) -> Result<Sql> {
        match condition {
            Condition::Lookup { path, value } => {
                let Some((alias, edge, sub_path)) = self.leaf_across_to_many(scope, path)? else {
                    return self.condition(scope, condition);
                };
                let Some(at) = bound
                    .iter()
                    .position(|b| b.alias == alias && b.edge == edge.name)
                else {
                    return self.condition(scope, condition);
                };
                let mut sql = Sql::new();
                let leaf = Condition::Lookup {
                    path: sub_path,
                    value: value.clone(),
                };
                match bound[at].rows.take() {
                    Some(mut rows) => {
                        let part = self.group(&mut rows, &leaf);
                        bound[at].rows = Some(rows);
                        sql.append(part?);
                    }
                    None => {
                        sql.push(if is_null_test(&leaf) {
                            "1 = 1"
                        } else {
                            "1 = 0"
                        });
                    }
                }
                Ok(sql)
            }
            Condition::And(items) | Condition::Or(items) => {
                let or = matches!(condition, Condition::Or(_));
                let mut sql = Sql::new();
                if items.is_empty() {
                    sql.push(if or { "1 = 0" } else { "1 = 1" });
                    return Ok(sql);
                }
                sql.push("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        sql.push(if or { " OR " } else { " AND " });
                    }
                    let part = self.structural(scope, item, bound)?;
                    sql.append(part);
                }
                sql.push(")");
                Ok(sql)
            }
            other => self.condition(scope, other),
        }
    }

    /// `EXISTS (SELECT 1 FROM <related rows of outer_alias through edge> WHERE <condition>)`.
    pub(super) fn exists_subquery(
        &mut self,
        outer_alias: &str,
        edge: &Edge,
        condition: &Condition,
    ) -> Result<Sql> {
        let mut sub = self.scope(edge.target);
        let inner = self.group(&mut sub, condition)?;
        self.exists_with(outer_alias, edge, sub, inner)
    }

    /// `EXISTS (SELECT 1 FROM <related rows of outer_alias through edge> WHERE <inner>)`, `inner`
    /// compiled in `sub`, the related rows' scope.
    pub(super) fn exists_with(
        &mut self,
        outer_alias: &str,
        edge: &Edge,
        sub: Scope,
        inner: Sql,
    ) -> Result<Sql> {
        let target_table = self.registry.at(edge.target).meta.table.clone();
        let mut from = Sql::new();
        let mut correlation = Sql::new();
        match &edge.via {
            Via::Reverse {
                column,
                source_column,
            } => {
                from.ident(&target_table).push(" AS ").alias(&sub.alias);
                correlation
                    .column(&sub.alias, column)
                    .push(" = ")
                    .column(outer_alias, source_column);
            }
            Via::Junction {
                table,
                source_column,
                target_column,
                source_key,
                target_key,
                ..
            } => {
                let junction_alias = self.alias();
                from.ident(table)
                    .push(" AS ")
                    .alias(&junction_alias)
                    .push(" INNER JOIN ");
                from.ident(&target_table)
                    .push(" AS ")
                    .alias(&sub.alias)
                    .push(" ON ");
                from.column(&sub.alias, target_key)
                    .push(" = ")
                    .column(&junction_alias, target_column);
                correlation
                    .column(&junction_alias, source_column)
                    .push(" = ")
                    .column(outer_alias, source_key);
            }
            Via::Forward { .. } => unreachable!("forward edges are to-one"),
        }
        let mut sql = Sql::new();
        sql.push("EXISTS (SELECT 1 FROM ").append(from);
        for j in &sub.joins {
            sql.append(j.clause.clone());
        }
        sql.push(" WHERE ")
            .append(correlation)
            .push(" AND ")
            .append(inner)
            .push(")");
        Ok(sql)
    }
}

/// True for an `isnull = true` lookup (`name__isnull`, `third__isnull`).
pub(super) fn is_null_test(condition: &Condition) -> bool {
    matches!(condition, Condition::Lookup { path, value: Value::Bool(true) }
        if path == "isnull" || path.ends_with("__isnull"))
}
