//! What differs between databases, as small hooks that return data.
//!
//! The compiler writes standard SQL and asks the [`Dialect`] only where backends differ: column
//! types, case-insensitive matching, how a list is bound, how an insert ignores duplicates,
//! whether `RETURNING` exists. Each backend crate implements it once (`dialect.rs`).
//!
//! It also carries the facts about a backend that tools above the engine need (the explorer
//! reads them): how to learn a session's id and stop its query from another connection
//! ([`Dialect::session_id_query`], [`Dialect::cancel_session`]), whether a read-only
//! transaction is worth asking for, where NULLs sort, which column types page by keyset, and
//! which compare only as numbers. Nothing above the backends matches [`Dialect::name`].

use crate::value::{FieldKind, Value};

/// How a backend inserts rows while ignoring those that would violate a unique constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertIgnore {
    /// `INSERT ... ON CONFLICT DO NOTHING` (PostgreSQL, SQLite).
    OnConflictDoNothing,
    /// `INSERT IGNORE ...` (MySQL, MariaDB); beware that it also skips rows that violate a
    /// foreign key, where the other forms fail.
    InsertIgnore,
    /// `INSERT ... ON DUPLICATE KEY UPDATE first_column = first_column` (MySQL, MariaDB): a
    /// no-op update of the duplicate row, so duplicates are skipped while foreign key
    /// violations still fail the statement.
    OnDuplicateKeyUpdate,
}

/// How a backend writes an upsert: an insert whose rows that conflict with an existing row on a
/// unique constraint leave that row as it is or update some of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertSyntax {
    /// `ON CONFLICT (columns) DO NOTHING` or `ON CONFLICT (columns) DO UPDATE SET column =
    /// EXCLUDED.column` (PostgreSQL; SQLite since 3.24): only a conflict on the named
    /// constraint is resolved, one on any other still fails the statement.
    OnConflict,
    /// `ON DUPLICATE KEY UPDATE column = VALUES(column)` (MySQL, MariaDB), which resolves a
    /// conflict on any unique key of the table; the constraint cannot be named.
    OnDuplicateKeyUpdate,
}

/// How a backend receives the list of an `in` lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListBinding {
    /// One array parameter: `col = ANY($1)` (PostgreSQL); one statement for any length.
    Array,
    /// One parameter per item: `col IN (?, ?, ...)`, padded to the next of these sizes by
    /// repeating the last item so that few distinct statements exist; longer lists are split
    /// into chunks of the largest size.
    Padded(&'static [usize]),
}

/// What a backend's `SELECT ... FOR UPDATE` can say (see [`Dialect::row_locking`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowLocking {
    /// No row locks: a transaction holds the whole database's write lock from its `BEGIN`
    /// (SQLite's `BEGIN IMMEDIATE`), so a read inside one already excludes every other
    /// writer and no clause is written.
    DatabaseLock,
    /// `FOR UPDATE`, with `NOWAIT` and `SKIP LOCKED`.
    Rows {
        /// True when `FOR UPDATE OF alias, ...` names the tables whose rows are locked.
        of: bool,
        /// True when the rows on the nullable side of a LEFT JOIN can be locked (not on
        /// PostgreSQL).
        outer_join_nullable_side: bool,
    },
}

/// The statement that stops the query running on another session of the same server (see
/// [`Dialect::cancel_session`]), run from a connection of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct CancelStatement {
    /// The SQL, with `{}` where each of `params` goes (as [`crate::Db::raw`] takes it).
    pub sql: String,
    /// The bind parameters.
    pub params: Vec<Value>,
    /// True when the statement returns rows (a `SELECT`), so it runs as a query; false
    /// when it runs as a command.
    pub returns_rows: bool,
}

