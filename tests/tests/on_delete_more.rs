//! Django's remaining `on_delete` rules (`tests/delete`'s `SET`, `SET_DEFAULT` and
//! `DO_NOTHING` cases) on every backend: the referencing rows keep living with the value the
//! rule gives them, or the database's constraint refuses the delete.

use aksara::{q, Error, ForeignKey, Model, Registry, DO_NOTHING, SET, SET_DEFAULT};
use aksara_tests::{backend_tests, TestDb};
use std::sync::Arc;

#[derive(Model, Debug, Clone)]
#[aksara(table = "odm_owners")]
pub struct OdmOwner {
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[aksara(table = "odm_items")]
pub struct OdmItem {
    pub id: i64,
    pub name: String,
    #[aksara(on_delete = SET(1), related_name = "set_items")]
    pub set_to_first: ForeignKey<OdmOwner>,
    #[aksara(on_delete = SET_DEFAULT, default = 2, related_name = "default_items")]
    pub default_second: ForeignKey<OdmOwner>,
    #[aksara(on_delete = SET(None::<i64>), related_name = "nullable_items")]
    pub set_none: Option<ForeignKey<OdmOwner>>,
}

#[derive(Model, Debug, Clone)]
#[aksara(table = "odm_notes")]
pub struct OdmNote {
    pub id: i64,
    #[aksara(on_delete = DO_NOTHING, related_name = "notes")]
    pub owner: ForeignKey<OdmOwner>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<OdmOwner>()
        .model::<OdmItem>()
        .model::<OdmNote>()
        .build()
        .expect("valid models")
}

async fn owner(db: &aksara::Db, name: &str) -> OdmOwner {
    OdmOwner::build().name(name).create(db).await.unwrap()
}

/// `SET(value)` and `SET_DEFAULT`: deleting the owner points its items at the given row and
/// at the field's default, in the same transaction, before the owner goes.
async fn set_and_set_default_repoint_the_rows(t: TestDb) {
    let db = t.db(registry()).await;
    let first = owner(&db, "first").await;
    let second = owner(&db, "second").await;
    let doomed = owner(&db, "doomed").await;
    assert_eq!((first.id, second.id), (1, 2), "keys the rules name");
    let item = OdmItem::build()
        .name("item")
        .set_to_first(&doomed)
        .default_second(&doomed)
        .set_none(&doomed)
        .create(&db)
        .await
        .unwrap();
    let untouched = OdmItem::build()
        .name("elsewhere")
        .set_to_first(&second)
        .default_second(&first)
        .create(&db)
        .await
        .unwrap();

    let deleted = doomed.delete(&db).await.unwrap();
    assert_eq!(deleted.of("OdmOwner"), 1);
    assert_eq!(deleted.total, 1, "the items are kept: {deleted:?}");

    let item = OdmItem::objects().get_by_pk(&db, item.id).await.unwrap();
    assert_eq!(*item.set_to_first.id(), first.id, "SET(1)");
    assert_eq!(
        *item.default_second.id(),
        second.id,
        "SET_DEFAULT (default 2)"
    );
    assert!(item.set_none.is_none(), "SET(None) clears a nullable key");
    let other = OdmItem::objects()
        .get_by_pk(&db, untouched.id)
        .await
        .unwrap();
    assert_eq!(
        *other.set_to_first.id(),
        second.id,
        "rows of other owners are left alone"
    );
    assert_eq!(*other.default_second.id(), first.id);
    assert_eq!(OdmOwner::objects().count(&db).await.unwrap(), 2);
}

/// `DO_NOTHING`: the ORM leaves the notes alone, and the database's constraint refuses the
/// delete while one references the owner; nothing is deleted. Without notes it goes.
async fn do_nothing_leaves_it_to_the_constraint(t: TestDb) {
    let db = t.db(registry()).await;
    let kept = owner(&db, "kept").await;
    let free = owner(&db, "free").await;
    OdmNote::build().owner(&kept).create(&db).await.unwrap();

    let err = kept
        .delete(&db)
        .await
        .expect_err("a note still references it");
    assert!(
        matches!(err, Error::ForeignKeyConstraint { .. }),
        "expected the constraint's refusal, got {err:?}"
    );
    assert_eq!(OdmOwner::objects().count(&db).await.unwrap(), 2);
    assert_eq!(OdmNote::objects().count(&db).await.unwrap(), 1);
    assert_eq!(
        OdmNote::objects()
            .filter(q!(owner = kept.id))
            .count(&db)
            .await
            .unwrap(),
        1
    );

    let deleted = free.delete(&db).await.unwrap();
    assert_eq!(deleted.total, 1);
    assert_eq!(OdmOwner::objects().count(&db).await.unwrap(), 1);
}

/// A `SET_DEFAULT` relation whose field has no default.
#[derive(Model, Debug, Clone)]
#[aksara(table = "odm_bad_items")]
pub struct OdmBadItem {
    pub id: i64,
    #[aksara(on_delete = SET_DEFAULT, related_name = "bad_items")]
    pub owner: ForeignKey<OdmOwner>,
}

/// `SET_DEFAULT` on a field without a default is refused when the registry is built, with a
/// message naming the field, before any table or row exists.
#[test]
fn set_default_without_a_default_is_refused_by_the_registry() {
    let err = Registry::builder()
        .model::<OdmOwner>()
        .model::<OdmBadItem>()
        .build()
        .expect_err("no default to set");
    let text = err.to_string();
    assert!(
        text.contains("OdmBadItem.owner") && text.contains("SET_DEFAULT"),
        "{text}"
    );
}

backend_tests!(
    set_and_set_default_repoint_the_rows,
    do_nothing_leaves_it_to_the_constraint,
);
