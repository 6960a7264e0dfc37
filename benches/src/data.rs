//! The datasets: where they live, and how they are made.
//!
//! Each dataset gets its own PostgreSQL schema (selected with
//! `?options=-csearch_path%3D<schema>`), MariaDB database, or SQLite file in a temporary
//! directory, named after the process (`aksara_bench_read_<pid>`), created at the start of a
//! run and dropped at its end. Tables come from aksara's
//! `ddl::create_all`, so keys, foreign keys (`ON DELETE CASCADE`) and foreign key indexes are
//! exactly what aksara makes; the rows are bulk-loaded with multi-row `INSERT`s of 1,000 rows
//! sent as scripts (`Db::batch_execute`) in one transaction, then `ANALYZE`d.
//!
//! - `read`: users, their posts, the posts' comments, tags and links. Only read by workloads.
//! - `write`: one user, one post and many tags; M2M, insert and cascade workloads write here
//!   and clean up after themselves.

use crate::config::Sizes;
use crate::models;
use aksara::{Db, Registry};
use std::fmt::Write as _;
use std::path::PathBuf;

/// A database the benchmarks run on: the facade's list of backends, whose `server_url`
/// reads `AKSARA_PG_URL` / `AKSARA_MYSQL_URL` (none for SQLite, whose files live in a
/// temporary directory).
pub use aksara::BackendKind as Backend;

/// The backend's name in benchmark ids and result files (`postgres`, `mysql`, `sqlite`: its
/// Cargo feature).
pub fn id_name(backend: Backend) -> &'static str {
    backend.feature()
}

/// One dataset's location.
#[derive(Debug, Clone)]
pub struct Location {
    /// The URL aksara connects with.
    pub url: String,
    /// The URL or file name the hand-written side connects with.
    pub diesel_url: String,
}

/// The directory of this run's SQLite files.
pub fn sqlite_dir() -> PathBuf {
    std::env::temp_dir().join(format!("aksara-benches-{}", std::process::id()))
}

