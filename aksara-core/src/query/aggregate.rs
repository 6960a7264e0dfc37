//! Aggregates: [`Count`], [`Sum`], [`Avg`], [`Min`] and [`Max`] over a field path that may
//! cross any relation (`posts`, `posts__views`, `posts__tags`), optionally counting distinct
//! values or only the related rows matching a condition. Plain data, no SQL.

use super::{Condition, Subquery};

/// The aggregate function of an [`Aggregate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunction {
    /// The number of non-NULL values (of rows, for a relation).
    Count,
    /// The sum (NULL, read as `None`, over no row).
    Sum,
    /// The mean (NULL over no row).
    Avg,
    /// The least value (NULL over no row).
    Min,
    /// The greatest value (NULL over no row).
    Max,
}

impl AggregateFunction {
    /// The SQL function's name.
    pub fn sql(self) -> &'static str {
        match self {
            AggregateFunction::Count => "COUNT",
            AggregateFunction::Sum => "SUM",
            AggregateFunction::Avg => "AVG",
            AggregateFunction::Min => "MIN",
            AggregateFunction::Max => "MAX",
        }
    }

    /// The name used in messages (`Count`).
    pub fn name(self) -> &'static str {
        match self {
            AggregateFunction::Count => "Count",
            AggregateFunction::Sum => "Sum",
            AggregateFunction::Avg => "Avg",
            AggregateFunction::Min => "Min",
            AggregateFunction::Max => "Max",
        }
    }

    /// True when the result depends on how often a value repeats (a row counted twice
    /// changes a count, a sum and a mean, not a least or greatest value).
    pub fn counts_repeats(self) -> bool {
        matches!(
            self,
            AggregateFunction::Count | AggregateFunction::Sum | AggregateFunction::Avg
        )
    }
}

/// An aggregate over the values at `path`, as the model's rows reach them.
///
/// ```
/// use aksara::{q, Count, Sum};
///
/// let posts = Count::of("posts");
/// let tags = Count::distinct("posts__tags");
/// let published = Count::of("posts").filter(q!(posts__published = true));
/// let views = Sum::of("posts__views");
/// assert_eq!(published.path, "posts");
/// assert!(tags.distinct && !posts.distinct && views.filter.is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The function.
    pub function: AggregateFunction,
    /// The field path (`posts__views`), or a relation (`posts`: its related rows, by key).
    pub path: String,
    /// Each distinct value once (`COUNT(DISTINCT ...)`).
    pub distinct: bool,
    /// Only the rows matching this condition, written from the model queried
    /// (`posts__published = true`).
    pub filter: Option<Condition>,
}

/// What an aggregate may be over: a string path (`"posts__views"`), a typed field
/// (`Post::fields().views()`, `Author::fields().posts().views()`) or a typed relation
/// (`Author::fields().posts()`: its related rows).
pub trait AggregatePath {
    /// The path in string form.
    fn into_path(self) -> String;
}

impl AggregatePath for &str {
    fn into_path(self) -> String {
        self.to_string()
    }
}

impl AggregatePath for String {
    fn into_path(self) -> String {
        self
    }
}

impl AggregatePath for &String {
    fn into_path(self) -> String {
        self.clone()
    }
}

impl Aggregate {
    fn new(function: AggregateFunction, path: impl AggregatePath) -> Aggregate {
        Aggregate {
            function,
            path: path.into_path(),
            distinct: false,
            filter: None,
        }
    }

    /// Only the values of the rows matching `condition` (paths written from the model
    /// queried): conditional aggregation.
    pub fn filter(mut self, condition: impl Into<Condition>) -> Aggregate {
        self.filter = Some(condition.into());
        self
    }

    /// Each distinct value once.
    pub fn distinct(mut self) -> Aggregate {
        self.distinct = true;
        self
    }

    /// How the aggregate reads in messages: `Count("posts")`.
    pub fn describe(&self) -> String {
        let distinct = if self.distinct { ", distinct" } else { "" };
        format!("{}(\"{}\"{distinct})", self.function.name(), self.path)
    }
}

macro_rules! aggregate_builder {
    ($(#[$doc:meta] $name:ident => $function:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl $name {
            /// Over the values at `path` (a field, through any relation, or a relation itself;
            /// a string or a typed path).
            pub fn of(path: impl AggregatePath) -> Aggregate {
                Aggregate::new(AggregateFunction::$function, path)
            }

            /// Over the distinct values at `path`.
            pub fn distinct(path: impl AggregatePath) -> Aggregate {
                Aggregate::new(AggregateFunction::$function, path).distinct()
            }
        }
    )*};
}

aggregate_builder! {
    /// `COUNT`: `Count::of("posts")` is the number of related posts, `0` when there is none.
    Count => Count,
    /// `SUM`: `Sum::of("posts__views")`; `None` when there is no row.
    Sum => Sum,
    /// `AVG`, read as `f64`; `None` when there is no row.
    Avg => Avg,
    /// `MIN`, read as the field's own type; `None` when there is no row.
    Min => Min,
    /// `MAX`, read as the field's own type; `None` when there is no row.
    Max => Max,
}

/// What an annotation computes: an aggregate, or a subquery reading one value for each row.
#[derive(Debug, Clone, PartialEq)]
pub enum Computed {
    /// An aggregate over a path.
    Aggregate(Aggregate),
    /// A subquery reading one value (its conditions name the row with `OuterRef`).
    Subquery(Subquery),
}

impl Computed {
    /// How it reads in messages.
    pub fn describe(&self) -> String {
        match self {
            Computed::Aggregate(a) => a.describe(),
            Computed::Subquery(s) => format!("Subquery({})", s.model),
        }
    }
}

impl From<Aggregate> for Computed {
    fn from(a: Aggregate) -> Self {
        Computed::Aggregate(a)
    }
}

impl From<Subquery> for Computed {
    fn from(s: Subquery) -> Self {
        Computed::Subquery(s)
    }
}

/// A named value of `annotate` / `aggregate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The name it is read and filtered by.
    pub name: String,
    /// What it computes.
    pub value: Computed,
}
