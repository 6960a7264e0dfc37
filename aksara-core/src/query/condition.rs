//! [`Condition`]: a tree of lookups combined with AND, OR and NOT, built, cloned and dropped
//! without recursion; and the [`q!`](crate::q) macro.

use super::{Expr, Quantifier};
use crate::value::Value;
use std::ops::{BitAnd, BitOr, Not};

/// A condition on rows.
///
/// Cloning and dropping work without recursion, so a condition of any depth can be built,
/// copied and dropped; queries compile conditions up to [`MAX_CONDITION_DEPTH`].
#[derive(Debug, PartialEq)]
pub enum Condition {
    /// `path` (fields and relations joined by `__`, optionally ending in a lookup name) compared
    /// with `value`.
    Lookup {
        /// The path, e.g. `author__email__icontains`.
        path: String,
        /// The value compared with.
        value: Value,
    },
    /// All of these (the conditions of one `filter` call; on the same to-many path they refer
    /// to the same related row, through OR and nesting too: see `QuerySet::filter`).
    And(Vec<Condition>),
    /// Any of these.
    Or(Vec<Condition>),
    /// Not this (across a to-many relation: has no such related row).
    Not(Box<Condition>),
    /// A condition on the rows of the to-many relation `path`, counted by `quantifier`.
    Related {
        /// The to-many relation path (`tags`, `posts__tags`).
        path: String,
        /// Some, every or none.
        quantifier: Quantifier,
        /// The condition on the related rows (paths relative to the related model).
        condition: Box<Condition>,
    },
    /// The rows whose `path` (a to-one relation or `""` for the row itself) points into the
    /// tree grown from `root` along the self-referential relation `relation`: its descendants
    /// (or ancestors), found with one recursive query.
    Tree {
        /// The to-one relation leading to the tree's model (`"category"`), or `""`.
        path: String,
        /// The self-referential relation of the tree's model (`"parent"`).
        relation: String,
        /// The key of the root row.
        root: Value,
        /// Walk towards the ancestors instead of the descendants.
        ancestors: bool,
        /// Include the root itself.
        include_root: bool,
    },
    /// `path` (a field, through to-one relations, optionally ending in `exact`, `gt`, `gte`,
    /// `lt` or `lte`) compared with an expression the database computes for each row
    /// (`q!(updated_at__gt = F::col("created_at"))`).
    Compare {
        /// The compared field's path, with its lookup.
        path: String,
        /// What it is compared with.
        rhs: Expr,
    },
    /// Some row of the subquery exists (`EXISTS (..)`); its conditions may name the row
    /// of the query around it with [`OuterRef`](super::OuterRef).
    Exists(Box<super::Subquery>),
    /// Always true.
    True,
}

/// What a condition compares a path with: any value (`"rust"`, `3`, `&author`), or an
/// [`Expr`] computed by the database (`F::col("created_at")`).
pub trait Comparand {
    /// The condition comparing `path` with this.
    fn compare(self, path: String) -> Condition;
}

impl<T: Into<Value>> Comparand for T {
    fn compare(self, path: String) -> Condition {
        Condition::Lookup {
            path,
            value: self.into(),
        }
    }
}

impl Comparand for Expr {
    fn compare(self, path: String) -> Condition {
        let mut rhs = self;
        match &mut rhs {
            Expr::Value(value) => Condition::Lookup {
                path,
                value: std::mem::replace(value, Value::Null),
            },
            _ => Condition::Compare { path, rhs },
        }
    }
}

/// How deep a [`Condition`] may be for a query to compile: each `Not`, `Or` and `Related`
/// level counts one, and so does each segment of a path (a relation crossed or the field at
/// its end); `And` levels are flattened and do not count. A deeper condition is an
/// [`Error::Config`](crate::Error::Config) naming this limit, never a stack overflow.
pub const MAX_CONDITION_DEPTH: usize = 100;

/// The most segments one path of a [`Condition`] may have (`posts__tags__name` has three).
/// Each to-many relation crossed is a nested subquery, and databases limit their nesting
/// (MariaDB to 63 levels, SQLite by its expression depth), so a longer path is an
/// [`Error::Config`](crate::Error::Config) naming this limit, before any SQL runs.
pub const MAX_PATH_LENGTH: usize = 16;

impl Condition {
    /// The depth of this condition as [`MAX_CONDITION_DEPTH`] counts it, measured without
    /// recursion (so any tree can be measured).
    ///
    /// ```
    /// use aksara_core::Condition;
    /// let c = !Condition::new("posts__tags__name", "rust");
    /// assert_eq!(c.depth(), 4);
    /// ```
    pub fn depth(&self) -> usize {
        self.measure().0
    }

    /// The number of segments of the longest path in this condition (see
    /// [`MAX_PATH_LENGTH`]), measured without recursion.
    ///
    /// ```
    /// use aksara_core::Condition;
    /// let c = Condition::new("title", "a") | Condition::new("posts__tags__name", "rust");
    /// assert_eq!(c.longest_path(), 3);
    /// ```
    pub fn longest_path(&self) -> usize {
        self.measure().1
    }

