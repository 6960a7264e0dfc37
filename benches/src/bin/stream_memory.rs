//! Reads every post of the 1,000,000-row dataset one way and reports how many rows it read,
//! how long that took and the process's peak resident memory, for
//! `scripts/stream_benchmark.sh` (which also measures it from outside with `/usr/bin/time`).
//!
//! ```text
//! stream_memory prepare BACKEND [POSTS]   # make the dataset (default 1,000,000 posts)
//! stream_memory stream BACKEND [BATCH]    # Post::objects().stream(&db), batches of BATCH
//! stream_memory all BACKEND               # Post::objects().all(&db), for comparison
//! stream_memory diesel BACKEND            # the hand-written diesel-async keyset loop
//! stream_memory drop BACKEND              # drop the dataset
//! ```
//!
//! BACKEND is `postgres`, `mysql` or `sqlite`; servers as for the benchmarks
//! (`AKSARA_PG_URL`, `AKSARA_MYSQL_URL`).

use aksara::Model;
use aksara_benches::data::{self, Backend};
use aksara_benches::models::Post;
use aksara_benches::stream;
use std::hint::black_box;
use std::time::Instant;

fn usage() -> ! {
    eprintln!("usage: stream_memory prepare|stream|all|diesel|drop postgres|mysql|sqlite [N]");
    std::process::exit(2);
}

/// The process's peak resident set size so far, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(backend)) = (args.first(), args.get(1)) else {
        usage()
    };
    let backend = Backend::ALL
        .into_iter()
        .find(|b| data::id_name(*b) == backend)
        .unwrap_or_else(|| usage());
    let number = args
        .get(2)
        .map(|n| n.parse::<usize>().unwrap_or_else(|_| usage()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let location = stream::fixed_location(backend);
    let started = Instant::now();
    let rows = rt.block_on(async {
        match mode.as_str() {
            "prepare" => {
                let posts = number.unwrap_or(1_000_000);
                stream::prepare(backend, posts).await.expect("the dataset");
                posts
            }
            "drop" => {
                stream::drop_prepared(backend).await.expect("dropped");
                0
            }
            "stream" => {
                let db = data::connect(&location).await;
                let batch = number.unwrap_or(stream::BATCH);
                let mut posts = Post::objects().stream(&db).batch_size(batch);
                let mut n = 0;
                while let Some(post) = posts.try_next().await.expect("a post") {
                    black_box(&post);
                    n += 1;
                }
                n
            }
            "all" => stream::aksara_all(&data::connect(&location).await).await,
            "diesel" => {
                use aksara_benches::hand::{mysql, pg, sqlite};
                let url = &location.diesel_url;
                match backend {
                    Backend::Postgres => stream::diesel_stream(&pg::Hand::new(pg::pool(url))).await,
                    Backend::Mysql => {
                        stream::diesel_stream(&mysql::Hand::new(mysql::pool(url))).await
                    }
                    Backend::Sqlite => {
                        stream::diesel_stream(&sqlite::Hand::new(sqlite::pool(url))).await
                    }
                }
            }
            _ => usage(),
        }
    });
    println!(
        "{mode} {} rows={rows} seconds={:.2} peak_rss_kib={}",
        data::id_name(backend),
        started.elapsed().as_secs_f64(),
        peak_rss_kib()
    );
}
