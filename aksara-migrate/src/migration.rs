//! Migrations and their files: a name, dependencies, operations and a checksum, written as
//! pretty-printed JSON (`migrations/0002_add_nickname.json`), read back from a folder or from
//! text embedded at compile time ([`crate::embed_migrations!`]).

use crate::autodetect::{autodetect, Hints};
use crate::error::{MigrateError, Result};
use crate::operation::Operation;
use crate::state::SchemaState;
use aksara_core::Registry;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// One migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// Its name: the file name without `.json` (`0002_add_nickname`).
    pub name: String,
    /// The migrations that must be applied before it.
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// The SHA-256 of its canonical content (name, dependencies and operations as compact
    /// JSON), in hex.
    pub checksum: String,
    /// Its operations, in order.
    pub operations: Vec<Operation>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    name: &'a str,
    dependencies: &'a [String],
    operations: &'a [Operation],
}

impl Migration {
    /// A migration named `name` after `dependencies`, its checksum computed.
    ///
    /// ```
    /// use aksara_migrate::{Migration, Operation, SqlPerBackend};
    ///
    /// let m = Migration::new("0003_backfill", ["0002_add_nickname"], vec![Operation::RunSql {
    ///     sql: SqlPerBackend::all(["UPDATE people SET nickname = name"]),
    ///     reverse: Some(SqlPerBackend::default()),
    /// }]);
    /// assert_eq!(m.checksum, m.content_checksum());
    /// ```
    pub fn new(
        name: impl Into<String>,
        dependencies: impl IntoIterator<Item = impl Into<String>>,
        operations: Vec<Operation>,
    ) -> Self {
        let mut m = Migration {
            name: name.into(),
            dependencies: dependencies.into_iter().map(Into::into).collect(),
            checksum: String::new(),
            operations,
        };
        m.checksum = m.content_checksum();
        m
    }

    /// The checksum of the migration's content as it is now.
    pub fn content_checksum(&self) -> String {
        let canonical = Canonical {
            name: &self.name,
            dependencies: &self.dependencies,
            operations: &self.operations,
        };
        let text = serde_json::to_string(&canonical).expect("operations serialise");
        let digest = Sha256::digest(text.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The migration as its file holds it (pretty-printed JSON).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("operations serialise");
        text.push('\n');
        text
    }

    /// Reads a migration from its file's text; `file_name` (without `.json`) must be its name,
    /// and the checksum must match the content.
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] for bad JSON or a name that differs from the file's,
    /// [`MigrateError::FileChecksum`] for a file edited by hand.
    pub fn from_json(file_name: &str, text: &str) -> Result<Migration> {
        let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
        let m: Migration = serde_json::from_str(text)
            .map_err(|e| MigrateError::Invalid(format!("migration file {file_name}: {e}")))?;
        if m.name != stem {
            return Err(MigrateError::Invalid(format!(
                "migration file {file_name} holds a migration named {}",
                m.name
            )));
        }
        let computed = m.content_checksum();
        if computed != m.checksum {
            return Err(MigrateError::FileChecksum {
                name: m.name,
                stored: m.checksum,
                computed,
            });
        }
        Ok(m)
    }

    /// Writes the migration to `dir/{name}.json` (creating `dir`), its checksum recomputed,
    /// and returns the path.
    ///
    /// # Errors
    /// [`MigrateError::Io`] when the file cannot be written.
    pub fn write_to_dir(&self, dir: impl AsRef<Path>) -> Result<PathBuf> {
        let dir = dir.as_ref();
        let io = |e| MigrateError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut m = self.clone();
        m.checksum = m.content_checksum();
        let path = dir.join(format!("{}.json", m.name));
        std::fs::write(&path, m.to_json()).map_err(|e| MigrateError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Ok(path)
    }

    /// True when every operation can be undone.
    pub fn is_reversible(&self) -> bool {
        self.operations.iter().all(|op| op.reverse().is_some())
    }
}

/// An ordered set of migrations: each after the ones it depends on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Migrations {
    list: Vec<Migration>,
}

impl Migrations {
    /// No migrations.
    pub fn new() -> Self {
        Migrations::default()
    }

