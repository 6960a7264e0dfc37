//! `QuerySet::stream`: keyset batches compared with `all()` and with hand-written SQL on the
//! same data, on every backend: order across batch boundaries (ties, DESC, NULLs, paths
//! through joins), filters, limit and offset, prefetch per batch (statements counted),
//! select_related, empty results, a dropped stream, rows inserted while streaming, and the
//! refusals.

use aksara::stream::Stream;
use aksara::{q, Error, Model, OptionalRelation, QuerySet, QueryStream, Record, Rows, Value};
use aksara_tests::{backend_tests, TestDb};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

mod models {
    use aksara::{ForeignKey, ManyToMany, Model, Related, CASCADE, SET_NULL};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "st_writers")]
    pub struct Writer {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "st_shelves")]
    pub struct Shelf {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "st_labels")]
    pub struct Label {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "st_items")]
    pub struct Item {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        pub rank: i32,
        pub score: Option<i32>,
        #[aksara(max_length = 20)]
        pub note: Option<String>,
        pub payload: Option<serde_json::Value>,
        pub at: chrono::DateTime<chrono::Utc>,
        pub weight: f64,
        pub flag: bool,
        pub code: uuid::Uuid,
        #[aksara(on_delete = CASCADE, related_name = "items")]
        pub writer: ForeignKey<Writer>,
        #[aksara(on_delete = SET_NULL, related_name = "items")]
        pub shelf: Option<ForeignKey<Shelf>>,
        #[aksara(related_name = "items", db_table = "st_item_labels")]
        pub labels: ManyToMany<Label>,
        pub related: Related,
    }
}

use models::{Item, Label, Shelf, Writer};

/// The number of items [`seed`] makes: not a multiple of the batch sizes used.
const ITEMS: usize = 103;

fn registry() -> Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Item>()
        .build()
        .expect("valid models")
}

struct Data {
    db: aksara::Db,
    writers: Vec<Writer>,
    labels: Vec<Label>,
}

/// Five writers (two names repeated), three shelves, four labels, and [`ITEMS`] items with
/// many ties: `name` takes 5 values, `rank` 7; `score` is NULL for every third item, `note`
/// for every fourth, `shelf` for every fifth.
async fn seed(t: &TestDb) -> Data {
    let db = t.db(registry()).await;
    let writers = Writer::objects()
        .bulk_create(
            &db,
            ["b", "a", "b", "c", "a"].map(|n| Writer::build().name(n)),
        )
        .await
        .unwrap();
    let shelves = Shelf::objects()
        .bulk_create(&db, ["s2", "s1", "s3"].map(|n| Shelf::build().name(n)))
        .await
        .unwrap();
    let labels = Label::objects()
        .bulk_create(
            &db,
            ["l1", "l2", "l3", "l4"].map(|n| Label::build().name(n)),
        )
        .await
        .unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:58.123456Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut codes: Vec<uuid::Uuid> = (0..8).map(|_| uuid::Uuid::now_v7()).collect();
    codes.reverse(); // not in the order of the keys
    let records = (0..ITEMS).map(|i| {
        let mut b = Item::build()
            .name(format!("n{}", i % 5))
            .rank((i % 7) as i32)
            .at(start + chrono::Duration::microseconds(((i * 7919) % 9) as i64 * 1_000_001))
            .weight((i % 6) as f64 * 0.1)
            .flag(i % 2 == 0)
            .code(codes[i % codes.len()])
            .writer(&writers[i % writers.len()]);
        if i % 3 != 0 {
            b = b.score(((i * 13) % 17) as i32);
        }
        if i % 4 != 0 {
            b = b.note(format!("note{}", i % 6));
        }
        if i % 5 != 2 {
            b = b.shelf(&shelves[i % 3]);
        }
        b
    });
    Item::objects().bulk_create(&db, records).await.unwrap();
    Data {
        db,
        writers,
        labels,
    }
}

async fn collect<M: Rows>(mut stream: QueryStream<M>) -> Vec<M> {
    let mut rows = Vec::new();
    while let Some(row) = stream.try_next().await.unwrap() {
        rows.push(row);
    }
    rows
}

fn ids(items: &[Item]) -> Vec<i64> {
    items.iter().map(|i| i.id).collect()
}

fn as_i64(v: &Value) -> i64 {
    match v {
        Value::I64(n) => *n,
        Value::I32(n) => i64::from(*n),
        other => panic!("not an integer key: {other:?}"),
    }
}

