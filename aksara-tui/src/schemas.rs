//! The other schemas (PostgreSQL) or databases (MySQL / MariaDB) of the server, and the URL
//! that opens one of them: `:schema` lists them, `:schema NAME` explores that one instead.
//!
//! The engine's introspection reads the schema a connection is in (PostgreSQL's
//! `current_schema()`, MySQL's `DATABASE()`), so exploring another one is connecting again
//! with it chosen in the URL: on PostgreSQL a `-c search_path=` among the connection's
//! `options` (added after the URL's own, so it wins), on MySQL the URL's database.

use aksara::{Db, Value};

/// The schemas a server offers, and the one explored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schemas {
    /// Their names, in name order (the servers' own schemas left out).
    pub names: Vec<String>,
    /// The one explored now.
    pub current: String,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => crate::format::plain(other),
    }
}

/// What a schema is called on `dialect` (`schema` or `database`), for messages.
pub fn noun(dialect: &str) -> &'static str {
    if dialect == "mysql" {
        "database"
    } else {
        "schema"
    }
}

/// Lists the schemas of `db`'s server (PostgreSQL: those of the database, without `pg_*` and
/// `information_schema`; MySQL: the databases, without the server's own).
///
/// # Errors
/// [`aksara::Error::Config`] on SQLite (a file holds one database); database errors.
pub async fn list(db: &Db) -> aksara::Result<Schemas> {
    let (names, current) = match db.dialect().name() {
        "postgresql" => (
            "SELECT nspname::text FROM pg_catalog.pg_namespace \
             WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1",
            "SELECT current_schema()::text",
        ),
        "mysql" => (
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN \
             ('information_schema', 'performance_schema', 'mysql', 'sys') ORDER BY 1",
            "SELECT DATABASE()",
        ),
        other => {
            return Err(aksara::Error::config(format!(
                "{other} has one database per file: there is no other schema to open"
            )))
        }
    };
    let names = db
        .raw(names, [])
        .await?
        .iter()
        .filter_map(|row| row.first().map(text))
        .collect();
    let current = db
        .raw(current, [])
        .await?
        .first()
        .and_then(|row| row.first())
        .map(text)
        .unwrap_or_default();
    Ok(Schemas { names, current })
}

/// A single-column foreign key of a table of the schema explored that points into another
/// schema: the engine's introspection reads one schema, so the explorer reads these itself
/// and follows them by exploring the other schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignLink {
    /// The referencing table (in the schema explored).
    pub table: String,
    /// Its foreign key column.
    pub column: String,
    /// The schema (MySQL: database) of the referenced table.
    pub schema: String,
    /// The referenced table.
    pub target: String,
    /// The referenced column.
    pub target_column: String,
}

/// Reads the single-column foreign keys of the schema explored that point into another one
/// (none on SQLite).
///
/// # Errors
/// Database errors.
pub async fn foreign_links(db: &Db) -> aksara::Result<Vec<ForeignLink>> {
    let query = match db.dialect().name() {
        "postgresql" => {
            "SELECT t.relname::text, a.attname::text, rn.nspname::text, r.relname::text, ra.attname::text \
             FROM pg_catalog.pg_constraint con \
             JOIN pg_catalog.pg_class t ON t.oid = con.conrelid \
             JOIN pg_catalog.pg_class r ON r.oid = con.confrelid \
             JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] \
             JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1] \
             WHERE con.contype = 'f' AND array_length(con.conkey, 1) = 1 \
               AND t.relnamespace = current_schema()::regnamespace \
               AND r.relnamespace <> current_schema()::regnamespace \
             ORDER BY 1, 2"
        }
        "mysql" => {
            "SELECT k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, \
                    k.REFERENCED_COLUMN_NAME \
             FROM information_schema.KEY_COLUMN_USAGE k \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA IS NOT NULL \
               AND k.REFERENCED_TABLE_SCHEMA <> DATABASE() \
               AND (SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE k2 \
                    WHERE k2.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND k2.TABLE_NAME = k.TABLE_NAME \
                      AND k2.CONSTRAINT_NAME = k.CONSTRAINT_NAME) = 1 \
             ORDER BY 1, 2"
        }
        _ => return Ok(Vec::new()),
    };
    Ok(db
        .raw(query, [])
        .await?
        .iter()
        .filter(|row| row.len() >= 5)
        .map(|row| ForeignLink {
            table: text(&row[0]),
            column: text(&row[1]),
            schema: text(&row[2]),
            target: text(&row[3]),
            target_column: text(&row[4]),
        })
        .collect())
}

