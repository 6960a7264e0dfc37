//! Reliability: a refused or failed multi-statement operation changes nothing, and
//! concurrent writers end in a consistent state with every error typed.

use aksara::{q, Error, Model};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{backend_tests, TestDb};
use std::collections::BTreeSet;

async fn tag_names(db: &aksara::Db, post: &Post) -> BTreeSet<String> {
    post.tags()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

async fn a_failed_set_changes_nothing(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let (a, b) = (
        Tag::build().name("a").slug("a").create(&db).await.unwrap(),
        Tag::build().name("b").slug("b").create(&db).await.unwrap(),
    );
    post.tags().add(&db, [&a, &b]).await.unwrap();
    // The delete of the old links succeeds, then the insert fails on a missing tag: the
    // transaction rolls the delete back.
    let err = post
        .tags()
        .set(&db, [a.id, uuid::Uuid::now_v7()])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ForeignKeyConstraint { .. }), "{err}");
    assert_eq!(
        tag_names(&db, &post).await,
        BTreeSet::from(["a".to_string(), "b".to_string()])
    );
    record(
        t.backend().name(),
        Figures {
            case: "m2m_set_fails_midway",
            tried: "M2M set() whose insert fails on a missing row after the delete ran".into(),
            operations: 1,
            faults: 1,
            errors: 1,
            lost: 0,
        },
    );
}

async fn a_failed_transaction_changes_nothing(t: TestDb) {
    let db = t.db(registry()).await;
    let result: aksara::Result<()> = db
        .transaction(|tx| async move {
            User::build()
                .email("one@example.com")
                .name("One")
                .create(&tx)
                .await?;
            User::build()
                .email("one@example.com")
                .name("Duplicate")
                .create(&tx)
                .await?;
            Ok(())
        })
        .await;
    assert!(matches!(result, Err(Error::Integrity { .. })), "{result:?}");
    assert_eq!(
        User::objects().count(&db).await.unwrap(),
        0,
        "the first insert was rolled back"
    );
    // Nested: an inner failure rolls back to its savepoint only.
    db.transaction(|tx| async move {
        User::build()
            .email("outer@example.com")
            .name("Outer")
            .create(&tx)
            .await?;
        let inner: aksara::Result<()> = tx
            .transaction(|tx2| async move {
                User::build()
                    .email("inner@example.com")
                    .name("Inner")
                    .create(&tx2)
                    .await?;
                Err(Error::config("give up"))
            })
            .await;
        assert!(inner.is_err());
        Ok(())
    })
    .await
    .unwrap();
    let names: Vec<String> = User::objects()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Outer"]);
    record(
        t.backend().name(),
        Figures {
            case: "transaction_fails_midway",
            tried: "second insert of a transaction violates UNIQUE; nested savepoint fails".into(),
            operations: 5,
            faults: 2,
            errors: 2,
            lost: 0,
        },
    );
}

async fn a_bulk_update_that_violates_a_constraint_changes_nothing(t: TestDb) {
    let db = t.db(registry()).await;
    for (i, slug) in ["a", "b", "c"].iter().enumerate() {
        Tag::build()
            .name(format!("t{i}"))
            .slug(*slug)
            .create(&db)
            .await
            .unwrap();
    }
    let err = Tag::objects()
        .update(&db, [("slug", "same")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Integrity { .. }), "{err}");
    let slugs: BTreeSet<String> = Tag::objects()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.slug)
        .collect();
    assert_eq!(slugs, BTreeSet::from(["a".into(), "b".into(), "c".into()]));
    record(
        t.backend().name(),
        Figures {
            case: "bulk_update_violates_unique",
            tried: "one UPDATE of 3 rows that breaks UNIQUE on the second row".into(),
            operations: 1,
            faults: 1,
            errors: 1,
            lost: 0,
        },
    );
}

