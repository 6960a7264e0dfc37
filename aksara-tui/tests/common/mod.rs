//! Shared setup for the explorer's tests: the real app driven by key scripts and drawn on
//! ratatui's `TestBackend`, a fresh database per test on each backend, and Chinook loaded the
//! way the workspace's `tests` crate loads it.
//!
//! - PostgreSQL (`AKSARA_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`): a schema
//!   per test, selected with `search_path`.
//! - MariaDB / MySQL (`AKSARA_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`): a
//!   database per test.
//! - SQLite: a file per test in the temporary directory.
//!
//! Outside CI an unreachable server skips the test with a loud message; with `CI=true` it
//! fails.

#![allow(dead_code)]

pub mod tmux;

use aksara::{Db, Registry};
use aksara_tui::{App, Settings, Target, Worker};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// The backends: the facade's list.
pub use aksara::BackendKind as Backend;

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Prints straight to the process's stderr (the test runner hides `eprintln!` of passing
/// tests).
pub fn loud(message: &str) {
    let _ = writeln!(std::io::stderr(), "\n!!! {message}\n");
}

pub fn pg_url() -> String {
    Backend::Postgres.server_url().expect("a server URL")
}

pub fn mysql_url() -> String {
    Backend::Mysql.server_url().expect("a server URL")
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("aksara-tui-tests");
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

/// Points `XDG_DATA_HOME` at a directory of this test process (once), so that what the
/// explorer keeps in the user's data directory (the SQL history) never lands in the real one.
/// Every test of a binary that runs SQL queries calls it first.
pub fn private_data_home() {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| {
        let dir = scratch_dir().join(format!("data-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::env::set_var("XDG_DATA_HOME", &dir);
    });
}

/// A fresh SQLite file path for `name`.
pub fn scratch_file(name: &str) -> PathBuf {
    let path = scratch_dir().join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// A test's own empty database.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    /// An admin handle on the server (PostgreSQL, MySQL).
    pub admin: Option<Db>,
}

fn unreachable(backend: Backend, test: &str, url: &str, e: &aksara::Error) -> Option<TestDb> {
    if in_ci() {
        panic!(
            "{} is unreachable at {url} and CI=true: {e}",
            backend.name()
        );
    }
    loud(&format!(
        "SKIPPING {test} on {}: server unreachable at {url}: {e}",
        backend.name()
    ));
    None
}

impl TestDb {
    /// An empty database for `test` on `backend`; None (said loudly) when the server is down
    /// outside CI.
    pub async fn new(backend: Backend, test: &str) -> Option<TestDb> {
        let name = format!("tui_{test}");
        match backend {
            Backend::Postgres => {
                let base = pg_url();
                let admin = match aksara::connect(&base, Registry::empty()).await {
                    Ok(db) => db,
                    Err(e) => return unreachable(backend, test, &base, &e),
                };
                // Queries a failed run left behind would hold locks on the old schema.
                admin
                    .raw(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE application_name = {} AND pid <> pg_backend_pid()",
                        [aksara::Value::from(name.as_str())],
                    )
                    .await
                    .expect("end the connections of an earlier run");
                admin
                    .raw_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), [])
                    .await
                    .expect("drop schema");
                admin
                    .raw_execute(&format!("CREATE SCHEMA \"{name}\""), [])
                    .await
                    .expect("create schema");
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!(
                    "{base}{separator}options=-csearch_path%3D{name}&application_name={name}"
                );
                Some(TestDb {
                    backend,
                    url,
                    admin: Some(admin),
                })
            }
            Backend::Mysql => {
                let base = mysql_url();
                let admin = match aksara::connect(&base, Registry::empty()).await {
                    Ok(db) => db,
                    Err(e) => return unreachable(backend, test, &base, &e),
                };
                // Queries a failed run left behind would hold locks on the old database.
                let leftovers = admin
                    .raw(
                        "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = {} AND ID <> CONNECTION_ID()",
                        [aksara::Value::from(name.as_str())],
                    )
                    .await
                    .expect("list the connections of an earlier run");
                for row in leftovers {
                    if let Some(id) = row.first().and_then(aksara::Value::as_i64) {
                        let _ = admin.raw_execute(&format!("KILL {id}"), []).await;
                    }
                }
                admin
                    .raw_execute(&format!("DROP DATABASE IF EXISTS `{name}`"), [])
                    .await
                    .expect("drop database");
                admin
                    .raw_execute(
                        &format!(
                            "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                        ),
                        [],
                    )
                    .await
                    .expect("create database");
                let (scheme, rest) = base.split_once("://").expect("a URL");
                let authority = rest.split('/').next().unwrap_or(rest);
                Some(TestDb {
                    backend,
                    url: format!("{scheme}://{authority}/{name}"),
                    admin: Some(admin),
                })
            }
            Backend::Sqlite => Some(TestDb {
                backend,
                url: aksara_tui::cli::sqlite_url(&scratch_file(&name)),
                admin: None,
            }),
        }
    }

    /// A handle on the test's database with no models.
    pub async fn connect(&self) -> Db {
        aksara::connect(&self.url, Registry::empty())
            .await
            .expect("connect")
    }
}

fn chinook_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var("AKSARA_CHINOOK_DIR")
            .map(PathBuf::from)
            .unwrap_or_default(),
        manifest.join("../tests/data/chinook"),
    ]
    .into_iter()
    .find(|p| p.join("Chinook_Sqlite.sql").exists())
    .expect("the Chinook dataset (tests/data/chinook in the repository, or AKSARA_CHINOOK_DIR)")
}

