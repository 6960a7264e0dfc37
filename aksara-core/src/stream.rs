//! Streaming a query: [`QuerySet::stream`] reads the rows in batches of
//! [`batch_size`](QueryStream::batch_size) and hands them out one at a time, so memory holds
//! one batch however many rows match.
//!
//! # Keyset batches
//! Each batch is one SELECT of at most `batch_size` rows in the query's order made total by the
//! primary key (`ORDER BY <the query's terms>, pk`); the next batch is the rows that come after
//! the last one read, `WHERE (order columns, pk) > (its values)`, spelled for each backend's
//! NULL ordering and with every value bound as a parameter (see
//! [`Compiler::select_batch`](crate::compile::Compiler::select_batch)). Each batch is then an
//! index range read however deep into the result it starts, where `OFFSET` would read and
//! throw away every row before it.
//!
//! Why not a server-side cursor (`DECLARE ... CURSOR`, MySQL's streamed result sets)? A
//! cursor lives in one session, and on PostgreSQL in one transaction: the stream would have to
//! keep a pooled connection checked out, with a transaction open, for as long as the caller
//! takes to consume it, starving the pool and holding back vacuum. Connections here are
//! pooled by deadpool and checked out per statement (a [`Db`] inside
//! [`Db::transaction`] keeps its one connection, and a stream on it uses that one), so keyset
//! batches work the same on the three backends and between batches no connection is held.
//!
//! What follows from that:
//! - Rows are not a snapshot. A row inserted while the stream runs is read if it sorts after
//!   the batch being read and not otherwise; a row that existed when the stream started is
//!   read exactly once unless it is changed or deleted meanwhile (changing an order column can
//!   move a row across the cursor).
//! - The query's `limit` and `offset` are honoured: the offset is applied to the first batch,
//!   the limit counted down over the batches.
//! - `select_related` joins into every batch; `prefetch_related` runs per batch, one query
//!   per relation level for the batch's rows.
//! - The order columns must compare on the server as they are read back: JSON does not (and,
//!   on PostgreSQL and MySQL, the types [`Dialect::keyset_comparable`](crate::Dialect::keyset_comparable)
//!   refuses); ordering a stream by such a column is an [`Error::Config`] naming the field.
//!
//! # The `Stream`
//! [`QueryStream`] implements [`futures_core::Stream`] (re-exported here as [`Stream`]), so
//! every stream combinator library works with it; [`QueryStream::try_next`] reads it without
//! one. Only `futures-core` is a dependency: the trait alone, no executor or combinators, so
//! the stream is a small hand-written state machine over one boxed batch future.
//! Dropping the stream stops it: between batches nothing is running, and a batch being read
//! is abandoned like any dropped query.

use crate::compile::{BatchStatement, Compiler, SelectStatement};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::manager::QuerySet;
use crate::queryset::Rows;
use crate::value::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

pub use futures_core::Stream;

/// How many rows a stream reads per statement unless [`QueryStream::batch_size`] says.
pub const DEFAULT_BATCH_SIZE: usize = 1_000;

impl<M: Rows> QuerySet<M> {
    /// The rows as a [`Stream`], read in keyset batches of [`DEFAULT_BATCH_SIZE`] (see
    /// [`QueryStream::batch_size`]): memory holds one batch, however many rows match. Rows
    /// come in the query's order, ties broken by the primary key; `limit`, `offset`,
    /// `select_related` and `prefetch_related` (run per batch) apply as in [`all`](Self::all).
    /// Nothing runs until the stream is polled; an error (a bad path, a failed batch) is the
    /// stream's last item. See [`crate::stream`] for how it works.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// let mut posts = Post::objects()
    ///     .filter(q!(published = true))
    ///     .order_by(["-created_at"])
    ///     .prefetch_related(["tags"])
    ///     .stream(&db);
    /// while let Some(post) = posts.try_next().await? {
    ///     println!("{}: {} tags", post.title, post.tags.loaded().map_or(0, |t| t.len()));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(&self, db: &Db) -> QueryStream<M> {
        QueryStream {
            db: db.clone(),
            remaining: self.query.limit,
            queryset: Arc::new(self.clone()),
            batch_size: DEFAULT_BATCH_SIZE,
            after: None,
            started: false,
            // `limit(0)`: nothing to read.
            done: self.query.limit == Some(0),
            rows: Vec::new().into_iter(),
            pending: None,
        }
    }
}

/// One batch read: its rows, decoded (and prefetched), and where the next one starts.
struct Batch<M> {
    rows: Vec<M>,
    /// The order values of the last row (`None` when the batch was empty).
    last: Option<Vec<Value>>,
    /// True when rows beyond the batch matched.
    more: bool,
}

type BatchFuture<M> = Pin<Box<dyn Future<Output = Result<Batch<M>>> + Send>>;

/// The rows of a query, read in keyset batches: what [`QuerySet::stream`] returns. A
/// [`Stream`] of `Result<M>`; after an error it ends.
pub struct QueryStream<M> {
    db: Db,
    queryset: Arc<QuerySet<M>>,
    batch_size: usize,
    /// The rows the query's `limit` still allows (`None`: no limit).
    remaining: Option<u64>,
    /// The order values of the last row read (`None` before the first batch).
    after: Option<Vec<Value>>,
    /// True once the first batch (the one that applies the offset) has been read.
    started: bool,
    done: bool,
    rows: std::vec::IntoIter<M>,
    pending: Option<BatchFuture<M>>,
}

// Nothing is ever pinned inside the stream (the batch future is boxed, rows are moved out), so
// it may move whatever `M` is.
impl<M> Unpin for QueryStream<M> {}