async fn fifty_tasks_adding_and_removing_the_same_pairs(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("P")
        .content("c")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let mut tags = Vec::new();
    for i in 0..5 {
        tags.push(
            Tag::build()
                .name(format!("t{i}"))
                .slug(format!("t{i}"))
                .create(&db)
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for n in 0..50 {
        let (db, post, tags) = (db.clone(), post.clone(), tags.clone());
        tasks.push(tokio::spawn(async move {
            if n % 2 == 0 {
                post.tags().add(&db, tags.iter()).await.map(|_| 0)
            } else {
                post.tags().remove(&db, tags.iter().take(3)).await
            }
        }));
    }
    let mut errors = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => {}
            // Deadlocks between concurrent writers are reported as typed conflicts.
            Err(Error::Conflict { .. } | Error::Database(_)) => errors += 1,
            Err(other) => panic!("untyped or unexpected error: {other}"),
        }
    }
    let names = tag_names(&db, &post).await;
    assert!(names.len() <= 5);
    let links = db.raw("SELECT COUNT(*) FROM post_tags", []).await.unwrap()[0][0]
        .as_i64()
        .unwrap();
    assert_eq!(links as usize, names.len(), "no duplicate pairs");
    assert!(errors < 50);
    // A final add brings every pair back exactly once.
    post.tags().add(&db, tags.iter()).await.unwrap();
    assert_eq!(post.tags().count(&db).await.unwrap(), 5);
    record(
        t.backend().name(),
        Figures {
            case: "concurrent_m2m_add_remove",
            tried: "50 tasks adding 5 and removing 3 of the same pairs at once".into(),
            operations: 50,
            faults: 0,
            errors,
            lost: 0,
        },
    );
}

async fn one_to_one_creation_races_leave_one_row(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for n in 0..10 {
        let (db, jane) = (db.clone(), jane.clone());
        tasks.push(tokio::spawn(async move {
            UserProfile::build()
                .user(&jane)
                .bio(format!("bio {n}"))
                .create(&db)
                .await
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::Integrity { model, .. }) => {
                assert_eq!(model, "UserProfile");
                refused += 1;
            }
            Err(other) => panic!("untyped error: {other}"),
        }
    }
    assert_eq!((ok, refused), (1, 9));
    assert_eq!(UserProfile::objects().count(&db).await.unwrap(), 1);
    record(
        t.backend().name(),
        Figures {
            case: "one_to_one_creation_race",
            tried: "10 tasks creating the profile of one user at once".into(),
            operations: 10,
            faults: 0,
            errors: refused,
            lost: 0,
        },
    );
}

async fn cascade_deletes_racing_child_inserts_leave_no_orphans(t: TestDb) {
    let db = t.db(registry()).await;
    let mut users = Vec::new();
    for i in 0..10 {
        users.push(
            User::build()
                .email(format!("u{i}@example.com"))
                .name(format!("u{i}"))
                .create(&db)
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for user in &users {
        let db2 = db.clone();
        let u = user.clone();
        tasks.push(tokio::spawn(
            async move { u.delete(&db2).await.map(|_| ()) },
        ));
        for n in 0..5 {
            let (db, user) = (db.clone(), user.clone());
            tasks.push(tokio::spawn(async move {
                Post::build()
                    .title(format!("p{n}"))
                    .content("c")
                    .author(&user)
                    .create(&db)
                    .await
                    .map(|_| ())
            }));
        }
    }
    let mut errors = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => {}
            Err(Error::ForeignKeyConstraint { .. }) => errors += 1,
            Err(Error::Conflict { .. }) => errors += 1,
            Err(other) => panic!("untyped error: {other}"),
        }
    }
    let orphans = Post::objects()
        .filter(q!(author__isnull = true))
        .count(&db)
        .await
        .unwrap();
    let dangling = db
        .raw("SELECT COUNT(*) FROM posts p LEFT JOIN users u ON u.id = p.author_id WHERE u.id IS NULL", [])
        .await
        .unwrap()[0][0]
        .as_i64();
    assert_eq!(
        (orphans, dangling),
        (0, Some(0)),
        "no post outlives its author"
    );
    record(
        t.backend().name(),
        Figures {
            case: "cascade_races_child_inserts",
            tried: "10 author deletes racing 50 inserts of their posts".into(),
            operations: 60,
            faults: 0,
            errors,
            lost: 0,
        },
    );
}

backend_tests!(
    a_failed_set_changes_nothing,
    a_failed_transaction_changes_nothing,
    a_bulk_update_that_violates_a_constraint_changes_nothing,
    fifty_tasks_adding_and_removing_the_same_pairs,
    one_to_one_creation_races_leave_one_row,
    cascade_deletes_racing_child_inserts_leave_no_orphans,
);
