//! The criterion driver: datasets, runtimes, and every workload twice (aksara, then the
//! hand-written diesel-async twin) under ids `{backend}/{runtime}/{workload}/{aksara|diesel}`.

use crate::config::{timing, Mode, Sizes};
use crate::data::{self, Backend, Location};
use crate::hand::HandWritten;
use crate::models::{Post, User};
use crate::orm;
use aksara::{Db, Model};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// The tokio runtimes every workload runs on, reported separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `Builder::new_current_thread()`.
    CurrentThread,
    /// `Builder::new_multi_thread()` with one worker per core.
    MultiThread,
}

impl Flavor {
    /// The name used in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current_thread",
            Flavor::MultiThread => "multi_thread",
        }
    }

    fn runtime(self) -> Runtime {
        match self {
            Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
            Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
        }
        .enable_all()
        .build()
        .expect("a tokio runtime")
    }
}

/// One workload as the report describes it.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The id part (`get_by_pk`).
    pub id: String,
    /// What it does, with this run's row counts.
    pub description: String,
}

/// The workloads of this run, in the order they run.
pub fn workloads(s: &Sizes) -> Vec<Workload> {
    let w = |id: String, description: String| Workload { id, description };
    let prefetch_posts = s.prefetch_users * s.posts_per_user;
    let mut out = vec![
        w("get_by_pk".into(), "one post by primary key".into()),
        w(
            "load_posts".into(),
            format!("all {} posts", s.posts()),
        ),
        w(
            "select_related_comments".into(),
            format!(
                "{} comments with their post and its author (select_related `post__author`: one 3-table join)",
                s.joined_comments
            ),
        ),
        w(
            "prefetch_3_levels".into(),
            format!(
                "{} users -> {} posts -> {} comments (prefetch_related `posts__comments`)",
                s.prefetch_users,
                prefetch_posts,
                prefetch_posts * s.comments_per_post
            ),
        ),
        w(
            "prefetch_3_levels_10x".into(),
            format!(
                "{} users -> {} posts -> {} comments (the same, every user)",
                s.users,
                s.posts(),
                s.comments()
            ),
        ),
        w(
            "m2m_prefetch".into(),
            format!(
                "{} posts with {} tags each from {} tags ({} links; prefetch_related `tags`)",
                s.posts(),
                s.tags_per_post,
                s.tags,
                s.links()
            ),
        ),
        w(
            "filter_m2m".into(),
            "posts tagged `tag-7` (filter `tags__name`, each post once)".into(),
        ),
        w(
            "reverse_count".into(),
            "`user.posts().count()`".into(),
        ),
        w(
            "annotate_count_posts".into(),
            format!(
                "all {} users, each with the count of its posts (annotate `Count::of(\"posts\")` over {} posts)",
                s.users,
                s.posts()
            ),
        ),
        w(
            "n_plus_one".into(),
            format!(
                "{} posts, then `post.author.get()` for each (lazy loading)",
                s.lazy_posts
            ),
        ),
        w(
            "select_related_posts".into(),
            format!(
                "the same {} posts with select_related `author` (beside the N+1)",
                s.lazy_posts
            ),
        ),
    ];
    for n in s.m2m_add {
        out.push(w(
            format!("m2m_add_{n}"),
            format!("`post.tags().add()` of {n} new links"),
        ));
    }
    out.push(w(
        format!("m2m_set_{}", s.m2m_set),
        format!(
            "`post.tags().set()` from {} links to {} (half kept, half new)",
            s.m2m_set, s.m2m_set
        ),
    ));
    out.push(w(
        "cascade_delete".into(),
        format!(
            "delete {} users, cascading to {} posts and {} comments (data recreated per iteration, untimed)",
            s.cascade_users,
            s.cascade_users * s.posts_per_user,
            s.cascade_users * s.posts_per_user * s.comments_per_post
        ),
    ));
    for n in s.inserts {
        out.push(w(
            format!("insert_{n}"),
            if n == 1 {
                "`Post::build()...create()` of one post".into()
            } else {
                format!("{n} posts with `create()` in one transaction")
            },
        ));
    }
    for n in s.inserts.into_iter().filter(|&n| n > 1) {
        out.push(w(
            format!("bulk_insert_{n}"),
            format!("{n} posts with `bulk_create()`, against one multi-row INSERT by hand"),
        ));
    }
    out
}

