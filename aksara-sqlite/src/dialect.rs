//! The SQLite dialect.

use aksara_core::{
    validate, Dialect, FieldKind, InsertIgnore, ListBinding, RowLocking, UpsertSyntax, Value,
};
use chrono::{NaiveDate, NaiveDateTime};

/// The fixed sizes an `in` list is padded to: one cached statement per size and query shape,
/// and never more than 512 parameters per chunk (SQLite allows 32,766 in one statement).
pub const LIST_SIZES: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// The text form of date-times: UTC, always six fractional digits, so that text order is time
/// order and `BETWEEN` / `<` compare correctly (`2024-05-06 07:08:09.123456`).
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// How times of day are stored: fixed width, so that text order is time order.
pub const TIME_FORMAT: &str = "%H:%M:%S%.6f";

/// SQLite's SQL differences.
///
/// SQLite has only integer, real, text and blob storage. Aksara stores UUIDs as hyphenated
/// lower-case text (readable in any SQLite shell, and compared as text), date-times as UTC text
/// in [`DATETIME_FORMAT`], dates as `YYYY-MM-DD`, JSON as text and booleans as 0 / 1. Keys the
/// database assigns are `INTEGER PRIMARY KEY AUTOINCREMENT`, so a deleted key is never reused.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".into()
    }

    fn quote_identifier(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn column_type(&self, kind: &FieldKind) -> String {
        match kind {
            // SQLite does not enforce a length; the core checks max_length before writing.
            FieldKind::String { max_length }
            | FieldKind::Email { max_length }
            | FieldKind::Url { max_length } => format!("VARCHAR({max_length})"),
            FieldKind::Text => "TEXT".into(),
            FieldKind::Boolean => "BOOLEAN".into(),
            FieldKind::Integer | FieldKind::AutoInteger => "INTEGER".into(),
            FieldKind::BigInteger | FieldKind::AutoBigInteger => "BIGINT".into(),
            FieldKind::SmallInteger => "SMALLINT".into(),
            FieldKind::Float | FieldKind::Real => "REAL".into(),
            // NUMERIC affinity (see `query::bind_form`).
            FieldKind::Decimal {
                max_digits,
                decimal_places,
            } => format!("DECIMAL({max_digits},{decimal_places})"),
            FieldKind::DateTime | FieldKind::Timestamp | FieldKind::Time => "TEXT".into(),
            // Type names that give TEXT affinity, so SQLite never turns the text into a number.
            FieldKind::Date => "TEXT".into(),
            FieldKind::Uuid => "CHAR(36)".into(),
            FieldKind::Json => "TEXT".into(),
            FieldKind::Bytes => "BLOB".into(),
            // A type read from a catalog is written as the database named it.
            FieldKind::Other(name) => name.clone(),
            _ => "TEXT".into(),
        }
    }

    fn auto_primary_key(&self, _kind: &FieldKind) -> String {
        // Only exactly `INTEGER PRIMARY KEY` aliases the 64-bit rowid.
        "INTEGER PRIMARY KEY AUTOINCREMENT".into()
    }

    fn list_binding(&self) -> ListBinding {
        ListBinding::Padded(LIST_SIZES)
    }

    fn max_binds(&self) -> usize {
        // SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite (3.32 and later).
        32_766
    }

    fn supports_returning(&self) -> bool {
        // The bundled SQLite is far newer than 3.35, which added RETURNING.
        true
    }

    fn insert_ignore(&self) -> InsertIgnore {
        InsertIgnore::OnConflictDoNothing
    }

    fn upsert_syntax(&self) -> UpsertSyntax {
        // `ON CONFLICT (columns) DO ...` needs SQLite 3.24; the bundled one is 3.50.
        UpsertSyntax::OnConflict
    }

    fn lock_row_clause(&self) -> Option<&'static str> {
        // No row locks: a transaction starts with `BEGIN IMMEDIATE`, holding the write lock.
        None
    }

    fn row_locking(&self) -> RowLocking {
        // No row locks: a transaction starts with `BEGIN IMMEDIATE` and holds the database's
        // write lock until it ends, so a read inside one excludes every other writer.
        RowLocking::DatabaseLock
    }

    fn auto_key_in_values(&self) -> &'static str {
        // No `DEFAULT` in `VALUES`; NULL in an INTEGER PRIMARY KEY assigns the next key.
        "NULL"
    }

    fn alter_table_add_foreign_key(&self) -> bool {
        false
    }

    fn catalog_columns_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT m.name, p.name, p.type, NOT (p.\"notnull\" OR p.pk > 0), p.cid + 1, p.pk, m.type \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
    }

    fn catalog_foreign_keys_sql(&self) -> Option<&'static str> {
        // SQLite keeps no constraint names: a single-column key gets the DDL's name
        // (`fk_{table}_{column}`), the columns of a composite key share one by its number. A
        // key that names no parent column references the parent's primary key.
        Some(
            "SELECT CASE WHEN (SELECT COUNT(*) FROM pragma_foreign_key_list(m.name) g WHERE g.id = f.id) = 1 \
                         THEN 'fk_' || m.name || '_' || f.\"from\" ELSE 'fk_' || m.name || '_' || f.id END, \
                    m.name, f.\"from\", f.\"table\", \
                    COALESCE(f.\"to\", (SELECT p.name FROM pragma_table_info(f.\"table\") p WHERE p.pk = f.seq + 1)), \
                    f.seq + 1, f.on_delete \
             FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table'",
        )
    }

    fn catalog_unique_sql(&self) -> Option<&'static str> {
        Some(
            "SELECT il.name, m.name, ii.name, ii.seqno + 1 \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
             WHERE m.type = 'table' AND il.\"unique\" = 1 AND il.origin <> 'pk' AND il.partial = 0 \
               AND ii.name IS NOT NULL",
        )
    }

    fn catalog_row_estimates_sql(&self) -> Option<&'static str> {
        // Only after ANALYZE; without sqlite_stat1 the query fails and the counts stay unknown.
        Some("SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
    }

    fn kind_of_column_type(&self, type_name: &str) -> FieldKind {
        kind_of_column_type(type_name)
    }

    fn list_tables_sql(&self) -> &'static str {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    }

    /// Timestamps and dates from year 0 to 9999 (they are stored as text, whose order is
    /// time order only for four-digit years), no NaN (SQLite stores NaN as NULL) and no -0.0
    /// (stored as 0.0).
    fn out_of_range(&self, kind: &FieldKind, value: &Value) -> Option<String> {
        let _ = kind;
        validate::outside_time_range(
            value,
            "SQLite (timestamps stored as text)",
            at(0, 1, 1, 0, 0, 0, 0),
            at(9999, 12, 31, 23, 59, 59, 999_999),
        )
        .or_else(|| match value {
            Value::F64(f) if f.is_nan() => validate::non_finite(value, "SQLite stores NaN as NULL"),
            _ => None,
        })
        .or_else(|| validate::negative_zero(value, "SQLite"))
        .or_else(|| decimal_digits(value))
    }
}

