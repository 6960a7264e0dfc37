//! `:schema`: the other schemas of a PostgreSQL database and the other databases of a MariaDB
//! server are listed and browsable (snapshots of the table list after the switch).

mod common;

use aksara_tui::screens::View;
use aksara_tui::Target;
use common::{private_data_home, Backend, Driver, TestDb};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The message line (the line above the hints).
fn message_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2].to_string()
}

/// The screen without its title line (it holds the URL, which differs between servers).
fn body(screen: &str) -> String {
    screen.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// Explores `first`, then lists the schemas and opens `second`, whose tables replace the
/// first's; a name that is not there is refused.
fn switch(backend: Backend, t: &TestDb, first: &str, second: &str, noun: &str) -> Driver {
    let mut d = Driver::new(Target::Url(t.url.clone()));
    assert!(d.app.catalog().is_some(), "{:?}", d.app.connect_error());
    assert!(d.app.catalog().unwrap().table("customer").is_some());
    d.keys(":schema<Enter>");
    // The whole message (the line shows as much as fits).
    let message = d.app.message().expect("the list").text.clone();
    assert!(
        message.contains(&format!("{noun}s: ")) && message.contains(&format!("{first} (this one)")),
        "{backend:?}: {message}"
    );
    assert!(message.contains(second), "{backend:?}: {message}");
    d.keys(":schema no_such_schema_here<Enter>");
    let s = d.screen(140, 20);
    assert!(
        message_line(&s).contains(&format!("no {noun} called no_such_schema_here")),
        "{backend:?}: {s}"
    );
    assert!(d.app.catalog().unwrap().table("customer").is_some());
    d.keys(&format!(":schema {second}<Enter>"));
    let catalog = d.app.catalog().expect("the other schema's catalog");
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["orders", "region"], "{backend:?}");
    assert!(matches!(d.app.view(), Some(View::Tables(_))));
    assert!(
        d.screen(100, 30).lines().next().unwrap().contains(second),
        "{backend:?}: the title names the schema explored"
    );
    // Its rows read from the other schema, and its relations are followed.
    d.keys("<Enter>");
    assert_eq!(d.crumbs(), "orders");
    d.keys("<Enter>");
    let s = d.screen(100, 20);
    assert!(s.contains("North"), "{backend:?}: {s}");
    // The SQL prompt runs there too.
    d.keys(":select count(*) as n from region<Enter>");
    let s = d.screen(100, 20);
    assert!(!message_line(&s).contains("error"), "{backend:?}: {s}");
    d.keys("<Esc>");
    // The foreign key into the first schema says where it points, and Enter follows it:
    // the first schema is explored again, on the row pointed at.
    d.keys("/customer_id<Enter>");
    let s = d.screen(100, 20);
    assert!(s.contains(&format!("→ {first}.custom")), "{backend:?}: {s}");
    d.keys("<Enter>");
    let s = d.screen(100, 20);
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains(&format!("{noun} {first} on")),
        "{backend:?}: {s}"
    );
    assert_eq!(d.crumbs(), "customer_id: Ada", "{backend:?}");
    assert!(s.contains("Ada"), "{backend:?}: {s}");
    assert!(d.app.catalog().unwrap().table("customer").is_some());
    // Back: the first schema's tables.
    d.keys("<Esc>");
    assert_eq!(d.crumbs(), "tables", "{backend:?}");
    d.keys(&format!(":schema {second}<Enter>"));
    d
}

#[test]
fn another_postgres_schema_is_browsable() {
    private_data_home();
    let rt = runtime();
    let Some(t) = rt.block_on(TestDb::new(Backend::Postgres, "schemas_pg")) else {
        return;
    };
    let admin = t.admin.as_ref().unwrap();
    let first = "tui_schemas_pg";
    let second = "tui_schemas_pg_sales";
    rt.block_on(admin.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {second} CASCADE; CREATE SCHEMA {second};
         CREATE TABLE {first}.customer (id integer PRIMARY KEY, name text NOT NULL);
         INSERT INTO {first}.customer VALUES (1, 'Ada');
         CREATE TABLE {second}.region (id integer PRIMARY KEY, name text NOT NULL);
         CREATE TABLE {second}.orders (id integer PRIMARY KEY,
             region_id integer NOT NULL REFERENCES {second}.region (id),
             customer_id integer REFERENCES {first}.customer (id), total integer NOT NULL);
         INSERT INTO {second}.region VALUES (1, 'North');
         INSERT INTO {second}.orders VALUES (10, 1, 1, 250);"
    )))
    .unwrap();
    let mut d = switch(Backend::Postgres, &t, first, second, "schema");
    insta::assert_snapshot!("other_schema_tables_pg_100x30", body(&d.screen(100, 30)));
    rt.block_on(admin.raw_execute(&format!("DROP SCHEMA {second} CASCADE"), []))
        .unwrap();
}

#[test]
fn another_mariadb_database_is_browsable() {
    private_data_home();
    let rt = runtime();
    // A failed run's second database references the first, which could not be dropped.
    if let Ok(server) = rt.block_on(aksara::connect(
        &common::mysql_url(),
        aksara::Registry::empty(),
    )) {
        let _ =
            rt.block_on(server.raw_execute("DROP DATABASE IF EXISTS `tui_schemas_my_sales`", []));
    }
    let Some(t) = rt.block_on(TestDb::new(Backend::Mysql, "schemas_my")) else {
        return;
    };
    let admin = t.admin.as_ref().unwrap();
    let first = "tui_schemas_my";
    let second = "tui_schemas_my_sales";
    rt.block_on(admin.raw_execute(&format!("DROP DATABASE IF EXISTS `{second}`"), []))
        .unwrap();
    for statement in [
        format!("CREATE DATABASE `{second}`"),
        format!("CREATE TABLE `{first}`.customer (id integer PRIMARY KEY, name text NOT NULL)"),
        format!("INSERT INTO `{first}`.customer VALUES (1, 'Ada')"),
        format!("CREATE TABLE `{second}`.region (id integer PRIMARY KEY, name text NOT NULL)"),
        format!(
            "CREATE TABLE `{second}`.orders (id integer PRIMARY KEY, \
             region_id integer NOT NULL REFERENCES `{second}`.region (id), \
             customer_id integer REFERENCES `{first}`.customer (id), total integer NOT NULL)"
        ),
        format!("INSERT INTO `{second}`.region VALUES (1, 'North')"),
        format!("INSERT INTO `{second}`.orders VALUES (10, 1, 1, 250)"),
    ] {
        rt.block_on(admin.raw_execute(&statement, [])).unwrap();
    }
    let mut d = switch(Backend::Mysql, &t, first, second, "database");
    insta::assert_snapshot!(
        "other_database_tables_mysql_100x30",
        body(&d.screen(100, 30))
    );
    rt.block_on(admin.raw_execute(&format!("DROP DATABASE `{second}`"), []))
        .unwrap();
}

#[test]
fn sqlite_says_it_has_one_database() {
    private_data_home();
    let mut d = Driver::demo("schemas_sqlite");
    // From a grid: the answer is the message line's, the grid stays as it was.
    d.keys("/posts<Enter><Enter>");
    d.keys(":schema<Enter>");
    let s = d.screen(120, 20);
    assert!(message_line(&s).contains("one database per file"), "{s}");
    assert_eq!(d.crumbs(), "posts");
    match d.app.view() {
        Some(View::Grid(g)) => {
            assert_eq!(g.status(), &aksara_tui::screens::Status::Ready);
            assert_eq!(g.window().len(), 8);
        }
        other => panic!("not the grid: {other:?}"),
    }
}
