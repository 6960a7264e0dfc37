//! The manager of a reverse foreign key (`author.posts()`): the related rows as a
//! [`QuerySet`], plus the writes that move rows to or away from the owner.

use crate::compile::coerce_for;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::manager::QuerySet;
use crate::model::{Model, NewRecord};
use crate::query::Condition;
use crate::value::Value;
use std::marker::PhantomData;

/// Marks the [`RelatedManager`] of a `NOT NULL` foreign key (`ForeignKey<T>`): rows can be
/// moved to this owner (`add`, `set`), never unlinked, so `remove` and `clear` do not exist.
#[derive(Debug, Clone, Copy)]
pub enum RequiredLink {}

/// Marks the [`RelatedManager`] of a nullable foreign key (`Option<ForeignKey<T>>`): it also
/// has `remove` and `clear`, which set the link to NULL.
#[derive(Debug, Clone, Copy)]
pub enum NullableLink {}

/// The manager of a reverse foreign key (`author.posts()`): the related rows as a
/// [`QuerySet`] (it dereferences to one), the rows `prefetch_related` loaded, `create` that
/// sets the link, and `add` / `set` that move existing rows to this owner.
///
/// `L` is [`RequiredLink`] for a `NOT NULL` foreign key and [`NullableLink`] for a nullable
/// one; only the latter has `remove` and `clear`:
///
/// ```compile_fail
/// # use aksara::demo::*;
/// # async fn demo(db: aksara::Db, jane: User, post: Post) -> aksara::Result<()> {
/// // `Post.author` is NOT NULL: a post cannot be taken away from its author.
/// jane.posts().remove(&db, [&post]).await?;
/// # Ok(()) }
/// ```
///
/// ```compile_fail
/// # use aksara::demo::*;
/// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
/// jane.posts().clear(&db).await?;
/// # Ok(()) }
/// ```
///
/// Writes change rows in the database only: the instances passed in are not modified (their
/// link field still holds the old key until they are read again), and the owner's prefetched
/// rows for the relation read as not loaded afterwards.
pub struct RelatedManager<'a, M, L = RequiredLink> {
    queryset: QuerySet<M>,
    store: Option<&'a crate::dynamic::Related>,
    relation: &'static str,
    field: &'static str,
    key: Value,
    _link: PhantomData<fn() -> L>,
}

impl<M, L> std::ops::Deref for RelatedManager<'_, M, L> {
    type Target = QuerySet<M>;
    fn deref(&self) -> &QuerySet<M> {
        &self.queryset
    }
}

impl<'a, M: Model, L> RelatedManager<'a, M, L> {
    /// The rows of `M` linked to the owner by `field` = `key`, with the owner's store of
    /// prefetched relations (under the name `relation`).
    pub fn new(
        field: &'static str,
        key: Value,
        store: Option<&'a crate::dynamic::Related>,
        relation: &'static str,
    ) -> Self {
        let queryset = QuerySet::related(
            Condition::new(field, key.clone()),
            vec![(field.to_string(), key.clone())],
        );
        RelatedManager {
            queryset,
            store,
            relation,
            field,
            key,
            _link: PhantomData,
        }
    }

    /// The rows `prefetch_related` loaded, if it did and no write through this manager
    /// changed them since (no query).
    pub fn loaded(&self) -> Option<&'a [std::sync::Arc<M>]> {
        self.store.and_then(|s| s.many::<M>(self.relation))
    }

    /// The related rows as a plain [`QuerySet`].
    pub fn queryset(&self) -> QuerySet<M> {
        self.queryset.clone()
    }

    fn guard(&self, db: &Db) -> Result<()> {
        if db.is_strict() {
            return Err(Error::LazyLoad {
                model: M::meta().name.clone(),
                relation: self.relation.to_string(),
            });
        }
        Ok(())
    }

    pub(crate) fn invalidate(&self) {
        if let Some(store) = self.store {
            store.invalidate(self.relation);
        }
    }

    /// The related rows. After `prefetch_related` loaded them, they are answered from the
    /// loaded rows with no query (as in Django), also in strict mode; otherwise one query
    /// (refused in strict mode: prefetch them). To read afresh whatever was loaded, run the
    /// [`queryset`](Self::queryset): `author.posts().queryset().all(&db)`.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::Model;
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// let users = User::objects().prefetch_related(["posts"]).all(&db).await?;
    /// let posts = users[0].posts().all(&db).await?;            // no query
    /// let fresh = users[0].posts().queryset().all(&db).await?; // one query
    /// # Ok(()) }
    /// ```
    pub async fn all(&self, db: &Db) -> Result<Vec<M>>
    where
        M: Clone,
    {
        if let Some(rows) = self.loaded() {
            return Ok(rows.iter().map(|row| M::clone(row)).collect());
        }
        self.guard(db)?;
        self.queryset.all(db).await
    }

    /// Counts the related rows: the loaded ones after `prefetch_related` (no query),
    /// otherwise one `COUNT` query (refused in strict mode).
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
    /// let n = jane.posts().count(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn count(&self, db: &Db) -> Result<u64> {
        if let Some(rows) = self.loaded() {
            return Ok(rows.len() as u64);
        }
        self.guard(db)?;
        self.queryset.count(db).await
    }

    /// True when there is at least one related row: from the loaded rows after
    /// `prefetch_related` (no query), otherwise one query (refused in strict mode).
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
    /// let has_posts = jane.posts().exists(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn exists(&self, db: &Db) -> Result<bool> {
        if let Some(rows) = self.loaded() {
            return Ok(!rows.is_empty());
        }
        self.guard(db)?;
        self.queryset.exists(db).await
    }

    /// Creates a related row, its link set to the owner.
    pub async fn create(&self, db: &Db, record: impl Into<NewRecord<M>>) -> Result<M> {
        self.invalidate();
        self.queryset.create(db, record).await
    }

    /// The distinct keys of `items`, checked against `M`'s key field.
    fn keys<I: crate::row_or_key::RowOrKey<M>>(
        &self,
        items: impl IntoIterator<Item = I>,
    ) -> Result<Vec<Value>> {
        let meta = M::meta();
        let pk = meta.pk()?;
        let mut seen = rustc_hash::FxHashSet::default();
        let mut keys = Vec::new();
        for item in items {
            let key = coerce_for(meta, pk, item.into_key().into())?;
            if crate::prefetch::KeyOf::of(&key).is_some_and(|k| seen.insert(k)) {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// The rows of `M` (not only the related ones) whose key is in `keys`.
    fn rows_with_keys(keys: Vec<Value>) -> Result<QuerySet<M>> {
        let pk = M::meta().pk()?.name.clone();
        Ok(QuerySet::new().filter(Condition::new(format!("{pk}__in"), Value::Array(keys))))
    }

    /// Links `items` (rows of `M` or their keys) to the owner with one `UPDATE`, taking them
    /// from whichever owner they had. Keys of rows that do not exist are ignored, as an
    /// `UPDATE` ignores them. The instances passed in are not modified.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, jane: User, p1: Post, p2: Post) -> aksara::Result<()> {
    /// jane.posts().add(&db, [&p1, &p2]).await?;   // UPDATE posts SET author_id = ... WHERE id IN (...)
    /// # Ok(()) }
    /// ```
    pub async fn add<I: crate::row_or_key::RowOrKey<M>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<u64> {
        let keys = self.keys(items)?;
        self.invalidate();
        if keys.is_empty() {
            return Ok(0);
        }
        Self::rows_with_keys(keys)?
            .update(db, [(self.field, self.key.clone())])
            .await
    }
}

impl<M: Model> RelatedManager<'_, M, RequiredLink> {
    /// Makes `items` (rows of `M` or their keys) related to the owner, with one `UPDATE`.
    /// Because the foreign key cannot be NULL, rows related now and not in `items` stay
    /// related (as in Django): this is [`add`](Self::add). The instances passed in are not
    /// modified.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, jane: User, post: Post) -> aksara::Result<()> {
    /// jane.posts().set(&db, [post.id]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set<I: crate::row_or_key::RowOrKey<M>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<()> {
        self.add(db, items).await.map(|_| ())
    }
}

