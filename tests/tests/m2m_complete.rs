//! The many-to-many manager's remaining writes and `through_fields`, after Django's
//! `tests/m2m_through`: `create` and `create_with` (the row and its link in one transaction),
//! `add_with` / `set_with` and `remove` / `clear` through a model with a required extra
//! field, and through models with several foreign keys to one model, whose two link fields
//! are named by `through_fields` (a relation to the model itself, and Django's
//! `Membership` with an `inviter`): the manager, filters and prefetch use those columns.
//! A through model that leaves the choice open, or `through_fields` naming the wrong fields,
//! is refused by the registry, naming the through model and the fields.

use aksara::{q, Condition, Error, Model, Registry, Value};
use aksara_tests::{backend_tests, TestDb};
use std::collections::BTreeMap;
use std::sync::Arc;

mod models {
    use aksara::{ForeignKey, ManyToMany, Model, Related};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_people")]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        #[aksara(
            through = Relationship,
            through_fields = ("from_person", "to_person"),
            related_name = "followers"
        )]
        pub following: ManyToMany<Person>,
        pub related: Related,
    }

    /// Three foreign keys to `Person`: `through_fields` says which two make the link.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_relationships")]
    pub struct Relationship {
        pub id: i64,
        #[aksara(column = "follower_key", related_name = "outgoing")]
        pub from_person: ForeignKey<Person>,
        #[aksara(related_name = "incoming")]
        pub to_person: ForeignKey<Person>,
        #[aksara(related_name = "introductions")]
        pub introduced_by: Option<ForeignKey<Person>>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_groups")]
    pub struct Group {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        #[aksara(
            through = Membership,
            through_fields = ("group", "person"),
            related_name = "groups"
        )]
        pub members: ManyToMany<Person>,
    }

    /// Django's `Membership` with an `inviter`: two foreign keys to `Person`, and a required
    /// extra field.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_memberships")]
    pub struct Membership {
        pub id: i64,
        #[aksara(related_name = "memberships")]
        pub group: ForeignKey<Group>,
        #[aksara(related_name = "memberships")]
        pub person: ForeignKey<Person>,
        #[aksara(related_name = "invitations")]
        pub inviter: Option<ForeignKey<Person>>,
        #[aksara(max_length = 50)]
        pub invite_reason: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(unique, max_length = 20)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_posts")]
    pub struct Post {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub title: String,
        #[aksara(db_table = "m2c_post_tags")]
        pub tags: ManyToMany<Tag>,
    }

    /// A self relation through a model with three keys to it and no `through_fields`.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_loners")]
    pub struct Loner {
        pub id: i64,
        #[aksara(through = LonerLink, related_name = "+")]
        pub links: ManyToMany<Loner>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_loner_links")]
    pub struct LonerLink {
        pub id: i64,
        #[aksara(related_name = "+")]
        pub a: ForeignKey<Loner>,
        #[aksara(related_name = "+")]
        pub b: ForeignKey<Loner>,
        #[aksara(related_name = "+")]
        pub c: Option<ForeignKey<Loner>>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_players")]
    pub struct Player {
        pub id: i64,
    }

    /// A relation to another model through a model with two keys to the target and no
    /// `through_fields`.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_teams")]
    pub struct Team {
        pub id: i64,
        #[aksara(through = Seat, related_name = "+")]
        pub players: ManyToMany<Player>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_seats")]
    pub struct Seat {
        pub id: i64,
        #[aksara(related_name = "+")]
        pub team: ForeignKey<Team>,
        #[aksara(related_name = "+")]
        pub player: ForeignKey<Player>,
        #[aksara(related_name = "+")]
        pub scout: ForeignKey<Player>,
    }

    /// `through_fields` naming a missing field, a field that is no foreign key, and the two
    /// fields the wrong way round.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_crews")]
    pub struct Crew {
        pub id: i64,
        #[aksara(through = Berth, through_fields = ("crew", "sailour"), related_name = "+")]
        pub typo: ManyToMany<Player>,
        #[aksara(through = Berth, through_fields = ("crew", "note"), related_name = "+")]
        pub not_a_key: ManyToMany<Player>,
        #[aksara(through = Berth, through_fields = ("sailor", "crew"), related_name = "+")]
        pub swapped: ManyToMany<Player>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "m2c_berths")]
    pub struct Berth {
        pub id: i64,
        #[aksara(related_name = "+")]
        pub crew: ForeignKey<Crew>,
        #[aksara(related_name = "+")]
        pub sailor: ForeignKey<Player>,
        #[aksara(max_length = 20)]
        pub note: String,
    }
}

use models::{Group, Membership, Person, Post, Relationship, Tag};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Person>()
        .model::<Group>()
        .model::<Post>()
        .build()
        .expect("valid models")
}

async fn person(db: &aksara::Db, name: &str) -> Person {
    Person::build().name(name).create(db).await.unwrap()
}

async fn group(db: &aksara::Db, name: &str) -> Group {
    Group::build().name(name).create(db).await.unwrap()
}

fn names<I: IntoIterator<Item = String>>(names: I) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    names
}

