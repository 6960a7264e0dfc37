//! A `OneToOne` that is the primary key (Django's `OneToOneField(primary_key=True)`, the
//! shape of multi-table inheritance), on every backend: the seed's "optional extensions"
//! (a Restaurant is a Place with more columns, only for the places that are restaurants) and
//! "large fields" (an article's body kept apart from the article). The extension table's key
//! IS the parent's key: one column that is both PRIMARY KEY and REFERENCES the parent.
//!
//! The scenarios follow Django's `tests/one_to_one` (Place / Restaurant / Waiter, where
//! `Restaurant.place` is `OneToOneField(primary_key=True)`).

use aksara::{
    q, Error, ForeignKey, ManyToMany, Model, OneToOne, QuerySet, Record, Registry, Related, Value,
    CASCADE, PROTECT,
};
use aksara_tests::{backend_tests, TestDb};
use std::collections::HashSet;
use std::sync::Arc;

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_places")]
    pub struct OpkPlace {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(max_length = 80)]
        pub address: String,
        pub related: Related,
    }

    /// A Place that is also a restaurant: its key is the place's key.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_restaurants")]
    pub struct OpkRestaurant {
        #[aksara(primary_key, on_delete = CASCADE, related_name = "restaurant")]
        pub place: OneToOne<OpkPlace>,
        pub serves_hot_dogs: bool,
        pub serves_pizza: bool,
        #[aksara(related_name = "restaurants")]
        pub suppliers: ManyToMany<OpkSupplier>,
        pub related: Related,
    }

    /// The target of a many-to-many declared on the extension.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_suppliers")]
    pub struct OpkSupplier {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    /// An extension of the extension (Django's `ItalianRestaurant(Restaurant)`): its key is
    /// the restaurant's, which is the place's.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_italian_restaurants")]
    pub struct OpkItalianRestaurant {
        #[aksara(primary_key, related_name = "italian")]
        pub restaurant: OneToOne<OpkRestaurant>,
        pub serves_gnocchi: bool,
    }

    /// An extension that protects its place: the place cannot go while it exists.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_permits")]
    pub struct OpkPermit {
        #[aksara(primary_key, on_delete = PROTECT, related_name = "permit")]
        pub place: OneToOne<OpkPlace>,
        pub number: i32,
    }

    /// A foreign key to a model whose key is a one-to-one: it stores the place's key.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_waiters")]
    pub struct OpkWaiter {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "waiters")]
        pub restaurant: ForeignKey<OpkRestaurant>,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    /// A many-to-many to the same model: the junction holds place keys.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_dishes")]
    pub struct OpkDish {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(related_name = "dishes")]
        pub restaurants: ManyToMany<OpkRestaurant>,
    }

    /// The seed's "large fields": an article with a UUID key, and its body apart.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_articles")]
    pub struct OpkArticle {
        pub id: uuid::Uuid,
        #[aksara(max_length = 100)]
        pub title: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "opk_article_bodies")]
    pub struct OpkArticleBody {
        #[aksara(primary_key, related_name = "body")]
        pub article: OneToOne<OpkArticle>,
        #[aksara(text)]
        pub body: String,
    }
}

use models::{
    OpkArticle, OpkArticleBody, OpkDish, OpkItalianRestaurant, OpkPermit, OpkPlace, OpkRestaurant,
    OpkSupplier, OpkWaiter,
};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<OpkPlace>()
        .model::<OpkRestaurant>()
        .model::<OpkItalianRestaurant>()
        .model::<OpkWaiter>()
        .model::<OpkPermit>()
        .model::<OpkDish>()
        .model::<OpkSupplier>()
        .model::<OpkArticle>()
        .model::<OpkArticleBody>()
        .build()
        .expect("valid models")
}

struct Fixture {
    db: aksara::Db,
    p1: OpkPlace,
    p2: OpkPlace,
    r1: OpkRestaurant,
}

/// Django's `setUp`: Demon Dogs (a restaurant) and Ace Hardware (not one).
async fn fixture(t: &TestDb) -> Fixture {
    let db = t.db(registry()).await;
    let p1 = place(&db, "Demon Dogs", "944 W. Fullerton").await;
    let p2 = place(&db, "Ace Hardware", "1013 N. Ashland").await;
    let r1 = OpkRestaurant::build()
        .place(&p1)
        .serves_hot_dogs(true)
        .serves_pizza(false)
        .create(&db)
        .await
        .unwrap();
    Fixture { db, p1, p2, r1 }
}

async fn place(db: &aksara::Db, name: &str, address: &str) -> OpkPlace {
    OpkPlace::build()
        .name(name)
        .address(address)
        .create(db)
        .await
        .unwrap()
}

