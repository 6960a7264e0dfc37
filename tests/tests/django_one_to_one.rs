//! Scenarios of Django's `tests/one_to_one`, on this API and on every backend: a Place with
//! an optional Restaurant and Bar, Waiters of a Restaurant, a nullable one-to-one, several
//! one-to-one fields on one model, and filters on a reverse one-to-one that may be absent.

use aksara::{q, Condition, Error, ForeignKey, Model, OneToOne, Registry, CASCADE, SET_NULL};
use aksara_tests::{backend_tests, TestDb};

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    pub struct Place {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(max_length = 80)]
        pub address: String,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Restaurant {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "restaurant")]
        pub place: OneToOne<Place>,
        pub serves_hot_dogs: bool,
        pub serves_pizza: bool,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Bar {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "bar")]
        pub place: OneToOne<Place>,
        pub serves_cocktails: bool,
    }

    #[derive(Model, Debug, Clone)]
    pub struct UndergroundBar {
        pub id: i64,
        #[aksara(on_delete = SET_NULL, related_name = "undergroundbar")]
        pub place: Option<OneToOne<Place>>,
        pub serves_cocktails: bool,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Waiter {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "waiters")]
        pub restaurant: ForeignKey<Restaurant>,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    /// Django's model has a text key; keys here are UUIDs or integers, so the key is a UUID
    /// made on the client and the text is a unique field.
    #[derive(Model, Debug, Clone)]
    pub struct ManualPrimaryKey {
        pub id: uuid::Uuid,
        #[aksara(unique, max_length = 10)]
        pub code: String,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    pub struct MultiModel {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "multimodel_by_place")]
        pub link1: OneToOne<Place>,
        #[aksara(on_delete = CASCADE, related_name = "multimodel")]
        pub link2: OneToOne<ManualPrimaryKey>,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Target {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Pointer {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "pointer")]
        pub other: OneToOne<Target>,
    }
}

use models::{
    Bar, ManualPrimaryKey, MultiModel, Place, Pointer, Restaurant, Target, UndergroundBar, Waiter,
};

struct Fixture {
    db: aksara::Db,
    p1: Place,
    p2: Place,
    r1: Restaurant,
    b1: Bar,
}

/// Django's `setUp`: Demon Dogs (with a restaurant and a bar) and Ace Hardware (neither).
async fn fixture(t: &TestDb) -> Fixture {
    let registry = Registry::builder()
        .model::<Restaurant>()
        .model::<Bar>()
        .model::<UndergroundBar>()
        .model::<Waiter>()
        .model::<MultiModel>()
        .model::<Pointer>()
        .build()
        .expect("valid models");
    let db = t.db(registry).await;
    let p1 = Place::build()
        .name("Demon Dogs")
        .address("944 W. Fullerton")
        .create(&db)
        .await
        .unwrap();
    let p2 = Place::build()
        .name("Ace Hardware")
        .address("1013 N. Ashland")
        .create(&db)
        .await
        .unwrap();
    let r1 = Restaurant::build()
        .place(&p1)
        .serves_hot_dogs(true)
        .serves_pizza(false)
        .create(&db)
        .await
        .unwrap();
    let b1 = Bar::build()
        .place(&p1)
        .serves_cocktails(false)
        .create(&db)
        .await
        .unwrap();
    Fixture { db, p1, p2, r1, b1 }
}

/// `test_getter` and `test_reverse_object_cache`: both directions, and DoesNotExist where
/// there is no row.
async fn getter(t: TestDb) {
    let f = fixture(&t).await;
    assert_eq!(f.r1.place.get(&f.db).await.unwrap().name, "Demon Dogs");
    assert_eq!(f.p1.restaurant(&f.db).await.unwrap().id, f.r1.id);
    assert_eq!(f.p1.bar(&f.db).await.unwrap().id, f.b1.id);
    let err =
        f.p2.restaurant(&f.db)
            .await
            .expect_err("Ace Hardware has no restaurant");
    assert!(err.is_does_not_exist(), "{err:?}");
}

