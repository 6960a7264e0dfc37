//! The MySQL / MariaDB dialect.

use aksara_core::{
    validate, CancelStatement, Dialect, FieldKind, InsertIgnore, ListBinding, RowLocking,
    UpsertSyntax, Value,
};
use chrono::{NaiveDate, NaiveDateTime};

/// The fixed sizes an `in` list is padded to. Each size is one prepared statement per query
/// shape, so a connection caches at most ten of them however the list lengths vary, and a
/// chunk never needs more than 512 placeholders (MySQL allows 65,535 in one statement).
pub const LIST_SIZES: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// MySQL's and MariaDB's SQL differences.
///
/// Everything written stays within what both MySQL 8 and MariaDB 10.11 accept: no
/// `RETURNING` (the inserted key is read with `SELECT LAST_INSERT_ID()`), UUIDs in
/// `BINARY(16)`, date-times in `DATETIME(6)` holding UTC, InnoDB tables in `utf8mb4` with the
/// binary collation `utf8mb4_bin`, so that `=`, `LIKE` and unique constraints are
/// case-sensitive as on PostgreSQL (the case-insensitive lookups lower-case both sides), and
/// the indexes of foreign key columns declared inside `CREATE TABLE` (MySQL has no
/// `CREATE INDEX IF NOT EXISTS`).
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlDialect;

