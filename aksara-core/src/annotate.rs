//! `annotate` and `aggregate`: values computed across relations, per row or in total.
//!
//! `Author::objects().annotate("n_posts", Count::of("posts"))` reads each author with the
//! number of its posts ([`Annotated`]), in the same query; conditions and order may name the
//! annotation (`q!(n_posts__gt = 3)`, `"-n_posts"`). `aggregate` returns the totals over the
//! rows a query selects. See [`crate::compile`]'s aggregates for the SQL: every aggregate is
//! its own subquery, so aggregates over different to-many relations never count each other's
//! rows.

use crate::compile::{Compiler, ComputedColumn, RelatedPlan};
use crate::db::{Db, Row};
use crate::dynamic::AnyModel;
use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::manager::QuerySet;
use crate::model::Model;
use crate::query::{Aggregate, Annotation, Computed, PrefetchNode, Query};
use crate::queryset::Rows;
use crate::registry::{ModelInfo, Registry};
use crate::value::Value;
use std::sync::Arc;

/// A row of `M` with the values [`annotate`](QuerySet::annotate) computed for it. It
/// dereferences to the row; [`get`](Self::get) reads an annotation.
#[derive(Debug, Clone)]
pub struct Annotated<M> {
    /// The row itself.
    pub row: M,
    values: Vec<(String, Value)>,
}

impl Annotated<()> {
    /// Values read by name, with no row.
    pub(crate) fn from_values(values: Vec<(String, Value)>) -> Self {
        Annotated { row: (), values }
    }
}

impl<M> Annotated<M> {
    /// The annotation `name`, as `T` (`i64` for a count, `Option<i64>` for a sum that may be
    /// over no row, `Option<f64>` for a mean).
    ///
    /// # Errors
    /// [`Error::UnknownField`] for a name the query did not annotate; [`Error::Decode`] when
    /// the value is not a `T` (a NULL sum read as `i64`, say).
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T> {
        let value = self.value(name).ok_or_else(|| Error::UnknownField {
            model: "the annotations".into(),
            name: name.to_string(),
            candidates: self.values.iter().map(|(n, _)| n.clone()).collect(),
        })?;
        T::from_value(value.clone()).map_err(|message| Error::Decode {
            model: "annotation".into(),
            field: name.to_string(),
            message,
        })
    }

    /// The annotation `name` as read, if the query has it.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Takes the value `name` out (leaving NULL), if the row has it.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        self.values
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, v)| std::mem::replace(v, Value::Null))
    }

    /// Every annotation, by name, in the order they were added.
    pub fn annotations(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// The row without its annotations.
    pub fn into_inner(self) -> M {
        self.row
    }
}

impl<M> std::ops::Deref for Annotated<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.row
    }
}

impl<M> std::ops::DerefMut for Annotated<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.row
    }
}

/// Reads the computed columns that end `row` (removing them), each as its kind.
pub(crate) fn split_computed(
    model: &str,
    row: &mut Row,
    columns: &[ComputedColumn],
) -> Result<Vec<(String, Value)>> {
    let start = row.len().checked_sub(columns.len()).ok_or_else(|| {
        Error::database(format!(
            "a row of {model} has fewer columns than its {} annotation(s)",
            columns.len()
        ))
    })?;
    let tail = row.split_off(start);
    columns
        .iter()
        .zip(tail)
        .map(|(c, v)| {
            let v = c.kind.coerce(v).map_err(|message| Error::Decode {
                model: model.to_string(),
                field: c.name.clone(),
                message,
            })?;
            Ok((c.name.clone(), v))
        })
        .collect()
}

impl<M: Model> Rows for Annotated<M> {
    fn model_name(_: &QuerySet<Self>) -> &str {
        &M::meta().name
    }

    fn decode(
        registry: &Arc<Registry>,
        info: &ModelInfo,
        mut row: Row,
        related: &[RelatedPlan],
        fields: Option<&[usize]>,
        annotations: &[ComputedColumn],
    ) -> Result<Self> {
        let values = split_computed(&info.meta.name, &mut row, annotations)?;
        let row = M::decode(registry, info, row, related, fields, &[])?;
        Ok(Annotated { row, values })
    }