/// `url` with its path (the database name) replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("mysql", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or(before_query);
    match query {
        Some(q) => format!("{scheme}://{authority}/{database}?{q}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

/// What the server says its version is (for the report).
pub async fn server_version(backend: Backend) -> Result<String, String> {
    let text = match backend {
        Backend::Postgres => "SELECT version()",
        Backend::Mysql => "SELECT CONCAT('MariaDB/MySQL ', VERSION())",
        Backend::Sqlite => "SELECT 'SQLite ' || sqlite_version()",
    };
    let db = admin(backend).await?;
    let rows = db.raw(text, []).await.map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .map(|v| match v {
            aksara::Value::String(s) => s,
            other => other.to_string(),
        })
        .unwrap_or_default())
}

/// A handle with no models on the server (or an in-memory SQLite database); an error names
/// why the server cannot be reached.
pub async fn admin(backend: Backend) -> Result<Db, String> {
    let url = backend
        .server_url()
        .unwrap_or_else(|| "sqlite::memory:".into());
    aksara::connect(&url, Registry::empty())
        .await
        .map_err(|e| format!("{url}: {e}"))
}

/// The schema (PostgreSQL) or database (MariaDB) name of the dataset `name` in this process:
/// unique per process, so that runs at the same time (a measurement and CI's test-mode run)
/// never drop each other's data.
pub fn dataset_name(name: &str) -> String {
    format!("aksara_bench_{name}_{}", std::process::id())
}

/// Drops the datasets of this process (the SQLite directory included).
pub async fn drop_datasets(backend: Backend, names: &[&str]) {
    if backend == Backend::Sqlite {
        let _ = std::fs::remove_dir_all(sqlite_dir());
        return;
    }
    let Ok(admin) = admin(backend).await else {
        return;
    };
    for name in names {
        let name = dataset_name(name);
        let sql = match backend {
            Backend::Postgres => format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"),
            _ => format!("DROP DATABASE IF EXISTS `{name}`"),
        };
        if let Err(e) = admin.raw_execute(&sql, []).await {
            eprintln!("could not drop the dataset {name}: {e}");
        }
    }
}

/// Drops and creates the dataset called `name` (empty), and returns where it is.
pub async fn fresh(backend: Backend, name: &str) -> Result<Location, String> {
    fresh_named(backend, &dataset_name(name), &sqlite_dir()).await
}

/// Drops and creates the schema (PostgreSQL), database (MariaDB) or file in `dir` (SQLite)
/// called `name`, empty, and returns where it is.
pub async fn fresh_named(
    backend: Backend,
    name: &str,
    dir: &std::path::Path,
) -> Result<Location, String> {
    let fail = |e: aksara::Error| e.to_string();
    match backend {
        Backend::Postgres => {
            let base = backend.server_url().expect("a server");
            let admin = admin(backend).await?;
            admin
                .raw_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"), [])
                .await
                .map_err(fail)?;
            admin
                .raw_execute(&format!("CREATE SCHEMA \"{name}\""), [])
                .await
                .map_err(fail)?;
            let separator = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{separator}options=-csearch_path%3D{name}");
            Ok(Location {
                url: url.clone(),
                diesel_url: url,
            })
        }
        Backend::Mysql => {
            let base = backend.server_url().expect("a server");
            let admin = admin(backend).await?;
            admin
                .raw_execute(&format!("DROP DATABASE IF EXISTS `{name}`"), [])
                .await
                .map_err(fail)?;
            admin
                .raw_execute(
                    &format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                    [],
                )
                .await
                .map_err(fail)?;
            let url = with_database(&base, name);
            Ok(Location {
                url: url.clone(),
                diesel_url: url,
            })
        }
        Backend::Sqlite => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = dir.join(format!("{name}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            let path = path.display().to_string();
            Ok(Location {
                url: format!("sqlite://{path}"),
                diesel_url: path,
            })
        }
    }
}

/// Opens an aksara handle on a dataset.
pub async fn connect(location: &Location) -> Db {
    aksara::connect(&location.url, models::registry())
        .await
        .unwrap_or_else(|e| panic!("connect to {}: {e}", location.url))
}

/// SQL literals as each backend stores aksara's values.
struct Literals(Backend);

impl Literals {
    /// A UTC time `seconds` after 2024-01-01, in the column type aksara uses.
    fn time(&self, seconds: usize) -> String {
        let t = chrono::DateTime::from_timestamp(1_704_067_200 + seconds as i64, 0)
            .expect("a valid time")
            .format("%Y-%m-%d %H:%M:%S%.6f");
        match self.0 {
            Backend::Postgres => format!("'{t}+00'"),
            Backend::Mysql | Backend::Sqlite => format!("'{t}'"),
        }
    }

    fn boolean(&self, b: bool) -> &'static str {
        match (self.0, b) {
            (Backend::Sqlite, true) => "1",
            (Backend::Sqlite, false) => "0",
            (_, true) => "TRUE",
            (_, false) => "FALSE",
        }
    }

    /// A new UUID v7 junction key.
    fn uuid(&self) -> String {
        let u = uuid::Uuid::now_v7();
        match self.0 {
            Backend::Mysql => format!("X'{}'", u.simple()),
            _ => format!("'{}'", u.hyphenated()),
        }
    }
}

/// Multi-row `INSERT`s of at most 1,000 rows each.
struct Inserts {
    head: String,
    statements: Vec<String>,
    current: String,
    rows: usize,
}

impl Inserts {
    fn new(table: &str, columns: &str) -> Self {
        Inserts {
            head: format!("INSERT INTO {table} ({columns}) VALUES "),
            statements: Vec::new(),
            current: String::new(),
            rows: 0,
        }
    }

    fn row(&mut self, values: std::fmt::Arguments<'_>) {
        if self.rows == 0 {
            self.current.push_str(&self.head);
        } else {
            self.current.push_str(", ");
        }
        self.current.push('(');
        self.current.write_fmt(values).expect("write to a string");
        self.current.push(')');
        self.rows += 1;
        if self.rows == 1_000 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows > 0 {
            self.statements.push(std::mem::take(&mut self.current));
            self.rows = 0;
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.flush();
        self.statements
    }
}

/// A post body of about 200 characters.
fn post_body(p: usize) -> String {
    format!(
        "Post number {p}. Relations are the heart of an ORM: foreign keys, reverse managers, \
         many-to-many junctions, select_related joins and prefetch_related queries, measured."
    )
}

/// A comment body of about 80 characters.
fn comment_body(c: usize) -> String {
    format!("Comment number {c}: agreed, and the numbers in the table say the same thing.")
}

/// The tag names: `tag-1` ... `tag-N`.
pub fn tag_name(t: usize) -> String {
    format!("tag-{t}")
}

/// The `k`-th tag (1-based id) of post `p` in the read dataset: distinct for each `k` below
/// the number of tags, as 13 and the tag counts used are coprime.
pub fn tag_of(p: usize, k: usize, tags: usize) -> usize {
    (p * 7 + k * 13) % tags + 1
}

/// Rows of users `first..first + count`, each with `posts_per_user` posts and their
/// `comments_per_post` comments; ids are derived from the user id so that blocks never
/// collide.
pub fn user_block_sql(
    backend: Backend,
    first_user: usize,
    count: usize,
    posts_per_user: usize,
    comments_per_post: usize,
) -> Vec<String> {
    let lit = Literals(backend);
    let mut users = Inserts::new("users", "id, name, email");
    let mut posts = Inserts::new("posts", "id, title, body, published, author_id, created_at");
    let mut comments = Inserts::new("comments", "id, post_id, body, score");
    for u in first_user..first_user + count {
        users.row(format_args!("{u}, 'user {u}', 'user{u}@example.com'"));
        for i in 0..posts_per_user {
            let p = (u - 1) * posts_per_user + i + 1;
            posts.row(format_args!(
                "{p}, 'post {p}', '{}', {}, {u}, {}",
                post_body(p),
                lit.boolean(p % 2 == 0),
                lit.time(p)
            ));
            for j in 0..comments_per_post {
                let c = (p - 1) * comments_per_post + j + 1;
                comments.row(format_args!("{c}, {p}, '{}', {}", comment_body(c), c % 5));
            }
        }
    }
    let mut out = users.finish();
    out.extend(posts.finish());
    out.extend(comments.finish());
    out
}

fn tags_sql(count: usize) -> Vec<String> {
    let mut tags = Inserts::new("tags", "id, name");
    for t in 1..=count {
        tags.row(format_args!("{t}, '{}'", tag_name(t)));
    }
    tags.finish()
}

/// Runs `statements` in one transaction.
pub async fn run_script(db: &Db, statements: Vec<String>) {
    db.transaction(|tx| async move {
        for s in &statements {
            tx.batch_execute(s).await?;
        }
        Ok(())
    })
    .await
    .expect("load rows");
}

/// Statements that move PostgreSQL's identity sequences past the loaded ids and refresh
/// planner statistics on MariaDB and SQLite (PostgreSQL: `VACUUM ANALYZE` afterwards).
fn after_load(backend: Backend) -> Vec<String> {
    let tables = ["users", "posts", "comments", "tags"];
    match backend {
        Backend::Postgres => tables
            .iter()
            .map(|t| {
                format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                         COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                )
            })
            .collect(),
        Backend::Mysql => vec![format!("ANALYZE TABLE {}, post_tags", tables.join(", "))],
        Backend::Sqlite => vec!["ANALYZE".into()],
    }
}

pub(crate) async fn finish_load(backend: Backend, db: &Db) {
    for s in after_load(backend) {
        // MariaDB's ANALYZE TABLE returns a result set: read it as rows.
        db.raw(&s, []).await.expect("after load");
    }
    if backend == Backend::Postgres {
        // Outside a transaction, as VACUUM must be; also sets the visibility map.
        db.batch_execute("VACUUM ANALYZE users, posts, comments, tags, post_tags")
            .await
            .expect("vacuum");
    }
}

/// Creates the read dataset and returns where it is.
pub async fn create_read(backend: Backend, sizes: &Sizes) -> Result<Location, String> {
    let location = fresh(backend, "read").await?;
    let db = connect(&location).await;
    aksara::ddl::create_all(&db)
        .await
        .map_err(|e| e.to_string())?;
    let mut statements = tags_sql(sizes.tags);
    statements.extend(user_block_sql(
        backend,
        1,
        sizes.users,
        sizes.posts_per_user,
        sizes.comments_per_post,
    ));
    let lit = Literals(backend);
    let mut links = Inserts::new("post_tags", "id, post_id, tag_id");
    for p in 1..=sizes.posts() {
        for k in 0..sizes.tags_per_post {
            links.row(format_args!(
                "{}, {p}, {}",
                lit.uuid(),
                tag_of(p, k, sizes.tags)
            ));
        }
    }
    statements.extend(links.finish());
    run_script(&db, statements).await;
    finish_load(backend, &db).await;
    Ok(location)
}

/// Creates the write dataset (user 1, post 1, the tags for M2M writes) and returns where it
/// is.
pub async fn create_write(backend: Backend, sizes: &Sizes) -> Result<Location, String> {
    let location = fresh(backend, "write").await?;
    let db = connect(&location).await;
    aksara::ddl::create_all(&db)
        .await
        .map_err(|e| e.to_string())?;
    let mut statements = tags_sql(sizes.write_tags());
    statements.extend(user_block_sql(backend, 1, 1, 1, 0));
    run_script(&db, statements).await;
    finish_load(backend, &db).await;
    Ok(location)
}
