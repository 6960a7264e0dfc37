//! A two-node MariaDB Galera cluster (see `aksara_tests::galera`): a transaction that loses
//! certification to another node's commit surfaces as the typed conflict.

use super::common::eventually;
use aksara::{q, Db, Error, Model};
use aksara_tests::galera::galera;
use aksara_tests::models::blog::{registry, Category};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{oneshot, Mutex};

async fn name_on(db: &Db) -> String {
    Category::objects()
        .get(db, q!(slug = "contested"))
        .await
        .unwrap()
        .name
}

/// Node two changes the row in a transaction; before it commits, node one changes the same
/// row and commits. Runs `second` (given the signals) on node two and returns its outcome.
async fn race<F, Fut>(one: &Db, two: &Db, name: &'static str, second: F) -> aksara::Result<()>
where
    F: FnOnce(Db, oneshot::Sender<()>, oneshot::Receiver<()>) -> Fut,
    Fut: std::future::Future<Output = aksara::Result<()>> + Send + 'static,
{
    let (started, started_rx) = oneshot::channel();
    let (go, go_rx) = oneshot::channel();
    let task = tokio::spawn(second(two.clone(), started, go_rx));
    started_rx.await.unwrap();
    Category::objects()
        .filter(q!(slug = "contested"))
        .update(one, [("name", name)])
        .await
        .unwrap();
    go.send(()).unwrap();
    task.await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn galera_a_lost_certification_is_a_typed_conflict() {
    let Some(cluster) = galera("galera_conflict") else {
        return;
    };
    cluster.nodes[0]
        .admin("DROP DATABASE IF EXISTS galera_conflict; CREATE DATABASE galera_conflict");
    let one = aksara::connect(&cluster.nodes[0].url("galera_conflict"), registry())
        .await
        .unwrap();
    aksara::ddl::create_all(&one).await.unwrap();
    Category::build()
        .name("Contested")
        .slug("contested")
        .create(&one)
        .await
        .unwrap();
    let two = aksara::connect(&cluster.nodes[1].url("galera_conflict"), registry())
        .await
        .unwrap();
    eventually("node two has the row", async || {
        Category::objects().count(&two).await.is_ok_and(|n| n == 1)
    })
    .await;

    // A plain transaction: the conflict comes back, typed, with MariaDB's deadlock code.
    let outcome = race(&one, &two, "From one", |two, started, go| async move {
        two.transaction(|tx| async move {
            Category::objects()
                .filter(q!(slug = "contested"))
                .update(&tx, [("name", "From two")])
                .await?;
            started.send(()).unwrap();
            go.await.unwrap();
            Ok(())
        })
        .await
    })
    .await;
    match &outcome {
        Err(e @ Error::Conflict { code, retried, .. }) => {
            assert_eq!(code, "1213", "{e}");
            assert_eq!(
                *retried, 0,
                "nothing inside a transaction is rerun silently"
            );
            assert!(e.is_conflict());
        }
        other => panic!("expected a certification conflict, got {other:?}"),
    }
    eventually("node one's write everywhere", async || {
        name_on(&two).await == "From one"
    })
    .await;
    assert_eq!(name_on(&one).await, "From one");

    // The retrying form runs the whole transaction again, and the rerun wins.
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = attempts.clone();
    let outcome = race(
        &one,
        &two,
        "From one again",
        |two, started, go| async move {
            let signals = Arc::new(Mutex::new(Some((started, go))));
            two.transaction_retrying(|tx| {
                let (signals, counted) = (signals.clone(), counted.clone());
                async move {
                    counted.fetch_add(1, Ordering::Relaxed);
                    Category::objects()
                        .filter(q!(slug = "contested"))
                        .update(&tx, [("name", "From two at last")])
                        .await?;
                    // Only the first attempt waits for node one's commit.
                    let first = signals.lock().await.take();
                    if let Some((started, go)) = first {
                        started.send(()).unwrap();
                        go.await.unwrap();
                    }
                    Ok(())
                }
            })
            .await
        },
    )
    .await;
    outcome.expect("the rerun commits");
    assert_eq!(attempts.load(Ordering::Relaxed), 2);
    assert_eq!(name_on(&two).await, "From two at last");
    eventually("node two's write everywhere", async || {
        name_on(&one).await == "From two at last"
    })
    .await;
}