/// The Chinook script for `backend`, without its database-level statements.
pub fn chinook_script(backend: Backend) -> String {
    let (file, start_after) = match backend {
        Backend::Postgres => ("Chinook_PostgreSql.sql", "\\c chinook;"),
        Backend::Mysql => ("Chinook_MySql.sql", "USE `Chinook`;"),
        Backend::Sqlite => ("Chinook_Sqlite.sql", ""),
    };
    let text = std::fs::read_to_string(chinook_dir().join(file)).expect("read the Chinook script");
    let text = match text.find(start_after) {
        Some(i) if !start_after.is_empty() => text[i + start_after.len()..].to_string(),
        _ => text,
    };
    if backend == Backend::Sqlite {
        format!("BEGIN;\n{text}\nCOMMIT;")
    } else {
        text
    }
}

/// Loads Chinook into the test's database.
pub async fn load_chinook(t: &TestDb) {
    let db = t.connect().await;
    db.batch_execute(&chinook_script(t.backend))
        .await
        .expect("load Chinook");
}

/// The explorer, driven by keys.
pub struct Driver {
    pub app: App,
}

/// How long one step may take.
pub const STEP: Duration = Duration::from_secs(60);

impl Driver {
    /// The explorer on `target`, connected.
    pub fn new(target: Target) -> Driver {
        Driver::with_settings(target, Settings { page_size: 50 })
    }

    /// The explorer on `target` with `settings`, connected.
    pub fn with_settings(target: Target, settings: Settings) -> Driver {
        let mut app = App::new(Worker::spawn(target), settings);
        assert!(app.settle(STEP), "connecting took too long");
        let mut driver = Driver { app };
        driver.screen(100, 30);
        driver
    }

    /// The demo on a fresh file.
    pub fn demo(name: &str) -> Driver {
        let url = aksara_tui::cli::sqlite_url(&scratch_file(name));
        let driver = Driver::new(Target::Demo { url });
        assert!(
            driver.app.catalog().is_some(),
            "demo: {:?}",
            driver.app.connect_error()
        );
        driver
    }

