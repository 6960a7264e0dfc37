//! Applying migrations: [`run`] and [`run_to`].
//!
//! A run holds a lock that lets one runner at a time work on a database for the whole run,
//! and reads the history under it, so a second runner started at the same time waits, then
//! finds the migrations applied:
//!
//! - PostgreSQL: `pg_advisory_lock` (a key per schema) on the run's connection; each
//!   migration runs in its own transaction, so a failure rolls the migration and its history
//!   row back together.
//! - SQLite: the run is one `BEGIN IMMEDIATE` transaction (which holds the database's write
//!   lock) and each migration a savepoint in it: a failing migration is rolled back, those
//!   before it are committed. A run that rebuilds a table runs with `PRAGMA foreign_keys =
//!   OFF` (set before its transaction), and `PRAGMA foreign_key_check` must find nothing
//!   before each migration is released.
//! - MySQL / MariaDB: **not transactional.** DDL commits implicitly there, so a migration
//!   runs statement by statement under `GET_LOCK` (a lock per database); a failure leaves
//!   the statements before it applied, and the migration is not recorded
//!   ([`MigrateError::Failed`] says so with `partially_applied`). Keep migrations small
//!   there, one change each.
//!
//! If the future of a run is dropped midway, PostgreSQL's and MariaDB's locks stay with the
//! connection until it is closed or runs again.
//!
//! In every case a migration is recorded in the history table only when all of its
//! statements succeeded.

use crate::compile::{compile, Compiled};
use crate::ddl::{is_mysql, is_sqlite};
use crate::error::{MigrateError, Result};
use crate::history::{self, AppliedMigration};
use crate::migration::{Migration, Migrations};
use crate::operation::Operation;
use aksara_core::{Db, Dialect, Sql, Value};
use std::sync::{Arc, Mutex};

/// The `run_to` target that undoes every migration.
pub const ZERO: &str = "zero";

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The migrations applied, in order.
    pub applied: Vec<String>,
    /// The migrations undone, in order.
    pub reverted: Vec<String>,
}

/// One migration's compiled statements, by operation.
type Plan = Vec<(Operation, Compiled)>;

fn plan_forward(d: &dyn Dialect, migrations: &Migrations, i: usize) -> Result<Plan> {
    let m = &migrations.list()[i];
    let mut state = migrations.state_after(i)?;
    let mut plan = Vec::new();
    for op in &m.operations {
        let compiled = compile(d, op, &state)
            .map_err(|e| MigrateError::Invalid(format!("migration {}: {e}", m.name)))?;
        op.apply(&mut state)?;
        plan.push((op.clone(), compiled));
    }
    Ok(plan)
}

fn plan_backward(d: &dyn Dialect, migrations: &Migrations, i: usize) -> Result<Plan> {
    let m = &migrations.list()[i];
    let mut state = migrations.state_after(i + 1)?;
    let mut plan = Vec::new();
    for (index, op) in m.operations.iter().enumerate().rev() {
        let reverse = op.reverse().ok_or_else(|| MigrateError::Irreversible {
            name: m.name.clone(),
            index,
            operation: op.to_string(),
        })?;
        let compiled = compile(d, &reverse, &state)
            .map_err(|e| MigrateError::Invalid(format!("undoing migration {}: {e}", m.name)))?;
        reverse.apply(&mut state)?;
        plan.push((reverse, compiled));
    }
    Ok(plan)
}

