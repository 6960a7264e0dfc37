//! Expressions ([`Expr`]): columns and arithmetic computed by the database, in conditions
//! (`updated_at > created_at`, across to-one relations) and in UPDATE assignments (the row's
//! own columns).

use super::paths::Resolved;
use super::{Compiler, Scope};
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::query::{Expr, Lookup, MAX_CONDITION_DEPTH};
use crate::sql::Sql;

impl Compiler<'_> {
    /// `path <op> rhs`: a field compared with an expression.
    pub(super) fn compare(&mut self, scope: &mut Scope, path: &str, rhs: &Expr) -> Result<Sql> {
        let model = self.registry.at(scope.model).meta.name.clone();
        check_expr_depth(&model, rhs)?;
        let segments: Vec<String> = path.split("__").map(str::to_string).collect();
        let (alias, field, lookup) = match self.resolve(scope, &segments)? {
            Resolved::Column {
                alias,
                field,
                lookup,
                ..
            } => (alias, field, lookup),
            Resolved::ToMany { edge, .. } => {
                return Err(Error::config(format!(
                    "{model}: `{path}` crosses the to-many relation `{}`; a comparison with F() \
                     names fields through to-one relations only",
                    edge.name
                )))
            }
        };
        let op = match lookup {
            Lookup::In if matches!(rhs, Expr::Subquery(_)) => " IN ",
            Lookup::Exact => " = ",
            Lookup::Gt => " > ",
            Lookup::Gte => " >= ",
            Lookup::Lt => " < ",
            Lookup::Lte => " <= ",
            other => {
                return Err(Error::config(format!(
                    "{model}: `{path}`: the lookup `{}` cannot compare with F(); use exact, gt, \
                     gte, lt or lte",
                    other.name()
                )))
            }
        };
        let right = self.scoped_expr(scope, rhs)?;
        let mut sql = Sql::new();
        sql.column(&alias, &field.column).push(op).append(right);
        Ok(sql)
    }

    /// The SQL of `expr` in `scope`: each column resolved through to-one relations (joined).
    fn scoped_expr(&mut self, scope: &mut Scope, expr: &Expr) -> Result<Sql> {
        let mut sql = Sql::new();
        match expr {
            Expr::Value(value) => {
                let ty = value.value_type();
                sql.bind(value.clone(), ty);
            }
            Expr::Column(path) => {
                let segments: Vec<String> = path.split("__").map(str::to_string).collect();
                match self.resolve(scope, &segments)? {
                    Resolved::Column {
                        alias,
                        field,
                        lookup: Lookup::Exact,
                        ..
                    } => {
                        sql.column(&alias, &field.column);
                    }
                    _ => {
                        let model = &self.registry.at(scope.model).meta.name;
                        return Err(Error::config(format!(
                            "{model}: F(\"{path}\") must name a field, through to-one relations only"
                        )));
                    }
                }
            }
            Expr::Binary(left, op, right) => {
                let l = self.scoped_expr(scope, left)?;
                let r = self.scoped_expr(scope, right)?;
                sql.push("(").append(l).push(op.sql()).append(r).push(")");
            }
            Expr::Outer(name) => {
                sql.append(self.outer_column(name)?);
            }
            Expr::Subquery(sub) => {
                let model = &self.registry.at(scope.model).meta.name;
                let what = format!("a subquery compared in a condition on {model}");
                let outer = (scope.model, scope.alias.clone());
                let (inner, _) = self.value_subquery(sub, (outer.0, &outer.1), &what)?;
                sql.append(inner);
            }
        }
        Ok(sql)
    }

    /// The SQL of `expr` in an UPDATE of `meta`'s table: columns of the row itself, unqualified.
    pub(super) fn row_expr(&self, meta: &ModelMeta, expr: &Expr) -> Result<Sql> {
        check_expr_depth(&meta.name, expr)?;
        let mut sql = Sql::new();
        match expr {
            Expr::Value(value) => {
                let ty = value.value_type();
                sql.bind(value.clone(), ty);
            }
            Expr::Column(path) => {
                let field = meta
                    .concrete_fields()
                    .find(|f| &f.name == path || &f.column == path)
                    .ok_or_else(|| {
                        Error::config(format!(
                            "{}: F(\"{path}\") in update() must name a field of {} itself (a \
                             reference across a relation cannot be written in one UPDATE)",
                            meta.name, meta.name
                        ))
                    })?;
                sql.ident(&field.column);
            }
            Expr::Binary(left, op, right) => {
                let l = self.row_expr(meta, left)?;
                let r = self.row_expr(meta, right)?;
                sql.push("(").append(l).push(op.sql()).append(r).push(")");
            }
            Expr::Outer(_) | Expr::Subquery(_) => {
                return Err(Error::config(format!(
                    "{}: update() assigns values and F() expressions of the row itself, not \
                     subqueries",
                    meta.name
                )))
            }
        }
        Ok(sql)
    }
}

/// Refuses an expression nested deeper than [`MAX_CONDITION_DEPTH`] before compiling it (which
/// recurses once per level).
fn check_expr_depth(model: &str, expr: &Expr) -> Result<()> {
    let depth = expr.depth();
    if depth > MAX_CONDITION_DEPTH {
        return Err(Error::config(format!(
            "{model}: an F() expression nested {depth} deep is deeper than the limit of \
             {MAX_CONDITION_DEPTH}"
        )));
    }
    Ok(())
}
