//! Search across tables (`:find TEXT`): every table of the catalog is asked for rows whose
//! text columns contain the text, ignoring case (the engine's `icontains`, which binds the
//! text as a parameter and escapes the LIKE wildcards `%` and `_` in it), or, when the text
//! is an integer, whose integer key equals it. Each table gives at most [`HITS_PER_TABLE`]
//! rows, so a search costs one bounded query per table, and it runs on the worker in one
//! cancellable request (Ctrl-C stops it like any other).

use crate::catalog::{field_of_path, path_of_column, Catalog};
use aksara::{Condition, Db, QuerySet, Record, Value, ValueType};

/// The most rows one table contributes to a search.
pub const HITS_PER_TABLE: u64 = 20;

/// One row found.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The row's model.
    pub model: String,
    /// Its table.
    pub table: String,
    /// The column the text was found in (the key column for a key match).
    pub column: String,
    /// The row's key as shown (`42`, or `1, 2` for a composite key; empty without a key).
    pub key: String,
    /// The part of the value around the text.
    pub excerpt: String,
    /// The row, opened by Enter.
    pub record: Record,
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The text searched for.
    pub text: String,
    /// The rows, table by table in catalog order.
    pub hits: Vec<Hit>,
    /// Tables searched (those with a text column or an integer key that matches).
    pub searched: usize,
    /// Tables of the catalog looked at so far (all of them once the search is done).
    pub looked_at: usize,
    /// Tables in the catalog.
    pub tables: usize,
    /// Tables that gave [`HITS_PER_TABLE`] rows and may have more.
    pub capped: Vec<String>,
}

/// The condition "a text column of `model` contains `text`, or its integer key is `text`",
/// with the text columns it looks at (None when the table has nothing to look at).
pub fn condition(catalog: &Catalog, model: &str, text: &str) -> Option<(Condition, Vec<String>)> {
    let info = catalog.info(model)?;
    let mut parts = Vec::new();
    let mut columns = Vec::new();
    for field in info.meta.concrete_fields() {
        if field.kind.is_text() {
            let path = path_of_column(info, &field.column);
            parts.push(Condition::new(
                format!("{path}__icontains"),
                text.to_string(),
            ));
            columns.push(field.column.clone());
        }
    }
    if let (Ok(number), Some(entry)) = (text.trim().parse::<i64>(), catalog.table(model)) {
        for path in &entry.key {
            let Some(field) = field_of_path(info, path) else {
                continue;
            };
            let fits = match field.kind.value_type() {
                ValueType::I32 => i32::try_from(number).ok().map(Value::from),
                ValueType::I64 => Some(Value::from(number)),
                _ => None,
            };
            if let Some(value) = fits {
                parts.push(Condition::new(path.clone(), value));
            }
        }
    }
    let mut parts = parts.into_iter();
    let first = parts.next()?;
    Some((parts.fold(first, |all, c| all | c), columns))
}

/// Searches every table of `catalog` for `text` (see the module's documentation), calling
/// `progress` after each table searched with the rows that table gave (possibly none) and
/// the counts so far (its `hits` are those of that table only).
pub async fn search(
    db: &Db,
    catalog: &Catalog,
    text: &str,
    progress: impl Fn(Found) + Send + Sync,
) -> aksara::Result<Found> {
    let mut found = Found {
        text: text.to_string(),
        tables: catalog.tables.len(),
        ..Found::default()
    };
    let needle = text.to_lowercase();
    for entry in &catalog.tables {
        found.looked_at += 1;
        let Some((condition, columns)) = condition(catalog, &entry.model, text) else {
            continue;
        };
        let first_new = found.hits.len();
        found.searched += 1;
        let mut qs = QuerySet::<Record>::of(entry.model.clone()).filter(condition);
        if !entry.key.is_empty() {
            qs = qs.order_by(entry.key.iter().map(|k| k.as_str()));
        }
        let rows = qs.limit(HITS_PER_TABLE).all(db).await?;
        if rows.len() as u64 >= HITS_PER_TABLE {
            found.capped.push(entry.table.clone());
        }
        for record in rows {
            let key = entry
                .key
                .iter()
                .filter_map(|k| record.get(k))
                .map(crate::format::plain)
                .collect::<Vec<_>>()
                .join(", ");
            let matched = columns.iter().find_map(|c| {
                let value = record.get(c)?;
                let shown = crate::format::plain(value);
                shown
                    .to_lowercase()
                    .contains(&needle)
                    .then(|| (c.clone(), excerpt(&shown, &needle)))
            });
            let (column, excerpt) = match matched {
                Some(m) => m,
                None if !key.is_empty() && key == text.trim() => (
                    entry
                        .key
                        .first()
                        .and_then(|k| catalog.info(&entry.model).and_then(|i| field_of_path(i, k)))
                        .map(|f| f.column.clone())
                        .unwrap_or_default(),
                    key.clone(),
                ),
                // The database matched in a way the explorer's lowercasing does not (an
                // accent- or collation-insensitive comparison): show the first text column.
                None => {
                    let column = columns.first().cloned().unwrap_or_default();
                    let shown = record
                        .get(&column)
                        .map(crate::format::plain)
                        .unwrap_or_default();
                    (column, excerpt(&shown, &needle))
                }
            };
            found.hits.push(Hit {
                model: entry.model.clone(),
                table: entry.table.clone(),
                column,
                key,
                excerpt,
                record,
            });
        }
        progress(Found {
            hits: found.hits[first_new..].to_vec(),
            capped: Vec::new(),
            ..found.clone_counts()
        });
    }
    Ok(found)
}

impl Found {
    /// The text and counts, without the rows.
    fn clone_counts(&self) -> Found {
        Found {
            text: self.text.clone(),
            hits: Vec::new(),
            searched: self.searched,
            looked_at: self.looked_at,
            tables: self.tables,
            capped: self.capped.clone(),
        }
    }
}

/// Up to about 60 characters of `value` on one line, from a little before `needle` (given in
/// lower case).
///
/// ```
/// use aksara_tui::find::excerpt;
/// assert_eq!(excerpt("Rock and\nRoll", "roll"), "Rock and Roll");
/// ```
pub fn excerpt(value: &str, needle: &str) -> String {
    let line: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = line.to_lowercase();
    let chars: Vec<char> = line.chars().collect();
    // The match's position in characters (lowercasing may change byte lengths, not the
    // order of characters, for the text searched here).
    let at = lower
        .find(needle)
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0)
        .min(chars.len());
    let start = at.saturating_sub(20);
    let end = (start + 60).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_starts_a_little_before_the_match() {
        let long = format!("{} needle {}", "a".repeat(50), "b".repeat(50));
        let cut = excerpt(&long, "needle");
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("needle"), "{cut}");
        assert_eq!(excerpt("Rock and Roll", "roll"), "Rock and Roll");
    }
}
