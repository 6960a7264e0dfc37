//! Which relations a query loads with its rows: [`RelatedNode`] (`select_related`, in the
//! same query) and [`PrefetchNode`] / [`Prefetch`] (`prefetch_related`, one query per level).

use super::{Condition, OrderBy, Query};

/// A to-one relation loaded with the rows (`select_related`), with its own nested ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedNode {
    /// The relation's name on its model.
    pub name: String,
    /// Relations loaded from the related row.
    pub children: Vec<RelatedNode>,
}

impl RelatedNode {
    /// Adds the path `a__b__c` to a forest of nodes.
    pub fn insert(forest: &mut Vec<RelatedNode>, path: &str) {
        let mut level = forest;
        for part in path.split("__") {
            let index = match level.iter().position(|n| n.name == part) {
                Some(i) => i,
                None => {
                    level.push(RelatedNode {
                        name: part.to_string(),
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            level = &mut level[index].children;
        }
    }
}

/// A relation loaded by one extra query (`prefetch_related`), with its own query (conditions,
/// order, a slice per parent, `select_related` joins) and nested prefetches.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefetchNode {
    /// The relation's name on its model.
    pub name: String,
    /// Where the rows go on each parent, when not under the relation's own name
    /// ([`Prefetch::to_attr`]).
    pub to_attr: Option<String>,
    /// The model an inner queryset was built for ([`Prefetch::queryset`]), checked against
    /// the relation's target when the prefetch runs.
    pub model: Option<String>,
    /// Conditions, order, `select_related` and the slice applied to the related rows; `limit`
    /// and `offset` are per parent row. Its `prefetch_related` is always empty: nested
    /// prefetches are the node's `children`.
    pub query: Query,
    /// Relations prefetched from the related rows.
    pub children: Vec<PrefetchNode>,
}

impl PrefetchNode {
    /// The name the loaded rows are kept under on each parent, and the name a longer path
    /// walks through (`to_attr` when given, the relation's name otherwise).
    pub fn attr(&self) -> &str {
        self.to_attr.as_deref().unwrap_or(&self.name)
    }

    /// Adds `path` to a forest of nodes; `query` applies to the last step. Each step of the
    /// path names a node by its [`attr`](Self::attr), so a prefetch kept under a `to_attr`
    /// is walked through by that name (`recent_posts__tags`).
    pub fn insert(forest: &mut Vec<PrefetchNode>, path: &str, query: Option<Query>) {
        Self::insert_prefetch(forest, path, query, None, None);
    }

    /// Adds `path` with its query, its `to_attr` and the model of its inner queryset; the
    /// query's own `prefetch_related` become the last node's children.
    fn insert_prefetch(
        forest: &mut Vec<PrefetchNode>,
        path: &str,
        query: Option<Query>,
        to_attr: Option<&str>,
        model: Option<&str>,
    ) {
        let parts: Vec<&str> = path.split("__").collect();
        let mut level = forest;
        for (i, part) in parts.iter().enumerate() {
            let last = i == parts.len() - 1;
            let attr = if last { to_attr.unwrap_or(part) } else { part };
            let index = match level.iter().position(|n| n.attr() == attr) {
                Some(i) => i,
                None => {
                    level.push(PrefetchNode {
                        name: part.to_string(),
                        to_attr: if last {
                            to_attr.map(str::to_string)
                        } else {
                            None
                        },
                        model: None,
                        query: Query::default(),
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            if last {
                let node = &mut level[index];
                if let Some(mut q) = query.clone() {
                    let nested = std::mem::take(&mut q.prefetch_related);
                    node.query = q;
                    for child in nested {
                        merge(&mut node.children, child);
                    }
                }
                if let Some(model) = model {
                    node.model = Some(model.to_string());
                }
            }
            level = &mut level[index].children;
        }
    }

    /// Adds `prefetch` to a forest of nodes.
    pub fn insert_from(forest: &mut Vec<PrefetchNode>, prefetch: &Prefetch) {
        let custom = Some(prefetch.query.clone()).filter(|q| q != &Query::default());
        Self::insert_prefetch(
            forest,
            &prefetch.path,
            custom,
            prefetch.to_attr.as_deref(),
            prefetch.model.as_deref(),
        );
    }
}

/// Adds a node (with its subtree) to a forest, merging it into a node of the same name.
fn merge(forest: &mut Vec<PrefetchNode>, node: PrefetchNode) {
    match forest.iter_mut().find(|n| n.attr() == node.attr()) {
        Some(existing) => {
            if node.query != Query::default() {
                existing.query = node.query;
            }
            if node.model.is_some() {
                existing.model = node.model;
            }
            for child in node.children {
                merge(&mut existing.children, child);
            }
        }
        None => forest.push(node),
    }
}

/// A prefetch with its own query, like Django's `Prefetch`: conditions, order and a slice per
/// parent, or a whole inner queryset with its own `select_related` and nested
/// `prefetch_related`; and where to keep the rows ([`to_attr`](Self::to_attr)).
///
/// ```no_run
/// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
/// use aksara::demo::{Post, User};
/// use aksara::{q, Model, Prefetch};
///
/// let recent = Prefetch::new("posts").filter(q!(published = true)).order_by(["-created_at"]).limit(3);
/// let users = User::objects().prefetch_related([recent]).all(&db).await?;
///
/// // An inner queryset: its joins and nested prefetches run once per level, for every user.
/// let drafts = Post::objects()
///     .filter(q!(published = false))
///     .select_related(["category"])
///     .prefetch_related(["tags"]);
/// let users = User::objects()
///     .prefetch_related([Prefetch::new("posts").queryset(drafts).to_attr("drafts")])
///     .all(&db)
///     .await?;
/// let drafts: &[std::sync::Arc<Post>] = users[0].related.many("drafts").unwrap_or(&[]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Prefetch {
    /// The relation path.
    pub path: String,
    /// The query on the last step's rows.
    pub query: Query,
    /// Where the last step's rows are kept, instead of under the relation's name.
    pub to_attr: Option<String>,
    /// The model of the inner queryset, if one was given.
    pub model: Option<String>,
}

impl Prefetch {
    /// A prefetch of `path` with no extra conditions.
    pub fn new(path: impl Into<String>) -> Self {
        Prefetch {
            path: path.into(),
            query: Query::default(),
            to_attr: None,
            model: None,
        }
    }

    /// Only related rows matching `condition`.
    pub fn filter(mut self, condition: impl Into<Condition>) -> Self {
        self.query.conditions.push(condition.into());
        self
    }

    /// Related rows in this order.
    pub fn order_by<O: Into<OrderBy>>(mut self, terms: impl IntoIterator<Item = O>) -> Self {
        self.query.order_by = terms.into_iter().map(Into::into).collect();
        self
    }

    /// At most `n` related rows per parent row.
    pub fn limit(mut self, n: u64) -> Self {
        self.query.limit = Some(n);
        self
    }

    /// Keeps the rows on each parent under `name` instead of under the relation, leaving the
    /// relation itself unloaded (Django's `to_attr`). The parent's
    /// [`Related`](crate::Related) store holds them: read them with
    /// `parent.related.many::<T>(name)` (or `one` for a to-one relation). The name must not be
    /// a field or relation of the parent model.
    pub fn to_attr(mut self, name: impl Into<String>) -> Self {
        self.to_attr = Some(name.into());
        self
    }
}
impl From<&str> for Prefetch {
    fn from(path: &str) -> Self {
        Prefetch::new(path)
    }
}

impl From<String> for Prefetch {
    fn from(path: String) -> Self {
        Prefetch::new(path)
    }
}