/// What the report needs to know about the run on one backend.
/// Writes the run description the report reads, in measurement runs only (a test-mode run,
/// such as CI's `cargo test --benches`, must not replace the description of the last
/// measurement).
fn write_run_info(
    backend: Backend,
    mode: Mode,
    sizes: &Sizes,
    server: &str,
    note: &str,
    load_at_start: &str,
    source: &(String, usize),
) {
    if mode != Mode::Bench {
        return;
    }
    let Some(dir) = criterion_home() else { return };
    let dir = dir.join("aksara-benches");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let mem_kib: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_default();
    let workloads: Vec<serde_json::Value> = workloads(sizes)
        .into_iter()
        .map(|w| {
            serde_json::json!({
                "id": w.id,
                "description": w.description,
            })
        })
        .collect();
    let info = serde_json::json!({
        "backend": data::id_name(backend),
        "source": source.0,
        "source_changed_files": source.1,
        "server": server,
        "mode": format!("{mode:?}"),
        "scale": sizes.scale,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu_model": cpu,
        "memory_gib": (mem_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "load_average_at_start": load_at_start,
        "load_average_at_end": read("/proc/loadavg").trim(),
        "finished_unix": std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        "note": note,
        "workloads": workloads,
    });
    let path = dir.join(format!("{}.json", data::id_name(backend)));
    let _ = std::fs::write(
        &path,
        serde_json::to_string_pretty(&info).unwrap_or_default(),
    );
}

/// Where criterion writes: `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`, or the
/// `criterion` directory beside the profile directory this binary was built in.
pub fn criterion_home() -> Option<std::path::PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(std::path::PathBuf::from(target).join("criterion"));
    }
    // target/<profile>/deps/<bench>-<hash>
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The commit the binary runs on, and how many tracked files differ from it, read when the
/// run starts (other work may commit while it runs).
fn source_state() -> (String, usize) {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let changed = git(&["status", "--porcelain", "--untracked-files=no"]);
    (
        git(&["log", "-1", "--format=%h %s"]),
        changed.lines().count(),
    )
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Everything a runtime's benchmarks use, opened inside that runtime.
struct Handles<H> {
    read: Db,
    write: Db,
    hand_read: H,
    hand_write: H,
    user: User,
    post: Post,
}

/// The benchmark binary of one backend: prepares the datasets, then runs every workload on a
/// current-thread and on a multi-threaded runtime.
pub fn main_for(backend: Backend) {
    let mode = Mode::detect();
    let sizes = Sizes::for_mode(mode);
    let source = source_state();
    let mut criterion = Criterion::default()
        .warm_up_time(timing::WARM_UP)
        .measurement_time(timing::MEASUREMENT)
        .sample_size(timing::SAMPLES)
        .configure_from_args();

    let setup = Flavor::CurrentThread.runtime();
    let started = Instant::now();
    let prepared = setup.block_on(async {
        let server = data::server_version(backend).await?;
        let read = data::create_read(backend, &sizes).await?;
        let write = data::create_write(backend, &sizes).await?;
        Ok::<_, String>((server, read, write))
    });
    drop(setup);
    let (server, read, write) = match prepared {
        Ok(p) => p,
        Err(why) => {
            if in_ci() {
                panic!(
                    "{} is unreachable and CI=true: {why}",
                    data::id_name(backend)
                );
            }
            eprintln!(
                "\n!!! SKIPPING the {} benchmarks: the server is unreachable: {why}\n",
                data::id_name(backend)
            );
            return;
        }
    };
    eprintln!(
        "{}: datasets ready ({} scale) in {:.1} s",
        data::id_name(backend),
        sizes.scale,
        started.elapsed().as_secs_f64()
    );
    let note = std::env::var("AKSARA_BENCH_NOTE").unwrap_or_default();
    let load_at_start = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load_at_start = load_at_start.trim();
    write_run_info(
        backend,
        mode,
        &sizes,
        &server,
        &note,
        load_at_start,
        &source,
    );

    for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
        match backend {
            Backend::Postgres => run_flavor(
                &mut criterion,
                backend,
                flavor,
                &sizes,
                &read,
                &write,
                |l| crate::hand::pg::Hand::new(crate::hand::pg::pool(&l.diesel_url)),
            ),
            Backend::Mysql => run_flavor(
                &mut criterion,
                backend,
                flavor,
                &sizes,
                &read,
                &write,
                |l| crate::hand::mysql::Hand::new(crate::hand::mysql::pool(&l.diesel_url)),
            ),
            Backend::Sqlite => run_flavor(
                &mut criterion,
                backend,
                flavor,
                &sizes,
                &read,
                &write,
                |l| crate::hand::sqlite::Hand::new(crate::hand::sqlite::pool(&l.diesel_url)),
            ),
        }
    }
    criterion.final_summary();
    write_run_info(
        backend,
        mode,
        &sizes,
        &server,
        &note,
        load_at_start,
        &source,
    );
    let cleanup = Flavor::CurrentThread.runtime();
    cleanup.block_on(data::drop_datasets(backend, &["read", "write"]));
}