async fn people(qs: aksara::QuerySet<Person>, db: &aksara::Db) -> Vec<String> {
    names(qs.all(db).await.unwrap().into_iter().map(|p| p.name))
}

/// The membership rows of `group`: person key to invite reason.
async fn memberships(db: &aksara::Db, group: &Group) -> BTreeMap<i64, String> {
    Membership::objects()
        .filter(Condition::new("group", group.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (*m.person.id(), m.invite_reason))
        .collect()
}

fn is_required_reason(err: &Error) -> bool {
    matches!(err, Error::Validation { model, field, .. }
        if model == "Membership" && field == "invite_reason")
}

/// `create` makes the target row and its link in one transaction and returns the row.
async fn create_makes_the_row_and_its_link(t: TestDb) {
    let db = t.db(registry()).await;
    let post = Post::build().title("Hello").create(&db).await.unwrap();
    db.record_sql();
    let rust = post
        .tags()
        .create(&db, Tag::build().name("rust"))
        .await
        .unwrap();
    let sql = db.recorded_sql();
    assert_eq!(rust.name, "rust");
    assert_eq!(
        sql.iter().filter(|s| s.as_str() == "BEGIN").count(),
        1,
        "one transaction: {sql:?}"
    );
    assert_eq!(
        sql.iter()
            .filter(|s| s.to_ascii_uppercase().starts_with("INSERT"))
            .count(),
        2,
        "the row and the link: {sql:?}"
    );
    let tags = post.tags().all(&db).await.unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.id, t.name.as_str()))
            .collect::<Vec<_>>(),
        [(rust.id, "rust")]
    );
    // From the reverse side too.
    let other = Post::build().title("Other").create(&db).await.unwrap();
    let _ = other;
    let async_tag = Tag::build().name("async").create(&db).await.unwrap();
    let made = async_tag
        .post_set()
        .create(&db, Post::build().title("Made from the tag"))
        .await
        .unwrap();
    assert!(made.tags().contains(&db, &async_tag).await.unwrap());
    // A row the database refuses (a duplicate unique name) is neither created nor linked.
    let err = post
        .tags()
        .create(&db, Tag::build().name("rust"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Integrity { .. }),
        "expected a unique violation, got {err:?}"
    );
    assert_eq!(post.tags().count(&db).await.unwrap(), 1);
    assert_eq!(Tag::objects().count(&db).await.unwrap(), 2);
}

/// m2m_through `test_create_on_m2m_with_intermediate_model` and `..._value_required_fails`:
/// `create_with` fills the through model's extra field; without it the link cannot be made
/// and the new person is not left behind.
async fn create_with_through_defaults(t: TestDb) {
    let db = t.db(registry()).await;
    let rock = group(&db, "Rock").await;
    let annie = rock
        .members()
        .create_with(
            &db,
            Person::build().name("Annie"),
            [("invite_reason", Value::from("She was just awesome."))],
        )
        .await
        .unwrap();
    assert_eq!(people(rock.members().queryset(), &db).await, ["Annie"]);
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([(annie.id, "She was just awesome.".to_string())])
    );

    let err = rock
        .members()
        .create(&db, Person::build().name("Bob"))
        .await
        .unwrap_err();
    assert!(is_required_reason(&err), "{err:?}");
    assert_eq!(
        Person::objects().count(&db).await.unwrap(),
        1,
        "Bob was rolled back with his link"
    );
    // A value naming no field of the through model: refused before anything is written.
    let err = rock
        .members()
        .create_with(
            &db,
            Person::build().name("Carl"),
            [("invite_reasn", Value::from("typo"))],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnknownField { .. }), "{err:?}");
    assert_eq!(Person::objects().count(&db).await.unwrap(), 1);
    // The reverse side: a new group for Annie.
    let jazz = annie
        .groups()
        .create_with(
            &db,
            Group::build().name("Jazz"),
            [("invite_reason", Value::from("Founder"))],
        )
        .await
        .unwrap();
    assert_eq!(
        memberships(&db, &jazz).await,
        BTreeMap::from([(annie.id, "Founder".to_string())])
    );
    assert_eq!(
        names(
            annie
                .groups()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|g| g.name)
        ),
        ["Jazz", "Rock"]
    );
}

