//! One-to-one caching, after Django's `tests/one_to_one` (places and restaurants): the
//! reverse side is remembered after its first access, found or absent; a forward access
//! through the owner (`restaurant.place(&db)`) fills the reverse side of the row it loads,
//! and a reverse access fills the forward side of the row it finds, without reference
//! cycles. Statement counts are asserted.

use aksara::{Error, Model, Registry};
use aksara_tests::{backend_tests, TestDb};
use std::sync::Arc;

mod models {
    use aksara::{Model, OneToOne, Related, CASCADE};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "o2c_places")]
    pub struct Place {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "o2c_restaurants")]
    pub struct Restaurant {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "restaurant")]
        pub place: OneToOne<Place>,
        pub serves_pizza: bool,
        pub related: Related,
    }

    /// A nullable one-to-one.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "o2c_waiters")]
    pub struct Waiter {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(related_name = "head_waiter")]
        pub restaurant: Option<OneToOne<Restaurant>>,
    }
}

use models::{Place, Restaurant, Waiter};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Place>()
        .model::<Restaurant>()
        .model::<Waiter>()
        .build()
        .expect("valid models")
}

async fn demon_dogs(db: &aksara::Db) -> (Place, Restaurant) {
    let place = Place::build().name("Demon Dogs").create(db).await.unwrap();
    let restaurant = Restaurant::build()
        .place(&place)
        .serves_pizza(true)
        .create(db)
        .await
        .unwrap();
    (place, restaurant)
}

/// `place.restaurant(&db)`: one query the first time, none after, whether found or absent;
/// the restaurant found has its place loaded.
async fn reverse_side_is_remembered_found_or_absent(t: TestDb) {
    let db = t.db(registry()).await;
    let (_, restaurant) = demon_dogs(&db).await;
    let place = Place::objects()
        .get(&db, aksara::Condition::new("name", "Demon Dogs"))
        .await
        .unwrap();
    let before = db.query_count();
    let found = place.restaurant(&db).await.unwrap();
    assert_eq!(found.id, restaurant.id);
    assert_eq!(db.query_count() - before, 1);
    let again = place.restaurant(&db.strict()).await.unwrap();
    assert!(Arc::ptr_eq(&found, &again), "the remembered row");
    assert_eq!(
        found.place.get(&db.strict()).await.unwrap().name,
        "Demon Dogs"
    );
    assert_eq!(db.query_count() - before, 1, "no query after the first");
    assert!(
        found
            .place
            .loaded()
            .unwrap()
            .related
            .one::<Restaurant>("restaurant")
            .is_none(),
        "the copy of the place holds nothing back: no cycle"
    );

    let ace = Place::build()
        .name("Ace Hardware")
        .create(&db)
        .await
        .unwrap();
    let before = db.query_count();
    assert!(matches!(
        ace.restaurant(&db).await,
        Err(Error::DoesNotExist { .. })
    ));
    assert_eq!(db.query_count() - before, 1);
    match ace.restaurant(&db.strict()).await {
        Err(Error::DoesNotExist { model, .. }) => assert_eq!(model, "Restaurant"),
        other => panic!("the absence is remembered, got {other:?}"),
    }
    assert_eq!(
        db.query_count() - before,
        1,
        "the absence is remembered too"
    );
}

/// `restaurant.place(&db)` loads the place once; the place then answers
/// `place.restaurant(&db)` with no query, and what it answers is this restaurant.
async fn forward_access_fills_the_reverse_side(t: TestDb) {
    let db = t.db(registry()).await;
    let (_, created) = demon_dogs(&db).await;
    let restaurant = Restaurant::objects()
        .get(&db, aksara::Condition::new("id", created.id))
        .await
        .unwrap();
    let before = db.query_count();
    let place = restaurant.place(&db).await.unwrap();
    assert_eq!(place.name, "Demon Dogs");
    assert_eq!(db.query_count() - before, 1);
    let back = place.restaurant(&db.strict()).await.unwrap();
    assert_eq!((back.id, back.serves_pizza), (restaurant.id, true));
    assert!(
        back.place.loaded().is_none(),
        "a copy without its relations: no cycle"
    );
    // The cached place again, through either door.
    assert!(std::ptr::eq(
        restaurant.place(&db.strict()).await.unwrap(),
        place
    ));
    assert!(std::ptr::eq(
        restaurant.place.get(&db.strict()).await.unwrap(),
        place
    ));
    assert_eq!(db.query_count() - before, 1);

    // In strict mode an unloaded relation is refused, naming the owner's field.
    let fresh = Restaurant::objects()
        .get(&db, aksara::Condition::new("id", created.id))
        .await
        .unwrap();
    match fresh.place(&db.strict()).await {
        Err(err @ Error::LazyLoad { .. }) => {
            let message = err.to_string();
            assert!(
                message.contains("Restaurant") && message.contains("place"),
                "{message}"
            );
        }
        other => panic!("expected a lazy-load refusal, got {other:?}"),
    }
}

/// A nullable one-to-one: NULL is `None` with no query; set, it loads and fills the reverse
/// side of the restaurant it loads.
async fn nullable_forward_access(t: TestDb) {
    let db = t.db(registry()).await;
    let (_, restaurant) = demon_dogs(&db).await;
    let idle = Waiter::build().name("Joe").create(&db).await.unwrap();
    let before = db.query_count();
    assert!(idle.restaurant(&db).await.unwrap().is_none());
    assert_eq!(db.query_count(), before);

    Waiter::build()
        .name("Jim")
        .restaurant(&restaurant)
        .create(&db)
        .await
        .unwrap();
    let jim = Waiter::objects()
        .get(&db, aksara::Condition::new("name", "Jim"))
        .await
        .unwrap();
    let before = db.query_count();
    let at = jim.restaurant(&db).await.unwrap().expect("set");
    assert_eq!(at.id, restaurant.id);
    let head = at.head_waiter(&db.strict()).await.unwrap();
    assert_eq!(head.name, "Jim");
    assert_eq!(db.query_count() - before, 1);
}

backend_tests!(
    reverse_side_is_remembered_found_or_absent,
    forward_access_fills_the_reverse_side,
    nullable_forward_access,
);
