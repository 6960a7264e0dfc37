//! The `aksara` command line through its library (`aksara_cli::Cli::run`), on every backend:
//! two releases of a small blog, makemigrations, migrate with progress, showmigrations,
//! sqlmigrate, check, back-migration, and a changed checksum.

use aksara_cli::{Cli, Outcome};
use aksara_tests::{backend_tests, TestDb};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod release1 {
    use aksara::{ForeignKey, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: i64,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<User>,
    }

    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder().model::<Post>().build().unwrap()
    }
}

mod release2 {
    use aksara::{ForeignKey, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: i64,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<User>,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Comment {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "comments")]
        pub post: ForeignKey<Post>,
        #[aksara(text)]
        pub body: String,
    }

    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Post>()
            .model::<Comment>()
            .build()
            .unwrap()
    }
}

fn temp_dir(t: &TestDb) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "aksara-cli-{}-{}-{}",
        t.backend().feature(),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `aksara ARGS` with `models`; the outcome (or the error's message) and the output.
async fn aksara(
    t: &TestDb,
    dir: &Path,
    models: Option<Arc<aksara::Registry>>,
    args: &[&str],
) -> (Result<Outcome, String>, String) {
    let mut argv: Vec<String> = vec!["aksara".into(), "--database-url".into(), t.url().into()];
    argv.extend(["--migrations".into(), dir.display().to_string()]);
    argv.extend(args.iter().map(|s| s.to_string()));
    let mut out = Vec::new();
    let outcome = Cli::parse_from(argv)
        .run(models, &mut out)
        .await
        .map_err(|e| e.to_string());
    (outcome, String::from_utf8(out).unwrap())
}

async fn two_releases_through_the_command_line(t: TestDb) {
    let dir = temp_dir(&t);
    let r1 = Some(release1::registry());
    let r2 = Some(release2::registry());
    let backend = match t.backend() {
        aksara::BackendKind::Postgres => "postgres",
        aksara::BackendKind::Mysql => "mysql",
        aksara::BackendKind::Sqlite => "sqlite",
    };

    // Release 1.
    let (o, out) = aksara(&t, &dir, r1.clone(), &["makemigrations", "initial"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(
        out.contains("0001_initial.json") && out.contains("create table users"),
        "{out}"
    );
    let (o, out) = aksara(&t, &dir, r1.clone(), &["makemigrations"]).await;
    assert_eq!(o, Ok(Outcome::Success));
    assert!(out.contains("No changes"), "{out}");
    let (o, out) = aksara(&t, &dir, None, &["showmigrations"]).await;
    assert_eq!(o, Ok(Outcome::Success));
    assert!(
        out.contains("[ ] 0001_initial") && out.contains("0 applied, 1 pending."),
        "{out}"
    );
    let (o, out) = aksara(&t, &dir, None, &["migrate"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(
        out.contains("Applying 0001_initial ... OK (") && out.contains("Applied 1 migration(s) in"),
        "{out}"
    );
    assert_eq!(
        aksara(&t, &dir, r1.clone(), &["check"]).await.0,
        Ok(Outcome::Success)
    );
    assert_eq!(
        aksara(&t, &dir, None, &["check"]).await.0,
        Ok(Outcome::Success)
    );

    // Release 2: the models changed, the database not yet.
    let (o, out) = aksara(&t, &dir, r2.clone(), &["makemigrations", "--check"]).await;
    assert_eq!(o, Ok(Outcome::Found), "{out}");
    let (o, out) = aksara(&t, &dir, r2.clone(), &["check"]).await;
    assert_eq!(o, Ok(Outcome::Found), "{out}");
    assert!(
        out.contains("column users.nickname is missing")
            && out.contains("table comments is missing"),
        "{out}"
    );
    let (o, out) = aksara(
        &t,
        &dir,
        r2.clone(),
        &["makemigrations", "nickname_and_comments"],
    )
    .await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(
        out.contains("0002_nickname_and_comments.json")
            && out.contains("add column users.nickname"),
        "{out}"
    );
    let (o, sql) = aksara(
        &t,
        &dir,
        None,
        &["sqlmigrate", "0002", "--backend", backend],
    )
    .await;
    assert_eq!(o, Ok(Outcome::Success), "{sql}");
    assert!(
        sql.contains("ALTER TABLE") && sql.contains("nickname") && sql.contains("CREATE TABLE"),
        "{sql}"
    );
    let (_, back) = aksara(
        &t,
        &dir,
        None,
        &[
            "sqlmigrate",
            "0002_nickname_and_comments",
            "--backwards",
            "--backend",
            backend,
        ],
    )
    .await;
    assert!(back.contains("DROP TABLE"), "{back}");
    // Without models, check compares with what the migrations make: 0002 is not applied.
    assert_eq!(
        aksara(&t, &dir, None, &["check"]).await.0,
        Ok(Outcome::Found)
    );
    let (o, out) = aksara(&t, &dir, None, &["migrate"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(
        out.contains("Applying 0002_nickname_and_comments ... OK"),
        "{out}"
    );
    assert!(!out.contains("Applying 0001"), "{out}");
    assert_eq!(
        aksara(&t, &dir, r2.clone(), &["check"]).await.0,
        Ok(Outcome::Success)
    );
    let (_, out) = aksara(&t, &dir, None, &["migrate"]).await;
    assert!(out.contains("No migrations to apply or undo."), "{out}");

    // The new column and table are usable through the release-2 models.
    let db = aksara::connect(t.url(), release2::registry())
        .await
        .unwrap();
    let jane = release2::User::build()
        .name("Jane")
        .nickname(Some("jj".to_string()))
        .create(&db)
        .await
        .unwrap();
    let post = release2::Post::build()
        .title("Hello")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    release2::Comment::build()
        .post(&post)
        .body("First")
        .create(&db)
        .await
        .unwrap();
    assert_eq!(post.comments().all(&db).await.unwrap().len(), 1);
    drop(db);

    // Back to release 1, then forward again.
    let (o, out) = aksara(&t, &dir, None, &["migrate", "0001_initial"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(
        out.contains("Undoing 0002_nickname_and_comments ... OK")
            && out.contains("Undid 1 migration(s)"),
        "{out}"
    );
    assert_eq!(
        aksara(&t, &dir, r1.clone(), &["check"]).await.0,
        Ok(Outcome::Success)
    );
    let (_, out) = aksara(&t, &dir, None, &["showmigrations"]).await;
    assert!(
        out.contains("[X] 0001_initial") && out.contains("[ ] 0002_nickname_and_comments"),
        "{out}"
    );

    // An applied migration whose file changed is flagged, and migrate refuses to run.
    let raw = aksara::connect(t.url(), aksara::Registry::empty())
        .await
        .unwrap();
    raw.raw_execute(
        "UPDATE aksara_migrations SET checksum = 'abc' WHERE name = '0001_initial'",
        [],
    )
    .await
    .unwrap();
    let (_, out) = aksara(&t, &dir, None, &["showmigrations"]).await;
    assert!(
        out.contains("[X] 0001_initial  CHANGED since applied (recorded checksum abc"),
        "{out}"
    );
    assert!(out.contains("1 changed since applied"), "{out}");
    let (o, _) = aksara(&t, &dir, None, &["migrate"]).await;
    let message = o.unwrap_err();
    assert!(
        message.contains("0001_initial") && message.contains("must not change"),
        "{message}"
    );
    raw.raw_execute(
        "DELETE FROM aksara_migrations WHERE name = '0001_initial'",
        [],
    )
    .await
    .unwrap();
    raw.batch_execute("DROP TABLE posts").await.unwrap();
    raw.batch_execute("DROP TABLE users").await.unwrap();
    // Everything from nothing, then back to nothing.
    let (o, out) = aksara(&t, &dir, None, &["migrate"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(out.contains("Applied 2 migration(s)"), "{out}");
    let (o, out) = aksara(&t, &dir, None, &["migrate", "zero"]).await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(out.contains("Undoing 0001_initial ... OK"), "{out}");
    let (o, out) = aksara(&t, &dir, None, &["migrate", "0009_nothing"]).await;
    assert!(
        o.unwrap_err().contains("no migration named 0009_nothing"),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

async fn inspectdb_writes_a_file(t: TestDb) {
    let dir = temp_dir(&t);
    let db = t.db(release2::registry()).await;
    drop(db);
    let file = dir.join("models.rs");
    let (o, out) = aksara(
        &t,
        &dir,
        None,
        &["inspectdb", "--output", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(o, Ok(Outcome::Success), "{out}");
    assert!(out.contains("Wrote 3 model(s)"), "{out}");
    let source = std::fs::read_to_string(&file).unwrap();
    assert!(source.contains("pub struct Comment {"), "{source}");
    assert!(
        source.contains("pub post: aksara::ForeignKey<Post>,"),
        "{source}"
    );
    assert!(source.contains("pub nickname: Option<String>,"), "{source}");
    std::fs::remove_dir_all(&dir).ok();
}

backend_tests!(
    two_releases_through_the_command_line,
    inspectdb_writes_a_file
);
