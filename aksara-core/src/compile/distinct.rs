//! `SELECT DISTINCT` and PostgreSQL's `SELECT DISTINCT ON (...)`.
//!
//! Every join of a query is to-one (to-many paths become `EXISTS`), so a joined column holds
//! one value per row of the model: a term of ORDER BY on a joined column is added to the
//! select list of a `DISTINCT` (PostgreSQL and MySQL 8 refuse to order a `DISTINCT` by a
//! column it does not select) without changing which rows are distinct. The row readers read
//! the model's columns and their `select_related` ones and leave these extra columns unread.

use super::paths::Resolved;
use super::{Compiler, Scope};
use crate::error::{Error, Result};
use crate::query::{Distinct, Lookup, Query};
use crate::sql::Sql;

/// A column an ORDER BY term or a `DISTINCT ON` expression resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OrderColumn {
    pub(super) alias: String,
    pub(super) column: String,
}

impl Compiler<'_> {
    /// Refuses a `DISTINCT ON` where the dialect has none, naming the backend.
    pub(super) fn check_distinct(&self, query: &Query) -> Result<()> {
        if let Distinct::On(fields) = &query.distinct {
            if !self.dialect.supports_distinct_on() {
                return Err(Error::config(format!(
                    "distinct_on({fields:?}) is available on PostgreSQL only: {} has no \
                     SELECT DISTINCT ON; use distinct(), or filter the rows wanted",
                    self.dialect.name()
                )));
            }
            if fields.is_empty() {
                return Err(Error::config("distinct_on needs at least one field"));
            }
        }
        Ok(())
    }

    /// The text after `SELECT` (`DISTINCT `, `DISTINCT ON (t0."a") `) for `query`, with the
    /// ORDER BY columns a DISTINCT must select added to `columns` (those not among
    /// `selected`, the model's own columns as `alias`).
    pub(super) fn distinct_clause(
        &mut self,
        scope: &mut Scope,
        query: &Query,
        order: &[OrderColumn],
        selected: &[&str],
        columns: &mut Sql,
    ) -> Result<Sql> {
        let mut sql = Sql::new();
        let on = match &query.distinct {
            Distinct::All => return Ok(sql),
            Distinct::Rows => None,
            Distinct::On(fields) => {
                self.check_distinct(query)?;
                Some(self.distinct_on_columns(scope, fields, order)?)
            }
        };
        sql.push("DISTINCT ");
        if let Some(on) = on {
            sql.push("ON (");
            for (i, c) in on.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.column(&c.alias, &c.column);
            }
            sql.push(") ");
        }
        for c in order {
            let own = c.alias == scope.alias && selected.contains(&c.column.as_str());
            if !own {
                self.extra_column(columns, &c.alias, &c.column);
            }
        }
        Ok(sql)
    }

    /// The columns of `DISTINCT ON (fields)`, which must also start the ORDER BY (in any
    /// order among themselves), as PostgreSQL requires.
    fn distinct_on_columns(
        &mut self,
        scope: &mut Scope,
        fields: &[String],
        order: &[OrderColumn],
    ) -> Result<Vec<OrderColumn>> {
        let mut on = Vec::with_capacity(fields.len());
        for path in fields {
            let parts: Vec<String> = path.split("__").map(str::to_string).collect();
            match self.resolve(scope, &parts)? {
                Resolved::Column {
                    alias,
                    field,
                    lookup: Lookup::Exact,
                    ..
                } => {
                    let c = OrderColumn {
                        alias,
                        column: field.column,
                    };
                    if !on.contains(&c) {
                        on.push(c);
                    }
                }
                Resolved::Column { .. } => {
                    return Err(Error::config(format!(
                        "distinct_on(\"{path}\"): a lookup cannot be a DISTINCT ON expression"
                    )))
                }
                Resolved::ToMany { edge, .. } => {
                    return Err(Error::config(format!(
                        "distinct_on(\"{path}\"): `{}` is a to-many relation; rows cannot be \
                         made distinct on it",
                        edge.name
                    )))
                }
            }
        }
        if !order.is_empty() {
            let leading = &order[..on.len().min(order.len())];
            let matches = leading.len() == on.len() && on.iter().all(|c| leading.contains(c));
            if !matches {
                return Err(Error::config(format!(
                    "distinct_on({fields:?}) needs the ORDER BY to start with the same fields \
                     (PostgreSQL keeps the first row of each group in that order): \
                     order_by([{}, ...])",
                    fields
                        .iter()
                        .map(|f| format!("\"{f}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        Ok(on)
    }

    /// Appends `alias.column` to a select list (labelled as [`Compiler::columns`] labels).
    fn extra_column(&self, sql: &mut Sql, alias: &str, column: &str) {
        if !sql.is_empty() {
            sql.push(", ");
        }
        sql.column(alias, column);
        if let Some(label) = self.next_label.get() {
            sql.push(" AS ").ident(&format!("c{label}"));
            self.next_label.set(Some(label + 1));
        }
    }
}
