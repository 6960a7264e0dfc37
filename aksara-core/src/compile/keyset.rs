//! Keyset batches, the SELECTs behind [`QuerySet::stream`](crate::QuerySet::stream): the
//! query's own order made total by the primary key, each batch starting after the last row of
//! the one before.
//!
//! A batch is the query's SELECT (its columns, its `select_related` joins, its conditions) with
//! the order's columns that are not the model's own appended to every row, ordered by the
//! query's terms and then the key, and, after the first batch, one more condition: "comes after the row whose
//! order values are these". With the order `(a, key)` and a last row `(x, k)` that is
//! `a > x OR (a = x AND key > k)`, plus `a >= x` beside it so that an index on `a` is read as
//! a range; a descending term compares with `<`. NULLs are placed where the database puts
//! them ([`Dialect::nulls_sort_first`](crate::Dialect::nulls_sort_first): after every value in
//! ascending order on PostgreSQL, before it on MySQL and SQLite), so a nullable column (or a
//! column reached through a LEFT JOIN) is ordered exactly as `all()` orders it. Every value is
//! a bind parameter, compiled by the same lookups as a `filter`.

use super::paths::Resolved;
use super::related::{plan_related, SelectStatement};
use super::{Compiler, JoinEnd, Scope};
use crate::error::{Error, Result};
use crate::query::{Condition, Lookup, OrderBy, Query};
use crate::registry::ModelInfo;
use crate::sql::Sql;
use crate::value::Value;

/// One batch of a keyset read: the SELECT, and where in each of its rows the order's values
/// are.
#[derive(Debug, Clone)]
pub struct BatchStatement {
    /// The statement, and the plan of its `select_related` columns.
    pub select: SelectStatement,
    /// The columns of a row holding the values the next batch starts after, one per order
    /// term, the primary key last (unless the order already reached it): a column of the
    /// model's own where the term is one, else one appended after the model's and the related
    /// rows' columns.
    pub keys: Vec<usize>,
    /// How many columns the model and its related rows take, before the appended ones.
    pub width: usize,
}

/// One term of a keyset order, resolved.
#[derive(Debug, Clone)]
struct KeysetTerm {
    path: String,
    descending: bool,
    /// The column may hold NULLs, or is reached through a LEFT JOIN.
    nullable: bool,
}

