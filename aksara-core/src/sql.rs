//! SQL as data: text, identifiers and bind parameters, kept apart until a backend writes them.
//!
//! The compiler produces an [`Sql`]; each backend walks its parts in diesel's `walk_ast`,
//! pushing text with `push_sql`, identifiers with `push_identifier` (so diesel quotes them for
//! the dialect) and values with `push_bind_param` (so they never become SQL text).

use crate::dialect::Dialect;
use crate::value::{Value, ValueType};

/// One piece of a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// SQL text written by the compiler (keywords, operators, punctuation).
    Text(String),
    /// An identifier from model metadata or the database catalog; quoted by the backend.
    Ident(String),
    /// A value sent as a bind parameter, with the type to send it as (`None`: unknown, only for
    /// NULL).
    Bind(Value, Option<ValueType>),
}

/// What a statement does, set by whoever builds it. It decides whether the statement may be
/// run again after a deadlock or serialization failure (see [`Intent::rerunnable`]), where it
/// may be routed, and how a backend names the constraint a failed write violated without
/// reading the SQL text.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Intent {
    /// A query that only reads (the default).
    #[default]
    Read,
    /// An `INSERT` or `UPDATE` built by Aksara, with what it writes.
    Write(Box<WriteTarget>),
    /// A `DELETE` built by Aksara, from the named table.
    Delete {
        /// The table rows are deleted from.
        table: String,
    },
    /// A schema change (`CREATE TABLE`, `DROP TABLE`, ...).
    Ddl {
        /// The tables this statement drops (empty for anything but `DROP TABLE`).
        drops: Vec<String>,
    },
    /// SQL text written by the caller ([`crate::Db::raw`]): Aksara cannot tell what it does.
    Raw,
}

/// The table an `INSERT` or `UPDATE` writes and the foreign keys among the columns it writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteTarget {
    /// The table written.
    pub table: String,
    /// The foreign keys of the written columns, each with the binds written to it.
    pub foreign_keys: Vec<WrittenForeignKey>,
}

/// A foreign key column an `INSERT` or `UPDATE` writes, and where its values sit in the
/// statement.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenForeignKey {
    /// The constraint's name, as the core's DDL names it.
    pub constraint: String,
    /// The referencing column.
    pub column: String,
    /// The referenced table.
    pub parent_table: String,
    /// The referenced column.
    pub parent_column: String,
    /// Indexes into [`Sql::parts`] of the [`Part::Bind`]s written to `column`.
    pub binds: Vec<usize>,
}

impl WriteTarget {
    /// A write of `table` whose foreign keys are not (yet) listed.
    pub fn new(table: &str) -> Self {
        WriteTarget {
            table: table.to_string(),
            foreign_keys: Vec::new(),
        }
    }
}

impl Intent {
    /// True when a statement of this intent, run alone outside a transaction, is run again
    /// after a deadlock or serialization failure: a write Aksara built, which the server
    /// rolled back alone, and which has no effect beyond the database. Reads are not (plain
    /// reads do not take the locks that deadlock, so they are handed to the backend without
    /// keeping a copy); DDL (which commits implicitly on MySQL) and raw SQL (which may call a
    /// procedure that commits on its own) are never rerun.
    pub fn rerunnable(&self) -> bool {
        matches!(self, Intent::Write(_) | Intent::Delete { .. })
    }

    /// The tables a `DROP TABLE` statement drops; empty for every other statement.
    pub fn dropped_tables(&self) -> &[String] {
        match self {
            Intent::Ddl { drops } => drops,
            _ => &[],
        }
    }
}

/// A statement ready for a backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    /// Its pieces, in order.
    pub parts: Vec<Part>,
    /// What it does (decides whether it is rerun after a conflict).
    pub intent: Intent,
    /// True for a statement whose shape is unlikely to recur (the last, partial batch of a
    /// bulk insert): the backend runs it without keeping its prepared statement, so that
    /// varying batch sizes cannot fill the connection's statement cache.
    pub one_off: bool,
}

