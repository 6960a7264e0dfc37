//! Keyset pagination and the bounded window of loaded rows.
//!
//! A grid never asks for `OFFSET n`: the next page is the rows that come after the last one
//! shown in the grid's order, written as conditions on the order's columns. With the order
//! `(sort column, key)` and a last row `(v, k)` that is `sort > v OR (sort = v AND key > k)`;
//! NULLs in the sort column are placed where the database puts them (after every value in
//! ascending order on PostgreSQL, before on MySQL and SQLite). The page before the first row
//! shown is the same with every direction flipped, read in reverse and turned around. Each
//! page is then one indexed range scan however deep it is, so the millionth row costs what the
//! first does.
//!
//! Tables without a key (and sorts on a column whose values the engine cannot bind for
//! comparison) fall back to `OFFSET` paging, which is still correct, only slower deep down.
//!
//! The grid keeps at most a few pages in a [`Window`]: scrolling past its end loads the next
//! page and drops the first, so memory stays flat however far one scrolls.

use aksara::{Condition, QuerySet, Record, Value};
use std::collections::VecDeque;

/// One ORDER BY term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerm {
    /// The lookup path of the column.
    pub path: String,
    /// Descending.
    pub descending: bool,
    /// The column may hold NULLs (key columns never do).
    pub nullable: bool,
}

impl OrderTerm {
    /// An ascending term on a column without NULLs.
    pub fn asc(path: impl Into<String>) -> Self {
        OrderTerm {
            path: path.into(),
            descending: false,
            nullable: false,
        }
    }

    /// The same term on a column that may hold NULLs.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    fn spec(&self, reversed: bool) -> String {
        if self.descending != reversed {
            format!("-{}", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// The first rows.
    First,
    /// The last rows.
    Last,
    /// The rows after the row whose order values are these.
    After(Vec<Value>),
    /// The rows before the row whose order values are these.
    Before(Vec<Value>),
    /// The rows from this position on (OFFSET paging).
    Offset(u64),
}

/// A page to read: which rows, in which order, from where.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSpec {
    /// The model.
    pub model: String,
    /// The link to a parent row and the user's filters.
    pub conditions: Vec<Condition>,
    /// The order; for keyset paging it ends with the key, so it is total.
    pub order: Vec<OrderTerm>,
    /// True for keyset paging, false for OFFSET paging.
    pub keyset: bool,
    /// Where NULLs sort (see [`crate::catalog::Catalog::nulls_high`]).
    pub nulls_high: bool,
    /// Where the page starts.
    pub start: Start,
    /// The most rows to read.
    pub limit: u64,
}

impl PageSpec {
    /// The query for the page, and whether its rows come back in reverse order (pages read
    /// backwards, which the caller turns around).
    pub fn queryset(&self) -> (QuerySet<Record>, bool) {
        let mut qs = QuerySet::<Record>::of(self.model.clone());
        for c in &self.conditions {
            qs = qs.filter(c.clone());
        }
        let reversed = matches!(self.start, Start::Last | Start::Before(_));
        match &self.start {
            Start::After(values) | Start::Before(values) if self.keyset => {
                qs = qs.filter(after(&self.order, values, self.nulls_high, reversed));
            }
            Start::Offset(n) if *n > 0 => qs = qs.offset(*n),
            _ => {}
        }
        if !self.order.is_empty() {
            qs = qs.order_by(self.order.iter().map(|t| t.spec(reversed)));
        }
        (qs.limit(self.limit), reversed)
    }
}

/// The condition "comes after the row whose order values are `values`" in the order `order`
/// (read backwards when `backwards`): a lexicographic comparison spelled with the engine's
/// lookups, NULLs placed as the database places them.
pub fn after(
    order: &[OrderTerm],
    values: &[Value],
    nulls_high: bool,
    backwards: bool,
) -> Condition {
    let mut any = Vec::new();
    for (i, term) in order.iter().enumerate() {
        let Some(value) = values.get(i) else { break };
        let ascending = term.descending == backwards;
        // Do NULLs come after every value, in the order as read?
        let nulls_after = term.nullable && nulls_high == ascending;
        let step = if value.is_null() {
            if nulls_after {
                None
            } else {
                Some(Condition::new(format!("{}__isnull", term.path), false))
            }
        } else {
            let op = if ascending { "gt" } else { "lt" };
            let beyond = Condition::new(format!("{}__{op}", term.path), value.clone());
            if nulls_after {
                Some(Condition::Or(vec![
                    beyond,
                    Condition::new(format!("{}__isnull", term.path), true),
                ]))
            } else {
                Some(beyond)
            }
        };
        if let Some(step) = step {
            let mut all: Vec<Condition> = order[..i]
                .iter()
                .zip(values)
                .map(|(t, v)| equal(&t.path, v))
                .collect();
            all.push(step);
            any.push(if all.len() == 1 {
                all.pop().expect("one")
            } else {
                Condition::And(all)
            });
        }
    }
    Condition::Or(any)
}

fn equal(path: &str, value: &Value) -> Condition {
    if value.is_null() {
        Condition::new(format!("{path}__isnull"), true)
    } else {
        Condition::new(path.to_string(), value.clone())
    }
}

/// The loaded rows of a grid: a few consecutive pages of the result, never more than
/// `max_rows`.
#[derive(Debug, Clone)]
pub struct Window {
    rows: VecDeque<Record>,
    /// The rows include the first row of the result.
    pub at_start: bool,
    /// The rows include the last row of the result.
    pub at_end: bool,
    /// The position of the first row in the whole result, when known.
    pub first_index: Option<u64>,
    max_rows: usize,
}

impl Window {
    /// An empty window holding at most `max_rows`.
    pub fn new(max_rows: usize) -> Self {
        Window {
            rows: VecDeque::new(),
            at_start: false,
            at_end: false,
            first_index: None,
            max_rows: max_rows.max(1),
        }
    }

