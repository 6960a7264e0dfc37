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
/// order, a limit per parent) and nested prefetches.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefetchNode {
    /// The relation's name on its model.
    pub name: String,
    /// Conditions and order applied to the related rows; `limit` is per parent row.
    pub query: Query,
    /// Relations prefetched from the related rows.
    pub children: Vec<PrefetchNode>,
}

impl PrefetchNode {
    /// Adds `path` to a forest of nodes; `query` applies to the last step.
    pub fn insert(forest: &mut Vec<PrefetchNode>, path: &str, query: Option<Query>) {
        let parts: Vec<&str> = path.split("__").collect();
        let mut level = forest;
        for (i, part) in parts.iter().enumerate() {
            let index = match level.iter().position(|n| n.name == *part) {
                Some(i) => i,
                None => {
                    level.push(PrefetchNode {
                        name: part.to_string(),
                        query: Query::default(),
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            if i == parts.len() - 1 {
                if let Some(q) = &query {
                    level[index].query = q.clone();
                }
            }
            level = &mut level[index].children;
        }
    }
}

/// A prefetch with its own query, like Django's `Prefetch`.
///
/// ```no_run
/// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
/// use aksara::demo::User;
/// use aksara::{q, Model, Prefetch};
///
/// let recent = Prefetch::new("posts").filter(q!(published = true)).order_by(["-created_at"]).limit(3);
/// let users = User::objects().prefetch_related([recent]).all(&db).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Prefetch {
    /// The relation path.
    pub path: String,
    /// The query on the last step's rows.
    pub query: Query,
}

impl Prefetch {
    /// A prefetch of `path` with no extra conditions.
    pub fn new(path: impl Into<String>) -> Self {
        Prefetch {
            path: path.into(),
            query: Query::default(),
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
