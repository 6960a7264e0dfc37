//! Bad input: each mistake is a typed error whose message names the model, the field and the
//! value, and the database is left unchanged.

mod common;

use aksara::{q, value_list, Condition, Error, Model};
use aksara_tests::models::lookups::{registry, Author, Comment, Country, Post};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, snapshot};
use uuid::Uuid;

const TABLES: [&str; 4] = ["countries", "authors", "posts", "comments"];

struct Data {
    jane: Author,
    post: Post,
}

async fn seed(db: &aksara::Db) -> Data {
    let id = Country::build()
        .name("Indonesia")
        .code("ID")
        .create(db)
        .await
        .unwrap();
    let jane = Author::build()
        .name("Jane")
        .email("jane@example.com")
        .age(34)
        .website("https://jane.example.com")
        .country(&id)
        .create(db)
        .await
        .unwrap();
    let post = Post::build()
        .title("Hello")
        .content("...")
        .author(&jane)
        .views(1)
        .rating(1.0)
        .create(db)
        .await
        .unwrap();
    Post::build()
        .title("Hello again")
        .content("...")
        .author(&jane)
        .views(2)
        .rating(2.0)
        .create(db)
        .await
        .unwrap();
    Comment::build()
        .body("Nice")
        .score(1)
        .post(&post)
        .create(db)
        .await
        .unwrap();
    Data { jane, post }
}

fn unknown(err: &Error) -> (&str, &str, &[String]) {
    match err {
        Error::UnknownField {
            model,
            name,
            candidates,
        } => (model, name, candidates),
        other => panic!("expected UnknownField, got {other:?}"),
    }
}

fn validation(err: &Error) -> (&str, &str, &str) {
    match err {
        Error::Validation {
            model,
            field,
            message,
        } => (model, field, message),
        other => panic!("expected Validation, got {other:?}"),
    }
}

/// An unknown name in a string path is Error::UnknownField naming the model and the name,
/// with the closest names suggested; no SQL runs and nothing changes.
async fn unknown_field_in_lookup(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let queries = db.query_count();

    // A misspelt field.
    let err = expect_err(
        Post::objects().filter(q!(titel = "Hello")).all(&db).await,
        "UnknownField for `titel`",
    );
    let (model, name, candidates) = unknown(&err);
    assert_eq!((model, name), ("Post", "titel"));
    assert_eq!(
        candidates.first().map(String::as_str),
        Some("title"),
        "{candidates:?}"
    );
    assert_mentions(&err.to_string(), &["Post", "titel", "title"]);

    // A misspelt lookup.
    let err = expect_err(
        Post::objects()
            .filter(q!(title__icontans = "hello"))
            .all(&db)
            .await,
        "UnknownField for the lookup `icontans`",
    );
    let (model, name, candidates) = unknown(&err);
    assert_eq!(model, "Post");
    assert_mentions(name, &["icontans"]);
    assert!(
        candidates.iter().any(|c| c.ends_with("icontains")),
        "{candidates:?}"
    );

    // A misspelt field at the end of a relation path names the related model.
    let err = expect_err(
        Comment::objects()
            .filter(q!(post__author__emial = "jane@example.com"))
            .all(&db)
            .await,
        "UnknownField for `emial` on Author",
    );
    let (model, name, candidates) = unknown(&err);
    assert_eq!((model, name), ("Author", "emial"));
    assert!(candidates.iter().any(|c| c == "email"), "{candidates:?}");

    // The same for count, exists, update, delete, order_by and the builder's set by name.
    let err = expect_err(
        Post::objects().filter(q!(titel = "x")).count(&db).await,
        "UnknownField from count",
    );
    assert_eq!(unknown(&err).1, "titel");
    let err = expect_err(
        Post::objects().filter(q!(titel = "x")).exists(&db).await,
        "UnknownField from exists",
    );
    assert_eq!(unknown(&err).1, "titel");
    let err = expect_err(
        Post::objects().filter(q!(titel = "x")).delete(&db).await,
        "UnknownField from delete",
    );
    assert_eq!(unknown(&err).1, "titel");
    let err = expect_err(
        Post::objects().update(&db, [("titel", "x")]).await,
        "UnknownField from update",
    );
    assert_eq!(unknown(&err).1, "titel");
    let err = expect_err(
        Post::objects().order_by(["-titel"]).all(&db).await,
        "UnknownField from order_by",
    );
    assert_eq!(unknown(&err).1, "titel");
    let err = expect_err(
        Post::build().set("titel", "x").map(|_| ()),
        "UnknownField from the builder",
    );
    let (model, name, candidates) = unknown(&err);
    assert_eq!((model, name), ("Post", "titel"));
    assert!(candidates.iter().any(|c| c == "title"), "{candidates:?}");

    assert_eq!(db.query_count(), queries, "no SQL ran");
    assert_eq!(snapshot(&db, &TABLES).await, before);
}