/// `text` percent-encoded for a URL: every byte but ASCII letters, digits and `-._~`.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The words of a PostgreSQL `options` value, as the server splits them: at spaces, a
/// backslash keeping the character after it.
fn option_words(options: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The URL that explores `schema` on the server of `url` (a PostgreSQL or MySQL URL; any
/// other is returned as it is).
pub fn url_for(url: &str, schema: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let (head, fragment) = match url.split_once('#') {
        Some((h, f)) => (h, Some(f)),
        None => (url, None),
    };
    let (base, query) = match head.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (head, None),
    };
    let mut out = if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        // The server splits `options` at spaces (a backslash keeps one) and reads the
        // search path as a list of identifiers, so the name is quoted as one. The URL's own
        // options stay, but for an earlier search path (so that switching again and again
        // does not make the URL longer).
        let mut pairs: Vec<String> = query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let given = pairs
            .iter()
            .position(|p| p.starts_with("options="))
            .map(|i| pairs.remove(i));
        let mut options: Vec<String> = given
            .map(|p| option_words(&crate::location::percent_decoded(&p["options=".len()..])))
            .unwrap_or_default();
        let mut kept = Vec::new();
        let mut words = options.drain(..).peekable();
        while let Some(word) = words.next() {
            if word == "-c" && words.peek().is_some_and(|w| w.starts_with("search_path=")) {
                words.next();
            } else if !word.starts_with("-csearch_path=") && !word.starts_with("--search_path=") {
                kept.push(word);
            }
        }
        kept.push(format!("-csearch_path=\"{}\"", schema.replace('"', "\"\"")));
        let written: Vec<String> = kept
            .iter()
            .map(|w| w.replace('\\', "\\\\").replace(' ', "\\ "))
            .collect();
        pairs.insert(
            0,
            format!("options={}", percent_encoded(&written.join(" "))),
        );
        format!("{base}?{}", pairs.join("&"))
    } else if lower.starts_with("mysql://") || lower.starts_with("mariadb://") {
        let (scheme, rest) = base.split_once("://").unwrap_or(("mysql", base));
        let authority = rest.split('/').next().unwrap_or(rest);
        let mut out = format!("{scheme}://{authority}/{}", percent_encoded(schema));
        if let Some(query) = query {
            out.push('?');
            out.push_str(query);
        }
        out
    } else {
        return url.to_string();
    };
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_for;

    #[test]
    fn the_url_of_another_schema_chooses_it() {
        assert_eq!(
            url_for("postgres://u@h/db", "sales"),
            "postgres://u@h/db?options=-csearch_path%3D%22sales%22"
        );
        // The URL's own search path replaced, its other options and parameters kept.
        let url = url_for(
            "postgres://u@h/db?sslmode=disable&options=-c%20statement_timeout%3D5s%20-csearch_path%3Dold",
            "Big \"Q\"",
        );
        assert_eq!(
            url,
            "postgres://u@h/db?options=-c%20statement_timeout%3D5s%20-csearch_path%3D%22Big%5C%20%22%22Q%22%22%22&sslmode=disable"
        );
        // Switching again replaces it: the URL does not grow.
        assert_eq!(
            url_for(&url, "sales"),
            "postgres://u@h/db?options=-c%20statement_timeout%3D5s%20-csearch_path%3D%22sales%22&sslmode=disable"
        );
        assert_eq!(
            url_for("mysql://root:pw@h:3306/test?ssl-mode=disabled", "shop two"),
            "mysql://root:pw@h:3306/shop%20two?ssl-mode=disabled"
        );
        assert_eq!(url_for("mysql://root@h", "shop"), "mysql://root@h/shop");
        assert_eq!(url_for("sqlite:///x.db", "main"), "sqlite:///x.db");
    }
}
