//! Real schemas are untidy: quoted mixed-case and unicode names, reserved words as names,
//! tables without a primary key (browsed, not followed to), composite keys and composite
//! foreign keys, binary, JSON, array and enum columns, views, types nobody decodes. The
//! explorer opens and pages all of it, shows NULL, the empty string and the text `NULL`
//! apart, and never panics. Pages of two rows make every grid read several keyset pages
//! (sorted by a decimal, an enum, unicode text).

mod common;

use aksara_tui::{Settings, Target};
use common::{loud, Backend, Driver, TestDb};

fn script(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            r#"
            CREATE TYPE mood AS ENUM ('happy', 'sad');
            CREATE TABLE "Ünïcode Tablé" (
                "Id" serial PRIMARY KEY, "Nämé" text, "select" text, "Order" int, feeling mood,
                tags int[], doc jsonb, raw bytea, ip inet, span interval, price numeric(10,2));
            INSERT INTO "Ünïcode Tablé" ("Nämé", "select", "Order", feeling, tags, doc, raw, ip, span, price) VALUES
                ('Zoë', 'NULL', 1, 'happy', '{1,NULL,3}', '{"a": [1, 2], "b": "text"}', '\x00ff10', '10.0.0.1', '1 day 2 hours', 12.50),
                ('', NULL, 2, 'sad', '{}', 'null', '', NULL, NULL, NULL),
                (NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.99),
                ('Ådne', 'x', 4, 'happy', '{7}', '[]', '\x01', NULL, NULL, 12.50),
                ('Émile', 'y', 5, 'sad', NULL, '{}', NULL, NULL, NULL, 3.00);
            CREATE TABLE "group" ("user" int, "from" text);
            INSERT INTO "group" VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE TABLE pair (a int, b int, label text, PRIMARY KEY (a, b));
            INSERT INTO pair VALUES (1, 1, 'one-one'), (1, 2, 'one-two'), (2, 1, 'two-one'), (2, 2, 'two-two'), (3, 1, 'three-one');
            CREATE TABLE pair_ref (id serial PRIMARY KEY, pa int, pb int, note text, FOREIGN KEY (pa, pb) REFERENCES pair (a, b));
            INSERT INTO pair_ref (pa, pb, note) VALUES (1, 2, 'points at one-two'), (NULL, NULL, 'points nowhere');
            CREATE VIEW "Vue" AS SELECT "Id", "Nämé" FROM "Ünïcode Tablé";
        "#
        }
        Backend::Mysql => {
            r#"
            CREATE TABLE `Ünïcode Tablé` (
                `Id` int AUTO_INCREMENT PRIMARY KEY, `Nämé` text, `select` text, `Order` int,
                feeling ENUM('happy', 'sad'), doc JSON, raw BLOB, bits BIT(8), span TIME, price DECIMAL(10,2));
            INSERT INTO `Ünïcode Tablé` (`Nämé`, `select`, `Order`, feeling, doc, raw, bits, span, price) VALUES
                ('Zoë', 'NULL', 1, 'happy', '{"a": [1, 2], "b": "text"}', x'00ff10', b'101', '26:00:00', 12.50),
                ('', NULL, 2, 'sad', 'null', '', NULL, NULL, NULL),
                (NULL, '', NULL, NULL, NULL, NULL, NULL, NULL, 0.99),
                ('Ådne', 'x', 4, 'happy', '[]', x'01', NULL, NULL, 12.50),
                ('Émile', 'y', 5, 'sad', '{}', NULL, NULL, NULL, 3.00);
            CREATE TABLE `group` (`user` int, `from` text);
            INSERT INTO `group` VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE TABLE pair (a int, b int, label text, PRIMARY KEY (a, b));
            INSERT INTO pair VALUES (1, 1, 'one-one'), (1, 2, 'one-two'), (2, 1, 'two-one'), (2, 2, 'two-two'), (3, 1, 'three-one');
            CREATE TABLE pair_ref (id int AUTO_INCREMENT PRIMARY KEY, pa int, pb int, note text, FOREIGN KEY (pa, pb) REFERENCES pair (a, b));
            INSERT INTO pair_ref (pa, pb, note) VALUES (1, 2, 'points at one-two'), (NULL, NULL, 'points nowhere');
            CREATE VIEW `Vue` AS SELECT `Id`, `Nämé` FROM `Ünïcode Tablé`;
        "#
        }
        Backend::Sqlite => {
            r#"
            CREATE TABLE "Ünïcode Tablé" (
                "Id" INTEGER PRIMARY KEY, "Nämé" TEXT, "select" TEXT, "Order" INTEGER, feeling TEXT,
                doc JSON, raw BLOB, odd WHATEVER, price DECIMAL(10,2));
            INSERT INTO "Ünïcode Tablé" ("Nämé", "select", "Order", feeling, doc, raw, odd, price) VALUES
                ('Zoë', 'NULL', 1, 'happy', '{"a": [1, 2], "b": "text"}', x'00ff10', 42, 12.50),
                ('', NULL, 2, 'sad', 'null', x'', 'text in an odd column', NULL),
                (NULL, '', NULL, NULL, NULL, NULL, x'0102', 0.99),
                ('Ådne', 'x', 4, 'happy', '[]', x'01', NULL, 12.50),
                ('Émile', 'y', 5, 'sad', '{}', NULL, NULL, 3.00);
            CREATE TABLE "group" ("user" INTEGER, "from" TEXT);
            INSERT INTO "group" VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE TABLE pair (a INTEGER, b INTEGER, label TEXT, PRIMARY KEY (a, b));
            INSERT INTO pair VALUES (1, 1, 'one-one'), (1, 2, 'one-two'), (2, 1, 'two-one'), (2, 2, 'two-two'), (3, 1, 'three-one');
            CREATE TABLE pair_ref (id INTEGER PRIMARY KEY, pa INTEGER, pb INTEGER, note TEXT, FOREIGN KEY (pa, pb) REFERENCES pair (a, b));
            INSERT INTO pair_ref (pa, pb, note) VALUES (1, 2, 'points at one-two'), (NULL, NULL, 'points nowhere');
            CREATE VIEW "Vue" AS SELECT "Id", "Nämé" FROM "Ünïcode Tablé";
        "#
        }
    }
}

