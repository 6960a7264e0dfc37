//! The SQL prompt (`:`): a query's result in the grid (snapshots on the demo), its errors in
//! the message line, the row cap, following a key from a result row, the history per
//! database (Up / Down, kept across runs), Ctrl-C, and statements that write refused on all
//! three backends.

mod common;

use aksara::Value;
use aksara_tui::screens::{Status, View};
use aksara_tui::Target;
use common::{private_data_home, redact, Backend, Driver, TestDb};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn sql_view(d: &Driver) -> &aksara_tui::screens::SqlView {
    match d.app.view() {
        Some(View::Sql(v)) => v,
        other => panic!("not an SQL result: {other:?}"),
    }
}

/// The message line (the line above the hints).
fn message_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2].to_string()
}

#[test]
fn a_query_shows_in_the_grid() {
    private_data_home();
    let mut d = Driver::demo("sql_grid");
    // The prompt, as typed.
    d.keys(":select title, published from posts where published = 1 order by title");
    let text = redact(&d.terminal(100, 30).backend().to_string());
    insta::assert_snapshot!("sql_prompt_100x30", text);
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "SQL");
    let v = sql_view(&d);
    assert_eq!(v.status(), &Status::Ready);
    let result = v.result().expect("a result");
    assert_eq!(result.columns, ["title", "published"]);
    assert_eq!(result.rows.len(), 6);
    assert_eq!(result.rows[0][0], Value::from("Async Rust in Practice"));
    // The cursor moves over rows and columns like a table's.
    d.keys("jl");
    for (width, height) in [(100, 30), (64, 18)] {
        let text = redact(&d.terminal(width, height).backend().to_string());
        insta::assert_snapshot!(format!("sql_result_{width}x{height}"), text);
    }
    let s = d.screen(100, 30);
    assert!(
        s.contains("row 2 of 6 rows · column 2/2 published · read only"),
        "{s}"
    );
    // `:` on the result opens the prompt; Up brings the query back, to change it.
    d.keys(":");
    assert_eq!(d.app.prompt().expect("the prompt").input, "");
    d.keys("<Up>");
    assert!(d
        .app
        .prompt()
        .unwrap()
        .input
        .starts_with("select title, published"));
    d.keys("<Esc>");
    // Back to the tables.
    d.keys("<Esc>");
    assert_eq!(d.crumbs(), "tables");
}

#[test]
fn errors_show_in_the_message_line() {
    private_data_home();
    let mut d = Driver::demo("sql_errors");
    d.keys(":select nothing_here from posts<Enter>");
    let s = d.screen(100, 20);
    assert!(
        matches!(sql_view(&d).status(), Status::Failed(m) if m.contains("nothing_here")),
        "{s}"
    );
    let message = message_line(&s);
    assert!(message.contains("no such column: nothing_here"), "{s}");
    assert!(s.contains("The query failed"), "{s}");
    // An empty query runs nothing.
    d.keys(":<Enter>");
    assert!(d.screen(100, 20).contains("no query to run"));
}

#[test]
fn results_keep_the_first_thousand_rows_and_say_so() {
    private_data_home();
    let mut d = Driver::demo("sql_cap");
    d.keys(
        ":with recursive n(i) as (select 1 union all select i + 1 from n where i < 1500) select i from n<Enter>",
    );
    let result = sql_view(&d).result().expect("a result");
    assert_eq!(result.rows.len(), 1000);
    assert_eq!(result.returned, 1500);
    d.keys("G");
    let s = d.screen(100, 20);
    assert!(
        s.contains("row 1,000 of the first 1,000 rows of 1,500 (the SQL prompt keeps 1,000)"),
        "{s}"
    );
    assert!(s.contains("1000"), "{s}");
}

#[test]
fn enter_follows_a_foreign_key_column_of_a_result() {
    private_data_home();
    let mut d = Driver::demo("sql_follow");
    d.keys(":select author_id, title from posts where title = 'Async Rust in Practice'<Enter>");
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "SQL > author_id: Jane");
    assert!(matches!(d.app.view(), Some(View::Detail(_))));
    // `id` is every table's key: nothing is followed, and the message says why.
    d.keys("<Esc>:select id from users<Enter><Enter>");
    // A query run from a result opens a step of its own: Esc goes back to the one before.
    assert_eq!(d.crumbs(), "SQL > SQL");
    let s = d.screen(120, 20);
    assert!(message_line(&s).contains("`id` could point at"), "{s}");
}

#[test]
fn the_history_is_kept_per_database_and_walked_with_up_and_down() {
    private_data_home();
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(Backend::Sqlite, "sql_history")) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);"))
        .unwrap();
    drop(db);
    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys(":select 1 as one<Enter>");
    d.keys(":select 2 as two<Enter>");
    d.keys(":<Up>");
    assert_eq!(d.app.prompt().unwrap().input, "select 2 as two");
    d.keys("<Up>");
    assert_eq!(d.app.prompt().unwrap().input, "select 1 as one");
    d.keys("<Up>");
    assert_eq!(d.app.prompt().unwrap().input, "select 1 as one");
    d.keys("<Down>");
    assert_eq!(d.app.prompt().unwrap().input, "select 2 as two");
    d.keys("<Down>");
    assert_eq!(d.app.prompt().unwrap().input, "");
    d.keys("<Esc>");
    let file = d.app.sql_history().file().expect("a history file").clone();
    assert!(file.starts_with(std::env::var("XDG_DATA_HOME").unwrap()));
    assert!(
        file.to_string_lossy().contains("aksara/history/"),
        "{file:?}"
    );
    drop(d);
    // Another run on the same database finds them; another database has its own.
    let mut again = Driver::new(Target::Url(t.url.clone()));
    again.keys(":<Up>");
    assert_eq!(again.app.prompt().unwrap().input, "select 2 as two");
    let other = Driver::demo("sql_history_other");
    assert!(!other
        .app
        .sql_history()
        .entries()
        .contains(&"select 2 as two".to_string()));
}