/// An over-long string is Error::Validation before any SQL runs, on create, save and update.
async fn over_long_string_is_refused(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let queries = db.query_count();
    let long_name = "x".repeat(101);

    let err = expect_err(
        Author::build()
            .name(long_name.clone())
            .email("long@example.com")
            .age(1)
            .create(&db)
            .await,
        "Validation for a 101-character name",
    );
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Author", "name"));
    assert_mentions(message, &["101", "100", "xxxxxxxx"]);
    assert_mentions(&err.to_string(), &["Author", "name", "101"]);

    let mut post = data.post.clone();
    post.title = "t".repeat(201);
    let err = expect_err(post.save(&db).await, "Validation on save");
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Post", "title"));
    assert_mentions(message, &["201", "200"]);

    let err = expect_err(
        Post::objects()
            .filter(q!(title = "Hello"))
            .update(&db, [("title", "t".repeat(201))])
            .await,
        "Validation on bulk update",
    );
    assert_eq!(validation(&err).1, "title");

    let err = expect_err(
        Country::build()
            .name("Nowhere")
            .code("XYZ")
            .create(&db)
            .await,
        "Validation for a 3-letter code",
    );
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Country", "code"));
    assert_mentions(message, &["XYZ"]);

    assert_eq!(db.query_count(), queries, "no SQL ran for refused values");
    assert_eq!(snapshot(&db, &TABLES).await, before);
    let fresh = Post::objects()
        .get(&db, q!(id = data.post.id))
        .await
        .unwrap();
    assert_eq!(fresh.title, "Hello");

    // The limit itself is accepted: the check is not off by one.
    Author::build()
        .name("y".repeat(100))
        .email("exact@example.com")
        .age(1)
        .create(&db)
        .await
        .expect("100 characters fit max_length 100");
    // Characters, not bytes.
    Author::build()
        .name("é".repeat(100))
        .email("accents@example.com")
        .age(1)
        .create(&db)
        .await
        .expect("100 two-byte characters fit max_length 100");
}

/// Invalid email and URL values are Error::Validation naming the value; nothing is written.
async fn invalid_email_and_url_are_refused(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let queries = db.query_count();

    for bad in [
        "jane-at-example.com",
        "jane@localhost",
        "ja ne@example.com",
        "",
    ] {
        let err = expect_err(
            Author::build()
                .name("Jane 2")
                .email(bad)
                .age(1)
                .create(&db)
                .await,
            "Validation for a bad email",
        );
        let (model, field, message) = validation(&err);
        assert_eq!((model, field), ("Author", "email"), "{bad:?}");
        assert_mentions(message, &[&format!("{bad:?}")]);
    }
    for bad in ["example.com", "javascript:alert(1)", "https://exa mple.com"] {
        let err = expect_err(
            Author::build()
                .name("Jane 2")
                .email("jane2@example.com")
                .age(1)
                .website(bad)
                .create(&db)
                .await,
            "Validation for a bad URL",
        );
        let (model, field, message) = validation(&err);
        assert_eq!((model, field), ("Author", "website"), "{bad:?}");
        assert_mentions(message, &[&format!("{bad:?}")]);
    }
    // On save and bulk update too.
    let mut jane = data.jane.clone();
    jane.email = "not-an-email".into();
    let err = expect_err(jane.save(&db).await, "Validation on save");
    assert_eq!(validation(&err).1, "email");
    let err = expect_err(
        Author::objects()
            .update(&db, [("website", "ftp//broken")])
            .await,
        "Validation on bulk update",
    );
    assert_eq!(validation(&err).1, "website");

    assert_eq!(db.query_count(), queries, "no SQL ran for refused values");
    assert_eq!(snapshot(&db, &TABLES).await, before);
    let fresh = Author::objects()
        .get(&db, q!(id = data.jane.id))
        .await
        .unwrap();
    assert_eq!(fresh.email, "jane@example.com");
}

