//! The explorer on a 1,000,000-row table, on PostgreSQL and SQLite: time to the first page and
//! to a page deep into the table, each beside a hand-written baseline, the whole app opening
//! the table and jumping to its end, and a check that memory stays flat while scrolling.
//!
//! Run with `cargo bench -p aksara-tui --bench explorer`. The table is generated once per
//! database (`INSERT ... SELECT generate_series` on PostgreSQL in the schema `tui_bench`, a
//! recursive CTE on SQLite in `target/aksara-tui-bench.db`) and reused by later runs.
//! PostgreSQL is skipped with a message when unreachable (`AKSARA_PG_URL`).

use aksara::{Db, QuerySet, Record, Registry, Value};
use aksara_tui::jobs::{self, Placement};
use aksara_tui::paging::{OrderTerm, PageSpec, Start};
use aksara_tui::{App, Settings, Target, Worker};
use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts the bytes allocated and not yet freed, for the memory check.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROWS: i64 = 1_000_000;
const PAGE: u64 = 200;
const DEEP: i64 = 900_000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn count(rows: &[Vec<Value>]) -> i64 {
    match rows.first().and_then(|r| r.first()) {
        Some(Value::I64(n)) => *n,
        Some(Value::I32(n)) => i64::from(*n),
        _ => -1,
    }
}

/// A database with the table `big` of a million rows, or None when unreachable.
async fn prepare(backend: &str) -> Option<String> {
    let url = match backend {
        "postgresql" => {
            let base = std::env::var("AKSARA_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let admin = match aksara::connect(&base, Registry::empty()).await {
                Ok(db) => db,
                Err(e) => {
                    eprintln!("\n!!! SKIPPING the PostgreSQL explorer benchmarks: {e}\n");
                    return None;
                }
            };
            admin
                .raw_execute("CREATE SCHEMA IF NOT EXISTS tui_bench", [])
                .await
                .unwrap();
            let separator = if base.contains('?') { '&' } else { '?' };
            format!("{base}{separator}options=-csearch_path%3Dtui_bench")
        }
        _ => {
            let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/aksara-tui-bench.db");
            aksara_tui::cli::sqlite_url(&path)
        }
    };
    let db = aksara::connect(&url, Registry::empty()).await.unwrap();
    let have = db
        .raw("SELECT COUNT(*) FROM big", [])
        .await
        .map(|r| count(&r))
        .unwrap_or(-1);
    if have != ROWS {
        let started = Instant::now();
        let script = match backend {
            "postgresql" => format!(
                "DROP TABLE IF EXISTS big; \
                 CREATE TABLE big (id bigint PRIMARY KEY, name text NOT NULL, score double precision, born date); \
                 INSERT INTO big SELECT g, 'row ' || g, (g * 7919 % 1000) / 10.0, DATE '2000-01-01' + (g % 9000)::int \
                   FROM generate_series(1::bigint, {ROWS}) g; \
                 ANALYZE big;"
            ),
            _ => format!(
                "DROP TABLE IF EXISTS big; \
                 CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, born DATE); \
                 INSERT INTO big WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {ROWS}) \
                   SELECT n, 'row ' || n, (n * 7919 % 1000) / 10.0, date('2000-01-01', '+' || (n % 9000) || ' days') FROM g; \
                 ANALYZE;"
            ),
        };
        db.batch_execute(&script).await.unwrap();
        eprintln!(
            "generated {ROWS} rows on {backend} in {:?}",
            started.elapsed()
        );
    }
    Some(url)
}

fn spec(start: Start) -> PageSpec {
    PageSpec {
        model: "big".into(),
        conditions: vec![],
        order: vec![OrderTerm::asc("id")],
        keyset: true,
        nulls_high: true,
        start,
        limit: PAGE,
    }
}

/// A page as the worker reads it: in a cancellable transaction, decoded into records.
async fn explorer_page(db: &Db, start: Start) -> usize {
    let id = Arc::new(Mutex::new(None));
    let outcome = jobs::cancellable(db, &id, |tx| async move {
        jobs::page(&tx, spec(start), Placement::Replace).await
    })
    .await
    .unwrap();
    match outcome {
        jobs::Outcome::Page { rows, .. } => rows.len(),
        _ => unreachable!(),
    }
}

fn open_app(url: &str) -> App {
    let mut app = App::new(
        Worker::spawn(Target::Url(url.to_string())),
        Settings { page_size: PAGE },
    );
    assert!(app.settle(Duration::from_secs(120)), "connect");
    // Narrow the table list to `big`.
    app.key(key(KeyCode::Char('/')));
    for c in "big".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    app.key(key(KeyCode::Enter));
    app
}

