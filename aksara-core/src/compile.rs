//! The only place SQL is produced: the query tree compiled for a [`Dialect`].
//!
//! # How paths become SQL
//! A path such as `author__email` is walked edge by edge through the registry. A to-one step
//! (forward foreign key or one-to-one, reverse one-to-one) becomes a JOIN, shared by every
//! condition and ORDER BY term that walks the same path, INNER where the link is required and
//! LEFT where it may be missing, so a to-one join never repeats a row. A to-many step (reverse
//! foreign key, many-to-many) becomes a correlated `EXISTS (SELECT 1 ...)` subquery, so the
//! outer rows are never repeated and `count()` always agrees with `all().len()`.
//!
//! Conditions given in one `filter` call that cross the same to-many relation are grouped
//! into one `EXISTS`, so they must hold for the same related row; conditions from separate
//! calls get separate subqueries and may be met by different related rows (Django's rule for
//! multi-valued relations). `exclude` across a to-many relation reads "has no such related
//! row". Negations are written `NOT COALESCE(cond, FALSE)` so that a NULL reached through a
//! missing LEFT JOIN counts as "does not match" rather than as unknown.

use crate::dialect::{Dialect, InsertIgnore, ListBinding};
use crate::error::{Error, Result};
use crate::meta::{FieldMeta, ModelMeta, RelationKind};
use crate::query::{Assignment, Condition, Lookup, OrderBy, Quantifier, Query, RelatedNode};
use crate::registry::{Edge, ModelInfo, Registry, Via};
use crate::sql::{Sql, WriteTarget};
use crate::value::{FieldKind, Value};

/// Binds kept free for the rest of a statement beside a long `in` list.
pub const BINDS_FOR_THE_REST: usize = 1_000;

/// How prefetched rows link to the rows they were loaded for.
#[derive(Debug, Clone, Copy)]
pub enum PrefetchLink<'a> {
    /// The target's own column holds the key (the target's key for a forward relation, its
    /// foreign key for a reverse one).
    Column(&'a FieldMeta),
    /// A junction links them: `source` is the junction's column holding the key,
    /// `target_column` the junction's column referencing the target.
    Junction {
        /// The junction model.
        junction: &'a ModelInfo,
        /// The junction column compared with the keys.
        source: &'a FieldMeta,
        /// The junction column referencing the target's key.
        target_column: &'a str,
    },
}

/// Compiles queries on the models of one registry for one dialect.
pub struct Compiler<'a> {
    registry: &'a Registry,
    dialect: &'a dyn Dialect,
    next_alias: usize,
}

struct Join {
    path: String,
    alias: String,
    inner: bool,
    clause: Sql,
}

struct Scope {
    model: usize,
    alias: String,
    joins: Vec<Join>,
}

/// A to-many relation whose conditions, in one group, refer to one related row: that row's
/// scope, or `None` for the case of no related row.
struct Bound {
    alias: String,
    edge: String,
    rows: Option<Scope>,
}

/// What a path names.
enum Resolved {
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

impl<'a> Compiler<'a> {
    /// A compiler for `registry` writing `dialect`.
    pub fn new(registry: &'a Registry, dialect: &'a dyn Dialect) -> Self {
        Compiler {
            registry,
            dialect,
            next_alias: 0,
        }
    }

    fn alias(&mut self) -> String {
        let a = format!("t{}", self.next_alias);
        self.next_alias += 1;
        a
    }

    fn scope(&mut self, model: usize) -> Scope {
        Scope {
            model,
            alias: self.alias(),
            joins: Vec::new(),
        }
    }

    /// `SELECT` of the model's columns (and the columns of `select_related` relations).
    pub fn select(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        let mut scope = self.scope(model.index);
        let mut columns = Sql::new();
        self.columns(&mut columns, &scope.alias, &model.meta);
        let base_alias = scope.alias.clone();
        self.related_columns(
            &mut scope,
            &mut columns,
            &query.select_related,
            "",
            model.index,
            &base_alias,
            true,
        )?;
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let order = self.order_by(&mut scope, &query.order_by)?;
        let mut sql = Sql::new();
        sql.push("SELECT ").append(columns);
        self.from(&mut sql, &scope);
        sql.append(where_sql).append(order);
        self.slice(&mut sql, query.limit, query.offset);
        Ok(sql)
    }

