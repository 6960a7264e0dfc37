//! A statement whose values were converted once into a backend's own bind type, for the
//! backends that bind every value as a parameter of its own (MySQL, SQLite).
//!
//! The backend's diesel query walks [`BoundStatement::pieces`]: text with `push_sql`,
//! identifiers with `push_identifier`, binds with `push_bind_param` for its own `B`. The pieces
//! are shared, so a copy (kept by an executor to explain an error after the statement ran)
//! costs a reference count. The statement keeps the [`Intent`] of its [`Sql`], and its pieces
//! stand at the indexes of the parts they came from, so the bind indexes an intent lists
//! (see [`crate::sql::WrittenForeignKey::binds`]) name pieces too.

use crate::sql::{Intent, Part, Sql};
use crate::value::{Value, ValueType};
use std::sync::Arc;

/// One piece of a bound statement.
#[derive(Debug, Clone, PartialEq)]
pub enum BoundPiece<B> {
    /// SQL text.
    Text(String),
    /// An identifier, quoted by the backend.
    Ident(String),
    /// A value in the backend's bind form.
    Bind(B),
}

/// A statement with its values in the backend's bind form `B`.
#[derive(Debug, Clone)]
pub struct BoundStatement<B> {
    /// Its pieces, in order.
    pub pieces: Arc<[BoundPiece<B>]>,
    /// The first value that had no bind form; the backend reports it when the statement runs.
    pub invalid: Option<String>,
    /// Run without keeping the prepared statement (see [`Sql::one_off`]).
    pub one_off: bool,
    /// What the statement does (see [`Sql::intent`]).
    pub intent: Arc<Intent>,
}

impl<B> BoundStatement<B> {
    /// Converts `sql`, each value with `convert` (given the type it is sent as); a value it
    /// refuses becomes `null` and is remembered in [`BoundStatement::invalid`].
    pub fn new(
        sql: Sql,
        convert: impl Fn(Value, Option<ValueType>) -> Result<B, String>,
        null: impl Fn() -> B,
    ) -> Self {
        let mut invalid = None;
        let one_off = sql.one_off;
        let intent = Arc::new(sql.intent);
        let pieces: Vec<BoundPiece<B>> = sql
            .parts
            .into_iter()
            .map(|part| match part {
                Part::Text(t) => BoundPiece::Text(t),
                Part::Ident(i) => BoundPiece::Ident(i),
                Part::Bind(v, ty) => BoundPiece::Bind(convert(v, ty).unwrap_or_else(|e| {
                    invalid.get_or_insert(e);
                    null()
                })),
            })
            .collect();
        BoundStatement {
            pieces: pieces.into(),
            invalid,
            one_off,
            intent,
        }
    }

    /// A statement made of `pieces`.
    pub fn from_pieces(pieces: Vec<BoundPiece<B>>) -> Self {
        BoundStatement {
            pieces: pieces.into(),
            invalid: None,
            one_off: false,
            intent: Arc::new(Intent::Read),
        }
    }

    /// The tables this statement drops (see [`Intent::dropped_tables`]).
    pub fn dropped_tables(&self) -> &[String] {
        self.intent.dropped_tables()
    }

    /// The value bound at `index` (an index into the parts of the statement's [`Sql`]), when
    /// a bind stands there.
    pub fn bind_at(&self, index: usize) -> Option<&B> {
        match self.pieces.get(index)? {
            BoundPiece::Bind(b) => Some(b),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_convert_once_and_refusals_are_kept() {
        let mut sql = Sql::new();
        sql.push("SELECT ")
            .bind(Value::I64(1), None)
            .push(", ")
            .bind(Value::Bool(true), None);
        let bound = BoundStatement::new(
            sql,
            |v, _| match v {
                Value::I64(n) => Ok(n),
                other => Err(format!("no form for {other}")),
            },
            || 0,
        );
        assert_eq!(bound.invalid.as_deref(), Some("no form for true"));
        assert_eq!(
            &bound.pieces[..],
            &[
                BoundPiece::Text("SELECT ".into()),
                BoundPiece::Bind(1),
                BoundPiece::Text(", ".into()),
                BoundPiece::Bind(0),
            ]
        );
    }

    #[test]
    fn keeps_the_intent_and_the_part_indexes() {
        let mut sql = Sql::drop_table("posts");
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        let bound = BoundStatement::<()>::new(sql, |_, _| Ok(()), || ());
        assert_eq!(bound.dropped_tables(), ["posts".to_string()]);
        let text_only = BoundStatement::<()>::from_pieces(vec![BoundPiece::Text(
            "DROP TABLE IF EXISTS posts".into(),
        )]);
        assert!(text_only.dropped_tables().is_empty());

        let mut sql = Sql::new();
        sql.push("SELECT ").bind(Value::I64(4), None);
        let bound = BoundStatement::new(sql, |v, _| Ok(v), || Value::Null);
        assert_eq!(bound.bind_at(1), Some(&Value::I64(4)));
        assert_eq!(bound.bind_at(0), None);
    }
}
