//! Columns on demand: [`QuerySet::only`] and [`QuerySet::defer`], whose rows are
//! [`Partial`] models.
//!
//! # Why a partial row is not a `Post`
//! A model's fields are plain Rust fields (`post.content: String`): reading one cannot be
//! intercepted, so a `Post` built from a row without its `content` would have to hold a
//! made-up value, an empty string that reads like real data. Instead, `only` and `defer`
//! change what the query reads its rows into: `Post::objects().only(["title"])` is a
//! `QuerySet<Partial<Post>>`, and a [`Partial<Post>`](Partial) answers every read with a
//! `Result`. A field the query did not load is [`Error::DeferredField`] naming the model and
//! the field, never a default. Reads are typed by the model's field paths
//! (`row.get(Post::fields().title())` is a `Result<String>`, checked by the compiler) or
//! by name ([`Partial::try_get`]). The primary key is always read ([`Partial::pk`]), and
//! [`Partial::load`] reads the deferred columns (one query by key) and returns the whole
//! model.
//!
//! The rest of the queryset is unchanged: `filter`, `exclude`, `order_by`, slices,
//! `distinct`, `count`, `exists`, `update`, `delete`, `select_for_update`, `get`, `first`,
//! `get_by_pk` and `in_bulk` all work on a partial queryset. `select_related` and
//! `prefetch_related` do not (a partial row keeps no related rows): they are refused with
//! [`Error::Config`] before any SQL runs.

use crate::compile::RelatedPlan;
use crate::db::{Db, Row};
use crate::error::{Error, Result};
use crate::field_type::FromValue;
use crate::fields::Field;
use crate::manager::QuerySet;
use crate::meta::FieldMeta;
use crate::model::{Model, RowReader};
use crate::query::{Condition, PrefetchNode, Query};
use crate::queryset::Rows;
use crate::registry::{ModelInfo, Registry};
use crate::value::Value;
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;

/// A row of `M` read with some of its fields (by [`QuerySet::only`] or
/// [`QuerySet::defer`]): its primary key, and each other field loaded or not. Reading a
/// field that was not loaded is [`Error::DeferredField`], never a default value; see
/// [`crate::columns`].
pub struct Partial<M: Model> {
    pk: M::Pk,
    /// By position among the model's concrete fields; `None` when not loaded.
    values: Vec<Option<Value>>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Clone for Partial<M> {
    fn clone(&self) -> Self {
        Partial {
            pk: self.pk.clone(),
            values: self.values.clone(),
            _model: PhantomData,
        }
    }
}

impl<M: Model> PartialEq for Partial<M> {
    fn eq(&self, other: &Self) -> bool {
        self.pk == other.pk && self.values == other.values
    }
}

impl<M: Model> std::fmt::Debug for Partial<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct(&format!("Partial<{}>", M::meta().name));
        for (field, value) in M::meta().concrete_fields().zip(&self.values) {
            match value {
                Some(v) => s.field(&field.name, v),
                None => s.field(&field.name, &format_args!("<deferred>")),
            };
        }
        s.finish()
    }
}

impl<M: Model> Partial<M> {
    /// The primary key (always loaded).
    pub fn pk(&self) -> &M::Pk {
        &self.pk
    }