fn bench_backend(c: &mut Criterion, backend: &str) {
    let rt = runtime();
    let Some(url) = rt.block_on(prepare(backend)) else {
        return;
    };
    let db = rt.block_on(async {
        let raw = aksara::connect(&url, Registry::empty()).await.unwrap();
        let schema = aksara::introspect::introspect(&raw).await.unwrap();
        raw.with_registry(schema.registry.clone())
    });
    let mut group = c.benchmark_group(format!("explorer/{backend}"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));

    group.bench_function("first page (explorer, keyset)", |b| {
        b.iter(|| assert_eq!(rt.block_on(explorer_page(&db, Start::First)), PAGE as usize))
    });
    group.bench_function("first page (explorer's query alone, no cancellable transaction)", |b| {
        b.iter(|| {
            let outcome = rt.block_on(jobs::page(&db, spec(Start::First), Placement::Replace)).unwrap();
            assert!(matches!(outcome, jobs::Outcome::Page { ref rows, .. } if rows.len() == PAGE as usize));
        })
    });
    group.bench_function("first page (hand-written SQL)", |b| {
        b.iter(|| {
            let rows = rt
                .block_on(db.raw(
                    "SELECT id, name, score, born FROM big ORDER BY id LIMIT 200",
                    [],
                ))
                .unwrap();
            assert_eq!(rows.len(), PAGE as usize);
        })
    });
    group.bench_function("page at row 900,000 (explorer, keyset)", |b| {
        b.iter(|| {
            let n = rt.block_on(explorer_page(&db, Start::After(vec![Value::I64(DEEP)])));
            assert_eq!(n, PAGE as usize);
        })
    });
    group.bench_function("page at row 900,000 (hand-written keyset SQL)", |b| {
        b.iter(|| {
            let rows = rt
                .block_on(db.raw(
                    "SELECT id, name, score, born FROM big WHERE id > {} ORDER BY id LIMIT 200",
                    [Value::I64(DEEP)],
                ))
                .unwrap();
            assert_eq!(rows.len(), PAGE as usize);
        })
    });
    group.bench_function("page at row 900,000 (OFFSET, for comparison)", |b| {
        b.iter(|| {
            let rows = rt
                .block_on(
                    QuerySet::<Record>::of("big")
                        .order_by(["id"])
                        .offset(DEEP as u64)
                        .limit(PAGE)
                        .all(&db),
                )
                .unwrap();
            assert_eq!(rows.len(), PAGE as usize);
        })
    });

    // The whole app: Enter on the table until its first page is there (the worker thread,
    // the generation bookkeeping, the estimate), then G to the last page.
    let mut app = open_app(&url);
    assert!(app.settle(Duration::from_secs(60)));
    group.bench_function("app: open the table, first page shown", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                app.key(key(KeyCode::Esc));
                assert!(app.settle(Duration::from_secs(60)));
                let started = Instant::now();
                app.key(key(KeyCode::Enter));
                assert!(app.settle(Duration::from_secs(60)));
                total += started.elapsed();
            }
            total
        })
    });
    group.bench_function("app: G to the last of 1,000,000 rows", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let started = Instant::now();
                app.key(key(KeyCode::Char('G')));
                assert!(app.settle(Duration::from_secs(60)));
                total += started.elapsed();
                app.key(key(KeyCode::Char('g')));
                app.key(key(KeyCode::Char('g')));
                assert!(app.settle(Duration::from_secs(60)));
            }
            total
        })
    });
    group.finish();

    // Memory while scrolling: page down through 100,000 rows (500 pages); live heap bytes
    // sampled every 10,000 rows must stay flat (the window holds at most 5 pages).
    let mut samples = Vec::new();
    let started = Instant::now();
    let mut crossed = 0;
    let mut last_row = 0u64;
    while crossed < 100_000 {
        app.key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        assert!(app.settle(Duration::from_secs(60)));
        let Some(aksara_tui::screens::View::Grid(grid)) = app.view() else {
            panic!("a grid")
        };
        let row = grid.window().first_index.unwrap_or(0) + grid.cursor() as u64;
        crossed += row.saturating_sub(last_row);
        last_row = row;
        assert!(
            grid.window().len() <= 5 * PAGE as usize,
            "the window is bounded"
        );
        if samples.len() < (crossed / 10_000) as usize {
            samples.push(LIVE.load(Ordering::Relaxed));
        }
    }
    let elapsed = started.elapsed();
    let (min, max) = (
        *samples.iter().min().unwrap(),
        *samples.iter().max().unwrap(),
    );
    eprintln!(
        "explorer/{backend}: scrolled 100,000 rows in {elapsed:?} ({:.1} ms per 200-row page); \
         live heap {:.1} MiB .. {:.1} MiB over {} samples",
        elapsed.as_secs_f64() * 1000.0 / 500.0,
        min as f64 / 1048576.0,
        max as f64 / 1048576.0,
        samples.len()
    );
    assert!(
        max - min < 8 * 1024 * 1024,
        "memory grew while scrolling: {min} .. {max} bytes"
    );
    write_scroll_figures(
        backend,
        elapsed.as_secs_f64() * 1000.0 / 500.0,
        min as f64 / 1048576.0,
        max as f64 / 1048576.0,
        samples.len(),
    );
}

/// Keeps the scrolling figures beside criterion's output, for `benches/report.py`
/// (`<criterion>/aksara-tui/explorer-<backend>.json`).
fn write_scroll_figures(backend: &str, ms_per_page: f64, heap_min: f64, heap_max: f64, n: usize) {
    let home = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(|t| std::path::PathBuf::from(t).join("criterion"))
        })
        .or_else(|| {
            // target/<profile>/deps/<bench>-<hash>
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.join("criterion"))
        });
    let Some(dir) = home.map(|h| h.join("aksara-tui")) else {
        return;
    };
    let text = format!(
        "{{\"backend\": \"{backend}\", \"scrolled_rows\": 100000, \"ms_per_page\": {ms_per_page:.3}, \
         \"heap_min_mib\": {heap_min:.2}, \"heap_max_mib\": {heap_max:.2}, \"samples\": {n}}}\n"
    );
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("explorer-{backend}.json")), text);
    }
}

fn benches(c: &mut Criterion) {
    bench_backend(c, "postgresql");
    bench_backend(c, "sqlite");
}

criterion_group!(explorer, benches);
criterion_main!(explorer);
