//! [`QuerySet::distinct`], [`QuerySet::distinct_on`] and [`QuerySet::in_bulk`].
//!
//! Rows of a model are distinct already whenever their primary key is selected, which it
//! always is, and to-many conditions never repeat a row (they are `EXISTS` subqueries), so
//! `distinct()` is for models without a key and for clarity; `distinct_on` (PostgreSQL)
//! keeps the first row of each group and is a real choice of rows. `in_bulk` reads rows by
//! key into a map, in as few statements as the backend's bind limit allows.

use crate::compile::in_list_limit;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::manager::QuerySet;
use crate::model::Model;
use crate::query::{Condition, Distinct};
use crate::queryset::Rows;
use crate::value::Value;
use std::collections::HashMap;
use std::hash::Hash;

impl<M> QuerySet<M> {
    /// `SELECT DISTINCT`: identical rows once. An ORDER BY term on a joined column
    /// (`order_by(["author__name"])`) is added to the select list, as PostgreSQL and MySQL
    /// require; a joined column holds one value per row (every join is to-one), so this
    /// does not change which rows are distinct. `count()` counts the distinct rows.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::{q, Model};
    ///
    /// let posts = Post::objects()
    ///     .filter(q!(tags__name__startswith = "r"))
    ///     .distinct()
    ///     .order_by(["author__name", "title"])
    ///     .all(&db)
    ///     .await?;
    /// # let _ = posts; Ok(()) }
    /// ```
    pub fn distinct(&self) -> Self {
        self.with(|q| q.distinct = Distinct::Rows)
    }

    /// `SELECT DISTINCT ON (fields)` (PostgreSQL only): of each group of rows equal on these
    /// field paths (to-one paths such as `"author__name"` allowed), the first in the query's
    /// order, which must then start with the same fields. Replaces
    /// [`distinct`](Self::distinct). `count()` counts the rows kept; `update` and `delete`
    /// refuse it.
    ///
    /// # Errors
    /// When run: [`Error::Config`] on another backend (naming it), and when the ORDER BY
    /// does not start with these fields.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// // The latest post of each author.
    /// let latest = Post::objects()
    ///     .distinct_on(["author"])
    ///     .order_by(["author", "-created_at"])
    ///     .all(&db)
    ///     .await?;
    /// # let _ = latest; Ok(()) }
    /// ```
    pub fn distinct_on<P: AsRef<str>>(&self, fields: impl IntoIterator<Item = P>) -> Self {
        let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        self.with(|q| q.distinct = Distinct::On(fields))
    }
}

impl<M: Model> QuerySet<M>
where
    M::Pk: Eq + Hash,
{
    /// The rows of these keys, by key (keys without a row are absent), read with this
    /// queryset's conditions, `select_related` and `prefetch_related`. The keys are bound as
    /// one list parameter, as prefetching binds them: one array on PostgreSQL, whatever the
    /// number; elsewhere lists of at most one statement's bind limit (about 31,000 on
    /// SQLite, 64,000 on MySQL), one statement each. No key: no query.
    ///
    /// # Errors
    /// [`Error::Config`] for a sliced queryset (`limit` / `offset`) or one with
    /// `distinct_on`, whose meaning a split into several statements would change.
    ///
    /// ```no_run
    /// # async fn demo(db: aksara::Db, a: uuid::Uuid, b: uuid::Uuid) -> aksara::Result<()> {
    /// use aksara::demo::Post;
    /// use aksara::Model;
    ///
    /// let posts = Post::objects().select_related(["author"]).in_bulk(&db, [a, b]).await?;
    /// if let Some(post) = posts.get(&a) {
    ///     println!("{}", post.title);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn in_bulk(
        &self,
        db: &Db,
        keys: impl IntoIterator<Item = M::Pk>,
    ) -> Result<HashMap<M::Pk, M>> {
        let keys: Vec<Value> = unique(keys).into_iter().map(Into::into).collect();
        let meta = M::meta();
        let rows = bulk_rows(self, db, &meta.name, &meta.pk()?.name, keys).await?;
        Ok(rows.into_iter().map(|m| (m.pk().clone(), m)).collect())
    }
}

/// `keys` without repeats, in their first order.
pub(crate) fn unique<K: Eq + Hash + Clone>(keys: impl IntoIterator<Item = K>) -> Vec<K> {
    let mut seen = std::collections::HashSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(k.clone()))
        .collect()
}

/// The rows of `queryset` whose key is one of `keys`, in statements that each fit the
/// backend's bind limit.
pub(crate) async fn bulk_rows<R: Rows>(
    queryset: &QuerySet<R>,
    db: &Db,
    model: &str,
    pk: &str,
    keys: Vec<Value>,
) -> Result<Vec<R>> {
    let query = &queryset.query;
    if query.limit.is_some() || query.offset.is_some() {
        return Err(Error::config(format!(
            "in_bulk on {model} cannot follow limit or offset: the slice would apply to each \
             statement of keys, not to the whole"
        )));
    }
    if let Distinct::On(fields) = &query.distinct {
        return Err(Error::config(format!(
            "in_bulk on {model} cannot follow distinct_on({fields:?})"
        )));
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let per_statement = in_list_limit(db.dialect());
    let mut rows = Vec::new();
    for chunk in keys.chunks(per_statement) {
        let part = queryset
            .filter(Condition::new(
                format!("{pk}__in"),
                Value::Array(chunk.to_vec()),
            ))
            .all(db)
            .await?;
        rows.extend(part);
    }
    Ok(rows)
}