    /// The field at `path` (`Post::fields().title()`), as its Rust type.
    ///
    /// # Errors
    /// [`Error::DeferredField`] when the query did not load it, [`Error::UnknownField`] for
    /// a path that is not a field of `M` itself.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{Error, Model};
    ///
    /// for post in Post::objects().only(["title"]).all(&db).await? {
    ///     let title: String = post.get(Post::fields().title())?;
    ///     assert!(matches!(
    ///         post.get(Post::fields().content()),
    ///         Err(Error::DeferredField { .. })
    ///     ));
    ///     println!("{title}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn get<T: FromValue + Into<Value>>(&self, path: Field<T>) -> Result<T> {
        self.try_get(path.path())
    }

    /// The field (or column) called `name`, converted to `T`.
    ///
    /// # Errors
    /// [`Error::DeferredField`] when the query did not load it, [`Error::UnknownField`] when
    /// `M` has no such field, [`Error::Decode`] when its value is no `T`.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let post = Post::objects().defer(["content"]).first(&db).await?.unwrap();
    /// let published: bool = post.try_get("published")?;
    /// # let _ = published; Ok(()) }
    /// ```
    pub fn try_get<T: FromValue>(&self, name: &str) -> Result<T> {
        let (field, value) = self.field_value(name)?;
        T::from_value(value.clone()).map_err(|message| Error::Decode {
            model: M::meta().name.clone(),
            field: field.name.clone(),
            message,
        })
    }

    /// The value of the field (or column) called `name`, as read.
    ///
    /// # Errors
    /// [`Error::DeferredField`] when the query did not load it, [`Error::UnknownField`] when
    /// `M` has no such field.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let post = Post::objects().only(["author"]).first(&db).await?.unwrap();
    /// let author_key = post.value("author")?; // the foreign key's column
    /// # let _ = author_key; Ok(()) }
    /// ```
    pub fn value(&self, name: &str) -> Result<&Value> {
        Ok(self.field_value(name)?.1)
    }

    /// True when the field (or column) called `name` was loaded.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let post = Post::objects().defer(["content"]).first(&db).await?.unwrap();
    /// assert!(post.is_loaded("title") && !post.is_loaded("content"));
    /// # Ok(()) }
    /// ```
    pub fn is_loaded(&self, name: &str) -> bool {
        self.position(name)
            .is_some_and(|i| self.values[i].is_some())
    }

    /// The names of the fields not loaded, in column order.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let post = Post::objects().only(["title"]).first(&db).await?.unwrap();
    /// assert!(post.deferred().any(|f| f == "content"));
    /// # Ok(()) }
    /// ```
    pub fn deferred(&self) -> impl Iterator<Item = &'static str> + '_ {
        M::meta()
            .concrete_fields()
            .zip(&self.values)
            .filter(|(_, v)| v.is_none())
            .map(|(f, _)| f.name.as_str())
    }

    /// The whole model: the deferred fields read now (one query by key, of those columns
    /// only; none when every field is loaded), the loaded ones as they were read.
    ///
    /// # Errors
    /// [`Error::DoesNotExist`] when the row is gone.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let title_only = Post::objects().only(["title"]).first(&db).await?.unwrap();
    /// let post: Post = title_only.load(&db).await?;
    /// println!("{}", post.content);
    /// # Ok(()) }
    /// ```
    pub async fn load(&self, db: &Db) -> Result<M> {
        let deferred: Vec<&str> = self.deferred().collect();
        if deferred.is_empty() {
            return self.clone().into_model();
        }
        let rest = M::objects()
            .only(deferred)
            .get_by_pk(db, self.pk.clone())
            .await?;
        let mut whole = self.clone();
        for (mine, read) in whole.values.iter_mut().zip(rest.values) {
            if mine.is_none() {
                *mine = read;
            }
        }
        whole.into_model()
    }

    /// The whole model, when every field was loaded.
    ///
    /// # Errors
    /// [`Error::DeferredField`] naming the first field not loaded.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let partial = Post::objects().defer(Vec::<&str>::new()).first(&db).await?.unwrap();
    /// let post: Post = partial.into_model()?;
    /// # let _ = post; Ok(()) }
    /// ```
    pub fn into_model(self) -> Result<M> {
        let meta = M::meta();
        let mut row = Vec::with_capacity(self.values.len());
        for (field, value) in meta.concrete_fields().zip(self.values) {
            row.push(value.ok_or_else(|| deferred_error(&meta.name, &field.name))?);
        }
        M::from_row(&mut RowReader::new(row))
    }

    fn position(&self, name: &str) -> Option<usize> {
        M::meta()
            .concrete_fields()
            .position(|f| f.name == name || f.column == name)
    }

    fn field_value(&self, name: &str) -> Result<(&'static FieldMeta, &Value)> {
        let meta = M::meta();
        let Some(at) = self.position(name) else {
            return Err(Error::UnknownField {
                model: meta.name.clone(),
                name: name.to_string(),
                candidates: crate::suggest::closest(
                    name,
                    meta.concrete_fields().map(|f| f.name.clone()),
                ),
            });
        };
        let field = meta
            .concrete_fields()
            .nth(at)
            .expect("a field at its position");
        match &self.values[at] {
            Some(value) => Ok((field, value)),
            None => Err(deferred_error(&meta.name, &field.name)),
        }
    }
}