    /// The SELECT of a prefetch: the rows of `target` linked to any of `keys` (through its own
    /// column, or through a junction whose linking column is then selected last), filtered and
    /// ordered by `query`, with `query.limit` applied per linked key.
    pub fn select_prefetch(
        &mut self,
        target: &ModelInfo,
        query: &Query,
        link: PrefetchLink<'_>,
        keys: Vec<Value>,
    ) -> Result<Sql> {
        let mut scope = self.scope(target.index);
        let mut columns = Sql::new();
        self.columns(&mut columns, &scope.alias, &target.meta);
        let mut link_sql = Sql::new();
        let mut junction_join = Sql::new();
        let partition = match link {
            PrefetchLink::Column(field) => {
                self.in_list(&mut link_sql, &scope.alias.clone(), field, keys);
                let mut p = Sql::new();
                p.column(&scope.alias, &field.column);
                p
            }
            PrefetchLink::Junction {
                junction,
                source,
                target_column,
            } => {
                let junction_alias = self.alias();
                columns.push(", ").column(&junction_alias, &source.column);
                junction_join
                    .push(" INNER JOIN ")
                    .ident(&junction.meta.table)
                    .push(" AS ")
                    .alias(&junction_alias);
                junction_join
                    .push(" ON ")
                    .column(&junction_alias, target_column)
                    .push(" = ");
                junction_join.column(&scope.alias, &target.meta.pk()?.column);
                self.in_list(&mut link_sql, &junction_alias, source, keys);
                let mut p = Sql::new();
                p.column(&junction_alias, &source.column);
                p
            }
        };
        let mut conditions = vec![];
        conditions.extend(query.conditions.iter().cloned());
        let extra = self.where_clause(&mut scope, &conditions)?;
        let order = self.order_by(&mut scope, &query.order_by)?;
        let mut inner = Sql::new();
        inner.push("SELECT ").append(columns);
        if query.limit.is_some() {
            inner
                .push(", ROW_NUMBER() OVER (PARTITION BY ")
                .append(partition)
                .push(" ");
            if order.is_empty() {
                inner
                    .push("ORDER BY ")
                    .column(&scope.alias, &target.meta.pk()?.column);
            } else {
                let mut o = order.clone();
                if let Some(crate::sql::Part::Text(t)) = o.parts.first_mut() {
                    *t = t.trim_start().to_string();
                }
                inner.append(o);
            }
            inner.push(") AS ").ident("aksara_rank");
        }
        inner
            .push(" FROM ")
            .ident(&target.meta.table)
            .push(" AS ")
            .alias(&scope.alias);
        inner.append(junction_join);
        for j in &scope.joins {
            inner.append(j.clause.clone());
        }
        inner.push(" WHERE ").append(link_sql);
        if !extra.is_empty() {
            let mut extra = extra;
            if let Some(crate::sql::Part::Text(t)) = extra.parts.first_mut() {
                *t = t.replacen(" WHERE ", " AND ", 1);
            }
            inner.append(extra);
        }
        match query.limit {
            None => {
                inner.append(order);
                Ok(inner)
            }
            Some(limit) => {
                let mut sql = Sql::new();
                sql.push("SELECT * FROM (")
                    .append(inner)
                    .push(") AS ")
                    .ident("ranked")
                    .push(" WHERE ");
                sql.ident("aksara_rank")
                    .push(" <= ")
                    .bind(Value::I64(i64::try_from(limit).unwrap_or(i64::MAX)), None);
                sql.push(" ORDER BY ").ident("aksara_rank");
                Ok(sql)
            }
        }
    }

