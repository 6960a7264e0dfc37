//! The sqlite benchmarks: `cargo bench -p aksara-benches --bench sqlite`.

fn main() {
    aksara_benches::suite::main_for(aksara_benches::data::Backend::Sqlite);
}
