//! Forward access to a one-to-one relation through its owner (`profile.user(&db)`): the
//! row it loads learns its reverse side, so `user.profile(&db)` then runs no query.

use crate::db::Db;
use crate::error::{Error, Result};
use crate::meta::RelationKind;
use crate::model::{Model, ReferencedValue, RowReader};
use crate::relation::ToOne;
use std::sync::Arc;

/// The row the one-to-one field `field` of `owner` points at (`relation` is that field):
/// from its cache, or loaded with one query and cached. When it is loaded here, the loaded
/// row remembers `owner` as its reverse one-to-one (if it has a
/// [`Related`](crate::Related) field to keep it in), so the way back runs no query. What it
/// remembers is a copy of `owner` as it is now, without its loaded relations, so that no
/// reference cycle forms. `#[derive(Model)]` generates the accessor that calls this.
///
/// # Errors
/// [`Error::LazyLoad`] naming `Owner.field` when the row is not cached and `db` is strict;
/// [`Error::DoesNotExist`] if the row is gone.
pub async fn load<'a, O: Model, T: Model, K, R: ReferencedValue>(
    owner: &O,
    field: &str,
    relation: &'a ToOne<T, K, R>,
    db: &Db,
) -> Result<&'a T> {
    if relation.loaded().is_none() && db.is_strict() {
        return Err(Error::LazyLoad {
            model: O::meta().name.clone(),
            relation: field.to_string(),
        });
    }
    let was_loaded = relation.loaded().is_some();
    let row = relation.get(db).await?;
    if !was_loaded {
        remember_owner(owner, field, row, db)?;
    }
    Ok(row)
}

/// Keeps a copy of `owner` in `row`'s store as the reverse side of `owner.field`.
fn remember_owner<O: Model, T: Model>(owner: &O, field: &str, row: &T, db: &Db) -> Result<()> {
    let Some(store) = row.related_store() else {
        return Ok(());
    };
    let Ok(target) = db.registry().model(&T::meta().name) else {
        return Ok(());
    };
    let back = target.edges.iter().find(|e| {
        !e.forward
            && e.kind == RelationKind::OneToOne
            && e.owner == O::meta().name
            && e.field == field
    });
    if let Some(back) = back {
        let copy = O::from_row(&mut RowReader::new(owner.to_values()))?;
        store.remember_one(&back.name, Some(Arc::new(copy)));
    }
    Ok(())
}