impl Dialect for MysqlDialect {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn session_id_query(&self) -> Option<&'static str> {
        Some("SELECT CONNECTION_ID()")
    }

    fn cancel_session(&self, session_id: i64) -> Option<CancelStatement> {
        // An integer from the server itself, so writing it into the text is safe.
        Some(CancelStatement {
            sql: format!("KILL QUERY {session_id}"),
            params: Vec::new(),
            returns_rows: false,
        })
    }

    /// Besides JSON, enums, sets and bit strings (ordered by their index or bits, compared
    /// as text) and spatial types page with OFFSET.
    fn keyset_comparable(&self, kind: &FieldKind) -> bool {
        match kind {
            FieldKind::Json => false,
            FieldKind::Other(name) => {
                let n = name.to_ascii_lowercase();
                ![
                    "enum",
                    "set",
                    "bit",
                    "geometry",
                    "point",
                    "linestring",
                    "polygon",
                    "multi",
                ]
                .iter()
                .any(|p| n.starts_with(p))
            }
            _ => true,
        }
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".into()
    }

    fn quote_identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn column_type(&self, kind: &FieldKind) -> String {
        match kind {
            FieldKind::String { max_length }
            | FieldKind::Email { max_length }
            | FieldKind::Url { max_length } => format!("VARCHAR({max_length})"),
            FieldKind::Text => "LONGTEXT".into(),
            FieldKind::Boolean => "BOOLEAN".into(),
            FieldKind::Integer | FieldKind::AutoInteger => "INT".into(),
            FieldKind::BigInteger | FieldKind::AutoBigInteger => "BIGINT".into(),
            FieldKind::SmallInteger => "SMALLINT".into(),
            FieldKind::Float => "DOUBLE".into(),
            FieldKind::Real => "FLOAT".into(),
            // As `COLUMN_TYPE` writes it, so the drift check reads it back.
            FieldKind::Decimal {
                max_digits,
                decimal_places,
            } => format!("decimal({max_digits},{decimal_places})"),
            FieldKind::DateTime | FieldKind::Timestamp => "DATETIME(6)".into(),
            FieldKind::Date => "DATE".into(),
            FieldKind::Time => "TIME(6)".into(),
            FieldKind::Uuid => "BINARY(16)".into(),
            FieldKind::Json => "JSON".into(),
            FieldKind::Bytes => "LONGBLOB".into(),
            // A type read from a catalog is written as the database named it.
            FieldKind::Other(name) => name.clone(),
            _ => "LONGTEXT".into(),
        }
    }

    fn auto_primary_key(&self, kind: &FieldKind) -> String {
        format!(
            "{} NOT NULL AUTO_INCREMENT PRIMARY KEY",
            self.column_type(kind)
        )
    }

    fn like_escape(&self) -> &'static str {
        // A backslash escapes inside MySQL string literals, so the one-character string `\`
        // is written `'\\'`.
        " ESCAPE '\\\\'"
    }

    fn list_binding(&self) -> ListBinding {
        ListBinding::Padded(LIST_SIZES)
    }

    fn supports_returning(&self) -> bool {
        false
    }

    fn auto_increment_settings_query(&self) -> Option<&'static str> {
        Some("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment")
    }

    fn last_insert_id_query(&self) -> Option<&'static str> {
        Some("SELECT LAST_INSERT_ID()")
    }

    fn row_locking(&self) -> RowLocking {
        // `FOR UPDATE`, `NOWAIT` and `SKIP LOCKED` exist on MySQL 8 and MariaDB 10.6+;
        // `FOR UPDATE OF` only on MySQL, so it is never written.
        RowLocking::Rows {
            of: false,
            outer_join_nullable_side: true,
        }
    }

    fn insert_ignore(&self) -> InsertIgnore {
        // Not `INSERT IGNORE`: it would also skip rows whose foreign key has no target,
        // silently, where PostgreSQL and SQLite fail the statement. The count of rows affected
        // then includes the duplicates (diesel-async sets CLIENT_FOUND_ROWS).
        InsertIgnore::OnDuplicateKeyUpdate
    }

    fn upsert_syntax(&self) -> UpsertSyntax {
        UpsertSyntax::OnDuplicateKeyUpdate
    }

    fn default_values_insert(&self) -> &'static str {
        // MySQL has no `DEFAULT VALUES`.
        " () VALUES ()"
    }

    fn self_subquery_needs_derived_table(&self) -> bool {
        true
    }

    fn create_index_if_not_exists(&self) -> bool {
        false
    }

    fn table_options(&self) -> &'static str {
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    }

    fn list_tables_sql(&self) -> &'static str {
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
         WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
    }

    fn catalog_columns_sql(&self) -> Option<&'static str> {
        Some(
            // MariaDB's JSON is LONGTEXT with a `json_valid(column)` check: read as `json`.
            "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), \
                    CASE WHEN c.DATA_TYPE = 'longtext' AND EXISTS ( \
                        SELECT 1 FROM information_schema.TABLE_CONSTRAINTS tc \
                        JOIN information_schema.CHECK_CONSTRAINTS cc \
                          ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
                         AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
                        WHERE tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND tc.TABLE_NAME = c.TABLE_NAME \
                          AND tc.CONSTRAINT_TYPE = 'CHECK' \
                          AND cc.CHECK_CLAUSE = CONCAT('json_valid(`', c.COLUMN_NAME, '`)')) \
                    THEN 'json' ELSE CAST(c.COLUMN_TYPE AS CHAR) END, \
                    c.IS_NULLABLE = 'YES', c.ORDINAL_POSITION, COALESCE(k.ORDINAL_POSITION, 0), \
                    CASE t.TABLE_TYPE WHEN 'VIEW' THEN 'view' WHEN 'SYSTEM VIEW' THEN 'view' ELSE 'table' END \
             FROM information_schema.COLUMNS c \
             JOIN information_schema.TABLES t \
               ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
             LEFT JOIN information_schema.KEY_COLUMN_USAGE k \
               ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME \
              AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY' \
             WHERE c.TABLE_SCHEMA = DATABASE()",
        )
    }

    fn catalog_foreign_keys_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.TABLE_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR), \
                    CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR), \
                    k.ORDINAL_POSITION, CAST(r.DELETE_RULE AS CHAR) \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
              AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA = DATABASE() \
               AND k.REFERENCED_TABLE_NAME IS NOT NULL",
        )
    }

    fn catalog_unique_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT CAST(s.INDEX_NAME AS CHAR), CAST(s.TABLE_NAME AS CHAR), CAST(s.COLUMN_NAME AS CHAR), \
                    s.SEQ_IN_INDEX \
             FROM information_schema.STATISTICS s \
             WHERE s.TABLE_SCHEMA = DATABASE() AND s.NON_UNIQUE = 0 AND s.INDEX_NAME <> 'PRIMARY' \
               AND s.COLUMN_NAME IS NOT NULL",
        )
    }

    fn catalog_row_estimates_sql(&self) -> Option<&'static str> {
        // InnoDB's estimate, from its statistics: no scan.
        Some(
            "SELECT CAST(TABLE_NAME AS CHAR), TABLE_ROWS FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        )
    }

    fn kind_of_column_type(&self, type_name: &str) -> FieldKind {
        kind_of_column_type(type_name)
    }

    fn string_literal(&self, s: &str) -> String {
        // Parenthesised, so that MySQL 8 also takes it as the default of a TEXT column (an
        // expression default); backslashes escape in MySQL literals.
        format!("('{}')", s.replace('\\', "\\\\").replace('\'', "''"))
    }

    /// DATETIME and DATE from 1000-01-01 to 9999-12-31 (MariaDB and MySQL store anything
    /// else as a zero date or fail), no NaN, infinity or -0.0 (stored as 0.0) in DOUBLE, JSON
    /// at most 32 levels deep as `JSON_DEPTH` counts (MariaDB's `JSON_VALID` check refuses
    /// deeper documents).
    fn out_of_range(&self, kind: &FieldKind, value: &Value) -> Option<String> {
        let _ = kind;
        validate::outside_time_range(
            value,
            "MariaDB/MySQL DATETIME / DATE",
            at(1000, 1, 1, 0, 0, 0, 0),
            at(9999, 12, 31, 23, 59, 59, 999_999),
        )
        .or_else(|| validate::non_finite(value, "MariaDB/MySQL DOUBLE has no NaN or infinity"))
        .or_else(|| validate::negative_zero(value, "MariaDB/MySQL DOUBLE"))
        .or_else(|| validate::too_deep_json(value, 32, "MariaDB/MySQL JSON"))
    }
}