fn deferred_error(model: &str, field: &str) -> Error {
    Error::DeferredField {
        model: model.to_string(),
        field: field.to_string(),
    }
}

impl<M: Model> Rows for Partial<M> {
    fn model_name(_: &QuerySet<Self>) -> &str {
        &M::meta().name
    }

    fn check_query(query: &Query, model: &str) -> Result<()> {
        let refused = if !query.select_related.is_empty() {
            "select_related"
        } else if !query.prefetch_related.is_empty() {
            "prefetch_related"
        } else {
            return Ok(());
        };
        Err(Error::config(format!(
            "{refused} is not available with only / defer: a Partial<{model}> keeps no \
             related rows; read the related rows with their own query, or drop only / defer"
        )))
    }

    fn decode(
        _: &Arc<Registry>,
        info: &ModelInfo,
        row: Row,
        _: &[RelatedPlan],
        fields: Option<&[usize]>,
        _: &[crate::compile::ComputedColumn],
    ) -> Result<Self> {
        let meta = &info.meta;
        let all: Vec<&FieldMeta> = meta.concrete_fields().collect();
        let mut values = vec![None; all.len()];
        let positions: Vec<usize> = match fields {
            Some(p) => p.to_vec(),
            None => (0..all.len()).collect(),
        };
        let mut raw = row.into_iter();
        let mut pk = None;
        for at in positions {
            let field = all[at];
            let decode_error = |message: String| Error::Decode {
                model: meta.name.clone(),
                field: field.name.clone(),
                message,
            };
            let value = raw.next().ok_or_else(|| {
                decode_error("the row has fewer columns than were selected".into())
            })?;
            let value = field.kind.coerce(value).map_err(decode_error)?;
            if field.primary_key {
                pk = Some(M::Pk::from_value(value.clone()).map_err(decode_error)?);
            }
            values[at] = Some(value);
        }
        let pk = pk.ok_or_else(|| Error::Decode {
            model: meta.name.clone(),
            field: "pk".into(),
            message: "the primary key was not read".into(),
        })?;
        Ok(Partial {
            pk,
            values,
            _model: PhantomData,
        })
    }

    fn prefetch<'a>(
        _: &'a Db,
        _: &'a ModelInfo,
        _: &'a mut [Self],
        _: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async {
            Err(Error::config(
                "prefetch_related is not available with only / defer",
            ))
        })
    }
}

impl<M: Model> QuerySet<M> {
    /// Reads only these fields of the model (and its primary key, always), as
    /// [`Partial<M>`](Partial) rows: the other columns are not selected, and reading one of
    /// them is [`Error::DeferredField`], never a default (see [`crate::columns`] for why the
    /// rows are not `M`). Names are fields of `M` itself (a foreign key by its field or
    /// column name).
    ///
    /// # Errors
    /// When run: [`Error::UnknownField`] for a name that is no field of `M`,
    /// [`Error::Config`] for a path or a to-many relation, and with `select_related` or
    /// `prefetch_related`.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// // SELECT id, title FROM posts WHERE published
    /// let titles = Post::objects()
    ///     .filter(q!(published = true))
    ///     .only(["id", "title"])
    ///     .all(&db)
    ///     .await?;
    /// for post in &titles {
    ///     println!("{}: {}", post.pk(), post.get(Post::fields().title())?);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn only<P: AsRef<str>>(&self, fields: impl IntoIterator<Item = P>) -> QuerySet<Partial<M>> {
        self.retype::<Partial<M>>().only(fields)
    }

    /// Reads every field of the model but these, as [`Partial<M>`](Partial) rows (see
    /// [`only`](Self::only)); the primary key cannot be deferred.
    ///
    /// # Errors
    /// As [`only`](Self::only); [`Error::Config`] for the primary key.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// // Every column but the long text.
    /// let posts = Post::objects().defer(["content"]).order_by(["title"]).all(&db).await?;
    /// # let _ = posts; Ok(()) }
    /// ```
    pub fn defer<P: AsRef<str>>(
        &self,
        fields: impl IntoIterator<Item = P>,
    ) -> QuerySet<Partial<M>> {
        self.retype::<Partial<M>>().defer(fields)
    }
}

