//! Aggregates as SQL: each one a scalar subquery over the model's own row joined along its
//! path, so that several aggregates over different to-many relations never multiply each
//! other's rows (the wrong answer a single GROUP BY over two joins gives).

use super::paths::key_alias;
use super::{Compiler, Join, JoinEnd, Scope};
use crate::error::{Error, Result};
use crate::query::{Aggregate, AggregateFn, Lookup, Query};
use crate::registry::{Edge, ModelInfo, Via};
use crate::sql::Sql;
use crate::value::{FieldKind, Value};

/// Which rows of the model an aggregate subquery covers.
pub(super) enum Over<'q> {
    /// The one row of the outer query with this alias (`annotate`).
    Row(&'q str),
    /// Every row the query selects (`aggregate`).
    Query(&'q Query),
}

impl Compiler<'_> {
    /// Compiles the query's annotations for the scope's rows and keeps them for conditions
    /// and orderings that name them.
    pub(super) fn prepare_annotations(&mut self, scope: &Scope, query: &Query) -> Result<()> {
        self.annotations.clear();
        let mut compiled = Vec::with_capacity(query.annotations.len());
        for (name, aggregate) in &query.annotations {
            let model = self.registry.at(scope.model);
            if model.meta.field(name).is_some() || model.edge(name).is_some() {
                return Err(Error::config(format!(
                    "annotate(\"{name}\"): {name} is already a field or relation of {}",
                    model.meta.name
                )));
            }
            let (sql, kind) = self.aggregate(scope.model, aggregate, Over::Row(&scope.alias))?;
            compiled.push((name.clone(), sql, kind));
        }
        self.annotations = compiled;
        Ok(())
    }

    /// The columns of the annotations, after the others: `, (subquery) AS name`.
    pub(super) fn annotation_columns(&self, columns: &mut Sql) {
        for (name, sql, _) in &self.annotations {
            columns.push(", ").append(sql.clone()).push(" AS ").ident(name);
        }
    }

    /// The annotation a path starts with, and the lookup after it.
    pub(super) fn annotation_of(&self, path: &str) -> Option<(Sql, FieldKind, Lookup)> {
        let (head, rest) = path.split_once("__").unwrap_or((path, ""));
        let (_, sql, kind) = self.annotations.iter().find(|(n, _, _)| n == head)?;
        let lookup = if rest.is_empty() {
            Lookup::Exact
        } else {
            Lookup::from_name(rest)?
        };
        Some((sql.clone(), kind.clone(), lookup))
    }

    /// `annotation <lookup> value`.
    pub(super) fn annotation_leaf(
        &self,
        path: &str,
        expr: Sql,
        kind: &FieldKind,
        lookup: Lookup,
        value: Value,
    ) -> Result<Sql> {
        let mut sql = Sql::new();
        let ty = Some(kind.value_type());
        let op = match lookup {
            Lookup::Exact | Lookup::Gt | Lookup::Gte | Lookup::Lt | Lookup::Lte => {
                match lookup {
                    Lookup::Gt => " > ",
                    Lookup::Gte => " >= ",
                    Lookup::Lt => " < ",
                    Lookup::Lte => " <= ",
                    _ => " = ",
                }
            }
            Lookup::IsNull => {
                let Value::Bool(is_null) = value else {
                    return Err(Error::config(format!("`{path}` takes true or false")));
                };
                sql.append(expr)
                    .push(if is_null { " IS NULL" } else { " IS NOT NULL" });
                return Ok(sql);
            }
            other => {
                return Err(Error::config(format!(
                    "`{path}`: an annotation compares with exact, gt, gte, lt, lte or isnull, \
                     not `{}`",
                    other.name()
                )))
            }
        };
        let value = kind.coerce(value).map_err(|message| {
            Error::config(format!("`{path}`: the value does not fit the annotation: {message}"))
        })?;
        if value.is_null() {
            return Err(Error::config(format!(
                "`{path}` cannot compare with NULL; use `isnull`"
            )));
        }
        sql.append(expr).push(op).bind(value, ty);
        Ok(sql)
    }

    /// `(SELECT AGG(..) FROM model AS s JOIN .. WHERE s covers `over` [AND condition])` and the
    /// kind of its value.
    pub(super) fn aggregate(
        &mut self,
        model: usize,
        aggregate: &Aggregate,
        over: Over<'_>,
    ) -> Result<(Sql, FieldKind)> {
        let info = self.registry.at(model);
        let pk = info.meta.pk()?.clone();
        let mut sub = self.scope(model);
        let (alias, field) = self.walk_aggregate_path(&mut sub, &aggregate.path)?;
        let kind = result_kind(aggregate.function, &field.kind).ok_or_else(|| {
            Error::config(format!(
                "{}::of(\"{}\"): {} applies to numbers, not to a {} field",
                function_name(aggregate.function),
                aggregate.path,
                function_name(aggregate.function),
                field.kind.describe()
            ))
        })?;
        let mut value = Sql::new();
        value.push(aggregate.function.sql()).push("(");
        if aggregate.distinct {
            value.push("DISTINCT ");
        }
        value.column(&alias, &field.column).push(")");
        let value = match aggregate.function {
            AggregateFn::Count | AggregateFn::Min | AggregateFn::Max => value,
            // SUM and AVG widen to a decimal on some backends: read back as the kind.
            AggregateFn::Sum | AggregateFn::Avg => {
                let mut cast = Sql::new();
                cast.push("CAST(")
                    .append(value)
                    .push(" AS ")
                    .push(&self.dialect.cast_type(&kind))
                    .push(")");
                cast
            }
        };
        let mut correlation = Sql::new();
        correlation.column(&sub.alias, &pk.column);
        match over {
            Over::Row(outer) => {
                correlation.push(" = ").column(outer, &pk.column);
            }
            Over::Query(query) => {
                let info = self.registry.at(model);
                let keys = self.keys(info, query)?;
                correlation
                    .push(" IN (SELECT ")
                    .ident(&pk.column)
                    .push(" FROM (")
                    .append(keys)
                    .push(") AS ")
                    .ident("selected")
                    .push(")");
            }
        }
        let condition = match &aggregate.condition {
            Some(c) => self.where_clause(&mut sub, std::slice::from_ref(c))?,
            None => Sql::new(),
        };
        let mut sql = Sql::new();
        sql.push("(SELECT ").append(value).push(" FROM ");
        sql.ident(&self.registry.at(model).meta.table)
            .push(" AS ")
            .alias(&sub.alias);
        for j in &sub.joins {
            sql.append(j.clause.clone());
        }
        sql.push(" WHERE ").append(correlation);
        if !condition.is_empty() {
            let mut condition = condition;
            if let Some(crate::sql::Part::Text(t)) = condition.parts.first_mut() {
                *t = t.replacen(" WHERE ", " AND ", 1);
            }
            sql.append(condition);
        }
        sql.push(")");
        Ok((sql, kind))
    }

    /// Joins `path` from the scope's model (to-one and to-many steps alike, LEFT) and returns
    /// the alias and field of the values: the field the path ends at, or the key of the rows
    /// of the relation it ends at.
    fn walk_aggregate_path(
        &mut self,
        scope: &mut Scope,
        path: &str,
    ) -> Result<(String, crate::meta::FieldMeta)> {
        let parts: Vec<&str> = path.split("__").collect();
        let mut model = scope.model;
        let mut alias = scope.alias.clone();
        let mut walked = String::new();
        for (i, part) in parts.iter().enumerate() {
            let last = i == parts.len() - 1;
            let info: &ModelInfo = self.registry.at(model);
            let part = key_alias(info, part);
            let column = info
                .meta
                .concrete_fields()
                .find(|f| f.name == part && f.relation.is_none());
            if let Some(field) = column {
                if !last {
                    return Err(Error::config(format!(
                        "aggregate over `{path}`: `{part}` is a field of {}, not a relation",
                        info.meta.name
                    )));
                }
                return Ok((alias, field.clone()));
            }
            let Some(edge) = info.edge(part).cloned() else {
                return Err(info.unknown(part));
            };
            walked = if walked.is_empty() {
                part.to_string()
            } else {
                format!("{walked}__{part}")
            };
            alias = if edge.is_many() {
                self.join_many(scope, &walked, &alias, &edge)?
            } else {
                let from = JoinEnd {
                    alias,
                    inner: false,
                };
                self.join(scope, &walked, &from, &edge).alias
            };
            model = edge.target;
            if last {
                let target = self.registry.at(model);
                return Ok((alias, target.meta.pk()?.clone()));
            }
        }
        Err(Error::config(format!("aggregate over an empty path `{path}`")))
    }

    /// `LEFT JOIN` of a to-many relation's rows (through its junction for a many-to-many)
    /// into `scope` under `path`; the alias of the related rows.
    fn join_many(&mut self, scope: &mut Scope, path: &str, from: &str, edge: &Edge) -> Result<String> {
        if let Some(j) = scope.joins.iter().find(|j| j.path == path) {
            return Ok(j.alias.clone());
        }
        let target = self.registry.at(edge.target).meta.table.clone();
        let alias = self.alias();
        let mut clause = Sql::new();
        match &edge.via {
            Via::Reverse {
                column,
                source_column,
            } => {
                clause
                    .push(" LEFT JOIN ")
                    .ident(&target)
                    .push(" AS ")
                    .alias(&alias)
                    .push(" ON ")
                    .column(&alias, column)
                    .push(" = ")
                    .column(from, source_column);
            }
            Via::Junction {
                table,
                source_column,
                target_column,
                source_key,
                target_key,
                ..
            } => {
                let junction = self.alias();
                clause
                    .push(" LEFT JOIN ")
                    .ident(table)
                    .push(" AS ")
                    .alias(&junction)
                    .push(" ON ")
                    .column(&junction, source_column)
                    .push(" = ")
                    .column(from, source_key);
                clause
                    .push(" LEFT JOIN ")
                    .ident(&target)
                    .push(" AS ")
                    .alias(&alias)
                    .push(" ON ")
                    .column(&alias, target_key)
                    .push(" = ")
                    .column(&junction, target_column);
            }
            Via::Forward { .. } => {
                return Err(Error::config(format!(
                    "`{path}` is a to-one relation"
                )))
            }
        }
        scope.joins.push(Join {
            path: path.to_string(),
            alias: alias.clone(),
            inner: false,
            clause,
        });
        Ok(alias)
    }

    /// `SELECT (aggregate), ...`: the totals over the rows `query` selects.
    pub fn aggregate_totals(
        &mut self,
        model: &ModelInfo,
        query: &Query,
        aggregates: &[(String, Aggregate)],
    ) -> Result<(Sql, Vec<FieldKind>)> {
        if aggregates.is_empty() {
            return Err(Error::config(format!(
                "aggregate() on {} needs at least one aggregate",
                model.meta.name
            )));
        }
        let mut sql = Sql::new();
        let mut kinds = Vec::with_capacity(aggregates.len());
        sql.push("SELECT ");
        for (i, (name, aggregate)) in aggregates.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let (value, kind) = self.aggregate(model.index, aggregate, Over::Query(query))?;
            sql.append(value).push(" AS ").ident(name);
            kinds.push(kind);
        }
        Ok((sql, kinds))
    }
}

/// The kind of an aggregate's value over values of `kind`; `None` when it does not apply.
fn result_kind(function: AggregateFn, kind: &FieldKind) -> Option<FieldKind> {
    let integer = matches!(
        kind,
        FieldKind::Integer | FieldKind::BigInteger | FieldKind::AutoInteger | FieldKind::AutoBigInteger
    );
    Some(match function {
        AggregateFn::Count => FieldKind::BigInteger,
        AggregateFn::Sum if integer => FieldKind::BigInteger,
        AggregateFn::Sum | AggregateFn::Avg if integer || *kind == FieldKind::Float => {
            FieldKind::Float
        }
        AggregateFn::Sum | AggregateFn::Avg => return None,
        AggregateFn::Min | AggregateFn::Max => match kind {
            FieldKind::AutoInteger => FieldKind::Integer,
            FieldKind::AutoBigInteger => FieldKind::BigInteger,
            other => other.clone(),
        },
    })
}

fn function_name(function: AggregateFn) -> &'static str {
    match function {
        AggregateFn::Count => "Count",
        AggregateFn::Sum => "Sum",
        AggregateFn::Avg => "Avg",
        AggregateFn::Min => "Min",
        AggregateFn::Max => "Max",
    }
}
