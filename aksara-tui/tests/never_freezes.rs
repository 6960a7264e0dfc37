//! The screen never waits for the database: a query made slow on purpose (a view whose rows
//! call PostgreSQL's `pg_sleep` or MySQL's `SLEEP`) keeps running while keys are handled at
//! once; Ctrl-C cancels it on the server (it is gone from `pg_stat_activity` /
//! `PROCESSLIST`); a lost connection shows an error and the next action connects again.

mod common;

use aksara::Value;
use aksara_tui::Target;
use common::{Backend, Driver, TestDb};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn as_count(rows: &[Vec<Value>]) -> i64 {
    match rows.first().and_then(|r| r.first()) {
        Some(Value::I64(n)) => *n,
        Some(Value::I32(n)) => i64::from(*n),
        other => panic!("not a count: {other:?}"),
    }
}

/// The explorer's active queries on the slow view, seen from the server.
fn active_slow_queries(runtime: &tokio::runtime::Runtime, t: &TestDb, name: &str) -> i64 {
    let admin = t.admin.as_ref().expect("an admin handle");
    let (sql, bind) = match t.backend {
        Backend::Postgres => (
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = {} AND state = 'active' \
             AND query LIKE '%slow_rows%' AND pid <> pg_backend_pid()",
            name,
        ),
        _ => (
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = {} AND COMMAND IN ('Query', 'Execute') \
             AND INFO LIKE '%slow_rows%' AND ID <> CONNECTION_ID()",
            name,
        ),
    };
    let rows = runtime
        .block_on(admin.raw(sql, [Value::from(bind)]))
        .expect("read the server's running queries");
    as_count(&rows)
}

