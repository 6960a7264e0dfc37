//! One isolated database per test, on every backend.
//!
//! - PostgreSQL (`AKSARA_PG_URL`, default `postgres://postgres@127.0.0.1:5432/test`): a schema
//!   per test, dropped and created afresh, selected with `search_path`.
//! - MySQL / MariaDB (`AKSARA_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`): a
//!   database per test, dropped and created afresh (`utf8mb4` / `utf8mb4_bin`).
//! - SQLite (`AKSARA_SQLITE_URL` is not read: nothing to reach): a fresh named in-memory
//!   database per test (SQLite's `memdb` VFS, shared by the pool's connections), kept alive by
//!   the [`TestDb`] so that every handle of one test sees the same data.
//!
//! Outside CI an unreachable server skips its backend with a loud message; with `CI=true` it
//! fails the test.

use aksara::{Db, Registry};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The backends the suite runs on: the facade's list ([`aksara::BackendKind::ALL`]), whose
/// `server_url` reads `AKSARA_PG_URL` / `AKSARA_MYSQL_URL`.
pub use aksara::BackendKind as Backend;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The prefix of every test's schema or database name: `t_`, or `t_{AKSARA_TEST_PREFIX}_` so
/// that two checkouts can run the same tests against one server at once.
fn name_prefix() -> String {
    match std::env::var("AKSARA_TEST_PREFIX") {
        Ok(p) if !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()) => {
            format!("t_{}_", p.to_ascii_lowercase())
        }
        _ => "t_".to_string(),
    }
}

/// A short, safe schema or database name for a test.
fn schema_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let prefix = name_prefix();
    if clean.len() <= 50 {
        format!("{prefix}{clean}")
    } else {
        let hash = clean
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        format!("{prefix}{}_{hash:08x}", &clean[..40])
    }
}

/// `url` with its path (the database name) replaced by `database`, query kept.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("mysql", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or(before_query);
    match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

/// Reports an unreachable server: a loud skip (`None`) outside CI, a panic with `CI=true`.
fn unreachable_server(
    backend: Backend,
    test: &str,
    url: &str,
    e: &aksara::Error,
) -> Option<TestDb> {
    if in_ci() {
        panic!(
            "{} is unreachable at {url} and CI=true: {e}",
            backend.name()
        );
    }
    // Straight to the process's stderr: `eprintln!` would be captured, and hidden, by the
    // test runner for a test that passes.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPING {test} on {}: server unreachable at {url}: {e}\n",
        backend.name()
    );
    None
}

/// A test's own database (a PostgreSQL schema, a MySQL database, an in-memory SQLite
/// database), created fresh.
pub struct TestDb {
    backend: Backend,
    url: String,
    /// Keeps a shared in-memory SQLite database alive between the handles of one test.
    _keeper: Option<Db>,
}

impl TestDb {
    /// Prepares an empty database for `test` on `backend`; `None` (with a loud message) when
    /// the server is unreachable outside CI.
    ///
    /// # Panics
    /// When the server is unreachable and `CI=true`.
    pub async fn new(backend: Backend, test: &str) -> Option<TestDb> {
        let name = schema_name(test);
        match backend {
            Backend::Postgres => {
                let base = backend.server_url().expect("a server URL");
                let admin = match aksara::postgres::connect(&base, Registry::empty()).await {
                    Ok(db) => db,
                    Err(e) => return unreachable_server(backend, test, &base, &e),
                };
                admin
                    .raw_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), [])
                    .await
                    .expect("drop schema");
                admin
                    .raw_execute(&format!("CREATE SCHEMA \"{name}\""), [])
                    .await
                    .expect("create schema");
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-csearch_path%3D{name}");
                Some(TestDb {
                    backend,
                    url,
                    _keeper: None,
                })
            }
            Backend::Mysql => {
                let base = backend.server_url().expect("a server URL");
                let admin = match aksara::mysql::connect(&base, Registry::empty()).await {
                    Ok(db) => db,
                    Err(e) => return unreachable_server(backend, test, &base, &e),
                };
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
                Some(TestDb {
                    backend,
                    url: with_database(&base, &name),
                    _keeper: None,
                })
            }
            Backend::Sqlite => {
                // Unique within the process even if a test runs twice.
                static NEXT: AtomicU64 = AtomicU64::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                let url = format!("sqlite:///{name}_{n}?vfs=memdb");
                let keeper = aksara::sqlite::connect(&url, Registry::empty())
                    .await
                    .expect("open an in-memory SQLite database");
                Some(TestDb {
                    backend,
                    url,
                    _keeper: Some(keeper),
                })
            }
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL of the test's database (for `aksara::connect`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A handle with `registry`, its tables created.
    pub async fn db(&self, registry: Arc<Registry>) -> Db {
        let db = self.connect(registry).await;
        aksara::ddl::create_all(&db).await.expect("create tables");
        db
    }

    /// A handle with `registry`, no tables created.
    pub async fn connect(&self, registry: Arc<Registry>) -> Db {
        let db = match self.backend {
            Backend::Postgres => aksara::postgres::connect(&self.url, registry).await,
            Backend::Mysql => aksara::mysql::connect(&self.url, registry).await,
            Backend::Sqlite => aksara::sqlite::connect(&self.url, registry).await,
        };
        db.expect("connect")
    }
}

/// Runs each named `async fn(TestDb)` as a test on every backend: `mod postgres`,
/// `mod mysql` and `mod sqlite`, each with one `#[tokio::test]` per name.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $crate::backend_tests!(@backend postgres, Postgres; $($name),*);
        $crate::backend_tests!(@backend mysql, Mysql; $($name),*);
        $crate::backend_tests!(@backend sqlite, Sqlite; $($name),*);
    };
    (@backend $module:ident, $variant:ident; $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(t) = $crate::TestDb::new(
                        $crate::Backend::$variant,
                        concat!(module_path!(), "::", stringify!($name)),
                    )
                    .await
                    {
                        super::$name(t).await;
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_keep_credentials_and_options() {
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test", "t_x"),
            "mysql://root@127.0.0.1:3306/t_x"
        );
        assert_eq!(
            with_database("mysql://u:p@h/test?prefer_socket=false", "t_x"),
            "mysql://u:p@h/t_x?prefer_socket=false"
        );
        assert_eq!(with_database("mariadb://h", "t_x"), "mariadb://h/t_x");
    }

    #[test]
    fn names_are_short_and_safe() {
        assert_eq!(
            schema_name("smoke::mysql::a"),
            format!("{}smoke__mysql__a", name_prefix())
        );
        assert!(schema_name(&"x".repeat(100)).len() <= 60);
    }
}
