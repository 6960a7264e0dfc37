//! [`QuerySet`]: a lazy, cloneable description of rows of one model, and the calls that run it.
//!
//! Building a query runs nothing: `filter`, `exclude`, `order_by`, `limit`, `select_related`
//! return a new `QuerySet`. The calls that take a [`Db`] (`all`, `get`, `first`, `count`,
//! `exists`, `update`, `delete`, `create`) compile it and run it; `stream`, which reads the rows
//! in keyset batches, is in [`crate::stream`]. `Post::objects()` is the
//! [`Manager`](crate::Manager): the `QuerySet` of every row. A reverse relation manager
//! (`author.posts()`, in [`crate::related_manager`]) is a `QuerySet` restricted to the related
//! rows, whose `create` also sets the link.

use crate::compile::{Compiler, ComputedColumn, RelatedPlan, SelectStatement};
use crate::db::{Db, Row};
use crate::dynamic::AnyModel;
use crate::error::{Error, Result};
use crate::error_context::{relate, Context};
use crate::manager::QuerySet;
use crate::meta::FieldMeta;
use crate::model::{Model, NewRecord};
use crate::query::{Assignment, Condition, OrderBy, Prefetch, PrefetchNode, Query, RelatedNode};
use crate::record::Record;
use crate::registry::{ModelInfo, Registry};
use crate::value::{FieldKind, Value};
use std::sync::Arc;

/// How many rows `get` reads at most to report "more than one".
const GET_LIMIT: u64 = 21;

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a [`QuerySet`] reads rows into: a model type, or [`Record`].
pub trait Rows: Sized + Send + 'static {
    /// The name of the model `queryset` reads.
    fn model_name(queryset: &QuerySet<Self>) -> &str;
    /// Refuses, before any SQL runs, what this kind of row cannot hold (a partial row's
    /// relations, say).
    fn check_query(query: &Query, model: &str) -> Result<()> {
        let _ = (query, model);
        Ok(())
    }
    /// Reads one row (with its select_related relations, in the order `related` plans them);
    /// `fields` are the positions of the model's fields the row carries when `only` /
    /// `defer` chose them; `annotations` are the computed columns that end the row.
    fn decode(
        registry: &Arc<Registry>,
        info: &ModelInfo,
        row: Row,
        related: &[RelatedPlan],
        fields: Option<&[usize]>,
        annotations: &[ComputedColumn],
    ) -> Result<Self>;
    /// Loads prefetched relations into `rows`.
    fn prefetch<'a>(
        db: &'a Db,
        info: &'a ModelInfo,
        rows: &'a mut [Self],
        nodes: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;
}

impl<M: Model> Rows for M {
    fn model_name(_: &QuerySet<Self>) -> &str {
        &M::meta().name
    }

    fn decode(
        registry: &Arc<Registry>,
        _: &ModelInfo,
        row: Row,
        related: &[RelatedPlan],
        fields: Option<&[usize]>,
        _: &[ComputedColumn],
    ) -> Result<Self> {
        if fields.is_some() {
            return Err(partial_refused(&M::meta().name));
        }
        crate::selected::decode::<M>(registry, row, related)
    }

    fn prefetch<'a>(
        db: &'a Db,
        info: &'a ModelInfo,
        rows: &'a mut [Self],
        nodes: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        let refs: Vec<&mut dyn AnyModel> =
            rows.iter_mut().map(|m| m as &mut dyn AnyModel).collect();
        crate::prefetch::prefetch(db, info, refs, nodes)
    }
}

impl<M> QuerySet<M> {
    /// The query tree.
    pub fn query(&self) -> &Query {
        &self.query
    }

    pub(crate) fn with(&self, change: impl FnOnce(&mut Query)) -> Self {
        let mut qs = self.clone();
        change(&mut qs.query);
        qs
    }

    /// Rows that also match `condition`. As with Django's single join per `filter` call, the
    /// conditions of one call on the same to-many relation refer to the same related row,
    /// inside AND and OR alike (`tags = t1 & (creator = fred | tags = t2)` needs one tag that
    /// is t1 and, unless the item is fred's, t2); a branch not naming the relation also matches
    /// rows with no related row; a NOT inside means "has no such related row". Separate calls
    /// are independent.
    ///
    /// ```
    /// use aksara::demo::Post;
    /// use aksara::{q, Condition, Model};
    ///
    /// let by_email = Post::objects().filter(q!(author__email = "jane@example.com", published = true));
    /// let by_name = Post::objects().filter(Condition::new("author__email", "jane@example.com"));
    /// let typed = Post::objects().filter(Post::fields().author().email().eq("jane@example.com"));
    /// assert_eq!(by_name.query(), typed.query());
    /// assert_eq!(by_email.query().conditions.len(), 1); // one call: one group
    /// ```
    pub fn filter(&self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        self.with(|q| q.conditions.push(condition))
    }

