//! Conditions: WHERE, AND / OR / NOT, quantifiers over to-many relations.

use super::paths::Resolved;
use super::tree::TreeWalk;
use super::{Compiler, Scope};
use crate::error::{Error, Result};
use crate::query::{Condition, Lookup, Quantifier};
use crate::sql::Sql;
use crate::value::Value;

impl Compiler<'_> {
    pub(super) fn where_clause(
        &mut self,
        scope: &mut Scope,
        conditions: &[Condition],
    ) -> Result<Sql> {
        // Compiling recurses once per level, so the depth is checked first (without
        // recursion): a deeper tree is a typed error, never a stack overflow.
        crate::query::check_depth(&self.registry.at(scope.model).meta.name, conditions)?;
        let mut sql = Sql::new();
        let mut first = true;
        for c in conditions {
            if matches!(c, Condition::True) {
                continue;
            }
            // Grouping walks the tree recursively; nested ANDs (which the depth limit does
            // not count) are flattened first, without recursion, as they mean the same.
            let flat = flatten_same_kind(c);
            let part = self.group(scope, &flat)?;
            sql.push(if first { " WHERE " } else { " AND " });
            sql.append(part);
            first = false;
        }
        Ok(sql)
    }

    pub(super) fn condition(&mut self, scope: &mut Scope, condition: &Condition) -> Result<Sql> {
        match condition {
            Condition::True => {
                let mut sql = Sql::new();
                sql.push("1 = 1");
                Ok(sql)
            }
            Condition::Lookup { .. } => self.and(scope, std::slice::from_ref(condition)),
            Condition::And(items) => self.and(scope, items),
            Condition::Or(items) => {
                if items.is_empty() {
                    let mut sql = Sql::new();
                    sql.push("1 = 0");
                    return Ok(sql);
                }
                let mut sql = Sql::new();
                sql.push("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        sql.push(" OR ");
                    }
                    let part = self.condition(scope, item)?;
                    sql.append(part);
                }
                sql.push(")");
                Ok(sql)
            }
            Condition::Not(inner) => {
                let part = self.group(scope, inner)?;
                let mut sql = Sql::new();
                sql.push("NOT COALESCE((")
                    .append(part)
                    .push("), ")
                    .push(self.dialect.false_literal())
                    .push(")");
                Ok(sql)
            }
            Condition::Compare { path, rhs } => self.compare(scope, path, rhs),
            Condition::Exists(sub) => {
                let outer = (scope.model, scope.alias.clone());
                self.exists_of(sub, (outer.0, &outer.1))
            }
            Condition::Tree {
                path,
                relation,
                root,
                ancestors,
                include_root,
            } => self.tree(
                scope,
                TreeWalk {
                    path,
                    relation,
                    root: root.clone(),
                    ancestors: *ancestors,
                    include_root: *include_root,
                },
            ),
            Condition::Related {
                path,
                quantifier,
                condition,
            } => {
                let parts: Vec<String> = path.split("__").map(str::to_string).collect();
                match self.resolve(scope, &parts)? {
                    Resolved::ToMany { alias, edge, rest } => {
                        let (inner, negate) = match (rest.is_empty(), quantifier) {
                            (true, Quantifier::Some) => ((**condition).clone(), false),
                            (true, Quantifier::None) => ((**condition).clone(), true),
                            (true, Quantifier::Every) => (Condition::Not(condition.clone()), true),
                            (false, Quantifier::Some) => (
                                Condition::some(rest.join("__"), (**condition).clone()),
                                false,
                            ),
                            (false, Quantifier::None) => (
                                Condition::some(rest.join("__"), (**condition).clone()),
                                true,
                            ),
                            (false, Quantifier::Every) => (
                                Condition::some(rest.join("__"), Condition::Not(condition.clone())),
                                true,
                            ),
                        };
                        let exists = self.exists_subquery(&alias, &edge, &inner)?;
                        let mut sql = Sql::new();
                        if negate {
                            sql.push("NOT ");
                        }
                        sql.append(exists);
                        Ok(sql)
                    }
                    Resolved::Column { field, .. } => Err(Error::config(format!(
                        "some/every/none need a to-many relation; `{path}` ends at the field `{}`",
                        field.name
                    ))),
                }
            }
        }
    }

    /// The conditions of one AND group; leaves crossing the same to-many relation share one
    /// EXISTS.
    pub(super) fn and(&mut self, scope: &mut Scope, items: &[Condition]) -> Result<Sql> {
        let mut parts: Vec<Sql> = Vec::new();
        // `a & (b & c)` is one group: nested ANDs are flattened before grouping.
        let mut flat: Vec<&Condition> = Vec::new();
        let mut stack: Vec<&Condition> = items.iter().rev().collect();
        while let Some(item) = stack.pop() {
            match item {
                Condition::And(inner) => stack.extend(inner.iter().rev()),
                other => flat.push(other),
            }
        }
        for item in flat {
            match item {
                Condition::Lookup { path, value } => {
                    let segments: Vec<String> = path.split("__").map(str::to_string).collect();
                    match self.resolve(scope, &segments)? {
                        Resolved::Column {
                            alias,
                            model,
                            field,
                            lookup,
                        } => {
                            let meta = &self.registry.at(model).meta;
                            parts.push(self.leaf(meta, &alias, &field, lookup, value.clone())?);
                        }
                        Resolved::ToMany { alias, edge, rest } => {
                            // `posts__isnull`: the relation compared as a whole, one EXISTS.
                            // Any other leaf across a to-many relation goes through the
                            // grouping that binds it to one related row.
                            let target = self.registry.at(edge.target);
                            let whole_isnull = matches!(
                                rest.as_slice(),
                                [one] if target.meta.field(one).is_none()
                                    && target.edge(one).is_none()
                                    && Lookup::from_name(one) == Some(Lookup::IsNull)
                            );
                            if !whole_isnull {
                                parts.push(self.group(scope, item)?);
                                continue;
                            }
                            let Value::Bool(is_null) = value else {
                                return Err(Error::validation(
                                    &self.registry.at(scope.model).meta.name,
                                    &edge.name,
                                    format!("`isnull` takes true or false, got {value}"),
                                ));
                            };
                            let exists = self.exists_subquery(&alias, &edge, &Condition::True)?;
                            let mut sql = Sql::new();
                            if *is_null {
                                sql.push("NOT ");
                            }
                            parts.push(sql.append(exists).clone());
                        }
                    }
                }
                other => parts.push(self.condition(scope, other)?),
            }
        }
        let mut sql = Sql::new();
        match parts.len() {
            0 => {
                sql.push("1 = 1");
            }
            1 => {
                sql.append(parts.pop().expect("one part"));
            }
            _ => {
                sql.push("(");
                for (i, p) in parts.into_iter().enumerate() {
                    if i > 0 {
                        sql.push(" AND ");
                    }
                    sql.append(p);
                }
                sql.push(")");
            }
        }
        Ok(sql)
    }
}

