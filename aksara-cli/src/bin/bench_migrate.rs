//! Times `aksara migrate` on a table of 1,000,000 rows: adding a nullable column, then adding
//! an index, on each backend whose URL is given.
//!
//! ```text
//! cargo run --release -p aksara-cli --bin aksara-bench-migrate -- \
//!     postgres://postgres@127.0.0.1:5432/test mysql://root@127.0.0.1:3306/test sqlite:///tmp/aksara-bench.db
//! ```
//!
//! It drops and recreates the table `bench_rows` and the history table in each database.

use aksara::migrate::{ColumnDef, ColumnType, IndexDef, Migration, Operation, TableDef};
use aksara::{BackendKind, Registry};
use clap::Parser;
use std::time::Instant;

const ROWS: u64 = 1_000_000;

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
    let urls: Vec<String> = std::env::args().skip(1).collect();
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
        print!(
            "{}",
            cli(url, &dir, &["migrate", "0002_add_nickname"]).await
        );
        print!("{}", cli(url, &dir, &["migrate", "0003_index_n"]).await);
        print!("{}", cli(url, &dir, &["showmigrations"]).await);
        db.batch_execute("DROP TABLE IF EXISTS bench_rows").await?;
        db.batch_execute("DROP TABLE IF EXISTS aksara_migrations")
            .await?;
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(())
}