    /// Rows that do not match `condition` (across a to-many relation: rows with no such
    /// related row).
    pub fn exclude(&self, condition: impl Into<Condition>) -> Self {
        let condition = condition.into();
        self.with(|q| q.conditions.push(Condition::Not(Box::new(condition))))
    }

    /// Orders by these fields (`"-created_at"` descending, paths through to-one relations
    /// allowed); replaces any earlier order.
    pub fn order_by<O: Into<OrderBy>>(&self, terms: impl IntoIterator<Item = O>) -> Self {
        let terms: Vec<OrderBy> = terms.into_iter().map(Into::into).collect();
        self.with(|q| q.order_by = terms)
    }

    /// At most `n` rows.
    pub fn limit(&self, n: u64) -> Self {
        self.with(|q| q.limit = Some(n))
    }

    /// Skips the first `n` rows.
    pub fn offset(&self, n: u64) -> Self {
        self.with(|q| q.offset = Some(n))
    }

    /// Loads these to-one relations (`"author"`, nested `"author__profile"`) in the same query.
    pub fn select_related<P: AsRef<str>>(&self, paths: impl IntoIterator<Item = P>) -> Self {
        let paths: Vec<String> = paths.into_iter().map(|p| p.as_ref().to_string()).collect();
        self.with(|q| {
            for p in &paths {
                RelatedNode::insert(&mut q.select_related, p);
            }
        })
    }

    /// Loads these relations (any kind, nested with `__`) with one extra query per relation
    /// level; a [`Prefetch`] adds conditions, order and a per-parent limit.
    pub fn prefetch_related<P: Into<Prefetch>>(&self, items: impl IntoIterator<Item = P>) -> Self {
        let items: Vec<Prefetch> = items.into_iter().map(Into::into).collect();
        self.with(|q| {
            for p in &items {
                PrefetchNode::insert_from(&mut q.prefetch_related, p);
            }
        })
    }
}

fn compiler(db: &Db) -> Compiler<'_> {
    Compiler::new(db.registry(), db.dialect())
}

