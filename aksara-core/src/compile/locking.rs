//! The locking clause of `select_for_update`: `FOR UPDATE [OF t0, t1] [NOWAIT | SKIP LOCKED]`,
//! as far as the dialect has row locks (see [`RowLocking`]).

use super::Compiler;
use super::Scope;
use crate::dialect::RowLocking;
use crate::error::{Error, Result};
use crate::query::{Distinct, LockWait, RowLock};
use crate::sql::Sql;

/// A table a lock can name: `self` or a to-one path the query joins.
struct Lockable<'s> {
    name: &'s str,
    alias: &'s str,
    inner: bool,
}

impl Compiler<'_> {
    /// The clause after the statement that locks the rows it reads, or nothing where the
    /// transaction already holds the database's write lock (SQLite).
    ///
    /// # Errors
    /// [`Error::Config`] for an `of` name the query does not join, for an `of` the backend
    /// cannot write (MySQL / MariaDB, unless it names every table read), for rows on the
    /// nullable side of a LEFT JOIN where the backend cannot lock them (PostgreSQL), and for
    /// a lock combined with `distinct`.
    pub(super) fn lock_clause(
        &self,
        scope: &Scope,
        lock: &RowLock,
        distinct: &Distinct,
    ) -> Result<Sql> {
        let backend = self.dialect.name();
        if *distinct != Distinct::All {
            return Err(Error::config(
                "select_for_update cannot be combined with distinct(): the rows of a DISTINCT \
                 are not rows of a table, so they cannot be locked",
            ));
        }
        let tables = lockable(scope);
        let mut named = Vec::new();
        for name in &lock.of {
            let Some(table) = tables.iter().find(|t| t.name == name) else {
                let model = &self.registry.at(scope.model).meta.name;
                return Err(Error::config(format!(
                    "select_for_update().of([\"{name}\"]) on {model}: `{name}` is not a table \
                     of this query; name \"self\" or a to-one path the query joins (with \
                     select_related, filter or order_by): {}",
                    tables
                        .iter()
                        .map(|t| format!("\"{}\"", t.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if !named.iter().any(|t: &&Lockable| t.alias == table.alias) {
                named.push(table);
            }
        }
        let RowLocking::Rows {
            of,
            outer_join_nullable_side,
        } = self.dialect.row_locking()
        else {
            return Ok(Sql::new());
        };
        let every_table = named.len() == tables.len();
        let locked: Vec<&Lockable> = if named.is_empty() {
            tables.iter().collect()
        } else {
            named
        };
        if !outer_join_nullable_side {
            if let Some(outer) = locked.iter().find(|t| !t.inner) {
                return Err(Error::config(format!(
                    "select_for_update on {backend}: `{}` is joined by a LEFT JOIN (the relation \
                     may be missing), whose rows {backend} cannot lock; name the tables to lock \
                     with .of([\"self\", ...]) leaving `{}` out",
                    outer.name, outer.name
                )));
            }
        }
        let mut sql = Sql::new();
        sql.push(" FOR UPDATE");
        if !lock.of.is_empty() && !every_table {
            if !of {
                return Err(Error::config(format!(
                    "select_for_update().of(..) is not available on {backend} (MariaDB has no \
                     FOR UPDATE OF): it can lock the rows of every table the query reads, \
                     which select_for_update() without of() does, but not only those of {}",
                    locked
                        .iter()
                        .map(|t| format!("`{}`", t.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            sql.push(" OF ");
            for (i, table) in locked.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.alias(table.alias);
            }
        }
        match lock.wait {
            LockWait::Wait => {}
            LockWait::NoWait => {
                sql.push(" NOWAIT");
            }
            LockWait::SkipLocked => {
                sql.push(" SKIP LOCKED");
            }
        }
        Ok(sql)
    }
}

/// The tables of the scope's `FROM` clause: the model itself (`self`) and each to-one join.
fn lockable(scope: &Scope) -> Vec<Lockable<'_>> {
    let mut tables = vec![Lockable {
        name: "self",
        alias: &scope.alias,
        inner: true,
    }];
    tables.extend(scope.joins.iter().map(|j| Lockable {
        name: &j.path,
        alias: &j.alias,
        inner: j.inner,
    }));
    tables
}
