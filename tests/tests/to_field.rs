//! `to_field` on derived models (Django's `ForeignKey(..., to_field="code")`): a relation that
//! references a unique field of its target other than the key, on every backend. The column
//! `country_id` of a city holds its country's `code` ("FR") and the database's foreign key
//! references `countries.code`; loading, building, filters, `select_related`,
//! `prefetch_related` both ways, the reverse manager and deletion all go through that column.
//!
//! The scenarios follow Django's `tests/many_to_one` (`ToFieldChild.parent` with
//! `to_field="name"`: the cached parent after create, the reverse manager's rows, the value
//! read back after a refresh) and add what a typed relation needs: the registry refusing the
//! declarations a `ForeignKey<T, R>` could not follow.

mod common;

use aksara::{
    q, Error, ForeignKey, Model, OneToOne, OptionalRelation, QuerySet, Record, Registry, Related,
    ValueType, CASCADE, PROTECT, SET_NULL,
};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, table_rows};
use std::sync::Arc;

mod models {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_countries")]
    pub struct Country {
        pub id: i64,
        #[aksara(unique, max_length = 2)]
        pub code: String,
        #[aksara(max_length = 50)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_cities")]
    pub struct City {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(to_field = "code", on_delete = CASCADE, related_name = "cities")]
        pub country: ForeignKey<Country, String>,
    }

    /// A one-to-one by code: the reverse side is `country.capital(&db)`.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_capitals")]
    pub struct Capital {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(to_field = "code", on_delete = CASCADE, related_name = "capital")]
        pub country: OneToOne<Country, String>,
    }

    /// A nullable reference by code, set to NULL when the country goes.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_travellers")]
    pub struct Traveller {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(to_field = "code", on_delete = SET_NULL, related_name = "travellers")]
        pub home: Option<ForeignKey<Country, String>>,
    }

    /// A protecting reference by code: the country cannot go while it exists.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_embassies")]
    pub struct Embassy {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(to_field = "code", on_delete = PROTECT, related_name = "embassies")]
        pub host: ForeignKey<Country, String>,
    }

    /// A UUID key and a unique integer number, referenced by the number.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_accounts")]
    pub struct Account {
        pub id: uuid::Uuid,
        #[aksara(unique)]
        pub number: i64,
        #[aksara(max_length = 50)]
        pub owner: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_payments")]
    pub struct Payment {
        pub id: i64,
        pub amount: i64,
        #[aksara(to_field = "number", on_delete = CASCADE, related_name = "payments")]
        pub account: ForeignKey<Account, i64>,
    }

    /// Two unique text fields: which one a `ForeignKey<Language, String>` holds is told by
    /// the registry (the only relation to it references `name`).
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_languages")]
    pub struct Language {
        pub id: i64,
        #[aksara(unique, max_length = 3)]
        pub iso: String,
        #[aksara(unique, max_length = 50)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_speakers")]
    pub struct Speaker {
        pub id: i64,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(to_field = "name", related_name = "speakers")]
        pub language: ForeignKey<Language, String>,
    }

    /// The Django shape: `ToFieldChild.parent` referencing the parent's unique name.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_parents")]
    pub struct Parent {
        pub id: i64,
        #[aksara(unique, max_length = 20)]
        pub name: String,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tf_children")]
    pub struct ToFieldChild {
        pub id: i64,
        #[aksara(to_field = "name", on_delete = CASCADE, related_name = "to_field_children")]
        pub parent: ForeignKey<Parent, String>,
    }
}

use models::*;

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<City>()
        .model::<Capital>()
        .model::<Traveller>()
        .model::<Embassy>()
        .model::<Payment>()
        .model::<Speaker>()
        .model::<ToFieldChild>()
        .build()
        .expect("valid models")
}

async fn country(db: &aksara::Db, code: &str, name: &str) -> Country {
    Country::build()
        .code(code)
        .name(name)
        .create(db)
        .await
        .unwrap()
}

async fn city(db: &aksara::Db, name: &str, country: &Country) -> City {
    City::build()
        .name(name)
        .country(country)
        .create(db)
        .await
        .unwrap()
}

/// France (Paris, Lyon), Germany (Berlin), Italy (no city).
async fn europe(db: &aksara::Db) -> (Country, Country, Country) {
    let france = country(db, "FR", "France").await;
    let germany = country(db, "DE", "Germany").await;
    let italy = country(db, "IT", "Italy").await;
    city(db, "Paris", &france).await;
    city(db, "Lyon", &france).await;
    city(db, "Berlin", &germany).await;
    (france, germany, italy)
}

