//! Aggregates over relations: [`Count`], [`Sum`], [`Avg`], [`Min`], [`Max`], for
//! `annotate` (one value per row) and `aggregate` (totals over the rows).

use super::Condition;

/// What an [`Aggregate`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFn {
    /// The number of related rows (or non-NULL values).
    Count,
    /// Their sum (NULL when there are none).
    Sum,
    /// Their mean, as a float (NULL when there are none).
    Avg,
    /// The smallest (NULL when there are none).
    Min,
    /// The largest (NULL when there are none).
    Max,
}

impl AggregateFn {
    /// The SQL function's name.
    pub fn sql(self) -> &'static str {
        match self {
            AggregateFn::Count => "COUNT",
            AggregateFn::Sum => "SUM",
            AggregateFn::Avg => "AVG",
            AggregateFn::Min => "MIN",
            AggregateFn::Max => "MAX",
        }
    }
}

/// An aggregate over the rows a path reaches from each row: `Count::of("posts")` (the posts
/// of each author), `Sum::of("posts__views")`, `Count::distinct("posts__tags")` (many-to-many
/// paths too), optionally only over related rows matching a condition, whose paths start at
/// the annotated model (`Count::of("posts").filter(q!(posts__published = true))`, as in
/// Django).
///
/// ```
/// use aksara::{q, Count, Sum};
/// let published = Count::of("posts").filter(q!(posts__published = true));
/// let views = Sum::of("posts__views");
/// assert_eq!(published.path, "posts");
/// assert!(!views.distinct);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// What it computes.
    pub function: AggregateFn,
    /// The path from the model to the values: a field (`views`, `posts__views`), or a
    /// relation, whose rows are counted by key (`posts`, `posts__tags`).
    pub path: String,
    /// Over distinct values only.
    pub distinct: bool,
    /// Only the related rows matching this condition (paths from the annotated model).
    pub condition: Option<Condition>,
}

impl Aggregate {
    fn new(function: AggregateFn, path: impl Into<String>) -> Self {
        Aggregate {
            function,
            path: path.into(),
            distinct: false,
            condition: None,
        }
    }

    /// Only over the rows matching `condition` (Django's `Count("posts", filter=Q(..))`);
    /// several calls combine with AND.
    pub fn filter(mut self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        self.condition = Some(match self.condition.take() {
            Some(earlier) => earlier & condition,
            None => condition,
        });
        self
    }
}

macro_rules! aggregate_fn {
    ($name:ident, $fn:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl $name {
            /// Over the values (or related rows) at `path`.
            pub fn of(path: impl Into<String>) -> Aggregate {
                Aggregate::new(AggregateFn::$fn, path)
            }

            /// Over the distinct values (or distinct related rows) at `path`.
            pub fn distinct(path: impl Into<String>) -> Aggregate {
                Aggregate {
                    distinct: true,
                    ..Aggregate::new(AggregateFn::$fn, path)
                }
            }
        }
    };
}

aggregate_fn!(
    Count,
    Count,
    "`COUNT`: the number of related rows, or of non-NULL values; 0 when there are none."
);
aggregate_fn!(
    Sum,
    Sum,
    "`SUM`: a 64-bit integer for integer fields, a float otherwise; NULL when there are none."
);
aggregate_fn!(
    Avg,
    Avg,
    "`AVG`: the mean as a float; NULL when there are none."
);
aggregate_fn!(
    Min,
    Min,
    "`MIN`: the smallest value, of the field's type; NULL when there are none."
);
aggregate_fn!(
    Max,
    Max,
    "`MAX`: the largest value, of the field's type; NULL when there are none."
);
