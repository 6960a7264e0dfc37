//! Reading what a statement written as SQL text does, for the foreign key diagnosis of raw
//! SQL (`Intent::Raw`), whose intent Aksara cannot know: the statement is tokenized (the
//! compiler's identifiers and binds as they are, the text into words, quoted names,
//! literals and punctuation) and read as an `INSERT`, `UPDATE` or `DELETE`.
//!
//! Statements Aksara builds carry their intent and are diagnosed without this (see
//! `fk_diagnosis.rs`).

use crate::query::{Bind, Piece, SqliteQuery};

/// What a statement that violated a foreign key was doing.
#[derive(Debug)]
pub(crate) enum Statement {
    /// `INSERT` or `UPDATE` of `table`, with the values written per column (those that are
    /// plain values: binds or literals).
    Write {
        table: String,
        written: Vec<(String, Bind)>,
    },
    /// `DELETE FROM table`.
    Delete { table: String },
}

/// A token of a statement: the compiler's identifiers and binds, and the words, quoted names,
/// literals and punctuation of its text (raw SQL is all text).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A bare word (keyword or name).
    Word(String),
    /// A quoted or compiler-given identifier.
    Name(String),
    /// A bind parameter or a literal.
    Value(Bind),
    /// Anything else, one character.
    Punct(char),
}

impl Token {
    fn is_word(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }

    fn name(&self) -> Option<&str> {
        match self {
            Token::Word(w) | Token::Name(w) => Some(w),
            _ => None,
        }
    }
}

fn tokenize(pieces: &[Piece]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Ident(name) => tokens.push(Token::Name(name.clone())),
            Piece::Bind(bind) => tokens.push(Token::Value(bind.clone())),
            Piece::Text(text) => tokenize_text(text, &mut tokens),
        }
    }
    tokens
}

fn tokenize_text(text: &str, tokens: &mut Vec<Token>) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut value = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == close {
                    if close != ']' && chars.get(i + 1) == Some(&close) {
                        value.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                value.push(chars[i]);
                i += 1;
            }
            i += 1;
            tokens.push(if c == '\'' {
                Token::Value(Bind::Text(value))
            } else {
                Token::Name(value)
            });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            tokens.push(Token::Value(match number.parse::<i64>() {
                Ok(n) => Bind::I64(n),
                Err(_) => number.parse::<f64>().map_or(Bind::Text(number), Bind::F64),
            }));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            tokens.push(if word.eq_ignore_ascii_case("NULL") {
                Token::Value(Bind::Null)
            } else {
                Token::Word(word)
            });
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
}

/// A table name at `tokens[at..]`, `schema.table` read as `table`; and the index after it.
fn table_name(tokens: &[Token], at: usize) -> Option<(String, usize)> {
    let mut name = tokens.get(at)?.name()?.to_string();
    let mut next = at + 1;
    while tokens.get(next) == Some(&Token::Punct('.')) {
        name = tokens.get(next + 1)?.name()?.to_string();
        next += 2;
    }
    Some((name, next))
}