/// The differences between SQL dialects that the compiler needs.
pub trait Dialect: Send + Sync + std::fmt::Debug + 'static {
    /// The backend's name (`postgresql`, `mysql`, `sqlite`).
    fn name(&self) -> &'static str;

    /// The `n`-th placeholder (1-based) as the backend writes it; for logs only (diesel writes
    /// the real ones).
    fn placeholder(&self, n: usize) -> String;

    /// `name` quoted as an identifier; for logs only (diesel quotes the real ones).
    fn quote_identifier(&self, name: &str) -> String;

    /// The column type for `kind`.
    fn column_type(&self, kind: &FieldKind) -> String;

    /// The full column definition of an auto-incrementing primary key of `kind`, after the
    /// column name.
    fn auto_primary_key(&self, kind: &FieldKind) -> String;

    /// The case-insensitive LIKE operator, if the backend has one (`ILIKE`); otherwise both
    /// sides are lower-cased.
    fn ilike_operator(&self) -> Option<&'static str> {
        None
    }

    /// The ESCAPE clause used with LIKE patterns escaped with a backslash.
    fn like_escape(&self) -> &'static str {
        " ESCAPE '\\'"
    }

    /// How `in` lists are bound.
    fn list_binding(&self) -> ListBinding;

    /// True when the backend has array columns (PostgreSQL); elsewhere an array field is an
    /// [`Error::Config`](crate::Error) when its table is created or its model is used.
    fn supports_arrays(&self) -> bool {
        false
    }

    /// The SQL type a parameter compared with a column of `kind` is cast to, where the
    /// database would not compare the text it is sent as (PostgreSQL's `numeric`, enums,
    /// arrays): the type as the catalog wrote it. `None` leaves the parameter as it is.
    fn parameter_cast<'k>(&self, kind: &'k FieldKind) -> Option<&'k str> {
        let _ = kind;
        None
    }

    /// The most bind parameters one statement may carry (PostgreSQL's and MySQL's protocols
    /// count them in 16 bits; SQLite's limit is lower). Multi-row inserts are split to fit.
    fn max_binds(&self) -> usize {
        65_535
    }

    /// True when `INSERT ... RETURNING` exists.
    fn supports_returning(&self) -> bool;

    /// The statement that reads the key the last insert assigned, where `RETURNING` does not
    /// exist.
    fn last_insert_id_query(&self) -> Option<&'static str> {
        None
    }

    /// Where `RETURNING` does not exist: the statement that reads the auto-increment lock
    /// mode (keys of one multi-row insert are consecutive below 2) and the step between keys,
    /// so that the keys of a bulk insert follow from the first one.
    fn auto_increment_settings_query(&self) -> Option<&'static str> {
        None
    }

    /// How duplicates are ignored on insert.
    fn insert_ignore(&self) -> InsertIgnore {
        InsertIgnore::OnConflictDoNothing
    }

    /// How an upsert (`bulk_create(..).on_conflict(..)`) is written.
    fn upsert_syntax(&self) -> UpsertSyntax {
        UpsertSyntax::OnConflict
    }

    /// True when `UPDATE`/`DELETE` may not read their own table in a subquery unless it is
    /// wrapped in a derived table (MySQL).
    fn self_subquery_needs_derived_table(&self) -> bool {
        false
    }

    /// Text after `DROP TABLE IF EXISTS name` (`CASCADE` on PostgreSQL).
    fn drop_table_suffix(&self) -> &'static str {
        ""
    }

    /// True when `CREATE INDEX IF NOT EXISTS` exists.
    fn create_index_if_not_exists(&self) -> bool {
        true
    }

    /// Text after `CREATE TABLE (...)` (`ENGINE=InnoDB` on MySQL).
    fn table_options(&self) -> &'static str {
        ""
    }

    /// True when foreign keys of a cycle can be added with `ALTER TABLE ... ADD CONSTRAINT`
    /// (not on SQLite, which takes them in `CREATE TABLE` only and checks them lazily).
    fn alter_table_add_foreign_key(&self) -> bool {
        true
    }

    /// The query listing the tables of the current schema or database (one text column).
    fn list_tables_sql(&self) -> &'static str;

    /// `s` as an SQL string literal (used only for column DEFAULTs in DDL, which cannot take
    /// bind parameters).
    fn string_literal(&self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    /// The SQL literal for a boolean column default.
    fn bool_literal(&self, value: bool) -> &'static str {
        if value {
            "TRUE"
        } else {
            "FALSE"
        }
    }

    /// The catalog query listing every column of the tables and views of the current schema
    /// or database, one row per column: table (text), column (text), type as the database
    /// names it (text), nullable (boolean or 0/1), ordinal position (integer), position in the
    /// primary key (integer, 0 when not part of it), and the relation's kind (text: `table`,
    /// `view` or `partitioned`). Used by [`crate::introspect`].
    fn catalog_columns_sql(&self) -> Option<&'static str> {
        None
    }

    /// The catalog query listing every foreign key column: constraint name, table, column,
    /// referenced table, referenced column, position in the key (1-based), and the ON DELETE
    /// rule (text: `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`, ...).
    fn catalog_foreign_keys_sql(&self) -> Option<&'static str> {
        None
    }

    /// The catalog query listing the columns of every unique constraint or unique index
    /// (primary keys excluded): constraint or index name, table, column, position (1-based).
    fn catalog_unique_sql(&self) -> Option<&'static str> {
        None
    }

    /// The catalog query estimating each table's row count without scanning it: table, rows
    /// (a negative or NULL estimate means unknown).
    fn catalog_row_estimates_sql(&self) -> Option<&'static str> {
        None
    }

    /// The kind of a column whose type the catalog names `type_name`
    /// ([`FieldKind::Other`] when Aksara has none).
    fn kind_of_column_type(&self, type_name: &str) -> FieldKind {
        FieldKind::Other(type_name.to_string())
    }

    /// Why this backend cannot hold `value` exactly in a column of `kind` (a timestamp
    /// outside its range, NaN or infinity where its floats have none, NUL in text where its
    /// text has none), naming the value and the range it holds; `None` when it can. Checked
    /// before any SQL runs, on writes and on filter values, so that a value is never
    /// silently changed or turned into an untyped database error.
    fn out_of_range(&self, kind: &FieldKind, value: &crate::value::Value) -> Option<String> {
        let _ = (kind, value);
        None
    }

    /// The SQL literal for false in a boolean context.
    fn false_literal(&self) -> &'static str {
        "FALSE"
    }

    /// The clause after a `SELECT` of one row that locks the row until the transaction ends
    /// against other writers that lock it too (` FOR UPDATE`); `None` where a transaction
    /// already holds the database's write lock from its start (SQLite).
    fn lock_row_clause(&self) -> Option<&'static str> {
        Some(" FOR UPDATE")
    }

    /// What `select_for_update` writes on this backend: row locks (`FOR UPDATE`, `NOWAIT`,
    /// `SKIP LOCKED`, perhaps `OF`), or nothing where a transaction locks the database.
    fn row_locking(&self) -> RowLocking {
        RowLocking::Rows {
            of: true,
            outer_join_nullable_side: true,
        }
    }

    /// True when `SELECT DISTINCT ON (expressions)` exists (PostgreSQL).
    fn supports_distinct_on(&self) -> bool {
        false
    }

    /// The text after `INSERT INTO table` for one row that gives no column, every column
    /// taking its default (` DEFAULT VALUES`; MySQL writes ` () VALUES ()`).
    fn default_values_insert(&self) -> &'static str {
        " DEFAULT VALUES"
    }

    /// The value written for an auto-incremented key in a multi-row insert that gives no
    /// other column, so that the database assigns it (`DEFAULT`; SQLite, which has no
    /// `DEFAULT` in `VALUES`, assigns a key for `NULL`).
    fn auto_key_in_values(&self) -> &'static str {
        "DEFAULT"
    }

    /// The query that returns the id of the server session it runs on (one integer), which
    /// another connection can pass to [`Dialect::cancel_session`]; `None` where queries
    /// cannot be stopped from another connection (SQLite, where a query is only abandoned).
    fn session_id_query(&self) -> Option<&'static str> {
        None
    }

    /// The statement that stops the query running on the session `session_id` (as
    /// [`Dialect::session_id_query`] read it); `None` where there is none.
    fn cancel_session(&self, session_id: i64) -> Option<CancelStatement> {
        let _ = session_id;
        None
    }

    /// The statement that makes the transaction just begun read-only, where the backend has
    /// one worth running before a read (`SET TRANSACTION READ ONLY` on PostgreSQL); `None`
    /// leaves the transaction as it is.
    fn read_only_transaction(&self) -> Option<&'static str> {
        None
    }

    /// True when `exact` on a JSON column compares documents (key order and spacing do not
    /// matter, PostgreSQL's `jsonb`); false when it compares the stored text with the value
    /// written compactly, keys sorted.
    fn json_equality_compares_documents(&self) -> bool {
        false
    }

    /// True when NULLs sort before every value in ascending order (MySQL, SQLite); false
    /// when after (PostgreSQL).
    fn nulls_sort_first(&self) -> bool {
        true
    }

    /// True when rows can be paged by comparing values of `kind` on the server (keyset
    /// paging): a value read back and bound again compares as the database orders the
    /// column. Never so for JSON, which re-serialised no longer equals the stored text.
    fn keyset_comparable(&self, kind: &FieldKind) -> bool {
        !matches!(kind, FieldKind::Json)
    }

    /// True when a value compared with a column of `kind` that the engine reads as text
    /// must be bound as a float, because the server compares the column only with numbers
    /// (PostgreSQL's `numeric` and `decimal`).
    fn compares_as_float(&self, kind: &FieldKind) -> bool {
        let _ = kind;
        false
    }
}
