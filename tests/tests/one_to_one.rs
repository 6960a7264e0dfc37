//! The OneToOne section of the seed: definition, forward and reverse access, the reverse being
//! a single object, and uniqueness.

mod common;

use aksara::{q, Error, Model, OnDelete, RelationKind};
use aksara_tests::models::o2o::{registry, User, UserProfile};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, snapshot, table_rows};

async fn user(db: &aksara::Db, email: &str) -> User {
    User::build().email(email).create(db).await.unwrap()
}

async fn profile(db: &aksara::Db, user: &User, bio: &str) -> UserProfile {
    UserProfile::build()
        .user(user)
        .bio(bio)
        .avatar_url("https://example.com/a.png")
        .create(db)
        .await
        .unwrap()
}

/// Seed "OneToOne / Definition": UserProfile.user = OneToOne(User, on_delete=CASCADE,
/// related_name="profile"), bio Text nullable, avatar_url URL nullable.
async fn one_to_one_definition(t: TestDb) {
    let meta = UserProfile::meta();
    assert_eq!(meta.table, "user_profiles");
    let field = meta.field("user").unwrap();
    assert_eq!(field.column, "user_id");
    assert!(!field.nullable);
    let rel = field.relation.as_ref().unwrap();
    assert_eq!(rel.kind, RelationKind::OneToOne);
    assert_eq!(rel.target.model_name("UserProfile"), "User");
    assert_eq!(rel.on_delete, OnDelete::Cascade);
    assert_eq!(rel.related_name.as_deref(), Some("profile"));
    let bio = meta.field("bio").unwrap();
    assert!(bio.nullable);
    assert_eq!(bio.kind, aksara::FieldKind::Text);
    let avatar = meta.field("avatar_url").unwrap();
    assert!(avatar.nullable);
    assert!(matches!(avatar.kind, aksara::FieldKind::Url { .. }));

    let registry = registry();
    let user_info = registry.model("User").expect("User came along");
    let reverse = user_info
        .edge("profile")
        .expect("reverse edge User.profile");
    assert!(!reverse.forward);
    assert!(!reverse.is_many(), "a one-to-one reverse is to-one");
    assert_eq!(reverse.kind, RelationKind::OneToOne);
    let forward = registry.model("UserProfile").unwrap().edge("user").unwrap();
    assert!(forward.forward && !forward.is_many());

    // In the database: nullable fields may be left out; on_delete=CASCADE.
    let db = t.db(registry).await;
    let jane = user(&db, "jane@example.com").await;
    let bare = UserProfile::build().user(&jane).create(&db).await.unwrap();
    assert_eq!(bare.bio, None);
    assert_eq!(bare.avatar_url, None);
    jane.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "user_profiles").await, 0, "CASCADE");
}

