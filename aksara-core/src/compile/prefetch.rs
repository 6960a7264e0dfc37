//! The SELECT of a prefetch: related rows for a set of keys, with a per-key limit.

use super::related::{plan_related, SelectStatement};
use super::{Compiler, JoinEnd};
use crate::error::Result;
use crate::meta::FieldMeta;
use crate::query::Query;
use crate::registry::ModelInfo;
use crate::sql::Sql;
use crate::value::Value;

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

impl Compiler<'_> {
    /// The SELECT of a prefetch: the rows of `target` linked to any of `keys` (through its own
    /// column, or through a junction whose linking column is then selected right after the
    /// target's columns), filtered and ordered by `query`, with its `select_related`
    /// relations joined (their columns follow), and `query.limit` / `query.offset` applied
    /// per linked key.
    pub fn select_prefetch(
        &mut self,
        target: &ModelInfo,
        query: &Query,
        link: PrefetchLink<'_>,
        keys: Vec<Value>,
    ) -> Result<SelectStatement> {
        let related = plan_related(self.registry, target, &query.select_related)?;
        let sliced = query.limit.is_some() || query.offset.is_some();
        // The ranked rows are read back through a derived table, whose columns must have
        // distinct names: a joined model's columns are labelled.
        let labelled = sliced && !related.is_empty();
        if labelled {
            self.next_label.set(Some(0));
        }
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
                if labelled {
                    columns.push(" AS ").ident("aksara_link");
                }
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
        let base = JoinEnd {
            alias: scope.alias.clone(),
            inner: true,
        };
        self.related_columns(&mut scope, &mut columns, &related, "", target.index, &base)?;
        self.next_label.set(None);
        let extra = self.where_clause(&mut scope, &query.conditions)?;
        let order = self.order_by(&mut scope, &query.order_by)?;
        let mut inner = Sql::new();
        inner.push("SELECT ").append(columns);
        if sliced {
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
        if !sliced {
            inner.append(order);
            return Ok(SelectStatement {
                sql: inner,
                annotations: Vec::new(),
                related,
                fields: None,
            });
        }
        let rank = |n: u64| Value::I64(i64::try_from(n).unwrap_or(i64::MAX));
        let mut sql = Sql::new();
        sql.push("SELECT * FROM (")
            .append(inner)
            .push(") AS ")
            .ident("ranked")
            .push(" WHERE ");
        let offset = query.offset.unwrap_or(0);
        if let Some(limit) = query.limit {
            sql.ident("aksara_rank")
                .push(" <= ")
                .bind(rank(offset.saturating_add(limit)), None);
        }
        if query.offset.is_some() {
            if query.limit.is_some() {
                sql.push(" AND ");
            }
            sql.ident("aksara_rank")
                .push(" > ")
                .bind(rank(offset), None);
        }
        sql.push(" ORDER BY ").ident("aksara_rank");
        Ok(SelectStatement {
            sql,
            annotations: Vec::new(),
            related,
            fields: None,
        })
    }
}
