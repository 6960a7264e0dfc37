//! Figures of the reliability tests, written to `target/reliability/` as one JSON file per
//! case and backend; `scripts/reliability_report.py` turns them into RELIABILITY.md.

use std::path::PathBuf;

/// What one reliability case did and saw.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Short name of the case.
    pub case: &'static str,
    /// What was tried, in a sentence.
    pub tried: String,
    /// Operations attempted.
    pub operations: u64,
    /// Faults injected (killed connections, restarts, ...).
    pub faults: u64,
    /// Errors seen (all typed).
    pub errors: u64,
    /// Rows lost or left inconsistent (always 0 when the test passes).
    pub lost: u64,
}

fn out_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("reliability")
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Writes the figures of `case` on `backend` (called at the end of a passing test).
pub fn record(backend: &str, figures: Figures) {
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    let json = format!(
        "{{\"case\":\"{}\",\"backend\":\"{}\",\"tried\":\"{}\",\"operations\":{},\"faults\":{},\"errors\":{},\"lost\":{}}}\n",
        escape(figures.case),
        escape(backend),
        escape(&figures.tried),
        figures.operations,
        figures.faults,
        figures.errors,
        figures.lost
    );
    let _ = std::fs::write(dir.join(format!("{}-{backend}.json", figures.case)), json);
}