/// The names of `cities`, sorted.
fn names(cities: impl IntoIterator<Item = impl std::ops::Deref<Target = City>>) -> Vec<String> {
    let mut names: Vec<String> = cities.into_iter().map(|c| c.name.clone()).collect();
    names.sort();
    names
}

/// The table's foreign key references `code`: the column has the code's type, and the
/// database refuses a city whose code no country has.
async fn ddl_references_the_referenced_column(t: TestDb) {
    let db = t.db(registry()).await;
    let city_info = db.registry().model("City").unwrap();
    let edge = city_info.edge("country").unwrap();
    assert_eq!(
        edge.via,
        aksara::Via::Forward {
            column: "country_id".into(),
            target_column: "code".into(),
        }
    );
    let column = city_info.field("country").unwrap();
    assert_eq!(
        column.kind,
        aksara::FieldKind::String { max_length: 2 },
        "the column takes the kind of the field it references"
    );
    let statements =
        aksara::ddl::create_statements(db.registry(), db.dialect(), &Default::default()).unwrap();
    let sql: Vec<String> = statements
        .iter()
        .map(|s| s.render(db.dialect()))
        .filter(|s| s.contains("tf_cities"))
        .collect();
    assert_mentions(&sql.join("\n"), &["REFERENCES", "tf_countries", "code"]);

    country(&db, "FR", "France").await;
    db.raw_execute(
        "INSERT INTO tf_cities (name, country_id) VALUES ({}, {})",
        ["Paris".into(), "FR".into()],
    )
    .await
    .expect("a city of an existing code");
    let err = expect_err(
        db.raw_execute(
            "INSERT INTO tf_cities (name, country_id) VALUES ({}, {})",
            ["Atlantis".into(), "ZZ".into()],
        )
        .await,
        "the database refusing a code no country has",
    );
    assert!(
        matches!(err, Error::ForeignKeyConstraint { .. } | Error::Database(_)),
        "{err:?}"
    );
    assert_eq!(table_rows(&db, "tf_cities").await, 1);
    // The ORM's own write is refused too, and names the relation.
    let err = expect_err(
        City::build()
            .name("Atlantis")
            .country_id("ZZ")
            .create(&db)
            .await,
        "a refused city",
    );
    assert_mentions(&err.to_string(), &["country"]);
}

/// The builder stores the code; `id()` reads it; `get` loads by it with one query, then none.
async fn build_and_get(t: TestDb) {
    let db = t.db(registry()).await;
    let france = country(&db, "FR", "France").await;
    let germany = country(&db, "DE", "Germany").await;
    let paris = city(&db, "Paris", &france).await;
    assert_eq!(paris.country.id(), "FR");
    assert_eq!(paris.country, ForeignKey::new("FR".to_string()));

    // Read back, with nothing loaded.
    let paris = City::objects().get(&db, q!(name = "Paris")).await.unwrap();
    assert_eq!(paris.country.id(), "FR");
    assert!(paris.country.loaded().is_none());
    let strict = db.strict();
    assert!(matches!(
        paris.country.get(&strict).await,
        Err(Error::LazyLoad { .. })
    ));
    let before = db.query_count();
    let loaded = paris.country.get(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 1);
    assert_eq!((loaded.id, loaded.code.as_str()), (france.id, "FR"));
    let again = paris.country.get(&db).await.unwrap();
    assert_eq!(db.query_count() - before, 1, "the second get is cached");
    assert_eq!(again.name, "France");

    // By value, and by a row through `ToOne::to` (the row cached).
    let berlin = City::build()
        .name("Berlin")
        .country_id("DE")
        .create(&db)
        .await
        .unwrap();
    assert_eq!(berlin.country.id(), "DE");
    let mut moved = berlin.clone();
    moved.country = ForeignKey::to(france.clone());
    assert_eq!(moved.country.id(), "FR");
    let before = db.query_count();
    assert_eq!(moved.country.get(&db).await.unwrap().id, france.id);
    assert_eq!(db.query_count(), before, "the row given is the cache");
    moved.save(&db).await.unwrap();
    moved.refresh(&db).await.unwrap();
    assert_eq!(moved.country.id(), "FR", "saved as the code");
    moved.country.set(germany.clone());
    assert_eq!(moved.country.id(), "DE");
    moved.country.set_id("FR".to_string());
    assert!(moved.country.loaded().is_none());

    // Many at once: each row stores its country's code.
    let made = City::objects()
        .bulk_create(
            &db,
            [
                City::build().name("Nice").country(&france),
                City::build().name("Bonn").country(&germany),
            ],
        )
        .await
        .unwrap();
    let codes: Vec<&str> = made.iter().map(|c| c.country.id().as_str()).collect();
    assert_eq!(codes, ["FR", "DE"]);
    assert_eq!(france.cities().count(&db).await.unwrap(), 3);

    // A code no country has: the get says so.
    let lost = City {
        id: 0,
        name: "Nowhere".into(),
        country: ForeignKey::new("ZZ".into()),
    };
    assert!(lost.country.get(&db).await.unwrap_err().is_does_not_exist());
}

