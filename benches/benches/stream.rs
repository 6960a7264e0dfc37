//! `stream_1m`: every one of 1,000,000 posts (10,000 under `cargo test`) read by
//! `QuerySet::stream` beside the hand-written keyset loop on diesel-async, on every backend:
//! `cargo bench -p aksara-benches --bench stream`. See `aksara_benches::stream`.

fn main() {
    aksara_benches::stream::main();
}
