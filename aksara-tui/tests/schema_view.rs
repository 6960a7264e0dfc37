//! The schema view (`S`) and the relation diagram (`D`): on the demo as snapshots, and on a
//! small library schema on each backend, read from the backend's own catalog (columns with
//! types, NULL and defaults, indexes, the DDL) and its relations both ways.

mod common;

use aksara_tui::screens::View;
use aksara_tui::Target;
use common::{redact, Backend, Driver, TestDb};

fn snapshot(driver: &mut Driver, name: &str) {
    for (width, height) in [(100, 30), (64, 18)] {
        let terminal = driver.terminal(width, height);
        let text = redact(&terminal.backend().to_string());
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
    }
}

#[test]
fn demo_schema_and_diagram() {
    let mut d = Driver::demo("schema_demo");
    d.keys("/posts<Enter>S");
    assert_eq!(d.crumbs(), "schema of posts");
    let screen = d.screen(100, 30);
    assert!(screen.contains("Columns (7)"), "{screen}");
    assert!(screen.contains("author_id → users.id"), "{screen}");
    snapshot(&mut d, "posts_schema");
    // Further down: the DDL SQLite keeps.
    d.keys("G");
    let screen = d.screen(100, 30);
    assert!(screen.contains("CREATE TABLE"), "{screen}");
    snapshot(&mut d, "posts_schema_end");
    // y copies the DDL.
    d.keys("y");
    assert!(d.app.message().unwrap().text.contains("the DDL of posts"));
    assert_eq!(d.app.take_clipboard().len(), 1);

    // The diagram from there: users and categories on the left, tags on the right.
    d.keys("D");
    assert_eq!(d.crumbs(), "schema of posts > relations of posts");
    snapshot(&mut d, "posts_diagram");
    let screen = d.screen(100, 30);
    for table in ["users", "categories", "tags"] {
        assert!(screen.contains(&format!("│ {table}")), "{table}: {screen}");
    }
    // Enter on the first neighbour draws its own diagram; Esc comes back.
    d.keys("<Enter>");
    assert_eq!(
        d.crumbs(),
        "schema of posts > relations of posts > relations of users"
    );
    d.keys("<Esc><Esc><Esc>");
    assert_eq!(d.crumbs(), "tables");
    // From a grid too, and from a record.
    d.keys("/users<Enter><Enter>D");
    assert_eq!(d.crumbs(), "users > relations of users");
    d.keys("<Esc><Enter>S");
    let crumbs = d.crumbs();
    assert!(
        crumbs.starts_with("users: ") && crumbs.ends_with(" > schema of users"),
        "{crumbs}"
    );
}

fn script(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "CREATE TABLE authors (id serial PRIMARY KEY, name varchar(80) NOT NULL UNIQUE);
             CREATE TABLE books (id serial PRIMARY KEY,
                 author_id int NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
                 title text NOT NULL DEFAULT 'untitled', pages int);
             CREATE INDEX books_title_idx ON books (title, pages);
             CREATE VIEW long_books AS SELECT id, title FROM books WHERE pages > 300;
             CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
             CREATE TRIGGER books_touch BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION keep_row();
             CREATE TABLE readings (day date NOT NULL, book_id int NOT NULL) PARTITION BY RANGE (day);"
        }
        Backend::Mysql => {
            "CREATE TABLE authors (id int AUTO_INCREMENT PRIMARY KEY, name varchar(80) NOT NULL UNIQUE);
             CREATE TABLE books (id int AUTO_INCREMENT PRIMARY KEY, author_id int NOT NULL,
                 title varchar(200) NOT NULL DEFAULT 'untitled', pages int,
                 FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE);
             CREATE INDEX books_title_idx ON books (title, pages);
             CREATE VIEW long_books AS SELECT id, title FROM books WHERE pages > 300;
             CREATE TRIGGER books_touch BEFORE INSERT ON books FOR EACH ROW SET NEW.pages = NEW.pages;"
        }
        Backend::Sqlite => {
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name varchar(80) NOT NULL UNIQUE);
             CREATE TABLE books (id INTEGER PRIMARY KEY,
                 author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
                 title TEXT NOT NULL DEFAULT 'untitled', pages INTEGER);
             CREATE INDEX books_title_idx ON books (title, pages);
             CREATE VIEW long_books AS SELECT id, title FROM books WHERE pages > 300;
             CREATE TRIGGER books_touch AFTER INSERT ON books BEGIN SELECT 1; END;"
        }
    }
}

