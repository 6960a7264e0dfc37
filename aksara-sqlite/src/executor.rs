//! A pooled SQLite connection running compiled statements.
//!
//! Statements run on diesel's `SqliteConnection` through diesel-async's
//! `SyncConnectionWrapper` (each call on tokio's blocking pool). Beyond running them, the
//! connection does three SQLite-specific things:
//!
//! - A top-level transaction starts with `BEGIN IMMEDIATE`, taking the write lock at once, so
//!   two transactions that read then write wait for each other (busy timeout) instead of
//!   failing with `SQLITE_BUSY` at their first write. Nested ones are savepoints.
//! - SQLite's foreign key errors name no constraint. After one, the connection finds it: for
//!   an `INSERT` or `UPDATE`, the foreign key column whose written value has no parent row;
//!   for a `DELETE`, the `RESTRICT` foreign key (reached directly or through `CASCADE`s) that
//!   still has referencing rows. The constraint gets the DDL's name (`fk_{table}_{column}`)
//!   so the core can name the relation, as on the server databases.
//! - The DDL's `DROP TABLE IF EXISTS t` runs with `PRAGMA foreign_keys = OFF`, so tables of a
//!   foreign key cycle can be dropped and the drop skips the implicit `DELETE` (and its
//!   `RESTRICT` checks) that SQLite runs first otherwise.
//!
//! Cancel safety: every call runs on a task of its own that owns the connection meanwhile.
//! When the call's future is dropped, the statement is interrupted (`sqlite3_interrupt`, see
//! `interrupt.rs`); the task waits for it to stop, rolls back the transaction it was part
//! of, and only then returns the connection to the pool. Inside a transaction, the
//! statements after an abandoned one fail with `Error::Connection`.

use crate::decode::SqliteRow;
use crate::error::map_error;
use crate::interrupt::Interrupter;
use crate::query::{Bind, Piece, SqliteQuery};
use aksara_core::stmt_cache::{Admission, ShapeCache, ShapeCaches};
use aksara_core::{Connection, DbError, DbErrorKind, Row, Sql, Value};
use async_trait::async_trait;
use deadpool::managed::ObjectId;
use diesel::connection::CacheSize;
use diesel::connection::{
    AnsiTransactionManager, SimpleConnection, TransactionManager, TransactionManagerStatus,
};
use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::AsyncConnection;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The async wrapper around one SQLite connection.
pub(crate) type Wrapped = SyncConnectionWrapper<SqliteConnection>;

/// The pooled connection, with the statement helpers (run on a task of its own, see
/// [`SqliteConnectionHandle`]).
struct Inner(Object<Wrapped>);

/// One call on the connection, run on a task of its own.
enum Op {
    Fetch(Sql),
    Execute(Sql),
    Batch(String),
    Begin,
    Commit,
    Rollback,
}

/// What an [`Op`] returns.
enum Output {
    Rows(Vec<Row>),
    Count(usize),
    Done,
}

/// The handle of `conn`, to interrupt its statements (`None` if it cannot be read).
pub(crate) async fn read_interrupter(conn: &mut Wrapped) -> Option<Interrupter> {
    let query = SqliteQuery::from_pieces(vec![text(&format!(
        "SELECT {}()",
        crate::interrupt::HANDLE_FUNCTION
    ))]);
    let rows: Vec<SqliteRow> = query.load(conn).await.ok()?;
    match rows.into_iter().next()?.0.into_iter().next()? {
        Value::I64(handle) => Interrupter::from_handle(handle),
        Value::I32(handle) => Interrupter::from_handle(handle.into()),
        _ => None,
    }
}

/// A connection checked out of the pool; back to the pool when dropped.
///
/// Every call runs on a task of its own that owns the connection meanwhile, so a call whose
/// future is dropped never leaves a half-run statement behind: the statement is interrupted
/// (`sqlite3_interrupt`), the task waits for it to stop, rolls back the transaction it was
/// part of, and returns the connection to the pool clean. The handle is then left without a
/// connection: inside a transaction, the statements after an abandoned one fail with
/// `Error::Connection`, and the rollback succeeds (it already happened).
pub struct SqliteConnectionHandle {
    inner: Option<Inner>,
    interrupter: Option<Interrupter>,
    /// Transactions (and savepoints) begun and not yet ended.
    depth: usize,
    /// The statement shapes this connection keeps prepared (see `aksara_core::stmt_cache`).
    shapes: ShapeCache,
    /// Where `shapes` goes back when the connection returns to the pool.
    home: Arc<ShapeCaches<ObjectId>>,
    id: ObjectId,
}