/// The metadata: the key field is the relation, one column `place_id` that is the key and
/// references the place; the model's `Pk` is the place's `i64`.
async fn metadata_and_schema(t: TestDb) {
    let db = t.db(registry()).await;
    let meta = OpkRestaurant::meta();
    let pk = meta.pk().unwrap();
    assert_eq!(pk.name, "place");
    assert_eq!(pk.column, "place_id");
    assert!(pk.primary_key);
    assert!(!pk.nullable);
    assert_eq!(pk.kind, aksara::FieldKind::BigInteger, "not auto-assigned");
    let relation = pk.relation.as_ref().expect("the key carries its relation");
    assert_eq!(relation.kind, aksara::RelationKind::OneToOne);
    assert_eq!(relation.related_name.as_deref(), Some("restaurant"));
    assert_eq!(meta.concrete_fields().count(), 3, "no separate id column");
    // The type of the key, checked by the compiler.
    let key: fn(&OpkRestaurant) -> &i64 = |r| r.pk();
    let _ = key;
    let body_key: fn(&OpkArticleBody) -> &uuid::Uuid = |b| b.pk();
    let _ = body_key;

    // One column, the key and the reference; no unique constraint or index beside it.
    let statements =
        aksara::ddl::create_statements(db.registry(), db.dialect(), &HashSet::new()).unwrap();
    let rendered: Vec<String> = statements.iter().map(|s| s.render(db.dialect())).collect();
    let create = rendered
        .iter()
        .find(|s| s.contains("opk_restaurants") && s.starts_with("CREATE TABLE"))
        .expect("the restaurants table");
    let (columns, constraints) = create.split_once("CONSTRAINT").expect("a constraint");
    assert_eq!(columns.matches("place_id").count(), 1, "{create}");
    assert!(columns.contains("PRIMARY KEY"), "{create}");
    assert!(
        !columns.contains("AUTO") && !columns.contains("SERIAL"),
        "{create}"
    );
    assert!(constraints.contains("FOREIGN KEY"), "{create}");
    assert!(constraints.contains("opk_places"), "{create}");
    assert!(create.contains("ON DELETE CASCADE"), "{create}");
    assert!(
        !create.contains("UNIQUE"),
        "the key is unique already: {create}"
    );
    assert!(
        !rendered
            .iter()
            .any(|s| s.starts_with("CREATE INDEX") && s.contains("opk_restaurants")),
        "the key is indexed already: {rendered:?}"
    );
}

/// Creating with the place or with its key gives the same row; the key is required, never
/// generated; a second restaurant for one place is an integrity error.
async fn create_by_row_or_key(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    assert_eq!(*f.r1.pk(), f.p1.id);
    assert_eq!(*f.r1.place.id(), f.p1.id);
    let r2 = OpkRestaurant::build()
        .place_id(f.p2.id)
        .serves_hot_dogs(false)
        .serves_pizza(true)
        .create(db)
        .await
        .unwrap();
    assert_eq!(*r2.pk(), f.p2.id);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 2);

    let missing = OpkRestaurant::build()
        .serves_hot_dogs(true)
        .serves_pizza(true)
        .create(db)
        .await
        .expect_err("the key is given, never generated");
    match &missing {
        Error::Validation { model, field, .. } => {
            assert_eq!((model.as_str(), field.as_str()), ("OpkRestaurant", "place"));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }

    let twice = OpkRestaurant::build()
        .place(&f.p1)
        .serves_hot_dogs(false)
        .serves_pizza(false)
        .create(db)
        .await
        .expect_err("Demon Dogs has a restaurant");
    assert!(
        matches!(twice, Error::Integrity { .. }),
        "expected an integrity error, got {twice:?}"
    );
    let dangling = OpkRestaurant::build()
        .place_id(f.p2.id + 100)
        .serves_hot_dogs(false)
        .serves_pizza(false)
        .create(db)
        .await
        .expect_err("no such place");
    assert!(
        matches!(dangling, Error::ForeignKeyConstraint { .. }),
        "expected a foreign key error, got {dangling:?}"
    );
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 2);
}