    /// Presses the keys of `script` (`<Enter>`, `<Esc>`, `<BS>`, `<C-c>`, `<C-d>`, `<C-u>`,
    /// `<Down>`, `<Up>`, `<Left>`, `<Right>`, `<Home>`, `<End>`, `<PgDn>`, `<PgUp>`, or a
    /// character), waiting after each for the app to settle.
    pub fn keys(&mut self, script: &str) {
        for key in parse_keys(script) {
            self.app.key(key);
            assert!(
                self.app.settle(STEP),
                "the app did not settle after {key:?}"
            );
        }
    }

    /// Presses the keys without waiting.
    pub fn keys_now(&mut self, script: &str) {
        for key in parse_keys(script) {
            self.app.key(key);
        }
    }

    /// The breadcrumb, joined as drawn.
    pub fn crumbs(&self) -> String {
        self.app.breadcrumb().join(" > ")
    }

    /// Draws the app on a `width` x `height` test terminal.
    pub fn terminal(&mut self, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
        terminal
            .draw(|frame| aksara_tui::render::draw(&mut self.app, frame))
            .expect("draw");
        terminal
    }

    /// The screen as text, one line per row.
    pub fn screen(&mut self, width: u16, height: u16) -> String {
        let terminal = self.terminal(width, height);
        buffer_text(terminal.backend().buffer())
    }
}

/// The text of a buffer, one line per row, trailing spaces trimmed.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn parse_keys(script: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) {
            let mut name = String::new();
            for n in chars.by_ref() {
                if n == '>' {
                    break;
                }
                name.push(n);
            }
            let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
            keys.push(match name.as_str() {
                "Enter" => plain(KeyCode::Enter),
                "Esc" => plain(KeyCode::Esc),
                "BS" => plain(KeyCode::Backspace),
                "Down" => plain(KeyCode::Down),
                "Up" => plain(KeyCode::Up),
                "Left" => plain(KeyCode::Left),
                "Right" => plain(KeyCode::Right),
                "Home" => plain(KeyCode::Home),
                "End" => plain(KeyCode::End),
                "PgDn" => plain(KeyCode::PageDown),
                "PgUp" => plain(KeyCode::PageUp),
                "Tab" => plain(KeyCode::Tab),
                other => match other.strip_prefix("C-") {
                    Some("Enter") => KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL),
                    Some(k) => KeyEvent::new(
                        KeyCode::Char(k.chars().next().expect("a key")),
                        KeyModifiers::CONTROL,
                    ),
                    None => panic!("unknown key <{other}>"),
                },
            });
        } else {
            keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }
    keys
}

/// Masks what differs between runs: UUIDs (and their cut-off beginnings) and date-times,
/// keeping every character's place so the layout stays as drawn.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let hex = |c: char| c.is_ascii_hexdigit() && !c.is_ascii_uppercase();
    let mut i = 0;
    while i < chars.len() {
        // A UUID or its beginning: 8 hex digits and a dash, then hex and dashes.
        let starts_word = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if starts_word
            && i + 9 <= chars.len()
            && chars[i..i + 8].iter().all(|&c| hex(c))
            && chars[i + 8] == '-'
        {
            let mut j = i;
            while j < chars.len() && (hex(chars[j]) || chars[j] == '-') && j - i < 36 {
                out[j] = if chars[j] == '-' { '-' } else { 'x' };
                j += 1;
            }
            i = j;
            continue;
        }
        // A date-time: dddd-dd-dd dd:dd:dd[.ddd…]
        let digits = |from: usize, n: usize| {
            from + n <= chars.len() && chars[from..from + n].iter().all(|c| c.is_ascii_digit())
        };
        if starts_word
            && digits(i, 4)
            && chars.get(i + 4) == Some(&'-')
            && digits(i + 5, 2)
            && chars.get(i + 7) == Some(&'-')
            && digits(i + 8, 2)
            && matches!(chars.get(i + 10), Some(' ') | Some('T'))
            && digits(i + 11, 2)
        {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || matches!(chars[j], '-' | ':' | '.' | ' ' | 'T'))
                && j - i < 26
            {
                if chars[j].is_ascii_digit() {
                    out[j] = '#';
                }
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out.into_iter().collect()
}
