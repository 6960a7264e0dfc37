//! Read throughput through a cluster handle with 0, 1 and 2 replicas, and the cost of the
//! read-your-writes wait, on a PostgreSQL primary with hot standbys and a MariaDB primary
//! with GTID replicas, all started on loopback ports by the test harness
//! (`aksara_tests::replica`, `aksara_tests::mariadb_replica`).
//!
//! ```text
//! cargo run --release -p aksara-benches --bin replicas [SECONDS]   # per case, default 3
//! ```
//!
//! It prints its tables and writes them to `benches/replicas.md`, which
//! `benches/report.py` puts into BENCHMARKS.md. Every server runs on this one machine,
//! sharing its cores with the client: the figures show the routing's own cost, not what
//! replicas on their own machines would add.

use aksara::{q, ClusterOptions, Db, Model, PoolOptions};
use aksara_tests::mariadb_replica::{extra_mariadb_replica, mariadb_pair};
use aksara_tests::models::blog::{registry, Category};
use aksara_tests::replica::{extra_standby, replica_pair};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Appends a line to the report and prints it.
macro_rules! out {
    ($report:expr, $($arg:tt)*) => {{
        let line = format!($($arg)*);
        println!("{line}");
        let _ = writeln!($report, "{line}");
    }};
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// Concurrent readers in the throughput cases.
const READERS: usize = 8;
/// Categories read by slug.
const ROWS: usize = 1000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let run = Duration::from_secs(seconds);
    let mut report = String::new();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    out!(report, "## Read replicas, on one machine\n");
    out!(
        report,
        "`cargo run --release -p aksara-benches --bin replicas` (writes `benches/replicas.md`). \
         A primary and two replicas per backend, started by the test harness on loopback \
         ports, all on this {cores}-core machine with the client: the figures show the \
         routing's own cost and the read-your-writes wait, not the capacity replicas on \
         machines of their own would add (here they share the same cores, so more servers \
         means less CPU for each). {seconds} s per case, a multi-threaded runtime with 2 \
         workers, pools of 10 connections per server. Load average at the start: {}.\n",
        load_average()
    );
    if let Some(pair) = replica_pair("replicas bench") {
        let second = extra_standby("replicas bench").expect("a second standby");
        let pool = PoolOptions {
            after_connect: vec!["SET search_path TO bench_replicas".to_string()],
            ..PoolOptions::default()
        };
        let setup = aksara::connect(&pair.primary_url, registry())
            .await
            .unwrap();
        setup
            .batch_execute(
                "DROP SCHEMA IF EXISTS bench_replicas CASCADE; CREATE SCHEMA bench_replicas",
            )
            .await
            .unwrap();
        let replicas = [pair.standby_url.as_str(), second.url.as_str()];
        suite(
            &mut report,
            "PostgreSQL",
            &pair.primary_url,
            &replicas,
            pool,
            run,
        )
        .await;
    }
    if let Some(pair) = mariadb_pair("replicas bench") {
        let second = extra_mariadb_replica("replicas bench").expect("a second replica");
        pair.fresh_database("bench_replicas");
        second.catch_up_with(&pair.primary);
        let primary = pair.primary.url("bench_replicas");
        let (first, second_url) = (
            pair.replica.url("bench_replicas"),
            second.url("bench_replicas"),
        );
        let replicas = [first.as_str(), second_url.as_str()];
        suite(
            &mut report,
            "MariaDB",
            &primary,
            &replicas,
            PoolOptions::default(),
            run,
        )
        .await;
    }
    out!(report, "Load average at the end: {}.", load_average());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/replicas.md");
    std::fs::write(path, report).expect("benches/replicas.md");
    eprintln!("wrote {path}");
}

async fn connect(primary: &str, replicas: &[&str], pool: &PoolOptions, ryw: bool) -> Db {
    let options = ClusterOptions {
        read_your_writes: ryw,
        ..ClusterOptions::default()
    };
    aksara::connect_cluster_with(primary, replicas, registry(), pool.clone(), options)
        .await
        .unwrap()
}