/// Splits `tokens` at top-level commas until the parenthesis that closes the group they
/// start in; returns the items and the index after that parenthesis.
fn group(tokens: &[Token], start: usize) -> (Vec<&[Token]>, usize) {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut item_start = start;
    let mut i = start;
    while i < tokens.len() {
        match tokens[i] {
            Token::Punct('(') => depth += 1,
            Token::Punct(')') if depth == 0 => {
                items.push(&tokens[item_start..i]);
                return (items, i + 1);
            }
            Token::Punct(')') => depth -= 1,
            Token::Punct(',') if depth == 0 => {
                items.push(&tokens[item_start..i]);
                item_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    items.push(&tokens[item_start..]);
    (items, tokens.len())
}

impl Statement {
    /// Reads `INSERT [OR ...] INTO t (a, b) VALUES (...), (...)`, `UPDATE t SET a = v, ...`
    /// and `DELETE FROM t ...`, as the core compiles them or as raw SQL writes them.
    pub(crate) fn parse(query: &SqliteQuery) -> Option<Statement> {
        let tokens = tokenize(query.pieces());
        let first = <[Token]>::first(&tokens)?;
        if first.is_word("DELETE") {
            let from = tokens.iter().position(|t| t.is_word("FROM"))?;
            let (table, _) = table_name(&tokens, from + 1)?;
            return Some(Statement::Delete { table });
        }
        if first.is_word("INSERT") || first.is_word("REPLACE") {
            let into = tokens.iter().position(|t| t.is_word("INTO"))?;
            let (table, mut i) = table_name(&tokens, into + 1)?;
            if tokens.get(i) != Some(&Token::Punct('(')) {
                return None;
            }
            let (columns, after) = group(&tokens, i + 1);
            let columns: Vec<Option<&str>> = columns
                .iter()
                .map(|c| match c {
                    [one] => one.name(),
                    _ => None,
                })
                .collect();
            i = after;
            if !tokens.get(i)?.is_word("VALUES") {
                return None;
            }
            i += 1;
            let mut written = Vec::new();
            while tokens.get(i) == Some(&Token::Punct('(')) {
                let (values, after) = group(&tokens, i + 1);
                for (column, value) in columns.iter().zip(values) {
                    if let (Some(column), [Token::Value(v)]) = (column, value) {
                        written.push((column.to_string(), v.clone()));
                    }
                }
                i = after;
                if tokens.get(i) == Some(&Token::Punct(',')) {
                    i += 1;
                }
            }
            return Some(Statement::Write { table, written });
        }
        if first.is_word("UPDATE") {
            let mut at = 1;
            if tokens.get(at)?.is_word("OR") {
                at += 2;
            }
            let (table, _) = table_name(&tokens, at)?;
            let set = tokens.iter().position(|t| t.is_word("SET"))?;
            let end = tokens
                .iter()
                .position(|t| t.is_word("WHERE") || t.is_word("RETURNING") || t.is_word("FROM"))
                .unwrap_or(tokens.len());
            let mut written = Vec::new();
            for assignment in tokens[set + 1..end.max(set + 1)].split(|t| *t == Token::Punct(',')) {
                if let [column, Token::Punct('='), Token::Value(v)] = assignment {
                    if let Some(column) = column.name() {
                        written.push((column.to_string(), v.clone()));
                    }
                }
            }
            return Some(Statement::Write { table, written });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::sqlite_query;
    use aksara_core::{Sql, Value};

    fn parsed(sql: Sql) -> Statement {
        Statement::parse(&sqlite_query(sql)).expect("parsed")
    }

    #[test]
    fn reads_the_columns_written() {
        let mut sql = Sql::new();
        sql.push("INSERT INTO ")
            .ident("posts")
            .push(" (")
            .ident("title");
        sql.push(", ").ident("author_id").push(") VALUES (");
        sql.bind("a".into(), None)
            .push(", ")
            .bind(7i64.into(), None);
        sql.push("), (")
            .bind("b".into(), None)
            .push(", ")
            .bind(Value::Null, None);
        sql.push(") RETURNING ").ident("id");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(
                    written,
                    vec![
                        ("title".to_string(), Bind::Text("a".into())),
                        ("author_id".to_string(), Bind::I64(7)),
                        ("title".to_string(), Bind::Text("b".into())),
                        ("author_id".to_string(), Bind::Null),
                    ]
                );
            }
            Statement::Delete { .. } => panic!("not a delete"),
        }
        let mut sql = Sql::new();
        sql.push("UPDATE ")
            .ident("posts")
            .push(" SET ")
            .ident("author_id");
        sql.push(" = ")
            .bind(3i64.into(), None)
            .push(" WHERE ")
            .ident("id");
        sql.push(" = ").bind(1i64.into(), None);
        match parsed(sql) {
            Statement::Write { written, .. } => {
                assert_eq!(written, vec![("author_id".to_string(), Bind::I64(3))]);
            }
            Statement::Delete { .. } => panic!("not a delete"),
        }
    }

    #[test]
    fn reads_raw_sql_too() {
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "INSERT INTO main.\"posts\" (id, title, author_id) VALUES ({}, 'it''s', {})",
            [1i64.into(), "abc".into()],
        )
        .expect("two markers, two binds");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(
                    written,
                    vec![
                        ("id".to_string(), Bind::I64(1)),
                        ("title".to_string(), Bind::Text("it's".into())),
                        ("author_id".to_string(), Bind::Text("abc".into())),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "update posts set author_id = 5, title = lower(title)",
            [],
        )
        .expect("no markers");
        match parsed(sql) {
            Statement::Write { table, written } => {
                assert_eq!(table, "posts");
                assert_eq!(written, vec![("author_id".to_string(), Bind::I64(5))]);
            }
            other => panic!("{other:?}"),
        }
        let sql = aksara_core::db::raw_sql(
            &crate::dialect::SqliteDialect,
            "DELETE FROM authors WHERE id = {}",
            [1i64.into()],
        )
        .expect("one marker");
        assert!(matches!(parsed(sql), Statement::Delete { table } if table == "authors"));
    }
}