    /// The rows held.
    pub fn rows(&self) -> &VecDeque<Record> {
        &self.rows
    }

    /// How many rows are held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no row is held.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row at `index` in the window.
    pub fn get(&self, index: usize) -> Option<&Record> {
        self.rows.get(index)
    }

    /// The most rows held.
    pub fn max_rows(&self) -> usize {
        self.max_rows
    }

    /// Replaces the rows (a fresh load from the start, the end or a position).
    pub fn replace(
        &mut self,
        rows: Vec<Record>,
        at_start: bool,
        at_end: bool,
        first_index: Option<u64>,
    ) {
        self.rows = rows.into();
        self.at_start = at_start;
        self.at_end = at_end;
        self.first_index = first_index;
    }

    /// Adds a page after the last row; drops rows from the front past the limit and returns
    /// how many were dropped.
    pub fn append(&mut self, rows: Vec<Record>, at_end: bool) -> usize {
        self.rows.extend(rows);
        self.at_end = at_end;
        let excess = self.rows.len().saturating_sub(self.max_rows);
        if excess > 0 {
            self.rows.drain(..excess);
            self.at_start = false;
            self.first_index = self.first_index.map(|i| i + excess as u64);
        }
        excess
    }

    /// Adds a page before the first row (in order); drops rows from the back past the limit.
    /// Returns how many rows were added.
    pub fn prepend(&mut self, rows: Vec<Record>, at_start: bool) -> usize {
        let added = rows.len();
        for r in rows.into_iter().rev() {
            self.rows.push_front(r);
        }
        self.at_start = at_start;
        self.first_index = match (self.first_index, at_start) {
            (_, true) => Some(0),
            (Some(i), false) => Some(i.saturating_sub(added as u64)),
            (None, false) => None,
        };
        let excess = self.rows.len().saturating_sub(self.max_rows);
        if excess > 0 {
            self.rows.truncate(self.max_rows);
            self.at_end = false;
        }
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(path: &str, value: impl Into<Value>) -> Condition {
        Condition::new(path, value)
    }

    #[test]
    fn keyset_on_the_key_alone() {
        let order = [OrderTerm::asc("id")];
        let c = after(&order, &[Value::I64(10)], true, false);
        assert_eq!(c, Condition::Or(vec![lookup("id__gt", 10i64)]));
        let back = after(&order, &[Value::I64(10)], true, true);
        assert_eq!(back, Condition::Or(vec![lookup("id__lt", 10i64)]));
    }

    #[test]
    fn keyset_on_sort_then_key_places_nulls() {
        let order = [OrderTerm::asc("name").nullable(), OrderTerm::asc("id")];
        // PostgreSQL: NULLs after every value in ascending order.
        let c = after(&order, &[Value::from("b"), Value::I64(3)], true, false);
        assert_eq!(
            c,
            Condition::Or(vec![
                Condition::Or(vec![lookup("name__gt", "b"), lookup("name__isnull", true)]),
                Condition::And(vec![lookup("name", "b"), lookup("id__gt", 3i64)]),
            ])
        );
        // SQLite / MySQL: NULLs first, so after a non-NULL value no NULL follows.
        let c = after(&order, &[Value::from("b"), Value::I64(3)], false, false);
        assert_eq!(
            c,
            Condition::Or(vec![
                lookup("name__gt", "b"),
                Condition::And(vec![lookup("name", "b"), lookup("id__gt", 3i64)]),
            ])
        );
        // After a NULL on SQLite: the other NULLs with a greater key, then every value.
        let c = after(&order, &[Value::Null, Value::I64(3)], false, false);
        assert_eq!(
            c,
            Condition::Or(vec![
                lookup("name__isnull", false),
                Condition::And(vec![lookup("name__isnull", true), lookup("id__gt", 3i64)]),
            ])
        );
        // After a NULL on PostgreSQL: only NULLs with a greater key.
        let c = after(&order, &[Value::Null, Value::I64(3)], true, false);
        assert_eq!(
            c,
            Condition::Or(vec![Condition::And(vec![
                lookup("name__isnull", true),
                lookup("id__gt", 3i64)
            ])])
        );
    }

    #[test]
    fn descending_flips_the_comparison() {
        let order = [
            OrderTerm {
                path: "n".into(),
                descending: true,
                nullable: true,
            },
            OrderTerm {
                path: "id".into(),
                descending: true,
                nullable: false,
            },
        ];
        let c = after(&order, &[Value::I64(5), Value::I64(1)], false, false);
        // Descending on SQLite: NULLs last, so they follow every value.
        assert_eq!(
            c,
            Condition::Or(vec![
                Condition::Or(vec![lookup("n__lt", 5i64), lookup("n__isnull", true)]),
                Condition::And(vec![lookup("n", 5i64), lookup("id__lt", 1i64)]),
            ])
        );
    }

    #[test]
    fn pages_read_backwards_are_reversed_queries() {
        let spec = PageSpec {
            model: "Track".into(),
            conditions: vec![],
            order: vec![OrderTerm::asc("TrackId")],
            keyset: true,
            nulls_high: true,
            start: Start::Before(vec![Value::I32(100)]),
            limit: 50,
        };
        let (qs, reversed) = spec.queryset();
        assert!(reversed);
        assert!(qs.query().order_by[0].descending);
        assert_eq!(qs.query().limit, Some(50));
        assert_eq!(
            qs.query().conditions,
            vec![Condition::Or(vec![lookup("TrackId__lt", 100)])]
        );
    }
}