/// A foreign key to a row that does not exist is Error::ForeignKeyConstraint naming the
/// relation and the key; nothing is written.
async fn foreign_key_to_missing_row(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let missing = Uuid::now_v7();

    let check = |err: &Error| match err {
        Error::ForeignKeyConstraint {
            model,
            relation,
            message,
        } => {
            assert_eq!((model.as_str(), relation.as_str()), ("Post", "author"));
            assert_mentions(message, &["Author", &missing.to_string()]);
            assert_mentions(&err.to_string(), &["Post", "author", &missing.to_string()]);
        }
        other => panic!("expected ForeignKeyConstraint, got {other:?}"),
    };
    let err = expect_err(
        Post::build()
            .title("Orphan")
            .content("...")
            .author_id(missing)
            .views(0)
            .rating(0.0)
            .create(&db)
            .await,
        "ForeignKeyConstraint on create",
    );
    check(&err);

    let mut post = data.post.clone();
    post.author.set_id(missing);
    let err = expect_err(post.save(&db).await, "ForeignKeyConstraint on save");
    check(&err);

    let err = expect_err(
        Post::objects()
            .filter(q!(title = "Hello"))
            .update(&db, [("author", missing)])
            .await,
        "ForeignKeyConstraint on bulk update",
    );
    check(&err);

    assert_eq!(snapshot(&db, &TABLES).await, before);
    let fresh = Post::objects()
        .get(&db, q!(id = data.post.id))
        .await
        .unwrap();
    assert_eq!(*fresh.author.id(), data.jane.id);
}

/// A duplicate unique value is Error::Integrity naming model, field and value.
async fn duplicate_unique_value(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let other = Author::build()
        .name("Other")
        .email("other@example.com")
        .age(1)
        .create(&db)
        .await
        .unwrap();
    let before = snapshot(&db, &TABLES).await;

    let err = expect_err(
        Author::build()
            .name("Jane again")
            .email("jane@example.com")
            .age(1)
            .create(&db)
            .await,
        "Integrity for a duplicate email",
    );
    match &err {
        Error::Integrity {
            model,
            field,
            message,
        } => {
            assert_eq!((model.as_str(), field.as_str()), ("Author", "email"));
            assert_mentions(message, &["jane@example.com"]);
        }
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &["Author", "email", "jane@example.com"]);

    let err = expect_err(
        Country::build()
            .name("Indonesia 2")
            .code("ID")
            .create(&db)
            .await,
        "Integrity for a duplicate code",
    );
    assert!(
        matches!(&err, Error::Integrity { model, field, message } if model == "Country" && field == "code" && message.contains("ID")),
        "{err:?}"
    );

    // On save and bulk update too.
    let mut o = other.clone();
    o.email = "jane@example.com".into();
    let err = expect_err(o.save(&db).await, "Integrity on save");
    assert!(
        matches!(&err, Error::Integrity { model, field, .. } if model == "Author" && field == "email"),
        "{err:?}"
    );
    let err = expect_err(
        Author::objects()
            .update(&db, [("email", "same@example.com")])
            .await,
        "Integrity on a bulk update giving two rows the same email",
    );
    assert!(
        matches!(&err, Error::Integrity { model, field, .. } if model == "Author" && field == "email"),
        "{err:?}"
    );

    assert_eq!(snapshot(&db, &TABLES).await, before);
    let emails: Vec<String> = Author::objects()
        .order_by(["email"])
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.email)
        .collect();
    assert_eq!(emails, ["jane@example.com", "other@example.com"]);
}

