//! A statement whose values were converted once into a backend's own bind type, for the
//! backends that bind every value as a parameter of its own (MySQL, SQLite).
//!
//! The backend's diesel query walks [`BoundStatement::pieces`]: text with `push_sql`,
//! identifiers with `push_identifier`, binds with `push_bind_param` for its own `B`. The pieces
//! are shared, so a copy (kept by an executor to explain an error after the statement ran)
//! costs a reference count.

use crate::sql::{Part, Sql};
use crate::value::Value;
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
}

impl<B> BoundStatement<B> {
    /// Converts `sql`, each value with `convert`; a value it refuses becomes `null` and is
    /// remembered in [`BoundStatement::invalid`].
    pub fn new(
        sql: Sql,
        convert: impl Fn(Value) -> Result<B, String>,
        null: impl Fn() -> B,
    ) -> Self {
        let mut invalid = None;
        let one_off = sql.one_off;
        let pieces: Vec<BoundPiece<B>> = sql
            .parts
            .into_iter()
            .map(|part| match part {
                Part::Text(t) => BoundPiece::Text(t),
                Part::Ident(i) => BoundPiece::Ident(i),
                Part::Bind(v, _) => BoundPiece::Bind(convert(v).unwrap_or_else(|e| {
                    invalid.get_or_insert(e);
                    null()
                })),
            })
            .collect();
        BoundStatement {
            pieces: pieces.into(),
            invalid,
            one_off,
        }
    }

    /// A statement made of `pieces`.
    pub fn from_pieces(pieces: Vec<BoundPiece<B>>) -> Self {
        BoundStatement {
            pieces: pieces.into(),
            invalid: None,
            one_off: false,
        }
    }

    /// The pieces without empty text.
    fn significant(&self) -> Vec<&BoundPiece<B>> {
        self.pieces
            .iter()
            .filter(|p| !matches!(p, BoundPiece::Text(t) if t.trim().is_empty()))
            .collect()
    }

    /// The table dropped when this is exactly `DROP TABLE IF EXISTS <table>` as the core's DDL
    /// writes it.
    pub fn dropped_table(&self) -> Option<&str> {
        match self.significant().as_slice() {
            [BoundPiece::Text(t), BoundPiece::Ident(table)]
                if t.trim() == "DROP TABLE IF EXISTS" =>
            {
                Some(table)
            }
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
            |v| match v {
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
    fn recognises_the_ddl_drop() {
        let mut sql = Sql::new();
        sql.push("DROP TABLE IF EXISTS ").ident("posts").push("");
        let bound = BoundStatement::<()>::new(sql, |_| Ok(()), || ());
        assert_eq!(bound.dropped_table(), Some("posts"));
    }
}