#[allow(clippy::too_many_arguments)]
fn run_flavor<H: HandWritten>(
    c: &mut Criterion,
    backend: Backend,
    flavor: Flavor,
    sizes: &Sizes,
    read: &Location,
    write: &Location,
    hand: impl Fn(&Location) -> H,
) {
    let rt = flavor.runtime();
    let handles = rt.block_on(async {
        let read_db = data::connect(read).await;
        let write_db = data::connect(write).await;
        let user = User::objects()
            .get_by_pk(&read_db, 1)
            .await
            .expect("user 1");
        let post = Post::objects()
            .get_by_pk(&write_db, 1)
            .await
            .expect("post 1");
        Handles {
            hand_read: hand(read),
            hand_write: hand(write),
            read: read_db,
            write: write_db,
            user,
            post,
        }
    });
    let suite = Suite {
        prefix: format!("{}/{}", data::id_name(backend), flavor.name()),
        rt: &rt,
        sizes,
        h: &handles,
        cascade_next: AtomicI64::new(1_000_000),
    };
    suite.run(c);
    rt.block_on(async move { drop(handles) });
}

struct Suite<'a, H> {
    prefix: String,
    rt: &'a Runtime,
    sizes: &'a Sizes,
    h: &'a Handles<H>,
    cascade_next: AtomicI64,
}

impl<H: HandWritten> Suite<'_, H> {
    fn group<'c>(
        &self,
        c: &'c mut Criterion,
        workload: &str,
        big: bool,
    ) -> BenchmarkGroup<'c, WallTime> {
        let mut g = c.benchmark_group(format!("{}/{workload}", self.prefix));
        if big {
            g.sample_size(timing::BIG_SAMPLES)
                .sampling_mode(SamplingMode::Flat);
        }
        g
    }

    /// A read workload: both sides once (their counts must agree), then measured.
    fn read<A, AF, D, DF>(&self, c: &mut Criterion, workload: &str, big: bool, aksara: A, diesel: D)
    where
        A: Fn() -> AF,
        AF: Future<Output = usize>,
        D: Fn() -> DF,
        DF: Future<Output = usize>,
    {
        if !self.selected(workload) {
            return;
        }
        let show_sql = std::env::var_os("AKSARA_BENCH_SHOW_SQL").is_some();
        if show_sql {
            self.h.read.record_sql();
        }
        let a = self.rt.block_on(aksara());
        if show_sql {
            let sql = self.h.read.recorded_sql();
            eprintln!("{}/{workload}: {} statements", self.prefix, sql.len());
            for s in sql.iter().take(3) {
                let cut: String = s.chars().take(400).collect();
                eprintln!("    {cut}");
            }
        }
        let d = self.rt.block_on(diesel());
        assert_eq!(
            a, d,
            "{}/{workload}: aksara loaded {a}, the hand-written side {d}",
            self.prefix
        );
        let mut g = self.group(c, workload, big);
        g.bench_function("aksara", |b| b.to_async(self.rt).iter(&aksara));
        g.bench_function("diesel", |b| b.to_async(self.rt).iter(&diesel));
        g.finish();
    }

    /// True unless criterion's filter (a plain substring; a regular expression always counts
    /// as a match) excludes every benchmark of `workload`, so that neither the consistency
    /// check nor the setup runs for nothing.
    fn selected(&self, workload: &str) -> bool {
        let id = format!("{}/{workload}/", self.prefix);
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut filters = Vec::new();
        let mut skip_next = false;
        for a in &args {
            if skip_next {
                skip_next = false;
                continue;
            }
            if a.starts_with("--") {
                // Options that take a value.
                skip_next = matches!(
                    a.as_str(),
                    "--warm-up-time"
                        | "--measurement-time"
                        | "--sample-size"
                        | "--save-baseline"
                        | "--baseline"
                        | "--load-baseline"
                        | "--nresamples"
                        | "--noise-threshold"
                        | "--confidence-level"
                        | "--significance-level"
                        | "--profile-time"
                        | "--output-format"
                        | "--color"
                        | "--format"
                        | "--plotting-backend"
                        | "--baseline-lenient"
                );
                continue;
            }
            filters.push(a.clone());
        }
        let regex = |f: &str| f.contains(|c: char| "\\.*+?()[]{}|^$".contains(c));
        filters.is_empty()
            || filters
                .iter()
                .any(|f| regex(f) || id.contains(f.as_str()) || f.contains(&id))
    }
}

