//! The data of a lazy query and the manager of a model (`Post::objects()`), kept apart from
//! the calls that run a query (in [`crate::queryset`]) so that [`crate::model`] can name the
//! manager without depending on the query machinery.

use crate::query::Query;
use crate::value::Value;
use std::marker::PhantomData;

/// The manager of a model (`Post::objects()`): the [`QuerySet`] of all its rows, plus `create`.
pub type Manager<M> = QuerySet<M>;

/// A lazy query on rows of `M`: a model type, or [`Record`](crate::Record) for rows of a model chosen by
/// name at run time (`QuerySet::<Record>::of("Post")`).
pub struct QuerySet<M> {
    pub(crate) query: Query,
    pub(crate) defaults: Vec<(String, Value)>,
    pub(crate) model: Option<String>,
    pub(crate) _model: PhantomData<fn() -> M>,
}

impl<M> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            query: self.query.clone(),
            defaults: self.defaults.clone(),
            model: self.model.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("model", &self.model)
            .field("query", &self.query)
            .finish()
    }
}

impl<M> QuerySet<M> {
    /// A query on every row, of `model` when it is named at run time ([`crate::Record`]).
    pub(crate) fn empty(model: Option<String>) -> Self {
        QuerySet {
            query: Query::default(),
            defaults: Vec::new(),
            model,
            _model: PhantomData,
        }
    }

    /// The same query, reading its rows as `N`.
    pub(crate) fn retype<N>(&self) -> QuerySet<N> {
        QuerySet {
            query: self.query.clone(),
            defaults: self.defaults.clone(),
            model: self.model.clone(),
            _model: PhantomData,
        }
    }
}
