//! The dynamic side: records of models named at run time, following relations by name.

use aksara::{q, QuerySet, Record, Value};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};

async fn records_follow_every_kind_of_relation(t: TestDb) {
    let db = t.db(registry()).await;
    let jane = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let python = Category::build()
        .name("Python")
        .slug("python")
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("Hello")
        .content("c")
        .author(&jane)
        .category(&python)
        .create(&db)
        .await
        .unwrap();
    let tag = Tag::build()
        .name("rust")
        .slug("rust")
        .create(&db)
        .await
        .unwrap();
    post.tags().add(&db, [&tag]).await.unwrap();

    let posts = QuerySet::<Record>::of("Post")
        .filter(q!(author__email = "jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);
    let record = &posts[0];
    assert_eq!(record.model(), "Post");
    assert_eq!(record.get("title"), Some(&Value::String("Hello".into())));
    assert_eq!(record.key(), Some(&Value::Uuid(post.id)));
    assert!(record.fields().any(|f| f == "author"));

    let author = record.related("author").unwrap().all(&db).await.unwrap();
    assert_eq!(author[0].get("name"), Some(&Value::String("Jane".into())));
    let back = author[0]
        .related("posts")
        .unwrap()
        .count(&db)
        .await
        .unwrap();
    assert_eq!(back, 1);
    let tags = record.related("tags").unwrap().all(&db).await.unwrap();
    assert_eq!(tags[0].get("name"), Some(&Value::String("rust".into())));
    let tagged = tags[0].related("posts").unwrap().all(&db).await.unwrap();
    assert_eq!(tagged[0].key(), Some(&Value::Uuid(post.id)));
    let unknown = record.related("auther").unwrap_err();
    assert!(
        unknown.to_string().contains("author"),
        "suggests the close name: {unknown}"
    );
    let unknown_model = QuerySet::<Record>::of("Pots").all(&db).await.unwrap_err();
    assert!(
        unknown_model.to_string().contains("Post"),
        "{unknown_model}"
    );
}

backend_tests!(records_follow_every_kind_of_relation);
