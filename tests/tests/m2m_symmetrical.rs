//! Symmetrical many-to-many relations (`#[aksara(symmetrical)]`), after Django's
//! `tests/m2m_recursive`: a friendship added from one side shows on both, `remove`, `clear`
//! and `set` keep both directions, each in one statement or one transaction, a person who is
//! their own friend is one junction row, and `prefetch_related` and filters see both sides.
//! The registry refuses `symmetrical` where it cannot hold (another model, a through model, a
//! reverse name), naming the model and field.

use aksara::{
    q, Error, FieldKind, FieldMeta, ManyToMany, Model, ModelMeta, Registry, RelationKind,
    RelationMeta, Target,
};
use aksara_tests::{backend_tests, TestDb};
use std::sync::Arc;

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2s_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 20)]
        pub name: String,
        #[aksara(symmetrical, db_table = "m2s_friendships")]
        pub friends: ManyToMany<Person>,
    }

    /// `symmetrical` on a relation to another model: refused by the registry.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2s_clubs")]
    pub struct Club {
        pub id: i64,
        #[aksara(symmetrical)]
        pub people: ManyToMany<Person>,
    }
}

use models::{Club, Person};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Person>()
        .build()
        .expect("valid models")
}

struct Fixture {
    db: aksara::Db,
    anne: Person,
    bill: Person,
    chuck: Person,
    david: Person,
}

/// Django's `setUpTestData`: Anne befriends Bill and Chuck; David befriends Anne and Chuck.
async fn fixture(t: &TestDb) -> Fixture {
    let db = t.db(registry()).await;
    let mut people = Vec::new();
    for name in ["Anne", "Bill", "Chuck", "David"] {
        people.push(Person::build().name(name).create(&db).await.unwrap());
    }
    let [anne, bill, chuck, david] = <[Person; 4]>::try_from(people).unwrap();
    anne.friends().add(&db, [&bill, &chuck]).await.unwrap();
    david.friends().add(&db, [&anne, &chuck]).await.unwrap();
    Fixture {
        db,
        anne,
        bill,
        chuck,
        david,
    }
}

