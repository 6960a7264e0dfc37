//! Many-to-many semantics after Django's `many_to_many` and `m2m_through` tests: typed items,
//! a relation whose reverse side is hidden with `related_name = "+"`, `set` through a model
//! with a required extra field, plus inserting a model that has nothing but its auto key and
//! `get` on a sliced query.

use aksara::{Error, Model, Value};
use aksara_tests::models::django_m2m::*;
use aksara_tests::{backend_tests, TestDb};
use std::collections::BTreeMap;

async fn publication(db: &aksara::Db, title: &str) -> Publication {
    Publication::build().title(title).create(db).await.unwrap()
}

async fn person(db: &aksara::Db, name: &str) -> Person {
    Person::build().name(name).create(db).await.unwrap()
}

fn titles(mut pubs: Vec<Publication>) -> Vec<String> {
    pubs.sort_by_key(|p| p.id);
    pubs.into_iter().map(|p| p.title).collect()
}

/// Membership rows of `group`: person key to `joined`.
async fn memberships(db: &aksara::Db, group: &Group) -> BTreeMap<i64, i32> {
    Membership::objects()
        .filter(aksara::Condition::new("group", group.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (*m.person.id(), m.joined))
        .collect()
}

/// many_to_many `test_add` / `test_remove`: rows of the target and keys of its key type.
async fn many_to_many_add_remove_take_rows_and_keys_of_the_target(t: TestDb) {
    let db = t.db(registry()).await;
    let science = publication(&db, "Science News").await;
    let nature = publication(&db, "Nature").await;
    let other = Article::build()
        .headline("Unrelated")
        .create(&db)
        .await
        .unwrap();
    let article = Article::build()
        .headline("Django lets you build web apps easily")
        .create(&db)
        .await
        .unwrap();
    article.publications().add(&db, [&science]).await.unwrap();
    article.publications().add(&db, [nature.id]).await.unwrap();
    assert_eq!(
        titles(article.publications().all(&db).await.unwrap()),
        ["Science News", "Nature"]
    );
    assert!(article
        .publications()
        .contains(&db, nature.id)
        .await
        .unwrap());
    assert!(article
        .publications()
        .contains(&db, &science)
        .await
        .unwrap());
    assert!(!other.publications().contains(&db, &science).await.unwrap());
    // The reverse manager takes articles.
    assert_eq!(science.articles().count(&db).await.unwrap(), 1);
    science.articles().add(&db, [&other]).await.unwrap();
    assert_eq!(science.articles().count(&db).await.unwrap(), 2);
    assert_eq!(
        article
            .publications()
            .remove(&db, [&nature.id])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        titles(article.publications().all(&db).await.unwrap()),
        ["Science News"]
    );
}

/// A `ManyToMany` with `related_name = "+"`: its own side reads and writes as any other.
async fn many_to_many_hidden_reverse_side_keeps_its_own_manager(t: TestDb) {
    let db = t.db(registry()).await;
    let science = publication(&db, "Science News").await;
    let nature = publication(&db, "Nature").await;
    let unread = publication(&db, "Unread").await;
    let reader = Reader::build().name("Ann").create(&db).await.unwrap();
    let other = Reader::build().name("Bob").create(&db).await.unwrap();
    reader.pubs().add(&db, [&science, &nature]).await.unwrap();
    other.pubs().add(&db, [&unread]).await.unwrap();
    assert_eq!(reader.pubs().count(&db).await.unwrap(), 2);
    assert!(reader.pubs().exists(&db).await.unwrap());
    assert_eq!(
        titles(reader.pubs().all(&db).await.unwrap()),
        ["Science News", "Nature"]
    );
    assert!(reader.pubs().contains(&db, &nature).await.unwrap());
    assert!(!reader.pubs().contains(&db, &unread).await.unwrap());
    reader.pubs().set(&db, [&nature, &unread]).await.unwrap();
    assert_eq!(
        titles(reader.pubs().all(&db).await.unwrap()),
        ["Nature", "Unread"]
    );
    assert_eq!(reader.pubs().remove(&db, [&nature]).await.unwrap(), 1);
    assert_eq!(reader.pubs().clear(&db).await.unwrap(), 1);
    assert_eq!(reader.pubs().count(&db).await.unwrap(), 0);
    assert_eq!(
        other.pubs().count(&db).await.unwrap(),
        1,
        "the other reader's links stay"
    );
    // Loading without N+1 works on the hidden side too.
    let readers = Reader::objects()
        .order_by(["id"])
        .prefetch_related(["pubs"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(readers[1].pubs.loaded().map(<[_]>::len), Some(1));
    // Publication has no reverse relation to look up.
    let err = Publication::objects()
        .filter(aksara::Condition::new("pubs", reader.id))
        .count(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnknownField { .. }), "{err}");
}

/// m2m_through `test_set_on_m2m_with_intermediate_model` and `through_defaults`: `set` keeps
/// the links that stay with their extra values and needs values only for new links.
async fn m2m_through_set_keeps_existing_links_and_their_values(t: TestDb) {
    let db = t.db(registry()).await;
    let (jim, bob, ann) = (
        person(&db, "Jim").await,
        person(&db, "Bob").await,
        person(&db, "Ann").await,
    );
    let rock = Group::build().name("Rock").create(&db).await.unwrap();
    rock.members()
        .add_with(&db, [&jim], [("joined", 1.into())])
        .await
        .unwrap();
    // Jim is already linked: nothing to add, so nothing required.
    rock.members().set(&db, [&jim]).await.unwrap();
    assert_eq!(memberships(&db, &rock).await, BTreeMap::from([(jim.id, 1)]));
    // Bob is new and takes the given value; Jim keeps his.
    rock.members()
        .set_with(&db, [&jim, &bob], [("joined", Value::I32(2))])
        .await
        .unwrap();
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([(jim.id, 1), (bob.id, 2)])
    );
    // Ann would be new without a value: refused, naming the model and field, nothing changed.
    let err = rock.members().set(&db, [&bob, &ann]).await.unwrap_err();
    match &err {
        Error::Validation { model, field, .. } => {
            assert_eq!((model.as_str(), field.as_str()), ("Membership", "joined"))
        }
        other => panic!("expected a validation error, got {other}"),
    }
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([(jim.id, 1), (bob.id, 2)])
    );
    // Dropping Jim needs no value either; Bob keeps his.
    rock.members().set(&db, [&bob]).await.unwrap();
    assert_eq!(memberships(&db, &rock).await, BTreeMap::from([(bob.id, 2)]));
    // The reverse side with values for the new link.
    let jazz = Group::build().name("Jazz").create(&db).await.unwrap();
    ann.groups()
        .set_with(&db, [&jazz], [("joined", Value::I32(7))])
        .await
        .unwrap();
    assert_eq!(memberships(&db, &jazz).await, BTreeMap::from([(ann.id, 7)]));
    // set() with nothing clears.
    rock.members()
        .set(&db, Vec::<&Person>::new())
        .await
        .unwrap();
    assert!(memberships(&db, &rock).await.is_empty());
}

