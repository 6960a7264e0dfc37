//! The Chinook sample database (MIT licence, kept with its licence in `tests/data/chinook/`),
//! loaded into a test's database and read back through introspection.

use crate::harness::{Backend, TestDb};
use aksara::introspect::{introspect, Schema};
use aksara::{Db, Registry};
use std::path::PathBuf;

fn dataset_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var("AKSARA_CHINOOK_DIR")
            .map(PathBuf::from)
            .unwrap_or_default(),
        manifest.join("data/chinook"),
    ];
    candidates
        .into_iter()
        .find(|p| p.join("Chinook_Sqlite.sql").exists())
        .expect("the Chinook dataset (tests/data/chinook in the repository, or AKSARA_CHINOOK_DIR)")
}

/// The Chinook script for `backend`, without its database-level statements.
pub fn script(backend: Backend) -> String {
    let (file, start_after) = match backend {
        Backend::Postgres => ("Chinook_PostgreSql.sql", "\\c chinook;"),
        Backend::Mysql => ("Chinook_MySql.sql", "USE `Chinook`;"),
        Backend::Sqlite => ("Chinook_Sqlite.sql", ""),
    };
    let text = std::fs::read_to_string(dataset_dir().join(file)).expect("read the Chinook script");
    match text.find(start_after) {
        Some(i) if !start_after.is_empty() => text[i + start_after.len()..].to_string(),
        _ => text,
    }
}

/// Loads Chinook into the test's database and returns a handle whose registry is read from
/// the database's catalog, with that schema.
pub async fn load(t: &TestDb) -> (Db, Schema) {
    let raw = t.connect(Registry::empty()).await;
    raw.batch_execute(&script(t.backend()))
        .await
        .expect("load Chinook");
    let schema = introspect(&raw).await.expect("introspect Chinook");
    (raw.with_registry(schema.registry.clone()), schema)
}

/// The model whose name matches `name` ignoring case and underscores (`PlaylistTrack`,
/// `playlist_track`), since the PostgreSQL script uses snake_case names.
pub fn model_name(schema: &Schema, name: &str) -> String {
    let wanted = name.replace('_', "").to_lowercase();
    schema
        .tables
        .iter()
        .find(|t| t.model.replace('_', "").to_lowercase() == wanted)
        .map(|t| t.model.clone())
        .unwrap_or_else(|| panic!("no table like {name}"))
}
