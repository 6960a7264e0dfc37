//! Client instructions per operation: every workload of the suite, aksara beside its
//! hand-written twin, counted by callgrind on one current-thread runtime.
//!
//! Instruction counts do not depend on the machine's load, so they compare the two sides
//! where wall-clock medians on a shared machine cannot. Only the client process is counted
//! (the database servers are other processes; SQLite's engine runs in the client and counts
//! on both sides alike).
//!
//! [`run`] loads the datasets with instrumentation off, then for each workload and side runs
//! one untimed warm-up (statement caches and pools warm, as in criterion's warm-up) and then
//! `iterations` operations with instrumentation on around each operation only: per-iteration
//! setup (emptying the junction table, creating the users a cascade deletes) and the
//! clean-up after the batch are not counted. After each batch it dumps the counts under
//! `{backend}/{workload}/{side}/{iterations}`; `benches/instructions.py` runs the binary
//! `instructions` under `valgrind --tool=callgrind --instr-atstart=no`, reads the dumps and
//! prints the table. Outside valgrind the requests do nothing, so the same code runs in
//! `cargo test` to check that every workload works.

use crate::callgrind;
use crate::config::Sizes;
use crate::data::{self, Backend, Location};
use crate::hand::HandWritten;
use crate::models::{Post, User};
use crate::orm;
use crate::suite::{clear_links, remove_inserted, vacuum};
use aksara::{Db, Model};
use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;

/// How many counted operations per workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iterations {
    /// For workloads of one or a few statements on few rows.
    pub quick: usize,
    /// For workloads of thousands of rows or statements.
    pub big: usize,
}

/// One measured batch, as reported to the caller (the counts are in callgrind's dumps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The dump's name: `{backend}/{workload}/{side}/{iterations}`.
    pub name: String,
    /// The workload id (as in the criterion suite).
    pub workload: String,
    /// `aksara` or `diesel`.
    pub side: &'static str,
    /// Operations counted.
    pub iterations: usize,
    /// What one operation loaded or wrote (the same on both sides).
    pub loaded: usize,
}

/// Creates the datasets of `sizes` on `backend`, counts every workload whose id contains one
/// of `filter` (all when empty), drops the datasets, and returns the batches in the order
/// they ran. An error says why the server cannot be reached.
pub fn run(
    backend: Backend,
    sizes: &Sizes,
    iterations: Iterations,
    filter: &[String],
) -> Result<Vec<Batch>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let locations = rt.block_on(async {
        let read = data::create_read(backend, sizes).await?;
        let write = data::create_write(backend, sizes).await?;
        Ok::<_, String>((read, write))
    });
    let (read, write) = match locations {
        Ok(l) => l,
        Err(e) => {
            rt.block_on(data::drop_datasets(backend, &["read", "write"]));
            return Err(e);
        }
    };
    let counter = Counter {
        backend,
        sizes,
        iterations,
        filter,
        batches: Default::default(),
        cascade_next: Cell::new(1_000_000),
    };
    rt.block_on(async {
        match backend {
            Backend::Postgres => {
                let hand =
                    |l: &Location| crate::hand::pg::Hand::new(crate::hand::pg::pool(&l.diesel_url));
                counter.all(&read, &write, hand).await
            }
            Backend::Mysql => {
                let hand = |l: &Location| {
                    crate::hand::mysql::Hand::new(crate::hand::mysql::pool(&l.diesel_url))
                };
                counter.all(&read, &write, hand).await
            }
            Backend::Sqlite => {
                let hand = |l: &Location| {
                    crate::hand::sqlite::Hand::new(crate::hand::sqlite::pool(&l.diesel_url))
                };
                counter.all(&read, &write, hand).await
            }
        }
        data::drop_datasets(backend, &["read", "write"]).await;
    });
    Ok(counter.batches.take())
}

struct Counter<'a> {
    backend: Backend,
    sizes: &'a Sizes,
    iterations: Iterations,
    filter: &'a [String],
    batches: Cell<Vec<Batch>>,
    cascade_next: Cell<i64>,
}

