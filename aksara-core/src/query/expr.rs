//! [`Expr`]: a value computed by the database from columns of the row ([`F`]), for atomic
//! updates (`views = views + 1`) and for conditions comparing two columns.

use super::Subquery;
use crate::value::Value;
use std::ops::{Add, Div, Mul, Sub};

/// An arithmetic operator of an [`Expr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl ArithOp {
    /// The operator's SQL.
    pub fn sql(self) -> &'static str {
        match self {
            ArithOp::Add => " + ",
            ArithOp::Sub => " - ",
            ArithOp::Mul => " * ",
            ArithOp::Div => " / ",
        }
    }
}

/// A value the database computes for each row: a plain value, a column (by path, through
/// to-one relations in conditions), or arithmetic on them. Built with [`F::col`] and the
/// operators `+ - * /`; plain values become bind parameters.
///
/// ```
/// use aksara::{Expr, F};
/// let next = F::col("views") + 1;
/// assert_eq!(
///     next,
///     Expr::Binary(Box::new(Expr::Column("views".into())), aksara::ArithOp::Add, Box::new(Expr::Value(1.into())))
/// );
/// ```
///
/// Cloning, comparing and dropping work without recursion, so an expression of any depth can
/// be built, copied and dropped; queries compile expressions up to
/// [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH) levels.
#[derive(Debug)]
pub enum Expr {
    /// A value, sent as a bind parameter.
    Value(Value),
    /// A column of the row, by field path (`views`, `author__karma`).
    Column(String),
    /// `left op right`.
    Binary(Box<Expr>, ArithOp, Box<Expr>),
    /// A column of the outer query's row, inside a subquery ([`OuterRef::col`]).
    Outer(String),
    /// A subquery reading one value (`author__in = Author::objects().values(["id"])`, or
    /// compared as a scalar).
    Subquery(Box<Subquery>),
}

/// A reference from a subquery to the row of the query around it, as Django's `OuterRef`:
/// `Post::objects().filter(q!(author = OuterRef::col("id")))` inside an author query.
#[derive(Debug, Clone, Copy)]
pub struct OuterRef;

impl OuterRef {
    /// The field `name` of the outer query's row (a field of its model itself).
    pub fn col(name: impl Into<String>) -> Expr {
        Expr::Outer(name.into())
    }
}

/// Column references for expressions, as in Django: `F::col("views") + 1`.
///
/// ```no_run
/// # async fn demo(db: aksara::Db) -> aksara::Result<()> {
/// use aksara::demo::Post;
/// use aksara::{q, Model, F};
///
/// // One atomic UPDATE: no read-modify-write, no lost increment under concurrency.
/// Post::objects().filter(q!(title = "Hello")).update(&db, [("title", F::col("title"))]).await?;
/// // Rows whose two columns compare: the database compares them.
/// let edited = Post::objects().filter(q!(created_at__lt = F::col("created_at"))).count(&db).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct F;

impl F {
    /// The column at `path`: a field of the row, or in conditions a field across to-one
    /// relations (`author__karma`).
    pub fn col(path: impl Into<String>) -> Expr {
        Expr::Column(path.into())
    }
}

impl Expr {
    /// How deeply the expression nests, measured without recursion.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((e, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            if let Expr::Binary(l, _, r) = e {
                stack.push((l, depth + 1));
                stack.push((r, depth + 1));
            }
        }
        deepest
    }

    fn binary(self, op: ArithOp, right: Expr) -> Expr {
        Expr::Binary(Box::new(self), op, Box::new(right))
    }
}

impl Drop for Expr {
    fn drop(&mut self) {
        let mut stack = Vec::new();
        if let Expr::Binary(l, _, r) = self {
            stack.push(std::mem::replace(&mut **l, Expr::Value(Value::Null)));
            stack.push(std::mem::replace(&mut **r, Expr::Value(Value::Null)));
        }
        while let Some(mut e) = stack.pop() {
            if let Expr::Binary(l, _, r) = &mut e {
                stack.push(std::mem::replace(&mut **l, Expr::Value(Value::Null)));
                stack.push(std::mem::replace(&mut **r, Expr::Value(Value::Null)));
            }
        }
    }
}

impl Clone for Expr {
    fn clone(&self) -> Self {
        enum Step<'a> {
            Visit(&'a Expr),
            Build(ArithOp),
        }
        let mut steps = vec![Step::Visit(self)];
        let mut built: Vec<Expr> = Vec::new();
        while let Some(step) = steps.pop() {
            match step {
                Step::Visit(Expr::Value(v)) => built.push(Expr::Value(v.clone())),
                Step::Visit(Expr::Column(c)) => built.push(Expr::Column(c.clone())),
                Step::Visit(Expr::Outer(c)) => built.push(Expr::Outer(c.clone())),
                Step::Visit(Expr::Subquery(q)) => built.push(Expr::Subquery(q.clone())),
                Step::Visit(Expr::Binary(l, op, r)) => {
                    steps.push(Step::Build(*op));
                    steps.push(Step::Visit(r));
                    steps.push(Step::Visit(l));
                }
                Step::Build(op) => {
                    let r = built.pop().expect("right operand");
                    let l = built.pop().expect("left operand");
                    built.push(Expr::Binary(Box::new(l), op, Box::new(r)));
                }
            }
        }
        built.pop().expect("one expression")
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        let mut stack = vec![(self, other)];
        while let Some((a, b)) = stack.pop() {
            match (a, b) {
                (Expr::Value(x), Expr::Value(y)) if x == y => {}
                (Expr::Column(x), Expr::Column(y)) if x == y => {}
                (Expr::Outer(x), Expr::Outer(y)) if x == y => {}
                (Expr::Subquery(x), Expr::Subquery(y)) if x == y => {}
                (Expr::Binary(l1, o1, r1), Expr::Binary(l2, o2, r2)) if o1 == o2 => {
                    stack.push((l1, l2));
                    stack.push((r1, r2));
                }
                _ => return false,
            }
        }
        true
    }
}

impl<T: Into<Value>> From<T> for Expr {
    fn from(value: T) -> Self {
        Expr::Value(value.into())
    }
}

macro_rules! arith {
    ($trait:ident, $method:ident, $op:ident) => {
        impl<T: Into<Expr>> $trait<T> for Expr {
            type Output = Expr;
            fn $method(self, right: T) -> Expr {
                self.binary(ArithOp::$op, right.into())
            }
        }
    };
}

arith!(Add, add, Add);
arith!(Sub, sub, Sub);
arith!(Mul, mul, Mul);
arith!(Div, div, Div);
