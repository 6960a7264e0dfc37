//! The `aksara` command line: `makemigrations`, `migrate`, `showmigrations`, `sqlmigrate`,
//! `check` and `inspectdb`.
//!
//! A command-line program cannot see an application's models, so there are two ways in:
//!
//! - **The application's own binary** (every subcommand): a small `src/bin/migrate.rs`
//!   that hands its registry to [`main`]:
//!
//!   ```no_run
//!   // src/bin/migrate.rs
//!   fn main() -> std::process::ExitCode {
//!       let registry = aksara::demo::registry(); // your Registry::builder().model::<..>().build()
//!       aksara_cli::main(registry)
//!   }
//!   ```
//!
//!   then `cargo run --bin migrate -- makemigrations add_nickname`, `cargo run --bin
//!   migrate -- migrate`, and so on.
//! - **The standalone `aksara` binary** (`cargo install aksara-cli`), which has no models:
//!   `migrate`, `showmigrations`, `sqlmigrate`, `inspectdb`, and `check` against the schema
//!   the migration files make. `makemigrations` there says how to get it.
//!
//! Every subcommand reads the database URL from `--database-url` or `DATABASE_URL`
//! (`postgres://`, `mysql://` / `mariadb://`, `sqlite://file.db`) and the migrations from
//! `--migrations` (`./migrations` by default). Failures print `error: ...` on stderr and exit
//! with status 1; `check` exits with 1 when it finds drift, and `makemigrations --check`
//! when the models have changes no migration has.

#![warn(missing_docs)]

use aksara::migrate::{self, Hints, Migrations, ZERO};
use aksara::{BackendKind, Db, Dialect, Registry};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "aksara",
    version,
    about = "Aksara migrations and database tools"
)]
pub struct Cli {
    /// The database URL.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// The folder of migration files.
    #[arg(long, default_value = "migrations", global = true)]
    pub migrations: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the next migration: the models against what the migrations so far make.
    Makemigrations {
        /// The migration's label (`0002_{label}.json`).
        #[arg(default_value = "auto")]
        label: String,
        /// A renamed table, `OLD:NEW` (repeatable); without it a rename is a drop and a create.
        #[arg(long = "rename-table", value_name = "OLD:NEW")]
        rename_table: Vec<String>,
        /// A renamed column, `TABLE.OLD:NEW` (repeatable).
        #[arg(long = "rename-column", value_name = "TABLE.OLD:NEW")]
        rename_column: Vec<String>,
        /// Print the operations without writing the file.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing; exit with 1 when the models have changes no migration has (for CI).
        #[arg(long)]
        check: bool,
    },
    /// Apply the pending migrations, or migrate back to TARGET (`zero` undoes all).
    Migrate {
        /// The migration to end at.
        target: Option<String>,
    },
    /// List the migrations: applied, pending, and applied ones whose file changed since.
    Showmigrations,
    /// Print a migration's SQL.
    Sqlmigrate {
        /// The migration (`0002_add_nickname`, or a unique prefix such as `0002`).
        name: String,
        /// The backend to write SQL for (default: the one of the database URL).
        #[arg(long, value_parser = ["postgres", "mysql", "sqlite"])]
        backend: Option<String>,
        /// The SQL that undoes it instead.
        #[arg(long)]
        backwards: bool,
    },
    /// Compare the live database with the models (or, without models, with the schema the
    /// migrations make); exit with 1 on drift.
    Check,
    /// Write `#[derive(Model)]` structs for the tables of the database.
    Inspectdb {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// What a command ended with, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (exit status 0).
    Success,
    /// Done, and it found something to report: drift, or changes without a migration (exit
    /// status 1).
    Found,
}

/// A command's failure: the message `error: ` is printed with.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

macro_rules! impl_from {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError(e.to_string())
            }
        }
    )*};
}
impl_from!(migrate::MigrateError, aksara::Error, std::io::Error);

type CliResult<T> = Result<T, CliError>;

fn dialect_of(kind: BackendKind) -> &'static dyn Dialect {
    match kind {
        BackendKind::Postgres => &aksara::postgres::PgDialect,
        BackendKind::Mysql => &aksara::mysql::MysqlDialect,
        BackendKind::Sqlite => &aksara::sqlite::SqliteDialect,
    }
}

fn split_pair<'a>(s: &'a str, what: &str) -> CliResult<(&'a str, &'a str)> {
    s.split_once(':')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| {
            CliError(format!(
                "{what} must look like {}, not `{s}`",
                if what == "--rename-table" {
                    "OLD:NEW"
                } else {
                    "TABLE.OLD:NEW"
                }
            ))
        })
}

