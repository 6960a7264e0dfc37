//! Row locks: [`QuerySet::select_for_update`] and its options.
//!
//! `Post::objects().filter(..).select_for_update().all(&tx)` reads the rows and locks them
//! until the transaction ends, so that no other transaction locking them (or writing them)
//! gets past until then. It is a read of a transaction only: outside
//! [`Db::transaction`](crate::Db::transaction) the lock would end with the statement, so the
//! call is refused with [`Error::Config`] before any SQL runs.
//!
//! Per backend:
//! - PostgreSQL: `FOR UPDATE`, `FOR UPDATE OF t0, t1` ([`QuerySet::of`]), `NOWAIT`,
//!   `SKIP LOCKED`. The rows on the nullable side of a LEFT JOIN (a nullable relation in
//!   `select_related`) cannot be locked: name the other tables with `of`.
//! - MySQL 8 / MariaDB 10.6+: `FOR UPDATE`, `NOWAIT`, `SKIP LOCKED`; every table the query
//!   reads is locked. MariaDB has no `FOR UPDATE OF`, so an `of` that leaves out a table the
//!   query joins is an [`Error::Config`] (one that names every table is plain `FOR UPDATE`).
//! - SQLite has no row locks. Its transactions begin with `BEGIN IMMEDIATE`, which takes the
//!   database's write lock until the transaction ends (the m2m writes rely on the same), so
//!   a read inside a transaction already excludes every other writer: nothing is written
//!   after the `SELECT`. `nowait` and `skip_locked` are accepted and hold trivially: while a
//!   transaction runs, no other one holds a lock on any row, so there is nothing to skip
//!   and nothing to wait for at the `SELECT` (the wait is at `BEGIN`, up to the busy timeout,
//!   then [`Error::Conflict`] with `SQLITE_BUSY`). A job queue written with `skip_locked`
//!   therefore runs unchanged on SQLite, its workers one after the other. `of` is checked
//!   (it must name tables of the query) and otherwise has no effect.
//!
//! `count`, `exists`, `update` and `delete` do not take the lock; the prefetch queries of a
//! locked query do not lock their rows.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::manager::QuerySet;
use crate::query::{LockWait, Query, RowLock};

impl<M> QuerySet<M> {
    /// Locks the rows this query reads until the transaction ends (`SELECT ... FOR UPDATE`);
    /// another transaction locking one of them waits until then. Only inside
    /// [`Db::transaction`]; see [`crate::locking`] for what each backend does.
    ///
    /// # Errors
    /// When run outside a transaction: [`Error::Config`], before any SQL.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// db.transaction(|tx| async move {
    ///     let drafts = Post::objects()
    ///         .filter(q!(published = false))
    ///         .select_for_update()
    ///         .all(&tx)
    ///         .await?;
    ///     // ... no other transaction locks or writes these rows before the commit.
    ///     # let _ = drafts;
    ///     Ok(())
    /// })
    /// .await
    /// # }
    /// ```
    pub fn select_for_update(&self) -> Self {
        self.with(|q| {
            q.lock.get_or_insert_with(RowLock::default);
        })
    }

