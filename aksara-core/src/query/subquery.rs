//! [`Subquery`]: a query used inside another one, as a list of values (`__in`), a scalar
//! value, or a condition (`Condition::exists`). Plain data, no SQL.

use super::Query;

/// A query of `model` used inside another: a `values([..])` query reading one value (for
/// `__in` and annotations), or any query (for [`Condition::exists`](super::Condition::exists)).
/// Its conditions may name the outer row with [`OuterRef`](super::OuterRef).
#[derive(Debug, Clone, PartialEq)]
pub struct Subquery {
    /// The model the subquery reads.
    pub model: String,
    /// Its query.
    pub query: Query,
}