/// Opens a view whose rows sleep (PostgreSQL `pg_sleep`, MySQL `SLEEP`), checks that keys and
/// drawing stay instant while it runs, then that Ctrl-C stops it on the server.
fn slow_query_cancel(backend: Backend) {
    let rt = runtime();
    let test = format!("slow_query_cancel_{}", backend.name());
    let name = format!("tui_{test}");
    let Some(t) = rt.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    let script = match backend {
        Backend::Postgres => {
            "CREATE FUNCTION slow_value(x int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT x FROM pg_sleep(0.3) $$; \
             CREATE VIEW slow_rows AS SELECT slow_value(g) AS id, 'row ' || g AS label FROM generate_series(1, 100) g;"
        }
        _ => {
            "CREATE TABLE numbers (n int PRIMARY KEY); \
             INSERT INTO numbers WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100) SELECT n FROM g; \
             CREATE VIEW slow_rows AS SELECT n AS id, SLEEP(0.3) AS slept FROM numbers;"
        }
    };
    rt.block_on(db.batch_execute(script))
        .expect("create the slow view");
    drop(db);

    let mut d = Driver::new(Target::Url(t.url.clone()));
    assert!(d.app.catalog().is_some(), "{:?}", d.app.connect_error());
    d.keys("/slow_rows<Enter>");
    d.keys_now("<Enter>");
    assert!(d.app.busy(), "opening the view starts a query");

    // The query is running on the server.
    let deadline = Instant::now() + Duration::from_secs(10);
    while active_slow_queries(&rt, &t, &name) == 0 {
        assert!(
            Instant::now() < deadline,
            "the slow query never showed on the server"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Keys are handled at once while it runs: help opens and closes, the cursor moves, the
    // screen draws with the spinner and the Ctrl-C hint.
    for (keys, check) in [("?", true), ("?", false)] {
        let started = Instant::now();
        d.keys_now(keys);
        assert!(
            started.elapsed() < Duration::from_millis(200),
            "a key took {:?}",
            started.elapsed()
        );
        assert_eq!(d.app.help_open(), check);
    }
    d.keys_now("jjk");
    let started = Instant::now();
    let screen = d.screen(100, 30);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "drawing took {:?}",
        started.elapsed()
    );
    assert!(screen.contains("reading"), "{screen}");
    assert!(screen.contains("Ctrl-C"), "{screen}");
    assert!(d.app.busy(), "still running");

    // Ctrl-C: nothing waited for any more, and the server query is gone.
    d.keys_now("<C-c>");
    assert!(!d.app.busy());
    assert_eq!(d.app.message().map(|m| m.text.as_str()), Some("cancelled"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while active_slow_queries(&rt, &t, &name) > 0 {
        assert!(
            Instant::now() < deadline,
            "the slow query still runs on the server 5 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = d.screen(100, 30);
    assert!(screen.contains("cancelled"), "{screen}");
    // The app is still usable.
    d.keys("<BS>/slow<Enter>");
    assert_eq!(d.crumbs(), "tables");
}

/// SQLite: a view that counts to half a billion keeps its statement busy; Ctrl-C interrupts it
/// (`sqlite3_interrupt`), and the very next table opens at once, with no "shared transaction
/// state" error.
#[test]
fn ctrl_c_interrupts_a_running_sqlite_statement() {
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(Backend::Sqlite, "ctrl_c_sqlite")) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE quick (id INTEGER PRIMARY KEY, label TEXT NOT NULL); \
         INSERT INTO quick VALUES (1, 'one'), (2, 'two'); \
         CREATE VIEW slow_rows AS WITH RECURSIVE g(n) AS \
           (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 500000000) \
           SELECT n AS id FROM g WHERE n = 499999999;",
    ))
    .expect("create the slow view");
    drop(db);

    let mut d = Driver::new(Target::Url(t.url.clone()));
    assert!(d.app.catalog().is_some(), "{:?}", d.app.connect_error());
    d.keys("/slow_rows<Enter>");
    d.keys_now("<Enter>");
    std::thread::sleep(Duration::from_millis(300));
    d.app.drain();
    assert!(d.app.busy(), "the slow view is still being read");

    d.keys_now("<C-c>");
    assert!(!d.app.busy());
    assert_eq!(d.app.message().map(|m| m.text.as_str()), Some("cancelled"));
    // The next table answers promptly: the interrupted statement no longer holds the
    // connection (before, it ran on and the next query failed for as long).
    let started = Instant::now();
    d.keys("<BS>/quick<Enter><Enter>");
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("two") && !screen.contains("shared transaction state"),
        "{screen}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the next table took {:?}",
        started.elapsed()
    );
    assert!(
        d.app.message().is_none_or(|m| !m.error),
        "{:?}",
        d.app.message()
    );
}

/// A request sent right after Ctrl-C (the next table opened at once) is not cancelled with
/// the requests that were running: its answer arrives. Before, the worker read the set of
/// running requests on the cancelling task, after it had already started the new one, and
/// aborted it too, so the explorer waited for an answer that never came.
fn a_request_right_after_ctrl_c_is_answered(backend: Backend) {
    let rt = runtime();
    let test = format!("after_ctrl_c_{}", backend.name());
    let Some(t) = rt.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE after_cancel (id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL); \
         INSERT INTO after_cancel VALUES (1, 'one'), (2, 'two');",
    ))
    .expect("create the table");
    drop(db);

    let worker = aksara_tui::worker::Worker::spawn(Target::Url(t.url.clone()));
    worker.send(1, aksara_tui::jobs::Job::Connect);
    let connected = worker
        .recv_timeout(Duration::from_secs(30))
        .expect("connected");
    assert_eq!(connected.generation, 1);
    assert!(connected.result.is_ok(), "{:?}", connected.result.err());
    for round in 0..20u64 {
        let generation = 2 + round;
        worker.cancel();
        worker.send(
            generation,
            aksara_tui::jobs::Job::Total {
                model: "after_cancel".into(),
                conditions: Vec::new(),
                cap: 1000,
            },
        );
        let answer = worker
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("round {round}: no answer to the request sent after Ctrl-C"));
        assert_eq!(answer.generation, generation);
        match answer.result {
            Ok(aksara_tui::jobs::Outcome::Total(aksara_tui::jobs::Count::Exact(2))) => {}
            Ok(_) => panic!("round {round}: not the total of 2 rows"),
            Err(e) => panic!("round {round}: {e}"),
        }
    }
}