impl Compiler<'_> {
    /// The SELECT of one batch of `query` on `model`: at most `limit` rows (the query's own
    /// `limit` and `offset` are not read; the caller passes what is left of them), after the
    /// row whose order values are `after` (`None` for the first batch).
    ///
    /// # Errors
    /// [`Error::Config`] when the model has no primary key, or an order term's column holds
    /// values that cannot be compared again on this backend (JSON, and the types
    /// [`Dialect::keyset_comparable`](crate::Dialect::keyset_comparable) refuses), naming the
    /// field; the errors of `all()` for bad paths.
    pub fn select_batch(
        &mut self,
        model: &ModelInfo,
        query: &Query,
        after: Option<&[Value]>,
        limit: u64,
        offset: Option<u64>,
    ) -> Result<BatchStatement> {
        let pk = model.meta.try_pk().ok_or_else(|| {
            Error::config(format!(
                "stream() reads {} in keyset batches and needs a primary key to order by; it has none",
                model.meta.name
            ))
        })?;
        let related = plan_related(self.registry, model, &query.select_related)?;
        let mut scope = self.scope(model.index);
        let mut columns = Sql::new();
        self.columns(&mut columns, &scope.alias, &model.meta);
        let base = JoinEnd {
            alias: scope.alias.clone(),
            inner: true,
        };
        self.related_columns(&mut scope, &mut columns, &related, "", model.index, &base)?;
        let width = model.meta.concrete_fields().count()
            + related.iter().map(|r| r.total_width).sum::<usize>();
        let mut keys = Vec::with_capacity(query.order_by.len() + 1);
        // A column of the model's own is read where it already is; any other is appended.
        let mut key_column = |columns: &mut Sql, alias: &str, column: &str, own: bool| {
            let position = own
                .then(|| {
                    model
                        .meta
                        .concrete_fields()
                        .position(|f| f.column == column)
                })
                .flatten();
            keys.push(position.unwrap_or_else(|| {
                columns.push(", ").column(alias, column);
                width + keys.iter().filter(|&&k| k >= width).count()
            }));
        };
        // The query's own ORDER BY, for its errors (a to-many path, a lookup).
        self.order_by(&mut scope, &query.order_by)?;
        let mut terms = Vec::with_capacity(query.order_by.len() + 1);
        let mut total = false;
        for term in &query.order_by {
            let parts: Vec<String> = term.path.split("__").map(str::to_string).collect();
            let Resolved::Column {
                alias,
                model: owner,
                field,
                lookup: Lookup::Exact,
            } = self.resolve(&mut scope, &parts)?
            else {
                unreachable!("order_by accepted the path");
            };
            if !self.dialect.keyset_comparable(&field.kind) {
                return Err(Error::config(format!(
                    "stream() cannot order by {}.{} (order_by(\"{}\")): {} values read back do not \
                     compare as {} stores them; order by another field",
                    self.registry.at(owner).meta.name,
                    field.name,
                    term.path,
                    field.kind.describe(),
                    self.dialect.name(),
                )));
            }
            let nullable = field.nullable || !joined_inner(&scope, &alias);
            key_column(&mut columns, &alias, &field.column, alias == scope.alias);
            terms.push(KeysetTerm {
                path: term.path.clone(),
                descending: term.descending,
                nullable,
            });
            // Terms after the key cannot change the order.
            if alias == scope.alias && field.column == pk.column {
                total = true;
                break;
            }
        }
        if !total {
            key_column(&mut columns, &scope.alias, &pk.column, true);
            terms.push(KeysetTerm {
                path: pk.name.clone(),
                descending: false,
                nullable: false,
            });
        }
        let mut conditions;
        let conditions = match after {
            None => &query.conditions,
            Some(values) => {
                conditions = query.conditions.clone();
                let nulls_high = !self.dialect.nulls_sort_first();
                conditions.extend(after_conditions(&terms, values, nulls_high)?);
                &conditions
            }
        };
        let where_sql = self.where_clause(&mut scope, conditions)?;
        let order_terms: Vec<OrderBy> = terms
            .iter()
            .map(|t| OrderBy {
                path: t.path.clone(),
                descending: t.descending,
            })
            .collect();
        let order = self.order_by(&mut scope, &order_terms)?;
        let mut sql = Sql::new();
        sql.push("SELECT ").append(columns);
        self.from(&mut sql, &scope);
        sql.append(where_sql).append(order);
        self.slice(&mut sql, Some(limit), offset);
        Ok(BatchStatement {
            select: SelectStatement {
                sql,
                annotations: Vec::new(),
                related,
                fields: None,
            },
            keys,
            width,
        })
    }
}

/// True when the table at `alias` is the scope's own or reached by INNER joins only.
fn joined_inner(scope: &Scope, alias: &str) -> bool {
    alias == scope.alias
        || scope
            .joins
            .iter()
            .find(|j| j.alias == alias)
            .is_none_or(|j| j.inner)
}

