//! What a typed filter means: the engine's lookups, chosen by the column's kind.
//!
//! On a text column a plain word means `icontains`; on other columns it means equality.
//! A leading operator picks another lookup: `=` exact, `!=` not equal, `>` `>=` `<` `<=`
//! compare, `^` starts with and `$` ends with (text, ignoring case), `~` contains. `null` and
//! `!null` test for NULL (write `=null` for the text "null").

use aksara::{Condition, Dialect, FieldKind, Value};

/// A filter on one grid column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnFilter {
    /// The column's lookup path.
    pub path: String,
    /// The column's header, for display.
    pub column: String,
    /// What the user typed.
    pub input: String,
    /// How it reads in the status line ([`describe`]).
    pub shown: String,
    /// The condition it means.
    pub condition: Condition,
}

/// How a filter reads in the status line: the column, the operator the input chose (or the
/// column's default one) and the operand, e.g. `Total > 5`, `Name ≈ rock`, `Id = 7`,
/// `Composer is NULL`.
pub fn describe(column: &str, kind: &FieldKind, input: &str) -> String {
    let text = input.trim();
    match text.to_ascii_lowercase().as_str() {
        "null" => return format!("{column} is NULL"),
        "!null" => return format!("{column} is not NULL"),
        _ => {}
    }
    let operators = [
        ("!=", "≠"),
        (">=", "≥"),
        ("<=", "≤"),
        (">", ">"),
        ("<", "<"),
        ("=", "="),
        ("^", "starts with"),
        ("$", "ends with"),
        ("~", "≈"),
    ];
    for (prefix, shown) in operators {
        if let Some(rest) = text.strip_prefix(prefix) {
            return format!("{column} {shown} {}", rest.trim());
        }
    }
    let shown = if default_lookup(kind) == "icontains" {
        "≈"
    } else {
        "="
    };
    format!("{column} {shown} {text}")
}

/// True when the engine's text lookups (`icontains`, ...) apply to `kind`.
pub fn is_text(kind: &FieldKind) -> bool {
    kind.is_text()
}

/// The lookup a plain word uses on `kind`.
pub fn default_lookup(kind: &FieldKind) -> &'static str {
    if is_text(kind) {
        "icontains"
    } else {
        "exact"
    }
}

/// What a plain word does on a column of `kind` in `dialect`, for the filter prompt: the
/// default lookup's name, and on a JSON column what equality compares there (PostgreSQL's
/// `jsonb` compares documents; elsewhere the stored text is compared with the document
/// written compactly, keys sorted).
pub fn prompt_hint(kind: &FieldKind, dialect: &dyn Dialect) -> &'static str {
    match kind {
        FieldKind::Json if dialect.json_equality_compares_documents() => {
            "equal JSON document, any key order or spacing"
        }
        FieldKind::Json => "stored text equals the JSON written compactly, keys sorted",
        _ => default_lookup(kind),
    }
}

/// The condition `input` means on the column `path` of `kind` in `dialect` (which says how
/// values are bound); `Ok(None)` for empty input (no filter).
///
/// # Errors
/// A message when the input does not fit the column (`>abc` on a number, `^x` on a number).
pub fn parse(
    path: &str,
    kind: &FieldKind,
    input: &str,
    dialect: &dyn Dialect,
) -> Result<Option<Condition>, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.to_ascii_lowercase().as_str() {
        "null" => return Ok(Some(Condition::new(format!("{path}__isnull"), true))),
        "!null" => return Ok(Some(Condition::new(format!("{path}__isnull"), false))),
        _ => {}
    }
    let (lookup, rest, negate) = if let Some(r) = text.strip_prefix("!=") {
        ("exact", r, true)
    } else if let Some(r) = text.strip_prefix(">=") {
        ("gte", r, false)
    } else if let Some(r) = text.strip_prefix("<=") {
        ("lte", r, false)
    } else if let Some(r) = text.strip_prefix('>') {
        ("gt", r, false)
    } else if let Some(r) = text.strip_prefix('<') {
        ("lt", r, false)
    } else if let Some(r) = text.strip_prefix('=') {
        ("exact", r, false)
    } else if let Some(r) = text.strip_prefix('^') {
        ("istartswith", r, false)
    } else if let Some(r) = text.strip_prefix('$') {
        ("iendswith", r, false)
    } else if let Some(r) = text.strip_prefix('~') {
        ("icontains", r, false)
    } else {
        (default_lookup(kind), text, false)
    };
    let rest = rest.trim();
    if matches!(lookup, "istartswith" | "iendswith" | "icontains") && !is_text(kind) {
        return Err(format!(
            "`{}` applies to text columns; this one is {}",
            &text[..1],
            kind.describe()
        ));
    }
    let value = value_for(kind, rest, dialect)?;
    let condition = if lookup == "exact" {
        Condition::new(path.to_string(), value)
    } else {
        Condition::new(format!("{path}__{lookup}"), value)
    };
    Ok(Some(if negate { !condition } else { condition }))
}