/// `condition` with every AND directly inside an AND (and OR inside an OR) merged into its
/// parent: the same condition, whose nesting is then only what the depth limit counts.
/// Borrowed when there is nothing to merge.
pub(super) fn flatten_same_kind(condition: &Condition) -> std::borrow::Cow<'_, Condition> {
    fn nested(c: &Condition) -> bool {
        let mut stack = vec![c];
        while let Some(c) = stack.pop() {
            match c {
                Condition::And(items) => {
                    if items.iter().any(|i| matches!(i, Condition::And(_))) {
                        return true;
                    }
                    stack.extend(items);
                }
                Condition::Or(items) => {
                    if items.iter().any(|i| matches!(i, Condition::Or(_))) {
                        return true;
                    }
                    stack.extend(items);
                }
                Condition::Not(inner) => stack.push(inner),
                _ => {}
            }
        }
        false
    }
    fn merged(c: &Condition) -> Condition {
        match c {
            Condition::And(items) | Condition::Or(items) => {
                let is_and = matches!(c, Condition::And(_));
                let mut out = Vec::new();
                let mut stack: Vec<&Condition> = items.iter().rev().collect();
                while let Some(item) = stack.pop() {
                    match item {
                        Condition::And(inner) if is_and => stack.extend(inner.iter().rev()),
                        Condition::Or(inner) if !is_and => stack.extend(inner.iter().rev()),
                        other => out.push(merged(other)),
                    }
                }
                if is_and {
                    Condition::And(out)
                } else {
                    Condition::Or(out)
                }
            }
            Condition::Not(inner) => Condition::Not(Box::new(merged(inner))),
            other => other.clone(),
        }
    }
    if nested(condition) {
        std::borrow::Cow::Owned(merged(condition))
    } else {
        std::borrow::Cow::Borrowed(condition)
    }
}
