//! INSERT forms: single and multi-row, ignoring duplicates, upserts on a named unique
//! constraint, returning the key, DEFAULT VALUES, batches within the bind limit, and
//! PostgreSQL's UNNEST of one array per column.

use super::foreign_keys::ForeignKeyBinds;
use super::Compiler;
use crate::dialect::{InsertIgnore, UpsertSyntax};
use crate::meta::{FieldMeta, ModelMeta};
use crate::sql::{Sql, WriteTarget};
use crate::value::Value;

/// What an `INSERT` does with a row that violates a unique constraint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnDuplicate {
    /// The statement fails (the default).
    #[default]
    Fail,
    /// The row is skipped, in the dialect's words (see [`InsertIgnore`]).
    Ignore,
}

/// The conflict clause of an upsert: the columns of the unique constraint a new row may
/// conflict on, and the columns the existing row then takes from the new one (none: it is left
/// as it is).
///
/// ```
/// use aksara_core::compile::{Conflict, InsertOptions};
/// let target = ["slug"];
/// let update = ["name"];
/// let options = InsertOptions::upserting(Conflict { target: &target, update: &update });
/// assert_eq!(options.on_conflict.map(|c| c.update), Some(&update[..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict<'c> {
    /// The columns of the unique constraint (`ON CONFLICT (target)`).
    pub target: &'c [&'c str],
    /// The columns set from the new row on a conflict; empty to do nothing.
    pub update: &'c [&'c str],
}

/// How an `INSERT` is written beyond its rows.
///
/// ```
/// use aksara_core::compile::{InsertOptions, OnDuplicate};
/// let plain = InsertOptions::default();
/// let keyed = InsertOptions::returning("id");
/// let linking = InsertOptions::ignoring_duplicates();
/// assert_eq!(plain.on_duplicate, OnDuplicate::Fail);
/// assert_eq!(keyed.returning, Some("id"));
/// assert_eq!(linking.on_duplicate, OnDuplicate::Ignore);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InsertOptions<'c> {
    /// What a row violating a unique constraint does.
    pub on_duplicate: OnDuplicate,
    /// The column to return from each inserted row (`RETURNING column`), if any.
    pub returning: Option<&'c str>,
    /// An upsert's conflict clause; when set, it replaces [`InsertOptions::on_duplicate`].
    pub on_conflict: Option<Conflict<'c>>,
}

impl<'c> InsertOptions<'c> {
    /// A plain insert returning `column` of each row.
    pub fn returning(column: &'c str) -> Self {
        InsertOptions {
            returning: Some(column),
            ..InsertOptions::default()
        }
    }

    /// An insert that skips rows violating a unique constraint.
    pub fn ignoring_duplicates() -> Self {
        InsertOptions {
            on_duplicate: OnDuplicate::Ignore,
            ..InsertOptions::default()
        }
    }

    /// An upsert: rows conflicting on `conflict.target` leave the existing row as it is or
    /// update its `conflict.update` columns.
    pub fn upserting(conflict: Conflict<'c>) -> Self {
        InsertOptions {
            on_conflict: Some(conflict),
            ..InsertOptions::default()
        }
    }
}

