//! Upserts: [`QuerySet::bulk_create`](crate::QuerySet::bulk_create) (or
//! [`QuerySet::create`](crate::QuerySet::create) for one row) followed by
//! `.on_conflict(fields)` and `.do_nothing()` or `.do_update(fields)`.
//!
//! ```no_run
//! # async fn demo(db: aksara::Db) -> aksara::Result<()> {
//! use aksara::demo::Tag;
//! use aksara::Model;
//!
//! let rows = ["rust", "async"].map(|s| Tag::build().name(s).slug(s));
//! // One tag per slug afterwards, new or not; existing tags keep their name.
//! let tags = Tag::objects().bulk_create(&db, rows).on_conflict(["slug"]).do_nothing().await?;
//! # Ok(()) }
//! ```
//!
//! # What is checked
//!
//! The conflict fields must be the primary key, a `unique` field or a `unique_together` set of
//! the model, and the fields `do_update` names must be fields of the model with a column,
//! neither the primary key nor a conflict field; anything else is an
//! [`Error::Config`](crate::Error::Config) naming the model and the fields, before any SQL
//! runs. Every record is then checked as `bulk_create` checks it, and each must give a value
//! (not NULL) to every conflict field: rows are found again by those values.
//!
//! # What comes back
//!
//! One model per record, in the order of the records, each as its row is stored once the call
//! is done: the new row for a record inserted, the existing row for one that conflicted (with
//! `do_update`, holding the new values of the fields named). Records that share their conflict
//! values are one row: it is written from the first of them, and with `do_update` the fields
//! named take the values of the last one, as if the records had been upserted one by one.
//!
//! # How it is written
//!
//! PostgreSQL and SQLite (3.24 and later; the bundled one is newer) write
//! `INSERT ... ON CONFLICT (slug) DO NOTHING` or `DO UPDATE SET name = EXCLUDED.name`, so a
//! conflict on another unique constraint still fails. MySQL and MariaDB write
//! `INSERT ... ON DUPLICATE KEY UPDATE name = VALUES(name)`, and for `do_nothing` the no-op
//! update `slug = slug` rather than `INSERT IGNORE`, which would also skip, with a mere
//! warning, rows that violate a foreign key or hold a value out of range. `ON DUPLICATE KEY`
//! reacts to every unique key of the table; a row that conflicted on another one than the
//! conflict fields is not found again, and the call fails with
//! [`Error::Integrity`](crate::Error::Integrity) as it does on the other backends.
//!
//! The inserts (as many rows per statement as the bind limit allows) and the reads that find
//! every row again by its conflict values run in one transaction: PostgreSQL's `RETURNING`
//! does not return the rows `DO NOTHING` skipped, and MySQL has none. Every statement reads
//! the data committed when it starts (Aksara's PostgreSQL and MySQL sessions use `READ
//! COMMITTED`; SQLite runs one writer at a time), so a row another transaction committed while
//! this one waited for it is found.
//!
//! # Concurrency
//!
//! Rows go in sorted by their conflict values, so concurrent upserts take their row locks in
//! the same order and do not deadlock one another on PostgreSQL. Where a deadlock or
//! serialization failure still happens (InnoDB's locks on its unique indexes, a foreign key
//! check of another transaction holding a row this one updates), the whole transaction is run
//! again ([`Db::transaction_retrying`]); inside a caller's transaction the conflict goes to the
//! caller, whose transaction the database rolled back. PostgreSQL resolves a conflict on the
//! named constraint only: two transactions inserting the same new row at the same moment can
//! both pass that check and meet on another unique index of the table, where the later one
//! fails once the earlier commits. A call failing on a unique constraint is therefore run again
//! (three times at most; the row is then found by the conflict check), so that only a real
//! clash with another row is returned.

mod create;
mod plan;
mod run;

pub use create::{Create, CreateOnConflict, CreateUpsert};

use crate::db::Db;
use crate::error::Result;
use crate::model::{Model, NewRecord};
use plan::Plan;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

/// The future an upsert or a bulk create is awaited as.
pub type WriteFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// What [`QuerySet::bulk_create`](crate::QuerySet::bulk_create) returns: awaited, it inserts
/// the rows; [`on_conflict`](Self::on_conflict) makes it an upsert.
#[must_use = "nothing is written until it is awaited"]
pub struct BulkCreate<'a, M: Model> {
    db: &'a Db,
    records: Result<Vec<NewRecord<M>>>,
}

