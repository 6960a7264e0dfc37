//! A two-node MariaDB Galera cluster on loopback ports, started once per test process, for
//! the tests of certification conflicts.
//!
//! In `$TMPDIR/aksara-galera-<pid>/`: a data directory made with `mariadb-install-db` and
//! copied for each node; the first node bootstraps the cluster (`--wsrep-new-cluster`), the
//! second joins it and receives its state by `rsync` (the `wsrep_sst_rsync` script). Each
//! node has its own SQL, group (`gmcast.listen_addr`), incremental-transfer and state-transfer
//! port. Run as root, the nodes run as the `mysql` OS user (the state transfer's rsync daemon
//! would otherwise drop to `nobody`, which cannot write the data directory). A watcher
//! removes everything once the test process ends, as in [`crate::mariadb_replica`].
//!
//! Needs `libgalera_smm.so` (`AKSARA_GALERA_PROVIDER`, else `/usr/lib/galera/` or
//! `/usr/lib/galera-4/`) and `rsync` besides the MariaDB binaries; missing ones skip the tests
//! loudly outside CI, and fail them with `CI=true`.

use crate::mariadb_replica::{
    admin, clean_leftovers, find, server_command, spawn_watcher, Bins, MariaServer, APP_USER,
    COMMON,
};
use crate::replica::{free_port, in_ci, run};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The running cluster.
#[derive(Debug)]
pub struct Galera {
    /// Its nodes; each takes writes.
    pub nodes: Vec<MariaServer>,
}

/// The cluster, started on the first call of the process; `None` (after a loud message) when
/// a binary is missing outside CI. Panics with `CI=true` when one is missing, and whenever
/// starting the nodes fails.
pub fn galera(test: &str) -> Option<&'static Galera> {
    static CLUSTER: OnceLock<Result<Galera, String>> = OnceLock::new();
    match CLUSTER.get_or_init(start) {
        Ok(cluster) => Some(cluster),
        Err(why) if !in_ci() && why.starts_with("missing:") => {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! SKIPPING {test}: cannot start a Galera cluster ({why})\n"
            );
            None
        }
        Err(why) => panic!("cannot start a Galera cluster: {why}"),
    }
}

fn provider() -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("AKSARA_GALERA_PROVIDER") {
        return Ok(PathBuf::from(path));
    }
    [
        "/usr/lib/galera/libgalera_smm.so",
        "/usr/lib/galera-4/libgalera_smm.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .ok_or_else(|| "missing: no libgalera_smm.so".to_string())
}

struct Ports {
    sql: u16,
    group: u16,
    ist: u16,
    sst: u16,
}

fn start() -> Result<Galera, String> {
    let bins = Bins::find()?;
    let provider = provider()?;
    find("rsync")?;
    find("wsrep_sst_rsync")?;
    let base = std::env::temp_dir();
    clean_leftovers(&base, "aksara-galera-");
    let dir = base.join(format!("aksara-galera-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    spawn_watcher(&dir)?;
    let os_user = if bins.root { Some("mysql") } else { None };

    let mut install = Command::new(&bins.install_db);
    install
        .arg("--no-defaults")
        .arg(format!("--datadir={}", dir.join("template").display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .args(COMMON);
    if let Some(user) = os_user {
        install.arg(format!("--user={user}"));
    }
    run(install, "mariadb-install-db")?;

    let mut ports = Vec::new();
    let mut taken = Vec::new();
    for _ in 0..2 {
        let mut next = || -> Result<u16, String> {
            loop {
                let port = free_port()?;
                if !taken.contains(&port) {
                    taken.push(port);
                    return Ok(port);
                }
            }
        };
        ports.push(Ports {
            sql: next()?,
            group: next()?,
            ist: next()?,
            sst: next()?,
        });
    }
    let members = ports
        .iter()
        .map(|p| format!("127.0.0.1:{}", p.group))
        .collect::<Vec<_>>()
        .join(",");
    for (i, _) in ports.iter().enumerate() {
        let mut copy = Command::new("cp");
        copy.arg("-r")
            .arg(dir.join("template"))
            .arg(dir.join(format!("node{i}")));
        run(copy, "copy the data directory")?;
    }
    if let Some(user) = os_user {
        let mut chown = Command::new("chown");
        chown.arg("-R").arg(format!("{user}:{user}")).arg(&dir);
        run(chown, "chown")?;
    }
    let mut nodes = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        nodes.push(start_node(&bins, &dir, &provider, &members, i, p, os_user)?);
    }
    admin(
        &bins,
        nodes[0].port,
        &format!("CREATE USER '{APP_USER}'@'%'; GRANT ALL PRIVILEGES ON *.* TO '{APP_USER}'@'%'"),
    )?;
    Ok(Galera { nodes })
}

fn start_node(
    bins: &Bins,
    dir: &Path,
    provider: &Path,
    members: &str,
    i: usize,
    p: &Ports,
    os_user: Option<&str>,
) -> Result<MariaServer, String> {
    let name = format!("node{i}");
    let data = dir.join(&name);
    let mut server = server_command(bins, dir, &name, &data, p.sql, i as u32 + 1);
    server
        .args(COMMON)
        .args(["--binlog-format=ROW", "--innodb-autoinc-lock-mode=2"])
        .args(["--wsrep-on=ON", "--wsrep-sst-method=rsync"])
        .arg(format!("--wsrep-provider={}", provider.display()))
        .arg(format!("--wsrep-cluster-address=gcomm://{members}"))
        .arg(format!("--wsrep-node-address=127.0.0.1:{}", p.group))
        .arg(format!("--wsrep-node-incoming-address=127.0.0.1:{}", p.sql))
        .arg(format!("--wsrep-sst-receive-address=127.0.0.1:{}", p.sst))
        .arg(format!(
            "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{};\
             ist.recv_addr=127.0.0.1:{};gcache.size=32M",
            p.group, p.ist
        ));
    if i == 0 {
        server.arg("--wsrep-new-cluster");
    }
    if let Some(user) = os_user {
        server.arg(format!("--user={user}"));
    }
    let child = server
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("mariadbd: {e}"))?;
    let mut node = MariaServer {
        port: p.sql,
        child: Some(child),
        data,
        bins: bins.clone(),
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let synced = admin(
            bins,
            p.sql,
            "SHOW STATUS WHERE Variable_name = 'wsrep_local_state_comment'",
        )
        .is_ok_and(|out| out.contains("Synced"));
        if synced {
            return Ok(node);
        }
        let exited = node
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        if exited.is_some() || Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.join(format!("{name}.err"))).unwrap_or_default();
            let tail: String = log.lines().rev().take(15).collect::<Vec<_>>().join("\n");
            return Err(format!("Galera {name} did not start ({exited:?}): {tail}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