    /// A [`select_for_update`](Self::select_for_update) that does not wait: a row locked by
    /// another transaction fails the query at once with [`Error::LockNotAvailable`]
    /// (`FOR UPDATE NOWAIT`). Replaces [`skip_locked`](Self::skip_locked). On PostgreSQL the
    /// error aborts the transaction: run the read in a nested transaction (a savepoint) to
    /// carry on after it.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db, id: uuid::Uuid) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{Error, Model};
    ///
    /// let outcome = db
    ///     .transaction(|tx| async move {
    ///         Post::objects().select_for_update().nowait().get_by_pk(&tx, id).await
    ///     })
    ///     .await;
    /// match outcome {
    ///     Err(Error::LockNotAvailable { .. }) => println!("someone else is editing it"),
    ///     other => println!("{:?}", other.map(|p| p.title)),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn nowait(&self) -> Self {
        self.lock_wait(LockWait::NoWait)
    }

    /// A [`select_for_update`](Self::select_for_update) that leaves out the rows another
    /// transaction has locked (`FOR UPDATE SKIP LOCKED`): the way for several workers to
    /// claim different rows of one queue. Replaces [`nowait`](Self::nowait).
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// // Each worker publishes one draft no other worker holds.
    /// db.transaction(|tx| async move {
    ///     let next = Post::objects()
    ///         .filter(q!(published = false))
    ///         .order_by(["created_at"])
    ///         .select_for_update()
    ///         .skip_locked()
    ///         .first(&tx)
    ///         .await?;
    ///     if let Some(post) = next {
    ///         Post::objects().filter(q!(id = post.id)).update(&tx, [("published", true)]).await?;
    ///     }
    ///     Ok(())
    /// })
    /// .await
    /// # }
    /// ```
    pub fn skip_locked(&self) -> Self {
        self.lock_wait(LockWait::SkipLocked)
    }
}

impl<M: crate::model::Model> QuerySet<M> {
    /// A [`select_for_update`](Self::select_for_update) that locks the rows of these tables
    /// only: `"self"` for the model queried, a to-one path the query joins (`"author"` from
    /// `select_related(["author"])` or a filter on `author__...`) for a joined table
    /// (PostgreSQL `FOR UPDATE OF t0, t1`). Adds to the names given before.
    ///
    /// The same as [`lock_of`](Self::lock_of), under Django's name; on
    /// `QuerySet<Record>`, whose `of` names the model, it is `lock_of`.
    ///
    /// # Errors
    /// [`Error::Config`] when run with a name that is not a table of the query, and on
    /// MySQL / MariaDB (no `FOR UPDATE OF`) when the names leave out a table the query reads.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// db.transaction(|tx| async move {
    ///     // Locks the posts; their categories (a nullable relation, LEFT JOIN) are read only.
    ///     let posts = Post::objects()
    ///         .select_related(["category"])
    ///         .select_for_update()
    ///         .of(["self"])
    ///         .all(&tx)
    ///         .await?;
    ///     # let _ = posts;
    ///     Ok(())
    /// })
    /// .await
    /// # }
    /// ```
    pub fn of<P: AsRef<str>>(&self, tables: impl IntoIterator<Item = P>) -> Self {
        self.lock_of(tables)
    }
}

impl<M> QuerySet<M> {
    /// [`of`](QuerySet::of) for every kind of row, [`crate::Record`] included.
    ///
    /// ```no_run
    /// # async fn demo(tx: aksara::Db) -> aksara::Result<()> {
    /// use aksara::{QuerySet, Record};
    ///
    /// let rows = QuerySet::<Record>::of("Post")
    ///     .select_for_update()
    ///     .lock_of(["self"])
    ///     .all(&tx)
    ///     .await?;
    /// # let _ = rows; Ok(()) }
    /// ```
    pub fn lock_of<P: AsRef<str>>(&self, tables: impl IntoIterator<Item = P>) -> Self {
        let tables: Vec<String> = tables.into_iter().map(|t| t.as_ref().to_string()).collect();
        self.with(|q| {
            let lock = q.lock.get_or_insert_with(RowLock::default);
            for table in tables {
                if !lock.of.contains(&table) {
                    lock.of.push(table);
                }
            }
        })
    }

    fn lock_wait(&self, wait: LockWait) -> Self {
        self.with(|q| q.lock.get_or_insert_with(RowLock::default).wait = wait)
    }
}

/// Refuses a locking read of `model` outside a transaction, where its lock would end with
/// the statement.
pub(crate) fn check_in_transaction(query: &Query, db: &Db, model: &str) -> Result<()> {
    if query.lock.is_some() && !db.in_transaction() {
        return Err(Error::config(format!(
            "select_for_update on {model} outside a transaction: the lock would end with the \
             statement; run the query inside db.transaction(|tx| async move {{ .. }}) with \
             the transaction's handle"
        )));
    }
    Ok(())
}
