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
use std::sync::Arc;

/// The backends the suite runs on: the facade's list ([`aksara::BackendKind::ALL`]), whose
/// `server_url` reads `AKSARA_PG_URL` / `AKSARA_MYSQL_URL`.
pub use aksara::BackendKind as Backend;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
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
    _keeper: Option<aksara::testing::TestDatabase>,
}

impl TestDb {
    /// Prepares an empty database for `test` on `backend`; `None` (with a loud message) when
    /// the server is unreachable outside CI.
    ///
    /// # Panics
    /// When the server is unreachable and `CI=true`.
    pub async fn new(backend: Backend, test: &str) -> Option<TestDb> {
        let base = match backend {
            Backend::Sqlite => "sqlite::memory:".to_string(),
            _ => backend.server_url().expect("a server URL"),
        };
        match aksara::testing::TestDatabase::empty(&base, test, Registry::empty()).await {
            Ok(made) => Some(TestDb {
                backend,
                url: made.url().to_string(),
                // A shared in-memory SQLite database lives while a connection to it is open.
                _keeper: (backend == Backend::Sqlite).then_some(made),
            }),
            Err(e @ (aksara::Error::Pool(_) | aksara::Error::Connection(_)))
                if backend != Backend::Sqlite =>
            {
                unreachable_server(backend, test, &base, &e)
            }
            Err(e) => panic!(
                "cannot make the database of {test} on {}: {e}",
                backend.name()
            ),
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
