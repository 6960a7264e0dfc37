//! `get_or_create` and `update_or_create`: find the row a lookup names, or create it.
//!
//! The lookup is a [`Condition`] made only of plain equalities on the model's own fields
//! (`q!(slug = "rust")`, several joined by `AND`, `__exact` allowed, `pk` naming the key);
//! anything else (another lookup, a path through a relation, `OR`, `NOT`) is refused with
//! [`Error::Validation`] naming the model and the path before any SQL runs. The row created takes the `defaults` and then
//! the lookup's values, so it always matches the lookup.
//!
//! # Concurrency
//!
//! Both read first and create when nothing matched. When another task creates the same row in
//! between, the insert fails on the table's unique constraint; that failure is caught and the
//! row is read again, so every caller gets the one row (`created` is true for exactly one of
//! them) and no request is lost. Inside a transaction the insert runs in a savepoint, so the
//! failure does not abort the transaction.
//!
//! Without a unique constraint covering the lookup nothing stops two tasks that both found no
//! row from both inserting: each call still succeeds, but several equal rows may exist
//! afterwards, and a later `get_or_create` with that lookup then fails with
//! [`Error::MultipleObjectsReturned`] (Django documents the same for its `get_or_create`).
//! Declare the lookup's fields `unique` (or `unique_together`) to rule that out.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::m2m::ManyToManyManager;
use crate::manager::QuerySet;
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord};
use crate::query::{Assignment, Condition};
use crate::related_manager::RelatedManager;

