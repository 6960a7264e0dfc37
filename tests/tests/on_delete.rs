//! The on_delete section of the seed: CASCADE, SET_NULL, RESTRICT / PROTECT, importing the
//! constants, and raw SQL deletes obeying the same rules (they are enforced by the database).

mod common;

use aksara::{q, Error, Model, OptionalRelation, Registry};
use aksara_tests::models::{blog, fk, guard, lookups};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, snapshot, table_rows};

fn fk_registry() -> std::sync::Arc<Registry> {
    Registry::builder()
        .model::<fk::Post>()
        .build()
        .expect("valid models")
}

async fn author(db: &aksara::Db, name: &str) -> fk::Author {
    fk::Author::build()
        .name(name)
        .email(format!("{}@example.com", name.to_lowercase()))
        .create(db)
        .await
        .unwrap()
}

async fn post(db: &aksara::Db, title: &str, author: &fk::Author) -> fk::Post {
    fk::Post::build()
        .title(title)
        .content("...")
        .author(author)
        .create(db)
        .await
        .unwrap()
}

/// Checks that `err` is a ForeignKeyConstraint raised by `model.relation` whose message names
/// the deleted model.
fn assert_refused(err: &Error, model: &str, relation: &str, deleted: &str) {
    match err {
        Error::ForeignKeyConstraint {
            model: m,
            relation: r,
            message,
        } => {
            assert_eq!(m, model, "{err}");
            assert_eq!(r, relation, "{err}");
            assert_mentions(message, &[deleted]);
            assert_mentions(&err.to_string(), &[model, relation, deleted]);
        }
        other => panic!("expected ForeignKeyConstraint on {model}.{relation}, got {other:?}"),
    }
}

/// Seed "CASCADE": deleting the author deletes their posts.
async fn on_delete_cascade(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = author(&db, "Jane").await;
    let bob = author(&db, "Bob").await;
    let p1 = post(&db, "One", &jane).await;
    post(&db, "Two", &jane).await;
    let kept = post(&db, "Bob's", &bob).await;
    assert_eq!(table_rows(&db, "posts").await, 3);

    let deleted = jane.delete(&db).await.unwrap();
    assert_eq!(deleted.of("Author"), 1, "one author row deleted");
    assert_eq!(table_rows(&db, "authors").await, 1);
    assert_eq!(
        table_rows(&db, "posts").await,
        1,
        "Jane's posts went with her"
    );
    assert_eq!(jane.posts().count(&db).await.unwrap(), 0);
    let err = expect_err(
        fk::Post::objects().get(&db, q!(id = p1.id)).await,
        "DoesNotExist for a cascaded post",
    );
    assert!(err.is_does_not_exist(), "{err:?}");
    // Bob's post is untouched.
    let still = fk::Post::objects()
        .get(&db, q!(id = kept.id))
        .await
        .unwrap();
    assert_eq!(still.title, "Bob's");
    // Deleting again deletes nothing.
    assert_eq!(jane.delete(&db).await.unwrap().of("Author"), 0);

    // A bulk (queryset) delete cascades too.
    let n = fk::Author::objects()
        .filter(q!(email = "bob@example.com"))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!(n.of("Author"), 1);
    assert_eq!(table_rows(&db, "posts").await, 0);
    assert_eq!(table_rows(&db, "authors").await, 0);
}

/// CASCADE follows chains: Author -> Post -> Comment.
async fn on_delete_cascade_chain(t: TestDb) {
    let db = t.db(lookups::registry()).await;
    let jane = lookups::Author::build()
        .name("Jane")
        .email("jane@example.com")
        .age(30)
        .create(&db)
        .await
        .unwrap();
    let bob = lookups::Author::build()
        .name("Bob")
        .email("bob@example.com")
        .age(40)
        .create(&db)
        .await
        .unwrap();
    for (a, title) in [(&jane, "J1"), (&jane, "J2"), (&bob, "B1")] {
        let p = lookups::Post::build()
            .title(title)
            .content("...")
            .author(a)
            .views(0)
            .rating(0.0)
            .create(&db)
            .await
            .unwrap();
        for i in 0..2 {
            lookups::Comment::build()
                .body(format!("comment {i}"))
                .score(i)
                .post(&p)
                .create(&db)
                .await
                .unwrap();
        }
    }
    assert_eq!(table_rows(&db, "comments").await, 6);
    jane.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 1);
    assert_eq!(table_rows(&db, "comments").await, 2);
    assert_eq!(
        lookups::Comment::objects()
            .filter(q!(post__author = &bob))
            .count(&db)
            .await
            .unwrap(),
        2
    );
}

