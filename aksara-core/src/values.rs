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
use crate::typed_row::FromRow;
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

/// A `values(..)` query read into a struct with `#[derive(aksara::Row)]`
/// ([`QuerySet::values_as`]): each field takes the value or annotation of its name.
pub struct ValuesAs<T> {
    queryset: QuerySet<Values>,
    _row: std::marker::PhantomData<fn() -> T>,
}

impl<T> Clone for ValuesAs<T> {
    fn clone(&self) -> Self {
        ValuesAs {
            queryset: self.queryset.clone(),
            _row: std::marker::PhantomData,
        }
    }
}

impl QuerySet<Values> {
    /// The rows read into `T`, a struct with `#[derive(aksara::Row)]` whose fields are named
    /// as the values and annotations (`author__name`, `n`), in any order; each value is
    /// converted by its field's Rust type, so text is a `String` on every backend.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::{Count, Model};
    ///
    /// #[derive(aksara::Row, Debug)]
    /// struct TagCount {
    ///     slug: String,
    ///     n: i64,
    /// }
    ///
    /// let counts: Vec<TagCount> = Tag::objects()
    ///     .values(["slug"])
    ///     .annotate("n", Count::of("posts"))
    ///     .order_by(["-n"])
    ///     .values_as::<TagCount>()
    ///     .all(&db)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn values_as<T: FromRow>(&self) -> ValuesAs<T> {
        ValuesAs {
            queryset: self.clone(),
            _row: std::marker::PhantomData,
        }
    }
}

impl<T: FromRow> ValuesAs<T> {
    /// Runs the query and reads every row into a `T`.
    ///
    /// # Errors
    /// [`Error::Decode`] naming the struct and field when a field names no value or
    /// annotation of the query, or when a value does not convert to the field's type.
    pub async fn all(&self, db: &Db) -> Result<Vec<T>> {
        self.queryset
            .all(db)
            .await?
            .into_iter()
            .map(|row| by_name::<T>(row))
            .collect()
    }

    /// The first row, if any (the query's order applies).
    pub async fn first(&self, db: &Db) -> Result<Option<T>> {
        let rows = self.queryset.limit(1).all(db).await?;
        rows.into_iter().next().map(by_name::<T>).transpose()
    }
}

/// `row`'s values in the order of `T`'s fields, read into a `T`.
fn by_name<T: FromRow>(mut row: Values) -> Result<T> {
    let mut ordered = Vec::with_capacity(T::FIELDS.len());
    for field in T::FIELDS {
        let value = row.take(field).ok_or_else(|| Error::Decode {
            model: T::NAME.to_string(),
            field: (*field).to_string(),
            message: format!(
                "the query has no value or annotation `{field}` (it has: {})",
                row.annotations()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        ordered.push(value);
    }
    T::from_row(ordered)
}
