//! Runs every workload of one backend for the instruction counts (see
//! `aksara_benches::instructions`); meant to run under callgrind through
//! `benches/instructions.py`, which prints and writes the table.
//!
//! ```text
//! instructions BACKEND [--scale full|small] [--quick N] [--big N] [WORKLOAD...]
//! ```
//!
//! BACKEND is `postgres`, `mysql` or `sqlite` (servers from `AKSARA_PG_URL` and
//! `AKSARA_MYSQL_URL`). Each WORKLOAD is a substring of the workload ids to count (all when
//! none). Prints one line per counted batch: `batch NAME loaded=N`, or `skipped: WHY` when
//! the server cannot be reached.

use aksara_benches::config::Sizes;
use aksara_benches::data::Backend;
use aksara_benches::instructions::{self, Iterations};

fn usage() -> ! {
    eprintln!(
        "usage: instructions postgres|mysql|sqlite [--scale full|small] [--quick N] [--big N] [WORKLOAD...]"
    );
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let backend = match args.next().as_deref() {
        Some("postgres") => Backend::Postgres,
        Some("mysql") => Backend::Mysql,
        Some("sqlite") => Backend::Sqlite,
        _ => usage(),
    };
    let mut sizes = Sizes::full();
    let mut iterations = Iterations { quick: 10, big: 2 };
    let mut filter = Vec::new();
    while let Some(arg) = args.next() {
        let mut number = || {
            args.next()
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or_else(|| usage())
        };
        match arg.as_str() {
            "--scale" => {
                sizes = match args.next().as_deref() {
                    Some("full") => Sizes::full(),
                    Some("small") => Sizes::small(),
                    _ => usage(),
                }
            }
            "--quick" => iterations.quick = number(),
            "--big" => iterations.big = number(),
            other if other.starts_with("--") => usage(),
            other => filter.push(other.to_string()),
        }
    }
    match instructions::run(backend, &sizes, iterations, &filter) {
        Ok(batches) => {
            for b in batches {
                println!("batch {} loaded={}", b.name, b.loaded);
            }
        }
        Err(why) => println!("skipped: {why}"),
    }
}