/// Seed "SET_NULL": deleting the category keeps the posts, with category NULL.
async fn on_delete_set_null(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let user = blog::User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let news = blog::Category::build()
        .name("News")
        .slug("news")
        .create(&db)
        .await
        .unwrap();
    let sport = blog::Category::build()
        .name("Sport")
        .slug("sport")
        .create(&db)
        .await
        .unwrap();
    let mut in_news = blog::Post::build()
        .title("In news")
        .content("...")
        .author(&user)
        .category(&news)
        .create(&db)
        .await
        .unwrap();
    let in_sport = blog::Post::build()
        .title("In sport")
        .content("...")
        .author(&user)
        .category(&sport)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(in_news.category.id(), Some(&news.id));

    news.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 2, "posts remain");
    // The in-memory instance is stale until refreshed; then its category is None.
    in_news.refresh(&db).await.unwrap();
    assert!(in_news.category.is_none(), "post.category becomes None");
    assert_eq!(in_news.category.id(), None);
    assert!(in_news.category.get(&db).await.unwrap().is_none());
    // The other post keeps its category.
    let in_sport = blog::Post::objects()
        .get(&db, q!(id = in_sport.id))
        .await
        .unwrap();
    assert_eq!(in_sport.category.id(), Some(&sport.id));
    assert_eq!(
        blog::Post::objects()
            .filter(q!(category__isnull = true))
            .count(&db)
            .await
            .unwrap(),
        1
    );

    // A chain: deleting a parent category cascades to its child category, whose posts are
    // then set to NULL.
    let tech = blog::Category::build()
        .name("Technology")
        .slug("tech")
        .create(&db)
        .await
        .unwrap();
    let python = blog::Category::build()
        .name("Python")
        .slug("python")
        .parent(&tech)
        .create(&db)
        .await
        .unwrap();
    let py_post = blog::Post::build()
        .title("Python post")
        .content("...")
        .author(&user)
        .category(&python)
        .create(&db)
        .await
        .unwrap();
    let n = blog::Category::objects()
        .filter(q!(slug = "tech"))
        .delete(&db)
        .await
        .unwrap();
    assert_eq!(n.of("Category"), 2, "tech and, cascaded, python");
    assert!(
        blog::Category::objects()
            .filter(q!(slug = "python"))
            .first(&db)
            .await
            .unwrap()
            .is_none(),
        "the child category cascaded"
    );
    let py_post = blog::Post::objects()
        .get(&db, q!(id = py_post.id))
        .await
        .unwrap();
    assert!(py_post.category.is_none());
    assert_eq!(table_rows(&db, "posts").await, 3);
}

