//! Streaming a large table: `Post::objects().stream(&db)` beside the hand-written keyset loop
//! on diesel-async ([`HandWritten::stream_posts`]), on a dataset of 1,000 users and 1,000,000
//! posts (10,000 in test mode) generated on the server.
//!
//! - The criterion benchmark `stream_1m` (`cargo bench -p aksara-benches --bench stream`),
//!   ids `{backend}/current_thread/stream_1m/{aksara|diesel}`, on a dataset of its own made
//!   at the start of the run and dropped at its end.
//! - The peak-memory measurement (`scripts/stream_benchmark.sh`, running the release binary
//!   `stream_memory` under `/usr/bin/time`), on a dataset at a fixed place
//!   ([`STREAM_DATASET`]) made once by `stream_memory prepare` and read by the runs after.

use crate::config::{timing, Mode, Sizes};
use crate::data::{self, Backend, Location};
use crate::hand::HandWritten;
use crate::models::Post;
use aksara::{Db, Model};
use criterion::{Criterion, SamplingMode};
use std::hint::black_box;
use std::time::Instant;
use tokio::runtime::Runtime;

/// The rows per batch on both sides (aksara's default).
pub const BATCH: usize = aksara::stream::DEFAULT_BATCH_SIZE;

/// The name of the memory measurement's dataset: a PostgreSQL schema, a MariaDB database, a
/// SQLite file in the temporary directory.
pub const STREAM_DATASET: &str = "aksara_bench_stream_1m";

/// The users the posts are spread over.
const USERS: usize = 1_000;

/// The memory measurement's dataset, wherever it is (see [`prepare`]).
pub fn fixed_location(backend: Backend) -> Location {
    match backend {
        Backend::Postgres => {
            let base = backend.server_url().expect("a server");
            let separator = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{separator}options=-csearch_path%3D{STREAM_DATASET}");
            Location {
                url: url.clone(),
                diesel_url: url,
            }
        }
        Backend::Mysql => {
            let base = backend.server_url().expect("a server");
            let (scheme, rest) = base.split_once("://").expect("a URL");
            let authority = rest.split(['/', '?']).next().unwrap_or(rest);
            let url = format!("{scheme}://{authority}/{STREAM_DATASET}");
            Location {
                url: url.clone(),
                diesel_url: url,
            }
        }
        Backend::Sqlite => {
            let path = std::env::temp_dir()
                .join(format!("{STREAM_DATASET}.db"))
                .display()
                .to_string();
            Location {
                url: format!("sqlite://{path}"),
                diesel_url: path,
            }
        }
    }
}

/// The statement generating posts `1..=posts` on the server (titles, a body of about 200
/// characters, every other one published, authors round robin, one second apart).
fn posts_sql(backend: Backend, posts: usize) -> String {
    let body = "'. Relations are the heart of an ORM: foreign keys, reverse managers, \
        many-to-many junctions, select_related joins and prefetch_related queries, measured.'";
    match backend {
        Backend::Postgres => format!(
            "INSERT INTO posts (id, title, body, published, author_id, created_at) \
             SELECT g, 'post ' || g, 'Post number ' || g || {body}, g % 2 = 0, g % {USERS} + 1, \
             TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 second' \
             FROM generate_series(1, {posts}) AS g"
        ),
        Backend::Mysql => format!(
            "INSERT INTO posts (id, title, body, published, author_id, created_at) \
             SELECT seq, CONCAT('post ', seq), CONCAT('Post number ', seq, {body}), seq % 2 = 0, \
             seq % {USERS} + 1, TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00') \
             FROM seq_1_to_{posts}"
        ),
        Backend::Sqlite => format!(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {posts}) \
             INSERT INTO posts (id, title, body, published, author_id, created_at) \
             SELECT n, 'post ' || n, 'Post number ' || n || {body}, n % 2 = 0, n % {USERS} + 1, \
             strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || n || ' seconds') || '.000000' \
             FROM g"
        ),
    }
}

/// Makes the dataset at `location` (already created, empty): the benchmark models' tables,
/// 1,000 users and `posts` posts.
pub async fn fill(backend: Backend, location: &Location, posts: usize) -> Result<(), String> {
    let db = data::connect(location).await;
    aksara::ddl::create_all(&db)
        .await
        .map_err(|e| e.to_string())?;
    let mut statements = data::user_block_sql(backend, 1, USERS, 0, 0);
    statements.push(posts_sql(backend, posts));
    data::run_script(&db, statements).await;
    data::finish_load(backend, &db).await;
    Ok(())
}

/// Drops and makes the memory measurement's dataset with `posts` posts.
pub async fn prepare(backend: Backend, posts: usize) -> Result<Location, String> {
    let location = data::fresh_named(backend, STREAM_DATASET, &std::env::temp_dir()).await?;
    fill(backend, &location, posts).await?;
    Ok(location)
}

