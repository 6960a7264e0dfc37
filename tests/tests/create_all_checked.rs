//! `aksara::migrate::create_all_checked`: `create_all` that reports tables which exist but
//! differ from the models, instead of leaving them alone silently.

use aksara::migrate::{create_all_checked, Drift, MigrateError};
use aksara_tests::{backend_tests, TestDb};

mod before {
    use aksara::Model;

    #[derive(Model, Debug, Clone)]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
    }
}

mod after {
    use aksara::{ForeignKey, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 50)]
        pub nickname: Option<String>,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Pet {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "pets")]
        pub owner: ForeignKey<Person>,
    }
}

async fn existing_tables_that_differ_are_reported(t: TestDb) {
    let old = aksara::Registry::builder()
        .model::<before::Person>()
        .build()
        .unwrap();
    let db = t.connect(old).await;
    create_all_checked(&db)
        .await
        .expect("nothing exists yet: created");
    create_all_checked(&db).await.expect("matches: Ok again");
    // The same tables, with one the models do not have: still Ok.
    db.batch_execute("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    create_all_checked(&db)
        .await
        .expect("extra tables are not a difference");

    let new = aksara::Registry::builder()
        .model::<after::Pet>()
        .build()
        .unwrap();
    let db = db.with_registry(new);
    let err = create_all_checked(&db).await.unwrap_err();
    let MigrateError::Drift(report) = &err else {
        panic!("expected drift, got {err}");
    };
    assert_eq!(
        report.items,
        [Drift::MissingColumn {
            table: "persons".into(),
            column: "nickname".into()
        }],
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("column persons.nickname is missing"),
        "{err}"
    );
    // The missing table was created all the same.
    let pets = db.raw("SELECT COUNT(*) FROM pets", []).await.unwrap();
    assert_eq!(pets.len(), 1);
}

/// `ddl::create_all` itself: a table lacking a column its model has is an error naming it
/// (the issue's `nickname` case), not an Ok that the first query contradicts.
async fn create_all_refuses_a_table_without_a_column(t: TestDb) {
    let old = aksara::Registry::builder()
        .model::<before::Person>()
        .build()
        .unwrap();
    let db = t.connect(old).await;
    aksara::ddl::create_all(&db).await.unwrap();
    aksara::ddl::create_all(&db)
        .await
        .expect("matches: Ok again");
    let new = aksara::Registry::builder()
        .model::<after::Pet>()
        .build()
        .unwrap();
    let db = db.with_registry(new);
    let err = aksara::ddl::create_all(&db).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, aksara::Error::Config(_)), "{message}");
    assert!(message.contains("Person.nickname"), "{message}");
    assert!(message.contains("migration"), "{message}");
    // The new table was created; the existing one was not changed.
    assert_eq!(
        db.raw("SELECT COUNT(*) FROM pets", []).await.unwrap().len(),
        1
    );
    assert!(db.raw("SELECT nickname FROM persons", []).await.is_err());
}

backend_tests!(
    existing_tables_that_differ_are_reported,
    create_all_refuses_a_table_without_a_column
);