fn ms(started: Instant) -> String {
    let d = started.elapsed();
    if d.as_secs() >= 10 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

impl Cli {
    fn url(&self) -> CliResult<&str> {
        self.database_url
            .as_deref()
            .ok_or_else(|| CliError("no database: set DATABASE_URL or pass --database-url".into()))
    }

    async fn connect(&self, registry: Option<&Arc<Registry>>) -> CliResult<Db> {
        let registry = registry.cloned().unwrap_or_else(Registry::empty);
        Ok(aksara::connect(self.url()?, registry).await?)
    }

    fn read_migrations(&self) -> CliResult<Migrations> {
        Ok(Migrations::from_dir(&self.migrations)?)
    }

    /// Runs the command; `models` is the application's registry when it has one
    /// ([`main`]), `None` for the standalone binary. Normal output goes to `out`.
    ///
    /// # Errors
    /// A [`CliError`] with the message to print.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), aksara_cli::CliError> {
    /// use clap::Parser;
    /// let dir = std::env::temp_dir().join(format!("aksara-cli-doc-{}", std::process::id()));
    /// let db = dir.join("app.db");
    /// let args = |rest: &[&str]| {
    ///     let mut a = vec!["aksara".to_string(), "--database-url".into(), format!("sqlite://{}", db.display())];
    ///     a.extend(["--migrations".into(), dir.join("migrations").display().to_string()]);
    ///     a.extend(rest.iter().map(|s| s.to_string()));
    ///     aksara_cli::Cli::parse_from(a)
    /// };
    /// let models = Some(aksara::demo::registry());
    /// let mut out = Vec::new();
    /// args(&["makemigrations", "initial"]).run(models.clone(), &mut out).await?;
    /// args(&["migrate"]).run(models.clone(), &mut out).await?;
    /// let outcome = args(&["check"]).run(models, &mut out).await?;
    /// assert_eq!(outcome, aksara_cli::Outcome::Success);
    /// let out = String::from_utf8(out).unwrap();
    /// assert!(out.contains("Applying 0001_initial ... OK"), "{out}");
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(()) }
    /// ```
    pub async fn run(
        &self,
        models: Option<Arc<Registry>>,
        out: &mut dyn Write,
    ) -> CliResult<Outcome> {
        match &self.command {
            Command::Makemigrations {
                label,
                rename_table,
                rename_column,
                dry_run,
                check,
            } => {
                let Some(registry) = &models else {
                    return Err(CliError(
                        "makemigrations needs your models, which the standalone `aksara` binary \
                         cannot see: add a binary to your crate, src/bin/migrate.rs, with \
                         `fn main() -> std::process::ExitCode { aksara_cli::main(your_registry()) }` \
                         and run `cargo run --bin migrate -- makemigrations`"
                            .into(),
                    ));
                };
                let mut hints = Hints::new();
                for r in rename_table {
                    let (from, to) = split_pair(r, "--rename-table")?;
                    hints = hints.rename_table(from, to);
                }
                for r in rename_column {
                    let (left, to) = split_pair(r, "--rename-column")?;
                    let (table, from) = left.split_once('.').ok_or_else(|| {
                        CliError(format!(
                            "--rename-column must look like TABLE.OLD:NEW, not `{r}`"
                        ))
                    })?;
                    hints = hints.rename_column(table, from, to);
                }
                let migrations = self.read_migrations()?;
                let Some(next) = migrations.make(registry, label, &hints)? else {
                    writeln!(out, "No changes: the migrations match the models.")?;
                    return Ok(Outcome::Success);
                };
                if *check {
                    writeln!(out, "The models have changes no migration has ({} operation(s)); run makemigrations.", next.operations.len())?;
                    return Ok(Outcome::Found);
                }
                if *dry_run {
                    writeln!(out, "Would write {}.json:", next.name)?;
                } else {
                    let path = next.write_to_dir(&self.migrations)?;
                    writeln!(out, "Wrote {}:", path.display())?;
                }
                for op in &next.operations {
                    writeln!(out, "  - {op}")?;
                }
                Ok(Outcome::Success)
            }
            Command::Migrate { target } => {
                let migrations = self.read_migrations()?;
                let db = self.connect(models.as_ref()).await?;
                migrate_command(&db, &migrations, target.as_deref(), out).await
            }
            Command::Showmigrations => {
                let migrations = self.read_migrations()?;
                let db = self.connect(models.as_ref()).await?;
                let applied = migrate::history(&db).await?;
                let mut changed = 0;
                for m in migrations.list() {
                    match applied.iter().find(|h| h.name == m.name) {
                        Some(h) if h.checksum != m.content_checksum() => {
                            changed += 1;
                            writeln!(
                                out,
                                "[X] {}  CHANGED since applied (recorded checksum {}, file {})",
                                m.name,
                                short(&h.checksum),
                                short(&m.content_checksum())
                            )?;
                        }
                        Some(_) => writeln!(out, "[X] {}", m.name)?,
                        None => writeln!(out, "[ ] {}", m.name)?,
                    }
                }
                for h in applied.iter().filter(|h| migrations.get(&h.name).is_none()) {
                    writeln!(out, "[X] {}  applied, but there is no such file", h.name)?;
                }
                let pending = migrations
                    .list()
                    .iter()
                    .filter(|m| !applied.iter().any(|h| h.name == m.name))
                    .count();
                writeln!(
                    out,
                    "{} applied, {pending} pending{}.",
                    applied.len(),
                    if changed > 0 {
                        format!(", {changed} changed since applied")
                    } else {
                        String::new()
                    }
                )?;
                Ok(Outcome::Success)
            }
            Command::Sqlmigrate {
                name,
                backend,
                backwards,
            } => {
                let migrations = self.read_migrations()?;
                let kind = match backend.as_deref() {
                    Some("postgres") => BackendKind::Postgres,
                    Some("mysql") => BackendKind::Mysql,
                    Some(_) => BackendKind::Sqlite,
                    None => BackendKind::of(self.url().map_err(|_| {
                        CliError(
                            "sqlmigrate: pass --backend postgres|mysql|sqlite, or a database URL"
                                .into(),
                        )
                    })?)?,
                };
                sql_of(&migrations, name, dialect_of(kind), *backwards, out)?;
                Ok(Outcome::Success)
            }
            Command::Check => {
                let db = self.connect(models.as_ref()).await?;
                let report = match &models {
                    Some(_) => migrate::check(&db).await?,
                    None => {
                        let state = self.read_migrations()?.state()?;
                        migrate::check_against(&db, &state).await?
                    }
                };
                let against = if models.is_some() {
                    "models"
                } else {
                    "migrations"
                };
                if report.is_empty() {
                    writeln!(out, "No drift: the database matches the {against}.")?;
                    Ok(Outcome::Success)
                } else {
                    write!(
                        out,
                        "{}",
                        report
                            .to_string()
                            .replace("the models", &format!("the {against}"))
                    )?;
                    Ok(Outcome::Found)
                }
            }
            Command::Inspectdb { output } => {
                let db = self.connect(None).await?;
                let schema = aksara::introspect::introspect(&db).await?;
                let source = migrate::inspectdb::models_source(&schema, db.dialect().name());
                match output {
                    Some(path) => {
                        std::fs::write(path, &source)
                            .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
                        writeln!(
                            out,
                            "Wrote {} model(s) to {}.",
                            source.matches("pub struct ").count(),
                            path.display()
                        )?;
                    }
                    None => out.write_all(source.as_bytes())?,
                }
                Ok(Outcome::Success)
            }
        }
    }
}

