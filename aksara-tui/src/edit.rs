//! Editing a value, carefully (only with `--write`): in a record, `e` opens a prompt with the
//! field's value; what was typed becomes a [`PendingEdit`], shown as the `UPDATE` it runs
//! with its values as binds, and nothing is written until Enter confirms it. The update goes
//! through the engine's dynamic records (`QuerySet<Record>::update`), which coerce the text
//! to the column's kind and check it (NULL where required, length, range) with typed errors
//! naming model, field and value, in a transaction that is rolled back unless exactly one
//! row changed. The database's own refusals (a foreign key to a missing row, a unique clash)
//! come back as the engine's typed errors; the row stays as it was.
//!
//! NULL and the empty text are told apart: `\N` typed alone means NULL (`\\N` is the text
//! `\N`), and an empty prompt is the empty text.

use crate::format::plain;
use crate::jobs::Job;
use aksara::{Condition, Db, Dialect, Error, QuerySet, Record, Value};

/// What is typed for NULL.
pub const NULL_INPUT: &str = "\\N";

/// The value typed text stands for: NULL for `\N`, else the text itself (the engine turns it
/// into the column's kind).
///
/// ```
/// use aksara::Value;
/// use aksara_tui::edit::parse_input;
/// assert_eq!(parse_input("\\N"), Value::Null);
/// assert_eq!(parse_input(""), Value::String(String::new()));
/// assert_eq!(parse_input("42"), Value::String("42".into()));
/// ```
pub fn parse_input(text: &str) -> Value {
    match text {
        NULL_INPUT => Value::Null,
        "\\\\N" => Value::String(NULL_INPUT.into()),
        other => Value::String(other.to_string()),
    }
}

/// The text the prompt starts with for `value` (the inverse of [`parse_input`]).
pub fn initial_input(value: &Value) -> String {
    match value {
        Value::Null => NULL_INPUT.into(),
        Value::String(s) if s == NULL_INPUT => "\\\\N".into(),
        other => plain(other),
    }
}

/// How a bind value reads on the confirm screen: NULL, a quoted text ('' when empty), or
/// the value as the explorer shows it.
pub fn shown_bind(value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => plain(other),
    }
}

/// Where an edit is.
#[derive(Debug, Clone, PartialEq)]
pub enum EditState {
    /// Shown, waiting for Enter (or Esc).
    Confirm,
    /// Sent to the worker.
    Writing,
    /// Refused; nothing was written.
    Failed(String),
}

/// An edit of one value of one row, waiting to be confirmed.
#[derive(Debug, Clone)]
pub struct PendingEdit {
    /// The model.
    pub model: String,
    /// Its table.
    pub table: String,
    /// The field's name (the lookup path of the update).
    pub field: String,
    /// Its column.
    pub column: String,
    /// The value the row holds.
    pub old: Value,
    /// The value to write.
    pub new: Value,
    /// The key columns and their values, which select the row.
    pub key: Vec<(String, Value)>,
    /// The same as conditions on the key paths.
    pub conditions: Vec<Condition>,
    /// Where it is.
    pub state: EditState,
}

impl PendingEdit {
    /// The statement, with placeholders for the values, as `dialect` writes it.
    pub fn sql(&self, dialect: &dyn Dialect) -> String {
        let mut n = 1;
        let mut sql = format!(
            "UPDATE {} SET {} = {}",
            dialect.quote_identifier(&self.table),
            dialect.quote_identifier(&self.column),
            dialect.placeholder(n)
        );
        for (i, (column, _)) in self.key.iter().enumerate() {
            n += 1;
            sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            sql.push_str(&format!(
                "{} = {}",
                dialect.quote_identifier(column),
                dialect.placeholder(n)
            ));
        }
        sql
    }

    /// The bind values in order, as shown.
    pub fn binds(&self) -> Vec<String> {
        std::iter::once(&self.new)
            .chain(self.key.iter().map(|(_, v)| v))
            .map(shown_bind)
            .collect()
    }

    /// The request that runs it.
    pub fn job(&self) -> Job {
        Job::Edit {
            model: self.model.clone(),
            conditions: self.conditions.clone(),
            field: self.field.clone(),
            value: self.new.clone(),
        }
    }
}

/// Sets `field` of the one row of `model` that `conditions` select to `value`, in a
/// transaction, and reads the row back; rolled back (with an error) unless exactly one row
/// changed.
pub async fn apply(
    db: &Db,
    model: &str,
    conditions: Vec<Condition>,
    field: &str,
    value: Value,
) -> aksara::Result<Record> {
    let model = model.to_string();
    let field = field.to_string();
    db.transaction(|tx| async move {
        let mut qs = QuerySet::<Record>::of(model.clone());
        for c in conditions {
            qs = qs.filter(c);
        }
        let changed = qs.update(&tx, [(field.as_str(), value)]).await?;
        if changed != 1 {
            return Err(Error::config(format!(
                "the edit of {model}.{field} would change {changed} rows, not one: nothing \
                 was written"
            )));
        }
        qs.all(&tx)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::config(format!("the row of {model} was not found again")))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_the_empty_text_are_told_apart() {
        assert_eq!(parse_input("\\N"), Value::Null);
        assert_eq!(parse_input(""), Value::String(String::new()));
        assert_eq!(parse_input("\\\\N"), Value::String("\\N".into()));
        for v in [
            Value::Null,
            Value::from(""),
            Value::from("\\N"),
            Value::from("x"),
        ] {
            assert_eq!(parse_input(&initial_input(&v)), v);
        }
        assert_eq!(shown_bind(&Value::Null), "NULL");
        assert_eq!(shown_bind(&Value::from("")), "''");
        assert_eq!(shown_bind(&Value::from("O'Brien")), "'O''Brien'");
    }
}