/// Django `test_cached_foreign_key_with_to_field_not_cleared_by_save` and
/// `test_save_nullable_fk_after_parent_with_to_field`: the parent given is cached, and the
/// value read back is the parent's name.
async fn django_to_field_child(t: TestDb) {
    let db = t.db(registry()).await;
    let parent = Parent::build().name("jeff").create(&db).await.unwrap();
    let mut child = ToFieldChild::build()
        .parent(&parent)
        .create(&db)
        .await
        .unwrap();
    child.parent.set_loaded(parent.clone());
    let before = db.query_count();
    assert_eq!(child.parent.get(&db).await.unwrap().id, parent.id);
    assert_eq!(db.query_count(), before);
    child.refresh(&db).await.unwrap();
    assert_eq!(child.parent.id(), &parent.name);
    assert_eq!(child.parent.get(&db).await.unwrap().id, parent.id);

    // `test_reverse_foreign_key_instance_to_field_caching`: the reverse manager finds it.
    let children = parent.to_field_children().all(&db).await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].parent.id(), "jeff");
}

/// Filters through the relation: by the code (no join), by the relation compared whole, by
/// another field of the country (a join on the code), and in reverse.
async fn filters(t: TestDb) {
    let db = t.db(registry()).await;
    let (france, _germany, _italy) = europe(&db).await;
    let count = |condition: aksara::Condition| {
        let db = db.clone();
        async move { City::objects().filter(condition).count(&db).await.unwrap() }
    };
    assert_eq!(count(q!(country__code = "FR")).await, 2);
    assert_eq!(count(q!(country = "FR")).await, 2);
    assert_eq!(count(q!(country__name = "France")).await, 2);
    assert_eq!(count(q!(country__name__startswith = "Ger")).await, 1);
    assert_eq!(
        count(q!(country__code__in = aksara::value_list(["FR", "DE"]))).await,
        3
    );
    assert_eq!(count(q!(country_id = "DE")).await, 1);
    assert_eq!(count(q!(country__id = france.id)).await, 2);
    assert_eq!(count(q!(country__isnull = false)).await, 3);
    assert_eq!(count(City::fields().country_id().eq("FR")).await, 2);
    assert_eq!(count(City::fields().country().name().eq("France")).await, 2);
    assert_eq!(count(City::fields().country().code().eq("DE")).await, 1);

    // A row (or a key) compares with the key, not the code: refused, with a hint.
    let err = expect_err(
        City::objects()
            .filter(q!(country = &france))
            .count(&db)
            .await,
        "a key compared with a code",
    );
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["`code`", "country__pk"]);
    assert_eq!(count(q!(country__pk = france.id)).await, 2);

    // `country__code` is the city's own column: no join.
    db.record_sql();
    City::objects()
        .filter(q!(country__code = "FR"))
        .all(&db)
        .await
        .unwrap();
    let sql = db.recorded_sql().join("\n");
    assert!(!sql.to_uppercase().contains("JOIN"), "{sql}");

    // From the other side: countries with a city called Paris, with any city.
    let with_paris = Country::objects()
        .filter(q!(cities__name = "Paris"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(with_paris.len(), 1);
    assert_eq!(with_paris[0].code, "FR");
    let with_cities = Country::objects()
        .filter(q!(cities__isnull = false))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(with_cities, 2);
}

/// `select_related` joins on the code: one query, every country loaded.
async fn select_related_joins_on_the_code(t: TestDb) {
    let db = t.db(registry()).await;
    europe(&db).await;
    let before = db.query_count();
    let cities = City::objects()
        .select_related(["country"])
        .order_by(["name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    let strict = db.strict();
    let seen: Vec<(String, String)> = {
        let mut out = Vec::new();
        for c in &cities {
            let country = c.country.get(&strict).await.unwrap();
            assert_eq!(&country.code, c.country.id());
            out.push((c.name.clone(), country.name.clone()));
        }
        out
    };
    assert_eq!(
        seen,
        [
            ("Berlin".to_string(), "Germany".to_string()),
            ("Lyon".to_string(), "France".to_string()),
            ("Paris".to_string(), "France".to_string()),
        ]
    );
    assert_eq!(db.query_count() - before, 1);
}

/// `prefetch_related` forward (one query for the countries) and in reverse (one query for the
/// cities, grouped by code).
async fn prefetch_both_ways(t: TestDb) {
    let db = t.db(registry()).await;
    europe(&db).await;
    let before = db.query_count();
    let cities = City::objects()
        .prefetch_related(["country"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    for c in &cities {
        let country = c.country.loaded().expect("prefetched");
        assert_eq!(&country.code, c.country.id());
    }

    let before = db.query_count();
    let countries = Country::objects()
        .prefetch_related(["cities"])
        .order_by(["code"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    let by_code: Vec<(String, Vec<String>)> = countries
        .iter()
        .map(|c| {
            let loaded = c.cities().loaded().expect("prefetched");
            (c.code.clone(), names(loaded.iter().map(|a| a.as_ref())))
        })
        .collect();
    assert_eq!(
        by_code,
        [
            ("DE".to_string(), vec!["Berlin".to_string()]),
            (
                "FR".to_string(),
                vec!["Lyon".to_string(), "Paris".to_string()]
            ),
            ("IT".to_string(), vec![]),
        ]
    );
    assert_eq!(db.query_count() - before, 2, "reading them runs nothing");

    // Nested: cities and their country, from the countries (three queries).
    let before = db.query_count();
    let countries = Country::objects()
        .prefetch_related(["cities__country"])
        .filter(q!(code = "FR"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 3);
    let paris = &countries[0].cities().loaded().unwrap()[0];
    assert_eq!(paris.country.loaded().unwrap().code, "FR");
}

/// The reverse manager's key is the code: all, count, exists, create and add.
async fn reverse_manager(t: TestDb) {
    let db = t.db(registry()).await;
    let (france, germany, italy) = europe(&db).await;
    assert_eq!(
        names(france.cities().all(&db).await.unwrap().iter()),
        ["Lyon", "Paris"]
    );
    assert_eq!(france.cities().count(&db).await.unwrap(), 2);
    assert!(!italy.cities().exists(&db).await.unwrap());
    assert_eq!(
        france
            .cities()
            .filter(q!(name__startswith = "P"))
            .count(&db)
            .await
            .unwrap(),
        1
    );

    let rome = italy
        .cities()
        .create(&db, City::build().name("Rome"))
        .await
        .unwrap();
    assert_eq!(rome.country.id(), "IT");
    assert_eq!(italy.cities().count(&db).await.unwrap(), 1);

    // Moving a city: its column takes the code.
    let berlin = City::objects().get(&db, q!(name = "Berlin")).await.unwrap();
    assert_eq!(italy.cities().add(&db, [&berlin]).await.unwrap(), 1);
    let berlin = City::objects().get(&db, q!(name = "Berlin")).await.unwrap();
    assert_eq!(berlin.country.id(), "IT");
    assert_eq!(germany.cities().count(&db).await.unwrap(), 0);

    // A reverse one-to-one by code, and `select_related` into it.
    Capital::build()
        .name("Paris")
        .country(&france)
        .create(&db)
        .await
        .unwrap();
    let capital = france.capital(&db).await.unwrap();
    assert_eq!(capital.country.id(), "FR");
    assert!(germany.capital(&db).await.unwrap_err().is_does_not_exist());
    let before = db.query_count();
    let countries = Country::objects()
        .select_related(["capital"])
        .filter(q!(code = "FR"))
        .all(&db)
        .await
        .unwrap();
    let strict = db.strict();
    assert_eq!(countries[0].capital(&strict).await.unwrap().name, "Paris");
    assert_eq!(db.query_count() - before, 1);

    // Prefetched in reverse (grouped by code), and from the capital: the country, whose
    // reverse side then answers without a query.
    let before = db.query_count();
    let countries = Country::objects()
        .prefetch_related(["capital"])
        .order_by(["code"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    let found: Vec<bool> = {
        let mut out = Vec::new();
        for c in &countries {
            out.push(c.capital(&strict).await.is_ok());
        }
        out
    };
    assert_eq!(found, [false, true, false], "DE, FR, IT");
    let before = db.query_count();
    let capital = Capital::objects()
        .select_related(["country"])
        .get(&db, q!(country = "FR"))
        .await
        .unwrap();
    let france_again = capital.country.get(&strict).await.unwrap();
    assert_eq!(
        france_again.capital(&strict).await.unwrap().id,
        capital.id,
        "the reverse side of the loaded country is the capital"
    );
    assert_eq!(db.query_count() - before, 1);
}

/// Deleting a country: its cities, capital (CASCADE) are collected by code and deleted, a
/// traveller's home is set to NULL, an embassy (PROTECT) refuses.
async fn delete_follows_the_code(t: TestDb) {
    let db = t.db(registry()).await;
    let (france, germany, italy) = europe(&db).await;
    Capital::build()
        .name("Paris")
        .country(&france)
        .create(&db)
        .await
        .unwrap();
    let ann = Traveller::build()
        .name("Ann")
        .home(&france)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(ann.home.id().map(String::as_str), Some("FR"));
    let bob = Traveller::build()
        .name("Bob")
        .home_id(None)
        .create(&db)
        .await
        .unwrap();
    assert!(bob.home.is_none());

    let deleted = france.delete(&db).await.unwrap();
    assert_eq!(deleted.of("Country"), 1);
    assert_eq!(
        deleted.of("City"),
        2,
        "the ORM collected France's cities by code"
    );
    assert_eq!(deleted.of("Capital"), 1);
    assert_eq!(deleted.total, 4);
    assert_eq!(table_rows(&db, "tf_cities").await, 1);
    assert_eq!(
        names(City::objects().all(&db).await.unwrap().iter()),
        ["Berlin"]
    );
    let ann = Traveller::objects()
        .get(&db, q!(name = "Ann"))
        .await
        .unwrap();
    assert!(ann.home.is_none(), "SET_NULL by the database");

    // PROTECT: refused, with nothing deleted.
    Embassy::build()
        .name("Embassy in Berlin")
        .host(&germany)
        .create(&db)
        .await
        .unwrap();
    let err = expect_err(germany.delete(&db).await, "a protected country");
    match &err {
        Error::ForeignKeyConstraint {
            model, relation, ..
        } => {
            assert_eq!((model.as_str(), relation.as_str()), ("Embassy", "host"));
        }
        other => panic!("expected ForeignKeyConstraint, got {other:?}"),
    }
    assert_eq!(table_rows(&db, "tf_cities").await, 1);
    assert_eq!(table_rows(&db, "tf_countries").await, 2);

    // A queryset delete collects by code too.
    city(&db, "Milan", &italy).await;
    let deleted = Country::objects()
        .filter(q!(code = "IT"))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!((deleted.of("Country"), deleted.of("City")), (1, 1));
    assert_eq!(table_rows(&db, "tf_cities").await, 1);
}

/// An integer `to_field` on a model with a UUID key: every path with an integer value.
async fn integer_to_field_on_a_uuid_model(t: TestDb) {
    let db = t.db(registry()).await;
    let alice = Account::build()
        .number(1001)
        .owner("Alice")
        .create(&db)
        .await
        .unwrap();
    let bob = Account::build()
        .number(2002)
        .owner("Bob")
        .create(&db)
        .await
        .unwrap();
    for (amount, account) in [(10, &alice), (20, &alice), (30, &bob)] {
        Payment::build()
            .amount(amount)
            .account(account)
            .create(&db)
            .await
            .unwrap();
    }
    let payment = Payment::objects().get(&db, q!(amount = 30)).await.unwrap();
    assert_eq!(*payment.account.id(), 2002);
    let before = db.query_count();
    assert_eq!(payment.account.get(&db).await.unwrap().id, bob.id);
    assert_eq!(db.query_count() - before, 1);
    assert_eq!(
        Payment::objects()
            .filter(q!(account__owner = "Alice"))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    let before = db.query_count();
    let accounts = Account::objects()
        .prefetch_related(["payments"])
        .order_by(["number"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    let totals: Vec<i64> = accounts
        .iter()
        .map(|a| {
            a.payments()
                .loaded()
                .unwrap()
                .iter()
                .map(|p| p.amount)
                .sum()
        })
        .collect();
    assert_eq!(totals, [30, 30]);
    assert_eq!(alice.payments().count(&db).await.unwrap(), 2);
    let deleted = alice.delete(&db).await.unwrap();
    assert_eq!(deleted.of("Payment"), 2);
    assert_eq!(table_rows(&db, "tf_payments").await, 1);
}

/// A target with two unique text fields: the registry tells `get` which one the relation
/// holds.
async fn the_registry_names_the_field_among_several(t: TestDb) {
    let db = t.db(registry()).await;
    assert_eq!(
        db.registry()
            .referenced_field("Language", ValueType::String),
        Some("name")
    );
    let breton = Language::build()
        .iso("bre")
        .name("Breton")
        .create(&db)
        .await
        .unwrap();
    let speaker = Speaker::build()
        .name("Yann")
        .language(&breton)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(speaker.language.id(), "Breton");
    let speaker = Speaker::objects()
        .get(&db, q!(name = "Yann"))
        .await
        .unwrap();
    assert_eq!(speaker.language.get(&db).await.unwrap().iso, "bre");
    assert_eq!(breton.speakers().count(&db).await.unwrap(), 1);
}

/// The catalog read back: the foreign key references `code`, and the introspected models
/// follow it.
async fn introspection_reads_the_referenced_column(t: TestDb) {
    let db = t.db(registry()).await;
    europe(&db).await;
    let raw = t.connect(Registry::empty()).await;
    let schema = aksara::introspect::introspect(&raw)
        .await
        .expect("introspect");
    let cities = schema.registry.by_table("tf_cities").expect("tf_cities");
    let field = cities
        .meta
        .fields
        .iter()
        .find(|f| f.column == "country_id")
        .expect("country_id");
    let relation = field.relation.as_ref().expect("a relation");
    assert_eq!(relation.to_column.as_deref(), Some("code"));
    assert_eq!(
        relation.target.model_name(&cities.meta.name),
        schema.registry.by_table("tf_countries").unwrap().meta.name
    );
    let edge = cities.edge(&field.name).expect("the forward edge");
    assert!(matches!(
        &edge.via,
        aksara::Via::Forward { target_column, .. } if target_column == "code"
    ));
    let introspected = raw.with_registry(schema.registry.clone());
    let in_france = QuerySet::<Record>::of(cities.meta.name.clone())
        .filter(aksara::Condition::new(
            format!("{}__name", field.name),
            "France",
        ))
        .count(&introspected)
        .await
        .unwrap();
    assert_eq!(in_france, 2);
}

backend_tests!(
    ddl_references_the_referenced_column,
    build_and_get,
    django_to_field_child,
    filters,
    select_related_joins_on_the_code,
    prefetch_both_ways,
    reverse_manager,
    delete_follows_the_code,
    integer_to_field_on_a_uuid_model,
    the_registry_names_the_field_among_several,
    introspection_reads_the_referenced_column
);

/// The registry's message for `build`, which must fail.
fn refusal(builder: aksara::RegistryBuilder) -> String {
    match builder.build() {
        Ok(_) => panic!("expected the registry to refuse the models"),
        Err(e) => e.to_string(),
    }
}

mod refused {
    use super::*;

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_countries")]
    pub struct RCountry {
        pub id: i64,
        #[aksara(unique, max_length = 2)]
        pub code: String,
        #[aksara(unique, max_length = 50)]
        pub name: String,
        #[aksara(unique)]
        pub number: i64,
        pub plain: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_unknown")]
    pub struct Unknown {
        pub id: i64,
        #[aksara(to_field = "iso", related_name = "+")]
        pub country: ForeignKey<RCountry, String>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_not_unique")]
    pub struct NotUnique {
        pub id: i64,
        #[aksara(to_field = "plain", related_name = "+")]
        pub country: ForeignKey<RCountry, String>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_wrong_type")]
    pub struct WrongType {
        pub id: i64,
        #[aksara(to_field = "code", related_name = "+")]
        pub country: ForeignKey<RCountry>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_no_to_field")]
    pub struct NoToField {
        pub id: i64,
        #[aksara(related_name = "+")]
        pub country: ForeignKey<RCountry, String>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_key_type")]
    pub struct KeyType {
        pub id: i64,
        #[aksara(to_field = "number", related_name = "+")]
        pub country: ForeignKey<RCountry, i64>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_by_code")]
    pub struct ByCode {
        pub id: i64,
        #[aksara(to_field = "code", related_name = "+")]
        pub country: ForeignKey<RCountry, String>,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_by_name")]
    pub struct ByName {
        pub id: i64,
        #[aksara(to_field = "name", related_name = "+")]
        pub country: OneToOne<RCountry, String>,
    }

    /// `to_field` naming the key itself is the key.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "tfr_by_id")]
    pub struct ById {
        pub id: i64,
        #[aksara(to_field = "id", related_name = "+")]
        pub country: ForeignKey<RCountry>,
    }
}

#[test]
fn an_unknown_or_non_unique_to_field_is_a_registry_error() {
    use refused::*;
    let message = refusal(Registry::builder().model::<Unknown>());
    assert_mentions(
        &message,
        &["Unknown.country", "to_field `iso`", "RCountry", "code"],
    );
    let message = refusal(Registry::builder().model::<NotUnique>());
    assert_mentions(&message, &["NotUnique.country", "`plain`", "unique"]);
}

#[test]
fn the_value_type_must_be_the_referenced_fields() {
    use refused::*;
    let message = refusal(Registry::builder().model::<WrongType>());
    assert_mentions(
        &message,
        &[
            "WrongType.country",
            "to_field `code`",
            "ForeignKey<RCountry, String>",
        ],
    );
    let message = refusal(Registry::builder().model::<NoToField>());
    assert_mentions(&message, &["NoToField.country", "to_field", "key"]);
    let message = refusal(Registry::builder().model::<KeyType>());
    assert_mentions(&message, &["KeyType.country", "`number`", "key"]);
}

#[test]
fn two_relations_to_different_fields_of_one_type_are_refused() {
    use refused::*;
    let message = refusal(Registry::builder().model::<ByCode>().model::<ByName>());
    assert_mentions(
        &message,
        &[
            "ByCode.country",
            "ByName.country",
            "`code`",
            "`name`",
            "could not tell",
        ],
    );
    // Each on its own is fine, and says which field it is.
    let registry = Registry::builder().model::<ByName>().build().unwrap();
    assert_eq!(
        registry.referenced_field("RCountry", ValueType::String),
        Some("name")
    );
    let registry = Registry::builder()
        .model::<ByCode>()
        .model::<ById>()
        .build()
        .expect("the key and a code");
    let by_id = registry.model("ById").unwrap();
    assert_eq!(
        by_id.edge("country").unwrap().via,
        aksara::Via::Forward {
            column: "country_id".into(),
            target_column: "id".into(),
        }
    );
}

#[test]
fn to_cannot_choose_between_two_unique_fields_without_a_registry() {
    use refused::*;
    let country = RCountry {
        id: 1,
        code: "FR".into(),
        name: "France".into(),
        number: 33,
        plain: String::new(),
    };
    let by_code = std::panic::catch_unwind(|| ForeignKey::<RCountry, String>::to(country.clone()));
    let message = match by_code {
        Ok(_) => panic!("ToOne::to should refuse"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default(),
    };
    assert_mentions(&message, &["RCountry", "code", "name"]);
    // The builder knows its field; `new` takes the value.
    let mut rel = ForeignKey::<RCountry, String>::new(country.code.clone());
    rel.set_loaded(country.clone());
    assert_eq!(rel.id(), "FR");
    // The key and a single unique field of a type are found.
    let by_key = ForeignKey::<RCountry>::to(country.clone());
    assert_eq!(*by_key.id(), 1);
}

#[test]
fn the_metadata_records_the_value_kind_until_the_registry_resolves_it() {
    let field = City::meta().field("country").unwrap();
    assert_eq!(
        field.kind,
        <String as aksara::ReferencedValue>::REFERENCING_KIND
    );
    assert_eq!(
        field.relation.as_ref().unwrap().to_field.as_deref(),
        Some("code")
    );
    let registry = registry();
    let resolved = registry.model("City").unwrap().field("country").unwrap();
    assert_eq!(resolved.kind, aksara::FieldKind::String { max_length: 2 });
}
