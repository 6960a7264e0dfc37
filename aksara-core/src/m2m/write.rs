//! The writes of a many-to-many manager: `add`, `remove`, `clear` and `set`.

use super::junction_sql::{junction_context, through_values};
use super::{item_keys, ManyToManyManager, RowOrKey};
use crate::compile::Compiler;
use crate::db::Db;
use crate::error::Result;
use crate::error_context::relate;
use crate::model::Model;
use crate::value::Value;
use crate::write_prep::checked;

impl<'a, T: Model> ManyToManyManager<'a, T> {
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
    /// when nullable; a required one missing is an error before any SQL runs.
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
        let statements = self.link_statements(db, &registry, &junction, &keys, &given)?;
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

    /// Unlinks `items` (rows of `T` or their keys); one statement. Returns the number of
    /// links removed.
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

    /// Unlinks every related row; one statement. Returns the number of links removed.
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
    /// them with [`set_with`](Self::set_with).
    pub async fn set<I: RowOrKey<T>>(
        &self,
        db: &Db,
        items: impl IntoIterator<Item = I>,
    ) -> Result<()> {
        self.set_with(db, items, Vec::<(&str, Value)>::new()).await
    }

    /// [`set`](Self::set) with values for a through model's extra fields, used for the links
    /// it adds (Django's `through_defaults`); links that already exist keep their values.
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
