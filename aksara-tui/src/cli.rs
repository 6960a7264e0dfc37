//! The command line.

pub use crate::location::{check_sqlite_file, default_demo_path, redact, sqlite_url, Target};
use clap::Parser;
use std::path::PathBuf;

/// Walk a database by following its relations.
///
/// With no URL, opens the database named by the DATABASE_URL environment variable when it
/// is set (and not empty), else an embedded demo: an SQLite database with a small blog (users,
/// posts, categories, tags, profiles), created on first run in the user's data directory.
/// With a URL, reads the database's catalog: tables, keys, and foreign keys as relations (forward,
/// reverse, one-to-one, many-to-many through junction tables). The explorer only reads; it
/// never writes to the database.
#[derive(Debug, Parser)]
#[command(name = "aksara-tui", version, about, long_about, after_help = AFTER_HELP)]
pub struct Args {
    /// The database: postgres://user@host/db, mysql://user@host/db (or mariadb://),
    /// sqlite://path/to/file.db (sqlite:///absolute/path.db), or the path of an SQLite file.
    /// Omit it for DATABASE_URL, or for the demo when DATABASE_URL is unset or empty.
    pub url: Option<String>,

    /// Where the demo database lives (default: the user's data directory, e.g.
    /// ~/.local/share/aksara/demo.db; also AKSARA_DEMO_DB).
    #[arg(long, value_name = "FILE", env = "AKSARA_DEMO_DB")]
    pub demo_db: Option<PathBuf>,

    /// Write every row of TABLE to a file and exit, without opening the screen (the file is
    /// --output, default TABLE.csv; .csv or .json chooses the format).
    #[arg(long, value_name = "TABLE")]
    pub export: Option<String>,

    /// The file --export writes (never an existing one).
    #[arg(long, value_name = "FILE", requires = "export")]
    pub output: Option<PathBuf>,

    /// Rows read per page.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(10..=10_000))]
    pub page_size: u64,
}

const AFTER_HELP: &str = "\
Keys:
  j/k ↓/↑  move        h/l ←/→  column      gg/G  first/last     Ctrl-d/Ctrl-u  half page
  Enter    open: a table, a row, a relation (forward, reverse, many-to-many)
  Backspace/Esc  back    ]  forward          /  filter (on the current column)
  s  sort by the current column (asc, desc, off)    y  copy the value (OSC 52)
  E  export the grid (filters, sort) to a .csv or .json file
  r  reload      Ctrl-C  cancel the running query   ?  help     q  quit

Filters: text uses icontains; =x exact, >x >=x <x <=x compare, ^x starts with, $x ends with,
null / !null for NULL checks.

Environment: DATABASE_URL is the database when no URL is given (unset or empty: the demo);
AKSARA_DEMO_DB is where the demo lives.";

impl Args {
    /// What to explore: the URL argument, else `DATABASE_URL`, else the demo.
    ///
    /// # Errors
    /// When no data directory is known for the demo.
    pub fn target(&self) -> Result<Target, String> {
        self.target_with(std::env::var("DATABASE_URL").ok())
    }

    /// [`Args::target`] with `database_url` as the value of `DATABASE_URL` (None: unset); an
    /// empty value counts as unset.
    ///
    /// # Errors
    /// When no data directory is known for the demo.
    pub fn target_with(&self, database_url: Option<String>) -> Result<Target, String> {
        let url = self
            .url
            .clone()
            .or(database_url.filter(|u| !u.trim().is_empty()));
        match &url {
            // A bare path (`aksara-tui chinook.db`) is an SQLite file.
            Some(path)
                if !path.contains("://") && !path.to_ascii_lowercase().starts_with("sqlite:") =>
            {
                Ok(Target::Url(sqlite_url(std::path::Path::new(path))))
            }
            Some(url) => Ok(Target::Url(url.clone())),
            None => {
                let path = match &self.demo_db {
                    Some(p) => p.clone(),
                    None => default_demo_path().ok_or(
                        "no data directory is known for the demo database: pass --demo-db FILE",
                    )?,
                };
                Ok(Target::Demo {
                    url: sqlite_url(&path),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_targets() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
        let args = Args::parse_from(["aksara-tui", "--demo-db", "/tmp/demo.db"]);
        assert_eq!(
            args.target_with(None).unwrap(),
            Target::Demo {
                url: "sqlite:///tmp/demo.db".into()
            }
        );
        let args = Args::parse_from(["aksara-tui", "mysql://root@127.0.0.1/test"]);
        assert_eq!(
            args.target().unwrap(),
            Target::Url("mysql://root@127.0.0.1/test".into())
        );
        // A bare path is an SQLite file, made absolute; a missing file is still refused.
        let args = Args::parse_from(["aksara-tui", "some/dir/chinook.db"]);
        let Target::Url(url) = args.target().unwrap() else {
            panic!("a URL")
        };
        assert!(
            url.starts_with("sqlite:///") && url.ends_with("/some/dir/chinook.db"),
            "{url}"
        );
        assert!(check_sqlite_file(&url).is_err());
        let file = std::env::temp_dir().join(format!("aksara-cli-{}.db", std::process::id()));
        std::fs::write(&file, b"").unwrap();
        let args = Args::parse_from(["aksara-tui", file.to_str().unwrap()]);
        let Target::Url(url) = args.target().unwrap() else {
            panic!("a URL")
        };
        assert!(check_sqlite_file(&url).is_ok(), "{url}");
        let _ = std::fs::remove_file(&file);
        assert!(check_sqlite_file("sqlite:///no/such/dir/x.db").is_err());
        assert!(check_sqlite_file("sqlite::memory:").is_ok());
        assert!(check_sqlite_file("postgres://h/db").is_ok());
    }

    #[test]
    fn database_url_is_used_when_no_url_is_given() {
        let pg = "postgres://root@127.0.0.1/test".to_string();
        let args = Args::parse_from(["aksara-tui", "--demo-db", "/tmp/demo.db"]);
        assert_eq!(
            args.target_with(Some(pg.clone())).unwrap(),
            Target::Url(pg.clone())
        );
        // Unset or empty: the demo.
        let demo = Target::Demo {
            url: "sqlite:///tmp/demo.db".into(),
        };
        assert_eq!(args.target_with(None).unwrap(), demo);
        assert_eq!(args.target_with(Some(String::new())).unwrap(), demo);
        // A URL on the command line wins; a bare path in DATABASE_URL is an SQLite file.
        let args = Args::parse_from(["aksara-tui", "mysql://root@127.0.0.1/test"]);
        assert_eq!(
            args.target_with(Some(pg)).unwrap(),
            Target::Url("mysql://root@127.0.0.1/test".into())
        );
        let args = Args::parse_from(["aksara-tui"]);
        let Target::Url(url) = args.target_with(Some("/tmp/x.db".into())).unwrap() else {
            panic!("a URL")
        };
        assert_eq!(url, "sqlite:///tmp/x.db");
    }

    #[test]
    fn help_documents_the_keys() {
        use clap::CommandFactory;
        let help = Args::command().render_long_help().to_string();
        for needle in [
            "postgres://",
            "mysql://",
            "sqlite://",
            "--demo-db",
            "DATABASE_URL",
            "Ctrl-C",
            "OSC 52",
        ] {
            assert!(help.contains(needle), "{needle} missing from --help");
        }
    }
}