#[test]
fn a_request_right_after_ctrl_c_is_answered_on_sqlite() {
    a_request_right_after_ctrl_c_is_answered(Backend::Sqlite);
}

#[test]
fn a_request_right_after_ctrl_c_is_answered_on_postgres() {
    a_request_right_after_ctrl_c_is_answered(Backend::Postgres);
}

#[test]
fn a_request_right_after_ctrl_c_is_answered_on_mysql() {
    a_request_right_after_ctrl_c_is_answered(Backend::Mysql);
}

#[test]
fn a_slow_query_keeps_the_keys_alive_and_ctrl_c_cancels_it_on_postgres() {
    slow_query_cancel(Backend::Postgres);
}

#[test]
fn a_slow_query_keeps_the_keys_alive_and_ctrl_c_cancels_it_on_mysql() {
    slow_query_cancel(Backend::Mysql);
}

/// A TCP proxy on the loopback interface in front of the database, which the test can cut
/// (closing every connection and refusing new ones) and restore.
struct Proxy {
    port: u16,
    enabled: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().unwrap().port();
        let enabled = Arc::new(AtomicBool::new(true));
        let connections: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (on, open) = (enabled.clone(), connections.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if !on.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut open = open.lock().unwrap();
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
                open.push(client);
                open.push(server);
            }
        });
        Proxy {
            port,
            enabled,
            connections,
        }
    }

    fn cut(&self) {
        self.enabled.store(false, Ordering::SeqCst);
        for c in self.connections.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.enabled.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_lost_connection_shows_an_error_and_the_next_action_reconnects() {
    let rt = runtime();
    let name = "tui_lost_connection";
    let Some(t) = rt.block_on(TestDb::new(Backend::Postgres, "lost_connection")) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE thing (id int PRIMARY KEY, name text); \
         INSERT INTO thing SELECT g, 'thing ' || g FROM generate_series(1, 5) g;",
    ))
    .expect("create a table");
    drop(db);
    // The explorer reaches the server through a proxy the test can cut.
    let (scheme, rest) = t.url.split_once("://").unwrap();
    let (user, rest) = rest.split_once('@').unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let upstream = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:5432")
    };
    let proxy = Proxy::start(upstream);
    let url = format!("{scheme}://{user}@127.0.0.1:{}/{path}", proxy.port);
    let mut d = Driver::new(Target::Url(url));
    d.keys("/thing<Enter><Enter>");
    assert!(d.screen(100, 30).contains("thing 1"));

    // The server ends the explorer's connections: the pool notices and the next read works.
    let admin = t.admin.as_ref().unwrap();
    let terminated = rt
        .block_on(admin.raw(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = {} AND pid <> pg_backend_pid()",
            [Value::from(name)],
        ))
        .expect("terminate the explorer's connections");
    assert!(
        !terminated.is_empty(),
        "the explorer's connections were found"
    );
    std::thread::sleep(Duration::from_millis(200));
    d.keys("r");
    d.keys("r");
    assert!(d.screen(100, 30).contains("thing 5"));

    // The network goes away: the next action shows the error, and the app stays usable.
    proxy.cut();
    d.keys("r");
    let message = d.app.message().cloned().expect("an error is shown");
    assert!(
        message.error && message.text.contains("connect"),
        "{message:?}"
    );
    let screen = d.screen(100, 30);
    assert!(screen.contains("Could not read the rows"), "{screen}");
    d.keys("jk?<Esc>");
    assert!(!d.app.should_quit());

    // It comes back: the next action connects again.
    proxy.restore();
    d.keys("r");
    assert!(
        d.app.message().is_none_or(|m| !m.error),
        "{:?}",
        d.app.message()
    );
    let screen = d.screen(100, 30);
    assert!(
        screen.contains("thing 1") && screen.contains("thing 5"),
        "{screen}"
    );
}
