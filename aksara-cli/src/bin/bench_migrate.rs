//! Times `aksara migrate` on a table of 1,000,000 rows: adding a nullable column, then adding
//! an index, on each backend whose URL is given.
//!
//! ```text
//! cargo run --release -p aksara-cli --bin aksara-bench-migrate -- \
//!     postgres://postgres@127.0.0.1:5432/test mysql://root@127.0.0.1:3306/test sqlite:///tmp/aksara-bench.db
//! ```
//!
//! It drops and recreates the table `bench_rows` and the history table in each database.
//! With `--markdown FILE` first, it also writes the figures as a Markdown section (which
//! `benches/report.py` copies into BENCHMARKS.md).

use aksara::migrate::{ColumnDef, ColumnType, IndexDef, Migration, Operation, TableDef};
use aksara::{BackendKind, Registry};
use clap::Parser;
use std::time::Instant;

const ROWS: u64 = 1_000_000;

/// One backend's figures: its name, server version, seconds to fill the table, and per
/// migration the first line `aksara migrate` printed with the command's milliseconds.
type BackendFigures = (&'static str, String, f64, Vec<(String, f64)>);

fn migrations(dir: &std::path::Path) -> [Migration; 3] {
    let id = ColumnDef {
        primary_key: true,
        ..ColumnDef::new("id", ColumnType::BigInteger)
    };
    let table = TableDef {
        name: "bench_rows".into(),
        columns: vec![
            id,
            ColumnDef::new("name", ColumnType::String { max_length: 100 }),
            ColumnDef::new("n", ColumnType::Integer),
        ],
        unique_together: vec![],
        indexes: vec![],
    };
    let nickname = ColumnDef {
        nullable: true,
        ..ColumnDef::new("nickname", ColumnType::String { max_length: 50 })
    };
    let _ = dir;
    [
        Migration::new(
            "0001_initial",
            Vec::<String>::new(),
            vec![Operation::CreateTable { table }],
        ),
        Migration::new(
            "0002_add_nickname",
            ["0001_initial"],
            vec![Operation::AddColumn {
                table: "bench_rows".into(),
                column: nickname,
                fill: None,
            }],
        ),
        Migration::new(
            "0003_index_n",
            ["0002_add_nickname"],
            vec![Operation::AddIndex {
                table: "bench_rows".into(),
                index: IndexDef {
                    name: "bench_rows_n_idx".into(),
                    columns: vec!["n".into()],
                },
            }],
        ),
    ]
}

async fn cli(url: &str, dir: &std::path::Path, args: &[&str]) -> String {
    let mut argv = vec![
        "aksara".to_string(),
        "--database-url".into(),
        url.into(),
        "--migrations".into(),
    ];
    argv.push(dir.display().to_string());
    argv.extend(args.iter().map(|s| s.to_string()));
    let mut out = Vec::new();
    aksara_cli::Cli::parse_from(argv)
        .run(None, &mut out)
        .await
        .expect("aksara migrate");
    String::from_utf8(out).expect("utf-8")
}

#[tokio::main]
async fn main() -> aksara::Result<()> {
    let mut urls: Vec<String> = std::env::args().skip(1).collect();
    let markdown = if urls.first().map(String::as_str) == Some("--markdown") {
        urls.remove(0);
        Some(urls.remove(0))
    } else {
        None
    };
    let mut rows: Vec<BackendFigures> = Vec::new();
    for url in &urls {
        let kind = BackendKind::of(url)?;
        let dir = std::env::temp_dir().join(format!(
            "aksara-bench-{}-{}",
            kind.feature(),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for m in migrations(&dir) {
            m.write_to_dir(&dir).expect("write migration");
        }
        let db = aksara::connect(url, Registry::empty()).await?;
        db.batch_execute("DROP TABLE IF EXISTS bench_rows").await?;
        db.batch_execute("DROP TABLE IF EXISTS aksara_migrations")
            .await?;
        print!("{}", cli(url, &dir, &["migrate", "0001_initial"]).await);
        let started = Instant::now();
        match kind {
            BackendKind::Postgres => {
                db.batch_execute(&format!(
                    "INSERT INTO bench_rows (id, name, n) SELECT g, 'row ' || g, g % 1000 FROM generate_series(1, {ROWS}) g"
                ))
                .await?
            }
            _ => {
                // Six cross-joined digit tables: 10^6 rows without recursion limits.
                db.batch_execute("DROP TABLE IF EXISTS bench_digits").await?;
                db.batch_execute("CREATE TABLE bench_digits (d INTEGER NOT NULL)").await?;
                db.batch_execute("INSERT INTO bench_digits (d) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)").await?;
                let concat = if kind == BackendKind::Mysql { "CONCAT('row ', x.i)" } else { "'row ' || x.i" };
                db.batch_execute(&format!(
                    "INSERT INTO bench_rows (id, name, n) SELECT x.i, {concat}, x.i % 1000 FROM \
                     (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS i \
                      FROM bench_digits a, bench_digits b, bench_digits c, bench_digits e, bench_digits f, bench_digits g) x"
                ))
                .await?;
                db.batch_execute("DROP TABLE bench_digits").await?;
            }
        }
        let count = db.raw("SELECT COUNT(*) FROM bench_rows", []).await?;
        println!(
            "{}: loaded {} rows in {:.1} s",
            kind.name(),
            count[0][0],
            started.elapsed().as_secs_f64()
        );
        let loaded = started.elapsed().as_secs_f64();
        let mut figures = Vec::new();
        for target in ["0002_add_nickname", "0003_index_n"] {
            let t = Instant::now();
            let out = cli(url, &dir, &["migrate", target]).await;
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            print!("{out}");
            let line = out.lines().next().unwrap_or_default().to_string();
            figures.push((line, wall));
        }
        let version = match kind {
            BackendKind::Postgres => "SELECT version()",
            BackendKind::Mysql => "SELECT CONCAT('MariaDB/MySQL ', VERSION())",
            BackendKind::Sqlite => "SELECT 'SQLite ' || sqlite_version()",
        };
        let version = match &db.raw(version, []).await?[0][0] {
            aksara::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push((kind.name(), version, loaded, figures));
        print!("{}", cli(url, &dir, &["showmigrations"]).await);
        db.batch_execute("DROP TABLE IF EXISTS bench_rows").await?;
        db.batch_execute("DROP TABLE IF EXISTS aksara_migrations")
            .await?;
        std::fs::remove_dir_all(&dir).ok();
    }
    if let Some(path) = markdown {
        let mut md =
            String::from("## Migrations on a table of 1,000,000 rows (`aksara migrate`)\n\n");
        md.push_str(
            "Run with `cargo run -p aksara-cli --bin aksara-bench-migrate -- --markdown benches/migrate.md \
             postgres://postgres@127.0.0.1:5432/test mysql://root@127.0.0.1:3306/test sqlite:///tmp/aksara-bench.db` \
             (then `python3 benches/report.py` copies this section here). A table `bench_rows (id BIGINT \
             PRIMARY KEY, name VARCHAR(100), n INTEGER)` is filled with 1,000,000 rows, then `aksara migrate` \
             applies `0002_add_nickname` (a nullable `VARCHAR(50)` column) and `0003_index_n` (an index on `n`), \
             one run each. \"Migration\" is the duration `aksara migrate` prints for the migration; \"Command\" \
             is the whole command (connect, lock, history, migration).\n\n",
        );
        md.push_str("| Backend | Server | Fill (s) | Add nullable column: migration / command | Add index: migration / command |\n|---|---|---|---|---|\n");
        for (name, version, loaded, figures) in &rows {
            let cell = |i: usize| {
                let (line, wall) = &figures[i];
                let printed = line
                    .rsplit_once('(')
                    .map(|(_, r)| r.trim_end_matches(')').to_string())
                    .unwrap_or_default();
                format!("{printed} / {wall:.0} ms")
            };
            let version = version.split(" on ").next().unwrap_or(version);
            let version = version.split(" (").next().unwrap_or(version);
            md.push_str(&format!(
                "| {name} | {version} | {loaded:.1} | {} | {} |\n",
                cell(0),
                cell(1)
            ));
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        md.push_str(&format!(
            "\nBuild: `{}` profile. Load average (`/proc/loadavg`) when it finished: {} (a shared 2-core \
             machine; other builds were running).\n",
            if cfg!(debug_assertions) { "dev" } else { "release" },
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        ));
        std::fs::write(&path, md).expect("write the markdown");
    }
    Ok(())
}
