//! The connections file: named databases in `$XDG_CONFIG_HOME/aksara/config.toml`
//! (`~/.config/aksara/config.toml`).
//!
//! ```toml
//! [connections.shop]
//! url = "postgres://app@db.example.com/shop"
//! password = "s3cret"            # optional: kept out of the URL, never shown
//! description = "the shop, production replica"
//!
//! [connections.chinook]
//! url = "sqlite:///home/me/chinook.db"   # or a bare path
//! ```
//!
//! `aksara-tui shop` or `aksara-tui --connection shop` opens one by name; with no argument (and
//! no `DATABASE_URL`) a file that names any connection opens the picker, which lists them with
//! the embedded demo. The file is read with the `toml` crate (the reference parser, with
//! spans on its errors) through serde; every problem is reported as `FILE:LINE: KEY: what`,
//! and unknown keys are refused rather than ignored, so a typo never goes unseen.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One named connection of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Its name (the key under `[connections]`).
    pub name: String,
    /// The URL to connect with, the password of the file's `password` key put in.
    pub url: String,
    /// What the file says of it.
    pub description: Option<String>,
}

impl Connection {
    /// The URL as it may be shown: without its password.
    pub fn shown_url(&self) -> String {
        crate::location::shown(&self.url)
    }
}

/// The connections file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file read (None: there was none).
    pub path: Option<PathBuf>,
    /// The connections, by name.
    pub connections: Vec<Connection>,
    /// The colours of its `[theme]` table.
    pub theme: crate::theme::Theme,
    /// Its `[keys]` table: characters that act as other keys.
    pub keys: std::collections::HashMap<char, char>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    connections: BTreeMap<String, RawConnection>,
    #[serde(default)]
    theme: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    keys: BTreeMap<String, toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConnection {
    url: toml::Spanned<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// `$XDG_CONFIG_HOME/aksara/config.toml`, else `~/.config/aksara/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| dirs::home_dir().map(|h| h.join(".config")))
        .map(|d| d.join("aksara").join("config.toml"))
}

impl Config {
    /// Reads the file at `path`; a missing file is an empty config.
    ///
    /// # Errors
    /// A message naming the file, the line and the key, when the file cannot be read or is
    /// not a valid connections file.
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
        }
    }

    /// Reads the connections of `text`, the content of the file `path`.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start);
            located(text, path, at, e.message().trim())
        })?;
        let mut connections = Vec::new();
        for (name, c) in raw.connections {
            let span = c.url.span();
            let url = c.url.into_inner();
            if url.trim().is_empty() {
                return Err(located(text, path, Some(span.start), "the URL is empty"));
            }
            let url = with_bare_path(&url, path);
            let url = match &c.password {
                Some(password) => with_password(&url, password)
                    .map_err(|problem| located(text, path, Some(span.start), &problem))?,
                None => url,
            };
            connections.push(Connection {
                name,
                url,
                description: c.description,
            });
        }
        let mut theme = crate::theme::Theme::default();
        for (name, colour) in raw.theme {
            let at = Some(colour.span().start);
            let Some(slot) = theme.colour_mut(&name) else {
                return Err(located(
                    text,
                    path,
                    at,
                    &format!(
                        "unknown colour name, expected one of {}",
                        crate::theme::COLOUR_NAMES.join(", ")
                    ),
                ));
            };
            let written = colour.into_inner();
            match written.parse::<ratatui::style::Color>() {
                Ok(c) => *slot = Some(c),
                Err(_) => {
                    return Err(located(
                        text,
                        path,
                        at,
                        &format!(
                            "`{written}` is not a colour (a name such as blue or light-red, \
                             #rrggbb, or a number 0-255)"
                        ),
                    ))
                }
            }
        }
        let mut keys = std::collections::HashMap::new();
        for (from, to) in raw.keys {
            let at = Some(to.span().start);
            let to = to.into_inner();
            let one = |s: &str| {
                let mut chars = s.chars();
                chars.next().filter(|_| chars.next().is_none())
            };
            let (Some(from_char), Some(to_char)) = (one(&from), one(&to)) else {
                return Err(located(
                    text,
                    path,
                    at,
                    "a key is one character, acting as another (`x = \"q\"`)",
                ));
            };
            if !crate::keys::screen_key(to_char) {
                return Err(located(
                    text,
                    path,
                    at,
                    &format!("`{to}` is not a key of the explorer's screens (? lists them)"),
                ));
            }
            keys.insert(from_char, to_char);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            connections,
            theme,
            keys,
        })
    }

    /// The connection called `name`.
    pub fn connection(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name == name)
    }

    /// The file's name for messages.
    pub fn file_name(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the connections file".into())
    }

    /// The message for a name the file does not have.
    pub fn unknown(&self, name: &str) -> String {
        let known: Vec<&str> = self.connections.iter().map(|c| c.name.as_str()).collect();
        let file = self.file_name();
        if known.is_empty() {
            format!("no connection named `{name}`: {file} names none")
        } else {
            format!(
                "no connection named `{name}` in {file} (it names {})",
                known.join(", ")
            )
        }
    }
}