/// For a decimal of more than 15 significant digits, the message that refuses it: SQLite
/// stores decimals (NUMERIC affinity) as integers or floats, exact to 15 digits only.
fn decimal_digits(value: &Value) -> Option<String> {
    #[cfg(feature = "rust_decimal")]
    if let Value::Decimal(d) = value {
        let digits = d.normalize().mantissa().unsigned_abs().to_string().len();
        if digits > 15 {
            return Some(format!(
                "{d} has {digits} significant digits; SQLite stores a decimal exactly up to 15"
            ));
        }
    }
    let _ = value;
    None
}

/// The field kind of a column declared as `type_name`. SQLite stores any value in any column,
/// so this reads the declared name as people write it: `INTEGER` / `BIGINT` (64-bit, as SQLite
/// integers are), `VARCHAR(n)`, `TEXT`, `BOOLEAN`, `REAL`, `DATETIME`, `DATE`, `BLOB`,
/// `JSON`; `UUID` is a UUID. Anything else (`NUMERIC`, `DECIMAL(10,2)`, no type at all) keeps
/// its name ([`FieldKind::Other`]) and its values pass through as stored. `CHAR(36)`, this
/// backend's own UUID column, reads as text: other databases use it for other things.
pub fn kind_of_column_type(type_name: &str) -> FieldKind {
    let t = type_name.trim().to_ascii_uppercase();
    let (base, arg) = match t.split_once('(') {
        Some((base, rest)) => (base.trim(), rest.split(')').next().unwrap_or("").trim()),
        None => (t.as_str(), ""),
    };
    match base {
        "INTEGER" | "INT" | "BIGINT" | "INT8" | "UNSIGNED BIG INT" => FieldKind::BigInteger,
        "SMALLINT" | "TINYINT" | "MEDIUMINT" | "INT2" => FieldKind::Integer,
        "BOOLEAN" | "BOOL" => FieldKind::Boolean,
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => FieldKind::Float,
        "VARCHAR" | "NVARCHAR" | "VARYING CHARACTER" | "NATIVE CHARACTER" => arg
            .parse()
            .map_or(FieldKind::Text, |max_length| FieldKind::String {
                max_length,
            }),
        "TEXT" | "CLOB" | "CHAR" | "NCHAR" | "CHARACTER" => FieldKind::Text,
        "DATETIME" | "TIMESTAMP" => FieldKind::DateTime,
        "DATE" => FieldKind::Date,
        "BLOB" => FieldKind::Bytes,
        "JSON" => FieldKind::Json,
        "UUID" => FieldKind::Uuid,
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
    fn declared_types_map_to_kinds() {
        assert_eq!(kind_of_column_type("INTEGER"), FieldKind::BigInteger);
        assert_eq!(
            kind_of_column_type("NVARCHAR(160)"),
            FieldKind::String { max_length: 160 }
        );
        assert_eq!(kind_of_column_type("datetime"), FieldKind::DateTime);
        assert_eq!(
            kind_of_column_type("NUMERIC(10,2)"),
            FieldKind::Other("NUMERIC(10,2)".into())
        );
        assert_eq!(kind_of_column_type(""), FieldKind::Other(String::new()));
    }
}