/// What a call's task and its caller share: whether the caller gave up, and whether the
/// task's statement is over (after which nothing may interrupt the connection: the task then
/// rolls back, or hands the connection on).
#[derive(Default)]
struct CallState {
    abandoned: AtomicBool,
    statement_over: std::sync::Mutex<bool>,
}

impl CallState {
    /// Marks the statement over; from now on [`CallState::interrupt`] does nothing.
    fn finish(&self) {
        *self
            .statement_over
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Interrupts the statement unless it is over; false once it is.
    fn interrupt(&self, interrupter: Interrupter) -> bool {
        let over = self
            .statement_over
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !*over {
            // The connection is open: the task owns it until it marks the statement over,
            // which it cannot do while this lock is held.
            interrupter.interrupt();
        }
        !*over
    }
}

/// Interrupts the statement of a call whose future is dropped before it finished.
struct AbandonGuard {
    interrupter: Option<Interrupter>,
    state: Arc<CallState>,
    armed: bool,
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        self.state.abandoned.store(true, Ordering::SeqCst);
        let Some(interrupter) = self.interrupter else {
            return;
        };
        // `sqlite3_interrupt` only reaches a statement already running, and the task may not
        // have started its own yet: interrupt until the task says its statement is over.
        if self.state.interrupt(interrupter) {
            let state = self.state.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                    while state.interrupt(interrupter) && std::time::Instant::now() < deadline {
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    }
                });
            }
        }
    }
}

impl SqliteConnectionHandle {
    pub(crate) fn new(
        conn: Object<Wrapped>,
        interrupter: Option<Interrupter>,
        home: Arc<ShapeCaches<ObjectId>>,
    ) -> Self {
        let id = Object::id(&conn);
        let (shapes, _) = home.take(&id);
        SqliteConnectionHandle {
            inner: Some(Inner(conn)),
            interrupter,
            depth: 0,
            shapes,
            home,
            id,
        }
    }

    /// Runs `op` on the connection's own task (see the type's docs), keeping the statement
    /// cache within its bound.
    async fn run(&mut self, mut op: Op) -> Result<Output, DbError> {
        let mut flush = false;
        if let Op::Fetch(sql) | Op::Execute(sql) = &mut op {
            match self.shapes.admit(sql) {
                Admission::Cache => {}
                Admission::NoCache => {
                    sql.mark_one_off();
                }
                Admission::FlushThenCache => flush = true,
            }
        }
        let Some(mut inner) = self.inner.take() else {
            return Err(DbError::new(
                DbErrorKind::ConnectionLost,
                "a previous statement on this connection was cancelled before it finished; \
                 its transaction was rolled back",
            ));
        };
        let state = Arc::new(CallState::default());
        let seen = state.clone();
        let task = tokio::spawn(async move {
            if flush {
                // Finalizes every statement diesel kept (no statement runs: the task owns
                // the connection).
                inner
                    .0
                    .set_prepared_statement_cache_size(CacheSize::Disabled);
                inner
                    .0
                    .set_prepared_statement_cache_size(CacheSize::Unbounded);
            }
            let result = if AtomicBool::load(&seen.abandoned, Ordering::SeqCst) {
                Err(DbError::new(
                    DbErrorKind::ConnectionLost,
                    "the statement was cancelled",
                ))
            } else {
                inner.perform(op).await
            };
            seen.finish();
            if AtomicBool::load(&seen.abandoned, Ordering::SeqCst) {
                inner.roll_back_all().await;
                None
            } else {
                Some((inner, result))
            }
        });
        let mut guard = AbandonGuard {
            interrupter: self.interrupter,
            state,
            armed: true,
        };
        let outcome = task.await;
        guard.armed = false;
        match outcome {
            Ok(Some((inner, result))) => {
                self.inner = Some(inner);
                result
            }
            Ok(None) => Err(DbError::new(
                DbErrorKind::ConnectionLost,
                "the statement was cancelled",
            )),
            Err(e) => Err(DbError::new(
                DbErrorKind::ConnectionLost,
                format!("the statement's task failed: {e}"),
            )),
        }
    }
}

impl Drop for SqliteConnectionHandle {
    fn drop(&mut self) {
        let shapes = std::mem::replace(&mut self.shapes, ShapeCache::new(0, true));
        if self.inner.is_some() {
            self.home.put_back(self.id, shapes);
        }
        // A transaction dropped between two statements: rolled back before the connection
        // goes back to the pool (which would otherwise close it, and with a private
        // in-memory database, lose the data).
        if self.depth == 0 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Some(mut inner) = self.inner.take() {
            runtime.spawn(async move { inner.roll_back_all().await });
        }
    }
}