/// m2m_through `test_add_on_m2m_with_intermediate_model` (and `..._value_required_fails`)
/// and `test_set_on_m2m_with_intermediate_model`: values go to the new links only.
async fn add_with_and_set_with_a_required_extra_field(t: TestDb) {
    let db = t.db(registry()).await;
    let rock = group(&db, "Rock").await;
    let (jim, bob, jane) = (
        person(&db, "Jim").await,
        person(&db, "Bob").await,
        person(&db, "Jane").await,
    );
    let err = rock.members().add(&db, [&bob]).await.unwrap_err();
    assert!(is_required_reason(&err), "{err:?}");
    assert!(memberships(&db, &rock).await.is_empty());
    rock.members()
        .add_with(&db, [&bob], [("invite_reason", Value::from("He is good."))])
        .await
        .unwrap();
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([(bob.id, "He is good.".to_string())])
    );
    // Bob is already a member: adding him again changes nothing, and needs no value.
    rock.members().add(&db, [&bob]).await.unwrap();
    assert_eq!(memberships(&db, &rock).await.len(), 1);
    rock.members()
        .set_with(
            &db,
            [&bob, &jim, &jane],
            [("invite_reason", Value::from("Joined later"))],
        )
        .await
        .unwrap();
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([
            (bob.id, "He is good.".to_string()),
            (jim.id, "Joined later".to_string()),
            (jane.id, "Joined later".to_string()),
        ])
    );
    // Dropping members needs no value; the ones that stay keep theirs.
    rock.members().set(&db, [&bob]).await.unwrap();
    assert_eq!(
        memberships(&db, &rock).await,
        BTreeMap::from([(bob.id, "He is good.".to_string())])
    );
    // A new member without a value: refused, nothing changed.
    let err = rock.members().set(&db, [&jim]).await.unwrap_err();
    assert!(is_required_reason(&err), "{err:?}");
    assert_eq!(memberships(&db, &rock).await.len(), 1);
}

async fn membership(db: &aksara::Db, group: &Group, person: &Person, reason: &str) {
    Membership::build()
        .group(group)
        .person(person)
        .invite_reason(reason)
        .create(db)
        .await
        .unwrap();
}

/// m2m_through `test_remove_on_m2m_with_intermediate_model` (and `..._multiple`) and
/// `test_clear_removes_all_the_m2m_relationships` (and `test_clear_on_reverse_...`):
/// remove and clear delete the through rows of the owner only.
async fn remove_and_clear_through_a_custom_model(t: TestDb) {
    let db = t.db(registry()).await;
    let (rock, roll) = (group(&db, "Rock").await, group(&db, "Roll").await);
    let (jim, jane, bob) = (
        person(&db, "Jim").await,
        person(&db, "Jane").await,
        person(&db, "Bob").await,
    );
    membership(&db, &rock, &jim, "first").await;
    membership(&db, &rock, &jim, "second").await;
    membership(&db, &rock, &jane, "x").await;
    membership(&db, &roll, &jim, "y").await;
    membership(&db, &roll, &jane, "z").await;
    membership(&db, &roll, &bob, "w").await;

    // Both of Jim's rows in Rock go; Roll's row for him stays.
    assert_eq!(rock.members().remove(&db, [&jim]).await.unwrap(), 2);
    assert_eq!(people(rock.members().queryset(), &db).await, ["Jane"]);
    assert_eq!(
        people(roll.members().queryset(), &db).await,
        ["Bob", "Jane", "Jim"]
    );
    // From the reverse side.
    assert_eq!(jane.groups().remove(&db, [&roll]).await.unwrap(), 1);
    assert_eq!(people(roll.members().queryset(), &db).await, ["Bob", "Jim"]);

    membership(&db, &rock, &bob, "v").await;
    assert_eq!(rock.members().clear(&db).await.unwrap(), 2);
    assert!(rock.members().all(&db).await.unwrap().is_empty());
    assert_eq!(people(roll.members().queryset(), &db).await, ["Bob", "Jim"]);
    // Clear on the reverse side: Jim leaves every group; Bob stays in Roll.
    assert_eq!(jim.groups().clear(&db).await.unwrap(), 1);
    assert_eq!(people(roll.members().queryset(), &db).await, ["Bob"]);
    assert_eq!(Membership::objects().count(&db).await.unwrap(), 1);
    assert_eq!(
        Person::objects().count(&db).await.unwrap(),
        3,
        "people stay"
    );
}