fn short(checksum: &str) -> &str {
    &checksum[..checksum.len().min(12)]
}

/// The migration named `name`, or the only one whose name starts with it.
fn find<'m>(migrations: &'m Migrations, name: &str) -> CliResult<(usize, &'m migrate::Migration)> {
    if let Some(i) = migrations.position(name) {
        return Ok((i, &migrations.list()[i]));
    }
    let matches: Vec<usize> = (0..migrations.list().len())
        .filter(|&i| migrations.list()[i].name.starts_with(name))
        .collect();
    match matches.as_slice() {
        [i] => Ok((*i, &migrations.list()[*i])),
        [] => Err(CliError(format!("there is no migration named {name}"))),
        _ => Err(CliError(format!(
            "{name} names several migrations; give the whole name"
        ))),
    }
}

fn sql_of(
    migrations: &Migrations,
    name: &str,
    d: &dyn Dialect,
    backwards: bool,
    out: &mut dyn Write,
) -> CliResult<()> {
    let (i, m) = find(migrations, name)?;
    let ops: Vec<migrate::Operation> = if backwards {
        m.operations
            .iter()
            .enumerate()
            .rev()
            .map(|(index, op)| {
                op.reverse().ok_or_else(|| {
                    CliError(format!(
                        "{}: operation #{index} ({op}) is irreversible",
                        m.name
                    ))
                })
            })
            .collect::<CliResult<_>>()?
    } else {
        m.operations.clone()
    };
    let mut state = migrations.state_after(if backwards { i + 1 } else { i })?;
    writeln!(
        out,
        "-- {} ({}{})",
        m.name,
        d.name(),
        if backwards { ", backwards" } else { "" }
    )?;
    for op in &ops {
        let compiled = migrate::compile(d, op, &state)?;
        op.apply(&mut state)?;
        writeln!(out, "-- {op}")?;
        for sql in &compiled.statements {
            writeln!(out, "{};", sql.render(d))?;
        }
    }
    Ok(())
}

