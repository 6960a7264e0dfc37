//! The String References and Self-Referential Relations sections of the seed.

mod common;

use aksara::{q, Error, Model, OnDelete, OptionalRelation, Registry, Target};
use aksara_tests::models::{blog, circular, named};
use aksara_tests::{backend_tests, TestDb};
use common::{assert_mentions, expect_err, table_rows};

/// Seed "String References": Author.favorite_post refers to Post, defined later, and
/// Post.author refers back to Author (circular). Here with Rust type targets.
async fn string_references(t: TestDb) {
    let favorite = circular::Author::meta().field("favorite_post").unwrap();
    assert!(favorite.nullable);
    let rel = favorite.relation.as_ref().unwrap();
    assert_eq!(rel.on_delete, OnDelete::SetNull);
    assert_eq!(rel.target.model_name("Author"), "Post");

    // Registering Author alone brings Post along, and Post's reference back closes the cycle.
    let registry = circular::registry();
    assert!(registry.model("Post").is_ok());
    let db = t.db(registry).await;
    let mut jane = circular::Author::build()
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    assert!(jane.favorite_post.is_none());
    let hello = circular::Post::build()
        .title("Hello")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    let other = circular::Post::build()
        .title("Other")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    jane.favorite_post = Some(aksara::ForeignKey::new(hello.id));
    jane.save(&db).await.unwrap();

    // Forward both ways.
    let jane = circular::Author::objects()
        .get(&db, q!(id = jane.id))
        .await
        .unwrap();
    assert_eq!(jane.favorite_post.id(), Some(&hello.id));
    let fav = jane.favorite_post.get(&db).await.unwrap().unwrap();
    assert_eq!(fav.title, "Hello");
    assert_eq!(fav.author.get(&db).await.unwrap().name, "Jane");
    // Reverse both ways.
    let fans = hello.favorited_by().all(&db).await.unwrap();
    assert_eq!(fans.iter().map(|a| a.id).collect::<Vec<_>>(), [jane.id]);
    assert_eq!(other.favorited_by().count(&db).await.unwrap(), 0);
    assert_eq!(jane.post_set().count(&db).await.unwrap(), 2);
    // Paths around the cycle.
    let found = circular::Author::objects()
        .filter(q!(favorite_post__author__name = "Jane"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let posts = circular::Post::objects()
        .filter(q!(author__favorite_post__title = "Hello"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(posts, 2);

    // on_delete across the cycle: deleting the favourite post sets favorite_post NULL...
    hello.delete(&db).await.unwrap();
    let jane = circular::Author::objects()
        .get(&db, q!(id = jane.id))
        .await
        .unwrap();
    assert!(jane.favorite_post.is_none());
    // ...and deleting the author cascades to her posts.
    jane.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 0);
}

/// Seed "String References" with string targets (`to = "Post"`, `to = "Author"`).
async fn string_references_by_name(t: TestDb) {
    let rel = named::Author::meta()
        .field("favorite_post")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert!(matches!(&rel.target, Target::Name(n) if n == "Post"));
    let rel = named::Post::meta()
        .field("author")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert!(matches!(&rel.target, Target::Name(n) if n == "Author"));

    // A string target must be registered: alone, Author's target is unknown.
    let err = expect_err(
        Registry::builder().model::<named::Author>().build(),
        "a Config error for the unregistered string target",
    );
    match &err {
        Error::Config(problems) => {
            assert_mentions(&problems.join("\n"), &["Author.favorite_post", "Post"])
        }
        other => panic!("expected Config, got {other:?}"),
    }

    let db = t.db(named::registry()).await;
    let mut jane = named::Author::build()
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let bob = named::Author::build()
        .name("Bob")
        .create(&db)
        .await
        .unwrap();
    let hello = named::Post::build()
        .title("Hello")
        .author(&jane)
        .create(&db)
        .await
        .unwrap();
    named::Post::build()
        .title("Bob's")
        .author(&bob)
        .create(&db)
        .await
        .unwrap();
    jane.favorite_post = Some(aksara::ForeignKey::new(hello.id));
    jane.save(&db).await.unwrap();

    assert_eq!(hello.author.get(&db).await.unwrap().name, "Jane");
    let jane = named::Author::objects()
        .get(&db, q!(name = "Jane"))
        .await
        .unwrap();
    assert_eq!(
        jane.favorite_post.get(&db).await.unwrap().unwrap().title,
        "Hello"
    );
    // Reverse sides exist in queries (the derive makes no accessor for string targets).
    let by_jane = named::Post::objects()
        .filter(q!(author = &jane))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(by_jane.iter().map(|p| p.id).collect::<Vec<_>>(), [hello.id]);
    let authors = named::Author::objects()
        .filter(q!(post__title = "Bob's"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(authors.iter().map(|a| a.id).collect::<Vec<_>>(), [bob.id]);
    let favorited = named::Post::objects()
        .filter(q!(favorited_by__name = "Jane"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        favorited.iter().map(|p| p.id).collect::<Vec<_>>(),
        [hello.id]
    );
    // on_delete as declared: SET_NULL on the favourite, CASCADE on the author.
    hello.delete(&db).await.unwrap();
    let jane = named::Author::objects()
        .get(&db, q!(name = "Jane"))
        .await
        .unwrap();
    assert!(jane.favorite_post.is_none());
    bob.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "posts").await, 0);
}

/// The seed's String References example exactly as written has no related_name on
/// Author.favorite_post, so its default reverse name on Post is `author`, which is Post's own
/// field: the registry must say so (naming both) rather than build an ambiguous model.
async fn string_references_seed_literal_clash(_t: TestDb) {
    let mut author = named::Author::meta().clone();
    author
        .fields
        .iter_mut()
        .find(|f| f.name == "favorite_post")
        .unwrap()
        .relation
        .as_mut()
        .unwrap()
        .related_name = None;
    let err = expect_err(
        Registry::builder()
            .meta(&author)
            .meta(named::Post::meta())
            .build(),
        "a Config error for the reverse name clash",
    );
    match &err {
        Error::Config(problems) => {
            let text = problems.join("\n");
            assert_mentions(&text, &["Author.favorite_post", "Post.author", "`author`"]);
        }
        other => panic!("expected Config, got {other:?}"),
    }
}

/// Seed "Self-Referential Relations": Category.parent = ForeignKey("self", CASCADE,
/// nullable, related_name="children").
async fn self_referential_relations(t: TestDb) {
    let parent_field = blog::Category::meta().field("parent").unwrap();
    assert!(parent_field.nullable);
    let rel = parent_field.relation.as_ref().unwrap();
    assert_eq!(rel.target.model_name("Category"), "Category");
    assert_eq!(rel.on_delete, OnDelete::Cascade);
    assert_eq!(rel.related_name.as_deref(), Some("children"));

    let db = t.db(blog::registry()).await;
    let parent = blog::Category::build()
        .name("Electronics")
        .slug("electronics")
        .create(&db)
        .await
        .unwrap();
    let child = blog::Category::build()
        .name("Phones")
        .slug("phones")
        .parent(&parent)
        .create(&db)
        .await
        .unwrap();
    let laptops = blog::Category::build()
        .name("Laptops")
        .slug("laptops")
        .parent(&parent)
        .create(&db)
        .await
        .unwrap();
    let grandchild = blog::Category::build()
        .name("Smartphones")
        .slug("smartphones")
        .parent(&child)
        .create(&db)
        .await
        .unwrap();

    // Access children.
    let mut phones: Vec<String> = parent
        .children()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    phones.sort();
    assert_eq!(phones, ["Laptops", "Phones"]);
    assert_eq!(parent.children().count(&db).await.unwrap(), 2);
    assert_eq!(child.children().count(&db).await.unwrap(), 1);
    assert_eq!(laptops.children().count(&db).await.unwrap(), 0);

    // Access parent.
    let before = db.query_count();
    let electronics = child.parent.get(&db).await.unwrap().unwrap();
    assert_eq!(electronics.name, "Electronics");
    assert_eq!(db.query_count(), before + 1);
    assert!(parent.parent.get(&db).await.unwrap().is_none());
    assert_eq!(db.query_count(), before + 1, "a NULL parent needs no query");
    let up_two = grandchild
        .parent
        .get(&db)
        .await
        .unwrap()
        .unwrap()
        .parent
        .get(&db)
        .await
        .unwrap()
        .unwrap()
        .name
        .clone();
    assert_eq!(up_two, "Electronics");

    // Queries along the tree, both directions.
    let roots = blog::Category::objects()
        .filter(q!(parent__isnull = true))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(roots.iter().map(|c| c.id).collect::<Vec<_>>(), [parent.id]);
    let grandchildren = blog::Category::objects()
        .filter(q!(parent__parent__name = "Electronics"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        grandchildren.iter().map(|c| c.id).collect::<Vec<_>>(),
        [grandchild.id]
    );
    let typed = blog::Category::objects()
        .filter(
            blog::Category::fields()
                .parent()
                .parent()
                .name()
                .eq("Electronics"),
        )
        .all(&db)
        .await
        .unwrap();
    assert_eq!(typed.len(), 1);
    let has_smart = blog::Category::objects()
        .filter(q!(children__name = "Smartphones"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        has_smart.iter().map(|c| c.id).collect::<Vec<_>>(),
        [child.id]
    );
    let ordered = blog::Category::objects()
        .filter(q!(parent = &parent))
        .order_by(["-name"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        ordered.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Phones", "Laptops"]
    );

    // CASCADE down the tree.
    child.delete(&db).await.unwrap();
    assert_eq!(
        table_rows(&db, "categories").await,
        2,
        "Phones and Smartphones"
    );
    parent.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "categories").await, 0);
}

/// Seed "Self-Referential Relations" with the `"self"` string target.
async fn self_referential_by_name(t: TestDb) {
    let rel = named::Category::meta()
        .field("parent")
        .unwrap()
        .relation
        .as_ref()
        .unwrap();
    assert!(matches!(&rel.target, Target::Name(n) if n == "self"));
    let registry = named::registry();
    let info = registry.model("Category").unwrap();
    assert_eq!(info.edge("parent").unwrap().target, info.index);
    assert_eq!(info.edge("children").unwrap().target, info.index);

    let db = t.db(registry).await;
    let root = named::Category::build()
        .name("Electronics")
        .create(&db)
        .await
        .unwrap();
    let child = named::Category::build()
        .name("Phones")
        .parent(&root)
        .create(&db)
        .await
        .unwrap();
    assert_eq!(child.parent.get(&db).await.unwrap().unwrap().id, root.id);
    let children = named::Category::objects()
        .filter(q!(parent = &root))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        children.iter().map(|c| c.id).collect::<Vec<_>>(),
        [child.id]
    );
    let parents = named::Category::objects()
        .filter(q!(children__name = "Phones"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(parents.iter().map(|c| c.id).collect::<Vec<_>>(), [root.id]);
    root.delete(&db).await.unwrap();
    assert_eq!(table_rows(&db, "categories").await, 0);
}

backend_tests!(
    string_references,
    string_references_by_name,
    string_references_seed_literal_clash,
    self_referential_relations,
    self_referential_by_name,
);
