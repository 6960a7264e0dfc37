//! Naming the foreign key a statement violated, which SQLite does not: its error says only
//! `FOREIGN KEY constraint failed`.
//!
//! The statement's intent says what it did:
//!
//! - A write Aksara built lists the foreign keys it writes and where their values sit
//!   ([`WriteTarget::foreign_keys`]): the first one whose value has no parent row is the
//!   violated constraint, named as the intent names it. The SQL text is not read.
//! - A delete names its table: the `RESTRICT` foreign key (reached directly or through
//!   `CASCADE`s) that still has referencing rows.
//! - Raw SQL is read as text (`raw_diagnosis.rs`), then probed through the catalog: the
//!   foreign keys of its table (`pragma_foreign_key_list`) against the values it writes.
//!
//! A constraint found through the catalog gets the DDL's name (`fk_{table}_{column}`), so the
//! core can name the relation, as on the server databases.

use crate::error::map_error;
use crate::executor::Inner;
use crate::query::{Bind, Piece, SqliteQuery};
use crate::raw_diagnosis::Statement;
use aksara_core::sql::WriteTarget;
use aksara_core::{DbError, DbErrorKind, Intent, Value};

/// A foreign key as `pragma_foreign_key_list` describes it.
struct ForeignKeyInfo {
    /// The table holding the key.
    table: String,
    /// Its column.
    column: String,
    /// The referenced table.
    parent: String,
    /// The referenced column (`None`: the parent's primary key).
    parent_column: Option<String>,
    /// `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`...
    on_delete: String,
}

fn text_bind(s: &str) -> Piece {
    Piece::Bind(Bind::Text(s.to_string()))
}

fn text(s: &str) -> Piece {
    Piece::Text(s.to_string())
}

fn ident(s: &str) -> Piece {
    Piece::Ident(s.to_string())
}

/// The written values of a statement, per column, as the diagnosis reads them.
type Written = Vec<(String, Bind)>;

impl Inner {
    /// Turns `e` into a [`DbError`], finding the constraint of a foreign key violation.
    pub(crate) async fn fail(&mut self, e: diesel::result::Error, query: &SqliteQuery) -> DbError {
        let mut error = map_error(e);
        if error.kind == DbErrorKind::ForeignKeyViolation && error.constraint.is_none() {
            // A failed diagnosis leaves the error as SQLite reported it.
            if let Ok(Some(constraint)) = self.violated_foreign_key(query).await {
                error.constraint = Some(constraint);
            }
        }
        error
    }

    /// The name of the foreign key that `query` violated, when it can be told.
    async fn violated_foreign_key(
        &mut self,
        query: &SqliteQuery,
    ) -> Result<Option<String>, diesel::result::Error> {
        let found = match &*query.0.intent {
            Intent::Write(target) => return self.unmatched_written_key(query, target).await,
            Intent::Delete { table } => self.restricting_foreign_key(table).await?,
            _ => match Statement::parse(query) {
                Some(Statement::Write { table, written }) => {
                    self.unmatched_by_catalog(&table, &written).await?
                }
                Some(Statement::Delete { table }) => self.restricting_foreign_key(&table).await?,
                None => None,
            },
        };
        Ok(found.map(|(table, column)| aksara_core::ddl::fk_constraint_name(&table, &column)))
    }

    /// The first foreign key the intent of `query` lists whose written value has no parent
    /// row.
    async fn unmatched_written_key(
        &mut self,
        query: &SqliteQuery,
        target: &WriteTarget,
    ) -> Result<Option<String>, diesel::result::Error> {
        for fk in &target.foreign_keys {
            for &index in &fk.binds {
                let Some(value) = query.0.bind_at(index) else {
                    continue;
                };
                if *value == Bind::Null {
                    continue;
                }
                if !self
                    .has_parent(&fk.parent_table, &fk.parent_column, value)
                    .await?
                {
                    return Ok(Some(fk.constraint.clone()));
                }
            }
        }
        Ok(None)
    }

