//! Benchmarks of Aksara beside hand-written diesel-async, on PostgreSQL, MariaDB/MySQL and
//! SQLite, each on a current-thread and a multi-threaded tokio runtime.
//!
//! ```sh
//! cargo bench -p aksara-benches                      # every backend, full datasets
//! cargo bench -p aksara-benches --bench postgres     # one backend
//! cargo bench -p aksara-benches --bench stream       # stream_1m on every backend
//! cargo test -p aksara-benches --benches             # each benchmark once, small data
//! python3 benches/report.py                          # BENCHMARKS.md from target/criterion
//! python3 benches/instructions.py                   # client instructions per operation
//! cargo test -p aksara-benches --test instructions   # the instruction harness runs
//! ```
//!
//! - [`models`]: the aksara models (users -> posts -> comments, posts <-> tags).
//! - [`hand`]: the same tables with diesel's `table!`, and every workload as typed
//!   diesel-async queries.
//! - [`orm`]: every workload through aksara.
//! - [`data`]: the datasets (created once per run through `ddl::create_all`, bulk-loaded).
//! - [`suite`]: the criterion driver; ids are `{backend}/{runtime}/{workload}/{side}`.
//! - [`stream`]: the 1,000,000-row dataset of `stream_1m` and of the peak-memory
//!   measurement (`scripts/stream_benchmark.sh`), and both sides of the workload.
//! - [`instructions`]: client instructions per operation under callgrind
//!   (`python3 benches/instructions.py`), with [`callgrind`]'s client requests.
//! - [`config`]: sizes (full for `cargo bench`, small for `cargo test`) and timings.

pub mod callgrind;
pub mod config;
pub mod data;
pub mod hand;
pub mod instructions;
pub mod models;
pub mod orm;
pub mod stream;
pub mod suite;