/// A bare path (no scheme) is an SQLite file, relative to the config file's directory.
fn with_bare_path(url: &str, file: &Path) -> String {
    if url.contains("://") || url.to_ascii_lowercase().starts_with("sqlite:") {
        return url.to_string();
    }
    let path = Path::new(url);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        file.parent().unwrap_or(Path::new(".")).join(path)
    };
    crate::location::sqlite_url(&path)
}

/// `url` with `password` in its user info (percent-encoded); refused when the URL has no
/// user or a password already.
fn with_password(url: &str, password: &str) -> Result<String, String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("`password` needs a URL with a user (scheme://user@host/db)".into());
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return Err("`password` needs a URL with a user (scheme://user@host/db)".into());
    };
    let user = &rest[..at];
    if user.contains(':') {
        return Err("the URL has a password already, and so has `password`: keep one".into());
    }
    let encoded: String = password
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    Ok(format!("{scheme}://{user}:{encoded}{}", &rest[at..]))
}

/// `FILE:LINE: KEY: message`, the key found from the line the byte offset `at` is on.
fn located(text: &str, path: &Path, at: Option<usize>, message: &str) -> String {
    let Some(at) = at.map(|a| a.min(text.len())) else {
        return format!("{}: {message}", path.display());
    };
    let line_no = text[..at].matches('\n').count() + 1;
    match key_at(text, line_no) {
        Some(key) => format!("{}:{line_no}: {key}: {message}", path.display()),
        None => format!("{}:{line_no}: {message}", path.display()),
    }
}