    /// `(table, column)` of the foreign key of `table` (from the catalog) that one of the
    /// `written` values has no parent row for.
    async fn unmatched_by_catalog(
        &mut self,
        table: &str,
        written: &Written,
    ) -> Result<Option<(String, String)>, diesel::result::Error> {
        for fk in self.foreign_keys(table).await? {
            let parent_column = match &fk.parent_column {
                Some(c) => c.clone(),
                None => self.primary_key(&fk.parent).await?,
            };
            let values = written
                .iter()
                .filter(|(c, b)| *c == fk.column && *b != Bind::Null)
                .map(|(_, b)| b);
            for value in values {
                if !self.has_parent(&fk.parent, &parent_column, value).await? {
                    return Ok(Some((fk.table, fk.column)));
                }
            }
        }
        Ok(None)
    }

    /// True when `parent` has a row whose `column` is `value`.
    async fn has_parent(
        &mut self,
        parent: &str,
        column: &str,
        value: &Bind,
    ) -> Result<bool, diesel::result::Error> {
        self.exists(vec![
            text("SELECT 1 FROM "),
            ident(parent),
            text(" WHERE "),
            ident(column),
            text(" = "),
            Piece::Bind(value.clone()),
            text(" LIMIT 1"),
        ])
        .await
    }

