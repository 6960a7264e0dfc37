//! Where the database to explore is: the [`Target`] the command line chooses and the worker
//! opens, and the URL helpers both use.

use std::path::PathBuf;

/// What to explore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The embedded demo: an SQLite database at this URL, created and seeded when missing.
    Demo {
        /// The `sqlite://` URL of the demo database.
        url: String,
    },
    /// A database given by URL, read through its catalog.
    Url(String),
}

/// `$XDG_DATA_HOME/aksara/demo.db` (or the platform's equivalent).
pub fn default_demo_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("aksara").join("demo.db"))
}

/// The `sqlite://` URL of a file.
pub fn sqlite_url(path: &std::path::Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    format!("sqlite://{}", absolute.display())
}

/// The name the explorer's PostgreSQL connections give the server (`application_name`, seen
/// in `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "aksara-tui";

/// The URL the explorer connects with: a PostgreSQL URL gains
/// `application_name=aksara-tui` among its options unless it names an `application_name`
/// already; other URLs are used as given.
pub fn connection_url(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("postgres://") || lower.starts_with("postgresql://")) {
        return url.to_string();
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((head, tail)) => (head, Some(tail)),
        None => (url, None),
    };
    let query = before_fragment.split_once('?').map(|(_, q)| q);
    let named = query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.split('=').next() == Some("application_name"))
    });
    if named {
        return url.to_string();
    }
    let separator = match query {
        None => "?",
        Some("") => "",
        Some(_) => "&",
    };
    let mut out = format!("{before_fragment}{separator}application_name={APPLICATION_NAME}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `url` without its password.
pub use aksara::redact_url as redact;

/// The passwords `url` carries, in its user info or as a `password=` parameter, each as
/// written and percent-decoded.
pub fn passwords(url: &str) -> Vec<String> {
    let mut found = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            if let Some((_, password)) = rest[..at].split_once(':') {
                found.push(password);
            }
        }
    }
    if let Some((_, query)) = url.split_once('?') {
        let query = query.split('#').next().unwrap_or(query);
        found.extend(query.split('&').filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.eq_ignore_ascii_case("password").then_some(value)
        }));
    }
    let mut out = Vec::new();
    for password in found.into_iter().filter(|p| !p.is_empty()) {
        for form in [password.to_string(), percent_decoded(password)] {
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    // The longest first, so that a password inside another is not masked half.
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

/// `url` as the screen may show it: without its password, in the user info or a parameter.
pub fn shown(url: &str) -> String {
    let redacted = redact(url);
    let Some((head, query)) = redacted.split_once('?') else {
        return redacted;
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect();
    let mut out = format!("{head}?{}", pairs.join("&"));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

pub(crate) fn percent_decoded(password: &str) -> String {
    let mut bytes = Vec::new();
    let raw = password.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` with every password of `url` replaced by `***`: messages never show one, whatever
/// the driver put in them. Passwords of fewer than four characters are left (masking every
/// `a` of a message would make it unreadable); URLs themselves are shown through [`shown`].
pub fn mask_passwords(text: &str, url: &str) -> String {
    passwords(url)
        .iter()
        .filter(|p| p.chars().count() >= 4)
        .fold(text.to_string(), |t, p| t.replace(p.as_str(), "***"))
}

/// Refuses an `sqlite://` URL naming a file that does not exist: opening it would create an
/// empty database, and the explorer never writes.
///
/// # Errors
/// [`aksara::Error::Config`] naming the missing file.
pub fn check_sqlite_file(url: &str) -> aksara::Result<()> {
    if !url.to_ascii_lowercase().starts_with("sqlite:") {
        return Ok(());
    }
    if let aksara::sqlite::Location::File(uri) = aksara::sqlite::Location::parse(url) {
        let path = uri.trim_start_matches("file:");
        let path = path.split('?').next().unwrap_or(path);
        if !path.is_empty() && !std::path::Path::new(path).exists() {
            return Err(aksara::Error::config(format!(
                "no SQLite database at {path} (the explorer opens existing files only)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_never_show_the_password() {
        let url = "postgres://app:p%40ss@h/db";
        assert_eq!(passwords(url), ["p%40ss", "p@ss"]);
        assert_eq!(
            mask_passwords("auth failed for app with p@ss (p%40ss)", url),
            "auth failed for app with *** (***)"
        );
        assert!(passwords("postgres://app@h/db").is_empty());
        assert_eq!(
            shown("postgres://app@h/db?sslmode=disable&password=hunter%232"),
            "postgres://app@h/db?sslmode=disable&password=***"
        );
        assert_eq!(shown("postgres://app:pw@h/db"), "postgres://app:***@h/db");
        assert_eq!(
            mask_passwords("no pw here", "postgres://app:pw@h/db"),
            "no pw here"
        );
        assert!(passwords("sqlite:///tmp/x.db").is_empty());
    }

    #[test]
    fn postgres_urls_gain_the_explorers_application_name() {
        assert_eq!(
            connection_url("postgres://root@127.0.0.1/test"),
            "postgres://root@127.0.0.1/test?application_name=aksara-tui"
        );
        assert_eq!(
            connection_url("postgresql://h/db?sslmode=disable"),
            "postgresql://h/db?sslmode=disable&application_name=aksara-tui"
        );
        assert_eq!(
            connection_url("postgres://h/db?"),
            "postgres://h/db?application_name=aksara-tui"
        );
        // The user's own name wins.
        assert_eq!(
            connection_url("postgres://h/db?application_name=mine&sslmode=disable"),
            "postgres://h/db?application_name=mine&sslmode=disable"
        );
        assert_eq!(
            connection_url("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(connection_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