    /// (depth, longest path).
    fn measure(&self) -> (usize, usize) {
        let (mut deepest, mut longest) = (0, 0);
        let mut stack = vec![(self, 0usize)];
        while let Some((c, above)) = stack.pop() {
            let mut path_of = |path: &str| {
                let segments = path.split("__").count();
                longest = longest.max(segments);
                segments
            };
            match c {
                Condition::Lookup { path, .. } | Condition::Tree { path, .. } => {
                    deepest = deepest.max(above + path_of(path))
                }
                Condition::Compare { path, rhs } => {
                    deepest = deepest.max(above + path_of(path)).max(above + rhs.depth())
                }
                Condition::True | Condition::Exists(_) => deepest = deepest.max(above),
                Condition::And(items) => stack.extend(items.iter().map(|i| (i, above))),
                Condition::Or(items) => {
                    deepest = deepest.max(above + 1);
                    stack.extend(items.iter().map(|i| (i, above + 1)));
                }
                Condition::Not(inner) => stack.push((inner, above + 1)),
                Condition::Related {
                    path, condition, ..
                } => stack.push((condition, above + 1 + path_of(path))),
            }
        }
        (deepest, longest)
    }

    /// True when this condition holds other conditions.
    fn has_children(&self) -> bool {
        match self {
            Condition::And(items) | Condition::Or(items) => !items.is_empty(),
            Condition::Not(_) | Condition::Related { .. } => true,
            _ => false,
        }
    }

    /// Moves the children that hold conditions themselves onto `stack`.
    fn take_children(&mut self, stack: &mut Vec<Condition>) {
        match self {
            Condition::And(items) | Condition::Or(items) => {
                for item in items.iter_mut().filter(|i| i.has_children()) {
                    stack.push(std::mem::replace(item, Condition::True));
                }
            }
            Condition::Not(inner)
            | Condition::Related {
                condition: inner, ..
            } if inner.has_children() => {
                stack.push(std::mem::replace(&mut **inner, Condition::True));
            }
            _ => {}
        }
    }
}

impl Clone for Condition {
    fn clone(&self) -> Self {
        enum Step<'a> {
            Visit(&'a Condition),
            Build(&'a Condition),
        }
        let mut steps = vec![Step::Visit(self)];
        let mut built: Vec<Condition> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Visit(c) => match c {
                    Condition::And(items) | Condition::Or(items) => {
                        steps.push(Step::Build(c));
                        steps.extend(items.iter().rev().map(Step::Visit));
                    }
                    Condition::Not(inner)
                    | Condition::Related {
                        condition: inner, ..
                    } => {
                        steps.push(Step::Build(c));
                        steps.push(Step::Visit(inner));
                    }
                    Condition::Lookup { path, value } => built.push(Condition::Lookup {
                        path: path.clone(),
                        value: value.clone(),
                    }),
                    Condition::Tree {
                        path,
                        relation,
                        root,
                        ancestors,
                        include_root,
                    } => built.push(Condition::Tree {
                        path: path.clone(),
                        relation: relation.clone(),
                        root: root.clone(),
                        ancestors: *ancestors,
                        include_root: *include_root,
                    }),
                    Condition::Compare { path, rhs } => built.push(Condition::Compare {
                        path: path.clone(),
                        rhs: rhs.clone(),
                    }),
                    Condition::True => built.push(Condition::True),
                    Condition::Exists(q) => built.push(Condition::Exists(q.clone())),
                },
                Step::Build(c) => {
                    let copy = match c {
                        Condition::And(items) | Condition::Or(items) => {
                            let children = built.split_off(built.len() - items.len());
                            if matches!(c, Condition::And(_)) {
                                Condition::And(children)
                            } else {
                                Condition::Or(children)
                            }
                        }
                        Condition::Not(_) => Condition::Not(Box::new(built.pop().expect("child"))),
                        Condition::Related {
                            path, quantifier, ..
                        } => Condition::Related {
                            path: path.clone(),
                            quantifier: *quantifier,
                            condition: Box::new(built.pop().expect("child")),
                        },
                        _ => unreachable!("only conditions with children are built"),
                    };
                    built.push(copy);
                }
            }
        }
        built.pop().expect("the copy")
    }
}

/// An [`Error::Config`](crate::Error::Config) naming the limit when one of `conditions` (of
/// a query on `model`) is deeper than [`MAX_CONDITION_DEPTH`] or has a path longer than
/// [`MAX_PATH_LENGTH`].
pub fn check_depth(model: &str, conditions: &[Condition]) -> crate::Result<()> {
    for c in conditions {
        let (depth, longest) = c.measure();
        if depth > MAX_CONDITION_DEPTH {
            return Err(crate::Error::config(format!(
                "{model}: a condition {depth} levels deep (counting Not, Or and Related levels \
                 and path segments) exceeds MAX_CONDITION_DEPTH = {MAX_CONDITION_DEPTH}"
            )));
        }
        if longest > MAX_PATH_LENGTH {
            return Err(crate::Error::config(format!(
                "{model}: a path of {longest} segments exceeds MAX_PATH_LENGTH = \
                 {MAX_PATH_LENGTH}"
            )));
        }
    }
    Ok(())
}

