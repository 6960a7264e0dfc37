//! The query tree: plain data, no SQL.
//!
//! A [`Query`] says which rows of which model to read or change: conditions, order, slice and
//! which relations to load with the rows. Conditions name fields by path: the string form
//! `"author__email__icontains"` and the typed form `Post::fields().author().email().icontains(..)`
//! build the same [`Condition::Lookup`]. Paths are resolved against the registry when the
//! query is compiled, so an unknown name is reported there, with the closest names.

//!
//! Parts: [`Lookup`] and [`Quantifier`] in `lookup`, [`Condition`] in `condition`, the
//! relations to load in `related`, the row lock, `DISTINCT` and the columns read in `shape`;
//! [`Query`] itself, its order and assignments here.

mod aggregate;
mod condition;
mod expr;
mod lookup;
mod related;
mod shape;
mod subquery;

pub use aggregate::{
    Aggregate, AggregateFunction, AggregatePath, Annotation, Avg, Computed, Count, Max, Min, Sum,
};
pub use condition::{check_depth, Comparand, Condition, MAX_CONDITION_DEPTH, MAX_PATH_LENGTH};
pub use expr::{ArithOp, Expr, OuterRef, F};
pub use lookup::{Lookup, Quantifier};
pub use related::{Prefetch, PrefetchNode, RelatedNode};
pub use shape::{Distinct, FieldSelection, LockWait, RowLock};
pub use subquery::Subquery;

/// One ORDER BY term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    /// The field path (to-one relations only).
    pub path: String,
    /// Descending.
    pub descending: bool,
}

impl OrderBy {
    /// Parses `"title"` or `"-title"` (descending).
    pub fn parse(spec: &str) -> Self {
        match spec.strip_prefix('-') {
            Some(path) => OrderBy {
                path: path.to_string(),
                descending: true,
            },
            None => OrderBy {
                path: spec.to_string(),
                descending: false,
            },
        }
    }
}

impl From<&str> for OrderBy {
    fn from(spec: &str) -> Self {
        OrderBy::parse(spec)
    }
}

impl From<String> for OrderBy {
    fn from(spec: String) -> Self {
        OrderBy::parse(&spec)
    }
}

/// An assignment of a bulk update: `field = value`, or `field = expression` computed by the
/// database from the row's own columns (`("views", F::col("views") + 1)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The field (of the model itself).
    pub field: String,
    /// The new value: a plain value ([`Expr::Value`]) or an expression.
    pub value: Expr,
}

impl<F: Into<String>, V: Into<Expr>> From<(F, V)> for Assignment {
    fn from((field, value): (F, V)) -> Self {
        Assignment {
            field: field.into(),
            value: value.into(),
        }
    }
}

/// Which rows of a model: the data behind a `QuerySet`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// One entry per `filter` / `exclude` call, all combined with AND.
    pub conditions: Vec<Condition>,
    /// ORDER BY terms.
    pub order_by: Vec<OrderBy>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
    /// Relations loaded in the same query.
    pub select_related: Vec<RelatedNode>,
    /// Relations loaded by one extra query per level.
    pub prefetch_related: Vec<PrefetchNode>,
    /// The row lock of `select_for_update` (applies to the rows read by `all`, `get`,
    /// `first` and `in_bulk`; `count` and `exists` do not lock).
    pub lock: Option<RowLock>,
    /// `DISTINCT` or `DISTINCT ON`.
    pub distinct: Distinct,
    /// The model's own fields read (`only` / `defer`); the primary key always is.
    pub fields: FieldSelection,
    /// Values computed for each row (`annotate`), read after the model's columns.
    pub annotations: Vec<Annotation>,
    /// The field paths of `values(..)`: rows become these values (and the annotations),
    /// grouped by them when there are annotations.
    pub values: Option<Vec<String>>,
}