/// Times `routine(setup())` per iteration, the setup untimed, then runs `after` once per
/// batch (untimed).
fn timed<I, S, SF, R, RF, T, TF>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    name: &str,
    setup: S,
    routine: R,
    after: T,
) where
    S: Fn() -> SF,
    SF: Future<Output = I>,
    R: Fn(I) -> RF,
    RF: Future<Output = usize>,
    T: Fn() -> TF,
    TF: Future<Output = ()>,
{
    let (setup, routine, after) = (&setup, &routine, &after);
    g.bench_function(name, move |b| {
        b.to_async(rt).iter_custom(move |iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let input = setup().await;
                let start = Instant::now();
                black_box(routine(input).await);
                total += start.elapsed();
            }
            after().await;
            total
        })
    });
}

/// Empties the junction table. `TRUNCATE` on the servers: deleting the same (post, tag) pairs
/// again and again would leave dead index entries under the same keys, which every later
/// uniqueness check walks (PostgreSQL until a vacuum), so each iteration would be slower than
/// the one before and the side measured second would pay for the first.
pub(crate) async fn clear_links(db: &Db, backend: Backend) {
    let sql = match backend {
        Backend::Postgres | Backend::Mysql => "TRUNCATE TABLE post_tags",
        Backend::Sqlite => "DELETE FROM post_tags",
    };
    db.raw_execute(sql, []).await.expect("clear links");
}

/// After a batch of iterations that deleted rows: lets PostgreSQL reclaim them (untimed), so
/// that dead rows do not pile up from one sample to the next.
pub(crate) async fn vacuum(db: &Db, backend: Backend) {
    if backend == Backend::Postgres {
        db.batch_execute("VACUUM users, posts, comments, post_tags")
            .await
            .expect("vacuum");
    }
}

async fn link_count(db: &Db) -> usize {
    let rows = db
        .raw("SELECT COUNT(*) FROM post_tags WHERE post_id = 1", [])
        .await
        .expect("count links");
    match rows.into_iter().next().and_then(|r| r.into_iter().next()) {
        Some(aksara::Value::I64(n)) => n as usize,
        Some(aksara::Value::I32(n)) => n as usize,
        other => panic!("COUNT(*) returned {other:?}"),
    }
}

pub(crate) async fn remove_inserted(db: &Db, backend: Backend) {
    db.raw_execute("DELETE FROM posts WHERE id > 1 AND author_id = 1", [])
        .await
        .expect("remove inserted posts");
    vacuum(db, backend).await;
}