async fn follow(db: &aksara::Db, from: &Person, to: &Person, introduced_by: Option<&Person>) {
    let mut b = Relationship::build().from_person(from).to_person(to);
    if let Some(p) = introduced_by {
        b = b.introduced_by(p);
    }
    b.create(db).await.unwrap();
}

/// A self relation through `Relationship`, which has three keys to `Person`: the manager,
/// its reverse, filters and prefetch use `from_person` and `to_person` (under their own
/// column names), never `introduced_by`.
async fn through_fields_on_a_self_relation(t: TestDb) {
    let db = t.db(registry()).await;
    let (anne, bill, chuck, david) = (
        person(&db, "Anne").await,
        person(&db, "Bill").await,
        person(&db, "Chuck").await,
        person(&db, "David").await,
    );
    anne.following().add(&db, [&bill, &chuck]).await.unwrap();
    follow(&db, &anne, &david, Some(&chuck)).await;
    follow(&db, &chuck, &david, Some(&anne)).await;

    let rows = db
        .raw(
            "SELECT COUNT(*) FROM m2c_relationships WHERE follower_key = {}",
            [anne.id.into()],
        )
        .await
        .unwrap();
    assert_eq!(rows[0][0].as_i64(), Some(3), "the source field's column");

    assert_eq!(
        people(anne.following().queryset(), &db).await,
        ["Bill", "Chuck", "David"]
    );
    assert!(anne.followers().all(&db).await.unwrap().is_empty());
    assert_eq!(people(chuck.followers().queryset(), &db).await, ["Anne"]);
    assert_eq!(
        people(david.followers().queryset(), &db).await,
        ["Anne", "Chuck"]
    );
    assert!(anne.following().contains(&db, &david).await.unwrap());
    assert!(!chuck.following().contains(&db, &anne).await.unwrap());

    // Filters across the relation, both ways.
    assert_eq!(
        people(Person::objects().filter(q!(following__name = "David")), &db).await,
        ["Anne", "Chuck"]
    );
    assert_eq!(
        people(Person::objects().filter(q!(followers__name = "Anne")), &db).await,
        ["Bill", "Chuck", "David"]
    );
    assert_eq!(
        people(Person::objects().filter(q!(followers__name = "Chuck")), &db).await,
        ["David"]
    );

    // Prefetch, both ways.
    let all = Person::objects()
        .prefetch_related(["following", "followers"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let loaded: Vec<(String, Vec<String>, Vec<String>)> = all
        .iter()
        .map(|p| {
            let following = p.following().loaded().expect("prefetched");
            let followers = p.followers().loaded().expect("prefetched");
            (
                p.name.clone(),
                names(following.iter().map(|x| x.name.clone())),
                names(followers.iter().map(|x| x.name.clone())),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        loaded,
        [
            ("Anne".into(), s(&["Bill", "Chuck", "David"]), s(&[])),
            ("Bill".into(), s(&[]), s(&["Anne"])),
            ("Chuck".into(), s(&["David"]), s(&["Anne"])),
            ("David".into(), s(&[]), s(&["Anne", "Chuck"])),
        ]
    );

    // remove and clear touch Anne's own rows only, not the one she introduced.
    assert_eq!(anne.following().remove(&db, [&bill]).await.unwrap(), 1);
    assert_eq!(anne.following().clear(&db).await.unwrap(), 2);
    assert_eq!(Relationship::objects().count(&db).await.unwrap(), 1);
    assert_eq!(
        people(david.followers().queryset(), &db).await,
        ["Chuck"],
        "the row Anne introduced stays"
    );
    // set from the reverse side uses the columns the other way round.
    david.followers().set(&db, [&anne, &bill]).await.unwrap();
    assert_eq!(
        people(david.followers().queryset(), &db).await,
        ["Anne", "Bill"]
    );
    assert_eq!(people(bill.following().queryset(), &db).await, ["David"]);
}

/// Django's `Membership` with an `inviter` (`through_fields = ("group", "person")`): the
/// inviter is not a member, and filters and prefetch follow `person`.
async fn through_fields_to_another_model(t: TestDb) {
    let db = t.db(registry()).await;
    let rock = group(&db, "Rock").await;
    let roll = group(&db, "Roll").await;
    let (jim, bob) = (person(&db, "Jim").await, person(&db, "Bob").await);
    rock.members()
        .add_with(&db, [&jim], [("invite_reason", Value::from("asked"))])
        .await
        .unwrap();
    Membership::build()
        .group(&roll)
        .person(&jim)
        .inviter(&bob)
        .invite_reason("Bob asked")
        .create(&db)
        .await
        .unwrap();

    assert_eq!(people(rock.members().queryset(), &db).await, ["Jim"]);
    assert_eq!(people(roll.members().queryset(), &db).await, ["Jim"]);
    assert!(bob.groups().all(&db).await.unwrap().is_empty());
    assert_eq!(
        names(
            jim.groups()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|g| g.name)
        ),
        ["Rock", "Roll"]
    );
    let with_bob = Group::objects()
        .filter(q!(members__name = "Bob"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(with_bob, 0, "the inviter is no member");
    let with_jim = Group::objects()
        .filter(q!(members__name = "Jim"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(with_jim, 2);
    assert_eq!(
        people(Person::objects().filter(q!(groups__name = "Roll")), &db).await,
        ["Jim"]
    );

    let groups = Group::objects()
        .prefetch_related(["members"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    for g in &groups {
        let members = g.members().loaded().expect("prefetched");
        assert_eq!(
            names(members.iter().map(|p| p.name.clone())),
            ["Jim"],
            "{}",
            g.name
        );
    }
    let everyone = Person::objects()
        .prefetch_related(["groups"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    let loaded: Vec<(String, usize)> = everyone
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.groups().loaded().expect("prefetched").len(),
            )
        })
        .collect();
    assert_eq!(loaded, [("Bob".to_string(), 0), ("Jim".to_string(), 2)]);

    // Jim leaves Roll: the row Bob's invitation made goes; Bob stays a person.
    assert_eq!(roll.members().remove(&db, [&jim]).await.unwrap(), 1);
    assert!(roll.members().all(&db).await.unwrap().is_empty());
    assert_eq!(Person::objects().count(&db).await.unwrap(), 2);
}

fn config_problems(result: aksara::Result<Arc<Registry>>) -> Vec<String> {
    match result {
        Ok(_) => panic!("expected Error::Config, the registry was built"),
        Err(Error::Config(problems)) => problems,
        Err(other) => panic!("expected Error::Config, got {other:?}"),
    }
}

/// A self relation through a model with three keys to the model, without
/// `through_fields`: ambiguous, refused naming the through model and the candidates.
#[test]
fn ambiguous_self_through_is_refused() {
    let problems = config_problems(Registry::builder().model::<models::Loner>().build());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(p.starts_with("Loner.links: "), "{p}");
    assert!(p.contains("`LonerLink`"), "{p}");
    assert!(p.contains("`a`, `b`, `c`"), "{p}");
    assert!(p.contains("through_fields"), "{p}");
}

/// A relation to another model through a model with two keys to the target, without
/// `through_fields`: ambiguous, refused naming both candidate fields.
#[test]
fn ambiguous_through_to_another_model_is_refused() {
    let problems = config_problems(Registry::builder().model::<models::Team>().build());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert!(p.starts_with("Team.players: "), "{p}");
    assert!(p.contains("`Seat`"), "{p}");
    assert!(p.contains("`player`, `scout`"), "{p}");
    assert!(p.contains("through_fields"), "{p}");
}

/// `through_fields` naming a missing field, a field that is no foreign key, or the fields
/// the wrong way round: each refused, naming the relation, the through model and the field.
#[test]
fn wrong_through_fields_are_refused() {
    let problems = config_problems(Registry::builder().model::<models::Crew>().build());
    assert_eq!(problems.len(), 3, "{problems:?}");
    let find = |prefix: &str| {
        problems
            .iter()
            .find(|p| p.starts_with(prefix))
            .unwrap_or_else(|| panic!("no problem for {prefix}: {problems:?}"))
    };
    let typo = find("Crew.typo: ");
    assert!(
        typo.contains("`sailour`") && typo.contains("`Berth`") && typo.contains("`sailor`"),
        "the missing name and the candidate: {typo}"
    );
    let not_a_key = find("Crew.not_a_key: ");
    assert!(
        not_a_key.contains("`Berth.note`") && not_a_key.contains("not a foreign key to Player"),
        "{not_a_key}"
    );
    let swapped = find("Crew.swapped: ");
    assert!(
        swapped.contains("`Berth.sailor`") && swapped.contains("not a foreign key to Crew"),
        "{swapped}"
    );
}

backend_tests!(
    create_makes_the_row_and_its_link,
    create_with_through_defaults,
    add_with_and_set_with_a_required_extra_field,
    remove_and_clear_through_a_custom_model,
    through_fields_on_a_self_relation,
    through_fields_to_another_model,
);