/// `text` as a value of `kind`.
fn value_for(kind: &FieldKind, text: &str, dialect: &dyn Dialect) -> Result<Value, String> {
    let bad = |what: &str| format!("“{text}” is not {what}");
    Ok(match kind {
        FieldKind::Integer | FieldKind::AutoInteger => {
            Value::I32(text.parse().map_err(|_| bad("a whole number"))?)
        }
        FieldKind::BigInteger | FieldKind::AutoBigInteger => {
            Value::I64(text.parse().map_err(|_| bad("a whole number"))?)
        }
        FieldKind::Float => Value::F64(text.parse().map_err(|_| bad("a number"))?),
        FieldKind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" => Value::Bool(true),
            "false" | "f" | "no" | "n" | "0" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        other if dialect.compares_as_float(other) => {
            Value::F64(text.parse().map_err(|_| bad("a number"))?)
        }
        // UUIDs, dates and date-times are checked and converted by the engine.
        _ => Value::String(text.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aksara::mysql::MysqlDialect;
    use aksara::postgres::PgDialect;
    use aksara::sqlite::SqliteDialect;

    fn text() -> FieldKind {
        FieldKind::Text
    }

    #[test]
    fn the_status_line_names_each_operator() {
        let int = FieldKind::Integer;
        assert_eq!(describe("Name", &text(), "rock"), "Name ≈ rock");
        assert_eq!(describe("Id", &int, "7"), "Id = 7");
        assert_eq!(describe("Total", &int, ">5"), "Total > 5");
        assert_eq!(describe("Total", &int, ">= 5"), "Total ≥ 5");
        assert_eq!(describe("Total", &int, "!=5"), "Total ≠ 5");
        assert_eq!(describe("Total", &int, "<=5"), "Total ≤ 5");
        assert_eq!(describe("Name", &text(), "^Ro"), "Name starts with Ro");
        assert_eq!(describe("Name", &text(), "$ck"), "Name ends with ck");
        assert_eq!(describe("Name", &text(), "=Rock"), "Name = Rock");
        assert_eq!(describe("Composer", &text(), "null"), "Composer is NULL");
        assert_eq!(
            describe("Composer", &text(), "!NULL"),
            "Composer is not NULL"
        );
    }

    #[test]
    fn the_prompt_says_what_a_json_filter_compares() {
        assert_eq!(
            prompt_hint(&FieldKind::Json, &PgDialect),
            "equal JSON document, any key order or spacing"
        );
        assert!(prompt_hint(&FieldKind::Json, &SqliteDialect).contains("compactly"));
        assert_eq!(prompt_hint(&text(), &SqliteDialect), "icontains");
        assert_eq!(prompt_hint(&FieldKind::Integer, &MysqlDialect), "exact");
    }

    #[test]
    fn words_search_text_and_match_numbers() {
        assert_eq!(
            parse("Name", &text(), "rock", &SqliteDialect).unwrap(),
            Some(Condition::new("Name__icontains", "rock"))
        );
        assert_eq!(
            parse("AlbumId", &FieldKind::Integer, "12", &SqliteDialect).unwrap(),
            Some(Condition::new("AlbumId", 12))
        );
        assert!(parse("AlbumId", &FieldKind::Integer, "twelve", &SqliteDialect).is_err());
        assert_eq!(parse("Name", &text(), "  ", &SqliteDialect).unwrap(), None);
    }

    #[test]
    fn operators_pick_lookups() {
        assert_eq!(
            parse("n", &FieldKind::BigInteger, ">= 5", &MysqlDialect).unwrap(),
            Some(Condition::new("n__gte", 5i64))
        );
        assert_eq!(
            parse("Name", &text(), "^The", &MysqlDialect).unwrap(),
            Some(Condition::new("Name__istartswith", "The"))
        );
        assert_eq!(
            parse("Name", &text(), "=NULL", &MysqlDialect).unwrap(),
            Some(Condition::new("Name", "NULL"))
        );
        assert_eq!(
            parse("Name", &text(), "null", &MysqlDialect).unwrap(),
            Some(Condition::new("Name__isnull", true))
        );
        assert_eq!(
            parse("Name", &text(), "!=x", &MysqlDialect).unwrap(),
            Some(!Condition::new("Name", "x"))
        );
        assert!(parse("n", &FieldKind::Integer, "^1", &MysqlDialect).is_err());
        assert_eq!(
            parse(
                "price",
                &FieldKind::Other("numeric(10,2)".into()),
                ">0.5",
                &PgDialect
            )
            .unwrap(),
            Some(Condition::new("price__gt", 0.5))
        );
    }
}
