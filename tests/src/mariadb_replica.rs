//! A MariaDB primary and a GTID replica of it, started once per test process from the
//! installed server binaries, for the read-replica tests; and further replicas of the same
//! primary on request ([`extra_mariadb_replica`]), stopped when dropped.
//!
//! Everything lives in `$TMPDIR/aksara-mariadb-<pid>/`: a data directory made once with
//! `mariadb-install-db` and copied for each server, the servers' data, sockets, logs and pid
//! files. Each `mariadbd` listens on a free loopback port with its own `--server-id`,
//! `--log-bin` and `--gtid-strict-mode`; the replica is `--read-only` and follows the
//! primary with `CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos`. The machine's own server
//! (port 3306) is never touched.
//!
//! The tests connect as `aksara`, a user without `SUPER` or `READ_ONLY ADMIN`, so that a
//! write reaching the replica would fail (`read_only` binds only such users); it has
//! `SLAVE MONITOR` to read the replica's lag. The harness itself uses `root` (no password)
//! through the `mariadb` client.
//!
//! Stopping: a watcher process started with the servers waits for the test process to end,
//! then kills every server whose pid file is in the directory and removes it. Should the
//! watcher itself die, the next start removes what a dead process left behind.
//!
//! Binaries: `AKSARA_MARIADB_BIN` names their directory, else `PATH`, `/usr/sbin` and
//! `/usr/bin` are searched. Missing ones skip the tests loudly outside CI; with `CI=true`
//! they fail them.

use crate::replica::{free_port, in_ci, is_root, pid_alive, run};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The application user the tests connect as.
pub const APP_USER: &str = "aksara";

/// A running `mariadbd`, killed (and its data removed) when dropped.
#[derive(Debug)]
pub struct MariaServer {
    /// The loopback port it listens on.
    pub port: u16,
    pub(crate) child: Option<Child>,
    pub(crate) data: PathBuf,
    pub(crate) bins: Bins,
}

