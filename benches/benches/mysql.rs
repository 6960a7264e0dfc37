//! The mysql benchmarks: `cargo bench -p aksara-benches --bench mysql`.

fn main() {
    aksara_benches::suite::main_for(aksara_benches::data::Backend::Mysql);
}