/// `table_name` with one row, and statements that would change it.
fn writes(backend: Backend) -> Vec<&'static str> {
    let mut w = vec![
        "insert into kept (id) values (2)",
        "update kept set id = 3",
        "delete from kept",
        "drop table kept",
    ];
    if backend == Backend::Postgres {
        w.push("create table made_here (id int)");
    }
    w
}

fn writes_are_refused(backend: Backend, test: &str) {
    private_data_home();
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(backend, test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE kept (id integer PRIMARY KEY); INSERT INTO kept (id) VALUES (1);",
    ))
    .unwrap();
    let mut d = Driver::new(Target::Url(t.url.clone()));
    for statement in writes(backend) {
        d.keys(&format!(":{statement}<Enter>"));
        let s = d.screen(120, 20);
        assert!(
            matches!(sql_view(&d).status(), Status::Failed(_)),
            "{backend:?}: `{statement}` ran:\n{s}"
        );
        let message = message_line(&s).to_lowercase();
        assert!(
            message.contains("read-only")
                || message.contains("read only")
                || message.contains("readonly"),
            "{backend:?}: `{statement}`: {message}"
        );
        // A read still works after the refusal.
        d.keys(":select id from kept<Enter>");
        let result = sql_view(&d).result().expect("the read");
        assert_eq!(result.columns, ["id"], "{backend:?}: the column's name");
        assert_eq!(result.rows.len(), 1, "{backend:?}");
        assert_eq!(result.rows[0][0].as_i64(), Some(1), "{backend:?}");
    }
    let rows = rt
        .block_on(db.raw("SELECT COUNT(*), MIN(id) FROM kept", []))
        .expect("the table is still there");
    assert_eq!(rows[0][0].as_i64(), Some(1), "{backend:?}");
    assert_eq!(rows[0][1].as_i64(), Some(1), "{backend:?}");
    // The explorer's own reads are not made read-only by it... and its database is writable
    // for others: the SQL prompt's setting stays on its own connection.
    rt.block_on(db.raw_execute("INSERT INTO kept (id) VALUES (5)", []))
        .expect("others still write");
}

#[test]
fn writes_are_refused_on_sqlite() {
    writes_are_refused(Backend::Sqlite, "sql_read_only_sqlite");
}

#[test]
fn writes_are_refused_on_postgres() {
    writes_are_refused(Backend::Postgres, "sql_read_only_pg");
}

#[test]
fn writes_are_refused_on_mysql() {
    writes_are_refused(Backend::Mysql, "sql_read_only_mysql");
}

#[test]
fn ctrl_c_stops_a_running_query_and_the_next_one_runs() {
    private_data_home();
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(Backend::Postgres, "sql_cancel")) else {
        return;
    };
    let mut d = Driver::new(Target::Url(t.url.clone()));
    d.keys_now(":select pg_sleep(30) as slept<Enter>");
    // Wait until the server runs it.
    let admin = t.admin.as_ref().unwrap();
    let running = |rt: &tokio::runtime::Runtime| {
        rt.block_on(admin.raw(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'select pg_sleep(30)%' \
             AND state = 'active' AND application_name = {}",
            [Value::from("tui_sql_cancel")],
        ))
        .unwrap()[0][0]
            .as_i64()
            .unwrap()
    };
    let started = std::time::Instant::now();
    while running(&rt) == 0 {
        assert!(started.elapsed().as_secs() < 20, "the query never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(d.app.busy());
    d.keys("<C-c>");
    assert!(!d.app.busy());
    let s = d.screen(100, 20);
    assert!(message_line(&s).contains("cancelled"), "{s}");
    let started = std::time::Instant::now();
    while running(&rt) > 0 {
        assert!(
            started.elapsed().as_secs() < 10,
            "the query still runs on the server"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    d.keys(":select 7 as seven<Enter>");
    let result = sql_view(&d).result().expect("the next query answers");
    assert_eq!(result.rows[0][0].as_i64(), Some(7));
}

#[test]
fn ctrl_c_abandons_a_running_sqlite_query_and_the_next_one_is_still_read_only() {
    private_data_home();
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(Backend::Sqlite, "sql_cancel_sqlite")) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(
        "CREATE TABLE kept (id integer PRIMARY KEY); INSERT INTO kept (id) VALUES (1);",
    ))
    .unwrap();
    let mut d = Driver::new(Target::Url(t.url.clone()));
    // Counts to a billion: far longer than the test.
    d.keys_now(
        ":with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000000) select count(*) from n<Enter>",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(d.app.busy(), "the query is still running");
    d.keys("<C-c>");
    assert!(!d.app.busy());
    // The SQL connection was abandoned; the next query gets a new one, read-only as well.
    d.keys(":select id from kept<Enter>");
    let result = sql_view(&d).result().expect("the next query answers");
    assert_eq!(result.rows[0][0].as_i64(), Some(1));
    d.keys(":delete from kept<Enter>");
    let s = d.screen(120, 20);
    assert!(
        message_line(&s).contains("readonly"),
        "still read-only after the cancel:\n{s}"
    );
    let rows = rt
        .block_on(db.raw("SELECT COUNT(*) FROM kept", []))
        .unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(1));
}