async fn migrate_command(
    db: &Db,
    migrations: &Migrations,
    target: Option<&str>,
    out: &mut dyn Write,
) -> CliResult<Outcome> {
    let list = migrations.list();
    let keep = match target {
        None => list.len(),
        Some(t) if t == ZERO => 0,
        Some(t) => find(migrations, t)?.0 + 1,
    };
    let applied: Vec<String> = migrate::history(db)
        .await?
        .into_iter()
        .map(|h| h.name)
        .collect();
    let is_applied = |i: usize| applied.iter().any(|n| *n == list[i].name);
    let up: Vec<usize> = (0..keep).filter(|&i| !is_applied(i)).collect();
    let down: Vec<usize> = (keep..list.len())
        .rev()
        .filter(|&i| is_applied(i))
        .collect();
    // One migration at a time (each run takes the lock and checks the history again) when
    // the applied ones are a prefix; otherwise one run does it all.
    let prefix = (0..list.len())
        .filter(|&i| is_applied(i))
        .all(|i| up.iter().all(|&u| u > i));
    if up.is_empty() && down.is_empty() {
        writeln!(out, "No migrations to apply or undo.")?;
        return Ok(Outcome::Success);
    }
    for &i in &down {
        if !list[i].is_reversible() {
            return Err(CliError(format!(
                "cannot migrate back past {}: it has an irreversible operation; nothing was undone",
                list[i].name
            )));
        }
    }
    let started = Instant::now();
    let mut done = 0;
    if !prefix {
        writeln!(
            out,
            "Applying {} and undoing {} migration(s) in one run ...",
            up.len(),
            down.len()
        )?;
        let report =
            migrate::run_to(db, migrations, target.unwrap_or(&list[list.len() - 1].name)).await?;
        for n in &report.applied {
            writeln!(out, "  applied {n}")?;
        }
        for n in &report.reverted {
            writeln!(out, "  undone {n}")?;
        }
        done = report.applied.len() + report.reverted.len();
    } else {
        for &i in &up {
            write!(out, "Applying {} ...", list[i].name)?;
            out.flush()?;
            let t = Instant::now();
            match migrate::run_to(db, migrations, &list[i].name).await {
                // Another runner may have applied it while this one waited for the lock.
                Ok(report) if !report.applied.contains(&list[i].name) => {
                    writeln!(out, " already applied by another run ({})", ms(t))?;
                    continue;
                }
                Ok(_) => writeln!(out, " OK ({})", ms(t))?,
                Err(e) => {
                    writeln!(out, " FAILED ({})", ms(t))?;
                    return Err(e.into());
                }
            }
            done += 1;
        }
        for &i in &down {
            write!(out, "Undoing {} ...", list[i].name)?;
            out.flush()?;
            let t = Instant::now();
            let to = if i == 0 {
                ZERO
            } else {
                list[i - 1].name.as_str()
            };
            match migrate::run_to(db, migrations, to).await {
                Ok(report) if !report.reverted.contains(&list[i].name) => {
                    writeln!(out, " already undone by another run ({})", ms(t))?;
                    continue;
                }
                Ok(_) => writeln!(out, " OK ({})", ms(t))?,
                Err(e) => {
                    writeln!(out, " FAILED ({})", ms(t))?;
                    return Err(e.into());
                }
            }
            done += 1;
        }
    }
    if done == 0 {
        writeln!(
            out,
            "No migrations to apply or undo: another run did them meanwhile."
        )?;
        return Ok(Outcome::Success);
    }
    writeln!(
        out,
        "{} {done} migration(s) in {}.",
        if down.is_empty() {
            "Applied"
        } else if up.is_empty() {
            "Undid"
        } else {
            "Applied and undid"
        },
        ms(started)
    )?;
    Ok(Outcome::Success)
}

/// Parses the process's arguments and runs them with `models`, printing errors on stderr:
/// what an application's `src/bin/migrate.rs` calls, giving every subcommand.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     aksara_cli::main(aksara::demo::registry())
/// }
/// ```
pub fn main(models: Arc<Registry>) -> ExitCode {
    run_main(Some(models))
}

/// What the standalone `aksara` binary runs: [`main`] without models.
pub fn main_without_models() -> ExitCode {
    run_main(None)
}

fn run_main(models: Option<Arc<Registry>>) -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match runtime.block_on(cli.run(models, &mut stdout)) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
