//! The command line.

use crate::config::Config;
pub use crate::location::{check_sqlite_file, default_demo_path, redact, sqlite_url, Target};
use crate::picker::{Choice, Picker};
use clap::Parser;
use std::path::PathBuf;

/// Walk a database by following its relations.
///
/// With no URL, opens the database named by the DATABASE_URL environment variable when it
/// is set (and not empty); else, when the connections file (~/.config/aksara/config.toml)
/// names connections, a picker listing them and the demo; else an embedded demo: an SQLite
/// database with a small blog (users, posts, categories, tags, profiles), created on first run
/// in the user's data directory.
/// With a URL, reads the database's catalog: tables, keys, and foreign keys as relations (forward,
/// reverse, one-to-one, many-to-many through junction tables). The explorer only reads; it
/// never writes to the database.
#[derive(Debug, Parser)]
#[command(name = "aksara-tui", version, about, long_about, after_help = AFTER_HELP)]
pub struct Args {
    /// The database: postgres://user@host/db, mysql://user@host/db (or mariadb://),
    /// sqlite://path/to/file.db (sqlite:///absolute/path.db), or the path of an SQLite file.
    /// Or the name of a connection of the connections file. Omit it for DATABASE_URL, else
    /// the picker (when the file names connections), else the demo.
    pub url: Option<String>,

    /// Open the connection NAME of the connections file.
    #[arg(short = 'c', long, value_name = "NAME", conflicts_with = "url")]
    pub connection: Option<String>,

    /// The connections file (default: $XDG_CONFIG_HOME/aksara/config.toml, i.e.
    /// ~/.config/aksara/config.toml; also AKSARA_CONFIG).
    #[arg(long, value_name = "FILE", env = "AKSARA_CONFIG")]
    pub config: Option<PathBuf>,

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

    /// Allow editing a record's values (`e` in a record; each edit shows its UPDATE and runs
    /// only after Enter, in a transaction). Without it the explorer never writes.
    #[arg(long)]
    pub write: bool,
}

const AFTER_HELP: &str = "\
Keys:
  j/k ↓/↑  move        h/l ←/→  column      gg/G  first/last     Ctrl-d/Ctrl-u  half page
  Enter    open: a table, a row, a relation (forward, reverse, many-to-many)
  Backspace/Esc  back    ]  forward          /  filter (on the current column)
  s  sort by the current column (asc, desc, off)    y  copy the value (OSC 52)
  Y  copy the row as tab-separated values           J  copy the row as JSON
  E  export the grid (filters, sort) to a .csv or .json file
  S  the table's schema (columns, indexes, relations, DDL)   D  its relation diagram
  -  hide the column   +  show every column   < >  narrow / widen the column
  :key 42  jump to the row with that key
  :schema NAME  explore another schema (MySQL: database)   :schema  list them
  r  reload      Ctrl-C  cancel the running query   ?  help     q  quit
Mouse: a click selects a table, row or cell, a click on the selected one opens it; a click
on a record's bottom pane follows its relation; the wheel scrolls.

Filters: text uses icontains; =x exact, >x >=x <x <=x compare, ^x starts with, $x ends with,
null / !null for NULL checks.

Connections file (~/.config/aksara/config.toml):
  [connections.shop]
  url = \"postgres://app@db.example.com/shop\"
  password = \"...\"          # optional, never shown
  description = \"the shop\"
Open one with `aksara-tui shop` or `--connection shop`; with no argument the picker lists them.

Environment: DATABASE_URL is the database when no URL is given (unset or empty: the picker
or the demo); AKSARA_DEMO_DB is where the demo lives; AKSARA_CONFIG the connections file.";

/// How the explorer starts: on a database, or on the picker of the connections file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Open this database.
    Open(Target),
    /// Let the user choose among these.
    Pick(Picker),
}

impl Args {
    /// What to explore: see [`Args::start_with`], with the environment's `DATABASE_URL` and
    /// the connections file (`--config`, else the default path), read only when needed.
    ///
    /// # Errors
    /// As [`Args::start_with`].
    pub fn start(&self) -> Result<Start, String> {
        let path = self.config.clone().or_else(crate::config::default_path);
        let config = || match &path {
            Some(p) => Config::load(p),
            None => Ok(Config::default()),
        };
        self.start_with(std::env::var("DATABASE_URL").ok(), &config)
    }