impl MariaServer {
    /// The URL of `database` as the application user.
    pub fn url(&self, database: &str) -> String {
        format!("mysql://{APP_USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs `sql` as `root` through the `mariadb` client; its output (tab-separated rows,
    /// no header).
    pub fn admin(&self, sql: &str) -> String {
        admin(&self.bins, self.port, sql).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Kills the server at once (`SIGKILL`): its connections drop, new ones are refused.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits until this replica has applied everything its primary had written when called
    /// (`MASTER_GTID_WAIT` on the primary's `@@gtid_current_pos`).
    pub fn catch_up_with(&self, primary: &MariaServer) {
        let position = primary.admin("SELECT @@gtid_current_pos");
        let reached = self.admin(&format!(
            "SELECT MASTER_GTID_WAIT('{}', 60)",
            position.trim()
        ));
        assert_eq!(reached.trim(), "0", "the replica did not catch up");
    }
}

impl Drop for MariaServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The shared primary and replica.
#[derive(Debug)]
pub struct MariaPair {
    /// The primary.
    pub primary: MariaServer,
    /// Its GTID replica (`read_only`).
    pub replica: MariaServer,
    dir: PathBuf,
}

impl MariaPair {
    /// Creates `database` afresh on the primary and waits until the replica has it too.
    pub fn fresh_database(&self, database: &str) {
        self.primary.admin(&format!(
            "DROP DATABASE IF EXISTS `{database}`; CREATE DATABASE `{database}`"
        ));
        self.replica.catch_up_with(&self.primary);
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Bins {
    pub(crate) install_db: PathBuf,
    pub(crate) server: PathBuf,
    pub(crate) client: PathBuf,
    pub(crate) root: bool,
}

impl Bins {
    pub(crate) fn find() -> Result<Bins, String> {
        Ok(Bins {
            install_db: find("mariadb-install-db")?,
            server: find("mariadbd")?,
            client: find("mariadb")?,
            root: is_root(),
        })
    }
}

/// The pair, started on the first call of the process; `None` (after a loud message) when
/// the server binaries are missing outside CI. Panics with `CI=true` when they are missing,
/// and whenever starting them fails.
pub fn mariadb_pair(test: &str) -> Option<&'static MariaPair> {
    static PAIR: OnceLock<Result<MariaPair, String>> = OnceLock::new();
    match PAIR.get_or_init(start) {
        Ok(pair) => Some(pair),
        Err(why) if !in_ci() && why.starts_with("missing:") => {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPING {test}: no MariaDB server binaries to start a primary and a \
                 replica ({why})\n"
            );
            None
        }
        Err(why) => panic!("cannot start a MariaDB primary and replica: {why}"),
    }
}

/// A further replica of the shared primary, caught up with it, for a test that stops or
/// pauses it; `None` as for [`mariadb_pair`].
pub fn extra_mariadb_replica(test: &str) -> Option<MariaServer> {
    let pair = mariadb_pair(test)?;
    static NEXT: AtomicU32 = AtomicU32::new(10);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let replica = start_replica(&pair.replica.bins, &pair.dir, &pair.primary, id)
        .unwrap_or_else(|e| panic!("cannot start a further MariaDB replica: {e}"));
    Some(replica)
}

pub(crate) fn find(name: &str) -> Result<PathBuf, String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::env::var("AKSARA_MARIADB_BIN") {
        dirs.push(PathBuf::from(dir));
    } else {
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        dirs.extend(
            ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map(PathBuf::from),
        );
    }
    dirs.iter()
        .map(|d| d.join(name))
        .find(|p| p.exists())
        .ok_or_else(|| format!("missing: no `{name}` in {dirs:?}"))
}

pub(crate) fn admin(bins: &Bins, port: u16, sql: &str) -> Result<String, String> {
    let out = Command::new(&bins.client)
        .args([
            "--no-defaults",
            "--protocol=TCP",
            "-h",
            "127.0.0.1",
            "-u",
            "root",
        ])
        .arg(format!("-P{port}"))
        .args(["-N", "-B", "-e", sql])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("mariadb client: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{sql}` on port {port}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Options every server gets: small buffers, no syncing, the character set of the machine's
/// server.
pub(crate) const COMMON: &[&str] = &[
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
    "--innodb-flush-log-at-trx-commit=2",
    "--sync-binlog=0",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--skip-name-resolve",
    "--max-connections=200",
];

/// Starts `mariadbd` on a copy of the template, as server `id`.
/// `mariadbd` for the server `name` with its data in `data`, listening on 127.0.0.1:`port`,
/// its socket, pid file and error log in `dir`, and its own `server_id`; no option file read.
pub(crate) fn server_command(
    bins: &Bins,
    dir: &Path,
    name: &str,
    data: &Path,
    port: u16,
    server_id: u32,
) -> Command {
    let mut server = Command::new(&bins.server);
    server
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        .arg(format!(
            "--socket={}",
            dir.join(format!("{name}.sock")).display()
        ))
        .arg(format!(
            "--pid-file={}",
            dir.join(format!("{name}.pid")).display()
        ))
        .arg(format!(
            "--log-error={}",
            dir.join(format!("{name}.err")).display()
        ))
        .arg(format!("--server-id={server_id}"));
    server
}

fn start_server(
    bins: &Bins,
    dir: &Path,
    name: &str,
    id: u32,
    replica: bool,
) -> Result<MariaServer, String> {
    let data = dir.join(name);
    let mut copy = Command::new("cp");
    copy.arg("-r").arg(dir.join("template")).arg(&data);
    run(copy, "copy the data directory")?;
    let port = free_port()?;
    let mut server = server_command(bins, dir, name, &data, port, id);
    server
        .args([
            "--log-bin=mariadb-bin",
            "--gtid-strict-mode=1",
            "--binlog-format=ROW",
        ])
        .args(COMMON);
    if replica {
        server.args(["--read-only=1", "--relay-log=relay-bin"]);
    }
    if bins.root {
        server.arg("--user=root");
    }
    let child = server
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("mariadbd: {e}"))?;
    let mut server = MariaServer {
        port,
        child: Some(child),
        data,
        bins: bins.clone(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if admin(bins, port, "SELECT 1").is_ok() {
            return Ok(server);
        }
        let exited = server
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        if exited.is_some() || Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.join(format!("{name}.err"))).unwrap_or_default();
            let tail: String = log.lines().rev().take(15).collect::<Vec<_>>().join("\n");
            return Err(format!(
                "mariadbd {name} did not start ({exited:?}): {tail}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts a replica of `primary` and waits until it has caught up.
fn start_replica(
    bins: &Bins,
    dir: &Path,
    primary: &MariaServer,
    id: u32,
) -> Result<MariaServer, String> {
    let replica = start_server(bins, dir, &format!("replica-{id}"), id, true)?;
    admin(
        bins,
        replica.port,
        &format!(
            "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {}, MASTER_USER = 'root', \
             MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1; \
             START SLAVE",
            primary.port
        ),
    )?;
    replica.catch_up_with(primary);
    Ok(replica)
}

/// Kills the servers and removes the directories that processes no longer running left.
pub(crate) fn clean_leftovers(base: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid_alive(pid) {
            continue;
        }
        kill_servers_in(&entry.path());
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// Starts the watcher: once this process is gone, it kills the servers whose pid files are in
/// `dir` and removes it.
pub(crate) fn spawn_watcher(dir: &Path) -> Result<(), String> {
    let script = format!(
        "while [ -d /proc/{pid} ]; do sleep 0.5; done; \
         for f in '{d}'/*.pid; do [ -f \"$f\" ] && kill -9 \"$(cat \"$f\")\"; done; \
         sleep 0.5; rm -rf '{d}'",
        pid = std::process::id(),
        d = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("watcher: {e}"))
}

pub(crate) fn kill_servers_in(dir: &Path) {
    let Ok(files) = std::fs::read_dir(dir) else {
        return;
    };
    for file in files.flatten() {
        let path = file.path();
        if path.extension().is_some_and(|e| e == "pid") {
            if let Some(pid) = std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| t.trim().parse::<u32>().ok())
            {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        }
    }
}

fn start() -> Result<MariaPair, String> {
    let bins = Bins::find()?;
    let base = std::env::temp_dir();
    clean_leftovers(&base, "aksara-mariadb-");
    let dir = base.join(format!("aksara-mariadb-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    spawn_watcher(&dir)?;

    let mut install = Command::new(&bins.install_db);
    install
        .arg("--no-defaults")
        .arg(format!("--datadir={}", dir.join("template").display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .args(COMMON);
    if bins.root {
        install.arg("--user=root");
    }
    run(install, "mariadb-install-db")?;

    let primary = start_server(&bins, &dir, "primary", 1, false)?;
    admin(
        &bins,
        primary.port,
        &format!(
            "CREATE USER '{APP_USER}'@'%'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, \
             INDEX, ALTER, REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES, CREATE VIEW, \
             SHOW VIEW, SLAVE MONITOR ON *.* TO '{APP_USER}'@'%'"
        ),
    )?;
    let replica = start_replica(&bins, &dir, &primary, 2)?;
    Ok(MariaPair {
        primary,
        replica,
        dir,
    })
}
