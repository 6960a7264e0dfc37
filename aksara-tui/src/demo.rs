//! The embedded demo database: the seed's blog in SQLite, created on first use.
//!
//! It uses the demo's own aksara models rather than introspection, so the explorer shows their
//! relation names (`posts`, `children`, `profile`) and descriptions.

use crate::catalog::Catalog;
use aksara::{Db, QuerySet, Record};

/// Opens (creating and seeding when needed) the demo database at the `sqlite://` URL `url`.
///
/// # Errors
/// When the file cannot be created or written.
pub async fn open(url: &str) -> aksara::Result<(Db, Catalog)> {
    if let aksara::sqlite::Location::File(uri) = aksara::sqlite::Location::parse(url) {
        let path = uri.trim_start_matches("file:");
        let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                aksara::Error::config(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
    }
    let registry = aksara::demo::registry();
    let db = aksara::connect(url, registry.clone()).await?;
    let tables = aksara::ddl::existing_tables(&db).await?;
    let missing = registry
        .models()
        .iter()
        .any(|m| !tables.contains(&m.meta.table));
    if missing {
        aksara::ddl::create_all(&db).await?;
    }
    let users = QuerySet::<Record>::of("User").limit(1).all(&db).await?;
    if users.is_empty() {
        aksara::demo::seed(&db).await?;
    }
    let catalog = Catalog::from_registry(registry, db.dialect(), "demo blog (SQLite)".into());
    Ok((db, catalog))
}
