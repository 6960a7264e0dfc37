//! A single [`QuerySet::create`](crate::QuerySet::create), and its upsert:
//! `create(&db, record).on_conflict(fields).do_nothing()` or `.do_update(fields)`.

use super::{names, OnConflict, Upsert, WriteFuture};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Model, NewRecord};
use std::future::IntoFuture;

/// What [`QuerySet::create`](crate::QuerySet::create) returns: awaited, it inserts the row;
/// [`on_conflict`](Self::on_conflict) makes it an upsert of that one row.
#[must_use = "nothing is written until it is awaited"]
pub struct Create<'a, M: Model> {
    db: &'a Db,
    record: Result<NewRecord<M>>,
}

impl<'a, M: Model> Create<'a, M> {
    /// The creation of `record` on `db` (an error in building it is returned when awaited).
    pub(crate) fn new(db: &'a Db, record: Result<NewRecord<M>>) -> Self {
        Create { db, record }
    }

    /// Makes the insert an upsert on the unique constraint of `fields`, as
    /// [`BulkCreate::on_conflict`](super::BulkCreate::on_conflict) does for many rows: the
    /// row returned is the one stored, inserted now or found.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let rust = Tag::objects()
    ///     .create(&db, Tag::build().name("Rust").slug("rust"))
    ///     .on_conflict(["slug"])
    ///     .do_nothing()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on_conflict<F: AsRef<str>>(
        self,
        fields: impl IntoIterator<Item = F>,
    ) -> CreateOnConflict<'a, M> {
        CreateOnConflict(OnConflict {
            db: self.db,
            records: self.record.map(|r| vec![r]),
            target: names(fields),
        })
    }
}

impl<'a, M: Model> IntoFuture for Create<'a, M> {
    type Output = Result<M>;
    type IntoFuture = WriteFuture<'a, M>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { crate::instance::insert(self.db, self.record?).await })
    }
}

/// A single create whose conflict on a unique constraint is resolved: say how with
/// [`do_nothing`](Self::do_nothing) or [`do_update`](Self::do_update).
#[must_use = "say what a conflict does: do_nothing() or do_update(fields)"]
pub struct CreateOnConflict<'a, M: Model>(OnConflict<'a, M>);

impl<'a, M: Model> CreateOnConflict<'a, M> {
    /// A conflicting row is left as it is, and returned.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let record = Tag::build().name("Rust").slug("rust");
    /// let rust = Tag::objects().create(&db, record).on_conflict(["slug"]).do_nothing().await?;
    /// # Ok(()) }
    /// ```
    pub fn do_nothing(self) -> CreateUpsert<'a, M> {
        CreateUpsert(self.0.do_nothing())
    }

    /// A conflicting row gets the new values of `fields`, and is returned.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let record = Tag::build().name("Rust!").slug("rust");
    /// let rust = Tag::objects()
    ///     .create(&db, record)
    ///     .on_conflict(["slug"])
    ///     .do_update(["name"])
    ///     .await?;
    /// assert_eq!(rust.name, "Rust!");
    /// # Ok(()) }
    /// ```
    pub fn do_update<F: AsRef<str>>(
        self,
        fields: impl IntoIterator<Item = F>,
    ) -> CreateUpsert<'a, M> {
        CreateUpsert(self.0.do_update(fields))
    }
}

/// The upsert of one row ready to run: awaited, it returns the row as stored.
#[must_use = "nothing is written until it is awaited"]
pub struct CreateUpsert<'a, M: Model>(Upsert<'a, M>);

impl<'a, M: Model> IntoFuture for CreateUpsert<'a, M> {
    type Output = Result<M>;
    type IntoFuture = WriteFuture<'a, M>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let model = M::meta().name.clone();
            self.0.await?.pop().ok_or_else(|| {
                Error::database(format!("the upsert of one {model} returned no row"))
            })
        })
    }
}