impl Compiler<'_> {
    /// `INSERT` of `rows` (values in the order of `columns`), written as `options` say.
    pub fn insert(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        rows: Vec<Vec<Value>>,
        options: InsertOptions<'_>,
    ) -> Sql {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        let ignore = (options.on_duplicate == OnDuplicate::Ignore && options.on_conflict.is_none())
            .then(|| self.dialect.insert_ignore());
        sql.push(if ignore == Some(InsertIgnore::InsertIgnore) {
            "INSERT IGNORE INTO "
        } else {
            "INSERT INTO "
        });
        sql.ident(&meta.table);
        // A row that gives no column (a model whose only field is its auto key): every
        // column takes its default. `INSERT INTO t () VALUES ()` is MySQL's own syntax.
        let auto_key = meta.try_pk().filter(|pk| pk.kind.is_auto());
        if columns.is_empty() && rows.len() <= 1 {
            sql.push(self.dialect.default_values_insert());
        } else if let (true, Some(pk)) = (columns.is_empty(), auto_key) {
            // Several such rows: the key column alone, assigned by the database.
            sql.push(" (").ident(&pk.column).push(") VALUES ");
            for r in 0..rows.len() {
                sql.push(if r > 0 { ", (" } else { "(" });
                sql.push(self.dialect.auto_key_in_values()).push(")");
            }
        } else {
            let mut keys =
                ForeignKeyBinds::new(self.registry, &meta.table, columns.iter().copied());
            self.column_list(&mut sql, columns);
            sql.push(" VALUES ");
            for (r, row) in rows.into_iter().enumerate() {
                sql.push(if r > 0 { ", (" } else { "(" });
                for (i, (value, column)) in row.into_iter().zip(columns).enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    keys.bind(&mut sql, i, value, column.kind.value_type());
                }
                sql.push(")");
            }
            keys.finish(&mut sql);
        }
        if ignore == Some(InsertIgnore::OnConflictDoNothing) {
            sql.push(" ON CONFLICT DO NOTHING");
        }
        if let (Some(InsertIgnore::OnDuplicateKeyUpdate), Some(first)) = (ignore, columns.first()) {
            sql.push(" ON DUPLICATE KEY UPDATE ")
                .ident(&first.column)
                .push(" = ")
                .ident(&first.column);
        }
        if let Some(conflict) = options.on_conflict {
            self.conflict_clause(&mut sql, conflict);
        }
        if let Some(column) = options.returning {
            sql.push(" RETURNING ").ident(column);
        }
        sql
    }

    /// ` ON CONFLICT (target) DO NOTHING` / ` DO UPDATE SET c = EXCLUDED.c, ...`, or MySQL's
    /// ` ON DUPLICATE KEY UPDATE c = VALUES(c), ...`.
    fn conflict_clause(&self, sql: &mut Sql, conflict: Conflict<'_>) {
        match self.dialect.upsert_syntax() {
            UpsertSyntax::OnConflict => {
                sql.push(" ON CONFLICT (");
                for (i, column) in conflict.target.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(column);
                }
                if conflict.update.is_empty() {
                    sql.push(") DO NOTHING");
                    return;
                }
                sql.push(") DO UPDATE SET ");
                for (i, column) in conflict.update.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(column).push(" = EXCLUDED.").ident(column);
                }
            }
            UpsertSyntax::OnDuplicateKeyUpdate => {
                sql.push(" ON DUPLICATE KEY UPDATE ");
                // Doing nothing is a no-op update of a conflict column (`slug = slug`), not
                // `INSERT IGNORE`, which would also turn other errors (a foreign key with no
                // target, a value out of range) into warnings and skip those rows silently.
                if conflict.update.is_empty() {
                    if let Some(first) = conflict.target.first() {
                        sql.ident(first).push(" = ").ident(first);
                    }
                    return;
                }
                for (i, column) in conflict.update.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(column).push(" = VALUES(").ident(column).push(")");
                }
            }
        }
    }

    /// How many rows one multi-row insert of `columns` columns may carry within the dialect's
    /// bind limit.
    pub fn rows_per_insert(&self, columns: usize) -> usize {
        (self.dialect.max_binds() / columns.max(1)).max(1)
    }

    /// The multi-row insert of `rows` as statements that each fit the dialect's bind limit,
    /// with the number of rows each carries. A statement whose row count is unlikely to recur
    /// (neither a full batch nor a small one) is marked [`Sql::one_off`], so that its
    /// prepared form does not stay in the connection's cache.
    pub fn insert_batches(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        rows: Vec<Vec<Value>>,
        options: InsertOptions<'_>,
    ) -> Vec<(Sql, usize)> {
        /// Batches up to this many rows are common enough to keep prepared.
        const SMALL_BATCH: usize = 16;
        let per_statement = self.rows_per_insert(columns.len());
        let mut statements = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
            let count = batch.len();
            let mut sql = self.insert(meta, columns, batch, options);
            if count != per_statement && count > SMALL_BATCH {
                sql.mark_one_off();
            }
            statements.push((sql, count));
        }
        statements
    }

    /// `INSERT INTO table (columns) SELECT * FROM UNNEST($1, $2, ...) ON CONFLICT DO NOTHING`:
    /// many rows as one array per column, one cached statement whatever the number of rows
    /// (for dialects that bind arrays).
    pub fn insert_unnest(
        &self,
        meta: &ModelMeta,
        columns: &[&FieldMeta],
        arrays: Vec<Vec<Value>>,
    ) -> Sql {
        let mut sql = Sql::write(WriteTarget::new(&meta.table));
        let mut keys = ForeignKeyBinds::new(self.registry, &meta.table, columns.iter().copied());
        sql.push("INSERT INTO ").ident(&meta.table);
        self.column_list(&mut sql, columns);
        sql.push(" SELECT * FROM UNNEST(");
        for (i, (array, column)) in arrays.into_iter().zip(columns).enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            keys.bind(&mut sql, i, Value::Array(array), column.kind.value_type());
        }
        sql.push(") ON CONFLICT DO NOTHING");
        keys.finish(&mut sql);
        sql
    }

    /// ` (col, col, ...)`.
    fn column_list(&self, sql: &mut Sql, columns: &[&FieldMeta]) {
        sql.push(" (");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.ident(&c.column);
        }
        sql.push(")");
    }
}
