//! `values(..)`: rows of chosen field paths instead of models, grouped by them when
//! annotated (`Post::objects().values(["author__name"]).annotate("n", Count::of("id"))`).
//! See the compiler's `values` module for the SQL and the one refusal.

use crate::annotate::{split_computed, Annotated};
use crate::compile::{ComputedColumn, RelatedPlan};
use crate::db::{Db, Row};
use crate::error::{Error, Result};
use crate::manager::QuerySet;
use crate::model::Model;
use crate::query::{Annotation, Computed, PrefetchNode};
use crate::queryset::Rows;
use crate::registry::{ModelInfo, Registry};
use std::sync::Arc;

/// A row of a `values(..)` query: each value and annotation by name
/// ([`get`](Annotated::get)).
pub type Values = Annotated<()>;

impl Rows for Values {
    fn model_name(queryset: &QuerySet<Self>) -> &str {
        queryset.model.as_deref().unwrap_or_default()
    }

    fn decode(
        _: &Arc<Registry>,
        info: &ModelInfo,
        mut row: Row,
        _: &[RelatedPlan],
        _: Option<&[usize]>,
        columns: &[ComputedColumn],
    ) -> Result<Self> {
        let values = split_computed(&info.meta.name, &mut row, columns)?;
        Ok(Annotated::from_values(values))
    }

    fn prefetch<'a>(
        _: &'a Db,
        info: &'a ModelInfo,
        _: &'a mut [Self],
        _: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        let message = format!(
            "values() on {}: rows of values have no relations to prefetch",
            info.meta.name
        );
        Box::pin(async move { Err(Error::config(message)) })
    }
}

impl<M: Model> QuerySet<M> {
    /// Rows of these field paths (through any relation: `author__name`, `tags__slug`)
    /// instead of models; with [`annotate`](QuerySet::annotate) after it, one row per
    /// distinct combination of them, each with its aggregates. Conditions naming an
    /// annotation then select groups (SQL's `HAVING`); others select rows before grouping.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Count, Model};
    ///
    /// let per_author = Post::objects()
    ///     .filter(q!(published = true))
    ///     .values(["author__name"])
    ///     .annotate("n", Count::of("id"))
    ///     .filter(q!(n__gte = 2))
    ///     .order_by(["-n"])
    ///     .all(&db)
    ///     .await?;
    /// for row in &per_author {
    ///     println!("{}: {}", row.get::<String>("author__name")?, row.get::<i64>("n")?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn values<P: AsRef<str>>(&self, paths: impl IntoIterator<Item = P>) -> QuerySet<Values> {
        let paths: Vec<String> = paths.into_iter().map(|p| p.as_ref().to_string()).collect();
        let mut qs: QuerySet<Values> = self.retype();
        qs.model = Some(M::meta().name.clone());
        qs.query.values = Some(paths);
        qs
    }
}

impl QuerySet<Values> {
    /// One more aggregate per group of values (see [`QuerySet::values`]).
    pub fn annotate(&self, name: impl Into<String>, value: impl Into<Computed>) -> Self {
        let name = name.into();
        let value = value.into();
        self.with(|q| q.annotations.push(Annotation { name, value }))
    }
}