impl Inner {
    async fn perform(&mut self, op: Op) -> Result<Output, DbError> {
        match op {
            Op::Fetch(sql) => self.fetch(sql).await.map(Output::Rows),
            Op::Execute(sql) => self.execute(sql).await.map(Output::Count),
            Op::Batch(script) => SimpleAsyncConnection::batch_execute(&mut *self.0, &script)
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Begin => self
                .0
                .spawn_blocking(|conn| {
                    let depth = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(conn)
                        .transaction_depth()?;
                    if depth.is_none() {
                        AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE")
                    } else {
                        <AnsiTransactionManager as TransactionManager<SqliteConnection>>::begin_transaction(conn)
                    }
                })
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Commit => self
                .0
                .spawn_blocking(
                    <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction,
                )
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
            Op::Rollback => self
                .0
                .spawn_blocking(
                    <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction,
                )
                .await
                .map(|_| Output::Done)
                .map_err(map_error),
        }
    }

    /// Rolls back whatever transaction is open (an interrupted statement may have rolled it
    /// back already), leaving the connection in autocommit mode.
    async fn roll_back_all(&mut self) {
        let _ = self
            .0
            .spawn_blocking(|c| {
                let status = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(c);
                if !matches!(status.transaction_depth(), Ok(None)) {
                    *status = TransactionManagerStatus::default();
                    // Fails harmlessly when SQLite already rolled back.
                    let _ = c.batch_execute("ROLLBACK");
                }
                Ok(())
            })
            .await;
    }

    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        let query = SqliteQuery::new(sql);
        match self.load(query.clone()).await {
            Ok(rows) => Ok(rows),
            Err(e) => Err(self.fail(e, &query).await),
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        let query = SqliteQuery::new(sql);
        if query.dropped_table().is_some() {
            return self.drop_table(query).await;
        }
        match query.clone().execute(&mut *self.0).await {
            Ok(n) => Ok(n),
            Err(e) => Err(self.fail(e, &query).await),
        }
    }
}

