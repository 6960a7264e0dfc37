//! SELECT, COUNT, EXISTS and key queries: columns, joins for `select_related`, ORDER BY and
//! LIMIT / OFFSET.

use super::distinct::OrderColumn;
use super::paths::Resolved;
use super::related::{plan_related, SelectStatement};
use super::{Compiler, JoinEnd, Scope};
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::query::{Distinct, Lookup, OrderBy, Query};
use crate::registry::ModelInfo;
use crate::sql::Sql;
use crate::value::Value;

impl Compiler<'_> {
    /// `SELECT` of the model's columns (and the columns of `select_related` relations).
    pub fn select(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        Ok(self.select_with_related(model, query)?.sql)
    }

    /// `SELECT` of the model's columns and the columns of its `select_related` relations,
    /// with the plan of those relations that the row reader follows (planned once, here).
    pub fn select_with_related(
        &mut self,
        model: &ModelInfo,
        query: &Query,
    ) -> Result<SelectStatement> {
        if !self.dialect.supports_arrays() {
            for field in model.meta.concrete_fields() {
                crate::array_field::check_backend(self.dialect, &model.meta, field)?;
            }
        }
        if let Some(keys) = &query.values {
            return self.values_select(model, query, keys);
        }
        let related = plan_related(self.registry, model, &query.select_related)?;
        let fields = super::selected_fields(model, &query.fields)?;
        let mut scope = self.top_scope(model.index, query)?;
        let mut columns = Sql::new();
        let selected = self.some_columns(&mut columns, &scope.alias, model, fields.as_deref());
        let base = JoinEnd {
            alias: scope.alias.clone(),
            inner: true,
        };
        self.related_columns(&mut scope, &mut columns, &related, "", model.index, &base)?;
        self.annotation_select(&mut columns, &scope.alias);
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let (order, order_columns) = self.order_terms(&mut scope, &query.order_by)?;
        let distinct =
            self.distinct_clause(&mut scope, query, &order_columns, &selected, &mut columns)?;
        let mut sql = Sql::new();
        sql.push("SELECT ").append(distinct).append(columns);
        self.from(&mut sql, &scope);
        sql.append(where_sql).append(order);
        self.slice(&mut sql, query.limit, query.offset);
        if let Some(lock) = &query.lock {
            let clause = self.lock_clause(&scope, lock, &query.distinct)?;
            sql.append(clause);
        }
        Ok(SelectStatement {
            sql,
            related,
            fields,
            annotations: self.annotation_columns(&scope.alias).to_vec(),
        })
    }

    /// `SELECT COUNT(*)` of the rows the query selects.
    pub fn count(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        if query.values.is_some() {
            // The rows (or groups) of values, counted.
            let inner =
                self.values_select(model, query, query.values.as_deref().unwrap_or_default())?;
            let mut sql = Sql::new();
            sql.push("SELECT COUNT(*) FROM (")
                .append(inner.sql)
                .push(") AS ")
                .ident("counted");
            return Ok(sql);
        }
        if query.distinct != Distinct::All {
            // The distinct rows themselves, counted: `DISTINCT ON` keeps one row per group.
            let rows = Query {
                select_related: Vec::new(),
                prefetch_related: Vec::new(),
                lock: None,
                ..query.clone()
            };
            // Labelled columns: a derived table may not repeat a column name on MySQL.
            self.next_label.set(Some(0));
            let inner = self.select_with_related(model, &rows);
            self.next_label.set(None);
            let mut sql = Sql::new();
            sql.push("SELECT COUNT(*) FROM (")
                .append(inner?.sql)
                .push(") AS ")
                .ident("counted");
            return Ok(sql);
        }
        if query.limit.is_some() || query.offset.is_some() {
            // `SELECT 1`, not the key: models read from a catalog may have none.
            let mut scope = self.top_scope(model.index, query)?;
            let where_sql = self.where_clause(&mut scope, &query.conditions)?;
            let order = self.order_by(&mut scope, &query.order_by)?;
            let mut inner = Sql::new();
            inner.push("SELECT 1 AS ").ident("one");
            self.from(&mut inner, &scope);
            inner.append(where_sql).append(order);
            self.slice(&mut inner, query.limit, query.offset);
            let mut sql = Sql::new();
            sql.push("SELECT COUNT(*) FROM (")
                .append(inner)
                .push(") AS ")
                .ident("counted");
            return Ok(sql);
        }
        let mut scope = self.top_scope(model.index, query)?;
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let mut sql = Sql::new();
        sql.push("SELECT COUNT(*)");
        self.from(&mut sql, &scope);
        sql.append(where_sql);
        Ok(sql)
    }

    /// `SELECT 1 ... LIMIT 1`: whether the query selects any row.
    pub fn exists(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        // Distinct or not, some row exists when one matches; the backend must still have the
        // form asked for.
        self.check_distinct(query)?;
        if query.values.is_some() {
            let rows = Query {
                limit: Some(1),
                ..query.clone()
            };
            return Ok(self
                .values_select(model, &rows, query.values.as_deref().unwrap_or_default())?
                .sql);
        }
        let mut scope = self.top_scope(model.index, query)?;
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let mut sql = Sql::new();
        sql.push("SELECT 1 AS ").ident("one");
        self.from(&mut sql, &scope);
        sql.append(where_sql);
        self.slice(&mut sql, Some(1), query.offset);
        Ok(sql)
    }

    /// `SELECT pk FROM ...`: the keys of the rows the query selects.
    pub fn keys(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        if let Distinct::On(fields) = &query.distinct {
            return Err(Error::config(format!(
                "update() and delete() cannot follow distinct_on({fields:?}) on {}: which rows \
                 it keeps depends on the order, filter the rows to change instead",
                model.meta.name
            )));
        }
        let mut scope = self.top_scope(model.index, query)?;
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let order = self.order_by(&mut scope, &query.order_by)?;
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .column(&scope.alias, &model.meta.pk()?.column);
        self.from(&mut sql, &scope);
        sql.append(where_sql).append(order);
        self.slice(&mut sql, query.limit, query.offset);
        Ok(sql)
    }

    /// `SELECT pk FROM table WHERE pk = key`.
    pub fn key(&mut self, meta: &ModelMeta, key: Value) -> Result<Sql> {
        let alias = self.alias();
        let pk = meta.pk()?;
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .column(&alias, &pk.column)
            .push(" FROM ")
            .ident(&meta.table)
            .push(" AS ")
            .alias(&alias);
        sql.push(" WHERE ")
            .column(&alias, &pk.column)
            .push(" = ")
            .bind(key, Some(pk.kind.value_type()));
        Ok(sql)
    }

    /// `SELECT child.pk FROM child WHERE child.column IN (keys)`: the keys of the rows of
    /// `child` that reference one of `keys` through `column`.
    pub fn keys_referencing(
        &mut self,
        child: &ModelMeta,
        column: &str,
        keys: Vec<Value>,
    ) -> Result<Sql> {
        let alias = self.alias();
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .column(&alias, &child.pk()?.column)
            .push(" FROM ")
            .ident(&child.table)
            .push(" AS ")
            .alias(&alias)
            .push(" WHERE ");
        let field = match child.concrete_fields().find(|f| f.column == column) {
            Some(field) => field,
            None => child.pk()?,
        };
        self.in_list_as(&mut sql, Some(&alias), field, keys);
        Ok(sql)
    }

    /// `SELECT child.pk FROM child WHERE child.column IN (SELECT parent.target_column FROM
    /// parent WHERE parent.pk IN (keys))`: the keys of the rows of `child` that reference,
    /// through `column`, the column `target_column` of one of the rows of `parent` whose keys
    /// are `keys` (a relation with a `to_field`, which references another column than the key).
    pub fn keys_referencing_column(
        &mut self,
        child: &ModelMeta,
        column: &str,
        parent: &ModelMeta,
        target_column: &str,
        keys: Vec<Value>,
    ) -> Result<Sql> {
        let alias = self.alias();
        let parent_alias = self.alias();
        let parent_pk = parent.pk()?;
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .column(&alias, &child.pk()?.column)
            .push(" FROM ")
            .ident(&child.table)
            .push(" AS ")
            .alias(&alias)
            .push(" WHERE ")
            .column(&alias, column)
            .push(" IN (SELECT ")
            .column(&parent_alias, target_column)
            .push(" FROM ")
            .ident(&parent.table)
            .push(" AS ")
            .alias(&parent_alias)
            .push(" WHERE ");
        self.in_list_as(&mut sql, Some(&parent_alias), parent_pk, keys);
        sql.push(")");
        Ok(sql)
    }

    pub(super) fn columns(&self, sql: &mut Sql, alias: &str, meta: &ModelMeta) {
        for (i, f) in meta.concrete_fields().enumerate() {
            if !sql.is_empty() || i > 0 {
                sql.push(", ");
            }
            sql.column(alias, &f.column);
            if let Some(label) = self.next_label.get() {
                sql.push(" AS ").ident(&format!("c{label}"));
                self.next_label.set(Some(label + 1));
            }
        }
    }

    pub(super) fn from(&self, sql: &mut Sql, scope: &Scope) {
        let meta = &self.registry.at(scope.model).meta;
        sql.push(" FROM ");
        match &self.annotated {
            Some(table) if table.alias == scope.alias => {
                sql.push("(").append(table.body.clone()).push(")");
            }
            _ => {
                sql.ident(&meta.table);
            }
        }
        sql.push(" AS ").alias(&scope.alias);
        for j in &scope.joins {
            sql.append(j.clause.clone());
        }
    }

    /// The main scope of a query on `model`, its annotations registered.
    pub(super) fn top_scope(&mut self, model: usize, query: &Query) -> Result<Scope> {
        let scope = self.scope(model);
        self.annotate_scope(&scope, &query.annotations)?;
        Ok(scope)
    }

    /// `, alias.annotation` for each annotation of `alias`'s table.
    fn annotation_select(&self, columns: &mut Sql, alias: &str) {
        for c in self.annotation_columns(alias) {
            columns.push(", ").column(alias, &c.column);
            if let Some(label) = self.next_label.get() {
                columns.push(" AS ").ident(&format!("c{label}"));
                self.next_label.set(Some(label + 1));
            }
        }
    }

    pub(super) fn slice(&self, sql: &mut Sql, limit: Option<u64>, offset: Option<u64>) {
        let as_i64 = |n: u64| Value::I64(i64::try_from(n).unwrap_or(i64::MAX));
        match (limit, offset) {
            (Some(l), o) => {
                sql.push(" LIMIT ").bind(as_i64(l), None);
                if let Some(o) = o {
                    sql.push(" OFFSET ").bind(as_i64(o), None);
                }
            }
            (None, Some(o)) => {
                // Every backend accepts a LIMIT that no table reaches.
                sql.push(" LIMIT ")
                    .bind(Value::I64(i64::MAX), None)
                    .push(" OFFSET ")
                    .bind(as_i64(o), None);
            }
            (None, None) => {}
        }
    }

    pub(super) fn order_by(&mut self, scope: &mut Scope, terms: &[OrderBy]) -> Result<Sql> {
        Ok(self.order_terms(scope, terms)?.0)
    }

    /// The ORDER BY clause of `terms` and the column each term resolved to.
    pub(super) fn order_terms(
        &mut self,
        scope: &mut Scope,
        terms: &[OrderBy],
    ) -> Result<(Sql, Vec<OrderColumn>)> {
        let mut columns = Vec::with_capacity(terms.len());
        let mut sql = Sql::new();
        for (i, term) in terms.iter().enumerate() {
            let parts: Vec<String> = term.path.split("__").map(str::to_string).collect();
            match self.resolve(scope, &parts)? {
                Resolved::Column {
                    alias,
                    field,
                    lookup: Lookup::Exact,
                    ..
                } => {
                    sql.push(if i == 0 { " ORDER BY " } else { ", " });
                    sql.column(&alias, &field.column).push(if term.descending {
                        " DESC"
                    } else {
                        " ASC"
                    });
                    columns.push(OrderColumn {
                        alias,
                        column: field.column,
                    });
                }
                Resolved::Column { .. } => {
                    return Err(Error::config(format!(
                        "order_by(\"{}\"): a lookup cannot be used to order",
                        term.path
                    )))
                }
                Resolved::ToMany { edge, .. } => {
                    return Err(Error::config(format!(
                    "order_by(\"{}\"): `{}` is a to-many relation; rows cannot be ordered by it",
                    term.path, edge.name
                )))
                }
            }
        }
        Ok((sql, columns))
    }
}
