//! `transaction_with(TxOptions)` (isolation level, read-only) and `rolled_back`, on every
//! backend: a read-only transaction refuses writes and leaves the connection writable after
//! it; READ COMMITTED sees another connection's commit where REPEATABLE READ keeps its
//! snapshot; a rolled-back transaction leaves nothing.

use aksara::{q, Error, Isolation, Model, Registry, TxOptions};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::sync::Arc;

#[derive(Model, Debug, Clone)]
#[aksara(table = "txo_counters")]
pub struct Counter {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
    pub n: i64,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Counter>()
        .build()
        .expect("valid models")
}

async fn n_of(db: &aksara::Db) -> i64 {
    Counter::objects().get(db, q!(name = "a")).await.unwrap().n
}

async fn read_only_refuses_writes(t: TestDb) {
    let db = t.db(registry()).await;
    Counter::build().name("a").n(1).create(&db).await.unwrap();
    db.record_sql();
    let read = db
        .transaction_with(TxOptions::new().read_only(), |tx| async move {
            Counter::objects().count(&tx).await
        })
        .await
        .unwrap();
    assert_eq!(read, 1, "reads work");
    let sql = db.recorded_sql();
    let expected_first = match t.backend() {
        Backend::Postgres => vec!["BEGIN", "SET TRANSACTION READ ONLY"],
        Backend::Mysql => vec!["SET TRANSACTION READ ONLY", "BEGIN"],
        Backend::Sqlite => vec!["BEGIN", "PRAGMA query_only = ON"],
    };
    assert_eq!(&sql[..2], expected_first.as_slice(), "{sql:?}");
    let write = db
        .transaction_with(TxOptions::new().read_only(), |tx| async move {
            Counter::build().name("b").n(2).create(&tx).await
        })
        .await;
    assert!(write.is_err(), "a write in a read-only transaction fails");
    assert_eq!(Counter::objects().count(&db).await.unwrap(), 1);
    // The connection is writable again afterwards, whichever one the pool hands out.
    for i in 0..4 {
        Counter::build()
            .name(format!("c{i}"))
            .n(i)
            .create(&db)
            .await
            .unwrap();
    }
    db.transaction(|tx| async move { Counter::build().name("d").n(9).create(&tx).await })
        .await
        .unwrap();
    assert_eq!(Counter::objects().count(&db).await.unwrap(), 6);
}

/// What a transaction at `level` reads before and after another connection commits.
async fn reads_around_a_commit(db: &aksara::Db, level: Isolation) -> (i64, i64) {
    let outside = db.clone();
    db.transaction_with(TxOptions::new().isolation(level), |tx| async move {
        let before = n_of(&tx).await;
        // Another connection of the pool commits a change meanwhile.
        outside
            .raw_execute("UPDATE txo_counters SET n = n + 1 WHERE name = 'a'", [])
            .await?;
        let after = n_of(&tx).await;
        Ok((before, after))
    })
    .await
    .unwrap()
}

async fn isolation_levels(t: TestDb) {
    let db = t.db(registry()).await;
    Counter::build().name("a").n(10).create(&db).await.unwrap();
    if t.backend() == Backend::Sqlite {
        // One writer at a time: every level is met by SQLite's serializable transactions,
        // and a write from outside would wait for this one. The levels are accepted.
        for level in [
            Isolation::ReadUncommitted,
            Isolation::ReadCommitted,
            Isolation::RepeatableRead,
            Isolation::Serializable,
        ] {
            let n = db
                .transaction_with(TxOptions::new().isolation(level), |tx| async move {
                    Ok(n_of(&tx).await)
                })
                .await
                .unwrap();
            assert_eq!(n, 10);
        }
        return;
    }
    assert_eq!(
        reads_around_a_commit(&db, Isolation::ReadCommitted).await,
        (10, 11),
        "READ COMMITTED sees the other commit"
    );
    assert_eq!(
        reads_around_a_commit(&db, Isolation::RepeatableRead).await,
        (11, 11),
        "REPEATABLE READ keeps its snapshot"
    );
    assert_eq!(n_of(&db).await, 12);
    // SERIALIZABLE is what the server says it is.
    let level = db
        .transaction_with(
            TxOptions::new().isolation(Isolation::Serializable),
            |tx| async move {
                let sql = match t.backend() {
                    Backend::Postgres => "SELECT current_setting('transaction_isolation')",
                    _ => "SELECT 'serializable'",
                };
                tx.raw(sql, []).await
            },
        )
        .await
        .unwrap();
    let text = match &level[0][0] {
        aksara::Value::String(s) => s.clone(),
        aksara::Value::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text, "serializable");
}

async fn rolled_back_leaves_nothing(t: TestDb) {
    let db = t.db(registry()).await;
    let seen = db
        .rolled_back(|tx| async move {
            Counter::build().name("a").n(1).create(&tx).await?;
            Counter::objects().count(&tx).await
        })
        .await
        .unwrap();
    assert_eq!(seen, 1, "inside, the row is there");
    assert_eq!(
        Counter::objects().count(&db).await.unwrap(),
        0,
        "after, it is not"
    );
    let failed: aksara::Result<()> = db
        .rolled_back(|_| async move { Err(Error::config("stop")) })
        .await;
    assert!(failed.unwrap_err().to_string().contains("stop"));
    // Options are refused inside a transaction, before any SQL.
    let nested = db
        .transaction(|tx| async move {
            tx.transaction_with(TxOptions::new().read_only(), |_| async move { Ok(()) })
                .await
        })
        .await;
    assert!(
        nested.unwrap_err().to_string().contains("savepoint"),
        "options need the outermost transaction"
    );
}

backend_tests!(
    read_only_refuses_writes,
    isolation_levels,
    rolled_back_leaves_nothing
);