async fn friends(person: &Person, db: &aksara::Db) -> Vec<String> {
    person
        .friends()
        .queryset()
        .order_by(["name"])
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

async fn junction_rows(db: &aksara::Db) -> i64 {
    let rows = db
        .raw("SELECT COUNT(*) FROM m2s_friendships", [])
        .await
        .unwrap();
    rows[0][0].as_i64().expect("a count")
}

/// The statements that write (neither reads, locks nor transaction control) among `sql`.
fn writes(sql: &[String]) -> Vec<&String> {
    sql.iter()
        .filter(|s| {
            let s = s.trim_start().to_ascii_uppercase();
            s.starts_with("INSERT") || s.starts_with("DELETE") || s.starts_with("UPDATE")
        })
        .collect()
}

/// `test_recursive_m2m_all`: every friendship shows on both sides, made by one insert that
/// holds both directions.
async fn recursive_m2m_all(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    for (person, expected) in [
        (&f.anne, vec!["Bill", "Chuck", "David"]),
        (&f.bill, vec!["Anne"]),
        (&f.chuck, vec!["Anne", "David"]),
        (&f.david, vec!["Anne", "Chuck"]),
    ] {
        assert_eq!(friends(person, db).await, expected, "{}", person.name);
    }
    assert_eq!(junction_rows(db).await, 8, "four friendships, both ways");

    let eve = Person::build().name("Eve").create(db).await.unwrap();
    db.record_sql();
    eve.friends().add(db, [&f.bill, &f.chuck]).await.unwrap();
    let sql = db.recorded_sql();
    let written = writes(&sql);
    assert_eq!(written.len(), 1, "one insert for both directions: {sql:?}");
    assert!(written[0].to_ascii_uppercase().starts_with("INSERT"));
    assert_eq!(junction_rows(db).await, 12);
    assert_eq!(friends(&f.bill, db).await, ["Anne", "Eve"]);
    assert_eq!(friends(&f.chuck, db).await, ["Anne", "David", "Eve"]);
    assert_eq!(f.chuck.friends().count(db).await.unwrap(), 3);
    assert!(f.bill.friends().contains(db, &eve).await.unwrap());
}

/// `test_recursive_m2m_reverse_add`: adding a friendship that exists from the other side
/// changes nothing.
async fn recursive_m2m_reverse_add(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.bill.friends().add(db, [&f.anne]).await.unwrap();
    assert_eq!(friends(&f.anne, db).await, ["Bill", "Chuck", "David"]);
    assert_eq!(friends(&f.bill, db).await, ["Anne"]);
    assert_eq!(junction_rows(db).await, 8, "no duplicate rows");
}

/// `test_recursive_m2m_remove`: removing from one side removes both directions, in one
/// statement.
async fn recursive_m2m_remove(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    db.record_sql();
    let removed = f.bill.friends().remove(db, [&f.anne]).await.unwrap();
    let sql = db.recorded_sql();
    assert_eq!(removed, 2, "both rows of the pair");
    let written = writes(&sql);
    assert_eq!(written.len(), 1, "one delete: {sql:?}");
    assert!(written[0].to_ascii_uppercase().starts_with("DELETE"));
    assert_eq!(friends(&f.anne, db).await, ["Chuck", "David"]);
    assert!(friends(&f.bill, db).await.is_empty());
    // Removing someone who is not a friend removes nothing.
    assert_eq!(f.bill.friends().remove(db, [&f.chuck]).await.unwrap(), 0);
    assert_eq!(junction_rows(db).await, 6);
}

/// `test_recursive_m2m_clear`: clearing Anne's friends removes her from theirs too; the
/// friendships that do not involve her stay.
async fn recursive_m2m_clear(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    db.record_sql();
    let removed = f.anne.friends().clear(db).await.unwrap();
    let sql = db.recorded_sql();
    assert_eq!(removed, 6, "three friendships, both ways");
    assert_eq!(writes(&sql).len(), 1, "one delete: {sql:?}");
    assert!(friends(&f.anne, db).await.is_empty());
    assert!(friends(&f.bill, db).await.is_empty());
    assert_eq!(friends(&f.chuck, db).await, ["David"]);
    assert_eq!(friends(&f.david, db).await, ["Chuck"]);
    assert_eq!(junction_rows(db).await, 2);
}

/// `set` applies the difference both ways in one transaction: the friendships that go are
/// gone from both sides, the new ones show on both, the ones that stay are untouched.
async fn set_keeps_both_directions(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let eve = Person::build().name("Eve").create(db).await.unwrap();
    db.record_sql();
    f.anne.friends().set(db, [&f.chuck, &eve]).await.unwrap();
    let sql = db.recorded_sql();
    assert_eq!(
        sql.iter().filter(|s| s.as_str() == "BEGIN").count(),
        1,
        "one transaction: {sql:?}"
    );
    assert_eq!(writes(&sql).len(), 2, "one delete and one insert: {sql:?}");
    assert_eq!(friends(&f.anne, db).await, ["Chuck", "Eve"]);
    assert!(friends(&f.bill, db).await.is_empty());
    assert_eq!(friends(&f.chuck, db).await, ["Anne", "David"]);
    assert_eq!(friends(&f.david, db).await, ["Chuck"]);
    assert_eq!(friends(&eve, db).await, ["Anne"]);
    assert_eq!(junction_rows(db).await, 6);
    // Nothing to change: no write at all.
    db.record_sql();
    f.anne.friends().set(db, [&eve, &f.chuck]).await.unwrap();
    let sql = db.recorded_sql();
    assert!(writes(&sql).is_empty(), "{sql:?}");
    // set() with nothing clears both ways.
    f.anne
        .friends()
        .set(db, Vec::<&Person>::new())
        .await
        .unwrap();
    assert!(friends(&eve, db).await.is_empty());
    assert_eq!(friends(&f.chuck, db).await, ["David"]);
    assert_eq!(junction_rows(db).await, 2);
}

/// A person who is their own friend is one junction row (as Django stores it), listed once,
/// and removed as one row.
async fn friend_of_oneself_is_one_row(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    f.bill.friends().add(db, [&f.bill]).await.unwrap();
    assert_eq!(junction_rows(db).await, 9);
    assert_eq!(friends(&f.bill, db).await, ["Anne", "Bill"]);
    f.bill.friends().add(db, [&f.bill, &f.anne]).await.unwrap();
    assert_eq!(junction_rows(db).await, 9, "nothing new");
    assert_eq!(f.bill.friends().remove(db, [&f.bill]).await.unwrap(), 1);
    assert_eq!(friends(&f.bill, db).await, ["Anne"]);
    // A friend of oneself in a clear: every row with Bill on either side goes.
    f.bill.friends().add(db, [&f.bill]).await.unwrap();
    assert_eq!(f.bill.friends().clear(db).await.unwrap(), 3);
    assert_eq!(junction_rows(db).await, 6);
}

/// `prefetch_related("friends")` gives each side its friends, in one query for the relation.
async fn prefetch_gives_each_side_its_friends(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let before = db.query_count();
    let people = Person::objects()
        .prefetch_related(["friends"])
        .order_by(["name"])
        .all(db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        2,
        "the people, then their friends"
    );
    let loaded: Vec<(String, Vec<String>)> = people
        .iter()
        .map(|p| {
            let mut names: Vec<String> = p
                .friends()
                .loaded()
                .expect("prefetched")
                .iter()
                .map(|x| x.name.clone())
                .collect();
            names.sort();
            (p.name.clone(), names)
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = [
        ("Anne", vec!["Bill", "Chuck", "David"]),
        ("Bill", vec!["Anne"]),
        ("Chuck", vec!["Anne", "David"]),
        ("David", vec!["Anne", "Chuck"]),
    ]
    .into_iter()
    .map(|(n, fs)| (n.to_string(), fs.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(loaded, expected);
    assert_eq!(db.query_count() - before, 2, "no query to read them");
}

/// Filters across the relation see both directions, with no repeated row.
async fn filters_see_both_directions(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let of_anne: Vec<String> = Person::objects()
        .filter(q!(friends__name = "Anne"))
        .order_by(["name"])
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(of_anne, ["Bill", "Chuck", "David"]);
    let of_chuck = Person::objects()
        .filter(q!(friends__name = "Chuck"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(of_chuck, 2, "Anne (who added him) and David");
    let _ = f.bill;
}

/// `create` on a symmetrical relation makes the new person a friend both ways.
async fn create_links_both_ways(t: TestDb) {
    let f = fixture(&t).await;
    let db = &f.db;
    let eve = f
        .anne
        .friends()
        .create(db, Person::build().name("Eve"))
        .await
        .unwrap();
    assert_eq!(friends(&eve, db).await, ["Anne"]);
    assert_eq!(
        friends(&f.anne, db).await,
        ["Bill", "Chuck", "David", "Eve"]
    );
}

/// Two people befriending each other at the same moment, from both sides: both writes
/// succeed (a deadlock between them is rerun) and each friendship is exactly two rows.
async fn concurrent_adds_from_both_sides(t: TestDb) {
    let db = t.db(registry()).await;
    let mut people = Vec::new();
    for i in 0..8 {
        people.push(
            Person::build()
                .name(format!("P{i}"))
                .create(&db)
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for pair in people.chunks(2) {
        let (a, b) = (pair[0].clone(), pair[1].clone());
        for (x, y) in [(a.clone(), b.clone()), (b, a)] {
            let db = db.clone();
            tasks.push(tokio::spawn(
                async move { x.friends().add(&db, [&y]).await },
            ));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(junction_rows(&db).await, 8, "four friendships, both ways");
    for pair in people.chunks(2) {
        assert_eq!(friends(&pair[0], &db).await, [pair[1].name.clone()]);
        assert_eq!(friends(&pair[1], &db).await, [pair[0].name.clone()]);
    }
}

/// The symmetrical relation has no reverse side in the registry (the derive makes no reverse
/// accessor): only its forward edge is visible on the model.
#[test]
fn symmetrical_relation_has_no_reverse_side() {
    let registry = registry();
    let person = registry.model("Person").unwrap();
    let visible: Vec<(&str, bool)> = person
        .edges
        .iter()
        .map(|e| (e.name.as_str(), e.forward))
        .collect();
    assert_eq!(visible, [("friends", true)]);
}

fn config_problems(result: aksara::Result<Arc<Registry>>) -> Vec<String> {
    match result {
        Ok(_) => panic!("expected Error::Config, the registry was built"),
        Err(Error::Config(problems)) => problems,
        Err(other) => panic!("expected Error::Config, got {other:?}"),
    }
}

/// `symmetrical` on a relation to another model is refused, naming the model and field.
#[test]
fn symmetrical_to_another_model_is_refused() {
    let problems = config_problems(Registry::builder().model::<Club>().build());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("Club.people: symmetrical")
            && problems[0].contains("goes to Person"),
        "{problems:?}"
    );
}

fn model(name: &str, table: &str, mut fields: Vec<FieldMeta>) -> ModelMeta {
    let mut meta = ModelMeta::new(name, table);
    let mut id = FieldMeta::new("id", FieldKind::BigInteger);
    id.primary_key = true;
    fields.insert(0, id);
    meta.fields = fields;
    meta
}

fn fk(name: &str, target: &str) -> FieldMeta {
    let mut f = FieldMeta::new(name, FieldKind::BigInteger);
    f.column = format!("{name}_id");
    let mut rel = RelationMeta::new(RelationKind::ForeignKey, Target::Name(target.into()));
    rel.related_name = Some("+".into());
    f.relation = Some(rel);
    f
}

fn friends_field(through: Option<&str>, related_name: Option<&str>) -> FieldMeta {
    let mut f = FieldMeta::new("friends", FieldKind::Other("many-to-many".into()));
    f.column = String::new();
    f.nullable = true;
    let mut rel = RelationMeta::new(RelationKind::ManyToMany, Target::Name("Pal".into()));
    rel.symmetrical = true;
    rel.through = through.map(|t| Target::Name(t.into()));
    rel.related_name = related_name.map(String::from);
    f.relation = Some(rel);
    f
}

/// `symmetrical` with a through model (the derive refuses it at compile time; metadata made by
/// hand reaches the registry) or with a reverse name is refused, naming the model and field.
#[test]
fn symmetrical_with_through_or_related_name_is_refused() {
    let pal = model("Pal", "m2s_pals", vec![friends_field(Some("Pact"), None)]);
    let pact = model(
        "Pact",
        "m2s_pacts",
        vec![fk("first", "Pal"), fk("second", "Pal")],
    );
    let problems = config_problems(Registry::builder().meta(&pal).meta(&pact).build());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("Pal.friends: symmetrical cannot be combined with a through model"),
        "{problems:?}"
    );

    let pal = model(
        "Pal",
        "m2s_pals",
        vec![friends_field(None, Some("befriended_by"))],
    );
    let problems = config_problems(Registry::builder().meta(&pal).build());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("Pal.friends: a symmetrical relation is its own reverse")
            && problems[0].contains("befriended_by"),
        "{problems:?}"
    );

    // Without them the same metadata builds.
    let pal = model("Pal", "m2s_pals", vec![friends_field(None, None)]);
    Registry::builder().meta(&pal).build().expect("valid");
}

backend_tests!(
    recursive_m2m_all,
    recursive_m2m_reverse_add,
    recursive_m2m_remove,
    recursive_m2m_clear,
    set_keeps_both_directions,
    friend_of_oneself_is_one_row,
    prefetch_gives_each_side_its_friends,
    filters_see_both_directions,
    create_links_both_ways,
    concurrent_adds_from_both_sides,
);