/// Seed "OneToOne / Forward Access": `await profile.user`.
async fn one_to_one_forward_access(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "jane@example.com").await;
    let created = profile(&db, &jane, "Tech writer").await;

    let profile = UserProfile::objects()
        .get(&db, q!(id = created.id))
        .await
        .unwrap();
    let before = db.query_count();
    assert_eq!(*profile.user.id(), jane.id);
    assert_eq!(db.query_count(), before, "the raw key needs no query");
    let user = profile.user.get(&db).await.unwrap();
    assert_eq!(user.email, "jane@example.com");
    assert_eq!(db.query_count(), before + 1, "one query");
    profile.user.get(&db).await.unwrap();
    assert_eq!(db.query_count(), before + 1, "then cached");

    // Filtering through the forward one-to-one.
    let found = UserProfile::objects()
        .filter(q!(user__email = "jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, created.id);
    let typed = UserProfile::objects()
        .filter(UserProfile::fields().user().email().eq("jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(typed.len(), 1);
}

/// Seed "OneToOne / Reverse Access": `await user.profile()` returns the profile; with no
/// profile it raises DoesNotExist.
async fn one_to_one_reverse_access(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "jane@example.com").await;
    let bob = user(&db, "bob@example.com").await;
    let jane_profile = profile(&db, &jane, "Tech writer").await;
    profile(&db, &bob, "Bob's bio").await;
    let nobody = user(&db, "nobody@example.com").await;

    let fetched = User::objects().get(&db, q!(id = jane.id)).await.unwrap();
    let before = db.query_count();
    let p = fetched.profile(&db).await.unwrap();
    assert_eq!(db.query_count(), before + 1, "one query");
    assert_eq!(p.id, jane_profile.id);
    assert_eq!(p.bio.as_deref(), Some("Tech writer"));
    assert_eq!(*p.user.id(), jane.id);

    let err = expect_err(
        nobody.profile(&db).await,
        "DoesNotExist for a user without profile",
    );
    assert!(err.is_does_not_exist(), "{err:?}");
    match &err {
        Error::DoesNotExist { model, .. } => assert_eq!(model, "UserProfile"),
        other => panic!("{other:?}"),
    }
    assert_mentions(&err.to_string(), &["UserProfile"]);

    // The reverse name in filters, and a missing profile as isnull.
    let writers = User::objects()
        .filter(q!(profile__bio__icontains = "writer"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(writers.iter().map(|u| u.id).collect::<Vec<_>>(), [jane.id]);
    let typed = User::objects()
        .filter(User::fields().profile().bio().icontains("writer"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(typed.iter().map(|u| u.id).collect::<Vec<_>>(), [jane.id]);
    let without = User::objects()
        .filter(q!(profile__isnull = true))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        without.iter().map(|u| u.id).collect::<Vec<_>>(),
        [nobody.id]
    );
    let with = User::objects()
        .filter(q!(profile__isnull = false))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(with, 2);
    // Ordering through the reverse one-to-one (a to-one join) repeats no user.
    let ordered = User::objects()
        .filter(q!(profile__isnull = false))
        .order_by(["-profile__bio"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        ordered.iter().map(|u| u.id).collect::<Vec<_>>(),
        [jane.id, bob.id]
    );

    // Deleting the profile makes the reverse access raise again; the user stays.
    jane_profile.delete(&db).await.unwrap();
    assert!(fetched.profile(&db).await.unwrap_err().is_does_not_exist());
    assert_eq!(table_rows(&db, "users").await, 3);
}

/// Seed "OneToOne Reverse is a Single Object": unlike a ForeignKey's reverse manager,
/// `user.profile()` is one object (or DoesNotExist), never a list.
async fn one_to_one_reverse_is_a_single_object(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "jane@example.com").await;
    let made = profile(&db, &jane, "Tech writer").await;
    // The type says it: one (shared) UserProfile, not a QuerySet or a Vec.
    let p: std::sync::Arc<UserProfile> = jane.profile(&db).await.unwrap();
    assert_eq!(p.id, made.id);
    // One query reading one row.
    db.record_sql();
    let before = db.query_count();
    jane.profile(&db).await.unwrap();
    assert_eq!(db.query_count(), before + 1);
    let sql = db.recorded_sql();
    assert_eq!(sql.len(), 1, "{sql:?}");
    // Joining through it never multiplies rows.
    assert_eq!(
        User::objects()
            .filter(q!(profile__bio__isnull = false))
            .count(&db)
            .await
            .unwrap(),
        1
    );
}

/// OneToOne enforces uniqueness: a second profile for the same user is an Integrity error
/// naming UserProfile.user and the value, and the database is unchanged.
async fn one_to_one_duplicate_is_integrity_error(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = user(&db, "jane@example.com").await;
    let bob = user(&db, "bob@example.com").await;
    let first = profile(&db, &jane, "Tech writer").await;
    let mut bobs = profile(&db, &bob, "Bob's bio").await;
    let tables = ["users", "user_profiles"];
    let before = snapshot(&db, &tables).await;

    let err = expect_err(
        UserProfile::build()
            .user(&jane)
            .bio("Second")
            .create(&db)
            .await,
        "an Integrity error for a second profile",
    );
    match &err {
        Error::Integrity {
            model,
            field,
            message,
        } => {
            assert_eq!(model, "UserProfile");
            assert_eq!(field, "user");
            assert_mentions(message, &[&jane.id.to_string()]);
        }
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert_mentions(
        &err.to_string(),
        &["UserProfile", "user", &jane.id.to_string()],
    );
    assert_eq!(snapshot(&db, &tables).await, before);
    let still = jane.profile(&db).await.unwrap();
    assert_eq!(still.id, first.id);
    assert_eq!(still.bio.as_deref(), Some("Tech writer"));

    // Re-pointing an existing profile at a user who has one is refused the same way.
    bobs.user.set_id(jane.id);
    let err = expect_err(bobs.save(&db).await, "an Integrity error on save");
    assert!(
        matches!(&err, Error::Integrity { model, field, .. } if model == "UserProfile" && field == "user"),
        "{err:?}"
    );
    assert_eq!(bob.profile(&db).await.unwrap().id, bobs.id, "unchanged");
    assert_eq!(snapshot(&db, &tables).await, before);
}

backend_tests!(
    one_to_one_definition,
    one_to_one_forward_access,
    one_to_one_reverse_access,
    one_to_one_reverse_is_a_single_object,
    one_to_one_duplicate_is_integrity_error,
);
