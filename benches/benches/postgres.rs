//! The postgres benchmarks: `cargo bench -p aksara-benches --bench postgres`.

fn main() {
    aksara_benches::suite::main_for(aksara_benches::data::Backend::Postgres);
}