impl<M: Rows> QuerySet<M> {
    fn info<'r>(&self, registry: &'r Registry) -> Result<&'r ModelInfo> {
        registry.model(M::model_name(self))
    }

    /// Runs the query and returns the rows.
    pub async fn all(&self, db: &Db) -> Result<Vec<M>> {
        let registry = db.registry();
        let info = self.info(registry)?;
        crate::locking::check_in_transaction(&self.query, db, &info.meta.name)?;
        M::check_query(&self.query, &info.meta.name)?;
        let SelectStatement {
            sql,
            related,
            fields,
            annotations,
        } = compiler(db).select_with_related(info, &self.query)?;
        let rows = db.fetch(sql).await?;
        let mut models = rows
            .into_iter()
            .map(|row| {
                M::decode(
                    registry,
                    info,
                    row,
                    &related,
                    fields.as_deref(),
                    &annotations,
                )
            })
            .collect::<Result<Vec<M>>>()?;
        if !self.query.prefetch_related.is_empty() && !models.is_empty() {
            M::prefetch(db, info, &mut models, &self.query.prefetch_related).await?;
        }
        Ok(models)
    }

    /// The one row matching `condition` (use `()` for no extra condition). An earlier
    /// [`limit`](Self::limit) and [`offset`](Self::offset) still apply, as they do for a
    /// [`filter`](Self::filter): `order_by(["id"]).limit(1).get(&db, ())` is the first row.
    ///
    /// # Errors
    /// [`Error::DoesNotExist`] when no row matches, [`Error::MultipleObjectsReturned`] when
    /// several do.
    pub async fn get(&self, db: &Db, condition: impl Into<Condition>) -> Result<M> {
        let mut queryset = self.clone();
        queryset.query.conditions.push(condition.into());
        // Enough rows to tell one from several, within the slice asked for.
        queryset.query.limit = Some(queryset.query.limit.map_or(GET_LIMIT, |n| n.min(GET_LIMIT)));
        let mut rows = queryset.all(db).await?;
        if rows.len() == 1 {
            return Ok(rows.pop().expect("one row"));
        }
        // Described only when it is needed: formatting costs more than the lookup itself.
        let model = M::model_name(self).to_string();
        let lookup = describe_conditions(&queryset.query.conditions);
        Err(match rows.len() {
            0 => Error::DoesNotExist { model, lookup },
            n => Error::MultipleObjectsReturned {
                model,
                count: n,
                lookup,
            },
        })
    }

    /// The first row (in the query's order, else by primary key), if any.
    pub async fn first(&self, db: &Db) -> Result<Option<M>> {
        let qs = match (
            self.query.order_by.is_empty(),
            self.info(db.registry())?.meta.try_pk(),
        ) {
            (true, Some(pk)) => self.order_by([pk.name.as_str()]),
            _ => self.clone(),
        };
        Ok(qs.limit(1).all(db).await?.pop())
    }

    /// The number of rows (one `COUNT` query).
    pub async fn count(&self, db: &Db) -> Result<u64> {
        let info = self.info(db.registry())?;
        let sql = compiler(db).count(info, &self.query)?;
        let rows = db.fetch(sql).await?;
        let value = rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Value::I64(0));
        FieldKind::BigInteger
            .coerce(value)
            .ok()
            .and_then(|v| v.as_i64())
            .map(|n| n.max(0) as u64)
            .ok_or_else(|| Error::database("COUNT(*) returned no number"))
    }

    /// True when at least one row matches (one query reading at most one row).
    pub async fn exists(&self, db: &Db) -> Result<bool> {
        let info = self.info(db.registry())?;
        let sql = compiler(db).exists(info, &self.query)?;
        Ok(!db.fetch(sql).await?.is_empty())
    }

    /// Sets fields on every matching row in one statement; returns the number of rows changed.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db, jane: aksara::demo::User) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// let changed = Post::objects()
    ///     .filter(q!(author = &jane))
    ///     .update(&db, [("published", true)])
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update<A: Into<Assignment>>(
        &self,
        db: &Db,
        assignments: impl IntoIterator<Item = A>,
    ) -> Result<u64> {
        let assignments: Vec<Assignment> = assignments.into_iter().map(Into::into).collect();
        let info = self.info(db.registry())?;
        let sql = compiler(db).update(info, &self.query, &assignments)?;
        let written: Vec<(&FieldMeta, Value)> = assignments
            .iter()
            .filter_map(|a| {
                let crate::query::Expr::Value(value) = &a.value else {
                    return None;
                };
                info.meta
                    .concrete_fields()
                    .find(|f| f.name == a.field)
                    .map(|f| (f, value.clone()))
            })
            .collect();
        let context = Context::Write {
            model: &info.meta.name,
            values: &written,
        };
        db.execute_raw(sql)
            .await
            .map(|n| n as u64)
            .map_err(|e| relate(db.registry(), e, Some(context)))
    }

    /// Deletes every matching row and applies each relation's `on_delete` to the rows that
    /// reference them (see [`crate::deletion`]). Returns every row deleted, cascaded ones
    /// included, with the count per model.
    ///
    /// # Errors
    /// [`Error::ForeignKeyConstraint`] when a `PROTECT` relation, or a `RESTRICT` relation
    /// whose rows are not deleted by the same cascade, refuses; the error names every refusing
    /// relation and nothing is deleted. [`Error::Config`] for a sliced query (`limit` /
    /// `offset`), which is refused as in Django.
    pub async fn delete(&self, db: &Db) -> Result<crate::deletion::Deleted> {
        crate::deletion::delete_rows(db, self.info(db.registry())?.index, &self.query).await
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of `M`.
    pub fn new() -> Self {
        Self::empty(None)
    }

    /// The rows of `M` that `condition` selects, whose `create` sets `defaults`.
    pub fn related(condition: Condition, defaults: Vec<(String, Value)>) -> Self {
        let mut qs = Self::new();
        qs.query.conditions.push(condition);
        qs.defaults = defaults;
        qs
    }

    /// The row whose primary key is `pk`.
    pub async fn get_by_pk(&self, db: &Db, pk: M::Pk) -> Result<M> {
        let pk_name = M::meta().pk()?.name.clone();
        self.get(db, Condition::new(pk_name, pk)).await
    }

    /// Creates a row from `record` (a builder such as `Post::build().title("...")`) and
    /// returns it. Unset fields take their default, `auto_now_add` time, generated key, or
    /// NULL when nullable; a missing required field, an over-long string or a bad email or URL
    /// is refused before any SQL runs. [`.on_conflict(fields)`](crate::upsert::Create::on_conflict)
    /// makes it an upsert.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let rust = Tag::objects().create(&db, Tag::build().name("Rust").slug("rust")).await?;
    /// # Ok(()) }
    /// ```
    pub fn create<'a>(
        &self,
        db: &'a Db,
        record: impl Into<NewRecord<M>>,
    ) -> crate::upsert::Create<'a, M> {
        crate::upsert::Create::new(db, self.with_defaults(record.into()))
    }

    /// `record` with this queryset's defaults set (the link a reverse manager creates through).
    fn with_defaults(&self, mut record: NewRecord<M>) -> Result<NewRecord<M>> {
        for (name, value) in &self.defaults {
            record = record.set(name, value.clone())?;
        }
        Ok(record)
    }

    /// Creates a row from each of `records` and returns them in the same order, with their
    /// keys: multi-row inserts, as many rows per statement as the backend's bind limit
    /// allows, all in one transaction. Every record is checked first, so a bad one (named by
    /// its position) leaves the database as it was. Unlike `save`, nothing else is written
    /// for a row (no many-to-many links). Awaited as it is, it inserts;
    /// [`.on_conflict(fields)`](crate::upsert::BulkCreate::on_conflict) makes it an upsert
    /// (see [`crate::upsert`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// use aksara::demo::Tag;
    /// use aksara::Model;
    ///
    /// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
    /// aksara::ddl::create_all(&db).await?;
    /// let tags = Tag::objects()
    ///     .bulk_create(&db, ["rust", "async"].map(|n| Tag::build().name(n).slug(n)))
    ///     .await?;
    /// assert_eq!(tags.len(), 2);
    /// assert_eq!(Tag::objects().count(&db).await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn bulk_create<'a, R: Into<NewRecord<M>>>(
        &self,
        db: &'a Db,
        records: impl IntoIterator<Item = R>,
    ) -> crate::upsert::BulkCreate<'a, M> {
        let records = records
            .into_iter()
            .map(|r| self.with_defaults(r.into()))
            .collect::<Result<Vec<_>>>();
        crate::upsert::BulkCreate::new(db, records)
    }
}