impl Sql {
    /// An empty statement.
    pub fn new() -> Self {
        Sql::default()
    }

    /// An empty `INSERT` or `UPDATE` of `target` ([`Intent::Write`]).
    pub fn write(target: WriteTarget) -> Self {
        Sql {
            intent: Intent::Write(Box::new(target)),
            ..Sql::default()
        }
    }

    /// An empty `DELETE` from `table` ([`Intent::Delete`]).
    pub fn delete(table: &str) -> Self {
        Sql {
            intent: Intent::Delete {
                table: table.to_string(),
            },
            ..Sql::default()
        }
    }

    /// An empty schema change that drops no table ([`Intent::Ddl`]).
    pub fn ddl() -> Self {
        Sql {
            intent: Intent::Ddl { drops: Vec::new() },
            ..Sql::default()
        }
    }

    /// An empty `DROP TABLE` of `table` ([`Intent::Ddl`] with the table in `drops`).
    pub fn drop_table(table: &str) -> Self {
        Sql {
            intent: Intent::Ddl {
                drops: vec![table.to_string()],
            },
            ..Sql::default()
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        if let Some(Part::Text(last)) = self.parts.last_mut() {
            last.push_str(text);
        } else {
            self.parts.push(Part::Text(text.to_string()));
        }
        self
    }

    /// Appends a quoted identifier.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        self.parts.push(Part::Ident(name.to_string()));
        self
    }

    /// Appends `alias.column`.
    ///
    /// `alias` is one of the compiler's own table aliases (`t0`, `t1`, ...: letters and
    /// digits, never from user input), so it is written as text and spared the quoting an
    /// identifier gets.
    pub fn column(&mut self, alias: &str, column: &str) -> &mut Self {
        debug_assert!(alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        self.push(alias).push(".").ident(column)
    }

    /// Appends one of the compiler's own table aliases (see [`Sql::column`]).
    pub fn alias(&mut self, alias: &str) -> &mut Self {
        debug_assert!(alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        self.push(alias)
    }

    /// Appends a bind parameter, sent as its own type (NULL as `ty`).
    pub fn bind(&mut self, value: Value, ty: Option<ValueType>) -> &mut Self {
        let ty = value.value_type().or(ty);
        self.parts.push(Part::Bind(value, ty));
        self
    }

    /// Marks the statement as one whose prepared form is not worth keeping (see
    /// [`Sql::one_off`]).
    pub fn mark_one_off(&mut self) -> &mut Self {
        self.one_off = true;
        self
    }

    /// Sets what the statement does (see [`Intent`]).
    pub fn set_intent(&mut self, intent: Intent) -> &mut Self {
        self.intent = intent;
        self
    }

    /// The statement with `intent` (see [`Intent`]).
    pub fn with_intent(mut self, intent: Intent) -> Self {
        self.intent = intent;
        self
    }

    /// Appends another statement's parts.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        let mut parts = other.parts.into_iter();
        // Text meeting text is joined; everything else is moved, never copied.
        if let (Some(Part::Text(last)), Some(Part::Text(_))) =
            (self.parts.last_mut(), parts.as_slice().first())
        {
            if let Some(Part::Text(first)) = parts.next() {
                last.push_str(&first);
            }
        }
        self.parts.extend(parts);
        self
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The bind values in order.
    pub fn binds(&self) -> impl Iterator<Item = &Value> {
        self.parts.iter().filter_map(|p| match p {
            Part::Bind(v, _) => Some(v),
            _ => None,
        })
    }

    /// The statement as the dialect would send it, for logs and tests (binds as placeholders).
    pub fn render(&self, dialect: &dyn Dialect) -> String {
        let mut out = String::new();
        let mut n = 0;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Ident(i) => out.push_str(&dialect.quote_identifier(i)),
                Part::Bind(..) => {
                    n += 1;
                    out.push_str(&dialect.placeholder(n));
                }
            }
        }
        out
    }
}