/// get() with no match is DoesNotExist, with several MultipleObjectsReturned, each naming the
/// model and the lookup.
async fn get_with_zero_or_several_matches(t: TestDb) {
    let db = t.db(registry()).await;
    let data = seed(&db).await;

    let err = expect_err(
        Post::objects().get(&db, q!(title = "Nope")).await,
        "DoesNotExist",
    );
    assert!(err.is_does_not_exist());
    match &err {
        Error::DoesNotExist { model, lookup } => {
            assert_eq!(model, "Post");
            assert_mentions(lookup, &["title", "Nope"]);
        }
        other => panic!("expected DoesNotExist, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &["Post", "title", "Nope"]);

    let err = expect_err(
        Post::objects()
            .get(&db, q!(title__startswith = "Hello"))
            .await,
        "MultipleObjectsReturned",
    );
    match &err {
        Error::MultipleObjectsReturned {
            model,
            count,
            lookup,
        } => {
            assert_eq!(model, "Post");
            assert_eq!(*count, 2);
            assert_mentions(lookup, &["title__startswith", "Hello"]);
        }
        other => panic!("expected MultipleObjectsReturned, got {other:?}"),
    }
    assert_mentions(&err.to_string(), &["Post", "Hello"]);

    // Through a relation and through a reverse manager.
    let err = expect_err(
        data.jane.posts().get(&db, ()).await,
        "MultipleObjectsReturned from the reverse manager",
    );
    assert!(
        matches!(err, Error::MultipleObjectsReturned { .. }),
        "{err:?}"
    );
    let one = data
        .jane
        .posts()
        .get(&db, q!(title = "Hello"))
        .await
        .unwrap();
    assert_eq!(one.id, data.post.id);
    let err = expect_err(
        Comment::objects()
            .get(&db, q!(post__author__email = "nobody@example.com"))
            .await,
        "DoesNotExist through a relation",
    );
    assert!(
        matches!(&err, Error::DoesNotExist { model, .. } if model == "Comment"),
        "{err:?}"
    );
    // get_by_pk on a missing key.
    let err = expect_err(
        Post::objects().get_by_pk(&db, Uuid::now_v7()).await,
        "DoesNotExist by key",
    );
    assert!(err.is_does_not_exist());
}

/// An empty `in` list matches nothing (and its negation everything).
async fn empty_in_list_returns_nothing(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let empty = || value_list(Vec::<String>::new());

    assert!(Post::objects()
        .filter(q!(title__in = empty()))
        .all(&db)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        Post::objects()
            .filter(q!(title__in = empty()))
            .count(&db)
            .await
            .unwrap(),
        0
    );
    assert!(!Post::objects()
        .filter(q!(title__in = empty()))
        .exists(&db)
        .await
        .unwrap());
    assert!(Post::objects()
        .filter(Post::fields().title().is_in(Vec::<String>::new()))
        .all(&db)
        .await
        .unwrap()
        .is_empty());
    assert!(Comment::objects()
        .filter(q!(post__author__email__in = empty()))
        .all(&db)
        .await
        .unwrap()
        .is_empty());
    // OR with an empty list keeps the other side.
    let either = Post::objects()
        .filter(Condition::new("title__in", empty()) | Condition::new("title", "Hello"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(either.len(), 1);
    // The negation matches every row.
    assert_eq!(
        Post::objects()
            .exclude(q!(title__in = empty()))
            .count(&db)
            .await
            .unwrap(),
        2
    );
    // Writes with an empty list touch nothing.
    assert_eq!(
        Post::objects()
            .filter(q!(title__in = empty()))
            .update(&db, [("views", 99i64)])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        Post::objects()
            .filter(q!(title__in = empty()))
            .delete(&db)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(snapshot(&db, &TABLES).await, before);
    assert_eq!(
        Post::objects()
            .filter(q!(views = 99i64))
            .count(&db)
            .await
            .unwrap(),
        0
    );
}

/// Other refused values: a missing required field, a value of the wrong type in a filter.
async fn missing_or_mistyped_values(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await;
    let before = snapshot(&db, &TABLES).await;
    let queries = db.query_count();

    let err = expect_err(
        Post::build()
            .title("No author")
            .content("...")
            .views(0)
            .rating(0.0)
            .create(&db)
            .await,
        "Validation for the missing author",
    );
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Post", "author"));
    assert_mentions(message, &["required"]);
    let err = expect_err(
        Post::objects().filter(q!(views = "lots")).all(&db).await,
        "Validation for text compared with an integer field",
    );
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Post", "views"));
    assert_mentions(message, &["lots"]);
    let err = expect_err(
        Post::objects()
            .filter(q!(author = "not-a-uuid"))
            .all(&db)
            .await,
        "Validation for a malformed key",
    );
    let (model, field, message) = validation(&err);
    assert_eq!((model, field), ("Post", "author"));
    assert_mentions(message, &["not-a-uuid"]);
    let err = expect_err(
        Post::objects()
            .filter(q!(views__icontains = "1"))
            .all(&db)
            .await,
        "Validation for a text lookup on a number",
    );
    assert_eq!(validation(&err).1, "views");

    assert_eq!(db.query_count(), queries, "no SQL ran");
    assert_eq!(snapshot(&db, &TABLES).await, before);
}

backend_tests!(
    unknown_field_in_lookup,
    over_long_string_is_refused,
    invalid_email_and_url_are_refused,
    foreign_key_to_missing_row,
    duplicate_unique_value,
    get_with_zero_or_several_matches,
    empty_in_list_returns_nothing,
    missing_or_mistyped_values,
);