impl<H: HandWritten> Suite<'_, H> {
    fn run(&self, c: &mut Criterion) {
        let s = self.sizes;
        let h = self.h;
        let (rdb, wdb) = (&h.read, &h.write);
        let (hr, hw) = (&h.hand_read, &h.hand_write);
        let be = self.backend();

        let mid = (s.posts() / 2).max(1) as i64;
        self.read(
            c,
            "get_by_pk",
            false,
            || orm::get_by_pk(rdb, mid),
            || hr.get_by_pk(mid),
        );
        self.read(
            c,
            "load_posts",
            true,
            || orm::load_posts(rdb),
            || hr.load_posts(),
        );
        let joined = s.joined_comments as i64;
        self.read(
            c,
            "select_related_comments",
            true,
            || orm::select_related_comments(rdb, joined),
            || hr.select_related_comments(joined),
        );
        let few = Some(s.prefetch_users as i64);
        self.read(
            c,
            "prefetch_3_levels",
            true,
            || orm::prefetch_users(rdb, few),
            || hr.prefetch_users(few),
        );
        self.read(
            c,
            "prefetch_3_levels_10x",
            true,
            || orm::prefetch_users(rdb, None),
            || hr.prefetch_users(None),
        );
        self.read(
            c,
            "m2m_prefetch",
            true,
            || orm::prefetch_tags(rdb),
            || hr.prefetch_tags(),
        );
        let tag = data::tag_name(7);
        self.read(
            c,
            "filter_m2m",
            false,
            || orm::filter_by_tag(rdb, &tag),
            || hr.filter_by_tag(&tag),
        );
        self.read(
            c,
            "reverse_count",
            false,
            || orm::count_posts_of(rdb, &h.user),
            || hr.count_posts_of(h.user.id),
        );
        self.read(
            c,
            "annotate_count_posts",
            false,
            || orm::annotate_count_posts(rdb),
            || hr.annotate_count_posts(),
        );
        let lazy = s.lazy_posts as i64;
        self.read(
            c,
            "n_plus_one",
            true,
            || orm::n_plus_one(rdb, lazy),
            || hr.n_plus_one(lazy),
        );
        self.read(
            c,
            "select_related_posts",
            false,
            || orm::select_related_posts(rdb, lazy),
            || hr.select_related_posts(lazy),
        );

        // M2M add: the post starts with no links; the add is timed.
        for n in s.m2m_add {
            let workload = format!("m2m_add_{n}");
            if !self.selected(&workload) {
                continue;
            }
            let tags: Vec<i64> = (1..=n as i64).collect();
            let tags = &tags;
            self.check_links(
                n,
                || orm::m2m_add(wdb, &h.post, tags),
                || hw.m2m_add(1, tags),
            );
            let mut g = self.group(c, &workload, n >= 10_000);
            timed(
                &mut g,
                self.rt,
                "aksara",
                || clear_links(wdb, be),
                |()| orm::m2m_add(wdb, &h.post, tags),
                || clear_links(wdb, be),
            );
            timed(
                &mut g,
                self.rt,
                "diesel",
                || clear_links(wdb, be),
                |()| hw.m2m_add(1, tags),
                || clear_links(wdb, be),
            );
            g.finish();
        }

        // M2M set: from links to tags 1..=m to m/2+1..=m+m/2.
        let m = s.m2m_set as i64;
        let workload = format!("m2m_set_{m}");
        if self.selected(&workload) {
            let before: Vec<i64> = (1..=m).collect();
            let after: Vec<i64> = (m / 2 + 1..=m + m / 2).collect();
            let (before, after) = (&before, &after);
            let reset = || async move {
                clear_links(wdb, be).await;
                orm::m2m_add(wdb, &h.post, before).await;
            };
            self.check_links(
                after.len(),
                || async move {
                    reset().await;
                    orm::m2m_set(wdb, &h.post, after).await
                },
                || async move {
                    reset().await;
                    hw.m2m_set(1, after).await
                },
            );
            let mut g = self.group(c, &workload, false);
            timed(
                &mut g,
                self.rt,
                "aksara",
                reset,
                |()| orm::m2m_set(wdb, &h.post, after),
                || clear_links(wdb, be),
            );
            timed(
                &mut g,
                self.rt,
                "diesel",
                reset,
                |()| hw.m2m_set(1, after),
                || clear_links(wdb, be),
            );
            g.finish();
        }

        // Cascade delete: a fresh block of users, posts and comments per iteration.
        if self.selected("cascade_delete") {
            let users = s.cascade_users;
            let block = || async move {
                let first = self.cascade_next.fetch_add(users as i64, Ordering::Relaxed);
                let statements = data::user_block_sql(
                    self.backend(),
                    first as usize,
                    users,
                    s.posts_per_user,
                    s.comments_per_post,
                );
                data::run_script(wdb, statements).await;
                (first, first + users as i64 - 1)
            };
            let expected = users;
            let a = self.rt.block_on(async {
                let (lo, hi) = block().await;
                orm::delete_users(wdb, lo, hi).await
            });
            let d = self.rt.block_on(async {
                let (lo, hi) = block().await;
                hw.delete_users(lo, hi).await
            });
            assert_eq!((a, d), (expected, expected), "cascade_delete");
            let mut g = self.group(c, "cascade_delete", true);
            timed(
                &mut g,
                self.rt,
                "aksara",
                block,
                |(lo, hi)| orm::delete_users(wdb, lo, hi),
                || vacuum(wdb, be),
            );
            timed(
                &mut g,
                self.rt,
                "diesel",
                block,
                |(lo, hi)| hw.delete_users(lo, hi),
                || vacuum(wdb, be),
            );
            g.finish();
        }

        // Inserts row by row, then multi-row (bulk_create against diesel's insert of a Vec).
        for n in s.inserts {
            self.insert(
                c,
                &format!("insert_{n}"),
                n >= 1_000,
                || orm::insert_posts(wdb, 1, n),
                || hw.insert_posts(1, n),
            );
        }
        for n in s.inserts.into_iter().filter(|&n| n > 1) {
            self.insert(
                c,
                &format!("bulk_insert_{n}"),
                false,
                || orm::bulk_insert_posts(wdb, 1, n),
                || hw.insert_posts_multirow(1, n),
            );
        }
    }

    /// An insert workload: each side timed, the posts it inserted removed after each batch.
    fn insert<A, AF, D, DF>(
        &self,
        c: &mut Criterion,
        workload: &str,
        big: bool,
        aksara: A,
        diesel: D,
    ) where
        A: Fn() -> AF,
        AF: Future<Output = usize>,
        D: Fn() -> DF,
        DF: Future<Output = usize>,
    {
        if !self.selected(workload) {
            return;
        }
        let (wdb, be) = (&self.h.write, self.backend());
        let mut g = self.group(c, workload, big);
        let none = || async {};
        timed(
            &mut g,
            self.rt,
            "aksara",
            none,
            |()| aksara(),
            || remove_inserted(wdb, be),
        );
        timed(
            &mut g,
            self.rt,
            "diesel",
            none,
            |()| diesel(),
            || remove_inserted(wdb, be),
        );
        g.finish();
    }

    fn backend(&self) -> Backend {
        match self.prefix.split('/').next() {
            Some("postgres") => Backend::Postgres,
            Some("mysql") => Backend::Mysql,
            _ => Backend::Sqlite,
        }
    }

    /// Runs a link-writing workload on each side and checks both leave `expected` links.
    fn check_links<A, AF, D, DF>(&self, expected: usize, aksara: A, diesel: D)
    where
        A: Fn() -> AF,
        AF: Future<Output = usize>,
        D: Fn() -> DF,
        DF: Future<Output = usize>,
    {
        let wdb = &self.h.write;
        let be = self.backend();
        let a = self.rt.block_on(async {
            clear_links(wdb, be).await;
            aksara().await;
            link_count(wdb).await
        });
        let d = self.rt.block_on(async {
            clear_links(wdb, be).await;
            diesel().await;
            let n = link_count(wdb).await;
            clear_links(wdb, be).await;
            n
        });
        assert_eq!(
            (a, d),
            (expected, expected),
            "{}: links after aksara / hand-written",
            self.prefix
        );
    }
}
