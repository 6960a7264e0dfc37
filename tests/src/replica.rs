//! A PostgreSQL primary and a hot standby of it, started once per test process from the
//! installed server binaries, for the read-replica tests.
//!
//! Both servers live in `$TMPDIR/aksara-replica-<pid>/` (data directories, logs, sockets) and
//! listen on free loopback ports; the machine's own cluster (port 5432) and its configuration
//! are never touched. The primary is made with `initdb` (`wal_level = replica`, a trust line
//! for replication from 127.0.0.1), the standby with `pg_basebackup -R` from it. When run as
//! root, the server programs run as the `postgres` OS user (`runuser -u postgres --`).
//!
//! Stopping: a watcher process started with the servers waits for the test process to end,
//! then stops both servers (`pg_ctl stop -m immediate`) and removes the directory. Should the
//! watcher itself die, the next start removes what a dead process left behind.
//!
//! Further standbys of the same primary ([`extra_standby`]) are made the same way, for tests
//! that stop or pause one; each is stopped and removed when dropped.
//!
//! Binaries: `AKSARA_PG_BIN` names their directory, else the newest
//! `/usr/lib/postgresql/*/bin`. Missing ones skip the tests loudly outside CI; with
//! `CI=true` they fail them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The running pair.
#[derive(Debug)]
pub struct ReplicaPair {
    /// The primary's URL (database `postgres`).
    pub primary_url: String,
    /// The standby's URL (database `postgres`).
    pub standby_url: String,
    /// The directory holding both servers.
    pub dir: PathBuf,
    primary_port: u16,
    bin: PathBuf,
    root: bool,
}

/// A further standby of the shared primary, stopped (and its data removed) when dropped.
#[derive(Debug)]
pub struct Standby {
    /// Its URL (database `postgres`).
    pub url: String,
    data: PathBuf,
    bin: PathBuf,
    root: bool,
    running: bool,
    log: PathBuf,
}