    fn prefetch<'a>(
        db: &'a Db,
        info: &'a ModelInfo,
        rows: &'a mut [Self],
        nodes: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        let refs: Vec<&mut dyn AnyModel> = rows
            .iter_mut()
            .map(|a| &mut a.row as &mut dyn AnyModel)
            .collect();
        crate::prefetch::prefetch(db, info, refs, nodes)
    }
}

impl<M: Model> QuerySet<M> {
    /// Each row with `aggregate` computed for it under `name`, in the same query: over a
    /// forward, reverse or many-to-many path (`Count::of("posts")`, `Sum::of("posts__views")`,
    /// `Count::distinct("posts__tags")`), optionally only over the related rows matching a
    /// condition. Later `filter`, `exclude` and `order_by` may name it.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::User;
    /// use aksara::{q, Count, Model};
    ///
    /// let prolific = User::objects()
    ///     .annotate("n_posts", Count::of("posts"))
    ///     .filter(q!(n_posts__gt = 3))
    ///     .order_by(["-n_posts"])
    ///     .all(&db)
    ///     .await?;
    /// for user in &prolific {
    ///     println!("{}: {}", user.name, user.get::<i64>("n_posts")?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn annotate(
        &self,
        name: impl Into<String>,
        value: impl Into<Computed>,
    ) -> QuerySet<Annotated<M>> {
        let mut qs: QuerySet<Annotated<M>> = self.retype();
        qs.query.annotations.push(Annotation {
            name: name.into(),
            value: value.into(),
        });
        qs
    }

    /// The totals of `aggregates` over the rows this query selects, in one query (each
    /// aggregate its own subquery): `Count` is `0` and the others NULL over no row.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::User;
    /// use aksara::{Count, Model};
    ///
    /// let totals = User::objects()
    ///     .aggregate(&db, [("users", Count::of("id")), ("posts", Count::of("posts"))])
    ///     .await?;
    /// let posts: i64 = totals.get("posts")?;
    /// # Ok(()) }
    /// ```
    pub async fn aggregate<N: Into<String>>(
        &self,
        db: &Db,
        aggregates: impl IntoIterator<Item = (N, Aggregate)>,
    ) -> Result<Annotated<()>> {
        aggregate_query(db, &M::meta().name, &self.query, aggregates).await
    }
}

impl<M: Model> QuerySet<Annotated<M>> {
    /// One more annotation (see [`QuerySet::annotate`]).
    pub fn annotate(&self, name: impl Into<String>, value: impl Into<Computed>) -> Self {
        let name = name.into();
        let value = value.into();
        self.with(|q| q.annotations.push(Annotation { name, value }))
    }

    /// The totals of `aggregates` over the rows this query selects (see
    /// [`QuerySet::aggregate`]); conditions may name the annotations.
    pub async fn aggregate<N: Into<String>>(
        &self,
        db: &Db,
        aggregates: impl IntoIterator<Item = (N, Aggregate)>,
    ) -> Result<Annotated<()>> {
        aggregate_query(db, &M::meta().name, &self.query, aggregates).await
    }
}

async fn aggregate_query<N: Into<String>>(
    db: &Db,
    model: &str,
    query: &Query,
    aggregates: impl IntoIterator<Item = (N, Aggregate)>,
) -> Result<Annotated<()>> {
    let annotations: Vec<Annotation> = aggregates
        .into_iter()
        .map(|(name, aggregate)| Annotation {
            name: name.into(),
            value: Computed::Aggregate(aggregate),
        })
        .collect();
    let info = db.registry().model(model)?;
    let (sql, columns) = Compiler::new(db.registry(), db.dialect()).aggregate_totals(
        info.index,
        query,
        &annotations,
    )?;
    let mut row = db
        .fetch(sql)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::database("an aggregate query returned no row"))?;
    let values = split_computed(model, &mut row, &columns)?;
    Ok(Annotated { row: (), values })
}
