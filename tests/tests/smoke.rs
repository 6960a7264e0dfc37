use aksara::{q, Model, OptionalRelation};
use aksara_tests::models::blog::*;
use aksara_tests::{backend_tests, TestDb};

async fn create_and_read_back(t: TestDb) {
    let db = t.db(registry()).await;
    let user = User::build()
        .email("jane@example.com")
        .name("Jane")
        .create(&db)
        .await
        .unwrap();
    let tech = Category::build()
        .name("Technology")
        .slug("tech")
        .create(&db)
        .await
        .unwrap();
    let python = Category::build()
        .name("Python")
        .slug("python")
        .parent(&tech)
        .create(&db)
        .await
        .unwrap();
    let post = Post::build()
        .title("Getting Started")
        .content("...")
        .author(&user)
        .category(&python)
        .create(&db)
        .await
        .unwrap();
    let loaded = Post::objects().get(&db, q!(id = post.id)).await.unwrap();
    assert_eq!(loaded.title, "Getting Started");
    assert_eq!(loaded.author.get(&db).await.unwrap().name, "Jane");
    assert_eq!(
        loaded.category.get(&db).await.unwrap().unwrap().name,
        "Python"
    );
    let by_email = Post::objects()
        .filter(q!(author__email = "jane@example.com"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(by_email.len(), 1);
    assert_eq!(user.posts().count(&db).await.unwrap(), 1);
    assert_eq!(tech.children().all(&db).await.unwrap().len(), 1);
}

backend_tests!(create_and_read_back);