async fn suite(
    report: &mut String,
    name: &str,
    primary: &str,
    replicas: &[&str],
    pool: PoolOptions,
    run: Duration,
) {
    let plain = aksara::connect_with(primary, registry(), pool.clone())
        .await
        .unwrap();
    aksara::ddl::create_all(&plain).await.unwrap();
    Category::objects()
        .bulk_create(
            &plain,
            (0..ROWS).map(|i| {
                Category::build()
                    .name(format!("Category {i}"))
                    .slug(format!("bench-{i}"))
            }),
        )
        .await
        .unwrap();
    // A handle that wrote waits for each replica to have the rows once, then reads freely.
    let warm = connect(primary, replicas, &pool, true).await;
    Category::build()
        .name("Marker")
        .slug("marker")
        .create(&warm)
        .await
        .unwrap();
    for _ in 0..replicas.len() * 4 {
        assert_eq!(
            Category::objects()
                .filter(q!(slug = "marker"))
                .count(&warm)
                .await
                .unwrap(),
            1
        );
    }

    out!(
        report,
        "### {name}: reads of one row by a unique column, {READERS} at a time\n"
    );
    out!(
        report,
        "| handle | reads/s | reads on replicas, whole run |"
    );
    out!(report, "|---|---:|---:|");
    let cases: Vec<(&str, Db)> = vec![
        ("plain `connect` (no cluster)", plain.clone()),
        (
            "cluster, 0 replicas",
            connect(primary, &[], &pool, true).await,
        ),
        (
            "cluster, 1 replica",
            connect(primary, &replicas[..1], &pool, true).await,
        ),
        (
            "cluster, 2 replicas",
            connect(primary, replicas, &pool, true).await,
        ),
    ];
    for (label, db) in &cases {
        let before = db.cluster_stats().unwrap_or_default();
        let rate = throughput(db, run).await;
        let after = db.cluster_stats().unwrap_or_default();
        out!(
            report,
            "| {label} | {rate:.0} | {} |",
            after.replica_reads - before.replica_reads
        );
    }

    out!(
        report,
        "\n### {name}: write one row, then read it back, one pair at a time\n"
    );
    out!(report, "| the read | µs per pair | pairs | stale reads |");
    out!(report, "|---|---:|---:|---:|");
    let waiting = connect(primary, &replicas[..1], &pool, true).await;
    let unsynced = connect(primary, &replicas[..1], &pool, false).await;
    let pair_cases: Vec<(&str, Db)> = vec![
        ("on the primary (`db.primary()`)", waiting.primary()),
        (
            "on a replica, waiting for the write (read-your-writes)",
            waiting.clone(),
        ),
        (
            "on a replica, not waiting (`read_your_writes: false`)",
            unsynced,
        ),
    ];
    for (k, (label, db)) in pair_cases.iter().enumerate() {
        let (per_pair, n, stale) = pairs(db, &format!("{name}-{k}"), run).await;
        out!(report, "| {label} | {per_pair:.0} | {n} | {stale} |");
    }
    let stats = waiting.cluster_stats().unwrap();
    out!(
        report,
        "\nThe read-your-writes handle: {} reads on the replica ({} of them waited), {} on the \
         primary.\n",
        stats.replica_reads,
        stats.waited,
        stats.fell_back
    );
}

/// Reads per second by `READERS` tasks for `run`.
async fn throughput(db: &Db, run: Duration) -> f64 {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for reader in 0..READERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while start.elapsed() < run {
                let slug = format!("bench-{}", (reader * 131 + n * 17) % ROWS);
                let found = Category::objects().get(&db, q!(slug = slug)).await.unwrap();
                black_box(found);
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// Write-then-read pairs for `run`: microseconds per pair, the pairs, and the reads that did
/// not see their write.
async fn pairs(db: &Db, prefix: &str, run: Duration) -> (f64, usize, usize) {
    let start = Instant::now();
    let (mut n, mut stale) = (0usize, 0usize);
    while start.elapsed() < run {
        let slug = format!("{prefix}-{n}");
        Category::build()
            .name("Pair")
            .slug(slug.as_str())
            .create(db)
            .await
            .unwrap();
        let found = Category::objects()
            .filter(q!(slug = slug))
            .count(db)
            .await
            .unwrap();
        if found == 0 {
            stale += 1;
        }
        n += 1;
    }
    (start.elapsed().as_micros() as f64 / n as f64, n, stale)
}