/// The first column of each row of hand-written SQL, as keys.
async fn raw_ids(db: &aksara::Db, sql: &str) -> Vec<i64> {
    db.raw(sql, [])
        .await
        .unwrap()
        .iter()
        .map(|r| as_i64(&r[0]))
        .collect()
}

/// `queryset` streamed in batches of `batch`: its rows, and the statements it took.
async fn streamed(db: &aksara::Db, queryset: &QuerySet<Item>, batch: usize) -> (Vec<i64>, u64) {
    let before = db.query_count();
    let rows = collect(queryset.stream(db).batch_size(batch)).await;
    (ids(&rows), db.query_count() - before)
}

/// The default order is the key; the query's order is kept across batch boundaries with ties
/// broken by the key, in `ceil(rows / batch)` statements (no empty statement at the end, even
/// when the rows end on a boundary).
async fn order_across_batches_with_ties(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let by_key = raw_ids(db, "SELECT id FROM st_items ORDER BY id").await;
    assert_eq!(by_key.len(), ITEMS);
    let (rows, statements) = streamed(db, &Item::objects(), 10).await;
    assert_eq!(rows, by_key);
    assert_eq!(statements, 11);

    let qs = Item::objects().order_by(["rank"]);
    let expected = raw_ids(db, "SELECT id FROM st_items ORDER BY rank, id").await;
    assert_eq!(
        ids(&Item::objects()
            .order_by(["rank", "id"])
            .all(db)
            .await
            .unwrap()),
        expected
    );
    for batch in [1, 4, 7, 10, 103, 500] {
        let (rows, statements) = streamed(db, &qs, batch).await;
        assert_eq!(rows, expected, "batch {batch}");
        assert_eq!(statements, ITEMS.div_ceil(batch) as u64, "batch {batch}");
    }
    // 100 rows in batches of 10 and of 100: exactly 10 statements, then 1.
    let hundred = Item::objects().order_by(["rank"]).limit(100);
    assert_eq!(
        streamed(db, &hundred, 10).await,
        (expected[..100].to_vec(), 10)
    );
    assert_eq!(
        streamed(db, &hundred, 100).await,
        (expected[..100].to_vec(), 1)
    );

    // Two terms with ties in both.
    let qs = Item::objects().order_by(["name", "rank"]);
    let expected = raw_ids(db, "SELECT id FROM st_items ORDER BY name, rank, id").await;
    assert_eq!(streamed(db, &qs, 6).await.0, expected);
    // A term after the key changes nothing.
    let qs = Item::objects().order_by(["-id", "name"]);
    let expected = raw_ids(db, "SELECT id FROM st_items ORDER BY id DESC").await;
    assert_eq!(streamed(db, &qs, 9).await.0, expected);
}

/// Descending terms, alone and mixed with ascending ones, and `pk`.
async fn descending_order(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let cases = [
        (vec!["-rank"], "ORDER BY rank DESC, id"),
        (vec!["-rank", "name"], "ORDER BY rank DESC, name, id"),
        (vec!["name", "-rank"], "ORDER BY name, rank DESC, id"),
        (vec!["-name", "-rank"], "ORDER BY name DESC, rank DESC, id"),
        (vec!["-pk"], "ORDER BY id DESC"),
    ];
    for (order, sql) in cases {
        let expected = raw_ids(db, &format!("SELECT id FROM st_items {sql}")).await;
        let mut with_key = order.clone();
        with_key.push("id");
        let all = Item::objects().order_by(with_key).all(db).await.unwrap();
        assert_eq!(ids(&all), expected, "{order:?}");
        let qs = Item::objects().order_by(order.clone());
        assert_eq!(streamed(db, &qs, 8).await.0, expected, "{order:?}");
    }
}

/// Timestamps (with microseconds), floats that are not exact in decimal, booleans and UUIDs
/// read back and bound again compare as stored.
async fn other_column_types(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    for order in [
        vec!["at"],
        vec!["-at", "rank"],
        vec!["weight"],
        vec!["-weight", "-at"],
        vec!["flag", "code"],
        vec!["-code"],
    ] {
        let mut with_key = order.clone();
        with_key.push("id");
        let expected = ids(&Item::objects().order_by(with_key).all(db).await.unwrap());
        let qs = Item::objects().order_by(order.clone());
        assert_eq!(streamed(db, &qs, 5).await.0, expected, "{order:?}");
    }
}