/// The `(field, value)` pairs of a lookup made only of equalities on `M`'s own fields.
fn equalities<M: Model>(
    condition: &Condition,
) -> Result<Vec<(&'static FieldMeta, crate::value::Value)>> {
    fn walk(
        meta: &'static crate::meta::ModelMeta,
        condition: &Condition,
        out: &mut Vec<(&'static FieldMeta, crate::value::Value)>,
    ) -> Result<()> {
        match condition {
            Condition::True => Ok(()),
            Condition::And(items) => items.iter().try_for_each(|c| walk(meta, c, out)),
            Condition::Lookup { path, value } => {
                let name = path.strip_suffix("__exact").unwrap_or(path);
                // `pk` names the key (a one-to-one key included), as in filters.
                let name = match meta.try_pk() {
                    Some(pk) if name == "pk" && meta.field("pk").is_none() => pk.name.as_str(),
                    _ => name,
                };
                let field = meta
                    .concrete_fields()
                    .find(|f| f.name == name || f.column == name)
                    .filter(|_| !name.contains("__"))
                    .ok_or_else(|| {
                        Error::validation(
                            &meta.name,
                            path,
                            format!(
                                "get_or_create and update_or_create take plain equalities on {}'s own fields; `{path}` = {value} is not one",
                                meta.name
                            ),
                        )
                    })?;
                out.push((field, value.clone()));
                Ok(())
            }
            other => Err(Error::validation(
                &meta.name,
                "lookup",
                format!(
                    "get_or_create and update_or_create take plain equalities joined by AND, not {other:?}"
                ),
            )),
        }
    }
    let mut out = Vec::new();
    walk(M::meta(), condition, &mut out)?;
    Ok(out)
}

/// `record` with the lookup's values set on it.
fn with_lookup<M: Model>(
    mut record: NewRecord<M>,
    lookup: &[(&'static FieldMeta, crate::value::Value)],
) -> Result<NewRecord<M>> {
    for (field, value) in lookup {
        record = record.set(&field.name, value.clone())?;
    }
    Ok(record)
}

impl<M: Model> QuerySet<M> {
    /// Creates `record`; inside a transaction in a savepoint, so that a failed insert does
    /// not abort the caller's transaction.
    async fn create_guarded(&self, db: &Db, record: NewRecord<M>) -> Result<M> {
        if db.in_transaction() {
            db.transaction(|tx| async move { self.create(&tx, record).await })
                .await
        } else {
            self.create(db, record).await
        }
    }

    /// The row matching `lookup` (plain equalities on `M`'s fields) among this queryset's
    /// rows, or a new one made of `defaults` plus the lookup's values: `(row, created)`.
    /// Safe under concurrency with a unique constraint on the lookup (see the
    /// [module documentation](crate::get_or_create)).
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::{q, Model};
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// let (tag, created) = Tag::objects()
    ///     .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Validation`] for a lookup that is not plain equalities;
    /// [`Error::MultipleObjectsReturned`] when several rows match; the insert's error when the
    /// row could not be created and still does not exist (a bad default, another unique
    /// field taken).
    pub async fn get_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        let lookup = lookup.into();
        let values = equalities::<M>(&lookup)?;
        let record = with_lookup(defaults.into(), &values)?;
        match self.get(db, lookup.clone()).await {
            Ok(row) => return Ok((row, false)),
            Err(Error::DoesNotExist { .. }) => {}
            Err(e) => return Err(e),
        }
        match self.create_guarded(db, record).await {
            Ok(row) => Ok((row, true)),
            Err(e @ Error::Integrity { .. }) => match self.get(db, lookup).await {
                Ok(row) => Ok((row, false)),
                Err(Error::DoesNotExist { .. }) => Err(e),
                Err(other) => Err(other),
            },
            Err(e) => Err(e),
        }
    }

    /// Updates the row matching `lookup` with the values of `defaults`, or creates it from
    /// `defaults` plus the lookup's values: `(row, created)`. See
    /// [`update_or_create_with`](Self::update_or_create_with) to create with other values.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::{q, Model};
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// let (tag, created) = Tag::objects()
    ///     .update_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust!"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        let values = defaults.into().into_values();
        let (mut update, mut create) = (NewRecord::<M>::new(), NewRecord::<M>::new());
        for (index, value) in values.into_iter().enumerate() {
            if let Some(value) = value {
                update.set_index(index, value.clone());
                create.set_index(index, value);
            }
        }
        self.update_or_create_with(db, lookup, update, create).await
    }

    /// Updates the row matching `lookup` with the values of `defaults` (one `UPDATE` in a
    /// transaction that first reads the row, locking it where the backend locks rows), or
    /// creates it from `create_defaults` plus the lookup's values (Django's
    /// `create_defaults`): `(row, created)`. A row created by another task meanwhile is
    /// caught by the unique constraint and updated instead.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::{q, Model};
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// let (tag, created) = Tag::objects()
    ///     .update_or_create_with(
    ///         &db,
    ///         q!(slug = "rust"),
    ///         Tag::build().name("Rust (updated)"),
    ///         Tag::build().name("Rust (new)"),
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create_with(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
        create_defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        let lookup = lookup.into();
        let values = equalities::<M>(&lookup)?;
        let assignments: Vec<Assignment> = M::meta()
            .concrete_fields()
            .zip(defaults.into().into_values())
            .filter_map(|(f, v)| {
                v.map(|value| Assignment {
                    field: f.name.clone(),
                    value: crate::query::Expr::Value(value),
                })
            })
            .collect();
        let record = with_lookup(create_defaults.into(), &values)?;
        if let Some(row) = self.update_found(db, &lookup, &assignments).await? {
            return Ok((row, false));
        }
        match self.create_guarded(db, record).await {
            Ok(row) => Ok((row, true)),
            Err(e @ Error::Integrity { .. }) => {
                match self.update_found(db, &lookup, &assignments).await? {
                    Some(row) => Ok((row, false)),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// In one transaction: the row matching `lookup`, updated with `assignments` and read
    /// back; `None` when there is none.
    async fn update_found(
        &self,
        db: &Db,
        lookup: &Condition,
        assignments: &[Assignment],
    ) -> Result<Option<M>> {
        let pk = M::meta().pk()?.name.clone();
        db.transaction(|tx| async move {
            let row = match self.get(&tx, lookup.clone()).await {
                Ok(row) => row,
                Err(Error::DoesNotExist { .. }) => return Ok(None),
                Err(e) => return Err(e),
            };
            if assignments.is_empty() {
                return Ok(Some(row));
            }
            let key: crate::value::Value = row.pk().clone().into();
            let this = QuerySet::<M>::new().filter(Condition::new(pk, key.clone()));
            this.update(&tx, assignments.iter().cloned()).await?;
            this.get(&tx, ()).await.map(Some)
        })
        .await
    }
}

impl<M: Model, L> RelatedManager<'_, M, L> {
    /// [`QuerySet::get_or_create`] among the related rows; a created row is linked to the
    /// owner.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
    /// let (post, created) = jane
    ///     .posts()
    ///     .get_or_create(&db, q!(title = "Hello"), Post::build().content("..."))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        self.invalidate();
        self.queryset().get_or_create(db, lookup, defaults).await
    }

    /// [`QuerySet::update_or_create`] among the related rows; a created row is linked to
    /// the owner.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
    /// // Jane's post titled "Hello" gets this content, or is created with it.
    /// let (post, created) = jane
    ///     .posts()
    ///     .update_or_create(&db, q!(title = "Hello"), Post::build().content("v2"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        self.invalidate();
        self.queryset().update_or_create(db, lookup, defaults).await
    }

    /// [`QuerySet::update_or_create_with`] among the related rows; a created row is linked
    /// to the owner.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, jane: User) -> aksara::Result<()> {
    /// // An existing post only gets the new content; a new one is also published.
    /// let (post, created) = jane
    ///     .posts()
    ///     .update_or_create_with(
    ///         &db,
    ///         q!(title = "Hello"),
    ///         Post::build().content("v2"),
    ///         Post::build().published(true),
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create_with(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<M>>,
        create_defaults: impl Into<NewRecord<M>>,
    ) -> Result<(M, bool)> {
        self.invalidate();
        self.queryset()
            .update_or_create_with(db, lookup, defaults, create_defaults)
            .await
    }
}

impl<T: Model> ManyToManyManager<'_, T> {
    /// Finds the row of `T` matching `lookup` (among all rows of `T`, linked or not) or
    /// creates it as [`QuerySet::get_or_create`] does, then links it to the owner
    /// (idempotently: an existing link stays as it is). `created` tells whether the row of
    /// `T` was created.
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, post: Post) -> aksara::Result<()> {
    /// let (tag, created) = post
    ///     .tags()
    ///     .get_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<T>>,
    ) -> Result<(T, bool)> {
        let (row, created) = T::objects().get_or_create(db, lookup, defaults).await?;
        self.add(db, [&row]).await?;
        Ok((row, created))
    }

    /// Updates or creates the row of `T` matching `lookup` as
    /// [`QuerySet::update_or_create`] does, then links it to the owner (idempotently).
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, post: Post) -> aksara::Result<()> {
    /// let (tag, created) = post
    ///     .tags()
    ///     .update_or_create(&db, q!(slug = "rust"), Tag::build().name("Rust"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<T>>,
    ) -> Result<(T, bool)> {
        let (row, created) = T::objects().update_or_create(db, lookup, defaults).await?;
        self.add(db, [&row]).await?;
        Ok((row, created))
    }

    /// [`QuerySet::update_or_create_with`] on `T`, then links the row to the owner
    /// (idempotently).
    ///
    /// ```no_run
    /// # use aksara::demo::*;
    /// # use aksara::q;
    /// # async fn demo(db: aksara::Db, post: Post) -> aksara::Result<()> {
    /// let (tag, created) = post
    ///     .tags()
    ///     .update_or_create_with(
    ///         &db,
    ///         q!(slug = "rust"),
    ///         Tag::build().name("Rust"),
    ///         Tag::build().name("Rust (new)"),
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_or_create_with(
        &self,
        db: &Db,
        lookup: impl Into<Condition>,
        defaults: impl Into<NewRecord<T>>,
        create_defaults: impl Into<NewRecord<T>>,
    ) -> Result<(T, bool)> {
        let (row, created) = T::objects()
            .update_or_create_with(db, lookup, defaults, create_defaults)
            .await?;
        self.add(db, [&row]).await?;
        Ok((row, created))
    }
}