/// Seed "RESTRICT / PROTECT": deleting a referenced row raises ForeignKeyConstraintError,
/// from an instance delete and from a bulk delete, and nothing is deleted.
async fn on_delete_restrict_protect(t: TestDb) {
    let db = t.db(guard::registry()).await;
    let tables = ["regions", "customers", "orders", "writers", "articles"];
    let region = guard::Region::build()
        .name("North")
        .create(&db)
        .await
        .unwrap();
    let acme = guard::Customer::build()
        .name("Acme")
        .region(&region)
        .create(&db)
        .await
        .unwrap();
    let idle = guard::Customer::build()
        .name("Idle")
        .region(&region)
        .create(&db)
        .await
        .unwrap();
    let order = guard::Order::build()
        .number("A-1")
        .customer(&acme)
        .create(&db)
        .await
        .unwrap();
    let ann = guard::Writer::build()
        .name("Ann")
        .create(&db)
        .await
        .unwrap();
    let idle_writer = guard::Writer::build()
        .name("Quiet")
        .create(&db)
        .await
        .unwrap();
    let article = guard::Article::build()
        .title("Hello")
        .writer(&ann)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &tables).await;
    assert_eq!(
        before.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        [1, 2, 1, 2, 1]
    );

    // PROTECT, instance delete.
    let err = expect_err(acme.delete(&db).await, "PROTECT to refuse");
    assert_refused(&err, "Order", "customer", "Customer");
    assert_mentions(&err.to_string(), &["PROTECT"]);
    assert_eq!(snapshot(&db, &tables).await, before, "nothing was deleted");
    // PROTECT, bulk delete of the protected row, and of all rows (the unprotected one must
    // survive too: the statement is all or nothing).
    let err = expect_err(
        guard::Customer::objects()
            .filter(q!(name = "Acme"))
            .delete(&db)
            .await,
        "PROTECT to refuse a bulk delete",
    );
    assert_refused(&err, "Order", "customer", "Customer");
    let err = expect_err(
        guard::Customer::objects().delete(&db).await,
        "PROTECT to refuse deleting every customer",
    );
    assert_refused(&err, "Order", "customer", "Customer");
    assert_eq!(snapshot(&db, &tables).await, before, "nothing was deleted");

    // RESTRICT, instance delete.
    let err = expect_err(ann.delete(&db).await, "RESTRICT to refuse");
    assert_refused(&err, "Article", "writer", "Writer");
    assert_eq!(snapshot(&db, &tables).await, before, "nothing was deleted");
    // RESTRICT, bulk deletes.
    let err = expect_err(
        guard::Writer::objects()
            .filter(q!(name = "Ann"))
            .delete(&db)
            .await,
        "RESTRICT to refuse a bulk delete",
    );
    assert_refused(&err, "Article", "writer", "Writer");
    let err = expect_err(
        guard::Writer::objects().delete(&db).await,
        "RESTRICT to refuse deleting every writer",
    );
    assert_refused(&err, "Article", "writer", "Writer");
    assert_eq!(snapshot(&db, &tables).await, before, "nothing was deleted");

    // Rows that nothing references can be deleted; once the referencing rows are gone the
    // protected ones can be deleted too.
    assert_eq!(idle.delete(&db).await.unwrap().of("Customer"), 1);
    assert_eq!(idle_writer.delete(&db).await.unwrap().of("Writer"), 1);
    order.delete(&db).await.unwrap();
    assert_eq!(acme.delete(&db).await.unwrap().of("Customer"), 1);
    article.delete(&db).await.unwrap();
    assert_eq!(
        guard::Writer::objects()
            .delete(&db)
            .await
            .unwrap()
            .of("Writer"),
        1,
        "Ann, now unreferenced"
    );
    assert_eq!(table_rows(&db, "customers").await, 0);
    assert_eq!(table_rows(&db, "writers").await, 0);
}

/// PROTECT reached through a cascade: deleting a region would cascade to its customers, one
/// of which has an order; the delete is refused naming Order.customer, and nothing changes.
async fn on_delete_protect_through_cascade(t: TestDb) {
    let db = t.db(guard::registry()).await;
    let tables = ["regions", "customers", "orders"];
    let north = guard::Region::build()
        .name("North")
        .create(&db)
        .await
        .unwrap();
    let south = guard::Region::build()
        .name("South")
        .create(&db)
        .await
        .unwrap();
    let acme = guard::Customer::build()
        .name("Acme")
        .region(&north)
        .create(&db)
        .await
        .unwrap();
    guard::Customer::build()
        .name("Other")
        .region(&north)
        .create(&db)
        .await
        .unwrap();
    guard::Customer::build()
        .name("Southern")
        .region(&south)
        .create(&db)
        .await
        .unwrap();
    guard::Order::build()
        .number("A-1")
        .customer(&acme)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &tables).await;

    let err = expect_err(north.delete(&db).await, "PROTECT through a cascade");
    assert_refused(&err, "Order", "customer", "Region");
    assert_eq!(snapshot(&db, &tables).await, before);
    let err = expect_err(
        guard::Region::objects().delete(&db).await,
        "PROTECT through a cascade, bulk",
    );
    assert_refused(&err, "Order", "customer", "Region");
    assert_eq!(snapshot(&db, &tables).await, before);

    // A region whose customers have no orders cascades normally.
    assert_eq!(south.delete(&db).await.unwrap().of("Region"), 1);
    assert_eq!(table_rows(&db, "customers").await, 2);
}

/// Raw SQL deletes obey CASCADE (the rules live in the database).
async fn raw_sql_delete_obeys_cascade(t: TestDb) {
    let db = t.db(fk_registry()).await;
    let jane = author(&db, "Jane").await;
    let bob = author(&db, "Bob").await;
    post(&db, "One", &jane).await;
    post(&db, "Two", &jane).await;
    post(&db, "Bob's", &bob).await;
    let n = db
        .raw_execute("DELETE FROM authors WHERE id = {}", [jane.id.into()])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(table_rows(&db, "posts").await, 1);
    assert_eq!(bob.posts().count(&db).await.unwrap(), 1);
}