fn check_checksums(history: &[AppliedMigration], migrations: &Migrations) -> Result<()> {
    for h in history {
        if let Some(m) = migrations.get(&h.name) {
            let current = m.content_checksum();
            if current != h.checksum {
                return Err(MigrateError::ChecksumMismatch {
                    name: h.name.clone(),
                    recorded: h.checksum.clone(),
                    current,
                });
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Direction {
    /// Apply the pending migrations among the first `n`.
    Up(usize),
    /// Undo the applied migrations after the first `n`.
    Down(usize),
}

enum Step {
    Done,
    Applied(String),
    Reverted(String),
    /// The next migration rebuilds a SQLite table: run again with foreign keys off.
    NeedsForeignKeysOff,
}

/// Runs `plan`'s statements; `name` and the operation index name a failure.
async fn execute(db: &Db, name: &str, plan: &Plan) -> Result<()> {
    let mut ran = 0;
    for (index, (op, compiled)) in plan.iter().enumerate() {
        for sql in &compiled.statements {
            if let Err(source) = db.execute(sql.clone()).await {
                return Err(MigrateError::Failed {
                    name: name.to_string(),
                    index,
                    operation: op.to_string(),
                    partially_applied: is_mysql(db.dialect()) && ran > 0,
                    source: Box::new(source),
                });
            }
            ran += 1;
        }
    }
    Ok(())
}

/// One step under the lock: read the history, apply or undo one migration, record it.
async fn step(
    db: &Db,
    migrations: &Migrations,
    direction: Direction,
    fk_off: bool,
) -> Result<Step> {
    history::ensure(db).await?;
    let history = history::read(db).await?;
    check_checksums(&history, migrations)?;
    let applied = |m: &Migration| history.iter().any(|h| h.name == m.name);
    let d = db.dialect();
    match direction {
        Direction::Up(n) => {
            let Some(i) = (0..n).find(|&i| !applied(&migrations.list()[i])) else {
                return Ok(Step::Done);
            };
            let m = &migrations.list()[i];
            let plan = plan_forward(d, migrations, i)?;
            if is_sqlite(d) && !fk_off && plan.iter().any(|(_, c)| c.rebuilds) {
                return Ok(Step::NeedsForeignKeysOff);
            }
            execute(db, &m.name, &plan).await?;
            if fk_off {
                foreign_key_check(db, &m.name).await?;
            }
            history::record(db, &m.name, &m.content_checksum()).await?;
            Ok(Step::Applied(m.name.clone()))
        }
        Direction::Down(n) => {
            let len = migrations.list().len();
            let Some(i) = (n..len).rev().find(|&i| applied(&migrations.list()[i])) else {
                return Ok(Step::Done);
            };
            let m = &migrations.list()[i];
            let plan = plan_backward(d, migrations, i)?;
            if is_sqlite(d) && !fk_off && plan.iter().any(|(_, c)| c.rebuilds) {
                return Ok(Step::NeedsForeignKeysOff);
            }
            execute(db, &m.name, &plan).await?;
            if fk_off {
                foreign_key_check(db, &m.name).await?;
            }
            history::forget(db, &m.name).await?;
            Ok(Step::Reverted(m.name.clone()))
        }
    }
}

async fn foreign_key_check(db: &Db, name: &str) -> Result<()> {
    let mut sql = Sql::new();
    sql.push("PRAGMA foreign_key_check");
    let rows = db.fetch(sql).await?;
    if let Some(row) = rows.first() {
        let table = row.first().map(|v| v.to_string()).unwrap_or_default();
        return Err(MigrateError::Invalid(format!(
            "migration {name} leaves {} row(s) whose foreign key has no parent (first in table {table}); it was rolled back",
            rows.len()
        )));
    }
    Ok(())
}

/// Runs `f` in a transaction, carrying a [`MigrateError`] out (the transaction rolls back
/// when `f` fails).
async fn in_transaction<F, Fut>(db: &Db, f: F) -> Result<Step>
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = Result<Step>>,
{
    let failure: Arc<Mutex<Option<MigrateError>>> = Arc::default();
    let slot = failure.clone();
    let outcome = db
        .transaction(|tx| async move {
            match f(tx).await {
                Ok(step) => Ok(step),
                Err(e) => {
                    *slot.lock().expect("error slot") = Some(e);
                    Err(aksara_core::Error::config("migration failed; rolled back"))
                }
            }
        })
        .await;
    match outcome {
        Ok(step) => Ok(step),
        Err(e) => Err(failure
            .lock()
            .expect("error slot")
            .take()
            .unwrap_or_else(|| e.into())),
    }
}

const PG_LOCK_KEY: &str = "hashtextextended('aksara_migrate:' || current_schema(), 0)";
const MYSQL_LOCK_NAME: &str = "CONCAT('aksara_migrate_', MD5(DATABASE()))";

/// What one locked run did.
#[derive(Default)]
struct Run {
    report: Report,
    error: Option<MigrateError>,
    needs_fk_off: bool,
}

/// Steps until done or failed; each step in a transaction of its own (a savepoint inside
/// SQLite's run transaction) when `transactional`.
async fn steps(
    c: &Db,
    migrations: &Migrations,
    direction: Direction,
    fk_off: bool,
    transactional: bool,
) -> Run {
    let mut run = Run::default();
    loop {
        let outcome = if transactional {
            in_transaction(c, |tx| async move {
                step(&tx, migrations, direction, fk_off).await
            })
            .await
        } else {
            step(c, migrations, direction, fk_off).await
        };
        match outcome {
            Ok(Step::Done) => break,
            Ok(Step::Applied(name)) => run.report.applied.push(name),
            Ok(Step::Reverted(name)) => run.report.reverted.push(name),
            Ok(Step::NeedsForeignKeysOff) => {
                run.needs_fk_off = true;
                break;
            }
            Err(e) => {
                run.error = Some(e);
                break;
            }
        }
    }
    run
}

/// Every step of a run under the backend's lock, held for the whole run.
async fn locked_run(
    db: &Db,
    migrations: &Migrations,
    direction: Direction,
    fk_off: bool,
) -> Result<Run> {
    let d = db.dialect();
    let outcome = if is_mysql(d) {
        db.on_one_connection(|c| async move {
            let rows = c
                .raw(&format!("SELECT GET_LOCK({MYSQL_LOCK_NAME}, 600)"), [])
                .await?;
            let got = rows.first().and_then(|r| r.first()).cloned();
            if !matches!(got, Some(Value::I64(1) | Value::I32(1))) {
                return Err(aksara_core::Error::config(format!(
                    "could not take the migration lock within 600 s (GET_LOCK returned {got:?})"
                )));
            }
            let run = steps(&c, migrations, direction, fk_off, false).await;
            c.raw(&format!("SELECT RELEASE_LOCK({MYSQL_LOCK_NAME})"), [])
                .await?;
            Ok(run)
        })
        .await
    } else if is_sqlite(d) {
        db.on_one_connection(|c| async move {
            if fk_off {
                c.batch_execute("PRAGMA foreign_keys = OFF").await?;
            }
            // The run's `BEGIN IMMEDIATE` transaction holds the write lock; each migration is
            // a savepoint in it, and what was applied before a failure is committed.
            let run = c
                .transaction(|tx| async move {
                    Ok(steps(&tx, migrations, direction, fk_off, true).await)
                })
                .await;
            if fk_off {
                c.batch_execute("PRAGMA foreign_keys = ON").await?;
            }
            run
        })
        .await
    } else {
        db.on_one_connection(|c| async move {
            c.raw_execute(&format!("SELECT pg_advisory_lock({PG_LOCK_KEY})"), [])
                .await?;
            let run = steps(&c, migrations, direction, fk_off, true).await;
            c.raw_execute(&format!("SELECT pg_advisory_unlock({PG_LOCK_KEY})"), [])
                .await?;
            Ok(run)
        })
        .await
    };
    Ok(outcome?)
}

/// True when one of the migrations a run would apply or undo now rebuilds a SQLite table.
async fn rebuilds_ahead(db: &Db, migrations: &Migrations, direction: Direction) -> Result<bool> {
    if !is_sqlite(db.dialect()) {
        return Ok(false);
    }
    let applied = history::history(db).await?;
    let is_applied = |i: usize| applied.iter().any(|h| h.name == migrations.list()[i].name);
    let d = db.dialect();
    let rebuilds = |plan: Plan| plan.iter().any(|(_, c)| c.rebuilds);
    Ok(match direction {
        Direction::Up(n) => {
            let mut any = false;
            for i in (0..n).filter(|&i| !is_applied(i)) {
                any |= rebuilds(plan_forward(d, migrations, i)?);
            }
            any
        }
        Direction::Down(n) => {
            let mut any = false;
            for i in (n..migrations.list().len()).filter(|&i| is_applied(i)) {
                any |= rebuilds(plan_backward(d, migrations, i)?);
            }
            any
        }
    })
}

async fn drive(db: &Db, migrations: &Migrations, direction: Direction) -> Result<Report> {
    let mut report = Report::default();
    let mut fk_off = rebuilds_ahead(db, migrations, direction).await?;
    loop {
        let run = locked_run(db, migrations, direction, fk_off).await?;
        report.applied.extend(run.report.applied);
        report.reverted.extend(run.report.reverted);
        if let Some(e) = run.error {
            return Err(e);
        }
        if run.needs_fk_off && !fk_off {
            fk_off = true;
            continue;
        }
        return Ok(report);
    }
}

/// Applies every migration not applied yet, in order, and returns their names.
///
/// # Errors
/// [`MigrateError::ChecksumMismatch`] when an applied migration has changed,
/// [`MigrateError::Failed`] when a migration fails (it is not recorded; those before it
/// are), [`MigrateError::Invalid`] for migrations that do not fit together.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), aksara_migrate::MigrateError> {
/// use aksara_migrate::{Hints, Migrations};
///
/// let db = aksara::connect("sqlite::memory:", aksara::demo::registry()).await?;
/// let mut migrations = Migrations::new();
/// migrations.push(migrations.make(db.registry(), "initial", &Hints::new())?.unwrap())?;
/// let report = aksara_migrate::run(&db, &migrations).await?;
/// assert_eq!(report.applied, ["0001_initial"]);
/// assert!(aksara_migrate::run(&db, &migrations).await?.applied.is_empty());
/// assert!(aksara_migrate::check(&db).await?.is_empty());
/// # Ok(()) }
/// ```
pub async fn run(db: &Db, migrations: &Migrations) -> Result<Report> {
    drive(db, migrations, Direction::Up(migrations.list().len())).await
}

/// Migrates to `target`: applies the migrations up to it, or undoes those after it, newest
/// first ([`ZERO`] undoes all). Before undoing anything, every migration to undo is checked
/// to be reversible.
///
/// # Errors
/// [`MigrateError::Irreversible`] naming the migration and operation that cannot be undone
/// (nothing is undone then), [`MigrateError::Invalid`] for an unknown target, and the
/// errors of [`run`].
///
/// ```no_run
/// # async fn demo(db: aksara::Db, migrations: aksara_migrate::Migrations) -> Result<(), aksara_migrate::MigrateError> {
/// aksara_migrate::run_to(&db, &migrations, "0002_add_nickname").await?;
/// # Ok(()) }
/// ```
pub async fn run_to(db: &Db, migrations: &Migrations, target: &str) -> Result<Report> {
    let keep = if target == ZERO {
        0
    } else {
        migrations.position(target).ok_or_else(|| {
            MigrateError::Invalid(format!("run_to: there is no migration named {target}"))
        })? + 1
    };
    let mut report = drive(db, migrations, Direction::Up(keep)).await?;
    let applied = history::history(db).await?;
    for i in keep..migrations.list().len() {
        let m = &migrations.list()[i];
        if applied.iter().any(|h| h.name == m.name) {
            plan_backward(db.dialect(), migrations, i)?;
        }
    }
    let down = drive(db, migrations, Direction::Down(keep)).await?;
    report.reverted = down.reverted;
    Ok(report)
}