/// Dropping flattens the tree onto a heap stack first, so that a condition of any depth is
/// dropped without recursion.
impl Drop for Condition {
    fn drop(&mut self) {
        if !self.has_children() {
            return;
        }
        let mut stack = Vec::new();
        self.take_children(&mut stack);
        while let Some(mut c) = stack.pop() {
            c.take_children(&mut stack);
        }
    }
}

impl Condition {
    /// `path` compared with `value`; `path` may end in a lookup name (`"title__icontains"`).
    ///
    /// ```
    /// use aksara_core::Condition;
    /// let c = Condition::new("author__email", "jane@example.com");
    /// assert!(matches!(c, Condition::Lookup { .. }));
    /// ```
    pub fn new(path: impl Into<String>, value: impl Comparand) -> Self {
        value.compare(path.into())
    }

    /// At least one row of the to-many relation `path` matches `condition`.
    pub fn some(path: impl Into<String>, condition: impl Into<Condition>) -> Self {
        Condition::Related {
            path: path.into(),
            quantifier: Quantifier::Some,
            condition: Box::new(condition.into()),
        }
    }

    /// Every row of the to-many relation `path` matches `condition` (true when there are none).
    pub fn every(path: impl Into<String>, condition: impl Into<Condition>) -> Self {
        Condition::Related {
            path: path.into(),
            quantifier: Quantifier::Every,
            condition: Box::new(condition.into()),
        }
    }

    /// No row of the to-many relation `path` matches `condition`.
    pub fn none(path: impl Into<String>, condition: impl Into<Condition>) -> Self {
        Condition::Related {
            path: path.into(),
            quantifier: Quantifier::None,
            condition: Box::new(condition.into()),
        }
    }
}

impl Condition {
    fn tree(
        path: String,
        relation: String,
        root: Value,
        ancestors: bool,
        include_root: bool,
    ) -> Self {
        Condition::Tree {
            path,
            relation,
            root,
            ancestors,
            include_root,
        }
    }

    /// Rows whose `path` is `root` or one of its descendants along `relation`
    /// (`Condition::in_subtree("category", "parent", tech.id)`: posts in Technology and every
    /// category below it). Use `""` as `path` for rows of the tree's own model.
    pub fn in_subtree(
        path: impl Into<String>,
        relation: impl Into<String>,
        root: impl Into<Value>,
    ) -> Self {
        Self::tree(path.into(), relation.into(), root.into(), false, true)
    }

    /// Rows whose `path` is one of the ancestors of `node` along `relation` (not `node` itself).
    pub fn ancestors_of(
        path: impl Into<String>,
        relation: impl Into<String>,
        node: impl Into<Value>,
    ) -> Self {
        Self::tree(path.into(), relation.into(), node.into(), true, false)
    }

    /// Rows whose `path` is one of the descendants of `node` along `relation` (not `node`
    /// itself).
    pub fn descendants_of(
        path: impl Into<String>,
        relation: impl Into<String>,
        node: impl Into<Value>,
    ) -> Self {
        Self::tree(path.into(), relation.into(), node.into(), false, false)
    }
}

impl BitAnd for Condition {
    type Output = Condition;
    fn bitand(mut self, rhs: Condition) -> Condition {
        match &mut self {
            Condition::And(items) => {
                items.push(rhs);
                self
            }
            _ => Condition::And(vec![self, rhs]),
        }
    }
}

impl BitOr for Condition {
    type Output = Condition;
    fn bitor(mut self, rhs: Condition) -> Condition {
        match &mut self {
            Condition::Or(items) => {
                items.push(rhs);
                self
            }
            _ => Condition::Or(vec![self, rhs]),
        }
    }
}

impl Not for Condition {
    type Output = Condition;
    fn not(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}

impl<P: Into<String>, V: Into<Value>> From<(P, V)> for Condition {
    fn from((path, value): (P, V)) -> Self {
        Condition::new(path, value)
    }
}

impl From<()> for Condition {
    fn from((): ()) -> Self {
        Condition::True
    }
}

impl<const N: usize> From<[Condition; N]> for Condition {
    fn from(items: [Condition; N]) -> Self {
        Condition::And(items.into())
    }
}

impl From<Vec<Condition>> for Condition {
    fn from(items: Vec<Condition>) -> Self {
        Condition::And(items)
    }
}

/// Builds a [`Condition`] from Django-style keyword lookups; several are combined with AND.
///
/// ```
/// use aksara_core::{q, Condition};
/// let c = q!(author__email = "jane@example.com", title__icontains = "rust");
/// assert!(matches!(c, Condition::And(ref items) if items.len() == 2));
/// ```
#[macro_export]
macro_rules! q {
    ($($path:ident = $value:expr),+ $(,)?) => {
        $crate::Condition::And(vec![$($crate::Condition::new(stringify!($path), $value)),+])
    };
}