/// Raw SQL deletes obey SET_NULL.
async fn raw_sql_delete_obeys_set_null(t: TestDb) {
    let db = t.db(blog::registry()).await;
    let user = blog::User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let news = blog::Category::build()
        .name("News")
        .slug("news")
        .create(&db)
        .await
        .unwrap();
    let p = blog::Post::build()
        .title("In news")
        .content("...")
        .author(&user)
        .category(&news)
        .create(&db)
        .await
        .unwrap();
    let n = db
        .raw_execute("DELETE FROM categories WHERE id = {}", [news.id.into()])
        .await
        .unwrap();
    assert_eq!(n, 1);
    let p = blog::Post::objects().get(&db, q!(id = p.id)).await.unwrap();
    assert!(p.category.is_none());
    assert_eq!(table_rows(&db, "posts").await, 1);
}

/// Raw SQL deletes obey RESTRICT and PROTECT (both are RESTRICT in the database), and the
/// error still names the relation.
async fn raw_sql_delete_obeys_restrict(t: TestDb) {
    let db = t.db(guard::registry()).await;
    let tables = ["regions", "customers", "orders", "writers", "articles"];
    let region = guard::Region::build()
        .name("North")
        .create(&db)
        .await
        .unwrap();
    let acme = guard::Customer::build()
        .name("Acme")
        .region(&region)
        .create(&db)
        .await
        .unwrap();
    guard::Order::build()
        .number("A-1")
        .customer(&acme)
        .create(&db)
        .await
        .unwrap();
    let ann = guard::Writer::build()
        .name("Ann")
        .create(&db)
        .await
        .unwrap();
    guard::Article::build()
        .title("Hello")
        .writer(&ann)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &tables).await;
    let err = expect_err(
        db.raw_execute("DELETE FROM writers WHERE id = {}", [ann.id.into()])
            .await,
        "RESTRICT to refuse a raw delete",
    );
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Article" && relation == "writer"),
        "{err:?}"
    );
    let err = expect_err(
        db.raw_execute("DELETE FROM customers WHERE id = {}", [acme.id.into()])
            .await,
        "PROTECT (RESTRICT in the database) to refuse a raw delete",
    );
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { model, relation, .. } if model == "Order" && relation == "customer"),
        "{err:?}"
    );
    assert_eq!(snapshot(&db, &tables).await, before);
}

/// Models whose on_delete constants come from each import path of the seed.
mod from_root {
    use aksara::{ForeignKey, Model, CASCADE, PROTECT, RESTRICT, SET_NULL};
    use uuid::Uuid;

    #[derive(Model, Debug, Clone)]
    pub struct Parent {
        pub id: Uuid,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Child {
        pub id: Uuid,
        #[aksara(on_delete = CASCADE, related_name = "a")]
        pub a: ForeignKey<Parent>,
        #[aksara(on_delete = SET_NULL, related_name = "b")]
        pub b: Option<ForeignKey<Parent>>,
        #[aksara(on_delete = RESTRICT, related_name = "c")]
        pub c: ForeignKey<Parent>,
        #[aksara(on_delete = PROTECT, related_name = "d")]
        pub d: ForeignKey<Parent>,
    }
}

mod from_fields {
    use aksara::fields::{ForeignKey, CASCADE, PROTECT, RESTRICT, SET_NULL};
    use aksara::Model;
    use uuid::Uuid;

    #[derive(Model, Debug, Clone)]
    pub struct Parent {
        pub id: Uuid,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Child {
        pub id: Uuid,
        #[aksara(on_delete = CASCADE, related_name = "a")]
        pub a: ForeignKey<Parent>,
        #[aksara(on_delete = SET_NULL, related_name = "b")]
        pub b: Option<ForeignKey<Parent>>,
        #[aksara(on_delete = RESTRICT, related_name = "c")]
        pub c: ForeignKey<Parent>,
        #[aksara(on_delete = PROTECT, related_name = "d")]
        pub d: ForeignKey<Parent>,
    }
}

mod from_enum {
    use aksara::relations::OnDelete;
    use aksara::{ForeignKey, Model};
    use uuid::Uuid;

    #[derive(Model, Debug, Clone)]
    pub struct Parent {
        pub id: Uuid,
    }