impl<'a, M: Model> BulkCreate<'a, M> {
    /// The bulk create of `records` on `db` (an error in building them is returned when
    /// awaited).
    pub(crate) fn new(db: &'a Db, records: Result<Vec<NewRecord<M>>>) -> Self {
        BulkCreate { db, records }
    }

    /// Makes the insert an upsert on the unique constraint of `fields`: the primary key, a
    /// unique field or a `unique_together` set. Follow it with
    /// [`do_nothing`](OnConflict::do_nothing) or [`do_update`](OnConflict::do_update).
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let tags = Tag::objects()
    ///     .bulk_create(&db, [Tag::build().name("Rust").slug("rust")])
    ///     .on_conflict(["slug"])
    ///     .do_nothing()
    ///     .await?;
    /// assert_eq!(tags[0].slug, "rust");
    /// # Ok(()) }
    /// ```
    pub fn on_conflict<F: AsRef<str>>(
        self,
        fields: impl IntoIterator<Item = F>,
    ) -> OnConflict<'a, M> {
        OnConflict {
            db: self.db,
            records: self.records,
            target: names(fields),
        }
    }
}

impl<'a, M: Model> IntoFuture for BulkCreate<'a, M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = WriteFuture<'a, Vec<M>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { crate::bulk::insert_many(self.db, self.records?).await })
    }
}

/// A bulk create whose conflicts on a unique constraint are resolved: say how with
/// [`do_nothing`](Self::do_nothing) or [`do_update`](Self::do_update).
#[must_use = "say what a conflict does: do_nothing() or do_update(fields)"]
pub struct OnConflict<'a, M: Model> {
    db: &'a Db,
    records: Result<Vec<NewRecord<M>>>,
    target: Vec<String>,
}

impl<'a, M: Model> OnConflict<'a, M> {
    /// A row that conflicts with an existing one leaves it as it is; the existing row is
    /// returned for it.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let rows = ["rust", "async"].map(|s| Tag::build().name(s).slug(s));
    /// let tags = Tag::objects().bulk_create(&db, rows).on_conflict(["slug"]).do_nothing().await?;
    /// assert_eq!(tags.len(), 2); // with their keys, inserted now or before
    /// # Ok(()) }
    /// ```
    pub fn do_nothing(self) -> Upsert<'a, M> {
        Upsert {
            db: self.db,
            records: self.records,
            target: self.target,
            update: None,
        }
    }

    /// A row that conflicts with an existing one sets `fields` of it to the new values; the
    /// other fields of the existing row stay as they are.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let tags = Tag::objects()
    ///     .bulk_create(&db, [Tag::build().name("Rust!").slug("rust")])
    ///     .on_conflict(["slug"])
    ///     .do_update(["name"])
    ///     .await?;
    /// assert_eq!(tags[0].name, "Rust!");
    /// # Ok(()) }
    /// ```
    pub fn do_update<F: AsRef<str>>(self, fields: impl IntoIterator<Item = F>) -> Upsert<'a, M> {
        Upsert {
            db: self.db,
            records: self.records,
            target: self.target,
            update: Some(names(fields)),
        }
    }
}

/// An upsert ready to run: awaited, it returns one model per record, in order, with its key.
#[must_use = "nothing is written until it is awaited"]
pub struct Upsert<'a, M: Model> {
    db: &'a Db,
    records: Result<Vec<NewRecord<M>>>,
    target: Vec<String>,
    /// The fields a conflicting row takes from the new one; `None` for `do_nothing`.
    update: Option<Vec<String>>,
}

impl<'a, M: Model> IntoFuture for Upsert<'a, M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = WriteFuture<'a, Vec<M>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let info = crate::write_prep::model_info::<M>(self.db.registry())?;
            let plan = Plan::new(&info.meta, &self.target, self.update.as_deref())?;
            run::upsert(self.db, info, self.records?, &plan).await
        })
    }
}

/// The names of `fields`.
fn names<F: AsRef<str>>(fields: impl IntoIterator<Item = F>) -> Vec<String> {
    fields.into_iter().map(|f| f.as_ref().to_string()).collect()
}
