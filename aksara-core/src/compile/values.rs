//! `values(..)` queries: rows of chosen field paths, grouped by them when the query has
//! annotations.
//!
//! Without annotations: `SELECT key, key FROM ... WHERE ... ORDER BY ...`, one row per row (a
//! path across a to-many relation, LEFT joined, gives one row per related row, as in Django).
//! With annotations: `SELECT * FROM (SELECT key AS v0, .., AGG(..) AS v1 FROM ... WHERE ...
//! GROUP BY key) AS g WHERE <conditions on annotations> ORDER BY ..`, the aggregates over the
//! rows joined along their paths. A condition naming an annotation applies to the groups (SQL's
//! HAVING); any other condition to the rows before grouping. Aggregates that count repeats
//! (`Count`, `Sum`, `Avg`) must all follow the same to-many path, and other aggregates a path
//! on the way to it: otherwise the joins would multiply one aggregate's rows by another's, and
//! the query is refused rather than answered wrongly (`annotate` per row has no such limit).

use super::aggregates::{AggregatedValue, AnnotatedTable, ComputedColumn};
use super::related::SelectStatement;
use super::Compiler;
use crate::error::{Error, Result};
use crate::query::{Aggregate, Computed, Condition, Query};
use crate::registry::ModelInfo;
use crate::sql::Sql;