    async fn foreign_keys(
        &mut self,
        table: &str,
    ) -> Result<Vec<ForeignKeyInfo>, diesel::result::Error> {
        let query = SqliteQuery::from_pieces(vec![
            text("SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list("),
            text_bind(table),
            text(")"),
        ]);
        let rows = self.load(query).await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let mut it = row.into_iter();
                let mut next_text = || match it.next() {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                };
                Some(ForeignKeyInfo {
                    table: table.to_string(),
                    parent: next_text()?,
                    column: next_text()?,
                    parent_column: next_text(),
                    on_delete: next_text().unwrap_or_default().to_ascii_uppercase(),
                })
            })
            .collect())
    }

    async fn exists(&mut self, pieces: Vec<Piece>) -> Result<bool, diesel::result::Error> {
        Ok(!self
            .load(SqliteQuery::from_pieces(pieces))
            .await?
            .is_empty())
    }

    /// The primary key column of `table`.
    async fn primary_key(&mut self, table: &str) -> Result<String, diesel::result::Error> {
        let query = SqliteQuery::from_pieces(vec![
            text("SELECT name FROM pragma_table_info("),
            text_bind(table),
            text(") WHERE pk = 1"),
        ]);
        Ok(match self.load(query).await?.into_iter().next() {
            Some(row) => match row.into_iter().next() {
                Some(Value::String(name)) => name,
                _ => "rowid".into(),
            },
            None => "rowid".into(),
        })
    }

    /// The `RESTRICT` / `NO ACTION` foreign key that refuses deleting rows of `table`, looking
    /// through `CASCADE`s; the first one that has referencing rows when there are several.
    async fn restricting_foreign_key(
        &mut self,
        table: &str,
    ) -> Result<Option<(String, String)>, diesel::result::Error> {
        let tables: Vec<String> = self
            .load(SqliteQuery::from_pieces(vec![text(
                "SELECT name FROM sqlite_master WHERE type = 'table'",
            )]))
            .await?
            .into_iter()
            .filter_map(|row| match row.into_iter().next() {
                Some(Value::String(s)) => Some(s),
                _ => None,
            })
            .collect();
        let mut all = Vec::new();
        for t in &tables {
            all.extend(self.foreign_keys(t).await?);
        }
        let mut reached = vec![table.to_string()];
        let mut candidates: Vec<&ForeignKeyInfo> = Vec::new();
        let mut i = 0;
        while i < reached.len() {
            let parent = reached[i].clone();
            for fk in all.iter().filter(|fk| fk.parent == parent) {
                match fk.on_delete.as_str() {
                    "CASCADE" if !reached.contains(&fk.table) => reached.push(fk.table.clone()),
                    "RESTRICT" | "NO ACTION" => candidates.push(fk),
                    _ => {}
                }
            }
            i += 1;
        }
        if candidates.len() == 1 {
            let fk = candidates[0];
            return Ok(Some((fk.table.clone(), fk.column.clone())));
        }
        for fk in candidates {
            let parent_column = match &fk.parent_column {
                Some(c) => c.clone(),
                None => self.primary_key(&fk.parent).await?,
            };
            let referenced = self
                .exists(vec![
                    text("SELECT 1 FROM "),
                    ident(&fk.table),
                    text(" WHERE "),
                    ident(&fk.column),
                    text(" IN (SELECT "),
                    ident(&parent_column),
                    text(" FROM "),
                    ident(&fk.parent),
                    text(") LIMIT 1"),
                ])
                .await?;
            if referenced {
                return Ok(Some((fk.table.clone(), fk.column.clone())));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use crate::pool::{PoolOptions, SqliteBackend};
    use aksara_core::sql::{WriteTarget, WrittenForeignKey};
    use aksara_core::{Backend, DbErrorKind, Intent, Sql};

    /// `INSERT INTO posts (id, author_id) SELECT 1, <author>`: text the raw reading cannot
    /// follow (it reads `VALUES` lists only), with the index of the author's bind.
    fn insert_select(author: i64) -> (Sql, usize) {
        let mut sql = Sql::new();
        sql.push("INSERT INTO ")
            .ident("posts")
            .push(" (")
            .ident("id");
        sql.push(", ").ident("author_id").push(") SELECT ");
        sql.bind(1i64.into(), None).push(", ");
        let at = sql.parts.len();
        sql.bind(author.into(), None);
        (sql, at)
    }

    #[tokio::test]
    async fn a_write_is_diagnosed_from_its_intent_without_reading_the_sql() {
        let backend = SqliteBackend::new("sqlite::memory:", &PoolOptions::default()).unwrap();
        let mut conn = backend.acquire().await.unwrap();
        conn.batch_execute(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY); \
             CREATE TABLE posts (id INTEGER PRIMARY KEY, \
                                 author_id INTEGER REFERENCES authors (id)); \
             INSERT INTO authors (id) VALUES (1);",
        )
        .await
        .unwrap();

        // The intent lists the foreign key under a name unlike the DDL's: only the intent
        // can give it.
        let (sql, at) = insert_select(99);
        let mut target = WriteTarget::new("posts");
        target.foreign_keys.push(WrittenForeignKey {
            constraint: "posts_written_by".into(),
            column: "author_id".into(),
            parent_table: "authors".into(),
            parent_column: "id".into(),
            binds: vec![at],
        });
        let e = conn
            .execute(sql.with_intent(Intent::Write(Box::new(target))))
            .await
            .unwrap_err();
        assert_eq!(e.kind, DbErrorKind::ForeignKeyViolation);
        assert_eq!(e.constraint.as_deref(), Some("posts_written_by"));

        // The same text as raw SQL: the text reading cannot tell the constraint.
        let (sql, _) = insert_select(99);
        let e = conn
            .execute(sql.with_intent(Intent::Raw))
            .await
            .unwrap_err();
        assert_eq!(e.kind, DbErrorKind::ForeignKeyViolation);
        assert_eq!(e.constraint, None);

        // Raw SQL the text reading can follow is probed through the catalog.
        let mut sql = Sql::new();
        sql.push("INSERT INTO ")
            .ident("posts")
            .push(" (")
            .ident("author_id");
        sql.push(") VALUES (").bind(98i64.into(), None).push(")");
        let e = conn
            .execute(sql.with_intent(Intent::Raw))
            .await
            .unwrap_err();
        assert_eq!(e.constraint.as_deref(), Some("fk_posts_author_id"));

        // A valid write runs.
        let (sql, _) = insert_select(1);
        assert_eq!(conn.execute(sql).await.unwrap(), 1);
    }
}