/// `test_setter`: moving the restaurant to another place.
async fn setter(t: TestDb) {
    let f = fixture(&t).await;
    let mut r1 = f.r1.clone();
    r1.place = OneToOne::new(f.p2.id);
    r1.save(&f.db).await.unwrap();
    assert_eq!(f.p2.restaurant(&f.db).await.unwrap().id, r1.id);
    assert!(f
        .p1
        .restaurant(&f.db)
        .await
        .unwrap_err()
        .is_does_not_exist());
    let again = Restaurant::objects()
        .get(&f.db, q!(place = &f.p2))
        .await
        .unwrap();
    assert_eq!(again.place.get(&f.db).await.unwrap().name, "Ace Hardware");
}

/// `test_manager_all`.
async fn manager_all(t: TestDb) {
    let f = fixture(&t).await;
    assert_eq!(Restaurant::objects().count(&f.db).await.unwrap(), 1);
    let places = Place::objects()
        .order_by(["name"])
        .all(&f.db)
        .await
        .unwrap();
    let names: Vec<&str> = places.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ace Hardware", "Demon Dogs"]);
}

/// `test_manager_get`: every spelling of "the restaurant of Demon Dogs" and back.
async fn manager_get(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    for condition in [
        q!(place__id__exact = f.p1.id),
        q!(place__id = f.p1.id),
        q!(place__exact = f.p1.id),
        q!(place__exact = &f.p1),
        q!(place = f.p1.id),
        q!(place = &f.p1),
        q!(place__pk__exact = f.p1.id),
        q!(place__pk = f.p1.id),
        q!(place__name__startswith = "Demon"),
    ] {
        let r = Restaurant::objects()
            .get(db, condition.clone())
            .await
            .unwrap_or_else(|e| panic!("{condition:?}: {e}"));
        assert_eq!(r.id, f.r1.id, "{condition:?}");
    }
    for condition in [
        q!(restaurant__place__exact = f.p1.id),
        q!(restaurant__place__exact = &f.p1),
        q!(restaurant__place__pk = f.p1.id),
        q!(restaurant__exact = f.r1.id),
        q!(restaurant__exact = &f.r1),
        q!(restaurant__pk = f.r1.id),
        q!(restaurant = f.r1.id),
        q!(restaurant = &f.r1),
        q!(id__exact = f.p1.id),
        q!(pk = f.p1.id),
    ] {
        let p = Place::objects()
            .get(db, condition.clone())
            .await
            .unwrap_or_else(|e| panic!("{condition:?}: {e}"));
        assert_eq!(p.id, f.p1.id, "{condition:?}");
    }
}

/// `test_foreign_key`: waiters of a restaurant, reached through the one-to-one, and removed
/// with it.
async fn foreign_key_through_one_to_one(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let w =
        f.r1.waiters()
            .create(db, Waiter::build().name("Joe"))
            .await
            .unwrap();
    for condition in [
        q!(restaurant__place__exact = f.p1.id),
        q!(restaurant__place__exact = &f.p1),
        q!(restaurant__place__pk = f.p1.id),
        q!(restaurant__exact = f.r1.id),
        q!(restaurant__exact = &f.r1),
        q!(restaurant__pk = f.r1.id),
        q!(restaurant = f.r1.id),
        q!(restaurant = &f.r1),
        q!(id__exact = w.id),
        q!(pk = w.id),
    ] {
        let rows = Waiter::objects()
            .filter(condition.clone())
            .all(db)
            .await
            .unwrap();
        assert_eq!(
            rows.iter().map(|x| x.id).collect::<Vec<_>>(),
            [w.id],
            "{condition:?}"
        );
    }
    let r = Restaurant::objects()
        .get(db, q!(pk = f.r1.id))
        .await
        .unwrap();
    r.delete(db).await.unwrap();
    assert_eq!(Waiter::objects().count(db).await.unwrap(), 0);
    assert_eq!(
        Place::objects().count(db).await.unwrap(),
        2,
        "the place stays"
    );
}

