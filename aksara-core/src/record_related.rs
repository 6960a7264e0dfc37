//! [`Record::related`]: following a relation of a [`Record`] as a query set.
//!
//! Kept apart from [`crate::record`] so that the record, which the query set decodes rows
//! into, does not import the query set back.

use crate::error::Result;
use crate::manager::QuerySet;
use crate::record::Record;

impl Record {
    /// The rows related to this one through `relation` (a forward relation, a reverse one or a
    /// many-to-many, by lookup or accessor name), as a query set to filter, order and page.
    ///
    /// # Errors
    /// [`Error::UnknownField`](crate::Error::UnknownField) when the model has no such
    /// relation; [`Error::Config`](crate::Error::Config) when the relation cannot be followed
    /// (a key column is missing).
    pub fn related(&self, relation: &str) -> Result<QuerySet<Record>> {
        let (target, condition) = self.related_filter(relation)?;
        Ok(QuerySet::<Record>::of(target.meta.name.clone()).filter(condition))
    }
}
