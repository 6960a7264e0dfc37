//! Dataset sizes and measurement settings, chosen by how the benchmark binary was started.
//!
//! `cargo bench` passes `--bench` to the binary: that is a measurement run with the full
//! datasets. `cargo test --benches` does not: criterion then runs every benchmark once to see
//! that it works, and the datasets are small so that the whole suite finishes in about a
//! minute. `AKSARA_BENCH_SCALE=full|small` overrides the choice either way.

use std::time::Duration;

/// Whether this run measures or only checks that every benchmark works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `cargo bench`: criterion measures.
    Bench,
    /// `cargo test --benches` (or `--test`): criterion runs each benchmark once.
    Test,
}

impl Mode {
    /// The mode of this process, read from its arguments the way criterion reads them.
    pub fn detect() -> Mode {
        let args: Vec<String> = std::env::args().collect();
        let bench = args.iter().any(|a| a == "--bench");
        let test = args.iter().any(|a| a == "--test");
        if bench && !test {
            Mode::Bench
        } else {
            Mode::Test
        }
    }
}

/// Every row count the datasets and workloads use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    /// `"full"` or `"small"`.
    pub scale: &'static str,
    /// Users in the read dataset.
    pub users: usize,
    /// Posts per user.
    pub posts_per_user: usize,
    /// Comments per post.
    pub comments_per_post: usize,
    /// Tags in the read dataset.
    pub tags: usize,
    /// Tags per post (distinct).
    pub tags_per_post: usize,
    /// Users whose posts and comments the three-level prefetch loads (the first ones).
    pub prefetch_users: usize,
    /// Posts walked by the N+1 loop and by the select_related beside it (the first ones).
    pub lazy_posts: usize,
    /// Comments loaded with their post and its author (the first ones).
    pub joined_comments: usize,
    /// Link counts for the M2M `add` workloads.
    pub m2m_add: [usize; 2],
    /// Links before a `set`; the set keeps the second half and adds as many new ones.
    pub m2m_set: usize,
    /// Users created (with their posts and comments) and deleted per cascade iteration.
    pub cascade_users: usize,
    /// Row counts for the insert workloads.
    pub inserts: [usize; 3],
}

impl Sizes {
    /// The sizes of the brief: 1,000 users, 10,000 posts, 100,000 comments, 100 tags with
    /// 10 per post (100,000 links).
    pub fn full() -> Sizes {
        Sizes {
            scale: "full",
            users: 1_000,
            posts_per_user: 10,
            comments_per_post: 10,
            tags: 100,
            tags_per_post: 10,
            prefetch_users: 100,
            lazy_posts: 1_000,
            joined_comments: 10_000,
            m2m_add: [1_000, 10_000],
            m2m_set: 1_000,
            cascade_users: 100,
            inserts: [1, 100, 1_000],
        }
    }

    /// Small data for test mode: every workload runs, on about a hundredth of the rows.
    pub fn small() -> Sizes {
        Sizes {
            scale: "small",
            users: 20,
            posts_per_user: 5,
            comments_per_post: 5,
            tags: 20,
            tags_per_post: 3,
            prefetch_users: 2,
            lazy_posts: 20,
            joined_comments: 100,
            m2m_add: [10, 100],
            m2m_set: 20,
            cascade_users: 2,
            inserts: [1, 10, 20],
        }
    }

    /// The sizes for `mode`, unless `AKSARA_BENCH_SCALE` names a scale.
    pub fn for_mode(mode: Mode) -> Sizes {
        match std::env::var("AKSARA_BENCH_SCALE").as_deref() {
            Ok("full") => Sizes::full(),
            Ok("small") => Sizes::small(),
            _ => match mode {
                Mode::Bench => Sizes::full(),
                Mode::Test => Sizes::small(),
            },
        }
    }

    /// Posts in the read dataset.
    pub fn posts(&self) -> usize {
        self.users * self.posts_per_user
    }

    /// Comments in the read dataset.
    pub fn comments(&self) -> usize {
        self.posts() * self.comments_per_post
    }

    /// Links in the read dataset.
    pub fn links(&self) -> usize {
        self.posts() * self.tags_per_post
    }

    /// Tags in the write dataset: enough for the largest `add` and for `set`.
    pub fn write_tags(&self) -> usize {
        self.m2m_add[1].max(self.m2m_set + self.m2m_set / 2)
    }
}

/// Default measurement settings (criterion's command line overrides them): short, because
/// the machine has two cores and is shared.
pub mod timing {
    use super::Duration;

    /// Warm-up per benchmark.
    pub const WARM_UP: Duration = Duration::from_secs(1);
    /// Measurement per benchmark.
    pub const MEASUREMENT: Duration = Duration::from_secs(3);
    /// Samples for quick workloads.
    pub const SAMPLES: usize = 20;
    /// Samples for workloads of many thousand rows (flat sampling).
    pub const BIG_SAMPLES: usize = 10;
}
