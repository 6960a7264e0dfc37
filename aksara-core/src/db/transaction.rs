//! Transactions and statement groups: [`Db::transaction`], [`Db::transaction_retrying`],
//! [`Db::on_one_connection`] and running several statements atomically.

use super::retry::{backoff, TRANSACTION_RETRIES};
use super::tx_options::{self, TxOptions};
use super::Db;
use crate::error::{DbError, Error, Result};
use crate::sql::Sql;
use std::future::Future;
use std::sync::Arc;
use tracing::Instrument;

impl Db {
    /// Runs `statements` in order and returns the number of rows they affected in all.
    /// Several run in one transaction (a savepoint inside one), so that all of them apply or
    /// none does; `fail` relates an error to the model written.
    pub(crate) async fn execute_atomically(
        &self,
        statements: Vec<Sql>,
        fail: impl Fn(DbError) -> Error + Sync,
    ) -> Result<usize> {
        let fail = &fail;
        let several = statements.len() > 1;
        let run = |db: Db| async move {
            let mut total = 0;
            for sql in statements {
                total += db.execute_raw(sql).await.map_err(fail)?;
            }
            Ok(total)
        };
        if several {
            self.transaction(run).await
        } else {
            run(self.clone()).await
        }
    }

    /// Runs `f` with every statement on one connection, without a transaction (for statement
    /// pairs that need the same session, like an INSERT and `SELECT LAST_INSERT_ID()`).
    pub async fn on_one_connection<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if self.pinned.is_some() {
            return f(self.clone()).await;
        }
        let conn = self
            .shared
            .backend
            .acquire()
            .await
            .map_err(|e| self.map_error(e))?;
        let pinned = Db {
            shared: self.shared.clone(),
            pinned: Some(Arc::new(tokio::sync::Mutex::new(conn))),
            transaction: false,
            strict: self.strict,
        };
        f(pinned).await
    }

    /// Runs `f` in a transaction: committed when `f` returns `Ok`, rolled back when it returns
    /// `Err` (or panics, or is cancelled: the connection is then discarded, which rolls back).
    /// Inside a transaction this opens a savepoint.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// use aksara::demo::{Post, User};
    /// use aksara::Model;
    ///
    /// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
    /// aksara::ddl::create_all(&db).await?;
    /// db.transaction(|tx| async move {
    ///     let jane = User::build().email("jane@example.com").name("Jane").create(&tx).await?;
    ///     Post::build().title("Hi").content("...").author(&jane).create(&tx).await?;
    ///     Ok(())
    /// })
    /// .await?;
    /// assert_eq!(Post::objects().count(&db).await?, 1);
    ///
    /// // An error rolls everything back.
    /// let failed: aksara::Result<()> = db
    ///     .transaction(|tx| async move {
    ///         User::build().email("bob@example.com").name("Bob").create(&tx).await?;
    ///         User::build().email("bob@example.com").name("Bob again").create(&tx).await?; // unique
    ///         Ok(())
    ///     })
    ///     .await;
    /// assert!(failed.is_err());
    /// assert_eq!(User::objects().count(&db).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn transaction<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.run_transaction(TxOptions::default(), Ending::ByOutcome, f)
            .await
    }

    /// Runs `f` in a transaction opened with `options` (isolation level, read-only; see
    /// [`TxOptions`] for what each backend does), committed or rolled back as
    /// [`Db::transaction`] does.
    ///
    /// # Errors
    /// [`Error::Config`] inside a transaction (a savepoint cannot change them), before any
    /// SQL; a write in a read-only transaction fails with the database's error.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{Isolation, Model, TxOptions};
    ///
    /// let options = TxOptions::new().isolation(Isolation::RepeatableRead).read_only();
    /// let (posts, total) = db
    ///     .transaction_with(options, |tx| async move {
    ///         // Both reads see the same snapshot.
    ///         Ok((Post::objects().all(&tx).await?, Post::objects().count(&tx).await?))
    ///     })
    ///     .await?;
    /// # let _ = (posts, total); Ok(()) }
    /// ```
    pub async fn transaction_with<T, F, Fut>(&self, options: TxOptions, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.run_transaction(options, Ending::ByOutcome, f).await
    }

    /// Runs `f` in a transaction that is always rolled back, and returns what `f` returned:
    /// for tests that change the database and leave it as it was, without inventing an
    /// error to get the rollback.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// use aksara::demo::User;
    /// use aksara::Model;
    ///
    /// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
    /// aksara::ddl::create_all(&db).await?;
    /// let seen = db
    ///     .rolled_back(|tx| async move {
    ///         User::build().email("jane@example.com").name("Jane").create(&tx).await?;
    ///         User::objects().count(&tx).await
    ///     })
    ///     .await?;
    /// assert_eq!(seen, 1);
    /// assert_eq!(User::objects().count(&db).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn rolled_back<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.run_transaction(TxOptions::default(), Ending::AlwaysRollBack, f)
            .await
    }

    async fn run_transaction<T, F, Fut>(
        &self,
        options: TxOptions,
        ending: Ending,
        f: F,
    ) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let span = tracing::debug_span!(
            target: "aksara::sql",
            "aksara.transaction",
            db.system = self.dialect().name(),
            savepoint = self.transaction,
            outcome = tracing::field::Empty,
        );
        let outcome = self
            .transaction_body(options, ending, f)
            .instrument(span.clone())
            .await;
        let committed = outcome.is_ok() && matches!(ending, Ending::ByOutcome);
        span.record("outcome", if committed { "commit" } else { "rollback" });
        self.shared.log.counters.transaction_ended(committed);
        outcome
    }

    async fn transaction_body<T, F, Fut>(
        &self,
        options: TxOptions,
        ending: Ending,
        f: F,
    ) -> Result<T>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if self.transaction && !options.is_default() {
            return Err(Error::config(
                "transaction_with(options) inside a transaction: a savepoint cannot change the \
                 isolation level or access mode; set them on the outermost transaction",
            ));
        }
        let steps = tx_options::statements(self.dialect().name(), &options)?;
        let conn = match &self.pinned {
            Some(conn) => conn.clone(),
            None => Arc::new(tokio::sync::Mutex::new(
                self.shared
                    .backend
                    .acquire()
                    .await
                    .map_err(|e| self.map_error(e))?,
            )),
        };
        {
            let mut guard = conn.lock().await;
            for text in &steps.before {
                self.log_text(text);
                guard
                    .execute(plain(text))
                    .await
                    .map_err(|e| self.map_error(e))?;
            }
            self.log_text("BEGIN");
            guard.begin().await.map_err(|e| self.map_error(e))?;
            for text in &steps.after_begin {
                self.log_text(text);
                if let Err(e) = guard.execute(plain(text)).await {
                    let _ = guard.rollback().await;
                    return Err(self.map_error(e));
                }
            }
        }
        let tx = Db {
            shared: self.shared.clone(),
            pinned: Some(conn.clone()),
            transaction: true,
            strict: self.strict,
        };
        let outcome = f(tx).await;
        let mut guard = conn.lock().await;
        let ended = match (outcome, ending) {
            (Ok(value), Ending::ByOutcome) => {
                self.log_text("COMMIT");
                guard
                    .commit()
                    .await
                    .map(|()| value)
                    .map_err(|e| self.map_error(e))
            }
            (outcome, _) => {
                self.log_text("ROLLBACK");
                // The error that made us roll back matters more than a failed rollback; a
                // connection whose rollback failed is discarded by its pool.
                let rolled = guard.rollback().await;
                match (outcome, rolled) {
                    (Ok(value), Ok(())) => Ok(value),
                    (Ok(_), Err(e)) => Err(self.map_error(e)),
                    (Err(error), _) => Err(error),
                }
            }
        };
        for text in &steps.after_end {
            self.log_text(text);
            if guard.execute(plain(text)).await.is_err() {
                // A connection left in the transaction's mode must not serve anyone else.
                guard.discard();
            }
        }
        ended
    }

    /// Runs `f` in a transaction as [`Db::transaction`] does, and runs it again, from the
    /// start, when it fails with [`Error::Conflict`] (a deadlock or serialization failure
    /// rolled the whole transaction back): at most [`TRANSACTION_RETRIES`] times, after a
    /// pause of 10 ms doubled per attempt plus a random jitter of up to as much again (so
    /// that the transactions that collided do not collide again), never more than a second. The error returned after the last attempt says how many reruns there
    /// were. `f` must be safe to run more than once (no effects outside the database).
    ///
    /// Inside a transaction the conflict has rolled back the outer transaction too, so
    /// nothing is rerun here: the error goes to the outermost `transaction_retrying`.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara_core::Db) -> aksara_core::Result<()> {
    /// let n = db
    ///     .transaction_retrying(|tx| async move {
    ///         tx.raw_execute("UPDATE counters SET n = n + 1 WHERE id = {}", [1.into()])
    ///             .await
    ///     })
    ///     .await?;
    /// # let _ = n; Ok(()) }
    /// ```
    pub async fn transaction_retrying<T, F, Fut>(&self, f: F) -> Result<T>
    where
        F: Fn(Db) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 0;
        loop {
            match self.transaction(&f).await {
                Err(Error::Conflict {
                    code,
                    message,
                    source,
                    ..
                }) => {
                    if self.transaction || attempt >= TRANSACTION_RETRIES {
                        return Err(Error::Conflict {
                            code,
                            retried: attempt,
                            message,
                            source,
                        });
                    }
                    tokio::time::sleep(backoff(attempt, 10)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// How a transaction ends.
#[derive(Clone, Copy)]
enum Ending {
    /// Committed when the closure returns `Ok`, rolled back otherwise.
    ByOutcome,
    /// Rolled back whatever the closure returns.
    AlwaysRollBack,
}

/// A statement with no parameters.
fn plain(text: &str) -> Sql {
    let mut sql = Sql::new();
    sql.push(text);
    sql
}
