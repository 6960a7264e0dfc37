//! Scenarios of Django's `tests/m2m_recursive` (the non-symmetrical relation `idols`, whose
//! reverse side is `stalkers`) on every backend: links in one direction only, both sides
//! through one junction, a person linked to themself, and removal from either side.

use aksara::{ManyToMany, Model, Registry, Related};
use aksara_tests::{backend_tests, TestDb};

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        #[aksara(related_name = "stalkers")]
        pub idols: ManyToMany<Person>,
        pub related: Related,
    }

    /// The same relation named by string (`to = "self"`, as the seed writes it): the reverse
    /// side still has its typed manager.
    #[derive(Model, Debug, Clone)]
    pub struct Account {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub handle: String,
        #[aksara(to = "self", related_name = "followers")]
        pub following: ManyToMany<Account>,
        pub related: Related,
    }
}

use models::{Account, Person};

struct Fixture {
    db: aksara::Db,
    anne: Person,
    bill: Person,
    chuck: Person,
    david: Person,
}

async fn fixture(t: &TestDb) -> Fixture {
    let registry = Registry::builder()
        .model::<Person>()
        .build()
        .expect("valid models");
    let db = t.db(registry).await;
    let mut people = Vec::new();
    for name in ["Anne", "Bill", "Chuck", "David"] {
        people.push(Person::build().name(name).create(&db).await.unwrap());
    }
    let [anne, bill, chuck, david] = <[Person; 4]>::try_from(people).unwrap();
    Fixture {
        db,
        anne,
        bill,
        chuck,
        david,
    }
}

async fn names(qs: aksara::QuerySet<Person>, db: &aksara::Db) -> Vec<String> {
    qs.order_by(["name"])
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// `test_recursive_m2m_add_via_related_name`: a link added from the reverse side shows on
/// the forward side of the other person, and only there.
async fn add_via_related_name(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.david.stalkers().add(db, [&f.anne]).await.unwrap();
    assert_eq!(names(f.anne.idols().queryset(), db).await, ["David"]);
    assert!(names(f.anne.stalkers().queryset(), db).await.is_empty());
    assert_eq!(names(f.david.stalkers().queryset(), db).await, ["Anne"]);
    assert!(names(f.david.idols().queryset(), db).await.is_empty());
}

/// `test_recursive_m2m_add_in_both_directions`: the same link added from both sides is one
/// junction row.
async fn add_in_both_directions(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.anne.idols().add(db, [&f.david]).await.unwrap();
    f.david.stalkers().add(db, [&f.anne]).await.unwrap();
    assert_eq!(names(f.anne.idols().queryset(), db).await, ["David"]);
    assert_eq!(f.anne.idols().count(db).await.unwrap(), 1);
    let rows = db
        .raw("SELECT COUNT(*) FROM person_idols", [])
        .await
        .unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(1), "one junction row");
}

/// `test_recursive_m2m_related_to_self`: a person who idolises themself is their own stalker.
async fn related_to_self(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.anne.idols().add(db, [&f.anne]).await.unwrap();
    assert_eq!(names(f.anne.idols().queryset(), db).await, ["Anne"]);
    assert_eq!(names(f.anne.stalkers().queryset(), db).await, ["Anne"]);
}

/// The non-symmetrical counterparts of `test_recursive_m2m_all`, `_remove` and `_clear`:
/// each direction is its own list, and removing or clearing from one side leaves the other
/// side's own links.
async fn all_remove_and_clear(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.anne.idols().add(db, [&f.bill, &f.chuck]).await.unwrap();
    f.david.idols().add(db, [&f.anne, &f.chuck]).await.unwrap();
    for (person, idols, stalkers) in [
        (&f.anne, vec!["Bill", "Chuck"], vec!["David"]),
        (&f.bill, vec![], vec!["Anne"]),
        (&f.chuck, vec![], vec!["Anne", "David"]),
        (&f.david, vec!["Anne", "Chuck"], vec![]),
    ] {
        assert_eq!(
            names(person.idols().queryset(), db).await,
            idols,
            "{}",
            person.name
        );
        assert_eq!(
            names(person.stalkers().queryset(), db).await,
            stalkers,
            "{}",
            person.name
        );
    }
    // Chuck stops being Anne's idol, from Chuck's side.
    f.chuck.stalkers().remove(db, [&f.anne]).await.unwrap();
    assert_eq!(names(f.anne.idols().queryset(), db).await, ["Bill"]);
    assert_eq!(names(f.chuck.stalkers().queryset(), db).await, ["David"]);
    // Anne clears her idols: David still idolises her and Chuck.
    f.anne.idols().clear(db).await.unwrap();
    assert!(names(f.anne.idols().queryset(), db).await.is_empty());
    assert!(names(f.bill.stalkers().queryset(), db).await.is_empty());
    assert_eq!(
        names(f.david.idols().queryset(), db).await,
        ["Anne", "Chuck"]
    );
    // Filters across the self relation, both ways, with no repeated row.
    let idolised = Person::objects()
        .filter(aksara::q!(stalkers__name = "David"))
        .order_by(["name"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(
        idolised.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Anne", "Chuck"]
    );
    let fans_of_chuck = Person::objects()
        .filter(aksara::q!(idols__name = "Chuck"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(fans_of_chuck, 1);
}

/// A self relation declared with `to = "self"` has both typed managers.
async fn self_by_name_has_both_managers(t: TestDb) {
    let registry = Registry::builder()
        .model::<Account>()
        .build()
        .expect("valid models");
    let db = t.db(registry).await;
    let a = Account::build().handle("a").create(&db).await.unwrap();
    let b = Account::build().handle("b").create(&db).await.unwrap();
    a.following().add(&db, [&b]).await.unwrap();
    let followers = b.followers().all(&db).await.unwrap();
    assert_eq!(followers.iter().map(|x| x.id).collect::<Vec<_>>(), [a.id]);
    assert_eq!(a.followers().count(&db).await.unwrap(), 0);
}

backend_tests!(
    self_by_name_has_both_managers,
    add_via_related_name,
    add_in_both_directions,
    related_to_self,
    all_remove_and_clear,
);