impl Compiler<'_> {
    /// The `SELECT` of a `values(..)` query, with the columns each row reads.
    pub(super) fn values_select(
        &mut self,
        model: &ModelInfo,
        query: &Query,
        keys: &[String],
    ) -> Result<SelectStatement> {
        if !query.select_related.is_empty()
            || !query.prefetch_related.is_empty()
            || query.lock.is_some()
            || !query.fields.is_all()
        {
            return Err(Error::config(format!(
                "values() on {}: rows of values have no relations to load, no lock and no \
                 only/defer",
                model.meta.name
            )));
        }
        if keys.is_empty() && query.annotations.is_empty() {
            return Err(Error::config(format!(
                "values() on {} needs at least one field path",
                model.meta.name
            )));
        }
        let names: Vec<&str> = query.annotations.iter().map(|a| a.name.as_str()).collect();
        let (on_groups, on_rows): (Vec<&Condition>, Vec<&Condition>) =
            query.conditions.iter().partition(|c| names_any(c, &names));
        let on_rows: Vec<Condition> = on_rows.into_iter().cloned().collect();
        let mut scope = self.scope(model.index);
        let where_sql = self.where_clause(&mut scope, &on_rows)?;
        let mut columns = Vec::new();
        let mut select = Sql::new();
        let mut group_by = Sql::new();
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].contains(key) || names.contains(&key.as_str()) {
                return Err(Error::config(format!(
                    "values() on {}: `{key}` is named twice",
                    model.meta.name
                )));
            }
            let value =
                self.walk_aggregated(&mut scope, key, &format!("values(\"{key}\")"), false)?;
            let column = format!("v{}", columns.len());
            if !select.is_empty() {
                select.push(", ");
                group_by.push(", ");
            }
            select
                .column(&value.alias, &value.field.column)
                .push(" AS ")
                .ident(&column);
            group_by.column(&value.alias, &value.field.column);
            columns.push(ComputedColumn {
                name: key.clone(),
                column,
                kind: value.field.kind.clone(),
                nullable: true,
            });
        }
        if query.annotations.is_empty() {
            let order = self.order_by(&mut scope, &query.order_by)?;
            let mut sql = Sql::new();
            sql.push("SELECT ");
            if query.distinct != crate::query::Distinct::All {
                sql.push("DISTINCT ");
            }
            sql.append(select);
            self.from(&mut sql, &scope);
            sql.append(where_sql).append(order);
            self.slice(&mut sql, query.limit, query.offset);
            return Ok(values_statement(sql, columns));
        }
        let mut walked: Vec<(&Aggregate, AggregatedValue)> = Vec::new();
        for a in &query.annotations {
            let Computed::Aggregate(aggregate) = &a.value else {
                return Err(Error::config(format!(
                    "values() on {}: annotate(\"{}\") with a subquery is per row; annotate the \
                     model's rows instead",
                    model.meta.name, a.name
                )));
            };
            let value =
                self.walk_aggregated(&mut scope, &aggregate.path, &aggregate.describe(), false)?;
            walked.push((aggregate, value));
        }
        check_no_multiplied_rows(&model.meta.name, &walked)?;
        for (a, (aggregate, value)) in query.annotations.iter().zip(&walked) {
            let only_when = match &aggregate.filter {
                Some(condition) => Some(self.aggregate_filter(&mut scope, aggregate, condition)?),
                None => None,
            };
            let mut column = self.aggregate_column(&model.meta.name, aggregate, value)?;
            column.name = a.name.clone();
            column.column = format!("v{}", columns.len());
            if !select.is_empty() {
                select.push(", ");
            }
            self.aggregate_call(&mut select, aggregate, value, &column, only_when);
            select.push(" AS ").ident(&column.column);
            columns.push(column);
        }
        let mut inner = Sql::new();
        inner.push("SELECT ").append(select);
        self.from(&mut inner, &scope);
        inner.append(where_sql);
        if !group_by.is_empty() {
            inner.push(" GROUP BY ").append(group_by);
        }
        // The groups, read as a table whose columns are the values and the annotations.
        let mut groups = self.scope(model.index);
        let previous = self.annotated.replace(AnnotatedTable {
            alias: groups.alias.clone(),
            columns: columns.clone(),
            body: inner,
        });
        let outcome = self.grouped_outer(&mut groups, query, &on_groups, &columns);
        self.annotated = previous;
        Ok(values_statement(outcome?, columns))
    }

    /// `SELECT g.* FROM (groups) AS g WHERE .. ORDER BY .. LIMIT ..`.
    fn grouped_outer(
        &mut self,
        groups: &mut super::Scope,
        query: &Query,
        on_groups: &[&Condition],
        columns: &[ComputedColumn],
    ) -> Result<Sql> {
        let on_groups: Vec<Condition> = on_groups.iter().map(|c| (*c).clone()).collect();
        let where_sql = self.where_clause(groups, &on_groups)?;
        let mut sql = Sql::new();
        sql.push("SELECT ");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.column(&groups.alias, &c.column);
        }
        self.from(&mut sql, groups);
        sql.append(where_sql);
        for (i, term) in query.order_by.iter().enumerate() {
            let Some(column) = columns.iter().find(|c| c.name == term.path) else {
                return Err(Error::config(format!(
                    "order_by(\"{}\") in a values() query with annotations: order by one of \
                     its values or annotations ({})",
                    term.path,
                    columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            sql.push(if i == 0 { " ORDER BY " } else { ", " })
                .column(&groups.alias, &column.column)
                .push(if term.descending { " DESC" } else { " ASC" });
        }
        self.slice(&mut sql, query.limit, query.offset);
        Ok(sql)
    }
}

fn values_statement(sql: Sql, columns: Vec<ComputedColumn>) -> SelectStatement {
    SelectStatement {
        sql,
        related: Vec::new(),
        fields: None,
        annotations: columns,
    }
}

/// Refuses aggregates whose joins would multiply each other's rows (see the module's
/// documentation).
fn check_no_multiplied_rows(model: &str, walked: &[(&Aggregate, AggregatedValue)]) -> Result<()> {
    let counting: Vec<&(&Aggregate, AggregatedValue)> = walked
        .iter()
        .filter(|(a, _)| a.function.counts_repeats() && !a.distinct)
        .collect();
    let Some((first, first_value)) = counting.first() else {
        return Ok(());
    };
    let deepest = &first_value.many_path;
    let is_prefix = |path: &str| {
        path.is_empty() || path == deepest || deepest.starts_with(&format!("{path}__"))
    };
    for (a, value) in walked {
        let counts = a.function.counts_repeats() && !a.distinct;
        let fits = if counts {
            &value.many_path == deepest
        } else {
            is_prefix(&value.many_path)
        };
        if !fits {
            return Err(Error::config(format!(
                "values() on {model}: {} and {} follow different to-many relations, so grouping \
                 them in one query would count each row of one once per row of the other; use \
                 annotate() per row (each aggregate its own subquery) or aggregate() for totals",
                first.describe(),
                a.describe()
            )));
        }
    }
    Ok(())
}

/// True when a leaf of `condition` names one of `names` (an annotation) first.
fn names_any(condition: &Condition, names: &[&str]) -> bool {
    let mut stack = vec![condition];
    while let Some(c) = stack.pop() {
        match c {
            Condition::Lookup { path, .. } | Condition::Compare { path, .. } => {
                let first = path.split("__").next().unwrap_or_default();
                if names.contains(&first) {
                    return true;
                }
            }
            Condition::And(items) | Condition::Or(items) => stack.extend(items),
            Condition::Not(inner) => stack.push(inner),
            _ => {}
        }
    }
    false
}