    /// The migrations in `list`, in that order.
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] for two migrations of one name, or a dependency that is not
    /// an earlier migration of the list.
    pub fn from_list(list: Vec<Migration>) -> Result<Migrations> {
        let mut set = Migrations::new();
        for m in list {
            set.push(m)?;
        }
        Ok(set)
    }

    /// Reads every `*.json` file of `dir`, in file name order (a missing folder is an empty
    /// set).
    ///
    /// # Errors
    /// [`MigrateError::Io`], and the errors of [`Migration::from_json`] and
    /// [`Migrations::from_list`].
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrations> {
        let dir = dir.as_ref();
        let io = |e| MigrateError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        if !dir.exists() {
            return Ok(Migrations::new());
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut sources = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| MigrateError::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            sources.push((name, text));
        }
        Migrations::from_sources(sources)
    }

    /// Migrations from (file name, file text) pairs, sorted by file name: what
    /// [`crate::embed_migrations!`] builds from files included at compile time.
    ///
    /// # Errors
    /// As [`Migrations::from_dir`].
    pub fn from_sources<N: AsRef<str>, T: AsRef<str>>(
        sources: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Migrations> {
        let mut parsed = sources
            .into_iter()
            .map(|(n, t)| Migration::from_json(n.as_ref(), t.as_ref()))
            .collect::<Result<Vec<_>>>()?;
        parsed.sort_by(|a, b| a.name.cmp(&b.name));
        Migrations::from_list(parsed)
    }

    /// Adds `migration` at the end.
    ///
    /// # Errors
    /// As [`Migrations::from_list`].
    pub fn push(&mut self, migration: Migration) -> Result<()> {
        if self.get(&migration.name).is_some() {
            return Err(MigrateError::Invalid(format!(
                "two migrations are named {}",
                migration.name
            )));
        }
        if let Some(d) = migration
            .dependencies
            .iter()
            .find(|d| self.get(d).is_none())
        {
            return Err(MigrateError::Invalid(format!(
                "migration {} depends on {d}, which is not an earlier migration",
                migration.name
            )));
        }
        self.list.push(migration);
        Ok(())
    }

    /// The migrations, in order.
    pub fn list(&self) -> &[Migration] {
        &self.list
    }

    /// The migration called `name`.
    pub fn get(&self, name: &str) -> Option<&Migration> {
        self.list.iter().find(|m| m.name == name)
    }

    /// The position of the migration called `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|m| m.name == name)
    }

    /// The schema after the first `n` migrations.
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] when an operation does not fit the schema before it.
    pub fn state_after(&self, n: usize) -> Result<SchemaState> {
        let mut state = SchemaState::new();
        for m in &self.list[..n.min(self.list.len())] {
            for op in &m.operations {
                op.apply(&mut state)
                    .map_err(|e| MigrateError::Invalid(format!("migration {}: {e}", m.name)))?;
            }
        }
        Ok(state)
    }

    /// The schema all the migrations make.
    ///
    /// # Errors
    /// As [`Migrations::state_after`].
    pub fn state(&self) -> Result<SchemaState> {
        self.state_after(self.list.len())
    }

    /// The next migration: the operations that turn [`Migrations::state`] into the schema of
    /// `registry`, named `{number}_{label}` after the last migration; `None` when nothing
    /// changed. It is not added to the set (see [`Migrations::push`] and
    /// [`Migration::write_to_dir`]).
    ///
    /// # Errors
    /// The errors of [`crate::autodetect`] and [`Migrations::state`].
    ///
    /// ```
    /// use aksara_migrate::{Hints, Migrations};
    ///
    /// let migrations = Migrations::new();
    /// let first = migrations.make(&aksara::demo::registry(), "initial", &Hints::new())?.unwrap();
    /// assert_eq!(first.name, "0001_initial");
    /// assert!(first.dependencies.is_empty());
    /// # Ok::<(), aksara_migrate::MigrateError>(())
    /// ```
    pub fn make(
        &self,
        registry: &Registry,
        label: &str,
        hints: &Hints,
    ) -> Result<Option<Migration>> {
        let target = SchemaState::from_registry(registry);
        let operations = autodetect(&self.state()?, &target, hints)?;
        if operations.is_empty() {
            return Ok(None);
        }
        let number = self.list.len() + 1;
        let dependencies: Vec<String> = self
            .list
            .last()
            .map(|m| m.name.clone())
            .into_iter()
            .collect();
        Ok(Some(Migration::new(
            format!("{number:04}_{label}"),
            dependencies,
            operations,
        )))
    }
}

/// Embeds migration files at compile time: `embed_migrations!("migrations", ["0001_initial",
/// "0002_add_nickname"])` includes `migrations/0001_initial.json` (relative to the crate's
/// `Cargo.toml`) and the others with `include_str!`, and evaluates to
/// `Result<Migrations, MigrateError>`.
///
/// Adding a file means adding its name to the list (a macro cannot list a folder).
///
/// ```
/// // This crate's test fixture: the first migration of `aksara::demo`'s models.
/// let migrations = aksara::migrate::embed_migrations!("tests/fixtures", ["0001_initial"])?;
/// assert_eq!(migrations.list()[0].name, "0001_initial");
/// # Ok::<(), aksara::migrate::MigrateError>(())
/// ```
#[macro_export]
macro_rules! embed_migrations {
    ($dir:literal, [$($name:literal),* $(,)?]) => {
        $crate::Migrations::from_sources([
            $((
                concat!($name, ".json"),
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $name, ".json")),
            )),*
        ])
    };
}
