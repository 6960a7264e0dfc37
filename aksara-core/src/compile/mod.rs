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

mod aggregates;
mod checks;
mod columns;
mod conditions;
mod distinct;
mod exprs;
mod foreign_keys;
mod grouping;
mod insert;
mod keyset;
mod locking;
mod lookups;
mod paths;
mod prefetch;
mod related;
mod select;
mod subquery;
mod tree;
mod values;
mod writes;

pub use aggregates::ComputedColumn;
pub use checks::{check_range, check_value, coerce_for, escape_like, is_to_one};
pub use columns::selected_fields;
pub use insert::{Conflict, InsertOptions, OnDuplicate};
pub use keyset::BatchStatement;
pub use lookups::{in_list_limit, BINDS_FOR_THE_REST};
pub use prefetch::PrefetchLink;
pub use related::{plan_related, RelatedPlan, SelectStatement};

use crate::dialect::Dialect;
use crate::registry::Registry;
use crate::sql::Sql;

/// Compiles queries on the models of one registry for one dialect.
pub struct Compiler<'a> {
    registry: &'a Registry,
    dialect: &'a dyn Dialect,
    next_alias: usize,
    /// When set, each selected column gets the label `c0`, `c1`, ... (a derived table may
    /// not repeat a column name on MySQL), counting from this number.
    next_label: std::cell::Cell<Option<usize>>,
    /// The annotated table of the query being compiled, if it has annotations.
    annotated: Option<aggregates::AnnotatedTable>,
    /// The rows of the queries around the subquery being compiled, innermost last: their
    /// model and alias, for `OuterRef`.
    outer: Vec<(usize, String)>,
}

/// A to-one join of a scope, shared by every path that walks `path`.
struct Join {
    path: String,
    alias: String,
    inner: bool,
    /// A to-many relation joined (inside an aggregate), walked by paths through it.
    many: bool,
    clause: Sql,
}

/// Where a join ends: the joined table's alias, and whether every join on the way to it is
/// INNER (a LEFT join makes every join after it LEFT too).
struct JoinEnd {
    alias: String,
    inner: bool,
}

/// The rows one SELECT (or subquery) reads: its model, alias and joins so far.
struct Scope {
    model: usize,
    alias: String,
    joins: Vec<Join>,
}

impl<'a> Compiler<'a> {
    /// A compiler for `registry` writing `dialect`.
    pub fn new(registry: &'a Registry, dialect: &'a dyn Dialect) -> Self {
        Compiler {
            registry,
            dialect,
            next_alias: 0,
            next_label: std::cell::Cell::new(None),
            annotated: None,
            outer: Vec::new(),
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
}
