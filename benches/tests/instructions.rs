//! The instruction-count harness runs every workload on SQLite at the small scale, one
//! counted operation each (outside valgrind its client requests do nothing): both sides of
//! every workload report a batch, the two sides loaded the same rows, and a filter keeps
//! only the workloads it names.

use aksara_benches::config::Sizes;
use aksara_benches::data::Backend;
use aksara_benches::instructions::{self, Iterations};
use aksara_benches::suite::workloads;

#[test]
fn every_workload_is_counted_on_both_sides_and_a_filter_selects() {
    let sizes = Sizes::small();
    let once = Iterations { quick: 1, big: 1 };
    let batches = instructions::run(Backend::Sqlite, &sizes, once, &[]).expect("sqlite runs");
    let expected: Vec<String> = workloads(&sizes).into_iter().map(|w| w.id).collect();
    let mut counted: Vec<String> = batches
        .iter()
        .filter(|b| b.side == "aksara")
        .map(|b| b.workload.clone())
        .collect();
    counted.dedup();
    assert_eq!(counted, expected);
    for pair in batches.chunks(2) {
        let [a, d] = pair else {
            panic!("a batch without its twin: {pair:?}")
        };
        assert_eq!((a.side, d.side), ("aksara", "diesel"));
        assert_eq!(a.workload, d.workload);
        assert_eq!(a.loaded, d.loaded, "{}", a.workload);
        assert!(a.loaded > 0, "{} loaded nothing", a.workload);
        assert_eq!(a.name, format!("sqlite/{}/aksara/1", a.workload));
    }

    // A filter counts only the workloads it names. (One test: the datasets of a process
    // share one SQLite directory, so two runs must not overlap.)
    let filter = ["get_by_pk".to_string()];
    let batches = instructions::run(Backend::Sqlite, &sizes, once, &filter).expect("sqlite runs");
    let names: Vec<&str> = batches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        names,
        ["sqlite/get_by_pk/aksara/1", "sqlite/get_by_pk/diesel/1"]
    );
}

/// Under callgrind, the binary's client requests produce one dump per batch, named after it,
/// with instructions counted in it. Skipped (with a message) where valgrind is not installed.
#[test]
fn callgrind_dumps_one_counted_file_per_batch() {
    let has_valgrind = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_valgrind {
        eprintln!("valgrind is not installed: the callgrind check is skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("aksara-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let out = std::process::Command::new("valgrind")
        .args(["--tool=callgrind", "--instr-atstart=no"])
        .arg(format!(
            "--callgrind-out-file={}",
            dir.join("cg.out").display()
        ))
        .arg(env!("CARGO_BIN_EXE_instructions"))
        .args([
            "sqlite",
            "--scale",
            "small",
            "--quick",
            "1",
            "--big",
            "1",
            "get_by_pk",
        ])
        .output()
        .expect("valgrind runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "batch sqlite/get_by_pk/aksara/1 loaded=1",
            "batch sqlite/get_by_pk/diesel/1 loaded=1"
        ]
    );
    let mut dumps = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the dumps") {
        let text = std::fs::read_to_string(entry.expect("a dump").path()).expect("a dump");
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("desc: Trigger: Client Request: "));
        let total: Option<u64> = text
            .lines()
            .find_map(|l| l.strip_prefix("totals: "))
            .and_then(|t| t.trim().parse().ok());
        if let (Some(name), Some(total)) = (name, total) {
            dumps.push((name.to_string(), total));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    dumps.sort();
    let names: Vec<&str> = dumps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["sqlite/get_by_pk/aksara/1", "sqlite/get_by_pk/diesel/1"]
    );
    for (name, total) in &dumps {
        // One query by key, through the pool and SQLite: thousands of instructions at least,
        // far fewer than the data loading that must not be counted.
        assert!(
            (1_000..5_000_000).contains(total),
            "{name}: {total} instructions"
        );
    }
}