    /// `SELECT COUNT(*)` of the rows the query selects.
    pub fn count(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        if query.limit.is_some() || query.offset.is_some() {
            // `SELECT 1`, not the key: models read from a catalog may have none.
            let mut scope = self.scope(model.index);
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
        let mut scope = self.scope(model.index);
        let where_sql = self.where_clause(&mut scope, &query.conditions)?;
        let mut sql = Sql::new();
        sql.push("SELECT COUNT(*)");
        self.from(&mut sql, &scope);
        sql.append(where_sql);
        Ok(sql)
    }

    /// `SELECT 1 ... LIMIT 1`: whether the query selects any row.
    pub fn exists(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        let mut scope = self.scope(model.index);
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
        let mut scope = self.scope(model.index);
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

    /// `WHERE pk IN (keys)`, wrapped in a derived table where the dialect needs it for UPDATE
    /// and DELETE.
    fn where_keys_in(&mut self, sql: &mut Sql, model: &ModelInfo, query: &Query) -> Result<()> {
        if query == &Query::default() {
            return Ok(());
        }
        let keys = self.keys(model, query)?;
        let pk = &model.meta.pk()?.column;
        sql.push(" WHERE ").ident(pk).push(" IN (");
        if self.dialect.self_subquery_needs_derived_table() {
            sql.push("SELECT ")
                .ident(pk)
                .push(" FROM (")
                .append(keys)
                .push(") AS ")
                .ident("selected");
        } else {
            sql.append(keys);
        }
        sql.push(")");
        Ok(())
    }

    /// `DELETE` of the rows the query selects.
    pub fn delete(&mut self, model: &ModelInfo, query: &Query) -> Result<Sql> {
        let mut sql = Sql::delete(&model.meta.table);
        sql.push("DELETE FROM ").ident(&model.meta.table);
        self.where_keys_in(&mut sql, model, query)?;
        Ok(sql)
    }

    /// `UPDATE` of the rows the query selects.
    pub fn update(
        &mut self,
        model: &ModelInfo,
        query: &Query,
        assignments: &[Assignment],
    ) -> Result<Sql> {
        if assignments.is_empty() {
            return Err(Error::config(format!(
                "update() on {} needs at least one field to set",
                model.meta.name
            )));
        }
        let mut sql = Sql::write(WriteTarget::new(&model.meta.table));
        sql.push("UPDATE ").ident(&model.meta.table).push(" SET ");
        for (i, a) in assignments.iter().enumerate() {
            let field = model
                .meta
                .concrete_fields()
                .find(|f| f.name == a.field || f.column == a.field)
                .ok_or_else(|| model.unknown(&a.field))?;
            if field.primary_key {
                return Err(Error::validation(
                    &model.meta.name,
                    &field.name,
                    "the primary key cannot be updated in bulk",
                ));
            }
            let value = coerce_for(&model.meta, field, a.value.clone())?;
            check_value(&model.meta, field, &value)?;
            check_range(self.dialect, &model.meta, field, &value)?;
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&field.column)
                .push(" = ")
                .bind(value, Some(field.kind.value_type()));
        }
        self.where_keys_in(&mut sql, model, query)?;
        Ok(sql)
    }

    /// `INSERT` of `rows` (values in the order of `columns`), optionally ignoring rows that
    /// violate a unique constraint, optionally returning the key column.
    pub fn insert(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        rows: Vec<Vec<Value>>,
        ignore_duplicates: bool,
        returning: Option<&str>,
    ) -> Sql {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        let ignore = ignore_duplicates.then(|| self.dialect.insert_ignore());
        sql.push(if ignore == Some(InsertIgnore::InsertIgnore) {
            "INSERT IGNORE INTO "
        } else {
            "INSERT INTO "
        });
        sql.ident(&meta.table);
        // A row that gives no column (a model whose only field is its auto key): every
        // column takes its default. `INSERT INTO t () VALUES ()` is MySQL's own syntax.
        let auto_key = meta.try_pk().filter(|pk| pk.kind.is_auto());
        if columns.is_empty() && rows.len() <= 1 {
            sql.push(self.dialect.default_values_insert());
        } else if let (true, Some(pk)) = (columns.is_empty(), auto_key) {
            // Several such rows: the key column alone, assigned by the database.
            sql.push(" (").ident(&pk.column).push(") VALUES ");
            for r in 0..rows.len() {
                sql.push(if r > 0 { ", (" } else { "(" });
                sql.push(self.dialect.auto_key_in_values()).push(")");
            }
        } else {
            sql.push(" (");
            for (i, c) in columns.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.ident(&c.column);
            }
            sql.push(") VALUES ");
            for (r, row) in rows.into_iter().enumerate() {
                sql.push(if r > 0 { ", (" } else { "(" });
                for (i, (value, column)) in row.into_iter().zip(columns).enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(value, Some(column.kind.value_type()));
                }
                sql.push(")");
            }
        }
        if ignore == Some(InsertIgnore::OnConflictDoNothing) {
            sql.push(" ON CONFLICT DO NOTHING");
        }
        if let (Some(InsertIgnore::OnDuplicateKeyUpdate), Some(first)) = (ignore, columns.first()) {
            sql.push(" ON DUPLICATE KEY UPDATE ")
                .ident(&first.column)
                .push(" = ")
                .ident(&first.column);
        }
        if let Some(column) = returning {
            sql.push(" RETURNING ").ident(column);
        }
        sql
    }

