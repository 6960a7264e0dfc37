//! Querysets used inside other queries: `q!(author__in = Author::objects().filter(..)
//! .values(["id"]))`, [`Condition::exists`] with [`OuterRef`](crate::OuterRef) for correlated
//! conditions, and a subquery as an annotation ([`Subquery::of`]).

use crate::manager::QuerySet;
use crate::query::{Comparand, Condition, Expr, Subquery};
use crate::queryset::Rows;
use crate::values::Values;

impl Subquery {
    /// The query of `queryset`, to use inside another query.
    pub fn of<R: Rows>(queryset: &QuerySet<R>) -> Subquery {
        Subquery {
            model: R::model_name(queryset).to_string(),
            query: queryset.query.clone(),
        }
    }
}

/// `path__in = queryset.values(["field"])`: the rows whose `path` is one of the values the
/// subquery reads (one statement; the database runs the subquery).
impl Comparand for QuerySet<Values> {
    fn compare(self, path: String) -> Condition {
        Condition::Compare {
            path,
            rhs: Expr::Subquery(Box::new(Subquery::of(&self))),
        }
    }
}

impl Condition {
    /// Rows for which `queryset` finds some row: `EXISTS (..)`. Its conditions name the row
    /// being tested with [`OuterRef::col`](crate::OuterRef::col); `!Condition::exists(..)` is
    /// "no such row".
    ///
    /// ```
    /// use aksara::demo::{Post, User};
    /// use aksara::{q, Condition, Model, OuterRef};
    ///
    /// let with_published = User::objects().filter(Condition::exists(
    ///     &Post::objects().filter(q!(author = OuterRef::col("id"), published = true)),
    /// ));
    /// assert_eq!(with_published.query().conditions.len(), 1);
    /// ```
    pub fn exists<R: Rows>(queryset: &QuerySet<R>) -> Condition {
        Condition::Exists(Box::new(Subquery::of(queryset)))
    }
}
