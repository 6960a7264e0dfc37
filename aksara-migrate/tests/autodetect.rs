//! The autodetector on the shapes a registry can take (foreign key cycles, one-to-one,
//! `unique_together`, automatic and `through` junctions, renamed tables), the migrations
//! applied for real on SQLite, and the embedded-file macro.

use aksara::{ForeignKey, ManyToMany, Model, OneToOne, Registry, CASCADE, SET_NULL};
use aksara_migrate::{
    autodetect, check, embed_migrations, run, run_to, Hints, Migrations, Operation, SchemaState,
    ZERO,
};
use std::sync::Arc;

mod before {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "departments")]
    pub struct Department {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
        /// Closes a cycle: departments -> employees -> departments.
        #[aksara(on_delete = SET_NULL, related_name = "heads")]
        pub head: Option<ForeignKey<Employee>>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "employees")]
    pub struct Employee {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "staff")]
        pub department: ForeignKey<Department>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "badges")]
    pub struct Badge {
        pub id: i64,
        #[aksara(on_delete = CASCADE)]
        pub owner: OneToOne<Employee>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "projects")]
    pub struct Project {
        pub id: i64,
        #[aksara(through = Assignment, related_name = "projects")]
        pub members: ManyToMany<Employee>,
        #[aksara(related_name = "watched")]
        pub watchers: ManyToMany<Employee>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "assignments", unique_together = "employee, project")]
    pub struct Assignment {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub employee: ForeignKey<Employee>,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub project: ForeignKey<Project>,
    }
}

fn registry_before() -> Arc<Registry> {
    Registry::builder()
        .model::<before::Department>()
        .model::<before::Badge>()
        .model::<before::Project>()
        .build()
        .expect("registry")
}

mod after {
    use aksara::{ForeignKey, Model, CASCADE};

    /// `badges` renamed to `passes`; `departments` and the rest gone.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "people")]
    pub struct Person {
        pub id: i64,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "passes")]
    pub struct Pass {
        pub id: i64,
        #[aksara(on_delete = CASCADE)]
        pub holder: ForeignKey<Person>,
    }
}

#[test]
fn a_cycle_is_closed_after_both_tables_exist() {
    let ops = autodetect(
        &SchemaState::new(),
        &SchemaState::from_registry(&registry_before()),
        &Hints::new(),
    )
    .unwrap();
    let created: Vec<&str> = ops
        .iter()
        .filter_map(|op| match op {
            Operation::CreateTable { table } => Some(table.name.as_str()),
            _ => None,
        })
        .collect();
    let position = |name: &str| created.iter().position(|t| *t == name).unwrap();
    assert!(
        position("departments") < position("employees"),
        "{created:?}"
    );
    assert!(position("employees") < position("badges"), "{created:?}");
    // The cycle's closing foreign key is added once both tables exist, not in CREATE TABLE.
    let last_create = ops
        .iter()
        .rposition(|op| matches!(op, Operation::CreateTable { .. }))
        .unwrap();
    let closing = ops
        .iter()
        .position(|op| {
            matches!(op, Operation::AddForeignKey { table, column, references }
                if table == "departments" && column == "head_id" && references.on_delete == "SET NULL")
        })
        .expect("the cycle's foreign key is added afterwards");
    assert!(closing > last_create);
    let Some(Operation::CreateTable { table }) = ops
        .iter()
        .find(|op| matches!(op, Operation::CreateTable { table } if table.name == "departments"))
    else {
        unreachable!()
    };
    assert!(table.column("head_id").unwrap().references.is_none());
}

#[test]
fn one_to_one_unique_together_and_junctions_are_in_the_state() {
    let state = SchemaState::from_registry(&registry_before());
    assert!(state.tables["badges"].column("owner_id").unwrap().unique);
    assert_eq!(
        state.tables["assignments"].unique_together,
        [vec!["employee_id".to_string(), "project_id".to_string()]]
    );
    // The automatic junction of Project.watchers, with its two foreign keys.
    let junction = &state.tables["project_watchers"];
    assert_eq!(junction.unique_together.len(), 1);
    assert!(junction
        .columns
        .iter()
        .filter(|c| c.references.is_some())
        .all(|c| c.references.as_ref().unwrap().on_delete == "CASCADE"));
    // An index on every foreign key column no unique constraint starts with.
    assert!(state.tables["employees"]
        .indexes
        .iter()
        .any(|i| i.columns == ["department_id"]));
    assert!(state.tables["badges"].indexes.is_empty());
}

