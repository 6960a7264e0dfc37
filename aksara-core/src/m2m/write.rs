//! The writes of a many-to-many manager: `create`, `add`, `remove`, `clear` and `set`.
//!
//! On a symmetrical relation (`#[aksara(symmetrical)]`) every write keeps both directions in
//! the same statement: `add` inserts `(a, b)` and `(b, a)` together (a row linked to itself is
//! one row), `remove` and `clear` delete the owner's pairs on either side, and `set` applies
//! the difference both ways in one transaction.

use super::junction_sql::{junction_context, through_values, Junction};
use super::{item_keys, ManyToManyManager, RowOrKey};
use crate::compile::Compiler;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::error_context::relate;
use crate::model::{Model, NewRecord};
use crate::prefetch::KeyOf;
use crate::value::Value;
use crate::write_prep::checked;

impl<'a, T: Model> ManyToManyManager<'a, T> {
    /// Creates a row of `T` from `record` (a builder such as `Tag::build().name("x")`) and
    /// links it to the owner, in one transaction: when the link cannot be made, the row is
    /// not left behind. Returns the created row.
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, NewRecord, Result};
    ///
    /// // `tags` is what `post.tags()` returns; `record` is what `Tag::build()...` gives.
    /// async fn tag<T: Model>(db: &Db, tags: ManyToManyManager<'_, T>, record: NewRecord<T>) -> Result<T> {
    ///     tags.create(db, record).await
    /// }
    /// ```
    pub async fn create(&self, db: &Db, record: impl Into<NewRecord<T>>) -> Result<T> {
        self.create_with(db, record, Vec::<(&str, Value)>::new())
            .await
    }

    /// [`create`](Self::create) for a custom through model, with values for its extra fields
    /// (Django's `through_defaults`), as [`add_with`](Self::add_with) takes them. A value
    /// naming no field of the through model is refused before anything is written.
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, NewRecord, Result, Value};
    ///
    /// // `members` is what `group.members()` returns, through a model with `invite_reason`.
    /// async fn join<T: Model>(db: &Db, members: ManyToManyManager<'_, T>, record: NewRecord<T>) -> Result<T> {
    ///     members
    ///         .create_with(db, record, [("invite_reason", Value::from("founder"))])
    ///         .await
    /// }
    /// ```
    pub async fn create_with<N: AsRef<str>>(
        &self,
        db: &Db,
        record: impl Into<NewRecord<T>>,
        through_defaults: impl IntoIterator<Item = (N, Value)>,
    ) -> Result<T> {
        let record = record.into();
        let registry = db.registry().clone();
        let junction = self.junction(&registry)?;
        let given = through_values(&junction, through_defaults)?;
        self.invalidate();
        let lock = self.lock_owner(db, &registry)?;
        let (registry, junction, given) = (&registry, &junction, &given);
        // The insert and the link in one transaction: a link that fails rolls the new row
        // back.
        db.transaction(|tx| async move {
            if let Some(lock) = lock {
                tx.fetch(lock).await?;
            }
            let row = T::objects().create(&tx, record).await?;
            let keys = self.target_keys(junction, item_keys([&row]))?;
            let statements = self.link_statements(&tx, registry, junction, &keys, given)?;
            let context = junction_context(junction, &keys);
            tx.execute_atomically(statements, |e| relate(registry, e, Some(context.context())))
                .await?;
            Ok(row)
        })
        .await
    }

    /// Links `items` (rows of `T` or their keys): one statement for all of them (beyond the
    /// backend's bind limit, several in one transaction); pairs that already exist are left as
    /// they are (neither an error nor a duplicate).
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result};
    ///
    /// // `tags` is what `post.tags()` returns; `first` and `second` are rows of its model.
    /// async fn link<T: Model>(db: &Db, tags: ManyToManyManager<'_, T>, first: &T, second: &T) -> Result<()> {
    ///     tags.add(db, [first, second]).await
    /// }
    /// ```
    pub async fn add<I: RowOrKey<T>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<()> {
        self.add_with(db, items, Vec::<(&str, Value)>::new()).await
    }

    /// [`add`](Self::add) for a custom through model, with values for its extra fields
    /// (Django's `through_defaults`). Extra fields without a value take their default, or NULL
    /// when nullable; a required one missing is an error before anything is written, unless
    /// every pair exists already (then nothing is written).
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result, Value};
    ///
    /// async fn join<T: Model>(db: &Db, members: ManyToManyManager<'_, T>, who: &T) -> Result<()> {
    ///     members.add_with(db, [who], [("invite_reason", Value::from("asked"))]).await
    /// }
    /// ```
    pub async fn add_with<I: RowOrKey<T>, N: AsRef<str>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
        through_defaults: impl IntoIterator<Item = (N, Value)>,
    ) -> Result<()> {
        let registry = db.registry().clone();
        let junction = self.junction(&registry)?;
        let keys = self.target_keys(&junction, item_keys(items))?;
        let given = through_values(&junction, through_defaults)?;
        self.invalidate();
        if keys.is_empty() {
            return Ok(());
        }
        let statements = match self.link_statements(db, &registry, &junction, &keys, &given) {
            Ok(statements) => statements,
            // A required extra field without a value is only needed for new links: when
            // every pair exists already there is nothing to write (as in Django).
            Err(Error::Validation { field, .. })
                if !given.iter().any(|(n, _)| n == &field)
                    && self.all_linked(db, &junction, &keys).await? =>
            {
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let lock = self.lock_owner(db, &registry)?;
        let context = junction_context(&junction, &keys);
        let (registry, context) = (&registry, &context);
        // Rerun whole on a deadlock or serialization failure (writes from the two sides of
        // one relation lock different owners, so they can still meet).
        db.transaction_retrying(|tx| {
            let (lock, statements) = (lock.clone(), statements.clone());
            async move {
                if let Some(lock) = lock {
                    tx.fetch(lock).await?;
                }
                tx.execute_atomically(statements, |e| relate(registry, e, Some(context.context())))
                    .await?;
                Ok(())
            }
        })
        .await
    }

    /// True when the owner is linked to every one of `keys` already (one read).
    async fn all_linked(&self, db: &Db, junction: &Junction<'_>, keys: &[Value]) -> Result<bool> {
        let linked: rustc_hash::FxHashSet<KeyOf> = db
            .fetch(self.linked_keys(db, junction)?)
            .await?
            .into_iter()
            .filter_map(|row| row.into_iter().next())
            .filter_map(|v| checked(junction.info, junction.target, v).ok())
            .filter_map(|v| KeyOf::of(&v))
            .collect();
        Ok(keys
            .iter()
            .all(|k| KeyOf::of(k).is_some_and(|k| linked.contains(&k))))
    }

    /// Unlinks `items` (rows of `T` or their keys); one statement. Returns the number of
    /// junction rows deleted (on a symmetrical relation, both rows of each pair).
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result};
    ///
    /// async fn unlink<T: Model>(db: &Db, tags: ManyToManyManager<'_, T>, old: &T) -> Result<u64> {
    ///     tags.remove(db, [old]).await
    /// }
    /// ```
    pub async fn remove<I: RowOrKey<T>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<u64> {
        let registry = db.registry().clone();
        let junction = self.junction(&registry)?;
        let keys = self.target_keys(&junction, item_keys(items))?;
        self.invalidate();
        if keys.is_empty() {
            return Ok(0);
        }
        let query = self.junction_query(&junction, Some((true, keys)));
        let sql = Compiler::new(&registry, db.dialect()).delete(junction.info, &query)?;
        self.locked_delete(db, &registry, sql).await
    }

    /// Unlinks every related row; one statement. Returns the number of junction rows deleted
    /// (on a symmetrical relation, every row with the owner on either side).
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result};
    ///
    /// async fn untag<T: Model>(db: &Db, tags: ManyToManyManager<'_, T>) -> Result<u64> {
    ///     tags.clear(db).await
    /// }
    /// ```
    pub async fn clear(&self, db: &Db) -> Result<u64> {
        let registry = db.registry().clone();
        let junction = self.junction(&registry)?;
        self.invalidate();
        let query = self.junction_query(&junction, None);
        let sql = Compiler::new(&registry, db.dialect()).delete(junction.info, &query)?;
        self.locked_delete(db, &registry, sql).await
    }

    /// Makes `items` exactly the related rows, in one transaction: removes the links to
    /// other rows, keeps the links that already exist as they are, and adds the missing ones.
    /// For a through model with a required extra field, only new links need a value: pass
    /// them with [`set_with`](Self::set_with). On a symmetrical relation the links in place
    /// are read from the owner's side (where every write stores them too) and removed and
    /// added in both directions.
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result};
    ///
    /// async fn only<T: Model>(db: &Db, tags: ManyToManyManager<'_, T>, keep: &T) -> Result<()> {
    ///     tags.set(db, [keep]).await
    /// }
    /// ```
    pub async fn set<I: RowOrKey<T>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<()> {
        self.set_with(db, items, Vec::<(&str, Value)>::new()).await
    }

    /// [`set`](Self::set) with values for a through model's extra fields, used for the links
    /// it adds (Django's `through_defaults`); links that already exist keep their values.
    ///
    /// ```no_run
    /// use aksara_core::{Db, ManyToManyManager, Model, Result, Value};
    ///
    /// // The group's members become exactly these two; a new membership gets the reason.
    /// async fn keep<T: Model>(db: &Db, members: ManyToManyManager<'_, T>, a: &T, b: &T) -> Result<()> {
    ///     members.set_with(db, [a, b], [("invite_reason", Value::from("kept"))]).await
    /// }
    /// ```
    pub async fn set_with<I: RowOrKey<T>, N: AsRef<str>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
        through_defaults: impl IntoIterator<Item = (N, Value)>,
    ) -> Result<()> {
        let registry = db.registry().clone();
        let junction = self.junction(&registry)?;
        let keys = self.target_keys(&junction, item_keys(items))?;
        let given = through_values(&junction, through_defaults)?;
        self.invalidate();
        let lock = self.lock_owner(db, &registry)?;
        let existing_sql = self.linked_keys(db, &junction)?;
        let registry = &registry;
        let junction = &junction;
        let keys = &keys;
        let given = &given;
        db.transaction_retrying(|tx| {
            let (lock, existing_sql) = (lock.clone(), existing_sql.clone());
            async move {
                if let Some(lock) = lock {
                    tx.fetch(lock).await?;
                }
                let existing: rustc_hash::FxHashSet<crate::prefetch::KeyOf> = tx
                    .fetch(existing_sql)
                    .await?
                    .into_iter()
                    .filter_map(|row| row.into_iter().next())
                    .filter_map(|v| checked(junction.info, junction.target, v).ok())
                    .filter_map(|v| crate::prefetch::KeyOf::of(&v))
                    .collect();
                let wanted: rustc_hash::FxHashSet<crate::prefetch::KeyOf> =
                    keys.iter().filter_map(crate::prefetch::KeyOf::of).collect();
                if existing.iter().any(|k| !wanted.contains(k)) {
                    let query = self.junction_query(
                        junction,
                        (!keys.is_empty()).then(|| (false, keys.clone())),
                    );
                    let delete =
                        Compiler::new(registry, tx.dialect()).delete(junction.info, &query)?;
                    tx.execute(delete).await?;
                }
                let new: Vec<Value> = keys
                    .iter()
                    .filter(|k| {
                        crate::prefetch::KeyOf::of(k).is_some_and(|k| !existing.contains(&k))
                    })
                    .cloned()
                    .collect();
                if new.is_empty() {
                    return Ok(());
                }
                let statements = self.link_statements(&tx, registry, junction, &new, given)?;
                let context = junction_context(junction, &new);
                tx.execute_atomically(statements, |e| relate(registry, e, Some(context.context())))
                    .await?;
                Ok(())
            }
        })
        .await
    }
}
