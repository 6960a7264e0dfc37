//! Scenarios from Django's test suite (tests/delete, tests/queries, tests/many_to_one_null,
//! tests/null_queries), each run on PostgreSQL, MariaDB / MySQL and SQLite.

mod common;

use aksara::{
    q, Condition, Error, ForeignKey, ManyToMany, Model, Registry, CASCADE, PROTECT, RESTRICT,
};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, snapshot};
use std::sync::Arc;

// The models of Django's `test_restrict_path_cascade_indirect`: P -> R (CASCADE), and A
// restricting R while cascading from P through R2.

/// The row whose delete cascades.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_p")]
pub struct P {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// Cascades from P.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_r")]
pub struct R {
    pub id: i64,
    #[aksara(on_delete = CASCADE, related_name = "rs")]
    pub p: ForeignKey<P>,
}

/// Cascades from P too.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_r2")]
pub struct R2 {
    pub id: i64,
    #[aksara(on_delete = CASCADE, related_name = "r2s")]
    pub p: ForeignKey<P>,
}

/// Restricts R, cascades from R2.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_a")]
pub struct A {
    pub id: i64,
    #[aksara(on_delete = RESTRICT, related_name = "restricting")]
    pub restrict: ForeignKey<R>,
    #[aksara(on_delete = CASCADE, related_name = "cascading")]
    pub cascade: ForeignKey<R2>,
}

fn path_registry() -> Arc<Registry> {
    Registry::builder()
        .model::<A>()
        .build()
        .expect("valid models")
}

const PATH_TABLES: [&str; 4] = ["dq_p", "dq_r", "dq_r2", "dq_a"];

/// Django delete `test_restrict_path_cascade_indirect`: a RESTRICT reference whose row is
/// itself deleted by the same cascade does not block the delete.
async fn delete_restrict_path_cascade_indirect(t: TestDb) {
    let db = t.db(path_registry()).await;
    let p = P::build().name("p").create(&db).await.unwrap();
    let r = R::build().p(&p).create(&db).await.unwrap();
    let r2 = R2::build().p(&p).create(&db).await.unwrap();
    A::build()
        .restrict(&r)
        .cascade(&r2)
        .create(&db)
        .await
        .unwrap();

    let deleted = p.delete(&db).await.unwrap();
    assert_eq!(deleted.total, 4, "{deleted:?}");
    for model in ["P", "R", "R2", "A"] {
        assert_eq!(deleted.of(model), 1, "{model}: {deleted:?}");
    }
    assert_eq!(
        snapshot(&db, &PATH_TABLES).await,
        PATH_TABLES.map(|t| (t.to_string(), 0)).to_vec()
    );
}

/// Django delete `test_restrict_path_cascade_indirect`, the refused half: when the restricting
/// row cascades from another P, deleting P is refused, on a queryset delete too, and nothing
/// is deleted.
async fn delete_restrict_outside_the_cascade_refuses(t: TestDb) {
    let db = t.db(path_registry()).await;
    let p = P::build().name("p").create(&db).await.unwrap();
    let other = P::build().name("other").create(&db).await.unwrap();
    let r = R::build().p(&p).create(&db).await.unwrap();
    let r2 = R2::build().p(&other).create(&db).await.unwrap();
    let a = A::build()
        .restrict(&r)
        .cascade(&r2)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &PATH_TABLES).await;

    for result in [
        p.delete(&db).await,
        P::objects().filter(q!(name = "p")).delete(&db).await,
    ] {
        match expect_err(result, "RESTRICT to refuse") {
            Error::ForeignKeyConstraint {
                model,
                relation,
                message,
            } => {
                assert_eq!((model.as_str(), relation.as_str()), ("A", "restrict"));
                assert_mentions(
                    &message,
                    &["P", "A.restrict", "RESTRICT", &a.id.to_string()],
                );
            }
            other => panic!("expected ForeignKeyConstraint, got {other:?}"),
        }
        assert_eq!(snapshot(&db, &PATH_TABLES).await, before, "nothing deleted");
    }
    // Deleting both P rows at once takes the restricting row with them.
    let deleted = P::objects().delete(&db).await.unwrap();
    assert_eq!(deleted.total, 5, "{deleted:?}");
    assert_eq!(deleted.of("P"), 2);
}

// The diamond: Bottom restricts Mid1 and cascades from Mid2, both cascading from Top.

