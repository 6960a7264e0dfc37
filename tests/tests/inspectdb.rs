//! `inspectdb` on Chinook: the generated models are checked in (tests/src/chinook_models)
//! and must be what inspectdb writes today; the read tests use those compiled models.
//!
//! After a deliberate change to inspectdb, regenerate with
//! `AKSARA_BLESS=1 cargo test -p aksara-tests --test inspectdb`.

use aksara::migrate::inspectdb::models_source;
use aksara_tests::chinook::load;
use aksara_tests::{backend_tests, Backend, TestDb};
use std::path::PathBuf;

fn models_file(backend: Backend) -> PathBuf {
    let name = match backend {
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
        Backend::Sqlite => "sqlite",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("src/chinook_models/{name}.rs"))
}

async fn generated_models_are_checked_in(t: TestDb) {
    let (db, schema) = load(&t).await;
    let source = models_source(&schema, db.dialect().name());
    let path = models_file(t.backend());
    if std::env::var("AKSARA_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &source).expect("write the models");
    }
    let checked_in = std::fs::read_to_string(&path).expect("read the checked-in models");
    assert!(
        checked_in == source,
        "{} is not what inspectdb writes now; regenerate with AKSARA_BLESS=1 \
         (and review the diff). inspectdb wrote:\n{source}",
        path.display()
    );
}

backend_tests!(generated_models_are_checked_in);