/// The conditions "comes after the row whose order values are `values`" in the order `terms`
/// (where `nulls_high` says whether NULLs sort after every value in ascending order): the
/// lexicographic comparison, and beside it a range on the first term where it has no NULLs.
fn after_conditions(
    terms: &[KeysetTerm],
    values: &[Value],
    nulls_high: bool,
) -> Result<Vec<Condition>> {
    if values.len() != terms.len() {
        return Err(Error::database(format!(
            "a keyset batch read {} order values where the order has {} terms",
            values.len(),
            terms.len()
        )));
    }
    let mut any = Vec::with_capacity(terms.len());
    for (i, (term, value)) in terms.iter().zip(values).enumerate() {
        let op = if term.descending { "lt" } else { "gt" };
        // Do NULLs come after every value in this term's direction?
        let nulls_after = term.nullable && nulls_high != term.descending;
        let step = match (value.is_null(), nulls_after) {
            // After NULL, where NULLs come last: nothing differs in this term.
            (true, true) => None,
            (true, false) => Some(Condition::new(format!("{}__isnull", term.path), false)),
            (false, true) => Some(Condition::Or(vec![
                Condition::new(format!("{}__{op}", term.path), value.clone()),
                Condition::new(format!("{}__isnull", term.path), true),
            ])),
            (false, false) => Some(Condition::new(
                format!("{}__{op}", term.path),
                value.clone(),
            )),
        };
        let Some(step) = step else { continue };
        let mut all: Vec<Condition> = terms[..i]
            .iter()
            .zip(values)
            .map(|(t, v)| equal(&t.path, v))
            .collect();
        all.push(step);
        any.push(if all.len() == 1 {
            all.pop().expect("one condition")
        } else {
            Condition::And(all)
        });
    }
    let mut out = Vec::with_capacity(2);
    // `a >= x` (`<=` descending) says nothing new but lets the database read an index on the
    // first term as a range.
    if let (Some(first), Some(value)) = (terms.first(), values.first()) {
        if terms.len() > 1 && !first.nullable && !value.is_null() {
            let op = if first.descending { "lte" } else { "gte" };
            out.push(Condition::new(
                format!("{}__{op}", first.path),
                value.clone(),
            ));
        }
    }
    out.push(Condition::Or(any));
    Ok(out)
}

fn equal(path: &str, value: &Value) -> Condition {
    if value.is_null() {
        Condition::new(format!("{path}__isnull"), true)
    } else {
        Condition::new(path.to_string(), value.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(path: &str, descending: bool, nullable: bool) -> KeysetTerm {
        KeysetTerm {
            path: path.into(),
            descending,
            nullable,
        }
    }

    #[test]
    fn key_alone_is_one_comparison() {
        let c = after_conditions(&[term("id", false, false)], &[Value::I64(7)], false).unwrap();
        assert_eq!(c, vec![Condition::Or(vec![Condition::new("id__gt", 7i64)])]);
    }

    #[test]
    fn descending_term_then_key_with_a_range() {
        let c = after_conditions(
            &[term("score", true, false), term("id", false, false)],
            &[Value::I64(3), Value::I64(9)],
            false,
        )
        .unwrap();
        assert_eq!(c[0], Condition::new("score__lte", 3i64));
        assert_eq!(
            c[1],
            Condition::Or(vec![
                Condition::new("score__lt", 3i64),
                Condition::And(vec![
                    Condition::new("score", 3i64),
                    Condition::new("id__gt", 9i64)
                ]),
            ])
        );
    }

    #[test]
    fn nulls_are_placed_as_the_database_places_them() {
        let terms = [term("note", false, true), term("id", false, false)];
        // NULLs last (PostgreSQL, ascending): after a value come greater values and NULLs;
        // after a NULL only greater keys among the NULLs.
        let c =
            after_conditions(&terms, &[Value::String("m".into()), Value::I64(1)], true).unwrap();
        assert_eq!(c.len(), 1, "no range on a nullable term");
        let Condition::Or(any) = &c[0] else { panic!() };
        assert_eq!(
            any[0],
            Condition::Or(vec![
                Condition::new("note__gt", "m"),
                Condition::new("note__isnull", true)
            ])
        );
        let c = after_conditions(&terms, &[Value::Null, Value::I64(1)], true).unwrap();
        assert_eq!(
            c[0],
            Condition::Or(vec![Condition::And(vec![
                Condition::new("note__isnull", true),
                Condition::new("id__gt", 1i64)
            ])])
        );
        // NULLs first (MySQL, SQLite, ascending): after a NULL come every value.
        let c = after_conditions(&terms, &[Value::Null, Value::I64(1)], false).unwrap();
        let Condition::Or(any) = &c[0] else { panic!() };
        assert_eq!(any[0], Condition::new("note__isnull", false));
    }
}