/// The field kind of a column whose `COLUMN_TYPE` is `type_name` (`int(11)`, `varchar(120)`,
/// `tinyint(1)`, `binary(16)`, `datetime(6)`, `bigint unsigned`, ...). `BINARY(16)` is read as
/// a UUID (the form this backend stores them in; any 16 bytes make one), `TINYINT(1)` as a
/// boolean (MySQL's `BOOL`); `TIME` as a time of day; decimals, enums, sets and spatial types keep the database's
/// name ([`FieldKind::Other`]) and pass through as decoded.
pub fn kind_of_column_type(type_name: &str) -> FieldKind {
    let t = type_name.trim().to_ascii_lowercase();
    let unsigned = t.contains("unsigned");
    let (base, arg) = match t.split_once('(') {
        Some((base, rest)) => (base.trim(), rest.split(')').next().unwrap_or("").trim()),
        None => (t.split_whitespace().next().unwrap_or(""), ""),
    };
    match base {
        "tinyint" if arg == "1" => FieldKind::Boolean,
        "bool" | "boolean" => FieldKind::Boolean,
        "tinyint" | "smallint" | "mediumint" | "year" => FieldKind::Integer,
        "int" | "integer" if unsigned => FieldKind::BigInteger,
        "int" | "integer" => FieldKind::Integer,
        "bigint" => FieldKind::BigInteger,
        "double" | "float" | "real" => FieldKind::Float,
        "varchar" | "nvarchar" => {
            arg.parse()
                .map_or(FieldKind::Text, |max_length| FieldKind::String {
                    max_length,
                })
        }
        "char" | "nchar" | "text" | "tinytext" | "mediumtext" | "longtext" => FieldKind::Text,
        "binary" if arg == "16" => FieldKind::Uuid,
        "binary" | "varbinary" | "blob" | "tinyblob" | "mediumblob" | "longblob" => {
            FieldKind::Bytes
        }
        "datetime" | "timestamp" => FieldKind::DateTime,
        "date" => FieldKind::Date,
        "json" => FieldKind::Json,
        "time" => FieldKind::Time,
        _ => FieldKind::Other(type_name.to_string()),
    }
}

fn at(year: i32, month: u32, day: u32, h: u32, m: u32, s: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_micro_opt(h, m, s, micro))
        .expect("a valid bound")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_for_mysql() {
        assert_eq!(
            MysqlDialect.string_literal("it's a \\ b"),
            "('it''s a \\\\ b')"
        );
        assert_eq!(MysqlDialect.like_escape(), " ESCAPE '\\\\'");
        assert_eq!(MysqlDialect.quote_identifier("a`b"), "`a``b`");
    }

    #[test]
    fn catalog_types_map_to_kinds() {
        assert_eq!(kind_of_column_type("int(11)"), FieldKind::Integer);
        assert_eq!(
            kind_of_column_type("int(10) unsigned"),
            FieldKind::BigInteger
        );
        assert_eq!(kind_of_column_type("tinyint(1)"), FieldKind::Boolean);
        assert_eq!(
            kind_of_column_type("varchar(120)"),
            FieldKind::String { max_length: 120 }
        );
        assert_eq!(kind_of_column_type("binary(16)"), FieldKind::Uuid);
        assert_eq!(kind_of_column_type("datetime(6)"), FieldKind::DateTime);
        assert_eq!(kind_of_column_type("longtext"), FieldKind::Text);
        assert_eq!(
            kind_of_column_type("decimal(10,2)"),
            FieldKind::Other("decimal(10,2)".into())
        );
        // Round trip of the DDL's own types.
        for kind in [
            FieldKind::Boolean,
            FieldKind::Integer,
            FieldKind::BigInteger,
            FieldKind::Float,
            FieldKind::DateTime,
            FieldKind::Date,
            FieldKind::Uuid,
            FieldKind::Json,
            FieldKind::Bytes,
            FieldKind::Text,
            FieldKind::String { max_length: 30 },
        ] {
            let written = MysqlDialect
                .column_type(&kind)
                .replace("BOOLEAN", "tinyint(1)");
            assert_eq!(kind_of_column_type(&written), kind, "{written}");
        }
    }
}
