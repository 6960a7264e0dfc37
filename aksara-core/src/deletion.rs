//! Deleting rows and what `on_delete` does about the rows that reference them.
//!
//! # How on_delete is enforced
//! The database does the work: every foreign key is created with `ON DELETE CASCADE`,
//! `SET NULL` or `RESTRICT` (for both `RESTRICT` and `PROTECT`), so a delete is one statement
//! and raw SQL obeys the same rules. A refused delete comes back as a foreign key violation
//! whose constraint name leads to the relation, and becomes an
//! [`Error::ForeignKeyConstraint`] naming it.
//!
//! `PROTECT` is also checked by the ORM before deleting: for every relation that would refuse,
//! reached directly or through a chain of cascades, one `SELECT 1 ... LIMIT 1` asks whether any
//! referencing row exists, in the same transaction as the delete. The error then names the
//! protecting relation even when the refusal would come from deep in a cascade. Models without
//! `PROTECT` relations pointing at them (directly or through cascades) pay nothing: their
//! delete is a single statement.

use crate::compile::Compiler;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::errors::{relate, Context};
use crate::meta::OnDelete;
use crate::query::Query;
use crate::registry::{Registry, Via};
use crate::sql::Sql;
use crate::value::Value;

/// How deep cascades are followed looking for `PROTECT` relations.
const MAX_CASCADE_DEPTH: usize = 8;

/// A relation that protects rows of the deleted model, reached through a chain of cascades.
struct ProtectPath {
    /// Reverse cascade edges from the deleted model: (child model index, referencing column).
    cascades: Vec<(usize, String)>,
    /// The protecting model index, its referencing column and field name.
    protector: (usize, String, String),
}

fn protect_paths(registry: &Registry, model: usize) -> Vec<ProtectPath> {
    let mut found = Vec::new();
    let mut stack: Vec<(usize, Vec<(usize, String)>)> = vec![(model, Vec::new())];
    while let Some((current, chain)) = stack.pop() {
        for edge in registry.at(current).edges.iter().filter(|e| !e.forward) {
            let Via::Reverse { column, .. } = &edge.via else {
                continue;
            };
            match edge.on_delete {
                OnDelete::Protect => found.push(ProtectPath {
                    cascades: chain.clone(),
                    protector: (edge.target, column.clone(), edge.field.clone()),
                }),
                OnDelete::Cascade
                    if chain.len() < MAX_CASCADE_DEPTH
                        && !chain.iter().any(|(m, _)| *m == edge.target) =>
                {
                    let mut next = chain.clone();
                    next.push((edge.target, column.clone()));
                    stack.push((edge.target, next));
                }
                _ => {}
            }
        }
    }
    found
}

/// Which rows to delete.
pub(crate) enum Rows<'a> {
    /// The row with this key.
    Key(Value),
    /// The rows a query selects.
    Query(&'a Query),
}

/// Deletes the rows a query selects; see the module docs.
pub(crate) async fn delete_rows(db: &Db, model: usize, query: &Query) -> Result<u64> {
    delete(db, model, Rows::Query(query)).await
}

/// Deletes rows of the model at `model`, checking `PROTECT` first; returns the rows deleted.
pub(crate) async fn delete(db: &Db, model: usize, rows: Rows<'_>) -> Result<u64> {
    let registry = db.registry().clone();
    let info = registry.at(model);
    let paths = protect_paths(&registry, model);
    let keys = |compiler: &mut Compiler| -> Result<Sql> {
        match &rows {
            Rows::Key(key) => Ok(compiler.key(&info.meta, key.clone())),
            Rows::Query(query) => compiler.keys(info, query),
        }
    };
    let mut compiler = Compiler::new(&registry, db.dialect());
    let statement = match &rows {
        Rows::Key(key) => compiler.delete_by_pk(&info.meta, key.clone()),
        Rows::Query(query) => compiler.delete(info, query)?,
    };
    let mut checks = Vec::new();
    for path in &paths {
        let mut selected = keys(&mut compiler)?;
        for (child, column) in &path.cascades {
            selected = compiler.referencing_keys(&registry.at(*child).meta, column, selected);
        }
        let (protector, column, field) = &path.protector;
        let check = compiler.any_referencing(&registry.at(*protector).meta, column, selected);
        checks.push((check, *protector, field.clone()));
    }
    let model_name = info.meta.name.clone();
    let run = |tx: Db| async move {
        for (check, protector, field) in checks {
            if !tx.fetch(check).await?.is_empty() {
                let protector = &tx.registry().at(protector).meta.name;
                return Err(Error::ForeignKeyConstraint {
                    model: protector.clone(),
                    relation: field.clone(),
                    message: format!(
                        "cannot delete {model_name}: {protector} rows still reference it through {protector}.{field} (on_delete=PROTECT); nothing was deleted"
                    ),
                });
            }
        }
        let context = Context::Delete { model: &model_name };
        tx.execute_raw(statement)
            .await
            .map(|n| n as u64)
            .map_err(|e| relate(tx.registry(), e, Some(context)))
    };
    if paths.is_empty() {
        run(db.clone()).await
    } else {
        db.transaction(run).await
    }
}