/// Nullable columns, and a column reached through a LEFT JOIN, are ordered as the database
/// orders NULLs (last ascending on PostgreSQL, first on MySQL and SQLite), with the NULL
/// groups spanning several batches.
async fn nulls_in_the_order(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let cases = [
        (vec!["score"], "ORDER BY i.score, i.id"),
        (vec!["-score"], "ORDER BY i.score DESC, i.id"),
        (
            vec!["note", "-score"],
            "ORDER BY i.note, i.score DESC, i.id",
        ),
        (
            vec!["-note", "score"],
            "ORDER BY i.note DESC, i.score, i.id",
        ),
        (vec!["shelf__name"], "ORDER BY s.name, i.id"),
        (
            vec!["-shelf__name", "-note"],
            "ORDER BY s.name DESC, i.note DESC, i.id",
        ),
        (vec!["shelf", "rank"], "ORDER BY i.shelf_id, i.rank, i.id"),
        (
            vec!["writer__name", "-score"],
            "ORDER BY w.name, i.score DESC, i.id",
        ),
    ];
    for (order, sql) in cases {
        let expected = raw_ids(
            db,
            &format!(
                "SELECT i.id FROM st_items i LEFT JOIN st_shelves s ON s.id = i.shelf_id \
                 INNER JOIN st_writers w ON w.id = i.writer_id {sql}"
            ),
        )
        .await;
        assert_eq!(expected.len(), ITEMS);
        let mut with_key = order.clone();
        with_key.push("id");
        let all = Item::objects().order_by(with_key).all(db).await.unwrap();
        assert_eq!(ids(&all), expected, "all() {order:?}");
        let qs = Item::objects().order_by(order.clone());
        for batch in [3, 10] {
            assert_eq!(
                streamed(db, &qs, batch).await.0,
                expected,
                "{order:?} by {batch}"
            );
        }
    }
}

/// Filters, limit and offset: the same rows as `all()`, the offset applied once, the limit
/// counted down over the batches.
async fn filters_limit_and_offset(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let base = Item::objects()
        .filter(q!(rank__gte = 2))
        .exclude(q!(name = "n3"))
        .order_by(["-name", "rank"]);
    let every = base.order_by(["-name", "rank", "id"]);
    let all = ids(&every.all(db).await.unwrap());
    assert!(all.len() > 40, "enough rows: {}", all.len());
    assert_eq!(streamed(db, &base, 7).await.0, all);

    // limit 17 in batches of 4: 4 + 4 + 4 + 4 + 1, the last asking for one row.
    let (rows, statements) = streamed(db, &base.limit(17), 4).await;
    assert_eq!(rows, all[..17]);
    assert_eq!(statements, 5);
    let (rows, statements) = streamed(db, &base.offset(5).limit(17), 4).await;
    assert_eq!(rows, all[5..22]);
    assert_eq!(statements, 5);
    assert_eq!(ids(&every.offset(5).limit(17).all(db).await.unwrap()), rows);
    // A limit below the batch size: one statement.
    assert_eq!(
        streamed(db, &base.limit(3), 100).await,
        (all[..3].to_vec(), 1)
    );
    // An offset alone, and one past the end.
    assert_eq!(streamed(db, &base.offset(11), 6).await.0, all[11..]);
    assert_eq!(streamed(db, &base.offset(10_000), 6).await, (vec![], 1));
    assert_eq!(streamed(db, &base.limit(0), 6).await, (vec![], 0));

    // Inside a transaction, on its one connection.
    let in_tx = db
        .transaction(|tx| {
            let base = base.clone();
            async move {
                let rows = collect(base.stream(&tx).batch_size(5)).await;
                Ok(ids(&rows))
            }
        })
        .await
        .unwrap();
    assert_eq!(in_tx, all);
}