/// Drops the memory measurement's dataset.
pub async fn drop_prepared(backend: Backend) -> Result<(), String> {
    let sql = match backend {
        Backend::Sqlite => {
            let location = fixed_location(backend);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", location.diesel_url));
            }
            return Ok(());
        }
        Backend::Postgres => format!("DROP SCHEMA IF EXISTS \"{STREAM_DATASET}\" CASCADE"),
        Backend::Mysql => format!("DROP DATABASE IF EXISTS `{STREAM_DATASET}`"),
    };
    let admin = data::admin(backend).await?;
    admin
        .raw_execute(&sql, [])
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every post through `QuerySet::stream` in batches of [`BATCH`]; the number read.
pub async fn aksara_stream(db: &Db) -> usize {
    let mut posts = Post::objects().stream(db).batch_size(BATCH);
    let mut n = 0;
    while let Some(post) = posts.try_next().await.expect("a post") {
        black_box(&post);
        n += 1;
    }
    n
}

/// Every post through `all()` (for the memory comparison); the number read.
pub async fn aksara_all(db: &Db) -> usize {
    let posts = Post::objects().all(db).await.expect("the posts");
    black_box(&posts);
    posts.len()
}

/// Every post through the hand-written keyset loop; the number read.
pub async fn diesel_stream(hand: &impl HandWritten) -> usize {
    hand.stream_posts(BATCH as i64).await
}

/// The rows of `stream_1m`: 1,000,000 at full scale, 10,000 at small.
pub fn bench_rows(sizes: &Sizes) -> usize {
    if sizes.scale == "full" {
        1_000_000
    } else {
        10_000
    }
}

/// The benchmark binary `stream`: on each reachable backend, a dataset of
/// [`bench_rows`] posts, then `stream_1m` on a current-thread runtime, aksara then diesel.
pub fn main() {
    let mode = Mode::detect();
    let sizes = Sizes::for_mode(mode);
    let rows = bench_rows(&sizes);
    let mut criterion = Criterion::default()
        .warm_up_time(timing::WARM_UP)
        .measurement_time(timing::MEASUREMENT)
        .sample_size(timing::BIG_SAMPLES)
        .configure_from_args();
    for backend in Backend::ALL {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let started = Instant::now();
        let location = rt.block_on(async {
            let location = data::fresh(backend, "stream").await?;
            fill(backend, &location, rows).await?;
            Ok::<_, String>(location)
        });
        let location = match location {
            Ok(l) => l,
            Err(why) => {
                let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
                assert!(
                    !ci,
                    "{} is unreachable and CI=true: {why}",
                    data::id_name(backend)
                );
                eprintln!(
                    "\n!!! SKIPPING stream_1m on {}: the server is unreachable: {why}\n",
                    data::id_name(backend)
                );
                continue;
            }
        };
        eprintln!(
            "{}: {rows} posts ready in {:.1} s",
            data::id_name(backend),
            started.elapsed().as_secs_f64()
        );
        let url = location.diesel_url.clone();
        match backend {
            Backend::Postgres => run(&mut criterion, backend, &rt, &location, rows, || {
                crate::hand::pg::Hand::new(crate::hand::pg::pool(&url))
            }),
            Backend::Mysql => run(&mut criterion, backend, &rt, &location, rows, || {
                crate::hand::mysql::Hand::new(crate::hand::mysql::pool(&url))
            }),
            Backend::Sqlite => run(&mut criterion, backend, &rt, &location, rows, || {
                crate::hand::sqlite::Hand::new(crate::hand::sqlite::pool(&url))
            }),
        }
        rt.block_on(data::drop_datasets(backend, &["stream"]));
    }
    criterion.final_summary();
}

fn run<H: HandWritten>(
    c: &mut Criterion,
    backend: Backend,
    rt: &Runtime,
    location: &Location,
    rows: usize,
    hand: impl FnOnce() -> H,
) {
    let (db, hand) = rt.block_on(async { (data::connect(location).await, hand()) });
    // Both sides read every row before anything is measured.
    assert_eq!(rt.block_on(aksara_stream(&db)), rows, "aksara's stream");
    assert_eq!(
        rt.block_on(diesel_stream(&hand)),
        rows,
        "the hand-written stream"
    );
    let mut g = c.benchmark_group(format!(
        "{}/current_thread/stream_1m",
        data::id_name(backend)
    ));
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function("aksara", |b| b.to_async(rt).iter(|| aksara_stream(&db)));
    g.bench_function("diesel", |b| b.to_async(rt).iter(|| diesel_stream(&hand)));
    g.finish();
    rt.block_on(async move { drop((db, hand)) });
}