/// The top of the diamond.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_top")]
pub struct Top {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// Cascades from Top; restricted by Bottom.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_mid1")]
pub struct Mid1 {
    pub id: i64,
    #[aksara(on_delete = CASCADE, related_name = "mid1s")]
    pub top: ForeignKey<Top>,
}

/// Cascades from Top.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_mid2")]
pub struct Mid2 {
    pub id: i64,
    #[aksara(on_delete = CASCADE, related_name = "mid2s")]
    pub top: ForeignKey<Top>,
}

/// Restricts Mid1, cascades from Mid2.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_bottom")]
pub struct Bottom {
    pub id: i64,
    #[aksara(on_delete = RESTRICT, related_name = "b1s")]
    pub b1: ForeignKey<Mid1>,
    #[aksara(on_delete = CASCADE, related_name = "b2s")]
    pub b2: ForeignKey<Mid2>,
}

const DIAMOND_TABLES: [&str; 4] = ["dq_top", "dq_mid1", "dq_mid2", "dq_bottom"];

/// Django delete `test_restrict_path_cascade_indirect_diamond`: deleting Top is allowed
/// (Bottom goes through Mid2's cascade), deleting Mid1 alone is refused.
async fn delete_restrict_path_cascade_indirect_diamond(t: TestDb) {
    let db = t
        .db(Registry::builder().model::<Bottom>().build().unwrap())
        .await;
    let top = Top::build().name("top").create(&db).await.unwrap();
    let mid1 = Mid1::build().top(&top).create(&db).await.unwrap();
    let mid2 = Mid2::build().top(&top).create(&db).await.unwrap();
    let bottom = Bottom::build()
        .b1(&mid1)
        .b2(&mid2)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &DIAMOND_TABLES).await;

    let err = expect_err(mid1.delete(&db).await, "RESTRICT to refuse Mid1");
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Bottom" && relation == "b1"),
        "{err:?}"
    );
    assert_mentions(&err.to_string(), &["Mid1", &bottom.id.to_string()]);
    assert_eq!(snapshot(&db, &DIAMOND_TABLES).await, before);

    let deleted = Top::objects().delete(&db).await.unwrap();
    assert_eq!(deleted.total, 4, "{deleted:?}");
    assert_eq!(deleted.of("Bottom"), 1);
    assert_eq!(
        snapshot(&db, &DIAMOND_TABLES).await,
        DIAMOND_TABLES.map(|t| (t.to_string(), 0)).to_vec()
    );
}

/// Raw SQL deletes still cannot leave a dangling RESTRICT reference.
async fn delete_restrict_raw_sql_still_refused(t: TestDb) {
    let db = t
        .db(Registry::builder().model::<Bottom>().build().unwrap())
        .await;
    let top = Top::build().name("top").create(&db).await.unwrap();
    let mid1 = Mid1::build().top(&top).create(&db).await.unwrap();
    let mid2 = Mid2::build().top(&top).create(&db).await.unwrap();
    Bottom::build()
        .b1(&mid1)
        .b2(&mid2)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &DIAMOND_TABLES).await;
    let result = db.raw("DELETE FROM dq_mid1", []).await;
    assert!(
        result.is_err(),
        "raw delete of a restricted row: {result:?}"
    );
    assert_eq!(snapshot(&db, &DIAMOND_TABLES).await, before);
}

// PROTECT by two relations.