/// `prefetch_related` runs per batch: one query per level for the batch's rows, so a stream
/// of `rows` in batches of `batch` takes `ceil(rows / batch) * (1 + levels)` statements, and
/// every row carries what `all()` prefetches.
async fn prefetch_per_batch(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    // Labels on every other item.
    let items = Item::objects().order_by(["id"]).all(db).await.unwrap();
    for (i, item) in items.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        item.labels()
            .add(db, [&d.labels[i % 4], &d.labels[(i + 1) % 4]])
            .await
            .unwrap();
    }
    // Writers by id in batches of 2: 3 batches, each writers + items + labels.
    let qs = Writer::objects().prefetch_related(["items__labels"]);
    let before = db.query_count();
    let writers = collect(qs.stream(db).batch_size(2)).await;
    assert_eq!(db.query_count() - before, 3 * (1 + 2));
    assert_eq!(writers.len(), d.writers.len());
    let expected = qs.order_by(["id"]).all(db).await.unwrap();
    let strict = db.strict();
    let summary = |w: &Writer| -> Vec<(i64, Vec<String>)> {
        let mut items: Vec<(i64, Vec<String>)> = w
            .related
            .many::<Item>("items")
            .expect("items prefetched")
            .iter()
            .map(|i| {
                let mut labels: Vec<String> = i
                    .labels
                    .loaded()
                    .expect("labels prefetched")
                    .iter()
                    .map(|l| l.name.clone())
                    .collect();
                labels.sort();
                (i.id, labels)
            })
            .collect();
        items.sort();
        items
    };
    for (got, want) in writers.iter().zip(&expected) {
        assert_eq!(got.id, want.id);
        assert_eq!(summary(got), summary(want));
        // The reverse manager answers from the prefetched rows, without a query.
        assert_eq!(
            got.items().count(&strict).await.unwrap() as usize,
            summary(want).len()
        );
    }

    // Items in batches of 25: 5 batches, each items + labels; a prefetch of two relations at
    // one level is one query each.
    let qs = Item::objects()
        .order_by(["-rank"])
        .prefetch_related(["labels", "writer"]);
    let before = db.query_count();
    let streamed_items = collect(qs.stream(db).batch_size(25)).await;
    assert_eq!(db.query_count() - before, 5 * (1 + 2));
    assert_eq!(streamed_items.len(), ITEMS);
    for item in &streamed_items {
        let labels = item.labels.loaded().expect("labels prefetched");
        let position = items.iter().position(|i| i.id == item.id).unwrap();
        assert_eq!(labels.len(), if position % 2 == 0 { 2 } else { 0 });
        let writer = item.writer.get(&strict).await.expect("writer prefetched");
        assert_eq!(writer.id, *item.writer.id());
    }
}