#[async_trait]
impl Connection for SqliteConnectionHandle {
    async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, DbError> {
        match self.run(Op::Fetch(sql)).await? {
            Output::Rows(rows) => Ok(rows),
            _ => Ok(Vec::new()),
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<usize, DbError> {
        match self.run(Op::Execute(sql)).await? {
            Output::Count(n) => Ok(n),
            _ => Ok(0),
        }
    }

    async fn batch_execute(&mut self, script: &str) -> Result<(), DbError> {
        self.run(Op::Batch(script.to_string())).await.map(|_| ())
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.run(Op::Begin).await?;
        self.depth += 1;
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        self.run(Op::Commit).await?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        if self.inner.is_none() {
            // The abandoned statement's task rolled everything back.
            self.depth = 0;
            return Ok(());
        }
        self.run(Op::Rollback).await?;
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }
}

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

impl Inner {
    async fn load(&mut self, query: SqliteQuery) -> Result<Vec<Row>, diesel::result::Error> {
        let rows: Vec<SqliteRow> = query.load(&mut *self.0).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Turns `e` into a [`DbError`], finding the constraint of a foreign key violation.
    async fn fail(&mut self, e: diesel::result::Error, query: &SqliteQuery) -> DbError {
        let mut error = map_error(e);
        if error.kind == DbErrorKind::ForeignKeyViolation && error.constraint.is_none() {
            // A failed diagnosis leaves the error as SQLite reported it.
            if let Ok(Some((table, column))) = self.violated_foreign_key(query).await {
                error.constraint = Some(aksara_core::ddl::fk_constraint_name(&table, &column));
            }
        }
        error
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

    /// `(table, column)` of the foreign key that `query` violated, when it can be told.
    async fn violated_foreign_key(
        &mut self,
        query: &SqliteQuery,
    ) -> Result<Option<(String, String)>, diesel::result::Error> {
        let Some(statement) = Statement::parse(query) else {
            return Ok(None);
        };
        match statement {
            Statement::Write { table, written } => {
                for fk in self.foreign_keys(&table).await? {
                    let parent_column = match &fk.parent_column {
                        Some(c) => c.clone(),
                        None => self.primary_key(&fk.parent).await?,
                    };
                    let values: Vec<&Bind> = written
                        .iter()
                        .filter(|(c, b)| *c == fk.column && *b != Bind::Null)
                        .map(|(_, b)| b)
                        .collect();
                    for value in values {
                        let found = self
                            .exists(vec![
                                text("SELECT 1 FROM "),
                                ident(&fk.parent),
                                text(" WHERE "),
                                ident(&parent_column),
                                text(" = "),
                                Piece::Bind(value.clone()),
                                text(" LIMIT 1"),
                            ])
                            .await?;
                        if !found {
                            return Ok(Some((fk.table, fk.column)));
                        }
                    }
                }
                Ok(None)
            }
            Statement::Delete { table } => self.restricting_foreign_key(&table).await,
        }
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

    /// Drops a table with foreign key enforcement off for the one statement (see the module
    /// docs); enforcement is switched on again whatever happened.
    async fn drop_table(&mut self, query: SqliteQuery) -> Result<usize, DbError> {
        self.0
            .batch_execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(map_error)?;
        let dropped = query.execute(&mut *self.0).await.map_err(map_error);
        let restored = self
            .0
            .batch_execute("PRAGMA foreign_keys = ON")
            .await
            .map_err(map_error);
        let n = dropped?;
        restored?;
        Ok(n)
    }
}

/// What a statement that violated a foreign key was doing.
#[derive(Debug)]
enum Statement {
    /// `INSERT` or `UPDATE` of `table`, with the values written per column (those that are
    /// plain values: binds or literals).
    Write {
        table: String,
        written: Vec<(String, Bind)>,
    },
    /// `DELETE FROM table`.
    Delete { table: String },
}

/// A token of a statement: the compiler's identifiers and binds, and the words, quoted names,
/// literals and punctuation of its text (raw SQL is all text).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A bare word (keyword or name).
    Word(String),
    /// A quoted or compiler-given identifier.
    Name(String),
    /// A bind parameter or a literal.
    Value(Bind),
    /// Anything else, one character.
    Punct(char),
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn name(&self) -> Option<&str> {
        match self {
            Token::Word(w) | Token::Name(w) => Some(w),
            _ => None,
        }
    }
}

fn tokenize(pieces: &[Piece]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Ident(name) => tokens.push(Token::Name(name.clone())),
            Piece::Bind(bind) => tokens.push(Token::Value(bind.clone())),
            Piece::Text(text) => tokenize_text(text, &mut tokens),
        }
    }
    tokens
}

fn tokenize_text(text: &str, tokens: &mut Vec<Token>) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut value = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == close {
                    if close != ']' && chars.get(i + 1) == Some(&close) {
                        value.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                value.push(chars[i]);
                i += 1;
            }
            i += 1;
            tokens.push(if c == '\'' {
                Token::Value(Bind::Text(value))
            } else {
                Token::Name(value)
            });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            tokens.push(Token::Value(match number.parse::<i64>() {
                Ok(n) => Bind::I64(n),
                Err(_) => number.parse::<f64>().map_or(Bind::Text(number), Bind::F64),
            }));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            tokens.push(if word.eq_ignore_ascii_case("NULL") {
                Token::Value(Bind::Null)
            } else {
                Token::Word(word)
            });
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
}

/// A table name at `tokens[at..]`, `schema.table` read as `table`; and the index after it.
fn table_name(tokens: &[Token], at: usize) -> Option<(String, usize)> {
    let mut name = tokens.get(at)?.name()?.to_string();
    let mut next = at + 1;
    while tokens.get(next) == Some(&Token::Punct('.')) {
        name = tokens.get(next + 1)?.name()?.to_string();
        next += 2;
    }
    Some((name, next))
}

/// Splits `tokens` at top-level commas until the parenthesis that closes the group they
/// start in; returns the items and the index after that parenthesis.
fn group(tokens: &[Token], start: usize) -> (Vec<&[Token]>, usize) {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut item_start = start;
    let mut i = start;
    while i < tokens.len() {
        match tokens[i] {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') if depth == 0 => {
                items.push(&tokens[item_start..i]);
                return (items, i + 1);
            }
            Token::Punct(')') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                items.push(&tokens[item_start..i]);
                item_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    items.push(&tokens[item_start..]);
    (items, tokens.len())
}

impl Statement {
    /// Reads `INSERT [OR ...] INTO t (a, b) VALUES (...), (...)`, `UPDATE t SET a = v, ...`
    /// and `DELETE FROM t ...`, as the core compiles them or as raw SQL writes them.
    fn parse(query: &SqliteQuery) -> Option<Statement> {
        let tokens = tokenize(query.pieces());
        let first = <[Token]>::first(&tokens)?;
        if first.is_word("DELETE") {
            let from = tokens.iter().position(|t| t.is_word("FROM"))?;
            let (table, _) = table_name(&tokens, from + 1)?;
            return Some(Statement::Delete { table });
        }
        if first.is_word("INSERT") || first.is_word("REPLACE") {
            let into = tokens.iter().position(|t| t.is_word("INTO"))?;
            let (table, mut i) = table_name(&tokens, into + 1)?;
            if tokens.get(i) != Some(&Token::Punct('(')) {
                return None;
            }
            let (columns, after) = group(&tokens, i + 1);
            let columns: Vec<Option<&str>> = columns
                .iter()
                .map(|c| match c {
                    [one] => one.name(),
                    _ => None,
                })
                .collect();
            i = after;
            if !tokens.get(i)?.is_word("VALUES") {
                return None;
            }
            i += 1;
            let mut written = Vec::new();
            while tokens.get(i) == Some(&Token::Punct('(')) {
                let (values, after) = group(&tokens, i + 1);
                for (column, value) in columns.iter().zip(values) {
                    if let (Some(column), [Token::Value(v)]) = (column, value) {
                        written.push((column.to_string(), v.clone()));
                    }
                }
                i = after;
                if tokens.get(i) == Some(&Token::Punct(',')) {
                    i += 1;
                }
            }
            return Some(Statement::Write { table, written });
        }
        if first.is_word("UPDATE") {
            let mut at = 1;
            if tokens.get(at)?.is_word("OR") {
                at += 2;
            }
            let (table, _) = table_name(&tokens, at)?;
            let set = tokens.iter().position(|t| t.is_word("SET"))?;
            let end = tokens
                .iter()
                .position(|t| t.is_word("WHERE") || t.is_word("RETURNING") || t.is_word("FROM"))
                .unwrap_or(tokens.len());
            let mut written = Vec::new();
            for assignment in tokens[set + 1..end.max(set + 1)].split(|t| *t == Token::Punct(',')) {
                if let [column, Token::Punct('='), Token::Value(v)] = assignment {
                    if let Some(column) = column.name() {
                        written.push((column.to_string(), v.clone()));
                    }
                }
            }
            return Some(Statement::Write { table, written });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(sql: Sql) -> Statement {
        Statement::parse(&SqliteQuery::new(sql)).expect("parsed")
    }

    #[test]
    fn reads_the_columns_written() {
        let mut sql = Sql::new();
        sql.push("INSERT INTO ")
            .ident("posts")
            .push(" (")
            .ident("title");
        sql.push(", ").ident("author_id").push(") VALUES (");
        sql.bind("a".into(), None)
            .push(", ")
            .bind(7i64.into(), None);
        sql.push("), (")
            .bind("b".into(), None)
            .push(", ")
            .bind(Value::Null, None);
        sql.push(") RETURNING ").ident("id");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(
                    written,
                    vec![
                        ("title".to_string(), Bind::Text("a".into())),
                        ("author_id".to_string(), Bind::I64(7)),
                        ("title".to_string(), Bind::Text("b".into())),
                        ("author_id".to_string(), Bind::Null),
                    ]
                );
            }
            Statement::Delete { .. } => panic!("not a delete"),
        }
        let mut sql = Sql::new();
        sql.push("UPDATE ")
            .ident("posts")
            .push(" SET ")
            .ident("author_id");
        sql.push(" = ")
            .bind(3i64.into(), None)
            .push(" WHERE ")
            .ident("id");
        sql.push(" = ").bind(1i64.into(), None);
        match parsed(sql) {
            Statement::Write { written, .. } => {
                assert_eq!(written, vec![("author_id".to_string(), Bind::I64(3))]);
            }
            Statement::Delete { .. } => panic!("not a delete"),
        }
    }

    #[test]
    fn reads_raw_sql_too() {
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "INSERT INTO main.\"posts\" (id, title, author_id) VALUES ({}, 'it''s', {})",
            [1i64.into(), "abc".into()],
        )
        .expect("two markers, two binds");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(
                    written,
                    vec![
                        ("id".to_string(), Bind::I64(1)),
                        ("title".to_string(), Bind::Text("it's".into())),
                        ("author_id".to_string(), Bind::Text("abc".into())),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "update posts set author_id = 5, title = lower(title)",
            [],
        )
        .expect("no markers");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(written, vec![("author_id".to_string(), Bind::I64(5))]);
            }
            other => panic!("{other:?}"),
        }
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "DELETE FROM authors WHERE id = {}",
            [1i64.into()],
        )
        .expect("one marker");
        assert!(matches!(parsed(sql), Statement::Delete { table } if table == "authors"));
    }
}
