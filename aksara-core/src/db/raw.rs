//! Raw SQL: text with `{}` bind markers, read the way the dialect reads SQL.

use super::{Db, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::sql::Sql;
use crate::typed_row::FromRow;
use crate::value::Value;

impl Db {
    /// Runs SQL text with `binds` as parameters (`$1` or `?` as the backend writes them is
    /// not needed: write `{}` where each bind goes). Identifiers in `text` are not quoted.
    /// A `{}` inside quotes, comments or dollar-quoted bodies is text, `{{}}` is a literal
    /// `{}`, and a number of markers other than the number of binds is an
    /// [`Error::Config`] before anything runs (see [`raw_sql`]).
    ///
    /// ```no_run
    /// # async fn example(db: &aksara_core::Db) -> aksara_core::Result<()> {
    /// let rows = db.raw("SELECT COUNT(*) FROM posts WHERE title = {}", ["x".into()]).await?;
    /// let json = db.raw("SELECT '{}'::jsonb, {}::int", [7.into()]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn raw(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>> {
        self.fetch(raw_sql(self.dialect(), text, binds)?.with_intent(crate::sql::Intent::Raw))
            .await
    }

    /// Like [`Db::raw`], for SQL the caller vouches only reads: on a cluster handle
    /// ([`Db::cluster`]) it may run on a replica, where [`Db::raw`] always runs on the primary.
    /// Elsewhere it is [`Db::raw`].
    pub async fn raw_read(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<Row>> {
        self.fetch(raw_sql(self.dialect(), text, binds)?.with_intent(crate::sql::Intent::Read))
            .await
    }

    /// Like [`Db::raw`], with each row read into a `T` (a struct with `#[derive(aksara::Row)]`):
    /// column `i` into field `i`, each converted to its field's Rust type the same way on every
    /// backend (text is a `String` on MySQL too, `0` / `1` a `bool`; see
    /// [`ColumnValue`](crate::ColumnValue)).
    ///
    /// # Errors
    /// Those of [`Db::raw`]; [`Error::ColumnCount`] when the query returns a number of columns
    /// other than `T` has fields, and [`Error::Decode`] naming the struct, the field and the
    /// value found when a column does not convert (NULL into a field that is no `Option`, an
    /// integer out of range, text into a number).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> aksara::Result<()> {
    /// #[derive(aksara::Row, Debug, PartialEq)]
    /// struct TagCount {
    ///     slug: String,
    ///     n: i64,
    /// }
    ///
    /// let db = aksara::connect("sqlite::memory:", aksara::Registry::empty()).await?;
    /// db.raw_execute("CREATE TABLE post_tags (slug TEXT)", []).await?;
    /// db.raw_execute("INSERT INTO post_tags VALUES ('rust'), ('async'), ('rust')", [])
    ///     .await?;
    /// let counts: Vec<TagCount> = db
    ///     .raw_as(
    ///         "SELECT slug, COUNT(*) AS n FROM post_tags WHERE slug <> {} GROUP BY slug ORDER BY slug",
    ///         ["python".into()],
    ///     )
    ///     .await?;
    /// assert_eq!(
    ///     counts,
    ///     [
    ///         TagCount { slug: "async".into(), n: 1 },
    ///         TagCount { slug: "rust".into(), n: 2 },
    ///     ]
    /// );
    /// # Ok(()) }
    /// ```
    pub async fn raw_as<T: FromRow>(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<Vec<T>> {
        self.raw(text, binds)
            .await?
            .into_iter()
            .map(T::from_row)
            .collect()
    }

    /// Like [`Db::raw`] for statements that return no rows; returns the rows affected.
    pub async fn raw_execute(
        &self,
        text: &str,
        binds: impl IntoIterator<Item = Value>,
    ) -> Result<usize> {
        self.execute(raw_sql(self.dialect(), text, binds)?.with_intent(crate::sql::Intent::Raw))
            .await
    }
}

/// Builds an [`Sql`] from text with `{}` bind markers, read the way `dialect` reads SQL.
///
/// Each `{}` outside quoted text takes the next of `binds`; `{{}}` writes a literal `{}`.
/// A `{}` is not a marker inside a string literal (`'...'` with `''`, and backslash escapes
/// on MySQL and in PostgreSQL's `E'...'`), a quoted identifier (`"..."`; `` `...` `` on
/// MySQL and SQLite; `[...]` on SQLite), a comment (`-- ...`, `/* ... */`; `# ...` on MySQL)
/// or a PostgreSQL dollar-quoted body (`$$...$$`, `$tag$...$tag$`). Any other brace is
/// text. A number of markers other than the number of binds is an [`Error::Config`], before
/// anything runs.
///
/// ```
/// use aksara_core::db::raw_sql;
/// use aksara_core::dialect::Dialect;
/// # #[derive(Debug)] struct Pg;
/// # impl Dialect for Pg {
/// #     fn name(&self) -> &'static str { "postgresql" }
/// #     fn placeholder(&self, n: usize) -> String { format!("${n}") }
/// #     fn quote_identifier(&self, name: &str) -> String { format!("\"{name}\"") }
/// #     fn column_type(&self, _: &aksara_core::FieldKind) -> String { String::new() }
/// #     fn auto_primary_key(&self, _: &aksara_core::FieldKind) -> String { String::new() }
/// #     fn list_binding(&self) -> aksara_core::dialect::ListBinding { aksara_core::dialect::ListBinding::Array }
/// #     fn supports_returning(&self) -> bool { true }
/// #     fn list_tables_sql(&self) -> &'static str { "" }
/// # }
/// let sql = raw_sql(&Pg, "SELECT '{}'::jsonb, {}::int -- {} is a marker", [7.into()]).unwrap();
/// assert_eq!(sql.binds().count(), 1);
/// assert!(raw_sql(&Pg, "SELECT {}, {}", [7.into()]).is_err());
/// ```
pub fn raw_sql(
    dialect: &dyn Dialect,
    text: &str,
    binds: impl IntoIterator<Item = Value>,
) -> Result<Sql> {
    let pieces = split_raw_markers(dialect.name(), text);
    let binds: Vec<Value> = binds.into_iter().collect();
    let markers = pieces.len() - 1;
    if markers != binds.len() {
        return Err(Error::config(format!(
            "raw SQL has {markers} bind marker(s) `{{}}` but {} bind value(s) were given; \
             write `{{{{}}}}` for a literal `{{}}` outside quotes",
            binds.len()
        )));
    }
    let mut sql = Sql::new();
    let mut binds = binds.into_iter();
    for (i, piece) in pieces.iter().enumerate() {
        sql.push(piece);
        if i < markers {
            sql.bind(binds.next().expect("counted"), None);
        }
    }
    Ok(sql)
}

/// The text between the bind markers of `text` (one more piece than markers), with `{{}}`
/// outside quotes turned into `{}`. `backend` is a dialect name.
fn split_raw_markers(backend: &str, text: &str) -> Vec<String> {
    let (mysql, pg, sqlite) = (
        backend == "mysql",
        backend == "postgresql",
        backend == "sqlite",
    );
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut pieces = Vec::new();
    let mut current = String::new();
    // Start of the text not yet copied into `current`.
    let mut copied = 0;
    let mut i = 0;
    // The end of a quoted run that starts at `start` with `quote`, where `doubled` quotes
    // stand for one and `backslash` escapes the next byte.
    let skip_quoted = |start: usize, quote: u8, backslash: bool| -> usize {
        let mut j = start + 1;
        while j < b.len() {
            if backslash && b[j] == b'\\' {
                j += 2;
            } else if b[j] == quote {
                if b.get(j + 1) == Some(&quote) {
                    j += 2;
                } else {
                    return j + 1;
                }
            } else {
                j += 1;
            }
        }
        b.len()
    };
    while i < b.len() {
        let c = b[i];
        let prev_ident = i > 0 && is_ident(b[i - 1]);
        let next = b.get(i + 1).copied();
        i = match c {
            b'\'' => {
                // PostgreSQL's E'...' strings take backslash escapes.
                let escaped = pg
                    && i > 0
                    && matches!(b[i - 1], b'E' | b'e')
                    && !(i > 1 && is_ident(b[i - 2]));
                skip_quoted(i, b'\'', mysql || escaped)
            }
            b'"' => skip_quoted(i, b'"', mysql),
            b'`' if mysql || sqlite => skip_quoted(i, b'`', false),
            b'[' if sqlite => text[i..].find(']').map_or(b.len(), |end| i + end + 1),
            b'-' if next == Some(b'-')
                && (!mysql || b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace())) =>
            {
                text[i..].find('\n').map_or(b.len(), |end| i + end + 1)
            }
            b'#' if mysql => text[i..].find('\n').map_or(b.len(), |end| i + end + 1),
            b'/' if next == Some(b'*') => {
                // PostgreSQL nests block comments; the others end at the first `*/`.
                let mut depth = 1;
                let mut j = i + 2;
                while j < b.len() && depth > 0 {
                    if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else if pg && b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                j
            }
            b'$' if pg && !prev_ident => {
                // `$tag$`, with a tag that is empty or an identifier not starting with a digit.
                let tag_len = b[i + 1..]
                    .iter()
                    .take_while(|&&c| is_ident(c) && c != b'$')
                    .count();
                let opens = b.get(i + 1 + tag_len) == Some(&b'$')
                    && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if opens {
                    let tag = &text[i..i + tag_len + 2];
                    let body = i + tag.len();
                    text[body..]
                        .find(tag)
                        .map_or(b.len(), |end| body + end + tag.len())
                } else {
                    i + 1
                }
            }
            b'{' if text[i..].starts_with("{{}}") => {
                current.push_str(&text[copied..i]);
                current.push_str("{}");
                copied = i + 4;
                i + 4
            }
            b'{' if next == Some(b'}') => {
                current.push_str(&text[copied..i]);
                pieces.push(std::mem::take(&mut current));
                copied = i + 2;
                i + 2
            }
            _ => i + 1,
        };
    }
    current.push_str(&text[copied..]);
    pieces.push(current);
    pieces
}

#[cfg(test)]
mod tests {
    use super::split_raw_markers;

    #[test]
    fn markers_outside_quotes_only() {
        let split = |backend, text| split_raw_markers(backend, text);
        assert_eq!(split("postgresql", "SELECT {}, {}"), ["SELECT ", ", ", ""]);
        assert_eq!(
            split("postgresql", "SELECT '{}', {}"),
            ["SELECT '{}', ", ""]
        );
        assert_eq!(split("postgresql", "SELECT {{}} {}"), ["SELECT {} ", ""]);
        assert_eq!(split("postgresql", "SELECT '{{}}'"), ["SELECT '{{}}'"]);
        assert_eq!(
            split("postgresql", "SELECT $a${}$a$, {}"),
            ["SELECT $a${}$a$, ", ""]
        );
        // `$1` and identifiers ending in `$` open no dollar quote.
        assert_eq!(split("postgresql", "SELECT a$b, {}"), ["SELECT a$b, ", ""]);
        assert_eq!(split("postgresql", "SELECT $1, {}"), ["SELECT $1, ", ""]);
        // A backslash escapes only in MySQL strings and PostgreSQL's E'...'.
        assert_eq!(
            split("postgresql", "SELECT '\\', {}"),
            ["SELECT '\\', ", ""]
        );
        assert_eq!(split("sqlite", "SELECT '\\', {}"), ["SELECT '\\', ", ""]);
        assert_eq!(
            split("mysql", "SELECT 'a\\'{}', {}"),
            ["SELECT 'a\\'{}', ", ""]
        );
        assert_eq!(
            split("postgresql", "SELECT E'\\'{}', {}"),
            ["SELECT E'\\'{}', ", ""]
        );
        // MySQL needs a space after `--` for a comment; `#` starts one.
        assert_eq!(split("mysql", "SELECT 1--{}"), ["SELECT 1--", ""]);
        assert_eq!(
            split("mysql", "SELECT 1 -- {}\n, {}"),
            ["SELECT 1 -- {}\n, ", ""]
        );
        assert_eq!(
            split("mysql", "SELECT 1 # {}\n, {}"),
            ["SELECT 1 # {}\n, ", ""]
        );
        assert_eq!(split("postgresql", "SELECT 1 # {}"), ["SELECT 1 # ", ""]);
        // Brackets quote identifiers on SQLite only; backticks on MySQL and SQLite.
        assert_eq!(
            split("sqlite", "SELECT [{}], `{}`, {}"),
            ["SELECT [{}], `{}`, ", ""]
        );
        assert_eq!(
            split("postgresql", "SELECT ARRAY[{}]"),
            ["SELECT ARRAY[", "]"]
        );
        // Unterminated quotes and comments hide the rest (the database reports them).
        assert_eq!(split("sqlite", "SELECT '{}"), ["SELECT '{}"]);
        assert_eq!(split("sqlite", "SELECT /* {}"), ["SELECT /* {}"]);
        // Text outside ASCII is kept whole.
        assert_eq!(
            split("sqlite", "SELECT 'é{}', {} -- ü"),
            ["SELECT 'é{}', ", " -- ü"]
        );
    }
}