#[test]
fn a_declared_table_rename_is_a_rename_and_the_rest_is_dropped_in_order() {
    let from = SchemaState::from_registry(&registry_before());
    let to =
        SchemaState::from_registry(&Registry::builder().model::<after::Pass>().build().unwrap());
    let hints = Hints::new().rename_table("badges", "passes");
    // Renaming the table is not enough: the column differs, so without a column hint the
    // old column is dropped and a new NOT NULL one needs a fill value.
    let err = autodetect(&from, &to, &hints).unwrap_err();
    assert!(err.to_string().contains("passes.holder_id"), "{err}");
    let hints = hints.fill("passes", "holder_id", 0i64);
    let ops = autodetect(&from, &to, &hints).unwrap();
    assert!(
        matches!(&ops[0], Operation::RenameTable { from, to } if from == "badges" && to == "passes")
    );
    // Foreign keys go before the tables they point at, so every backend accepts the drops.
    let first_drop_table = ops
        .iter()
        .position(|op| matches!(op, Operation::DropTable { .. }))
        .unwrap();
    assert!(ops[..first_drop_table]
        .iter()
        .any(|op| matches!(op, Operation::DropForeignKey { table, .. } if table == "passes")));
    let mut state = from.clone();
    for op in &ops {
        op.apply(&mut state).unwrap();
    }
    assert_eq!(
        state.tables.keys().collect::<Vec<_>>(),
        to.tables.keys().collect::<Vec<_>>()
    );
    // A rename hint that does not fit is an error, not a guess.
    assert!(autodetect(&from, &to, &Hints::new().rename_table("nope", "passes")).is_err());
}

#[tokio::test]
async fn the_shapes_migrate_on_sqlite_and_back_to_zero() {
    let registry = registry_before();
    let db = aksara::connect("sqlite::memory:", registry.clone())
        .await
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
    run(&db, &migrations).await.unwrap();
    let drift = check(&db).await.unwrap();
    assert!(drift.is_empty(), "{drift}");
    // The cycle's foreign key was added by rebuilding the empty table, with SET NULL.
    db.raw_execute("INSERT INTO departments (id, name) VALUES (1, 'R&D')", [])
        .await
        .unwrap();
    db.raw_execute(
        "INSERT INTO employees (id, department_id) VALUES (7, 1)",
        [],
    )
    .await
    .unwrap();
    db.raw_execute("UPDATE departments SET head_id = 7", [])
        .await
        .unwrap();
    db.raw_execute("DELETE FROM employees", []).await.unwrap();
    let rows = db.raw("SELECT head_id FROM departments", []).await.unwrap();
    assert!(rows[0][0].is_null(), "{rows:?}");
    let report = run_to(&db, &migrations, ZERO).await.unwrap();
    assert_eq!(report.reverted, ["0001_initial"]);
    let tables = aksara::ddl::existing_tables(&db).await.unwrap();
    assert_eq!(
        tables.into_iter().collect::<Vec<_>>(),
        ["aksara_migrations"],
        "everything but the history table is gone"
    );
}

#[test]
fn embedded_files_read_as_the_folder_does() {
    let embedded = embed_migrations!("tests/fixtures", ["0001_initial"]).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert_eq!(embedded, Migrations::from_dir(&dir).unwrap());
    assert_eq!(embedded.list()[0].name, "0001_initial");
    // The facade's macro lists the folder itself.
    assert_eq!(aksara::migrations!("tests/fixtures").unwrap(), embedded);
    // The fixture is what the autodetector writes for the demo models.
    let made = Migrations::new()
        .make(&aksara::demo::registry(), "initial", &Hints::new())
        .unwrap()
        .unwrap();
    assert_eq!(embedded.list()[0], made);
}