/// `select_related` joins into every batch: one statement per batch, related rows read
/// without a query; ordering by a joined column shares the join.
async fn select_related_in_batches(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let qs = Item::objects()
        .select_related(["writer", "shelf"])
        .order_by(["shelf__name", "-writer__name"]);
    let before = db.query_count();
    let items = collect(qs.stream(db).batch_size(7)).await;
    assert_eq!(db.query_count() - before, ITEMS.div_ceil(7) as u64);
    let all = qs
        .order_by(["shelf__name", "-writer__name", "id"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(ids(&items), ids(&all));
    let strict = db.strict();
    for (got, want) in items.iter().zip(&all) {
        let writer = got.writer.get(&strict).await.expect("joined");
        assert_eq!(writer.name, want.writer.loaded().unwrap().name);
        assert_eq!(
            got.shelf
                .get(&strict)
                .await
                .expect("joined")
                .map(|s| &s.name),
            want.shelf.loaded().map(|s| &s.name)
        );
    }
}

/// An empty result is one statement and no rows, with or without prefetch.
async fn empty_result(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let none = Item::objects().filter(q!(rank = 99));
    assert_eq!(streamed(db, &none, 10).await, (vec![], 1));
    let before = db.query_count();
    let rows = collect(
        none.prefetch_related(["labels"])
            .order_by(["-score"])
            .stream(db),
    )
    .await;
    assert!(rows.is_empty());
    assert_eq!(db.query_count() - before, 1);
}

/// A stream dropped after its first batch runs nothing more and holds no connection; one
/// dropped while its batch is being read leaves the pool usable.
async fn dropped_stream(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let before = db.query_count();
    let mut stream = Item::objects().order_by(["name"]).stream(db).batch_size(10);
    for _ in 0..10 {
        assert!(stream.try_next().await.unwrap().is_some());
    }
    assert_eq!(db.query_count() - before, 1, "the first batch only");
    let status = db.pool_status();
    assert_eq!(
        status.available, status.size,
        "no connection held between batches"
    );
    drop(stream);
    assert_eq!(db.query_count() - before, 1);

    // Polled once (the batch starts), then dropped.
    let mut stream = Item::objects().stream(db).batch_size(5);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    if let Poll::Ready(row) = Pin::new(&mut stream).poll_next(&mut cx) {
        assert!(row.is_some());
    }
    drop(stream);
    assert_eq!(Item::objects().count(db).await.unwrap(), ITEMS as u64);
    assert_eq!(collect(Item::objects().stream(db)).await.len(), ITEMS);
}

/// Rows inserted while a stream runs never make it repeat or skip a row that existed when it
/// started: rows sorting after the cursor are read, rows before it are not.
async fn inserts_while_streaming(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let qs = Item::objects().order_by(["name", "-rank"]);
    let before_insert = ids(&qs.order_by(["name", "-rank", "id"]).all(db).await.unwrap());
    let mut stream = qs.stream(db).batch_size(5);
    let mut seen = Vec::new();
    // Two whole batches: the cursor is the last row read.
    for _ in 0..10 {
        seen.push(stream.try_next().await.unwrap().unwrap());
    }
    // Before the cursor (name "a"), at it (the same name and rank as the last row read,
    // so after it by key), and after everything (name "z").
    let last = seen.last().unwrap().clone();
    let writer = &d.writers[0];
    let item = |name: &str, rank: i32| {
        Item::build()
            .name(name)
            .rank(rank)
            .writer(writer)
            .at(last.at)
            .weight(0.5)
            .flag(true)
            .code(last.code)
    };
    let early = item("a", 1);
    let tie = item(&last.name, last.rank);
    let late = item("z", 1);
    let new = Item::objects()
        .bulk_create(db, [early, tie, late])
        .await
        .unwrap();
    while let Some(item) = stream.try_next().await.unwrap() {
        seen.push(item);
    }
    let seen = ids(&seen);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no row twice");
    let old: Vec<i64> = seen
        .iter()
        .copied()
        .filter(|id| before_insert.contains(id))
        .collect();
    assert_eq!(old, before_insert, "every existing row once, in order");
    assert!(!seen.contains(&new[0].id), "inserted before the cursor");
    assert!(
        seen.contains(&new[1].id),
        "inserted at the cursor, after it by key"
    );
    assert_eq!(seen.last(), Some(&new[2].id), "inserted after everything");
}

/// An order column whose values cannot be compared again (JSON) is refused naming the field;
/// a batch of 0 is refused; the stream ends after its error.
async fn refusals(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let mut stream = Item::objects().order_by(["payload"]).stream(db);
    match stream.try_next().await {
        Err(Error::Config(messages)) => {
            let text = messages.join(" ");
            assert!(text.contains("Item.payload"), "{text}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "ended after the error"
    );
    let mut stream = Item::objects().stream(db).batch_size(0);
    assert!(matches!(stream.try_next().await, Err(Error::Config(_))));
    let mut stream = Item::objects().order_by(["labels__name"]).stream(db);
    assert!(matches!(stream.try_next().await, Err(Error::Config(_))));
    let mut stream = Item::objects().order_by(["nope"]).stream(db);
    assert!(stream.try_next().await.is_err());
}

/// The `Stream` trait as combinator libraries poll it, and streams of records.
async fn stream_trait_and_records(t: TestDb) {
    let d = seed(&t).await;
    let db = &d.db;
    let mut stream = Item::objects()
        .order_by(["-score"])
        .stream(db)
        .batch_size(9);
    assert_eq!(stream.size_hint(), (0, None));
    let mut via_trait = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        via_trait.push(item.unwrap().id);
    }
    assert_eq!(stream.size_hint(), (0, Some(0)));
    let expected = ids(&Item::objects()
        .order_by(["-score", "id"])
        .all(db)
        .await
        .unwrap());
    assert_eq!(via_trait, expected);

    let records = collect(
        QuerySet::<Record>::of("Item")
            .filter(q!(rank__lt = 3))
            .order_by(["-score"])
            .stream(db)
            .batch_size(4),
    )
    .await;
    let expected = ids(&Item::objects()
        .filter(q!(rank__lt = 3))
        .order_by(["-score", "id"])
        .all(db)
        .await
        .unwrap());
    let got: Vec<i64> = records
        .iter()
        .map(|r| as_i64(r.get("id").unwrap()))
        .collect();
    assert_eq!(got, expected);
}

backend_tests!(
    order_across_batches_with_ties,
    descending_order,
    other_column_types,
    nulls_in_the_order,
    filters_limit_and_offset,
    prefetch_per_batch,
    select_related_in_batches,
    empty_result,
    dropped_stream,
    inserts_while_streaming,
    refusals,
    stream_trait_and_records,
);