impl<M: Model> RelatedManager<'_, M, NullableLink> {
    /// Makes `items` (rows of `M` or their keys) exactly the related rows, in one
    /// transaction of two `UPDATE`s: the other related rows get a NULL link, `items` get
    /// the owner's key. The instances passed in are not modified.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, python: Category, post: Post) -> aksara::Result<()> {
    /// python.posts().set(&db, [&post]).await?;   // `Post.category` is nullable
    /// # Ok(()) }
    /// ```
    pub async fn set<I: crate::row_or_key::RowOrKey<M>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<()> {
        let keys = self.keys(items)?;
        self.invalidate();
        let pk = M::meta().pk()?.name.clone();
        let others = if keys.is_empty() {
            self.queryset.clone()
        } else {
            self.queryset.exclude(Condition::new(
                format!("{pk}__in"),
                Value::Array(keys.clone()),
            ))
        };
        let field = self.field;
        let key = self.key.clone();
        db.transaction(|tx| async move {
            others.update(&tx, [(field, Value::Null)]).await?;
            if !keys.is_empty() {
                Self::rows_with_keys(keys)?
                    .update(&tx, [(field, key)])
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// Unlinks `items` (rows of `M` or their keys) from the owner: their link becomes NULL,
    /// one `UPDATE` after reading which of them are related, in a transaction. Every item must be related to the owner now; if one
    /// is not, nothing changes and the error is [`Error::DoesNotExist`] naming the model,
    /// the link field and the key. Returns the number of rows unlinked. The instances passed
    /// in are not modified.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, python: Category, post: Post) -> aksara::Result<()> {
    /// python.posts().remove(&db, [&post]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove<I: crate::row_or_key::RowOrKey<M>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<u64> {
        let keys = self.keys(items)?;
        self.invalidate();
        if keys.is_empty() {
            return Ok(0);
        }
        let pk = M::meta().pk()?.name.clone();
        let ours = self.queryset.filter(Condition::new(
            format!("{pk}__in"),
            Value::Array(keys.clone()),
        ));
        let field = self.field;
        let owner = self.key.clone();
        db.transaction(|tx| async move {
            let related: rustc_hash::FxHashSet<crate::prefetch::KeyOf> = ours
                .all(&tx)
                .await?
                .iter()
                .filter_map(|m| crate::prefetch::KeyOf::of(&m.pk().clone().into()))
                .collect();
            if let Some(missing) = keys
                .iter()
                .find(|k| crate::prefetch::KeyOf::of(k).is_none_or(|k| !related.contains(&k)))
            {
                return Err(Error::DoesNotExist {
                    model: M::meta().name.clone(),
                    lookup: format!("{pk}={missing} AND {field}={owner} (the row is not related to this {field})"),
                });
            }
            ours.update(&tx, [(field, Value::Null)]).await
        })
        .await
    }

    /// Unlinks every related row (their link becomes NULL), one `UPDATE`. Returns the
    /// number of rows unlinked.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # async fn demo(db: aksara::Db, python: Category) -> aksara::Result<()> {
    /// python.posts().clear(&db).await?;
    /// # Ok(()) }
    /// ```
    pub async fn clear(&self, db: &Db) -> Result<u64> {
        self.invalidate();
        self.queryset.update(db, [(self.field, Value::Null)]).await
    }
}
