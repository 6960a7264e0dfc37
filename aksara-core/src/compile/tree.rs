//! Recursive tree conditions (`in_subtree`, `ancestors_of`, `descendants_of`).

use super::checks::coerce_for;
use super::paths::Resolved;
use super::{Compiler, Scope};
use crate::error::{Error, Result};
use crate::query::Lookup;
use crate::registry::Via;
use crate::sql::Sql;
use crate::value::Value;

/// A tree condition's walk ([`crate::Condition::Tree`], its fields by name).
pub(super) struct TreeWalk<'c> {
    /// The path to the tree's key from the scope's model (`""`: the model's own key).
    pub(super) path: &'c str,
    /// The self-referential relation walked.
    pub(super) relation: &'c str,
    /// The node the walk starts from.
    pub(super) root: Value,
    /// Towards the root (the ancestors) rather than the leaves (the subtree).
    pub(super) ancestors: bool,
    /// Whether the start node itself matches.
    pub(super) include_root: bool,
}

impl Compiler<'_> {
    /// `column IN (WITH RECURSIVE tree ... SELECT node FROM tree)`: the keys of the subtree
    /// (or the ancestors) of `root` along the self-referential `relation`. `UNION` (not `UNION
    /// ALL`) makes the walk stop on cyclic data.
    pub(super) fn tree(&mut self, scope: &mut Scope, walk: TreeWalk<'_>) -> Result<Sql> {
        let TreeWalk {
            path,
            relation,
            root,
            ancestors,
            include_root,
        } = walk;
        let (alias, column, model) = if path.is_empty() {
            let meta = &self.registry.at(scope.model).meta;
            (scope.alias.clone(), meta.pk()?.column.clone(), scope.model)
        } else {
            let parts: Vec<String> = path.split("__").map(str::to_string).collect();
            match self.resolve(scope, &parts)? {
                Resolved::Column {
                    alias,
                    model,
                    field,
                    lookup: Lookup::Exact,
                } if field.relation.is_some() => {
                    let owner = self.registry.at(model);
                    let target = owner
                        .edges
                        .iter()
                        .find(|e| e.forward && e.field == field.name)
                        .map(|e| e.target);
                    let target = target.ok_or_else(|| {
                        Error::config(format!("`{path}` is not a to-one relation"))
                    })?;
                    (alias, field.column.clone(), target)
                }
                _ => {
                    return Err(Error::config(format!(
                        "a tree condition needs a to-one relation path; `{path}` is not one"
                    )))
                }
            }
        };
        let info = self.registry.at(model);
        let edge = info
            .edges
            .iter()
            .find(|e| e.forward && e.name == relation && e.target == model)
            .ok_or_else(|| {
                Error::config(format!(
                    "{}.{relation} is not a self-referential relation",
                    info.meta.name
                ))
            })?;
        let Via::Forward {
            column: parent_column,
            ..
        } = &edge.via
        else {
            return Err(Error::config(format!(
                "{}.{relation} is not a to-one relation",
                info.meta.name
            )));
        };
        let pk = info.meta.pk()?;
        let root = coerce_for(&info.meta, pk, root)?;
        let (table, walker) = (info.meta.table.clone(), self.alias());
        let mut sql = Sql::new();
        sql.column(&alias, &column)
            .push(" IN (WITH RECURSIVE ")
            .ident("aksara_tree")
            .push(" (")
            .ident("node");
        sql.push(") AS (SELECT ");
        if ancestors {
            sql.ident(parent_column)
                .push(" FROM ")
                .ident(&table)
                .push(" WHERE ")
                .ident(&pk.column);
        } else {
            sql.ident(&pk.column)
                .push(" FROM ")
                .ident(&table)
                .push(" WHERE ")
                .ident(&pk.column);
        }
        sql.push(" = ")
            .bind(root.clone(), Some(pk.kind.value_type()));
        sql.push(" UNION SELECT ");
        if ancestors {
            sql.column(&walker, parent_column)
                .push(" FROM ")
                .ident(&table)
                .push(" AS ")
                .alias(&walker);
            sql.push(" INNER JOIN ")
                .ident("aksara_tree")
                .push(" ON ")
                .column(&walker, &pk.column);
        } else {
            sql.column(&walker, &pk.column)
                .push(" FROM ")
                .ident(&table)
                .push(" AS ")
                .alias(&walker);
            sql.push(" INNER JOIN ")
                .ident("aksara_tree")
                .push(" ON ")
                .column(&walker, parent_column);
        }
        sql.push(" = ")
            .column("aksara_tree", "node")
            .push(") SELECT ")
            .column("aksara_tree", "node");
        sql.push(" FROM ")
            .ident("aksara_tree")
            .push(" WHERE ")
            .column("aksara_tree", "node")
            .push(" IS NOT NULL");
        if !include_root {
            sql.push(" AND ")
                .column("aksara_tree", "node")
                .push(" <> ")
                .bind(root, Some(pk.kind.value_type()));
        }
        sql.push(")");
        Ok(sql)
    }
}