/// A model whose only field is its auto key: one insert and a bulk insert.
async fn a_model_with_only_its_auto_key_can_be_inserted(t: TestDb) {
    let db = t.db(registry()).await;
    let first = Marker::build().create(&db).await.unwrap();
    let second = Marker::build().create(&db).await.unwrap();
    assert_ne!(first.id, second.id);
    let more = Marker::objects()
        .bulk_create(&db, (0..3).map(|_| Marker::build()))
        .await
        .unwrap();
    assert_eq!(more.len(), 3);
    let mut keys: Vec<i64> = [&first, &second]
        .into_iter()
        .chain(more.iter())
        .map(|m| m.id)
        .collect();
    let mut stored: Vec<i64> = Marker::objects()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    keys.sort_unstable();
    stored.sort_unstable();
    assert_eq!(keys, stored, "every key read back is a stored row");
    assert_eq!(stored.len(), 5);
    // Saving one writes nothing and adds no row.
    let mut again = first.clone();
    again.save(&db).await.unwrap();
    assert_eq!(Marker::objects().count(&db).await.unwrap(), 5);
}

/// `get()` after `limit` and `offset` returns the row of that slice.
async fn get_keeps_an_earlier_limit_and_offset(t: TestDb) {
    let db = t.db(registry()).await;
    let mut made = Vec::new();
    for name in ["cat", "dog", "eel", "fox"] {
        made.push(Species::build().name(name).create(&db).await.unwrap());
    }
    let by_id = Species::objects().order_by(["id"]);
    assert_eq!(by_id.limit(1).get(&db, ()).await.unwrap().id, made[0].id);
    assert_eq!(
        by_id.offset(2).limit(1).get(&db, ()).await.unwrap().id,
        made[2].id
    );
    assert_eq!(by_id.offset(3).get(&db, ()).await.unwrap().id, made[3].id);
    match by_id.limit(2).get(&db, ()).await.unwrap_err() {
        Error::MultipleObjectsReturned { count, .. } => assert_eq!(count, 2),
        other => panic!("expected MultipleObjectsReturned, got {other}"),
    }
    match by_id.offset(4).limit(1).get(&db, ()).await.unwrap_err() {
        Error::DoesNotExist { .. } => {}
        other => panic!("expected DoesNotExist, got {other}"),
    }
    // Without a slice, several rows are still an error.
    match Species::objects().get(&db, ()).await.unwrap_err() {
        Error::MultipleObjectsReturned { count, .. } => assert_eq!(count, 4),
        other => panic!("expected MultipleObjectsReturned, got {other}"),
    }
}

backend_tests!(
    many_to_many_add_remove_take_rows_and_keys_of_the_target,
    many_to_many_hidden_reverse_side_keeps_its_own_manager,
    m2m_through_set_keeps_existing_links_and_their_values,
    a_model_with_only_its_auto_key_can_be_inserted,
    get_keeps_an_earlier_limit_and_offset,
);