fn schema_on(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(backend, "schema_view")) else {
        return;
    };
    rt.block_on(async {
        t.connect()
            .await
            .batch_execute(script(backend))
            .await
            .expect("the library schema")
    });
    let mut d = Driver::new(Target::Url(t.url.clone()));
    assert!(d.app.catalog().is_some(), "{:?}", d.app.connect_error());
    d.keys("/books<Enter>S");
    let name = backend.name();
    let Some(View::Schema(view)) = d.app.view() else {
        panic!("{name}: not the schema view: {}", d.crumbs())
    };
    let data = view
        .data()
        .unwrap_or_else(|| panic!("{name}: {:?}", view.status()));
    let columns: Vec<(&str, bool)> = data
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.nullable))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", false),
            ("author_id", false),
            ("title", false),
            ("pages", true)
        ],
        "{name}"
    );
    let title = &data.columns[2];
    assert!(
        title
            .default
            .as_deref()
            .is_some_and(|d| d.contains("untitled")),
        "{name}: {title:?}"
    );
    assert!(
        data.columns[0]
            .default
            .as_deref()
            .is_none_or(|d| d.contains("nextval") || d.contains("auto_increment")),
        "{name}: {:?}",
        data.columns[0]
    );
    assert!(
        data.columns[3].default.is_none(),
        "{name}: {:?}",
        data.columns[3]
    );
    let primary = &data.indexes[0];
    assert!(
        primary.primary && primary.unique && primary.columns == "id",
        "{name}: {primary:?}"
    );
    let by_title = data
        .indexes
        .iter()
        .find(|i| i.name == "books_title_idx")
        .unwrap_or_else(|| panic!("{name}: {:?}", data.indexes));
    assert_eq!(by_title.columns, "title, pages", "{name}");
    assert!(!by_title.unique, "{name}");
    let ddl = data.ddl.to_lowercase();
    assert!(
        ddl.contains("create table") && ddl.contains("books"),
        "{name}: {ddl}"
    );
    assert!(
        ddl.contains("untitled") && ddl.contains("references"),
        "{name}: {ddl}"
    );
    if backend != Backend::Mysql {
        // MySQL's SHOW CREATE TABLE writes the index as a KEY clause instead.
        assert!(
            ddl.contains("create index books_title_idx"),
            "{name}: {ddl}"
        );
    } else {
        assert!(
            ddl.contains("key `books_title_idx` (`title`,`pages`)"),
            "{name}: {ddl}"
        );
    }
    // The table's trigger, after its DDL.
    assert!(
        ddl.contains("trigger") && ddl.contains("books_touch"),
        "{name}: {ddl}"
    );
    let screen = d.screen(120, 40);
    assert!(
        screen.contains("author_id → authors.id"),
        "{name}: {screen}"
    );
    assert!(screen.contains("on delete CASCADE"), "{name}: {screen}");
    assert!(screen.contains("PK"), "{name}: {screen}");

    // The other way: authors lists the books pointing at it, and its unique name.
    d.keys("<Esc>/authors<Enter>S");
    let screen = d.screen(120, 40);
    assert!(screen.contains("books.author_id → id"), "{name}: {screen}");
    assert!(screen.contains("unique"), "{name}: {screen}");
    // Its diagram: books on the right, joined by the reverse relation's name.
    d.keys("D");
    let screen = d.screen(120, 40);
    assert!(screen.contains("│ books"), "{name}: {screen}");
    assert!(
        screen.contains("┤ authors") || screen.contains("├"),
        "{name}: {screen}"
    );

    d.keys("<Esc><Esc>");
    if backend == Backend::Postgres {
        // A partitioned table says how it is partitioned.
        d.keys("/readings<Enter>S");
        let Some(View::Schema(view)) = d.app.view() else {
            panic!("not the schema view: {}", d.crumbs())
        };
        let ddl = view.data().map(|d| d.ddl.clone()).unwrap_or_default();
        assert!(ddl.contains("PARTITION BY RANGE (day)"), "{ddl}");
        d.keys("<Esc>");
    }

    // A view: its columns, no index, and the view's definition as its DDL.
    d.keys("/long_books<Enter>S");
    let Some(View::Schema(view)) = d.app.view() else {
        panic!("{name}: not the schema view: {}", d.crumbs())
    };
    let data = view
        .data()
        .unwrap_or_else(|| panic!("{name}: {:?}", view.status()));
    let columns: Vec<&str> = data.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "title"], "{name}");
    assert!(data.indexes.is_empty(), "{name}: {:?}", data.indexes);
    let ddl = data.ddl.to_lowercase();
    assert!(
        ddl.contains("view") && ddl.contains("long_books") && ddl.contains("300"),
        "{name}: {ddl}"
    );
}

#[test]
fn schema_on_postgres() {
    schema_on(Backend::Postgres);
}

#[test]
fn schema_on_mysql() {
    schema_on(Backend::Mysql);
}

#[test]
fn schema_on_sqlite() {
    schema_on(Backend::Sqlite);
}

#[test]
fn the_binary_draws_the_schema_and_the_diagram_in_a_real_terminal() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(t) = rt.block_on(TestDb::new(Backend::Sqlite, "schema_tmux")) else {
        return;
    };
    rt.block_on(async {
        t.connect()
            .await
            .batch_execute(script(Backend::Sqlite))
            .await
            .expect("the library schema")
    });
    let data = std::env::temp_dir().join(format!("aksara-tui-schema-{}", std::process::id()));
    let env = [
        ("XDG_DATA_HOME", data.display().to_string()),
        (
            "AKSARA_CONFIG",
            data.join("none.toml").display().to_string(),
        ),
    ];
    let command = format!("{} '{}'", env!("CARGO_BIN_EXE_aksara-tui"), t.url);
    let Some(tmux) = common::tmux::Tmux::start("aksara-schema", &command, &env) else {
        return;
    };
    tmux.wait_for("3 of 3 tables");
    tmux.keys(&["/books", "Enter", "S"]);
    let screen = tmux.wait_for("Columns (4)");
    assert!(screen.contains("books_title_idx"), "{screen}");
    assert!(screen.contains("author_id → authors.id"), "{screen}");
    tmux.keys(&["G"]);
    let screen = tmux.wait_for("CREATE INDEX books_title_idx");
    assert!(screen.contains("DEFAULT 'untitled'"), "{screen}");
    tmux.keys(&["D"]);
    let screen = tmux.wait_for("│ authors");
    assert!(screen.contains("author"), "{screen}");
    assert!(screen.contains("relations of books"), "{screen}");
    tmux.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&data);
}
