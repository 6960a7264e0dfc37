//! The explorer's binary in a real terminal: a tmux session, driven with `send-keys` and read
//! with `capture-pane`. Without tmux a test is skipped loudly (in CI it fails).

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session running the explorer, killed when dropped.
pub struct Tmux {
    session: String,
}

impl Tmux {
    /// Starts `command` in a 100x30 session named after `name`, with `env`; None (said
    /// loudly) when tmux is missing outside CI.
    pub fn start(name: &str, command: &str, env: &[(&str, String)]) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(!super::in_ci(), "tmux is needed for this test in CI");
            super::loud("SKIPPING the tmux test: tmux is not installed");
            return None;
        }
        let session = format!("{name}-{}", std::process::id());
        let mut tmux = Command::new("tmux");
        tmux.args(["new-session", "-d", "-s", &session, "-x", "100", "-y", "30"]);
        for (k, v) in env {
            tmux.args(["-e", &format!("{k}={v}")]);
        }
        let status = tmux.arg(command).status().expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Some(Tmux { session })
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture the pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text` (at most a minute), and returns it.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends keys (tmux names: `Enter`, `Escape`, or text).
    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("send keys");
        assert!(status.success());
    }

    /// True while the session (the explorer) runs.
    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}