impl QuerySet<Record> {
    /// Every row of the model called `model` (resolved in the registry when run).
    pub fn of(model: impl Into<String>) -> Self {
        Self::empty(Some(model.into()))
    }
}

impl Rows for Record {
    fn model_name(queryset: &QuerySet<Self>) -> &str {
        queryset.model.as_deref().unwrap_or_default()
    }

    fn decode(
        registry: &Arc<Registry>,
        info: &ModelInfo,
        row: Row,
        related: &[RelatedPlan],
        fields: Option<&[usize]>,
        _: &[ComputedColumn],
    ) -> Result<Self> {
        if fields.is_some() {
            return Err(partial_refused(&info.meta.name));
        }
        if !related.is_empty() {
            return Err(Error::config(
                "select_related is not available for records; follow relations with Record queries",
            ));
        }
        Record::from_row(registry, info, row)
    }

    fn prefetch<'a>(
        _: &'a Db,
        _: &'a ModelInfo,
        _: &'a mut [Self],
        _: &'a [PrefetchNode],
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async {
            Err(Error::config(
                "prefetch_related is not available for records",
            ))
        })
    }
}

/// A partial row (`only` / `defer`) read into a type that needs every field.
fn partial_refused(model: &str) -> Error {
    Error::config(format!(
        "rows of {model} read with only / defer are Partial<{model}>: {} needs every field",
        crate::naming::with_article(model)
    ))
}

/// The conditions of a query in Django's words (`author__email="x" AND title__icontains="y"`).
fn describe_conditions(conditions: &[Condition]) -> String {
    fn one(c: &Condition) -> String {
        match c {
            Condition::Lookup { path, value } => format!("{path}={value}"),
            Condition::And(items) => items.iter().map(one).collect::<Vec<_>>().join(" AND "),
            Condition::Or(items) => format!(
                "({})",
                items.iter().map(one).collect::<Vec<_>>().join(" OR ")
            ),
            Condition::Not(inner) => format!("NOT ({})", one(inner)),
            Condition::True => "all rows".into(),
            other => format!("{other:?}"),
        }
    }
    let parts: Vec<String> = conditions.iter().map(one).collect();
    if parts.is_empty() {
        "all rows".into()
    } else {
        parts.join(" AND ")
    }
}