/// Django's `test_manager_get`: every spelling of "the restaurant of Demon Dogs".
async fn lookups_by_key_and_relation(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let by_pk = OpkRestaurant::objects()
        .get_by_pk(db, f.p1.id)
        .await
        .unwrap();
    assert_eq!(*by_pk.pk(), f.p1.id);
    assert!(by_pk.serves_hot_dogs);
    for condition in [
        q!(pk = f.p1.id),
        q!(place = f.p1.id),
        q!(place = &f.p1),
        q!(place__id = f.p1.id),
        q!(place__pk = f.p1.id),
        q!(place__name = "Demon Dogs"),
        q!(place__name__startswith = "Demon"),
        q!(place__address__contains = "Fullerton"),
    ] {
        let found = OpkRestaurant::objects().get(db, condition).await.unwrap();
        assert_eq!(*found.pk(), f.p1.id);
    }
    // Django's `test_rel_pk_exact`: the key compared with the row itself.
    let same = OpkRestaurant::objects()
        .get(db, q!(pk__exact = &f.r1))
        .await
        .unwrap();
    assert_eq!(*same.pk(), *f.r1.pk());
    db.record_sql();
    OpkRestaurant::objects()
        .filter(q!(pk = f.p1.id))
        .filter(q!(place__id = f.p1.id))
        .count(db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert!(
        !sql[0].contains("JOIN"),
        "the key is compared in place: {sql:?}"
    );
    let err = OpkRestaurant::objects()
        .get_by_pk(db, f.p2.id)
        .await
        .expect_err("Ace Hardware is no restaurant");
    assert!(err.is_does_not_exist(), "{err:?}");
    assert_eq!(
        OpkRestaurant::objects()
            .filter(q!(
                pk__in = aksara::Value::Array(vec![f.p1.id.into(), f.p2.id.into()])
            ))
            .count(db)
            .await
            .unwrap(),
        1
    );
    // Typed paths reach the same fields.
    let fields = OpkRestaurant::fields();
    let found = OpkRestaurant::objects()
        .filter(fields.place().name().eq("Demon Dogs"))
        .filter(fields.place_id().eq(f.p1.id))
        .all(db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    // Ordered by the key.
    OpkRestaurant::build()
        .place(&f.p2)
        .serves_hot_dogs(false)
        .serves_pizza(true)
        .create(db)
        .await
        .unwrap();
    let ordered = OpkRestaurant::objects()
        .order_by(["-pk"])
        .all(db)
        .await
        .unwrap();
    let keys: Vec<i64> = ordered.iter().map(|r| *r.pk()).collect();
    assert_eq!(keys, [f.p2.id, f.p1.id]);
}

/// The forward side: the key without a query, the place with one (then cached), and
/// `select_related` in one query, `prefetch_related` in two.
async fn forward_access(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let before = db.query_count();
    assert_eq!(*f.r1.place.id(), f.p1.id);
    assert_eq!(db.query_count(), before, "the key needs no query");
    assert_eq!(f.r1.place.get(db).await.unwrap().name, "Demon Dogs");
    assert_eq!(db.query_count(), before + 1);
    f.r1.place.get(db).await.unwrap();
    assert_eq!(db.query_count(), before + 1, "then cached");

    let strict = db.strict();
    let before = db.query_count();
    let rows = OpkRestaurant::objects()
        .select_related(["place"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1, "select_related is one query");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].place.get(&strict).await.unwrap().name, "Demon Dogs");
    assert_eq!(*rows[0].pk(), f.p1.id);

    let before = db.query_count();
    let rows = OpkRestaurant::objects()
        .prefetch_related(["place"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2, "one query per level");
    assert_eq!(
        rows[0].place.get(&strict).await.unwrap().address,
        "944 W. Fullerton"
    );

    let unloaded = OpkRestaurant::objects()
        .get_by_pk(db, f.p1.id)
        .await
        .unwrap();
    assert!(
        matches!(
            unloaded.place.get(&strict).await,
            Err(Error::LazyLoad { .. })
        ),
        "strict mode refuses the lazy load"
    );
}

/// The reverse side: `place.restaurant(&db)` is the one row or DoesNotExist, loaded by
/// `select_related` (one query, LEFT JOIN) and `prefetch_related` (two), and filtered on.
async fn reverse_access(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    assert_eq!(*f.p1.restaurant(db).await.unwrap().pk(), f.p1.id);
    let err = f.p2.restaurant(db).await.expect_err("no restaurant");
    assert!(err.is_does_not_exist(), "{err:?}");

    let strict = db.strict();
    let before = db.query_count();
    let places = OpkPlace::objects()
        .select_related(["restaurant"])
        .order_by(["id"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1, "select_related is one query");
    assert_eq!(places.len(), 2, "the LEFT JOIN keeps the place without one");
    let r = places[0].restaurant(&strict).await.unwrap();
    assert!(r.serves_hot_dogs);
    assert_eq!(*r.pk(), f.p1.id);
    assert!(places[1]
        .restaurant(&strict)
        .await
        .unwrap_err()
        .is_does_not_exist());

    let before = db.query_count();
    let places = OpkPlace::objects()
        .prefetch_related(["restaurant"])
        .order_by(["id"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2, "one query per level");
    assert!(!places[0].restaurant(&strict).await.unwrap().serves_pizza);
    assert!(places[1]
        .restaurant(&strict)
        .await
        .unwrap_err()
        .is_does_not_exist());

    // Reverse filters.
    let with_hot_dogs = OpkPlace::objects()
        .filter(q!(restaurant__serves_hot_dogs = true))
        .all(db)
        .await
        .unwrap();
    assert_eq!(with_hot_dogs.len(), 1);
    assert_eq!(with_hot_dogs[0].id, f.p1.id);
    let by_key = OpkPlace::objects()
        .filter(q!(restaurant = f.p1.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(by_key, 1);
    let without = OpkPlace::objects()
        .filter(q!(restaurant__isnull = true))
        .all(db)
        .await
        .unwrap();
    assert_eq!(without.len(), 1);
    assert_eq!(without[0].name, "Ace Hardware");
    let not_restaurants = OpkPlace::objects()
        .exclude(q!(restaurant__serves_hot_dogs = true))
        .count(db)
        .await
        .unwrap();
    assert_eq!(not_restaurants, 1);
    let typed = OpkPlace::objects()
        .filter(OpkPlace::fields().restaurant().serves_pizza().eq(false))
        .count(db)
        .await
        .unwrap();
    assert_eq!(typed, 1);
}

/// `save` writes the other fields (never the key), and inserts a row not stored yet with the
/// key it carries; `refresh` reloads by key.
async fn save_and_refresh(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let mut r1 = f.r1.clone();
    r1.serves_pizza = true;
    r1.save(db).await.unwrap();
    let again = OpkRestaurant::objects()
        .get_by_pk(db, f.p1.id)
        .await
        .unwrap();
    assert!(again.serves_pizza);
    assert!(again.serves_hot_dogs);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 1);

    let mut fresh = OpkRestaurant {
        place: OneToOne::new(f.p2.id),
        serves_hot_dogs: false,
        serves_pizza: true,
        suppliers: ManyToMany::new(),
        related: Related::default(),
    };
    fresh.save(db).await.unwrap();
    assert_eq!(*fresh.pk(), f.p2.id, "inserted with the key it carries");
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 2);
    assert!(f.p2.restaurant(db).await.unwrap().serves_pizza);

    OpkRestaurant::objects()
        .filter(q!(pk = f.p1.id))
        .update(db, [("serves_hot_dogs", false)])
        .await
        .unwrap();
    let mut r1 = r1;
    r1.refresh(db).await.unwrap();
    assert!(!r1.serves_hot_dogs);
    assert_eq!(*r1.pk(), f.p1.id);

    // The key is not a field to update in bulk: a typed error naming the model and field.
    let err = OpkRestaurant::objects()
        .filter(q!(pk = f.p1.id))
        .update(db, [("place", f.p2.id)])
        .await
        .expect_err("the key cannot be updated");
    match &err {
        Error::Validation { model, field, .. } => {
            assert_eq!((model.as_str(), field.as_str()), ("OpkRestaurant", "place"));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    // As with any key set by hand (and as in Django), saving under another place's key writes
    // that row: the restaurant of the first place is left as it was.
    let p3 = place(db, "Third", "3 Street").await;
    let mut copy = r1.clone();
    copy.place = OneToOne::new(p3.id);
    copy.save(db).await.unwrap();
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 3);
    assert_eq!(*f.p1.restaurant(db).await.unwrap().pk(), f.p1.id);
    assert_eq!(*p3.restaurant(db).await.unwrap().pk(), p3.id);
}

/// Deleting the place cascades to its restaurant (the collector follows the key), and on to
/// the restaurant's waiters; deleting the restaurant leaves the place.
async fn delete_follows_the_key(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    OpkWaiter::build()
        .restaurant(&f.r1)
        .name("Joe")
        .create(db)
        .await
        .unwrap();
    let r2 = OpkRestaurant::build()
        .place(&f.p2)
        .serves_hot_dogs(false)
        .serves_pizza(true)
        .create(db)
        .await
        .unwrap();
    OpkWaiter::build()
        .restaurant(&r2)
        .name("Ann")
        .create(db)
        .await
        .unwrap();

    // The extension goes by its key, its waiters with it; the place stays.
    let deleted = r2.delete(db).await.unwrap();
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert_eq!(deleted.of("OpkWaiter"), 1);
    assert_eq!(deleted.of("OpkPlace"), 0);
    assert!(OpkPlace::objects().get_by_pk(db, f.p2.id).await.is_ok());
    assert!(f.p2.restaurant(db).await.unwrap_err().is_does_not_exist());

    // The place takes its restaurant and the restaurant's waiters along.
    let deleted = f.p1.delete(db).await.unwrap();
    assert_eq!(deleted.of("OpkPlace"), 1);
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert_eq!(deleted.of("OpkWaiter"), 1);
    assert_eq!(deleted.total, 3, "{deleted:?}");
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 0);
    assert_eq!(OpkWaiter::objects().count(db).await.unwrap(), 0);
    assert_eq!(OpkPlace::objects().count(db).await.unwrap(), 1);

    // A queryset delete cascades the same way.
    let p3 = place(db, "Third", "3 Street").await;
    OpkRestaurant::build()
        .place(&p3)
        .serves_hot_dogs(true)
        .serves_pizza(true)
        .create(db)
        .await
        .unwrap();
    let deleted = OpkPlace::objects()
        .filter(q!(restaurant__serves_pizza = true))
        .delete(db)
        .await
        .unwrap();
    assert_eq!(deleted.of("OpkPlace"), 1);
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 0);
    let deleted = OpkRestaurant::objects()
        .filter(q!(pk = p3.id))
        .delete(db)
        .await
        .unwrap();
    assert_eq!(deleted.total, 0, "already gone");

    // Django's `test_o2o_primary_key_delete`: a queryset delete of extensions filtered
    // through the key relation deletes the extensions only.
    let p4 = place(db, "Fourth", "4 Street").await;
    OpkRestaurant::build()
        .place(&p4)
        .serves_hot_dogs(true)
        .serves_pizza(false)
        .create(db)
        .await
        .unwrap();
    let deleted = OpkRestaurant::objects()
        .filter(q!(place__name = "Fourth"))
        .delete(db)
        .await
        .unwrap();
    assert_eq!(deleted.total, 1, "{deleted:?}");
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert!(OpkPlace::objects().get_by_pk(db, p4.id).await.is_ok());
}

/// A many-to-many declared on the extension: its junction's source column holds the place's
/// key; adding, reading, prefetching, filtering and the cascade all go by it.
async fn many_to_many_from_the_extension(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let buns = OpkSupplier::build()
        .name("Buns Inc")
        .create(db)
        .await
        .unwrap();
    let meat = OpkSupplier::build()
        .name("Meat Co")
        .create(db)
        .await
        .unwrap();
    f.r1.suppliers().add(db, [&buns, &meat]).await.unwrap();
    f.r1.suppliers().add(db, [&buns]).await.unwrap();
    assert_eq!(f.r1.suppliers().count(db).await.unwrap(), 2, "idempotent");
    let served: Vec<i64> = buns
        .restaurants()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| *r.pk())
        .collect();
    assert_eq!(served, [f.p1.id]);

    let before = db.query_count();
    let rows = OpkRestaurant::objects()
        .prefetch_related(["suppliers"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    assert_eq!(rows[0].suppliers().loaded().unwrap().len(), 2);
    let by_supplier = OpkPlace::objects()
        .filter(q!(restaurant__suppliers__name = "Meat Co"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(by_supplier.len(), 1);
    assert_eq!(by_supplier[0].id, f.p1.id);

    f.r1.suppliers().remove(db, [&meat]).await.unwrap();
    assert_eq!(f.r1.suppliers().count(db).await.unwrap(), 1);
    f.p1.delete(db).await.unwrap();
    assert_eq!(buns.restaurants().count(db).await.unwrap(), 0);
    assert_eq!(OpkSupplier::objects().count(db).await.unwrap(), 2);
}

/// `PROTECT` on a key relation: the place with a permit cannot be deleted (the error names
/// the relation, nothing is deleted, its restaurant included); without the permit it goes.
async fn protect_on_a_key_relation(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let permit = OpkPermit::build()
        .place(&f.p1)
        .number(7)
        .create(db)
        .await
        .unwrap();
    assert_eq!(*permit.pk(), f.p1.id);
    let err = f.p1.delete(db).await.expect_err("the permit protects it");
    match &err {
        Error::ForeignKeyConstraint { .. } => {
            let text = err.to_string();
            assert!(text.contains("OpkPermit"), "{text}");
        }
        other => panic!("expected a foreign key error, got {other:?}"),
    }
    assert_eq!(OpkPlace::objects().count(db).await.unwrap(), 2);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 1);
    assert_eq!(f.p1.permit(db).await.unwrap().number, 7);

    permit.delete(db).await.unwrap();
    let deleted = f.p1.delete(db).await.unwrap();
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert_eq!(OpkPlace::objects().count(db).await.unwrap(), 1);
}

/// A foreign key and a many-to-many to a model keyed by a one-to-one: they hold the place's
/// key, and every path through them works.
async fn relations_to_the_extension(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let joe = OpkWaiter::build()
        .restaurant(&f.r1)
        .name("Joe")
        .create(db)
        .await
        .unwrap();
    let ann = OpkWaiter::build()
        .restaurant_id(f.p1.id)
        .name("Ann")
        .create(db)
        .await
        .unwrap();
    // Django's `r.waiter_set.create(name=...)`: the reverse manager links by the place's key.
    let temp =
        f.r1.waiters()
            .create(db, OpkWaiter::build().name("Temp"))
            .await
            .unwrap();
    assert_eq!(*temp.restaurant.id(), f.p1.id);
    temp.delete(db).await.unwrap();
    assert_eq!(*joe.restaurant.id(), f.p1.id);
    assert_eq!(*ann.restaurant.id(), f.p1.id);
    assert!(joe.restaurant.get(db).await.unwrap().serves_hot_dogs);

    let strict = db.strict();
    let before = db.query_count();
    let waiters = OpkWaiter::objects()
        .select_related(["restaurant__place"])
        .order_by(["name"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1, "two joins, one query");
    let r = waiters[0].restaurant.get(&strict).await.unwrap();
    assert_eq!(r.place.get(&strict).await.unwrap().name, "Demon Dogs");

    let names: Vec<String> =
        f.r1.waiters()
            .order_by(["name"])
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|w| w.name)
            .collect();
    assert_eq!(names, ["Ann", "Joe"]);
    for condition in [
        q!(restaurant = f.p1.id),
        q!(restaurant = &f.r1),
        q!(restaurant__place = f.p1.id),
        q!(restaurant__place__name = "Demon Dogs"),
        q!(restaurant__serves_hot_dogs = true),
    ] {
        assert_eq!(
            OpkWaiter::objects()
                .filter(condition)
                .count(db)
                .await
                .unwrap(),
            2
        );
    }
    // Comparing the key of the key needs no join: the waiter's column holds it.
    db.record_sql();
    OpkWaiter::objects()
        .filter(q!(restaurant__place = f.p1.id))
        .filter(q!(restaurant__pk = f.p1.id))
        .count(db)
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert!(!sql[0].contains("JOIN"), "{sql:?}");
    let places = OpkPlace::objects()
        .filter(q!(restaurant__waiters__name = "Joe"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(places.len(), 1);
    assert_eq!(places[0].id, f.p1.id);

    // prefetch of the waiters of restaurants, and of the restaurant's waiters from places.
    let before = db.query_count();
    let restaurants = OpkRestaurant::objects()
        .prefetch_related(["waiters"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    assert_eq!(restaurants[0].waiters().loaded().unwrap().len(), 2);
    let before = db.query_count();
    let places = OpkPlace::objects()
        .prefetch_related(["restaurant__waiters"])
        .order_by(["id"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 3, "one query per level");
    let restaurant = places[0].restaurant(&strict).await.unwrap();
    assert_eq!(restaurant.waiters().loaded().unwrap().len(), 2);
    assert!(places[1]
        .restaurant(&strict)
        .await
        .unwrap_err()
        .is_does_not_exist());

    // Django's `test_update_one_to_one_pk`: a bulk update of the foreign key to another
    // extension row.
    let r3 = OpkRestaurant::build()
        .place(&place(db, "Third", "3 Street").await)
        .serves_hot_dogs(false)
        .serves_pizza(false)
        .create(db)
        .await
        .unwrap();
    let moved = OpkWaiter::objects()
        .filter(q!(name = "Ann"))
        .update(db, [("restaurant", &r3)])
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let mut ann = ann;
    ann.refresh(db).await.unwrap();
    assert_eq!(*ann.restaurant.id(), *r3.pk());
    assert_eq!(r3.waiters().count(db).await.unwrap(), 1);
    r3.delete(db).await.unwrap();
    assert_eq!(
        OpkWaiter::objects().count(db).await.unwrap(),
        1,
        "Ann went with r3"
    );

    // Many-to-many: the junction holds place keys.
    let dog = OpkDish::build().name("hot dog").create(db).await.unwrap();
    let r2 = OpkRestaurant::build()
        .place(&f.p2)
        .serves_hot_dogs(true)
        .serves_pizza(false)
        .create(db)
        .await
        .unwrap();
    dog.restaurants().add(db, [&f.r1, &r2]).await.unwrap();
    assert_eq!(dog.restaurants().count(db).await.unwrap(), 2);
    assert_eq!(f.r1.dishes().count(db).await.unwrap(), 1);
    let served = OpkDish::objects()
        .filter(q!(restaurants__place__name = "Ace Hardware"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(served, 1);
    let before = db.query_count();
    let dishes = OpkDish::objects()
        .prefetch_related(["restaurants__place"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 3);
    let mut names: Vec<String> = Vec::new();
    for r in dishes[0].restaurants.iter() {
        names.push(r.place.get(&strict).await.unwrap().name.clone());
    }
    names.sort();
    assert_eq!(names, ["Ace Hardware", "Demon Dogs"]);
    dog.restaurants().remove(db, [&r2]).await.unwrap();
    assert_eq!(dog.restaurants().count(db).await.unwrap(), 1);

    // Deleting the place removes its restaurant, its waiters and its junction rows.
    f.p2.delete(db).await.unwrap();
    f.p1.delete(db).await.unwrap();
    assert_eq!(OpkWaiter::objects().count(db).await.unwrap(), 0);
    assert_eq!(dog.restaurants().count(db).await.unwrap(), 0);
}

/// The seed's "large fields": a body kept apart from its article, keyed by the article's
/// UUID (never a generated one).
async fn large_field_extension_with_uuid_key(t: TestDb) {
    let db = t.db(registry()).await;
    let article = OpkArticle::build()
        .title("Relations")
        .create(&db)
        .await
        .unwrap();
    let lonely = OpkArticle::build()
        .title("No body")
        .create(&db)
        .await
        .unwrap();
    let text = "A long body. ".repeat(500);
    let body = OpkArticleBody::build()
        .article(&article)
        .body(text.clone())
        .create(&db)
        .await
        .unwrap();
    assert_eq!(*body.pk(), article.id, "the article's key, not a new one");
    let stored = OpkArticleBody::objects()
        .get_by_pk(&db, article.id)
        .await
        .unwrap();
    assert_eq!(stored.body, text);
    assert_eq!(article.body(&db).await.unwrap().body.len(), text.len());
    assert!(lonely.body(&db).await.unwrap_err().is_does_not_exist());

    let missing = OpkArticleBody::build()
        .body("orphan")
        .create(&db)
        .await
        .expect_err("the key must be given");
    assert!(matches!(missing, Error::Validation { .. }), "{missing:?}");

    let strict = db.strict();
    let before = db.query_count();
    let articles = OpkArticle::objects()
        .select_related(["body"])
        .order_by(["title"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    assert!(articles[0]
        .body(&strict)
        .await
        .unwrap_err()
        .is_does_not_exist());
    assert_eq!(articles[1].body(&strict).await.unwrap().body, text);
    let with_body = OpkArticle::objects()
        .filter(q!(body__body__contains = "long body"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(with_body, 1);
    let bodies = OpkArticleBody::objects()
        .select_related(["article"])
        .filter(q!(article__title = "Relations"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        bodies[0].article.get(&strict).await.unwrap().title,
        "Relations"
    );

    let deleted = article.delete(&db).await.unwrap();
    assert_eq!(deleted.of("OpkArticleBody"), 1, "CASCADE is the default");
    assert_eq!(OpkArticleBody::objects().count(&db).await.unwrap(), 0);
}

/// Django's multi-table inheritance chain: an Italian restaurant extends a restaurant, which
/// extends a place; one key runs through all three, and deleting the place takes both
/// extensions.
async fn extension_of_an_extension(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let italian = OpkItalianRestaurant::build()
        .restaurant(&f.r1)
        .serves_gnocchi(true)
        .create(db)
        .await
        .unwrap();
    let key: i64 = *italian.pk();
    assert_eq!(key, f.p1.id, "the place's key, through the restaurant");
    let found = OpkItalianRestaurant::objects()
        .get(db, q!(restaurant__place__name = "Demon Dogs"))
        .await
        .unwrap();
    assert_eq!(*found.pk(), f.p1.id);
    assert_eq!(
        OpkItalianRestaurant::objects()
            .filter(q!(restaurant__place = f.p1.id))
            .count(db)
            .await
            .unwrap(),
        1
    );
    assert!(f.r1.italian(db).await.unwrap().serves_gnocchi);

    let strict = db.strict();
    let before = db.query_count();
    let rows = OpkItalianRestaurant::objects()
        .select_related(["restaurant__place"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    let restaurant = rows[0].restaurant.get(&strict).await.unwrap();
    assert_eq!(
        restaurant.place.get(&strict).await.unwrap().name,
        "Demon Dogs"
    );
    let before = db.query_count();
    let places = OpkPlace::objects()
        .select_related(["restaurant__italian"])
        .filter(q!(restaurant__italian__serves_gnocchi = true))
        .all(db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    assert_eq!(places.len(), 1);
    let restaurant = places[0].restaurant(&strict).await.unwrap();
    assert!(restaurant.italian(&strict).await.unwrap().serves_gnocchi);

    let deleted = f.p1.delete(db).await.unwrap();
    assert_eq!(deleted.of("OpkPlace"), 1);
    assert_eq!(deleted.of("OpkRestaurant"), 1);
    assert_eq!(deleted.of("OpkItalianRestaurant"), 1);
    assert_eq!(OpkItalianRestaurant::objects().count(db).await.unwrap(), 0);
}

/// `bulk_create`, `get_or_create` and `update_or_create` with given keys: none is generated,
/// and the lookup by the relation finds the row.
async fn bulk_and_get_or_create(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let p3 = place(db, "Third", "3 Street").await;
    let created = OpkRestaurant::objects()
        .bulk_create(
            db,
            [&f.p2, &p3].map(|p| {
                OpkRestaurant::build()
                    .place(p)
                    .serves_hot_dogs(false)
                    .serves_pizza(true)
            }),
        )
        .await
        .unwrap();
    let keys: Vec<i64> = created.iter().map(|r| *r.pk()).collect();
    assert_eq!(keys, [f.p2.id, p3.id]);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 3);

    let (found, made) = OpkRestaurant::objects()
        .get_or_create(
            db,
            q!(place = f.p1.id),
            OpkRestaurant::build()
                .serves_hot_dogs(false)
                .serves_pizza(false),
        )
        .await
        .unwrap();
    assert!(!made);
    assert!(found.serves_hot_dogs, "the stored row, not the defaults");

    let p4 = place(db, "Fourth", "4 Street").await;
    let (new, made) = OpkRestaurant::objects()
        .get_or_create(
            db,
            q!(place = p4.id),
            OpkRestaurant::build()
                .serves_hot_dogs(true)
                .serves_pizza(false),
        )
        .await
        .unwrap();
    assert!(made);
    assert_eq!(*new.pk(), p4.id, "the key comes from the lookup");

    let (updated, made) = OpkRestaurant::objects()
        .update_or_create(
            db,
            q!(pk = p4.id),
            OpkRestaurant::build().serves_pizza(true),
        )
        .await
        .unwrap();
    assert!(!made);
    assert!(updated.serves_pizza);
    assert_eq!(*updated.pk(), p4.id);
    // `pk` in the lookup also gives the key of a created row.
    let p5 = place(db, "Fifth", "5 Street").await;
    let (fifth, made) = OpkRestaurant::objects()
        .update_or_create(
            db,
            q!(pk = p5.id),
            OpkRestaurant::build()
                .serves_pizza(true)
                .serves_hot_dogs(true),
        )
        .await
        .unwrap();
    assert!(made);
    assert_eq!(*fifth.pk(), p5.id);
    assert_eq!(OpkRestaurant::objects().count(db).await.unwrap(), 5);
}

/// The dynamic side: records of the extension carry the place's key, and follow the key
/// relation both ways by name.
async fn records_follow_the_key_relation(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let records = QuerySet::<Record>::of("OpkRestaurant")
        .filter(q!(place__name = "Demon Dogs"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].key(), Some(&Value::I64(f.p1.id)));
    assert_eq!(records[0].get("place"), Some(&Value::I64(f.p1.id)));
    let place = records[0].related("place").unwrap().all(db).await.unwrap();
    assert_eq!(
        place[0].get("name"),
        Some(&Value::String("Demon Dogs".into()))
    );
    let back = place[0]
        .related("restaurant")
        .unwrap()
        .all(db)
        .await
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].key(), Some(&Value::I64(f.p1.id)));
    let by_key = QuerySet::<Record>::of("OpkRestaurant")
        .filter(q!(pk = f.p1.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(by_key, 1);
}

/// The database's own catalog reads the extension table with its key column as both the
/// primary key and a one-to-one relation to the parent.
async fn introspection_reports_a_key_relation(t: TestDb) {
    let f = fixture(&t).await;
    let schema = aksara::introspect::introspect(&f.db).await.unwrap();
    let info = schema.registry.model("opk_restaurants").unwrap();
    let pk = info.meta.pk().unwrap();
    assert_eq!(pk.column, "place_id");
    let relation = pk.relation.as_ref().expect("the key is a relation");
    assert_eq!(relation.kind, aksara::RelationKind::OneToOne);
    assert_eq!(relation.on_delete, CASCADE);
    assert_eq!(relation.target.model_name("opk_restaurants"), "opk_places");
    assert_eq!(
        info.meta
            .concrete_fields()
            .filter(|f| f.primary_key)
            .count(),
        1
    );
    let places = schema.registry.model("opk_places").unwrap();
    let reverse = places
        .edges
        .iter()
        .find(|e| !e.forward && e.owner == "opk_restaurants" && e.field == pk.name)
        .expect("the place has the reverse side");
    assert!(
        !reverse.is_many(),
        "the reverse of a key is one row at most"
    );
    let table = schema
        .tables
        .iter()
        .find(|t| t.model == "opk_restaurants")
        .unwrap();
    assert_eq!(table.key_columns, ["place_id"]);

    // The introspected models are followed through the key relation, both ways.
    let db = f.db.with_registry(schema.registry.clone());
    let path = format!("{}__name", pk.name);
    let found = QuerySet::<Record>::of("opk_restaurants")
        .filter(aksara::Condition::new(path, "Demon Dogs"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key(), Some(&Value::I64(f.p1.id)));
    let back = QuerySet::<Record>::of("opk_places")
        .filter(aksara::Condition::new(
            format!("{}__serves_hot_dogs", reverse.name),
            true,
        ))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(back, 1);
    let place = found[0].related(&pk.name).unwrap().all(&db).await.unwrap();
    assert_eq!(place[0].key(), Some(&Value::I64(f.p1.id)));
}

backend_tests!(
    metadata_and_schema,
    create_by_row_or_key,
    lookups_by_key_and_relation,
    forward_access,
    reverse_access,
    save_and_refresh,
    delete_follows_the_key,
    relations_to_the_extension,
    protect_on_a_key_relation,
    many_to_many_from_the_extension,
    large_field_extension_with_uuid_key,
    extension_of_an_extension,
    bulk_and_get_or_create,
    records_follow_the_key_relation,
    introspection_reports_a_key_relation
);
