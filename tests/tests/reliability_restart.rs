//! Reliability: the PostgreSQL server stopped and started again during a run. Calls fail
//! with typed errors within the pool's timeouts while it is down, and succeed again once it
//! is back, without restarting the process.
//!
//! This binary holds a single test, so nothing else in the suite runs while the server is
//! down (cargo runs test binaries one after another). It needs `pg_ctlcluster` and the right
//! to use it (root, as in CI); elsewhere it says so and skips.

use aksara::{Error, Model, PoolOptions};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{Backend, TestDb};
use std::process::Command;
use std::time::{Duration, Instant};

fn cluster_version() -> Option<String> {
    let versions = std::fs::read_dir("/etc/postgresql").ok()?;
    versions
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .max()
}

fn pg_ctl(version: &str, action: &str) -> bool {
    Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", version, "main", action])
        .args(if action == "stop" {
            &["-m", "fast"][..]
        } else {
            &[][..]
        })
        .status()
        .is_ok_and(|s| s.success())
}

fn server_up() -> bool {
    Command::new("pg_isready")
        .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts the server again when the test ends, whatever happened.
struct Restart(String);

impl Drop for Restart {
    fn drop(&mut self) {
        if !server_up() {
            pg_ctl(&self.0, "start");
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while !server_up() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

#[tokio::test]
async fn postgres_stopped_and_started_during_a_run() {
    let Some(version) =
        cluster_version().filter(|_| Command::new("pg_ctlcluster").arg("--help").output().is_ok())
    else {
        eprintln!(
            "\n!!! SKIPPING the PostgreSQL restart test: pg_ctlcluster is not available here\n"
        );
        return;
    };
    let Some(t) = TestDb::new(Backend::Postgres, "reliability_restart").await else {
        return;
    };
    let options = PoolOptions {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..PoolOptions::default()
    };
    let db = aksara::connect_with(t.url(), registry(), options)
        .await
        .unwrap();
    aksara::ddl::create_all(&db).await.unwrap();
    User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    assert_eq!(User::objects().count(&db).await.unwrap(), 1);

    let guard = Restart(version.clone());
    assert!(
        pg_ctl(&version, "stop"),
        "pg_ctlcluster stop failed (are we root?)"
    );
    let mut errors = 0;
    for _ in 0..5 {
        let started = Instant::now();
        match User::objects().count(&db).await {
            Err(Error::Connection(_) | Error::Pool(_) | Error::Database(_)) => errors += 1,
            Err(other) => panic!("untyped error while the server is down: {other}"),
            Ok(_) => panic!("a query succeeded while the server was down"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a call hung for {:?}",
            started.elapsed()
        );
    }
    drop(guard);
    assert!(server_up(), "the server came back");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut attempts = 0;
    let count = loop {
        attempts += 1;
        match User::objects().count(&db).await {
            Ok(n) => break n,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => panic!("no recovery after the restart: {e}"),
        }
    };
    assert_eq!(count, 1, "the data survived");
    for _ in 0..10 {
        User::objects()
            .count(&db)
            .await
            .expect("every call succeeds after recovery");
    }
    record(
        "postgresql",
        Figures {
            case: "server_restart",
            tried: format!(
                "server stopped: 5 calls, each failed with a typed error in under 10 s; started: recovered after {attempts} attempt(s), then 10 calls"
            ),
            operations: 5 + attempts + 10,
            faults: 1,
            errors: errors + attempts - 1,
            lost: 0,
        },
    );
}