fn screen(d: &mut Driver) -> String {
    d.screen(160, 30)
}

fn assert_no_error(d: &mut Driver, step: &str) {
    let message = d.app.message().filter(|m| m.error).map(|m| m.text.clone());
    assert!(message.is_none(), "{step}: {message:?}\n{}", screen(d));
}

fn robust(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let test = format!("robust_{}", backend.name());
    let Some(t) = rt.block_on(TestDb::new(backend, &test)) else {
        return;
    };
    let db = rt.block_on(t.connect());
    rt.block_on(db.batch_execute(script(backend)))
        .expect("create the untidy schema");
    drop(db);
    let mut d = Driver::with_settings(Target::Url(t.url.clone()), Settings { page_size: 2 });
    if let Some(e) = d.app.connect_error() {
        if e.contains("cannot list") {
            loud(&format!("SKIPPING {test}: {e}"));
            return;
        }
        panic!("{e}");
    }
    let tables = screen(&mut d);
    for name in ["Ünïcode Tablé", "group", "pair", "pair_ref", "Vue"] {
        assert!(tables.contains(name), "{name} listed:\n{tables}");
    }
    assert!(tables.contains("no key"), "group has no key:\n{tables}");
    assert!(tables.contains("view"), "{tables}");

    // The unicode table: every row read two at a time, NULL / '' / 'NULL' apart.
    d.keys("/ünï<Enter><Enter>");
    assert_no_error(&mut d, "open the unicode table");
    d.keys("G");
    let s = screen(&mut d);
    assert!(s.contains("row 5 of 5"), "{s}");
    d.keys("gg");
    let s = screen(&mut d);
    // SQLite keeps a DECIMAL as a float.
    let price = if backend == Backend::Sqlite {
        "12.5"
    } else {
        "12.50"
    };
    for needle in [
        "Nämé",
        "select",
        "Order",
        "Zoë",
        "\"NULL\"",
        "\"\"",
        "x'00ff10' (3 B)",
        price,
    ] {
        assert!(s.contains(needle), "{needle:?}:\n{s}");
    }
    let first_row = s.lines().find(|l| l.contains("Zoë")).unwrap();
    let second_row = s.lines().find(|l| l.starts_with("2 ")).unwrap_or_default();
    assert!(second_row.contains("NULL"), "a NULL select: {second_row}");
    assert!(first_row.contains("\"NULL\""), "the text NULL: {first_row}");
    if backend == Backend::Postgres {
        assert!(s.contains("{1,NULL,3}"), "an int[] array:\n{s}");
        assert!(s.contains("happy"), "an enum:\n{s}");
        assert!(s.contains(r#"{"a":[1,2],"b":"text"}"#), "jsonb:\n{s}");
    }

    // Sorted by each column in turn, both ways: decimals, enums, unicode text, NULLs.
    let columns = match d.app.view() {
        Some(aksara_tui::screens::View::Grid(g)) => g.columns().len(),
        _ => panic!("a grid"),
    };
    for column in 0..columns {
        for direction in ["ascending", "descending"] {
            d.keys("s");
            assert_no_error(&mut d, &format!("sort column {column} {direction}"));
            d.keys("G");
            let s = screen(&mut d);
            assert!(
                s.contains("row 5 of 5"),
                "sorted by column {column} {direction}, all rows reached:\n{s}"
            );
            d.keys("gg");
        }
        d.keys("sl");
    }
    // A filter on the unicode column, with a unicode value.
    d.keys("gg");
    for _ in 0..columns {
        d.keys("h");
    }
    d.keys("l/ÉMI<Enter>");
    assert_no_error(&mut d, "filter");
    let s = screen(&mut d);
    assert!(s.contains("Émile") && s.contains("row 1 of 1"), "{s}");
    d.keys("<Enter>");
    assert_no_error(&mut d, "detail");
    assert!(
        d.crumbs().ends_with("Ünïcode Tablé: Émile"),
        "{}",
        d.crumbs()
    );
    d.keys("<BS>/<BS><BS><BS><Enter>gg<Enter>/doc<Enter>");
    let s = screen(&mut d);
    assert!(
        s.contains("\"a\": ["),
        "JSON pretty in the value pane:\n{s}"
    );
    d.keys("/raw<Enter>");
    let s = screen(&mut d);
    assert!(
        s.contains("3 bytes") && s.contains("00 ff 10"),
        "a hex dump:\n{s}"
    );

    // A table without a key, with reserved words for names: browsed with OFFSET paging.
    d.keys("<Esc><Esc><Esc>");
    assert_eq!(d.crumbs(), "tables");
    d.keys("/group<Enter><Enter>");
    assert_no_error(&mut d, "open group");
    d.keys("G");
    let s = screen(&mut d);
    assert!(
        s.contains("user") && s.contains("from") && s.contains("row 3 of 3"),
        "{s}"
    );
    d.keys("<Enter>");
    assert_no_error(&mut d, "a keyless row's detail");

    // A composite key, and a composite foreign key followed to its row.
    d.keys("<Esc><Esc>/pair<Enter><Enter>G");
    let s = screen(&mut d);
    assert!(s.contains("three-one") && s.contains("row 5 of 5"), "{s}");
    d.keys("<Esc>/pair_ref<Enter><Enter><Enter>");
    let fk = d
        .app
        .catalog()
        .unwrap()
        .tables
        .iter()
        .find(|t| t.table == "pair_ref")
        .and_then(|t| t.composite_foreign_keys.first())
        .map(|fk| fk.name.clone())
        .expect("the composite foreign key is known");
    d.keys(&format!("/{fk}<Enter>"));
    let s = screen(&mut d);
    assert!(
        s.contains("one-two"),
        "the composite key's target label:\n{s}"
    );
    d.keys("<Enter>");
    assert_no_error(&mut d, "follow the composite key");
    assert!(
        d.crumbs().ends_with(&format!("{fk}: one-two")),
        "{}",
        d.crumbs()
    );
    // And back: the pair lists the rows whose composite key points at it.
    d.keys("/pair_ref<Enter>");
    let s = screen(&mut d);
    assert!(
        s.contains("← pair_ref (composite)") && s.contains("1 row"),
        "the reverse of the composite key, counted:\n{s}"
    );
    d.keys("<Enter>");
    assert_no_error(&mut d, "list the rows of the reverse composite key");
    let s = screen(&mut d);
    assert!(
        s.contains("points at one-two")
            && !s.contains("points nowhere")
            && s.contains("row 1 of 1"),
        "{s}"
    );
    d.keys("<BS>");
    // The row whose composite key is NULL points nowhere.
    d.keys("<BS><BS>j<Enter>");
    d.keys(&format!("/{fk}<Enter><Enter>"));
    let message = d.app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(message.contains("NULL"), "{message}");

    // A view: browsed.
    d.keys("<Esc><Esc><Esc>/vue<Enter><Enter>G");
    assert_no_error(&mut d, "open the view");
    let s = screen(&mut d);
    assert!(s.contains("Émile"), "{s}");
}

#[test]
fn robust_schema_postgres() {
    robust(Backend::Postgres);
}

#[test]
fn robust_schema_mysql() {
    robust(Backend::Mysql);
}

#[test]
fn robust_schema_sqlite() {
    robust(Backend::Sqlite);
}