/// The dotted key the line `line_no` (1-based) sets or opens: the nearest table header above
/// it and the key before its `=`.
fn key_at(text: &str, line_no: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let line = lines.get(line_no.checked_sub(1)?)?.trim();
    let header = |l: &str| {
        let l = l.trim();
        l.strip_prefix('[')
            .and_then(|h| h.split(']').next())
            .map(|h| h.trim_start_matches('[').trim().to_string())
    };
    if line.starts_with('[') {
        return header(line);
    }
    let own = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string());
    let table = lines[..line_no - 1].iter().rev().find_map(|l| header(l));
    match (table, own) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, Some(k)) => Some(k),
        (t, None) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/home/me/.config/aksara/config.toml"))
    }

    #[test]
    fn connections_are_read_with_their_passwords_put_in() {
        let config = parse(
            r#"
[connections.shop]
url = "postgres://app@db.example.com/shop"
password = "p@ss word/1"
description = "the shop"

[connections.local]
url = "chinook.db"
"#,
        )
        .unwrap();
        let names: Vec<&str> = config.connections.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["local", "shop"]);
        let shop = config.connection("shop").unwrap();
        assert_eq!(
            shop.url,
            "postgres://app:p%40ss%20word%2F1@db.example.com/shop"
        );
        assert_eq!(shop.shown_url(), "postgres://app:***@db.example.com/shop");
        assert_eq!(shop.description.as_deref(), Some("the shop"));
        assert_eq!(
            config.connection("local").unwrap().url,
            "sqlite:///home/me/.config/aksara/chinook.db"
        );
        assert!(config.unknown("nope").contains("it names local, shop"));
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let file = "/home/me/.config/aksara/config.toml";
        let e = parse("[connections.shop]\nurll = \"postgres://h/db\"\n").unwrap_err();
        assert!(
            e.starts_with(&format!("{file}:2: connections.shop.urll: ")),
            "{e}"
        );
        assert!(e.contains("unknown field `urll`"), "{e}");

        let e = parse("[connections.shop]\nurl = 5\n").unwrap_err();
        assert!(
            e.starts_with(&format!("{file}:2: connections.shop.url: ")),
            "{e}"
        );

        let e = parse("\n[connections.shop]\ndescription = \"x\"\n").unwrap_err();
        assert!(
            e.starts_with(&format!("{file}:2: connections.shop: ")),
            "{e}"
        );
        assert!(e.contains("missing field `url`"), "{e}");

        let e =
            parse("[connections.shop]\nurl = \"postgres://h/db\"\npassword = \"x\"\n").unwrap_err();
        assert!(
            e.starts_with(&format!("{file}:2: connections.shop.url: ")),
            "{e}"
        );
        assert!(e.contains("needs a URL with a user"), "{e}");

        let e = parse("[connections.shop\nurl = 1\n").unwrap_err();
        assert!(e.starts_with(&format!("{file}:1: ")), "{e}");

        // A missing file is no connections, not an error.
        let missing = Config::load(Path::new("/no/such/dir/config.toml")).unwrap();
        assert!(missing.connections.is_empty());
    }

    #[test]
    fn the_theme_table_names_colours() {
        use ratatui::style::Color;
        let path = Path::new("/home/me/.config/aksara/config.toml");
        let config = Config::parse(
            "[theme]\nselected_bg = \"#203040\"\nkey = \"light-red\"\nlink = \"33\"\n",
            path,
        )
        .unwrap();
        assert_eq!(config.theme.selected_bg, Some(Color::Rgb(0x20, 0x30, 0x40)));
        assert_eq!(config.theme.key, Some(Color::LightRed));
        assert_eq!(config.theme.link, Some(Color::Indexed(33)));
        assert_eq!(config.theme.title_bg, None);
        let bad = Config::parse("[theme]\n\nkey = \"blu\"\n", path).unwrap_err();
        assert_eq!(
            bad,
            "/home/me/.config/aksara/config.toml:3: theme.key: `blu` is not a colour (a name such \
             as blue or light-red, #rrggbb, or a number 0-255)"
        );
        let unknown = Config::parse("[theme]\nbackground = \"red\"\n", path).unwrap_err();
        assert!(
            unknown.starts_with(
                "/home/me/.config/aksara/config.toml:2: theme.background: unknown colour name, \
                 expected one of selected_bg,"
            ),
            "{unknown}"
        );
    }

    #[test]
    fn the_keys_table_makes_characters_act_as_keys() {
        let path = Path::new("/c/config.toml");
        let config = Config::parse("[keys]\nx = \"q\"\nQ = \"-\"\n", path).unwrap();
        assert_eq!(config.keys.get(&'x'), Some(&'q'));
        assert_eq!(config.keys.get(&'Q'), Some(&'-'));
        let long = Config::parse("[keys]\nx = \"quit\"\n", path).unwrap_err();
        assert!(
            long.starts_with("/c/config.toml:2: keys.x: a key is one character"),
            "{long}"
        );
        let unbound = Config::parse("[keys]\nx = \"%\"\n", path).unwrap_err();
        assert!(
            unbound.contains("keys.x: `%` is not a key of the explorer's screens"),
            "{unbound}"
        );
    }
}