    #[derive(Model, Debug, Clone)]
    pub struct Child {
        pub id: Uuid,
        #[aksara(on_delete = OnDelete::Cascade, related_name = "a")]
        pub a: ForeignKey<Parent>,
        #[aksara(on_delete = OnDelete::SetNull, related_name = "b")]
        pub b: Option<ForeignKey<Parent>>,
        #[aksara(on_delete = OnDelete::Restrict, related_name = "c")]
        pub c: ForeignKey<Parent>,
        #[aksara(on_delete = OnDelete::Protect, related_name = "d")]
        pub d: ForeignKey<Parent>,
    }

    /// The value itself is usable in code too.
    pub fn cascade() -> OnDelete {
        OnDelete::Cascade
    }
}

/// Seed "Import on_delete Constants": `aksara::{CASCADE, ...}`, `aksara::fields::{...}` and
/// `aksara::relations::OnDelete` name the same behaviours, in values and in the derive.
async fn import_on_delete_constants(t: TestDb) {
    use aksara::relations::OnDelete;
    assert_eq!(aksara::CASCADE, OnDelete::Cascade);
    assert_eq!(aksara::SET_NULL, OnDelete::SetNull);
    assert_eq!(aksara::RESTRICT, OnDelete::Restrict);
    assert_eq!(aksara::PROTECT, OnDelete::Protect);
    assert_eq!(aksara::fields::CASCADE, aksara::CASCADE);
    assert_eq!(aksara::fields::SET_NULL, aksara::SET_NULL);
    assert_eq!(aksara::fields::RESTRICT, aksara::RESTRICT);
    assert_eq!(aksara::fields::PROTECT, aksara::PROTECT);
    assert_eq!(from_enum::cascade(), aksara::CASCADE);
    assert_eq!(
        OnDelete::default(),
        aksara::CASCADE,
        "CASCADE is the default"
    );
    assert_eq!(
        [
            aksara::CASCADE.name(),
            aksara::SET_NULL.name(),
            aksara::RESTRICT.name(),
            aksara::PROTECT.name()
        ],
        ["CASCADE", "SET_NULL", "RESTRICT", "PROTECT"]
    );

    let expected = [
        ("a", OnDelete::Cascade),
        ("b", OnDelete::SetNull),
        ("c", OnDelete::Restrict),
        ("d", OnDelete::Protect),
    ];
    for meta in [
        from_root::Child::meta(),
        from_fields::Child::meta(),
        from_enum::Child::meta(),
    ] {
        for (field, on_delete) in expected {
            let f = meta.field(field).unwrap();
            assert_eq!(
                f.relation.as_ref().unwrap().on_delete,
                on_delete,
                "{}.{field}",
                meta.name
            );
        }
    }

    // The constants behave the same whichever path they came from: build the fields-import
    // models and delete a parent referenced through each relation.
    let registry = Registry::builder()
        .model::<from_fields::Child>()
        .build()
        .unwrap();
    let db = t.db(registry).await;
    let p = from_fields::Parent::build().create(&db).await.unwrap();
    let q = from_fields::Parent::build().create(&db).await.unwrap();
    let child = from_fields::Child::build()
        .a(&q)
        .b(&p)
        .c(&q)
        .d(&q)
        .create(&db)
        .await
        .unwrap();
    // p is referenced only through b (SET_NULL): deleting it sets b to NULL.
    p.delete(&db).await.unwrap();
    let child = from_fields::Child::objects()
        .get(&db, q!(id = child.id))
        .await
        .unwrap();
    assert!(child.b.is_none());
    // q is referenced through a (CASCADE), c (RESTRICT), d (PROTECT): refused, naming d.
    let err = expect_err(q.delete(&db).await, "PROTECT on d to refuse");
    assert!(
        matches!(&err, Error::ForeignKeyConstraint { relation, .. } if relation == "d"),
        "{err:?}"
    );
    assert_eq!(table_rows(&db, &from_fields::Child::meta().table).await, 1);
    assert_eq!(table_rows(&db, &from_fields::Parent::meta().table).await, 1);
}

backend_tests!(
    on_delete_cascade,
    on_delete_cascade_chain,
    on_delete_set_null,
    on_delete_restrict_protect,
    on_delete_protect_through_cascade,
    raw_sql_delete_obeys_cascade,
    raw_sql_delete_obeys_set_null,
    raw_sql_delete_obeys_restrict,
    import_on_delete_constants,
);