impl Counter<'_> {
    fn selected(&self, workload: &str) -> bool {
        self.filter.is_empty() || self.filter.iter().any(|f| workload.contains(f.as_str()))
    }

    /// One side of one workload: a warm-up, then `n` counted operations, each after its
    /// uncounted `setup`; then `after` (uncounted). Returns what one operation loaded.
    async fn side<I, S, SF, R, RF, T, TF>(
        &self,
        workload: &str,
        side: &'static str,
        n: usize,
        setup: S,
        op: R,
        after: T,
    ) -> usize
    where
        S: Fn() -> SF,
        SF: Future<Output = I>,
        R: Fn(I) -> RF,
        RF: Future<Output = usize>,
        T: Fn() -> TF,
        TF: Future<Output = ()>,
    {
        let warm_up = op(setup().await).await;
        black_box(warm_up);
        let name = format!("{}/{workload}/{side}/{n}", data::id_name(self.backend));
        callgrind::zero_stats();
        let mut loaded = warm_up;
        for _ in 0..n {
            let input = setup().await;
            callgrind::start_instrumentation();
            loaded = black_box(op(input).await);
            callgrind::stop_instrumentation();
        }
        callgrind::dump_stats_at(&name);
        after().await;
        assert_eq!(
            loaded, warm_up,
            "{name}: the warm-up loaded {warm_up}, the last operation {loaded}"
        );
        let mut batches = self.batches.take();
        batches.push(Batch {
            name,
            workload: workload.to_string(),
            side,
            iterations: n,
            loaded,
        });
        self.batches.set(batches);
        loaded
    }

    /// Both sides of a workload; their counts must agree.
    #[allow(clippy::too_many_arguments)]
    async fn pair<I, S, SF, A, AF, D, DF, T, TF>(
        &self,
        workload: &str,
        big: bool,
        setup: S,
        aksara: A,
        diesel: D,
        after: T,
    ) where
        S: Fn() -> SF,
        SF: Future<Output = I>,
        A: Fn(I) -> AF,
        AF: Future<Output = usize>,
        D: Fn(I) -> DF,
        DF: Future<Output = usize>,
        T: Fn() -> TF,
        TF: Future<Output = ()>,
    {
        if !self.selected(workload) {
            return;
        }
        let n = if big {
            self.iterations.big
        } else {
            self.iterations.quick
        };
        let a = self
            .side(workload, "aksara", n, &setup, &aksara, &after)
            .await;
        let d = self
            .side(workload, "diesel", n, &setup, &diesel, &after)
            .await;
        assert_eq!(
            a, d,
            "{workload}: aksara loaded {a}, the hand-written side {d}"
        );
    }

    /// A read workload: no setup, nothing to clean.
    async fn read<A, AF, D, DF>(&self, workload: &str, big: bool, aksara: A, diesel: D)
    where
        A: Fn() -> AF,
        AF: Future<Output = usize>,
        D: Fn() -> DF,
        DF: Future<Output = usize>,
    {
        let none = || async {};
        self.pair(workload, big, none, |()| aksara(), |()| diesel(), none)
            .await;
    }

    async fn all<H: HandWritten>(
        &self,
        read: &Location,
        write: &Location,
        hand: impl Fn(&Location) -> H,
    ) {
        let (rdb, wdb) = (data::connect(read).await, data::connect(write).await);
        let (hr, hw) = (hand(read), hand(write));
        let user = User::objects().get_by_pk(&rdb, 1).await.expect("user 1");
        let post = Post::objects().get_by_pk(&wdb, 1).await.expect("post 1");
        self.reads(&rdb, &hr, &user).await;
        self.writes(&wdb, &hw, &post).await;
        drop((rdb, wdb, hr, hw));
    }

    async fn reads<H: HandWritten>(&self, rdb: &Db, hr: &H, user: &User) {
        let s = self.sizes;
        let mid = (s.posts() / 2).max(1) as i64;
        self.read(
            "get_by_pk",
            false,
            || orm::get_by_pk(rdb, mid),
            || hr.get_by_pk(mid),
        )
        .await;
        self.read(
            "load_posts",
            true,
            || orm::load_posts(rdb),
            || hr.load_posts(),
        )
        .await;
        let joined = s.joined_comments as i64;
        self.read(
            "select_related_comments",
            true,
            || orm::select_related_comments(rdb, joined),
            || hr.select_related_comments(joined),
        )
        .await;
        let few = Some(s.prefetch_users as i64);
        self.read(
            "prefetch_3_levels",
            true,
            || orm::prefetch_users(rdb, few),
            || hr.prefetch_users(few),
        )
        .await;
        self.read(
            "prefetch_3_levels_10x",
            true,
            || orm::prefetch_users(rdb, None),
            || hr.prefetch_users(None),
        )
        .await;
        self.read(
            "m2m_prefetch",
            true,
            || orm::prefetch_tags(rdb),
            || hr.prefetch_tags(),
        )
        .await;
        let tag = data::tag_name(7);
        self.read(
            "filter_m2m",
            false,
            || orm::filter_by_tag(rdb, &tag),
            || hr.filter_by_tag(&tag),
        )
        .await;
        self.read(
            "reverse_count",
            false,
            || orm::count_posts_of(rdb, user),
            || hr.count_posts_of(user.id),
        )
        .await;
        self.read(
            "annotate_count_posts",
            false,
            || orm::annotate_count_posts(rdb),
            || hr.annotate_count_posts(),
        )
        .await;
        let lazy = s.lazy_posts as i64;
        self.read(
            "n_plus_one",
            true,
            || orm::n_plus_one(rdb, lazy),
            || hr.n_plus_one(lazy),
        )
        .await;
        self.read(
            "select_related_posts",
            false,
            || orm::select_related_posts(rdb, lazy),
            || hr.select_related_posts(lazy),
        )
        .await;
    }

    async fn writes<H: HandWritten>(&self, wdb: &Db, hw: &H, post: &Post) {
        let s = self.sizes;
        let be = self.backend;
        let clear = || clear_links(wdb, be);
        for n in s.m2m_add {
            let tags: Vec<i64> = (1..=n as i64).collect();
            let tags = &tags;
            self.pair(
                &format!("m2m_add_{n}"),
                n >= 10_000,
                clear,
                |()| orm::m2m_add(wdb, post, tags),
                |()| hw.m2m_add(1, tags),
                clear,
            )
            .await;
        }

        let m = s.m2m_set as i64;
        let before: Vec<i64> = (1..=m).collect();
        let after: Vec<i64> = (m / 2 + 1..=m + m / 2).collect();
        let (before, after) = (&before, &after);
        let reset = || async move {
            clear_links(wdb, be).await;
            orm::m2m_add(wdb, post, before).await;
        };
        self.pair(
            &format!("m2m_set_{m}"),
            false,
            reset,
            |()| orm::m2m_set(wdb, post, after),
            |()| hw.m2m_set(1, after),
            clear,
        )
        .await;

        let users = s.cascade_users;
        let block = || async move {
            let first = self.cascade_next.get();
            self.cascade_next.set(first + users as i64);
            let statements = data::user_block_sql(
                be,
                first as usize,
                users,
                s.posts_per_user,
                s.comments_per_post,
            );
            data::run_script(wdb, statements).await;
            (first, first + users as i64 - 1)
        };
        self.pair(
            "cascade_delete",
            true,
            block,
            |(lo, hi)| orm::delete_users(wdb, lo, hi),
            |(lo, hi)| hw.delete_users(lo, hi),
            || vacuum(wdb, be),
        )
        .await;

        let none = || async {};
        let remove = || remove_inserted(wdb, be);
        for n in s.inserts {
            self.pair(
                &format!("insert_{n}"),
                n >= 1_000,
                none,
                |()| orm::insert_posts(wdb, 1, n),
                |()| hw.insert_posts(1, n),
                remove,
            )
            .await;
        }
        for n in s.inserts.into_iter().filter(|&n| n > 1) {
            self.pair(
                &format!("bulk_insert_{n}"),
                n >= 1_000,
                none,
                |()| orm::bulk_insert_posts(wdb, 1, n),
                |()| hw.insert_posts_multirow(1, n),
                remove,
            )
            .await;
        }
    }
}