/// `test_multiple_o2o`: a one-to-one to a model with a text key, several one-to-ones on one
/// model, and the uniqueness of each.
async fn multiple_one_to_ones(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let o1 = ManualPrimaryKey::build()
        .code("abc123")
        .name("primary")
        .create(db)
        .await
        .unwrap();
    let x1 = MultiModel::build()
        .link1(&f.p1)
        .link2(&o1)
        .name("x1")
        .create(db)
        .await
        .unwrap();
    assert_eq!(o1.multimodel(db).await.unwrap().id, x1.id);
    let err = MultiModel::build()
        .link1(&f.p2)
        .link2(&o1)
        .name("x1")
        .create(db)
        .await
        .expect_err("link2 is one-to-one");
    assert!(matches!(err, Error::Integrity { .. }), "{err:?}");
    assert_eq!(MultiModel::objects().count(db).await.unwrap(), 1);
}

/// `test_reverse_relationship_cache_cascade` (#9023): unlinking a nullable one-to-one before
/// deleting the place keeps the bar.
async fn unlinked_row_survives_delete(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let mut bar = UndergroundBar::build()
        .place(&f.p1)
        .serves_cocktails(false)
        .create(db)
        .await
        .unwrap();
    assert_eq!(f.p1.undergroundbar(db).await.unwrap().id, bar.id);
    bar.place = None;
    bar.save(db).await.unwrap();
    f.p1.delete(db).await.unwrap();
    assert_eq!(Place::objects().count(db).await.unwrap(), 1);
    assert_eq!(UndergroundBar::objects().count(db).await.unwrap(), 1);
}

/// `test_assign_none_reverse_relation`: a nullable one-to-one set to NULL reads back NULL,
/// and SET_NULL clears it when the place goes.
async fn nullable_one_to_one(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let mut ug = UndergroundBar::build()
        .place(&f.p2)
        .serves_cocktails(true)
        .create(db)
        .await
        .unwrap();
    ug.place = None;
    ug.save(db).await.unwrap();
    ug.refresh(db).await.unwrap();
    assert!(ug.place.is_none());

    let linked = UndergroundBar::build()
        .place(&f.p2)
        .serves_cocktails(false)
        .create(db)
        .await
        .unwrap();
    f.p2.delete(db).await.unwrap();
    let after = UndergroundBar::objects()
        .get_by_pk(db, linked.id)
        .await
        .unwrap();
    assert!(after.place.is_none(), "SET_NULL");
}

/// `test_filter_one_to_one_relations` (#9968): a reverse one-to-one compared with NULL.
async fn filter_reverse_one_to_one_null(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let target = Target::build().name("t").create(db).await.unwrap();
    let none = Condition::new("pointer", None::<i64>);
    let ids = |v: Vec<Target>| v.into_iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(
        ids(Target::objects()
            .filter(none.clone())
            .all(db)
            .await
            .unwrap()),
        [target.id]
    );
    assert!(Target::objects()
        .exclude(none.clone())
        .all(db)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(Target::objects()
            .filter(q!(pointer__isnull = true))
            .all(db)
            .await
            .unwrap()),
        [target.id]
    );

    let pointed = Pointer::build().other(&target).create(db).await.unwrap();
    assert!(Target::objects()
        .filter(none.clone())
        .all(db)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(Target::objects().exclude(none).all(db).await.unwrap()),
        [target.id]
    );
    assert_eq!(target.pointer(db).await.unwrap().id, pointed.id);
}

/// `test_o2o_primary_key_delete` (the part that fits): deleting through a filter across the
/// one-to-one.
async fn delete_through_one_to_one_filter(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let target = Target::build().name("name").create(db).await.unwrap();
    Pointer::build().other(&target).create(db).await.unwrap();
    Pointer::objects()
        .filter(q!(other__name = "name"))
        .delete(db)
        .await
        .unwrap();
    assert_eq!(Pointer::objects().count(db).await.unwrap(), 0);
    assert_eq!(Target::objects().count(db).await.unwrap(), 1);
}

backend_tests!(
    getter,
    setter,
    manager_all,
    manager_get,
    foreign_key_through_one_to_one,
    multiple_one_to_ones,
    unlinked_row_survives_delete,
    nullable_one_to_one,
    filter_reverse_one_to_one_null,
    delete_through_one_to_one_filter,
);
