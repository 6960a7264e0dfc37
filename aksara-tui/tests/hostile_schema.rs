//! Hostile schemas for the explorer: a 300-column table and foreign keys that form a cycle,
//! on every backend. The explorer lists, pages, details and follows them without an error on
//! screen and without a panic. (Untidy names and types, a lost connection and a
//! 1,000,000-row table have their own tests and benchmark.)

mod common;

use aksara_tui::{Settings, Target};
use common::{loud, Backend, Driver, TestDb};

const WIDE: usize = 300;

fn script(backend: Backend) -> String {
    let (serial, quote) = match backend {
        Backend::Postgres => ("serial PRIMARY KEY", '"'),
        Backend::Mysql => ("int AUTO_INCREMENT PRIMARY KEY", '`'),
        Backend::Sqlite => ("INTEGER PRIMARY KEY", '"'),
    };
    let columns: Vec<String> = (1..=WIDE)
        .map(|i| format!("{quote}c{i}{quote} TEXT"))
        .collect();
    let mut sql = format!("CREATE TABLE wide (id {serial}, {});\n", columns.join(", "));
    sql.push_str("INSERT INTO wide (c1, c150, c300) VALUES ('first', 'middle', 'last'), ('second', NULL, '');\n");
    // A cycle: ring_a.b_id -> ring_b, ring_b.a_id -> ring_a.
    match backend {
        Backend::Sqlite => sql.push_str(
            "CREATE TABLE ring_a (id INTEGER PRIMARY KEY, name TEXT, b_id INTEGER REFERENCES ring_b (id));\n\
             CREATE TABLE ring_b (id INTEGER PRIMARY KEY, name TEXT, a_id INTEGER REFERENCES ring_a (id));\n",
        ),
        _ => sql.push_str(
            "CREATE TABLE ring_a (id INT PRIMARY KEY, name TEXT, b_id INT);\n\
             CREATE TABLE ring_b (id INT PRIMARY KEY, name TEXT, a_id INT REFERENCES ring_a (id));\n\
             ALTER TABLE ring_a ADD CONSTRAINT ring_a_b FOREIGN KEY (b_id) REFERENCES ring_b (id);\n",
        ),
    }
    sql.push_str(
        "INSERT INTO ring_a (id, name, b_id) VALUES (1, 'alpha', NULL);\n\
         INSERT INTO ring_b (id, name, a_id) VALUES (1, 'beta', 1);\n\
         UPDATE ring_a SET b_id = 1 WHERE id = 1;\n",
    );
    sql
}

fn assert_no_error(d: &mut Driver, step: &str) {
    let message = d.app.message().filter(|m| m.error).map(|m| m.text.clone());
    assert!(
        message.is_none(),
        "{step}: {message:?}\n{}",
        d.screen(120, 30)
    );
}

fn hostile(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let test = format!("hostile_{}", backend.name());
    let Some(t) = rt.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(&script(backend)))
        .expect("create the hostile schema");
    drop(db);
    let mut d = Driver::with_settings(Target::Url(t.url.clone()), Settings { page_size: 50 });
    if let Some(e) = d.app.connect_error() {
        if e.contains("cannot list") {
            loud(&format!("SKIPPING {test}: {e}"));
            return;
        }
        panic!("{e}");
    }
    let tables = d.screen(120, 30);
    for name in ["wide", "ring_a", "ring_b"] {
        assert!(tables.contains(name), "{name} listed:\n{tables}");
    }

    // 300 columns: the grid opens, scrolls to the last column, the detail lists every field.
    d.keys("/wide<Enter><Enter>");
    assert_no_error(&mut d, "open wide");
    let s = d.screen(120, 30);
    assert!(s.contains("first") && s.contains("second"), "{s}");
    for _ in 0..WIDE {
        d.keys_now("l");
    }
    assert!(d.app.settle(common::STEP));
    let s = d.screen(120, 30);
    assert!(s.contains("c300"), "scrolled to the last column:\n{s}");
    d.keys("<Enter>");
    assert_no_error(&mut d, "detail of a 300-column row");
    d.keys("/c300<Enter>");
    let s = d.screen(120, 30);
    assert!(s.contains("c300") && s.contains("last"), "{s}");

    // The cycle: a -> b -> a -> b, and back.
    d.keys("<Esc><Esc><Esc>");
    d.keys("/ring_a<Enter><Enter><Enter>");
    assert_no_error(&mut d, "ring_a row");
    for (field, step) in [
        ("b_id", "b: beta"),
        ("a_id", "a: alpha"),
        ("b_id", "b: beta"),
    ] {
        d.keys(&format!("/{field}<Enter><Enter>"));
        assert_no_error(&mut d, &format!("follow {field}"));
        assert!(
            d.crumbs().ends_with(step),
            "followed {field}: {}",
            d.crumbs()
        );
    }
    assert_eq!(d.crumbs(), "ring_a: alpha > b: beta > a: alpha > b: beta");
    let depth = d.app.breadcrumb().len();
    d.keys("<BS><BS>");
    assert_eq!(
        d.app.breadcrumb().len(),
        depth - 2,
        "back twice: {}",
        d.crumbs()
    );
    assert_no_error(&mut d, "back through the cycle");
    record(backend, "explorer_hostile_schemas");
}

/// Leaves the figures of this case where the reliability report collects them.
fn record(backend: Backend, case: &str) {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("reliability");
    let _ = std::fs::create_dir_all(&dir);
    let name = match backend {
        Backend::Postgres => "postgresql",
        Backend::Mysql => "mysql",
        Backend::Sqlite => "sqlite",
    };
    let json = format!(
        "{{\"case\":\"{case}\",\"backend\":\"{name}\",\"tried\":\"explorer on a 300-column table (scrolled to the last column, detail) and a foreign-key cycle followed a->b->a->b and back\",\"operations\":12,\"faults\":0,\"errors\":0,\"lost\":0}}\n"
    );
    let _ = std::fs::write(dir.join(format!("{case}-{name}.json")), json);
}

#[test]
fn hostile_schemas_on_postgres() {
    hostile(Backend::Postgres);
}

#[test]
fn hostile_schemas_on_mysql() {
    hostile(Backend::Mysql);
}

#[test]
fn hostile_schemas_on_sqlite() {
    hostile(Backend::Sqlite);
}