    /// What to explore: `--connection NAME`; else the argument, a connection's name, a URL or
    /// the path of an SQLite file; else `database_url` (the value of `DATABASE_URL`, None when
    /// unset; empty counts as unset); else the picker, when the connections file `config`
    /// names any connection; else the demo.
    ///
    /// # Errors
    /// An unknown connection name, a connections file that cannot be read (naming its line and
    /// key), or no data directory for the demo.
    pub fn start_with(
        &self,
        database_url: Option<String>,
        config: &dyn Fn() -> Result<Config, String>,
    ) -> Result<Start, String> {
        if let Some(name) = &self.connection {
            let config = config()?;
            return match config.connection(name) {
                Some(c) => Ok(Start::Open(Target::Url(c.url.clone()))),
                None => Err(config.unknown(name)),
            };
        }
        if let Some(arg) = &self.url {
            let url_like = arg.contains("://") || arg.to_ascii_lowercase().starts_with("sqlite:");
            if !url_like {
                // A name of the connections file wins over a file of that name (`./name`
                // means the file).
                match config() {
                    Ok(config) => {
                        if let Some(c) = config.connection(arg) {
                            return Ok(Start::Open(Target::Url(c.url.clone())));
                        }
                    }
                    Err(e) if !std::path::Path::new(arg).exists() => return Err(e),
                    Err(_) => {}
                }
            }
        }
        let url = self
            .url
            .clone()
            .or(database_url.filter(|u| !u.trim().is_empty()));
        match &url {
            // A bare path (`aksara-tui chinook.db`) is an SQLite file.
            Some(path)
                if !path.contains("://") && !path.to_ascii_lowercase().starts_with("sqlite:") =>
            {
                Ok(Start::Open(Target::Url(sqlite_url(std::path::Path::new(
                    path,
                )))))
            }
            Some(url) => Ok(Start::Open(Target::Url(url.clone()))),
            None => {
                let config = config()?;
                let demo = self.demo_target();
                if config.connections.is_empty() {
                    return demo.map(Start::Open);
                }
                let mut choices: Vec<Choice> =
                    config.connections.iter().map(Choice::connection).collect();
                if let Ok(demo) = demo {
                    choices.push(Choice::demo(demo));
                }
                Ok(Start::Pick(Picker::new(choices, config.file_name())))
            }
        }
    }

    fn demo_target(&self) -> Result<Target, String> {
        let path = match &self.demo_db {
            Some(p) => p.clone(),
            None => default_demo_path()
                .ok_or("no data directory is known for the demo database: pass --demo-db FILE")?,
        };
        Ok(Target::Demo {
            url: sqlite_url(&path),
        })
    }

    /// [`Args::start_with`] with no connections file, for a start that cannot be the picker.
    ///
    /// # Errors
    /// As [`Args::start_with`].
    pub fn target_with(&self, database_url: Option<String>) -> Result<Target, String> {
        match self.start_with(database_url, &|| Ok(Config::default()))? {
            Start::Open(target) => Ok(target),
            Start::Pick(_) => Err("a connection must be chosen".into()),
        }
    }

    /// [`Args::target_with`] with the environment's `DATABASE_URL`.
    ///
    /// # Errors
    /// As [`Args::start_with`].
    pub fn target(&self) -> Result<Target, String> {
        self.target_with(std::env::var("DATABASE_URL").ok())
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

    fn two_connections() -> Result<Config, String> {
        Config::parse(
            "[connections.shop]\nurl = \"postgres://app@db/shop\"\npassword = \"hunter2\"\n\
             [connections.local]\nurl = \"/tmp/local.db\"\n",
            std::path::Path::new("/etc/aksara.toml"),
        )
    }

    #[test]
    fn connections_are_opened_by_name_or_picked() {
        let shop = Start::Open(Target::Url("postgres://app:hunter2@db/shop".into()));
        let args = Args::parse_from(["aksara-tui", "--connection", "shop"]);
        assert_eq!(args.start_with(None, &two_connections).unwrap(), shop);
        let args = Args::parse_from(["aksara-tui", "shop"]);
        assert_eq!(args.start_with(None, &two_connections).unwrap(), shop);
        // An unknown name is refused with the names the file has.
        let args = Args::parse_from(["aksara-tui", "-c", "nope"]);
        let e = args.start_with(None, &two_connections).unwrap_err();
        assert!(
            e.contains("/etc/aksara.toml") && e.contains("local, shop"),
            "{e}"
        );
        // A URL is not a name; DATABASE_URL wins over the picker.
        let args = Args::parse_from(["aksara-tui", "mysql://root@h/db"]);
        assert_eq!(
            args.start_with(None, &two_connections).unwrap(),
            Start::Open(Target::Url("mysql://root@h/db".into()))
        );
        let args = Args::parse_from(["aksara-tui", "--demo-db", "/tmp/demo.db"]);
        assert_eq!(
            args.start_with(Some("mysql://root@h/db".into()), &two_connections)
                .unwrap(),
            Start::Open(Target::Url("mysql://root@h/db".into()))
        );
        // Nothing given: the picker, the demo its last entry, no password shown.
        let Start::Pick(picker) = args.start_with(None, &two_connections).unwrap() else {
            panic!("the picker")
        };
        let names: Vec<&str> = picker.choices().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["local", "shop", "demo"]);
        assert_eq!(picker.choices()[1].shown, "postgres://app:***@db/shop");
        assert_eq!(
            picker.choices()[2].target,
            Target::Demo {
                url: "sqlite:///tmp/demo.db".into()
            }
        );
        // No connections file (or one naming none): the demo, as before.
        let none = || Ok(Config::default());
        assert_eq!(
            args.start_with(None, &none).unwrap(),
            Start::Open(Target::Demo {
                url: "sqlite:///tmp/demo.db".into()
            })
        );
        // A broken file is reported when it is needed, and only then.
        let broken = || Err("/etc/aksara.toml:3: connections.x: bad".to_string());
        assert!(args.start_with(None, &broken).unwrap_err().contains(":3:"));
        let args = Args::parse_from(["aksara-tui", "postgres://h/db"]);
        assert!(args.start_with(None, &broken).is_ok());
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
            "--connection",
            "config.toml",
            "Ctrl-C",
            "OSC 52",
        ] {
            assert!(help.contains(needle), "{needle} missing from --help");
        }
    }
}
