//! Test support (feature `testing`): a fresh database per test, on any backend.
//!
//! [`TestDatabase::new`] makes an empty database for one test on the server a URL names: a
//! PostgreSQL schema (selected with `search_path`), a MySQL / MariaDB database, or a named
//! in-memory SQLite database shared by the pool's connections. A leftover of an earlier run of
//! the same test is dropped first, so a crashed run never gets in the way;
//! [`TestDatabase::drop_database`] removes it afterwards. For a test that must leave an
//! existing database as it was, [`Db::rolled_back`](crate::Db::rolled_back) runs it in a
//! transaction that is always rolled back.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> aksara::Result<()> {
//! use aksara::demo::{registry, Tag};
//! use aksara::testing::TestDatabase;
//! use aksara::Model;
//!
//! // On the server DATABASE_URL names, or an in-memory SQLite database when it is unset.
//! let t = TestDatabase::from_env("tags_are_unique", registry()).await?;
//! Tag::objects().create(t.db(), Tag::build().name("Rust").slug("rust")).await?;
//! assert_eq!(Tag::objects().count(t.db()).await?, 1);
//! t.drop_database().await?;
//! # Ok(()) }
//! ```

use crate::{connect, BackendKind, Db, Registry, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One test's own database, its tables created (see the [module documentation](self)).
pub struct TestDatabase {
    db: Db,
    url: String,
    kind: BackendKind,
    base: String,
    name: String,
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDatabase")
            .field("backend", &self.kind)
            .field("name", &self.name)
            .finish()
    }
}

impl TestDatabase {
    /// An empty database for the test `test` on the server `base_url` names, with the
    /// tables of `registry` created.
    ///
    /// # Errors
    /// [`Error::Pool`](crate::Error::Pool) when the server cannot be reached; the database's error when the
    /// schema or database cannot be made.
    pub async fn new(base_url: &str, test: &str, registry: Arc<Registry>) -> Result<Self> {
        let t = Self::empty(base_url, test, registry).await?;
        crate::ddl::create_all(&t.db).await?;
        Ok(t)
    }

    /// [`TestDatabase::new`] on the server the environment variable `DATABASE_URL` names,
    /// or on an in-memory SQLite database when it is unset.
    ///
    /// # Errors
    /// As [`TestDatabase::new`].
    pub async fn from_env(test: &str, registry: Arc<Registry>) -> Result<Self> {
        let url = std::env::var(crate::DATABASE_URL).unwrap_or_else(|_| "sqlite::memory:".into());
        Self::new(&url, test, registry).await
    }

    /// [`TestDatabase::new`] without creating any table.
    ///
    /// # Errors
    /// As [`TestDatabase::new`].
    pub async fn empty(base_url: &str, test: &str, registry: Arc<Registry>) -> Result<Self> {
        let kind = BackendKind::of(base_url)?;
        let name = database_name(test);
        let url = match kind {
            BackendKind::Postgres => {
                let admin = connect(base_url, Registry::empty()).await?;
                admin
                    .raw_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), [])
                    .await?;
                admin
                    .raw_execute(&format!("CREATE SCHEMA \"{name}\""), [])
                    .await?;
                let separator = if base_url.contains('?') { '&' } else { '?' };
                format!("{base_url}{separator}options=-csearch_path%3D{name}")
            }
            BackendKind::Mysql => {
                let admin = connect(base_url, Registry::empty()).await?;
                admin
                    .raw_execute(&format!("DROP DATABASE IF EXISTS `{name}`"), [])
                    .await?;
                admin
                    .raw_execute(
                        &format!(
                            "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
                        ),
                        [],
                    )
                    .await?;
                with_database(base_url, &name)
            }
            BackendKind::Sqlite => {
                // Unique within the process even if a test runs twice; the handle below keeps
                // the in-memory database alive as long as the TestDatabase.
                static NEXT: AtomicU64 = AtomicU64::new(0);
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                format!("sqlite:///{name}_{n}?vfs=memdb")
            }
        };
        let db = connect(&url, registry).await?;
        Ok(TestDatabase {
            db,
            url,
            kind,
            base: base_url.to_string(),
            name,
        })
    }

    /// The handle on the test's database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The URL of the test's database (for another pool, or a process of the test's own).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The backend.
    pub fn backend(&self) -> BackendKind {
        self.kind
    }

    /// The schema's or database's name (`t_` and the test's name, made safe).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the test's schema or database (an in-memory SQLite database goes with its last
    /// connection).
    ///
    /// # Errors
    /// The database's error when the drop fails.
    pub async fn drop_database(self) -> Result<()> {
        let TestDatabase { db, base, name, .. } = self;
        drop(db);
        match BackendKind::of(&base)? {
            BackendKind::Postgres => {
                connect(&base, Registry::empty())
                    .await?
                    .raw_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), [])
                    .await?;
            }
            BackendKind::Mysql => {
                connect(&base, Registry::empty())
                    .await?
                    .raw_execute(&format!("DROP DATABASE IF EXISTS `{name}`"), [])
                    .await?;
            }
            BackendKind::Sqlite => {}
        }
        Ok(())
    }
}

/// The prefix of every test database's name: `t_`, or `t_{AKSARA_TEST_PREFIX}_` so that two
/// checkouts can run the same tests against one server at once.
fn name_prefix() -> String {
    match std::env::var("AKSARA_TEST_PREFIX") {
        Ok(p) if !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()) => {
            format!("t_{}_", p.to_ascii_lowercase())
        }
        _ => "t_".to_string(),
    }
}

/// A short, safe schema or database name for `test`: ASCII letters, digits and `_`, at most
/// 61 bytes (a long name keeps its start and a hash of the whole).
pub fn database_name(test: &str) -> String {
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

/// `url` with its path (the database name) replaced by `database`, user info and query
/// kept. A URL that does not parse is returned as given (connecting to it reports why).
fn with_database(url: &str, database: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    parsed.set_path(&format!("/{database}"));
    parsed.to_string()
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
        // A password holding `/` or `@` (percent-encoded) stays whole.
        assert_eq!(
            with_database("mysql://u:a%2Fb%40c@h/test", "t_x"),
            "mysql://u:a%2Fb%40c@h/t_x"
        );
    }

    #[test]
    fn names_are_safe_and_short() {
        assert_eq!(
            database_name("smoke::mysql::a"),
            format!("{}smoke__mysql__a", name_prefix())
        );
        assert!(database_name("a::b c").ends_with("a__b_c"));
        let long = database_name(&"x".repeat(200));
        assert!(long.len() <= 61, "{long}");
        assert_ne!(long, database_name(&"x".repeat(201)));
        assert_eq!(
            with_database("mysql://root@h:3306/test?ssl=0", "t_a"),
            "mysql://root@h:3306/t_a?ssl=0"
        );
    }
}