impl<M> std::fmt::Debug for QueryStream<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryStream")
            .field("queryset", &self.queryset)
            .field("batch_size", &self.batch_size)
            .field("remaining", &self.remaining)
            .field("buffered", &self.rows.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<M: Rows> QueryStream<M> {
    /// Reads `n` rows per statement (default [`DEFAULT_BATCH_SIZE`]) from the next batch on:
    /// a larger batch means fewer round trips and more memory. `0` is an [`Error::Config`],
    /// the stream's one item.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::User;
    /// use aksara::Model;
    ///
    /// // 200 users per statement, each batch's posts in one more.
    /// let mut users = User::objects().prefetch_related(["posts"]).stream(&db).batch_size(200);
    /// let mut posts = 0;
    /// while let Some(user) = users.try_next().await? {
    ///     posts += user.posts().all(&db).await?.len(); // answered from the prefetched rows
    /// }
    /// # Ok(()) }
    /// ```
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n;
        self
    }

    /// The next row, `None` at the end: `while let Some(row) = stream.try_next().await? {}`
    /// without a stream combinator library.
    pub async fn try_next(&mut self) -> Result<Option<M>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// The future reading the next batch, from what the stream knows now.
    fn next_batch(&self) -> Result<BatchFuture<M>> {
        if self.batch_size == 0 {
            return Err(Error::config(
                "stream().batch_size(0): a batch needs at least one row",
            ));
        }
        let want = match self.remaining {
            Some(left) => left.min(self.batch_size as u64),
            None => self.batch_size as u64,
        };
        // One row more than handed out says whether another batch is needed, so a result that
        // ends on a batch boundary costs no empty statement.
        let ask = if self.remaining == Some(want) {
            want
        } else {
            want + 1
        };
        let offset = if self.started {
            None
        } else {
            self.queryset.query.offset
        };
        Ok(Box::pin(read_batch(
            self.db.clone(),
            Arc::clone(&self.queryset),
            self.after.clone(),
            want,
            ask,
            offset,
        )))
    }

    fn finish_batch(&mut self, batch: Batch<M>) -> Result<()> {
        let read = batch.rows.len() as u64;
        if let Some(left) = &mut self.remaining {
            *left = left.saturating_sub(read);
        }
        if let Some(last) = batch.last {
            // Every row of a batch comes after the values the batch started from, so the last
            // one cannot have them; were they the same, the next statement (which depends only
            // on them) would read the same rows again, for ever. That happens only when the
            // values read back do not compare as stored (text written in another format).
            if self.after.as_ref() == Some(&last) {
                return Err(Error::database(
                    "stream() made no progress: the order values read back select the same rows again",
                ));
            }
            self.after = Some(last);
        }
        self.started = true;
        self.done = !batch.more || self.remaining == Some(0);
        self.rows = batch.rows.into_iter();
        Ok(())
    }
}

impl<M: Rows> Stream for QueryStream<M> {
    type Item = Result<M>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(row) = this.rows.next() {
                return Poll::Ready(Some(Ok(row)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                match this.next_batch() {
                    Ok(future) => this.pending = Some(future),
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            let future = this.pending.as_mut().expect("a batch being read");
            let batch = match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(batch) => batch,
            };
            this.pending = None;
            if let Err(e) = batch.and_then(|b| this.finish_batch(b)) {
                this.done = true;
                this.rows = Vec::new().into_iter();
                return Poll::Ready(Some(Err(e)));
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = if self.done {
            Some(self.rows.len())
        } else {
            self.remaining
                .and_then(|n| usize::try_from(n).ok())
                .map(|n| n + self.rows.len())
        };
        (self.rows.len(), upper)
    }
}

/// Reads one batch: `ask` rows after `after` (skipping `offset` first), of which the first
/// `want` are decoded, prefetched and returned.
async fn read_batch<M: Rows>(
    db: Db,
    queryset: Arc<QuerySet<M>>,
    after: Option<Vec<Value>>,
    want: u64,
    ask: u64,
    offset: Option<u64>,
) -> Result<Batch<M>> {
    let registry = db.registry();
    let info = registry.model(M::model_name(&queryset))?;
    if !queryset.query.annotations.is_empty() || queryset.query.values.is_some() {
        return Err(Error::config(format!(
            "stream() on {}: annotated and values() queries are read with all(), not streamed",
            info.meta.name
        )));
    }
    let BatchStatement {
        select: SelectStatement { sql, related, .. },
        keys,
        width,
    } = Compiler::new(registry, db.dialect()).select_batch(
        info,
        &queryset.query,
        after.as_deref(),
        ask,
        offset,
    )?;
    let mut rows = db.fetch(sql).await?;
    let want = usize::try_from(want).unwrap_or(usize::MAX);
    let more = rows.len() > want;
    rows.truncate(want);
    let last = match rows.last() {
        Some(row) => Some(
            keys.iter()
                .map(|&k| row.get(k).cloned())
                .collect::<Option<Vec<Value>>>()
                .ok_or_else(|| Error::database("a keyset batch row lacks its order values"))?,
        ),
        None => None,
    };
    let mut models = rows
        .into_iter()
        .map(|mut row| {
            row.truncate(width);
            M::decode(registry, info, row, &related, None, &[])
        })
        .collect::<Result<Vec<M>>>()?;
    if !queryset.query.prefetch_related.is_empty() && !models.is_empty() {
        M::prefetch(&db, info, &mut models, &queryset.query.prefetch_related).await?;
    }
    Ok(Batch {
        rows: models,
        last,
        more,
    })
}