impl<M: Model> QuerySet<Partial<M>> {
    /// Reads only these fields (and the primary key), replacing the fields an earlier
    /// `only` or `defer` chose, as Django's `only` does.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let titles = Post::objects().defer(["content"]).only(["title"]).all(&db).await?;
    /// # let _ = titles; Ok(()) }
    /// ```
    pub fn only<P: AsRef<str>>(&self, fields: impl IntoIterator<Item = P>) -> Self {
        let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        self.with(|q| {
            q.fields.only = Some(fields);
            q.defer_reset();
        })
    }

    /// Leaves these fields out too, from those an earlier `only` chose or from all.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let light = Post::objects().defer(["content"]).defer(["created_at"]).all(&db).await?;
    /// # let _ = light; Ok(()) }
    /// ```
    pub fn defer<P: AsRef<str>>(&self, fields: impl IntoIterator<Item = P>) -> Self {
        let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        self.with(|q| {
            for f in fields {
                if !q.fields.defer.contains(&f) {
                    q.fields.defer.push(f);
                }
            }
        })
    }

    /// The partial row whose primary key is `pk`.
    ///
    /// # Errors
    /// [`Error::DoesNotExist`] when there is none.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db, id: uuid::Uuid) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let post = Post::objects().only(["title"]).get_by_pk(&db, id).await?;
    /// # let _ = post; Ok(()) }
    /// ```
    pub async fn get_by_pk(&self, db: &Db, pk: M::Pk) -> Result<Partial<M>> {
        let pk_name = M::meta().pk()?.name.clone();
        self.get(db, Condition::new(pk_name, pk)).await
    }

    /// [`QuerySet::of`] for partial rows: the tables whose rows `select_for_update` locks.
    ///
    /// ```no_run
    /// # async fn demo(tx: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let rows = Post::objects().only(["title"]).select_for_update().of(["self"]).all(&tx).await?;
    /// # let _ = rows; Ok(()) }
    /// ```
    pub fn of<P: AsRef<str>>(&self, tables: impl IntoIterator<Item = P>) -> Self {
        self.lock_of(tables)
    }

    /// [`QuerySet::in_bulk`] for partial rows: by key, in statements within the bind limit.
    ///
    /// # Errors
    /// As [`QuerySet::in_bulk`].
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db, a: uuid::Uuid) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let titles = Post::objects().only(["title"]).in_bulk(&db, [a]).await?;
    /// # let _ = titles; Ok(()) }
    /// ```
    pub async fn in_bulk(
        &self,
        db: &Db,
        keys: impl IntoIterator<Item = M::Pk>,
    ) -> Result<HashMap<M::Pk, Partial<M>>>
    where
        M::Pk: Eq + Hash,
    {
        let keys: Vec<Value> = crate::distinct::unique(keys)
            .into_iter()
            .map(Into::into)
            .collect();
        let meta = M::meta();
        let rows = crate::distinct::bulk_rows(self, db, &meta.name, &meta.pk()?.name, keys).await?;
        Ok(rows.into_iter().map(|p| (p.pk.clone(), p)).collect())
    }
}

impl Query {
    /// Forgets the fields deferred so far (an `only` replaces them).
    fn defer_reset(&mut self) {
        self.fields.defer.clear();
    }
}
