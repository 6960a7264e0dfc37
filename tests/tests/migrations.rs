//! Migrations on every backend: a sequence of model versions made into migration files,
//! applied to a database holding rows (every row kept), checked for drift, migrated back;
//! two runners at once; a changed applied migration; a failing migration.

use aksara::migrate::{
    self, Drift, Hints, MigrateError, Migration, Migrations, Operation, SqlPerBackend,
};
use aksara::{Model, Registry};
use aksara_tests::{backend_tests, TestDb};

mod migration_support;
use migration_support::models::{a1, a2, cycle, v1, v2, v3, v4, v5, v6, v7};
use migration_support::*;

async fn model_versions_keep_rows_and_end_without_drift(t: TestDb) {
    let dir = temp_dir(&t, "versions");
    let none = Hints::new();

    // v1, with three people.
    let r1 = registry::<v1::Person>();
    let migrations = make(&dir, &r1, "initial", &none);
    let db = t.connect(r1.clone()).await;
    assert_eq!(
        migrate::run(&db, &migrations).await.unwrap().applied,
        ["0001_initial"]
    );
    for name in ["Ann", "Bob", "Cy"] {
        v1::Person::build().name(name).create(&db).await.unwrap();
    }
    assert_no_drift(&db, "v1").await;

    // v2: a NOT NULL column with a default; existing rows get the default.
    let r2 = registry::<v2::Person>();
    let migrations = make(&dir, &r2, "add_nickname", &none);
    let db = t.connect(r2.clone()).await;
    assert_eq!(
        migrate::run(&db, &migrations).await.unwrap().applied,
        ["0002_add_nickname"]
    );
    assert_eq!(v2::Person::objects().count(&db).await.unwrap(), 3);
    let all = v2::Person::objects()
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert!(all.iter().all(|p| p.nickname == "none"), "{all:?}");
    assert_no_drift(&db, "v2").await;

    // v3: the nickname becomes nullable.
    let r3 = registry::<v3::Person>();
    let migrations = make(&dir, &r3, "nickname_nullable", &none);
    let db = t.connect(r3.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    db.raw_execute("UPDATE mg_people SET nickname = NULL WHERE name = 'Cy'", [])
        .await
        .expect("a NULL nickname is allowed now");
    assert_eq!(
        people(&db, "name", true).await,
        [
            ("Ann".to_string(), Some("none".to_string())),
            ("Bob".to_string(), Some("none".to_string())),
            ("Cy".to_string(), None),
        ]
    );
    assert_eq!(v3::Person::objects().count(&db).await.unwrap(), 3);
    assert_no_drift(&db, "v3").await;

    // v4: a team table and a SET_NULL foreign key to it.
    let r4 = registry::<v4::Person>();
    let migrations = make(&dir, &r4, "add_team", &none);
    assert!(migrations.list()[3]
        .operations
        .iter()
        .any(|op| matches!(op, Operation::AddForeignKey { references, .. } if references.on_delete == "SET NULL")));
    let db = t.connect(r4.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    let red = v4::Team::build().name("Red").create(&db).await.unwrap();
    let blue = v4::Team::build().name("Blue").create(&db).await.unwrap();
    db.raw_execute(
        "UPDATE mg_people SET team_id = {} WHERE name = 'Ann'",
        [red.id.into()],
    )
    .await
    .unwrap();
    db.raw_execute(
        "UPDATE mg_people SET team_id = {} WHERE name = 'Bob'",
        [blue.id.into()],
    )
    .await
    .unwrap();
    assert_eq!(count(&db, "mg_people").await, 3);
    assert_eq!(v4::Person::objects().count(&db).await.unwrap(), 3);
    assert_no_drift(&db, "v4").await;

    // v5: tags through an automatic junction table.
    let r5 = registry::<v5::Person>();
    let migrations = make(&dir, &r5, "add_tags", &none);
    let db = t.connect(r5.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    let tag = v5::Tag::build().label("admin").create(&db).await.unwrap();
    let ann = v5::Person::objects()
        .order_by(["id"])
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    ann.tags().add(&db, [&tag]).await.unwrap();
    assert_eq!(count(&db, "mg_people_tags").await, 1);
    assert_eq!(
        v5::Person::objects()
            .filter(aksara::q!(tags__label = "admin"))
            .count(&db)
            .await
            .unwrap(),
        1
    );
    assert_no_drift(&db, "v5").await;

    // v6: a declared rename keeps the values.
    let r6 = registry::<v6::Person>();
    let rename = Hints::new().rename_column("mg_people", "name", "full_name");
    let migrations = make(&dir, &r6, "rename_name", &rename);
    assert!(matches!(
        migrations.list()[5].operations.as_slice(),
        [Operation::RenameColumn { from, to, .. }] if from == "name" && to == "full_name"
    ));
    let db = t.connect(r6.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    assert_eq!(
        people(&db, "full_name", true).await,
        [
            ("Ann".to_string(), Some("none".to_string())),
            ("Bob".to_string(), Some("none".to_string())),
            ("Cy".to_string(), None),
        ]
    );
    assert_no_drift(&db, "v6").await;

    // v7: the nickname dropped; the rows, the team links and the tag links stay.
    let r7 = registry::<v7::Person>();
    let migrations = make(&dir, &r7, "drop_nickname", &none);
    let db = t.connect(r7.clone()).await;
    assert_eq!(
        migrate::run(&db, &migrations).await.unwrap().applied,
        ["0007_drop_nickname"]
    );
    assert_eq!(count(&db, "mg_people").await, 3);
    assert_eq!(count(&db, "mg_people_tags").await, 1);
    let names: Vec<String> = v7::Person::objects()
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.full_name)
        .collect();
    assert_eq!(names, ["Ann", "Bob", "Cy"]);
    assert_no_drift(&db, "v7").await;
    let history = migrate::history(&db).await.unwrap();
    assert_eq!(history.len(), 7);

    // The foreign key still sets NULL (it survived every change of the table).
    db.raw_execute("DELETE FROM mg_teams WHERE name = 'Blue'", [])
        .await
        .unwrap();
    let teams = db
        .raw("SELECT full_name, team_id FROM mg_people ORDER BY id", [])
        .await
        .unwrap();
    assert_eq!(int(&teams[0][1]), red.id);
    assert!(teams[1][1].is_null(), "{teams:?}");

    // Back to v5: the drop and the rename are undone; names are kept, nicknames come back
    // empty (their values went with the column).
    let report = migrate::run_to(&db, &migrations, "0005_add_tags")
        .await
        .unwrap();
    assert_eq!(report.reverted, ["0007_drop_nickname", "0006_rename_name"]);
    let db5 = t.connect(r5.clone()).await;
    assert_eq!(
        people(&db5, "name", true).await,
        [
            ("Ann".to_string(), None),
            ("Bob".to_string(), None),
            ("Cy".to_string(), None),
        ]
    );
    assert_eq!(count(&db5, "mg_people_tags").await, 1);
    assert_no_drift(&db5, "back at v5").await;
    assert_eq!(migrate::history(&db5).await.unwrap().len(), 5);

    // And forward again.
    let report = migrate::run(&db, &migrations).await.unwrap();
    assert_eq!(report.applied, ["0006_rename_name", "0007_drop_nickname"]);
    assert_no_drift(&db, "v7 again").await;
    std::fs::remove_dir_all(&dir).ok();
}

async fn two_runners_at_once_apply_once(t: TestDb) {
    let migrations = v1_to_v4();
    let registry = registry::<v4::Person>();
    // Two pools on the same database.
    let a = t.connect(registry.clone()).await;
    let b = t.connect(registry.clone()).await;
    let (ra, rb) = tokio::join!(migrate::run(&a, &migrations), migrate::run(&b, &migrations));
    let (ra, rb) = (ra.expect("runner a"), rb.expect("runner b"));
    let all: Vec<String> = migrations.list().iter().map(|m| m.name.clone()).collect();
    assert!(
        (ra.applied == all && rb.applied.is_empty())
            || (rb.applied == all && ra.applied.is_empty()),
        "one runner applies everything, the other nothing: {ra:?} {rb:?}"
    );
    assert_eq!(migrate::history(&a).await.unwrap().len(), 4);
    assert_no_drift(&a, "after two runners").await;
}

async fn a_changed_applied_migration_is_an_error(t: TestDb) {
    let migrations = v1_to_v4();
    let db = t.connect(registry::<v4::Person>()).await;
    migrate::run(&db, &migrations).await.unwrap();
    // 0002 edited after it was applied: a different default.
    let mut list = migrations.list().to_vec();
    let mut changed = list[1].clone();
    if let Operation::AddColumn { column, .. } = &mut changed.operations[0] {
        column.default = Some("other".into());
    } else {
        panic!("0002 adds the nickname: {:?}", changed.operations);
    }
    list[1] = Migration::new(
        changed.name.clone(),
        changed.dependencies.clone(),
        changed.operations,
    );
    let edited = Migrations::from_list(list).unwrap();
    match migrate::run(&db, &edited).await {
        Err(MigrateError::ChecksumMismatch { name, .. }) => assert_eq!(name, "0002_add_nickname"),
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
    // A file edited by hand is refused when read.
    let dir = temp_dir(&t, "checksum");
    let path = migrations.list()[0].write_to_dir(&dir).unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("100", "120");
    std::fs::write(&path, text).unwrap();
    match Migrations::from_dir(&dir) {
        Err(MigrateError::FileChecksum { name, .. }) => assert_eq!(name, "0001_initial"),
        other => panic!("expected a file checksum error, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).ok();
}

async fn a_failing_migration_is_not_recorded(t: TestDb) {
    let mut migrations = v1_to_v4();
    let db = t.connect(registry::<v4::Person>()).await;
    migrate::run(&db, &migrations).await.unwrap();
    db.raw_execute(
        "INSERT INTO mg_people (name, nickname) VALUES ('Ann', 'a')",
        [],
    )
    .await
    .unwrap();
    let last = migrations.list().last().unwrap().name.clone();
    migrations
        .push(Migration::new(
            "0005_broken",
            [last],
            vec![
                Operation::RunSql {
                    sql: SqlPerBackend::all(["UPDATE mg_people SET nickname = 'x'"]),
                    reverse: Some(SqlPerBackend::default()),
                },
                Operation::RunSql {
                    sql: SqlPerBackend::all(["UPDATE no_such_table SET x = 1"]),
                    reverse: None,
                },
            ],
        ))
        .unwrap();
    let mysql = t.backend() == aksara_tests::Backend::Mysql;
    match migrate::run(&db, &migrations).await {
        Err(MigrateError::Failed {
            name,
            index,
            partially_applied,
            ..
        }) => {
            assert_eq!(name, "0005_broken");
            assert_eq!(index, 1);
            assert_eq!(partially_applied, mysql, "only MySQL/MariaDB keep a part");
        }
        other => panic!("expected the broken migration to fail, got {other:?}"),
    }
    let history: Vec<String> = migrate::history(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.name)
        .collect();
    assert_eq!(
        history,
        [
            "0001_initial",
            "0002_add_nickname",
            "0003_nickname_nullable",
            "0004_add_team"
        ],
        "the migrations before the broken one stay applied, the broken one is not recorded"
    );
    // Its first statement was rolled back with it, where DDL is transactional.
    let nickname = db.raw("SELECT nickname FROM mg_people", []).await.unwrap();
    let expected = if mysql { "x" } else { "a" };
    assert_eq!(text(&nickname[0][0]).as_deref(), Some(expected));
    assert_no_drift(&db, "after the failure").await;
}

async fn irreversible_back_migration_is_refused(t: TestDb) {
    let mut migrations = v1_to_v4();
    migrations
        .push(Migration::new(
            "0005_backfill",
            ["0004_add_team"],
            vec![Operation::RunSql {
                sql: SqlPerBackend::all(["UPDATE mg_people SET nickname = name"]),
                reverse: None,
            }],
        ))
        .unwrap();
    let db = t.connect(registry::<v4::Person>()).await;
    migrate::run(&db, &migrations).await.unwrap();
    match migrate::run_to(&db, &migrations, "0003_nickname_nullable").await {
        Err(MigrateError::Irreversible { name, index, .. }) => {
            assert_eq!((name.as_str(), index), ("0005_backfill", 0));
        }
        other => panic!("expected an irreversible refusal, got {other:?}"),
    }
    assert_eq!(
        migrate::history(&db).await.unwrap().len(),
        5,
        "nothing was undone"
    );
    // Without the irreversible one, going back works and leaves v3's schema.
    let reversible = Migrations::from_list(migrations.list()[..4].to_vec()).unwrap();
    let db = t.connect(registry::<v4::Person>()).await;
    let t3 = t.connect(registry::<v3::Person>()).await;
    db.raw_execute(
        "DELETE FROM aksara_migrations WHERE name = '0005_backfill'",
        [],
    )
    .await
    .unwrap();
    let report = migrate::run_to(&db, &reversible, "0003_nickname_nullable")
        .await
        .unwrap();
    assert_eq!(report.reverted, ["0004_add_team"]);
    assert_no_drift(&t3, "back at v3").await;
    assert!(matches!(
        migrate::run_to(&db, &reversible, "0009_unknown").await,
        Err(MigrateError::Invalid(_))
    ));
}

/// The case: a field added to a model whose table exists. `create_all` refuses it,
/// naming the missing columns (after creating the new tables), and the drift check lists it
/// and everything else that differs.
async fn the_drift_check_lists_every_difference(t: TestDb) {
    let db = t.db(registry::<v1::Person>()).await; // create_all at v1
    db.raw_execute("CREATE TABLE mg_stray (id INTEGER PRIMARY KEY)", [])
        .await
        .unwrap();
    let v5db = t.connect(registry::<v5::Person>()).await;
    let refused = aksara::ddl::create_all(&v5db).await.unwrap_err(); // creates the new tables
    assert!(refused.to_string().contains("Person.nickname"), "{refused}");
    let drift = migrate::check(&v5db).await.unwrap();
    let text = drift.to_string();
    for expected in [
        Drift::MissingColumn {
            table: "mg_people".into(),
            column: "nickname".into(),
        },
        Drift::MissingColumn {
            table: "mg_people".into(),
            column: "team_id".into(),
        },
        Drift::ExtraTable {
            table: "mg_stray".into(),
        },
    ] {
        assert!(
            drift.items.contains(&expected),
            "{expected:?} not in {text}"
        );
    }
    assert!(text.contains("mg_people.nickname"), "{text}");
    assert_eq!(drift.items.len(), 3, "{text}");
    // A column of another type and nullability.
    let d1 = t.connect(registry::<v3::Person>()).await;
    let db2 = t.db(registry::<v1::Person>()).await;
    db2.raw_execute(
        "ALTER TABLE mg_people ADD COLUMN nickname INTEGER NOT NULL DEFAULT 0",
        [],
    )
    .await
    .unwrap();
    let drift = migrate::check(&d1).await.unwrap();
    assert!(
        drift
            .items
            .iter()
            .any(|d| matches!(d, Drift::TypeDiffers { column, .. } if column == "nickname")),
        "{drift}"
    );
    assert!(
        drift.items.iter().any(|d| matches!(d, Drift::NullabilityDiffers { column, expected_nullable: true, .. } if column == "nickname")),
        "{drift}"
    );
    let _ = db;
}

/// Type, length, default, nullability (with a fill value for the NULLs) and uniqueness
/// change on a table holding rows, and change back.
async fn altered_columns_keep_rows(t: TestDb) {
    let dir = temp_dir(&t, "alter");
    let r1 = registry::<a1::Item>();
    let migrations = make(&dir, &r1, "initial", &Hints::new());
    let db = t.connect(r1.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    a1::Item::build()
        .code("A-1")
        .qty(3)
        .note("first")
        .create(&db)
        .await
        .unwrap();
    a1::Item::build()
        .code("B-2")
        .qty(4)
        .create(&db)
        .await
        .unwrap();

    let r2 = registry::<a2::Item>();
    // Making the note NOT NULL needs a value for the row whose note is NULL.
    let fill = Hints::new().fill("mg_items", "note", "-");
    let migrations = make(&dir, &r2, "alter_items", &fill);
    let ops = &migrations.list()[1].operations;
    assert!(ops.iter().any(|op| matches!(op, Operation::AddUnique { columns, .. } if columns == &["note".to_string(), "qty".to_string()])), "{ops:?}");
    let db = t.connect(r2.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    let items = a2::Item::objects().order_by(["id"]).all(&db).await.unwrap();
    let seen: Vec<(String, i64, String)> = items
        .iter()
        .map(|i| (i.code.clone(), i.qty, i.note.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("A-1".to_string(), 3, "first".to_string()),
            ("B-2".to_string(), 4, "-".to_string())
        ]
    );
    // The new length, the 64-bit range and the unique constraint hold.
    a2::Item::build()
        .code("C-3-a-code-longer-than-ten")
        .qty(5_000_000_000_i64)
        .note("x")
        .create(&db)
        .await
        .expect("a 26-character code and a 64-bit quantity fit");
    assert!(
        a2::Item::build()
            .code("A-1")
            .qty(9)
            .note("y")
            .create(&db)
            .await
            .is_err(),
        "the code is unique now"
    );
    db.raw_execute("INSERT INTO mg_items (code, note) VALUES ('D-4', 'z')", [])
        .await
        .expect("qty has a default now");
    assert_eq!(count(&db, "mg_items").await, 4);
    assert_no_drift(&db, "after the changes").await;

    // Back: the unique constraints go, the note is nullable again.
    db.raw_execute("DELETE FROM mg_items WHERE qty > 2147483647", [])
        .await
        .unwrap();
    let report = migrate::run_to(&db, &migrations, "0001_initial")
        .await
        .unwrap();
    assert_eq!(report.reverted, ["0002_alter_items"]);
    let back = t.connect(r1.clone()).await;
    assert_eq!(count(&back, "mg_items").await, 3);
    back.raw_execute("INSERT INTO mg_items (code, qty) VALUES ('A-1', 1)", [])
        .await
        .expect("no unique code, a nullable note");
    assert_no_drift(&back, "back before the changes").await;
    std::fs::remove_dir_all(&dir).ok();
}

/// A foreign key cycle: created with the closing key added once both tables exist, and
/// dropped back to nothing with that key removed first.
async fn a_foreign_key_cycle_migrates_and_back(t: TestDb) {
    let registry = Registry::builder()
        .model::<cycle::Department>()
        .model::<cycle::Badge>()
        .build()
        .unwrap();
    let mut migrations = Migrations::new();
    migrations
        .push(
            migrations
                .make(&registry, "initial", &Hints::new())
                .unwrap()
                .unwrap(),
        )
        .unwrap();
    let db = t.connect(registry.clone()).await;
    migrate::run(&db, &migrations).await.unwrap();
    assert_no_drift(&db, "cycle").await;
    db.raw_execute("INSERT INTO mg_departments (id) VALUES (1)", [])
        .await
        .unwrap();
    db.raw_execute(
        "INSERT INTO mg_employees (id, department_id) VALUES (7, 1)",
        [],
    )
    .await
    .unwrap();
    db.raw_execute("UPDATE mg_departments SET head_id = 7", [])
        .await
        .unwrap();
    db.raw_execute("INSERT INTO mg_badges (id, owner_id) VALUES (1, 7)", [])
        .await
        .unwrap();
    assert!(
        db.raw_execute("INSERT INTO mg_badges (id, owner_id) VALUES (2, 7)", [])
            .await
            .is_err(),
        "one badge per employee"
    );
    db.raw_execute("DELETE FROM mg_employees", [])
        .await
        .unwrap();
    let head = db
        .raw("SELECT head_id FROM mg_departments", [])
        .await
        .unwrap();
    assert!(
        head[0][0].is_null(),
        "SET NULL through the closing key: {head:?}"
    );
    assert_eq!(count(&db, "mg_badges").await, 0, "CASCADE to the badge");
    let report = migrate::run_to(&db, &migrations, migrate::ZERO)
        .await
        .unwrap();
    assert_eq!(report.reverted, ["0001_initial"]);
    let tables = aksara::ddl::existing_tables(&db).await.unwrap();
    assert!(tables.iter().all(|t| !t.starts_with("mg_")), "{tables:?}");
}

backend_tests!(
    model_versions_keep_rows_and_end_without_drift,
    two_runners_at_once_apply_once,
    a_changed_applied_migration_is_an_error,
    a_failing_migration_is_not_recorded,
    irreversible_back_migration_is_refused,
    the_drift_check_lists_every_difference,
    altered_columns_keep_rows,
    a_foreign_key_cycle_migrates_and_back,
);