/// Protected by two relations.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_owner")]
pub struct Owner {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// Protects Owner.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_first")]
pub struct First {
    pub id: i64,
    #[aksara(on_delete = PROTECT, related_name = "firsts")]
    pub owner: ForeignKey<Owner>,
}

/// Protects Owner too.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_second")]
pub struct Second {
    pub id: i64,
    #[aksara(on_delete = PROTECT, related_name = "seconds")]
    pub owner: ForeignKey<Owner>,
}

/// Django delete `test_protect_multiple`: the error names every protecting relation, with how
/// many rows protect and their first keys.
async fn delete_protect_multiple(t: TestDb) {
    let db = t
        .db(Registry::builder()
            .model::<First>()
            .model::<Second>()
            .build()
            .unwrap())
        .await;
    let owner = Owner::build().name("o").create(&db).await.unwrap();
    let mut firsts = Vec::new();
    for _ in 0..7 {
        firsts.push(First::build().owner(&owner).create(&db).await.unwrap().id);
    }
    let second = Second::build().owner(&owner).create(&db).await.unwrap();
    let tables = ["dq_owner", "dq_first", "dq_second"];
    let before = snapshot(&db, &tables).await;

    for result in [owner.delete(&db).await, Owner::objects().delete(&db).await] {
        let err = expect_err(result, "PROTECT to refuse");
        let Error::ForeignKeyConstraint { message, .. } = &err else {
            panic!("expected ForeignKeyConstraint, got {err:?}");
        };
        assert_mentions(
            message,
            &[
                "Owner",
                "First.owner",
                "7 rows",
                "Second.owner",
                "1 row",
                "PROTECT",
            ],
        );
        for key in &firsts[..5] {
            assert_mentions(message, &[&key.to_string()]);
        }
        assert!(
            !message.contains(&format!(" {},", firsts[6])),
            "at most five keys named: {message}"
        );
        assert_mentions(message, &[&second.id.to_string()]);
        assert_eq!(snapshot(&db, &tables).await, before, "nothing deleted");
    }
}

/// Django queries `test_ticket_delete_sliced` ("Cannot use 'limit' or 'offset' with
/// delete()"): a sliced delete is refused with a typed error, on every backend.
async fn queries_sliced_delete_is_refused(t: TestDb) {
    let db = t.db(path_registry()).await;
    for name in ["a", "b", "c"] {
        P::build().name(name).create(&db).await.unwrap();
    }
    for result in [
        P::objects().order_by(["name"]).limit(1).delete(&db).await,
        P::objects().offset(1).delete(&db).await,
    ] {
        match expect_err(result, "a sliced delete to be refused") {
            Error::Config(messages) => assert_mentions(&messages.join(" "), &["P", "limit"]),
            other => panic!("expected Error::Config, got {other:?}"),
        }
    }
    assert_eq!(P::objects().count(&db).await.unwrap(), 3, "nothing deleted");
}

/// Django delete `test_model_delete_returns_num_rows` and
/// `test_queryset_delete_returns_num_rows`: the total counts cascaded rows, with a count per
/// model.
async fn delete_returns_num_rows(t: TestDb) {
    let db = t.db(path_registry()).await;
    let mut ps = Vec::new();
    for name in ["x", "y"] {
        let p = P::build().name(name).create(&db).await.unwrap();
        for _ in 0..2 {
            let r = R::build().p(&p).create(&db).await.unwrap();
            let r2 = R2::build().p(&p).create(&db).await.unwrap();
            A::build()
                .restrict(&r)
                .cascade(&r2)
                .create(&db)
                .await
                .unwrap();
        }
        ps.push(p);
    }
    let deleted = ps[0].delete(&db).await.unwrap();
    assert_eq!(deleted.total, 7, "{deleted:?}");
    let expected: Vec<(String, u64)> = [("A", 2), ("P", 1), ("R", 2), ("R2", 2)]
        .map(|(m, n)| (m.to_string(), n))
        .to_vec();
    assert_eq!(
        deleted.per_model.clone().into_iter().collect::<Vec<_>>(),
        expected
    );

    let deleted = P::objects()
        .filter(q!(name = "y"))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!(deleted.total, 7, "{deleted:?}");
    assert_eq!(deleted.per_model.into_iter().collect::<Vec<_>>(), expected);
    // Nothing left to match: the model is still named, with 0.
    let deleted = P::objects().delete(&db).await.unwrap();
    assert_eq!(deleted.total, 0);
    assert_eq!(deleted.of("P"), 0);
    assert!(deleted.per_model.contains_key("P"));
}

// Django queries' Item / Tag / Creator.

/// Who made an item.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_creators")]
pub struct Creator {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// A tag.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_tags")]
pub struct Tag {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// An item with tags.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_items")]
pub struct Item {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
    #[aksara(on_delete = CASCADE, related_name = "items")]
    pub creator: ForeignKey<Creator>,
    #[aksara(related_name = "items")]
    pub tags: ManyToMany<Tag>,
}

fn items_registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Item>()
        .build()
        .expect("valid models")
}

/// Names of the items a queryset returns, sorted.
async fn item_names(db: &aksara::Db, qs: aksara::QuerySet<Item>) -> Vec<String> {
    let mut names: Vec<String> = qs
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect();
    names.sort();
    names
}

/// Django delete `test_m2m`: deleting a row counts the many-to-many links that go with it.
async fn delete_counts_many_to_many_links(t: TestDb) {
    let db = t.db(items_registry()).await;
    let fred = Creator::build().name("fred").create(&db).await.unwrap();
    let t1 = Tag::build().name("t1").create(&db).await.unwrap();
    let t2 = Tag::build().name("t2").create(&db).await.unwrap();
    let item = Item::build()
        .name("one")
        .creator(&fred)
        .create(&db)
        .await
        .unwrap();
    item.tags().add(&db, [&t1, &t2]).await.unwrap();
    let deleted = fred.delete(&db).await.unwrap();
    assert_eq!(deleted.total, 4, "{deleted:?}");
    assert_eq!(deleted.of("Creator"), 1);
    assert_eq!(deleted.of("Item"), 1);
    assert_eq!(deleted.of("Item_tags"), 2);
    assert_eq!(Tag::objects().count(&db).await.unwrap(), 2, "tags stay");
}

/// Django queries `test_tickets_..._isnull` / many_to_one_null `test_related_null_to_field`:
/// `tags__id__isnull = true` matches the untagged item, as `tags__isnull = true` does.
async fn queries_isnull_across_to_many_includes_no_row(t: TestDb) {
    let db = t.db(items_registry()).await;
    let fred = Creator::build().name("fred").create(&db).await.unwrap();
    let t1 = Tag::build().name("t1").create(&db).await.unwrap();
    let tagged = Item::build()
        .name("tagged")
        .creator(&fred)
        .create(&db)
        .await
        .unwrap();
    tagged.tags().add(&db, [&t1]).await.unwrap();
    Item::build()
        .name("untagged")
        .creator(&fred)
        .create(&db)
        .await
        .unwrap();

    for qs in [
        Item::objects().filter(q!(tags__isnull = true)),
        Item::objects().filter(q!(tags__id__isnull = true)),
        Item::objects().filter(q!(tags__name__isnull = true)),
    ] {
        assert_eq!(item_names(&db, qs).await, ["untagged"]);
    }
    for qs in [
        Item::objects().filter(q!(tags__id__isnull = false)),
        Item::objects().exclude(q!(tags__id__isnull = true)),
    ] {
        assert_eq!(item_names(&db, qs).await, ["tagged"]);
    }
    // From the tag's side (a reverse many-to-many).
    Tag::build().name("unused").create(&db).await.unwrap();
    let names: Vec<String> = Tag::objects()
        .filter(q!(items__id__isnull = true))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["unused"]);
}

/// Django queries `test_ticket7155`-style single-join semantics: inside one `filter` call,
/// conditions on `tags` refer to one tag row through AND, OR and nesting; the branch that
/// does not mention tags is evaluated on the item itself; NOT means "no such tag".
async fn queries_one_filter_binds_or_branches_to_one_tag(t: TestDb) {
    let db = t.db(items_registry()).await;
    let fred = Creator::build().name("fred").create(&db).await.unwrap();
    let ann = Creator::build().name("ann").create(&db).await.unwrap();
    let t1 = Tag::build().name("t1").create(&db).await.unwrap();
    let t2 = Tag::build().name("t2").create(&db).await.unwrap();
    let both = Item::build()
        .name("ann t1 t2")
        .creator(&ann)
        .create(&db)
        .await
        .unwrap();
    both.tags().add(&db, [&t1, &t2]).await.unwrap();
    let fred_t1 = Item::build()
        .name("fred t1")
        .creator(&fred)
        .create(&db)
        .await
        .unwrap();
    fred_t1.tags().add(&db, [&t1]).await.unwrap();
    let ann_t2 = Item::build()
        .name("ann t2")
        .creator(&ann)
        .create(&db)
        .await
        .unwrap();
    ann_t2.tags().add(&db, [&t2]).await.unwrap();
    Item::build()
        .name("fred none")
        .creator(&fred)
        .create(&db)
        .await
        .unwrap();

    // t1 AND (fred OR t2): the t2 branch would need the t1 row to be t2 as well.
    let tree = Condition::And(vec![
        Condition::new("tags", &t1),
        Condition::new("creator__name", "fred") | Condition::new("tags", &t2),
    ]);
    assert_eq!(
        item_names(&db, Item::objects().filter(tree)).await,
        ["fred t1"]
    );
    // Split over two filter calls, the tag rows are independent.
    let split = Item::objects()
        .filter(Condition::new("tags", &t1))
        .filter(Condition::new("creator__name", "fred") | Condition::new("tags", &t2));
    assert_eq!(item_names(&db, split).await, ["ann t1 t2", "fred t1"]);
    // fred OR t2: an item with no tags can match through the other branch.
    let either = Condition::new("creator__name", "fred") | Condition::new("tags", &t2);
    assert_eq!(
        item_names(&db, Item::objects().filter(either)).await,
        ["ann t1 t2", "ann t2", "fred none", "fred t1"]
    );
    // (t1 OR t2) AND t2 on one row: the row is t2.
    let tree = Condition::And(vec![
        Condition::new("tags", &t1) | Condition::new("tags", &t2),
        Condition::new("tags__name", "t2"),
    ]);
    assert_eq!(
        item_names(&db, Item::objects().filter(tree)).await,
        ["ann t1 t2", "ann t2"]
    );
    // NOT inside a filter: no tag t1; beside it, a tag t2.
    let tree = Condition::And(vec![
        Condition::Not(Box::new(Condition::new("tags", &t1))),
        Condition::new("tags", &t2),
    ]);
    assert_eq!(
        item_names(&db, Item::objects().filter(tree)).await,
        ["ann t2"]
    );
    // exclude: has no tag that is both t1 and named t2 (one row again).
    let excluded = Item::objects().exclude(Condition::And(vec![
        Condition::new("tags", &t1),
        Condition::new("tags__name", "t2"),
    ]));
    assert_eq!(
        excluded.count(&db).await.unwrap(),
        4,
        "no tag is both t1 and t2"
    );
}

// Django null_queries' OuterA / Inner / OuterB.

/// Referenced by Inner.first.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_outer_a")]
pub struct OuterA {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub name: String,
}

/// Referenced by Inner.third.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_outer_b")]
pub struct OuterB {
    pub id: i64,
    #[aksara(max_length = 20)]
    pub data: String,
}

/// Between the two.
#[derive(Model, Debug, Clone)]
#[aksara(table = "dq_inner")]
pub struct Inner {
    pub id: i64,
    #[aksara(on_delete = CASCADE, related_name = "inner")]
    pub first: ForeignKey<OuterA>,
    #[aksara(on_delete = CASCADE, related_name = "inners")]
    pub third: Option<ForeignKey<OuterB>>,
}

/// Django null_queries `test_reverse_relations`: `inner__third__isnull = true` matches an
/// OuterA with no Inner rows at all, and one whose Inner has no third.
async fn null_queries_reverse_relations(t: TestDb) {
    let db = t
        .db(Registry::builder().model::<Inner>().build().unwrap())
        .await;
    OuterA::build().name("alone").create(&db).await.unwrap();
    let names = |qs: aksara::QuerySet<OuterA>| {
        let db = db.clone();
        async move {
            let mut names: Vec<String> = qs
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|o| o.name)
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(
        names(OuterA::objects().filter(q!(inner__third__isnull = true))).await,
        ["alone"]
    );
    assert_eq!(
        names(OuterA::objects().filter(q!(inner__isnull = true))).await,
        ["alone"]
    );

    let with_null = OuterA::build()
        .name("null third")
        .create(&db)
        .await
        .unwrap();
    Inner::build().first(&with_null).create(&db).await.unwrap();
    let with_third = OuterA::build()
        .name("with third")
        .create(&db)
        .await
        .unwrap();
    let b = OuterB::build().data("b").create(&db).await.unwrap();
    Inner::build()
        .first(&with_third)
        .third(&b)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(
        names(OuterA::objects().filter(q!(inner__third__isnull = true))).await,
        ["alone", "null third"]
    );
    assert_eq!(
        names(OuterA::objects().filter(q!(inner__third__isnull = false))).await,
        ["with third"]
    );
}

backend_tests!(
    delete_restrict_path_cascade_indirect,
    delete_restrict_outside_the_cascade_refuses,
    delete_restrict_path_cascade_indirect_diamond,
    delete_restrict_raw_sql_still_refused,
    delete_protect_multiple,
    queries_sliced_delete_is_refused,
    delete_returns_num_rows,
    delete_counts_many_to_many_links,
    queries_isnull_across_to_many_includes_no_row,
    null_queries_reverse_relations,
    queries_one_filter_binds_or_branches_to_one_tag,
);
