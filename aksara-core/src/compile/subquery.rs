//! Subqueries: `col IN (SELECT ..)`, `EXISTS (SELECT ..)` and a scalar `(SELECT ..)`, the
//! inner query compiled with the outer row's alias at hand for [`OuterRef`](crate::OuterRef).

use super::aggregates::ComputedColumn;
use super::Compiler;
use crate::error::{Error, Result};
use crate::query::Subquery;
use crate::sql::Sql;

/// How deeply subqueries may nest inside one another (each level is compiled by recursion).
pub const MAX_SUBQUERY_DEPTH: usize = 16;

impl Compiler<'_> {
    /// The SQL of `sub` (without parentheses), with the outer row `(model, alias)` for its
    /// `OuterRef`s, and the columns it reads.
    pub(super) fn subquery(
        &mut self,
        sub: &Subquery,
        outer: (usize, &str),
    ) -> Result<(Sql, Vec<ComputedColumn>)> {
        let info = self.registry.model(&sub.model)?;
        if self.outer.len() >= MAX_SUBQUERY_DEPTH {
            return Err(Error::config(format!(
                "a subquery of {} nested {} deep exceeds MAX_SUBQUERY_DEPTH = \
                 {MAX_SUBQUERY_DEPTH}",
                sub.model,
                self.outer.len() + 1
            )));
        }
        self.outer.push((outer.0, outer.1.to_string()));
        let compiled = match &sub.query.values {
            Some(keys) => self.values_select(info, &sub.query, keys),
            None => {
                // A query of models (for EXISTS): its key is enough.
                let mut query = sub.query.clone();
                query.select_related.clear();
                query.prefetch_related.clear();
                self.keys(info, &query).map(|sql| super::SelectStatement {
                    sql,
                    related: Vec::new(),
                    fields: None,
                    annotations: Vec::new(),
                })
            }
        };
        self.outer.pop();
        let statement = compiled?;
        Ok((statement.sql, statement.annotations))
    }

    /// `(SELECT one value ..)`: a subquery that must read exactly one column.
    pub(super) fn value_subquery(
        &mut self,
        sub: &Subquery,
        outer: (usize, &str),
        what: &str,
    ) -> Result<(Sql, ComputedColumn)> {
        let (inner, mut columns) = self.subquery(sub, outer)?;
        if columns.len() != 1 {
            return Err(Error::config(format!(
                "{what}: a subquery of {} must read one value (`values([\"id\"])`), not {}",
                sub.model,
                columns.len()
            )));
        }
        let mut sql = Sql::new();
        sql.push("(").append(inner).push(")");
        Ok((sql, columns.remove(0)))
    }

    /// `EXISTS (SELECT ..)`.
    pub(super) fn exists_of(&mut self, sub: &Subquery, outer: (usize, &str)) -> Result<Sql> {
        let (inner, _) = self.subquery(sub, outer)?;
        let mut sql = Sql::new();
        sql.push("EXISTS (").append(inner).push(")");
        Ok(sql)
    }

    /// The column `name` of the outer query's row, inside a subquery.
    pub(super) fn outer_column(&self, name: &str) -> Result<Sql> {
        let Some((model, alias)) = self.outer.last() else {
            return Err(Error::config(format!(
                "OuterRef::col(\"{name}\") is only meaningful inside a subquery"
            )));
        };
        let info = self.registry.at(*model);
        let name = super::paths::key_alias(info, name);
        let field = info
            .meta
            .concrete_fields()
            .find(|f| f.name == name || f.column == name)
            .ok_or_else(|| info.unknown(name))?;
        let mut sql = Sql::new();
        sql.column(alias, &field.column);
        Ok(sql)
    }
}