impl Standby {
    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`): its connections drop, new ones
    /// are refused.
    pub fn kill(&mut self) {
        if std::mem::take(&mut self.running) {
            let mut stop = as_server_user(self.root, &self.bin.join("pg_ctl"));
            stop.arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "stop"]);
            run(stop, "pg_ctl stop (standby)").unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

impl Drop for Standby {
    fn drop(&mut self) {
        if self.running {
            self.running = false;
            let mut stop = as_server_user(self.root, &self.bin.join("pg_ctl"));
            stop.arg("-D")
                .arg(&self.data)
                .args(["-m", "immediate", "-w", "stop"]);
            let _ = run(stop, "pg_ctl stop (standby)");
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// A further standby of the shared primary (`pg_basebackup -R` from it, on a free port),
/// for a test that stops or pauses it; `None` as for [`replica_pair`].
pub fn extra_standby(test: &str) -> Option<Standby> {
    extra_standby_with(test, "")
}

/// [`extra_standby`] with `settings` appended to its `postgresql.conf`
/// (`max_standby_streaming_delay = 50ms`).
pub fn extra_standby_with(test: &str, settings: &str) -> Option<Standby> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let pair = replica_pair(test)?;
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = pair.dir.join(format!("standby-{n}"));
    let port = free_port().unwrap_or_else(|e| panic!("{e}"));
    start_standby(
        &pair.bin,
        pair.root,
        pair.primary_port,
        &data,
        port,
        &pair.dir,
        settings,
    )
    .unwrap_or_else(|e| panic!("cannot start a further standby: {e}"));
    Some(Standby {
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        data,
        bin: pair.bin.clone(),
        root: pair.root,
        running: true,
        log: pair.dir.join(format!("standby-{n}.log")),
    })
}

/// `pg_basebackup -R` of the primary into `data`, started on `port`.
fn start_standby(
    bin: &Path,
    root: bool,
    primary_port: u16,
    data: &Path,
    port: u16,
    dir: &Path,
    settings: &str,
) -> Result<(), String> {
    let mut basebackup = as_server_user(root, &bin.join("pg_basebackup"));
    basebackup
        .arg("-D")
        .arg(data)
        .args(["-R", "-X", "stream", "-h", "127.0.0.1", "-U", "postgres"])
        .args(["-p", &primary_port.to_string()]);
    run(basebackup, "pg_basebackup")?;
    append(
        &data.join("postgresql.conf"),
        &format!("\nport = {port}\n{settings}\n"),
    )?;
    let name = data
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("standby");
    let mut start = as_server_user(root, &bin.join("pg_ctl"));
    start
        .arg("-D")
        .arg(data)
        .arg("-l")
        .arg(dir.join(format!("{name}.log")))
        .args(["-w", "-t", "60", "start"]);
    run(start, "pg_ctl start (standby)")
}

pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The pair, started on the first call of the process; `None` (after a loud message) when
/// the server binaries are missing outside CI. Panics with `CI=true` when they are missing,
/// and whenever starting them fails.
pub fn replica_pair(test: &str) -> Option<&'static ReplicaPair> {
    static PAIR: OnceLock<Result<ReplicaPair, String>> = OnceLock::new();
    match PAIR.get_or_init(start) {
        Ok(pair) => Some(pair),
        Err(why) if !in_ci() && why.starts_with("missing:") => {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPING {test}: no PostgreSQL server binaries to start a primary and a \
                 standby ({why})\n"
            );
            None
        }
        Err(why) => panic!("cannot start a PostgreSQL primary and standby: {why}"),
    }
}

fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("AKSARA_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("missing: /usr/lib/postgresql: {e}"))?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "missing: no /usr/lib/postgresql/*/bin/initdb".to_string())
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The command line running `program` as the server's OS user.
fn as_server_user(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

pub(crate) fn run(mut command: Command, what: &str) -> Result<(), String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

pub(crate) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

pub(crate) fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Stops the servers and removes the directories that processes no longer running left.
fn clean_leftovers(base: &Path, bin: &Path, root: bool) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("aksara-replica-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid_alive(pid) {
            continue;
        }
        let mut datas: Vec<PathBuf> = std::fs::read_dir(entry.path())
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        // Standbys first, then the primary.
        datas.sort_by_key(|d| d.ends_with("primary"));
        for dir in datas {
            if dir.join("postmaster.pid").exists() {
                let mut stop = as_server_user(root, &bin.join("pg_ctl"));
                stop.arg("-D")
                    .arg(&dir)
                    .args(["-m", "immediate", "-w", "stop"]);
                let _ = run(stop, "pg_ctl stop");
            }
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

fn start() -> Result<ReplicaPair, String> {
    let bin = bin_dir()?;
    for program in ["initdb", "pg_ctl", "pg_basebackup", "postgres"] {
        if !bin.join(program).exists() {
            return Err(format!("missing: {}", bin.join(program).display()));
        }
    }
    let root = is_root();
    let base = std::env::temp_dir();
    clean_leftovers(&base, &bin, root);
    let dir = base.join(format!("aksara-replica-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if root {
        let mut chown = Command::new("chown");
        chown.arg("postgres:postgres").arg(&dir);
        run(chown, "chown")?;
    }
    // The watcher: once this process is gone, stop both servers and remove the directory.
    let primary = dir.join("primary");
    let standby = dir.join("standby");
    let runner = if root { "runuser -u postgres -- " } else { "" };
    let pg_ctl = bin.join("pg_ctl");
    let script = format!(
        "while [ -d /proc/{pid} ]; do sleep 0.5; done; \
         for s in '{d}'/standby*; do {runner}'{ctl}' -D \"$s\" -m immediate -w stop; done; \
         {runner}'{ctl}' -D '{p}' -m immediate -w stop; \
         rm -rf '{d}'",
        pid = std::process::id(),
        ctl = pg_ctl.display(),
        p = primary.display(),
        d = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("watcher: {e}"))?;

    let primary_port = free_port()?;
    let mut standby_port = free_port()?;
    while standby_port == primary_port {
        standby_port = free_port()?;
    }

    let mut initdb = as_server_user(root, &bin.join("initdb"));
    initdb.arg("-D").arg(&primary).args([
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
    ]);
    run(initdb, "initdb")?;
    let conf = format!(
        "\n# aksara replica tests\nport = {primary_port}\nlisten_addresses = '127.0.0.1'\n\
         unix_socket_directories = '{dir}'\nwal_level = replica\nmax_wal_senders = 12\n\
         hot_standby = on\nwal_keep_size = 256MB\nfsync = off\nfull_page_writes = off\nmax_connections = 150\n\
         shared_buffers = 32MB\n",
        dir = dir.display()
    );
    append(&primary.join("postgresql.conf"), &conf)?;
    append(
        &primary.join("pg_hba.conf"),
        "\nhost replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n",
    )?;
    let mut start_primary = as_server_user(root, &pg_ctl);
    start_primary
        .arg("-D")
        .arg(&primary)
        .arg("-l")
        .arg(dir.join("primary.log"))
        .args(["-w", "-t", "60", "start"]);
    run(start_primary, "pg_ctl start (primary)")?;

    start_standby(&bin, root, primary_port, &standby, standby_port, &dir, "")?;

    Ok(ReplicaPair {
        primary_url: format!("postgres://postgres@127.0.0.1:{primary_port}/postgres"),
        standby_url: format!("postgres://postgres@127.0.0.1:{standby_port}/postgres"),
        dir,
        primary_port,
        bin,
        root,
    })
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}