    /// How many rows one multi-row insert of `columns` columns may carry within the dialect's
    /// bind limit.
    pub fn rows_per_insert(&self, columns: usize) -> usize {
        (self.dialect.max_binds() / columns.max(1)).max(1)
    }

    /// The multi-row insert of `rows` as statements that each fit the dialect's bind limit,
    /// with the number of rows each carries. A statement whose row count is unlikely to recur
    /// (neither a full batch nor a small one) is marked [`Sql::one_off`], so that its
    /// prepared form does not stay in the connection's cache.
    pub fn insert_batches(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        rows: Vec<Vec<Value>>,
        ignore_duplicates: bool,
        returning: Option<&str>,
    ) -> Vec<(Sql, usize)> {
        /// Batches up to this many rows are common enough to keep prepared.
        const SMALL_BATCH: usize = 16;
        let per_statement = self.rows_per_insert(columns.len());
        let mut statements = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
            let count = batch.len();
            let mut sql = self.insert(meta, columns, batch, ignore_duplicates, returning);
            if count != per_statement && count > SMALL_BATCH {
                sql.mark_one_off();
            }
            statements.push((sql, count));
        }
        statements
    }

    /// `INSERT INTO table (columns) SELECT * FROM UNNEST($1, $2, ...) ON CONFLICT DO NOTHING`:
    /// many rows as one array per column, one cached statement whatever the number of rows
    /// (for dialects that bind arrays).
    pub fn insert_unnest(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        arrays: Vec<Vec<Value>>,
    ) -> Sql {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        sql.push("INSERT INTO ").ident(&meta.table).push(" (");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&c.column);
        }
        sql.push(") SELECT * FROM UNNEST(");
        for (i, (array, column)) in arrays.into_iter().zip(columns).enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Value::Array(array), Some(column.kind.value_type()));
        }
        sql.push(") ON CONFLICT DO NOTHING");
        sql
    }

    /// `UPDATE table SET col = value, ... WHERE pk = key` for one instance.
    pub fn update_by_pk(
        &self,
        meta: &ModelMeta,
        values: &[(&FieldMeta, Value)],
        key: Value,
    ) -> Result<Sql> {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        sql.push("UPDATE ").ident(&meta.table).push(" SET ");
        for (i, (field, value)) in values.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&field.column)
                .push(" = ")
                .bind(value.clone(), Some(field.kind.value_type()));
        }
        let pk = meta.pk()?;
        sql.push(" WHERE ")
            .ident(&pk.column)
            .push(" = ")
            .bind(key, Some(pk.kind.value_type()));
        Ok(sql)
    }

    /// `DELETE FROM table WHERE pk = key`.
    pub fn delete_by_pk(&self, meta: &ModelMeta, key: Value) -> Result<Sql> {
        let pk = meta.pk()?;
        let mut sql = Sql::delete(&meta.table);
        sql.push("DELETE FROM ")
            .ident(&meta.table)
            .push(" WHERE ")
            .ident(&pk.column)
            .push(" = ");
        sql.bind(key, Some(pk.kind.value_type()));
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

    /// `DELETE FROM table WHERE pk IN (keys)`.
    pub fn delete_keys(&self, meta: &ModelMeta, keys: Vec<Value>) -> Result<Sql> {
        let mut sql = Sql::new();
        sql.push("DELETE FROM ").ident(&meta.table).push(" WHERE ");
        self.in_list_as(&mut sql, None, meta.pk()?, keys);
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

    fn columns(&self, sql: &mut Sql, alias: &str, meta: &ModelMeta) {
        for (i, f) in meta.concrete_fields().enumerate() {
            if !sql.is_empty() || i > 0 {
                sql.push(", ");
            }
            sql.column(alias, &f.column);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn related_columns(
        &mut self,
        scope: &mut Scope,
        columns: &mut Sql,
        nodes: &[RelatedNode],
        prefix: &str,
        model: usize,
        alias: &str,
        parent_inner: bool,
    ) -> Result<()> {
        for node in nodes {
            let info = self.registry.at(model);
            let edge = info
                .edge(&node.name)
                .ok_or_else(|| info.unknown(&node.name))?
                .clone();
            if edge.is_many() {
                return Err(Error::config(format!(
                    "select_related follows to-one relations only; `{}` on {} is to-many: use prefetch_related(\"{}\")",
                    node.name,
                    info.meta.name,
                    if prefix.is_empty() { node.name.clone() } else { format!("{prefix}__{}", node.name) }
                )));
            }
            let path = if prefix.is_empty() {
                node.name.clone()
            } else {
                format!("{prefix}__{}", node.name)
            };
            let (join_alias, inner) = self.join(scope, &path, alias, &edge, parent_inner);
            let target = self.registry.at(edge.target);
            self.columns(columns, &join_alias, &target.meta);
            self.related_columns(
                scope,
                columns,
                &node.children,
                &path,
                edge.target,
                &join_alias,
                inner,
            )?;
        }
        Ok(())
    }

    /// The alias of the join for `path` (created if needed) and whether it is an INNER join.
    fn join(
        &mut self,
        scope: &mut Scope,
        path: &str,
        from_alias: &str,
        edge: &Edge,
        parent_inner: bool,
    ) -> (String, bool) {
        if let Some(j) = scope.joins.iter().find(|j| j.path == path) {
            return (j.alias.clone(), j.inner);
        }
        let alias = self.alias();
        let target = self.registry.at(edge.target);
        let inner = parent_inner && matches!(edge.via, Via::Forward { .. }) && !edge.nullable;
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
            clause,
        });
        (alias, inner)
    }

    fn from(&self, sql: &mut Sql, scope: &Scope) {
        let meta = &self.registry.at(scope.model).meta;
        sql.push(" FROM ")
            .ident(&meta.table)
            .push(" AS ")
            .alias(&scope.alias);
        for j in &scope.joins {
            sql.append(j.clause.clone());
        }
    }

    fn slice(&self, sql: &mut Sql, limit: Option<u64>, offset: Option<u64>) {
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

    fn where_clause(&mut self, scope: &mut Scope, conditions: &[Condition]) -> Result<Sql> {
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

    fn order_by(&mut self, scope: &mut Scope, terms: &[OrderBy]) -> Result<Sql> {
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
        Ok(sql)
    }

    /// One `filter` call's condition (or a NOT's, or a related subquery's): every condition on
    /// the same to-many relation, inside AND, OR alike, refers to the same related row, as
    /// Django's single join does. For each to-many relation the tree is compiled twice: once
    /// per related row (`EXISTS`), and once for a row with no related row at all (the outer
    /// join's NULL row: its conditions are false, `isnull = true` true). A NOT starts a group
    /// of its own: "has no such related row".
    fn group(&mut self, scope: &mut Scope, condition: &Condition) -> Result<Sql> {
        let mut bound = Vec::new();
        self.group_with(scope, condition, &mut bound)
    }

    fn group_with(
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
    fn leaf_across_to_many(
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
    fn may_hold_without(
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
    fn first_to_many(
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
    fn structural(
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

    fn condition(&mut self, scope: &mut Scope, condition: &Condition) -> Result<Sql> {
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
            Condition::Tree {
                path,
                relation,
                root,
                ancestors,
                include_root,
            } => self.tree(
                scope,
                path,
                relation,
                root.clone(),
                *ancestors,
                *include_root,
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

    /// `column IN (WITH RECURSIVE tree ... SELECT node FROM tree)`: the keys of the subtree
    /// (or the ancestors) of `root` along the self-referential `relation`. `UNION` (not `UNION
    /// ALL`) makes the walk stop on cyclic data.
    fn tree(
        &mut self,
        scope: &mut Scope,
        path: &str,
        relation: &str,
        root: Value,
        ancestors: bool,
        include_root: bool,
    ) -> Result<Sql> {
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

    /// The conditions of one AND group; leaves crossing the same to-many relation share one
    /// EXISTS.
    fn and(&mut self, scope: &mut Scope, items: &[Condition]) -> Result<Sql> {
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

    /// `EXISTS (SELECT 1 FROM <related rows of outer_alias through edge> WHERE <condition>)`.
    fn exists_subquery(
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
    fn exists_with(
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

    /// Walks `parts` from the scope's model (`pk` names the key, as in Django, unless the
    /// model has a field of that name).
    fn resolve(&mut self, scope: &mut Scope, parts: &[String]) -> Result<Resolved> {
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
            if let Via::Forward { .. } = edge.via {
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
                    [pk, more @ ..] if *pk == target_pk.name && more.len() <= 1 => Some(lookup_of(
                        info,
                        more,
                        info.meta.field(&edge.field).expect("relation field"),
                    )?),
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
            let (join_alias, join_inner) = self.join(scope, &path, &alias, &edge, inner);
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

    /// The SQL of `alias.field <lookup> value`.
    fn leaf(
        &self,
        meta: &ModelMeta,
        alias: &str,
        field: &FieldMeta,
        lookup: Lookup,
        value: Value,
    ) -> Result<Sql> {
        // A value the backend cannot hold is refused, not compared after the database
        // changed it (or failed with an untyped error).
        if lookup != Lookup::IsNull {
            if let Ok(coerced) = field.kind.coerce(value.clone()) {
                check_range(self.dialect, meta, field, &coerced)?;
            }
        }
        let mut sql = Sql::new();
        let ty = Some(field.kind.value_type());
        if lookup.is_text_only() && !field.kind.is_text() {
            return Err(Error::validation(
                &meta.name,
                &field.name,
                format!(
                    "the lookup `{}` applies to text fields only; `{}` is a {} field",
                    lookup.name(),
                    field.name,
                    field.kind.describe()
                ),
            ));
        }
        match lookup {
            Lookup::Exact | Lookup::Gt | Lookup::Gte | Lookup::Lt | Lookup::Lte => {
                let value = coerce_for(meta, field, value)?;
                if value.is_null() {
                    if lookup != Lookup::Exact {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`{}` cannot compare with NULL", lookup.name()),
                        ));
                    }
                    sql.column(alias, &field.column).push(" IS NULL");
                } else {
                    let op = match lookup {
                        Lookup::Gt => " > ",
                        Lookup::Gte => " >= ",
                        Lookup::Lt => " < ",
                        Lookup::Lte => " <= ",
                        _ => " = ",
                    };
                    sql.column(alias, &field.column).push(op);
                    self.bind_for(&mut sql, field, value);
                }
            }
            Lookup::IExact => {
                let value = coerce_for(meta, field, value)?;
                sql.push("LOWER(")
                    .column(alias, &field.column)
                    .push(") = LOWER(")
                    .bind(value, ty)
                    .push(")");
            }
            Lookup::Contains
            | Lookup::IContains
            | Lookup::StartsWith
            | Lookup::IStartsWith
            | Lookup::EndsWith
            | Lookup::IEndsWith => {
                let Value::String(text) = coerce_for(meta, field, value)? else {
                    return Err(Error::validation(
                        &meta.name,
                        &field.name,
                        format!("`{}` needs a text value", lookup.name()),
                    ));
                };
                let escaped = escape_like(&text);
                let pattern = match lookup {
                    Lookup::Contains | Lookup::IContains => format!("%{escaped}%"),
                    Lookup::StartsWith | Lookup::IStartsWith => format!("{escaped}%"),
                    _ => format!("%{escaped}"),
                };
                let insensitive = matches!(
                    lookup,
                    Lookup::IContains | Lookup::IStartsWith | Lookup::IEndsWith
                );
                match (insensitive, self.dialect.ilike_operator()) {
                    (false, _) => {
                        sql.column(alias, &field.column)
                            .push(" LIKE ")
                            .bind(Value::String(pattern), ty);
                    }
                    (true, Some(op)) => {
                        sql.column(alias, &field.column)
                            .push(" ")
                            .push(op)
                            .push(" ")
                            .bind(Value::String(pattern), ty);
                    }
                    (true, None) => {
                        sql.push("LOWER(")
                            .column(alias, &field.column)
                            .push(") LIKE LOWER(");
                        sql.bind(Value::String(pattern), ty).push(")");
                    }
                }
                sql.push(self.dialect.like_escape());
            }
            Lookup::IsNull => {
                let is_null = match value {
                    Value::Bool(b) => b,
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`isnull` takes true or false, got {other}"),
                        ))
                    }
                };
                sql.column(alias, &field.column).push(if is_null {
                    " IS NULL"
                } else {
                    " IS NOT NULL"
                });
            }
            Lookup::Range => {
                let items = match coerce_for(meta, field, value)? {
                    Value::Array(items)
                        if items.len() == 2 && !items.iter().any(Value::is_null) =>
                    {
                        items
                    }
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`range` takes two values, got {other}"),
                        ))
                    }
                };
                let mut items = items.into_iter();
                let (low, high) = (items.next().expect("two"), items.next().expect("two"));
                sql.column(alias, &field.column).push(" BETWEEN ");
                self.bind_for(&mut sql, field, low);
                sql.push(" AND ");
                self.bind_for(&mut sql, field, high);
            }
            Lookup::In => {
                let items = match coerce_for(meta, field, value)? {
                    Value::Array(items) => items
                        .into_iter()
                        .filter(|v| !v.is_null())
                        .collect::<Vec<_>>(),
                    other => {
                        return Err(Error::validation(
                            &meta.name,
                            &field.name,
                            format!("`in` takes a list of values, got {other}"),
                        ))
                    }
                };
                let limit = in_list_limit(self.dialect);
                if items.len() > limit {
                    return Err(Error::validation(
                        &meta.name,
                        &field.name,
                        format!(
                            "an `in` list of {} values is more than one {} statement can carry \
                             ({limit}); split the list, or filter through a relation or a subquery",
                            items.len(),
                            self.dialect.name()
                        ),
                    ));
                }
                self.in_list(&mut sql, alias, field, items);
            }
        }
        Ok(sql)
    }

    /// Binds `value` to be compared with `field` (see [`bind_cast`]).
    fn bind_for(&self, sql: &mut Sql, field: &FieldMeta, value: Value) {
        let cast = self.dialect.parameter_cast(&field.kind);
        bind_cast(sql, value, Some(field.kind.value_type()), cast);
    }

    /// `col IN (...)` as the dialect binds lists; an empty list matches nothing.
    pub fn in_list(&self, sql: &mut Sql, alias: &str, field: &FieldMeta, items: Vec<Value>) {
        self.in_list_as(sql, Some(alias), field, items);
    }

    /// [`Compiler::in_list`], the column qualified by `alias` or (`None`) left bare.
    fn in_list_as(&self, sql: &mut Sql, alias: Option<&str>, field: &FieldMeta, items: Vec<Value>) {
        let column = |sql: &mut Sql| match alias {
            Some(alias) => {
                sql.column(alias, &field.column);
            }
            None => {
                sql.ident(&field.column);
            }
        };
        if items.is_empty() {
            sql.push("1 = 0");
            return;
        }
        let ty = Some(field.kind.value_type());
        match self.dialect.list_binding() {
            ListBinding::Array => {
                column(sql);
                sql.push(" = ANY(");
                self.bind_for(sql, field, Value::Array(items));
                sql.push(")");
            }
            ListBinding::Padded(sizes) => {
                let cast = self.dialect.parameter_cast(&field.kind);
                let largest = *sizes.last().expect("at least one size");
                let chunks: Vec<&[Value]> = items.chunks(largest).collect();
                if chunks.len() > 1 {
                    sql.push("(");
                }
                for (c, chunk) in chunks.iter().enumerate() {
                    if c > 0 {
                        sql.push(" OR ");
                    }
                    let size = sizes
                        .iter()
                        .copied()
                        .find(|&s| s >= chunk.len())
                        .unwrap_or(largest);
                    column(sql);
                    sql.push(" IN (");
                    for i in 0..size {
                        if i > 0 {
                            sql.push(", ");
                        }
                        let item = chunk
                            .get(i)
                            .unwrap_or_else(|| chunk.last().expect("non-empty chunk"));
                        bind_cast(sql, item.clone(), ty, cast);
                    }
                    sql.push(")");
                }
                if chunks.len() > 1 {
                    sql.push(")");
                }
            }
        }
    }
}

/// True for an `isnull = true` lookup (`name__isnull`, `third__isnull`).
fn is_null_test(condition: &Condition) -> bool {
    matches!(condition, Condition::Lookup { path, value: Value::Bool(true) }
        if path == "isnull" || path.ends_with("__isnull"))
}

/// The longest `in` list one statement takes: any length where the dialect binds one array,
/// else the bind limit less room for the padding and the rest of the statement.
pub fn in_list_limit(dialect: &dyn Dialect) -> usize {
    match dialect.list_binding() {
        ListBinding::Array => usize::MAX,
        ListBinding::Padded(sizes) => dialect
            .max_binds()
            .saturating_sub(sizes.last().copied().unwrap_or(1) + BINDS_FOR_THE_REST)
            .max(1),
    }
}

/// Binds `value`, cast to `cast` (the column's own type, from
/// [`Dialect::parameter_cast`]) when there is one; an array of values to an array of it.
fn bind_cast(sql: &mut Sql, value: Value, ty: Option<crate::value::ValueType>, cast: Option<&str>) {
    let Some(cast) = cast else {
        sql.bind(value, ty);
        return;
    };
    let array = matches!(value, Value::Array(_));
    sql.push("CAST(").bind(value, ty).push(" AS ").push(cast);
    sql.push(if array { "[])" } else { ")" });
}

/// The lookup named by what is left of a path after `field` (`[]` is exact).
fn lookup_of(model: &ModelInfo, rest: &[String], field: &FieldMeta) -> Result<Lookup> {
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

/// `value` coerced to `field`'s kind, or a validation error naming model, field and value.
pub fn coerce_for(meta: &ModelMeta, field: &FieldMeta, value: Value) -> Result<Value> {
    field
        .kind
        .coerce(value)
        .map_err(|message| Error::validation(&meta.name, &field.name, message))
}

/// Checks a value about to be written: NULL where required, length, email and URL shape.
pub fn check_value(meta: &ModelMeta, field: &FieldMeta, value: &Value) -> Result<()> {
    let fail = |message: String| Err(Error::validation(&meta.name, &field.name, message));
    if value.is_null() {
        if !field.nullable && !field.kind.is_auto() {
            return fail("NULL is not allowed (the field is required)".into());
        }
        return Ok(());
    }
    if let (Some(max), Value::String(s)) = (field.max_length(), value) {
        let length = s.chars().count();
        if length > max as usize {
            let shown: String = s.chars().take(40).collect();
            let ellipsis = if length > 40 { "..." } else { "" };
            return fail(format!(
                "{length} characters is longer than max_length {max} (value {shown:?}{ellipsis})"
            ));
        }
    }
    match (&field.kind, value) {
        (FieldKind::Email { .. }, Value::String(s)) if !crate::validate::is_email(s) => {
            fail(format!("{s:?} is not a valid email address"))
        }
        (FieldKind::Url { .. }, Value::String(s)) if !crate::validate::is_url(s) => {
            fail(format!("{s:?} is not a valid URL"))
        }
        _ => Ok(()),
    }
}

/// An [`Error::Validation`] naming model, field, value and the range the backend holds when
/// `dialect` cannot store `value` (or each item of a list) exactly in `field`'s column (see
/// [`Dialect::out_of_range`]).
pub fn check_range(
    dialect: &dyn Dialect,
    meta: &ModelMeta,
    field: &FieldMeta,
    value: &Value,
) -> Result<()> {
    let refused = match value {
        Value::Array(items) => items
            .iter()
            .find_map(|v| dialect.out_of_range(&field.kind, v)),
        v => dialect.out_of_range(&field.kind, v),
    };
    match refused {
        Some(message) => Err(Error::validation(&meta.name, &field.name, message)),
        None => Ok(()),
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// True when `kind` is a relation kind that has a column.
pub fn is_to_one(kind: RelationKind) -> bool {
    kind != RelationKind::ManyToMany
}

/// `name`, or the key field's name when `name` is `pk` and the model has nothing else called
/// that.
fn key_alias<'a>(info: &'a ModelInfo, name: &'a str) -> &'a str {
    if name != "pk" || info.meta.field(name).is_some() || info.edge(name).is_some() {
        return name;
    }
    info.meta.try_pk().map_or(name, |f| f.name.as_str())
}

/// `condition` with every AND directly inside an AND (and OR inside an OR) merged into its
/// parent: the same condition, whose nesting is then only what the depth limit counts.
/// Borrowed when there is nothing to merge.
fn flatten_same_kind(condition: &Condition) -> std::borrow::Cow<'_, Condition> {
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
