//! The standalone `aksara` binary on a SQLite file: exit statuses and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aksara-standalone-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    dir
}

fn url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("app.db").display())
}

/// The `aksara` binary, run in `dir` on its `app.db`.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aksara"));
    command
        .current_dir(dir)
        .env("DATABASE_URL", url(dir))
        .args(args);
    command
}

fn aksara(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run aksara")
}

/// Runs `f` on a handle to `dir`'s `app.db`, from a test (outside the binary).
fn with_db<T, F, Fut>(dir: &Path, f: F) -> T
where
    F: FnOnce(aksara::Db) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = aksara::connect(&url(dir), aksara::Registry::empty())
            .await
            .unwrap();
        f(db).await
    })
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes a first migration (the demo blog) into `dir/migrations`, as an application's own
/// binary would with `makemigrations`.
fn write_initial(dir: &Path) {
    let migrations = aksara::migrate::Migrations::from_dir(dir.join("migrations")).unwrap();
    let first = migrations
        .make(
            &aksara::demo::registry(),
            "initial",
            &aksara::migrate::Hints::new(),
        )
        .unwrap()
        .unwrap();
    first.write_to_dir(dir.join("migrations")).unwrap();
}

#[test]
fn migrate_check_and_drift_exit_statuses() {
    let dir = temp_dir("drift");
    write_initial(&dir);
    let out = aksara(&dir, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Applying 0001_initial ... OK ("),
        "{}",
        text(&out.stdout)
    );
    let out = aksara(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("No drift: the database matches the migrations."));
    // A column added behind the migrations' back is drift: exit status 1.
    with_db(&dir, |db| async move {
        db.batch_execute("ALTER TABLE users ADD COLUMN shoe_size INTEGER")
            .await
            .unwrap();
    });
    let out = aksara(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("column users.shoe_size is in the database but no field has it"),
        "{}",
        text(&out.stdout)
    );
    let out = aksara(&dir, &["showmigrations"]);
    assert!(
        text(&out.stdout).contains("[X] 0001_initial"),
        "{}",
        text(&out.stdout)
    );
    let out = aksara(
        &dir,
        &["sqlmigrate", "0001_initial", "--backend", "postgres"],
    );
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("CREATE TABLE \"users\""),
        "{}",
        text(&out.stdout)
    );
    let out = aksara(&dir, &["inspectdb"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("pub struct User {"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("pub shoe_size: Option<i64>,"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn failures_exit_with_a_message() {
    let dir = temp_dir("failures");
    let out = aksara(&dir, &["makemigrations"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: makemigrations needs your models"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("aksara_cli::main"));
    let out = Command::new(env!("CARGO_BIN_EXE_aksara"))
        .current_dir(&dir)
        .env_remove("DATABASE_URL")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error: no database: set DATABASE_URL or pass --database-url")
    );
    write_initial(&dir);
    let out = aksara(&dir, &["migrate", "0002_missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no migration named 0002_missing"),
        "{}",
        text(&out.stderr)
    );
    // A migration that fails: its table already exists.
    with_db(&dir, |db| async move {
        db.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
    });
    let out = aksara(&dir, &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("Applying 0001_initial ... FAILED"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("error: migration 0001_initial failed"),
        "{}",
        text(&out.stderr)
    );
    let out = aksara(&dir, &["showmigrations"]);
    assert!(
        text(&out.stdout).contains("[ ] 0001_initial"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Two `aksara migrate` processes at once on one database: one applies, the other waits for
/// the lock and then finds nothing to do; the history holds each migration once.
#[test]
fn two_migrate_processes_apply_once() {
    let dir = temp_dir("two-processes");
    write_initial(&dir);
    let spawn = || {
        command(&dir, &["migrate"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start aksara")
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for out in &outputs {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let applied = outputs
        .iter()
        .filter(|o| text(&o.stdout).contains("Applying 0001_initial ... OK"))
        .count();
    let idle = outputs
        .iter()
        .filter(|o| text(&o.stdout).contains("No migrations to apply or undo"))
        .count();
    assert_eq!(
        (applied, idle),
        (1, 1),
        "{:?}",
        outputs.iter().map(|o| text(&o.stdout)).collect::<Vec<_>>()
    );
    let history = with_db(&dir, |db| async move {
        aksara::migrate::history(&db).await.unwrap()
    });
    assert_eq!(history.len(), 1);
}
