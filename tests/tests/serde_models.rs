//! Models with relations derive `Serialize` and `Deserialize` (feature `serde`): a foreign
//! key is its key, or the row when loaded; a many-to-many the prefetched rows; the `Related`
//! store is skipped; and JSON read back gives the same rows. On every backend, with rows read
//! through the ORM.

use aksara::{q, ForeignKey, ManyToMany, Model, Registry, Related, CASCADE, SET_NULL};
use aksara_tests::{backend_tests, TestDb};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "sd_authors")]
pub struct Author {
    pub id: i64,
    #[aksara(max_length = 30)]
    pub name: String,
    #[serde(skip)]
    pub related: Related,
}

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "sd_tags")]
pub struct Tag {
    pub id: i64,
    #[aksara(max_length = 30)]
    pub name: String,
}

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "sd_posts")]
pub struct Post {
    pub id: i64,
    #[aksara(max_length = 30)]
    pub title: String,
    #[aksara(on_delete = CASCADE, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[aksara(on_delete = SET_NULL, related_name = "edited")]
    #[serde(serialize_with = "aksara::serde_support::key_or_null")]
    pub editor: Option<ForeignKey<Author>>,
    #[aksara(related_name = "posts")]
    #[serde(default, skip_serializing_if = "aksara::serde_support::not_loaded")]
    pub tags: ManyToMany<Tag>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Author>()
        .model::<Tag>()
        .model::<Post>()
        .build()
        .expect("valid models")
}

async fn relations_serialise_as_keys_or_rows(t: TestDb) {
    let db = t.db(registry()).await;
    let ann = Author::build().name("Ann").create(&db).await.unwrap();
    let rust = Tag::build().name("rust").create(&db).await.unwrap();
    let post = Post::build()
        .title("Hello")
        .author(&ann)
        .editor(&ann)
        .create(&db)
        .await
        .unwrap();
    post.tags().add(&db, [&rust]).await.unwrap();
    // Read plainly: keys only, and no tags (not prefetched).
    let plain = Post::objects().get(&db, q!(title = "Hello")).await.unwrap();
    assert_eq!(
        serde_json::to_value(&plain).unwrap(),
        json!({"id": post.id, "title": "Hello", "author": ann.id, "editor": ann.id})
    );
    // With select_related and prefetch: the author row, the tag rows; the editor is written
    // as its key by its serialize_with.
    let full = Post::objects()
        .select_related(["author", "editor"])
        .prefetch_related(["tags"])
        .get(&db, q!(title = "Hello"))
        .await
        .unwrap();
    let value = serde_json::to_value(&full).unwrap();
    assert_eq!(
        value,
        json!({
            "id": post.id,
            "title": "Hello",
            "author": {"id": ann.id, "name": "Ann"},
            "editor": ann.id,
            "tags": [{"id": rust.id, "name": "rust"}],
        })
    );
    // Read back: the same keys, the author loaded, the tags loaded.
    let back: Post = serde_json::from_value(value).unwrap();
    assert_eq!(*back.author.id(), ann.id);
    assert_eq!(
        back.author.loaded().map(|a| (a.id, a.name.as_str())),
        Some((ann.id, "Ann"))
    );
    assert_eq!(back.editor.as_ref().map(|e| *e.id()), Some(ann.id));
    assert_eq!(back.tags.loaded().map(|t| t.len()), Some(1));
    let from_keys: Post = serde_json::from_value(json!({
        "id": 5, "title": "x", "author": ann.id, "editor": null
    }))
    .unwrap();
    assert!(from_keys.author.loaded().is_none());
    assert!(from_keys.editor.is_none());
    assert!(from_keys.tags.loaded().is_none());
    // A row deserialised from JSON is a row like any other: it can be saved.
    let mut edited = from_keys;
    edited.id = post.id;
    edited.title = "Edited".into();
    edited.save(&db).await.unwrap();
    assert_eq!(
        Post::objects()
            .get(&db, q!(id = post.id))
            .await
            .unwrap()
            .title,
        "Edited"
    );
}

backend_tests!(relations_serialise_as_keys_or_rows);
