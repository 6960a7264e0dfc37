//! The seed's Complete Example, end to end:
//!
//! ```sh
//! cargo run -p aksara --example blog --features postgres -- postgres://postgres@127.0.0.1/test
//! cargo run -p aksara --example blog --features mysql -- mysql://root@127.0.0.1/test
//! cargo run -p aksara --example blog -- sqlite://blog.db
//! ```
//!
//! Creates the blog schema in that database (if absent), fills it with users, nested
//! categories, tags and posts (if empty), runs the seed's demo queries and prints what each
//! returned. Schema and data stay in place, so the database can be explored afterwards
//! (`cargo run -p aksara-tui -- <URL>`).

use aksara::demo::{self, Category, Post, Tag, User, UserProfile};
use aksara::{q, Condition, Model, OptionalRelation, Prefetch};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite://blog.db".to_string());
    if let Err(e) = run(&url).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(url: &str) -> aksara::Result<()> {
    let db = aksara::connect(url, demo::registry()).await?;
    aksara::ddl::create_all(&db).await?;
    if User::objects().exists(&db).await? {
        println!("The blog data is already there; running the queries on it.");
    } else {
        let seeded = demo::seed(&db).await?;
        println!(
            "Created {} users, {} categories, {} tags and {} posts.",
            seeded.users, seeded.categories, seeded.tags, seeded.posts
        );
    }

    // Forward access: `await post.author`, `post.author_id`.
    let post = Post::objects()
        .get(&db, q!(title = "Getting Started with Python"))
        .await?;
    let author = post.author.get(&db).await?;
    println!(
        "\n\"{}\" was written by {} (author_id {}).",
        post.title,
        author.name,
        post.author.id()
    );

    // Reverse access: `author.posts.all()`, `.filter(...)`, `.count()`.
    let jane = User::objects()
        .get(&db, q!(email = "jane@example.com"))
        .await?;
    let count = jane.posts().count(&db).await?;
    let published = jane
        .posts()
        .filter(q!(published = true))
        .order_by(["title"])
        .all(&db)
        .await?;
    println!("\nJane has {count} posts; published:");
    for p in &published {
        println!("  - {}", p.title);
    }

    // One-to-one reverse: `await user.profile()`.
    let profile = jane.profile(&db).await?;
    println!(
        "\nJane's profile: {}",
        profile.bio.as_deref().unwrap_or("(no bio)")
    );
    let lin = User::objects()
        .get(&db, q!(email = "lin@example.com"))
        .await?;
    match lin.profile(&db).await {
        Err(aksara::Error::DoesNotExist { .. }) => println!("Lin has no profile (DoesNotExist)."),
        other => println!("Lin's profile: {other:?}"),
    }

    // Self-referential: children and parent.
    let tech = Category::objects().get(&db, q!(slug = "tech")).await?;
    let children: Vec<String> = tech
        .children()
        .all(&db)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    println!("\nTechnology's children: {}", children.join(", "));
    let web = Category::objects().get(&db, q!(slug = "web")).await?;
    let parent = web
        .parent
        .get(&db)
        .await?
        .map(|p| p.name.clone())
        .unwrap_or_default();
    println!("Web's parent: {parent}");

    // Querying relations.
    let tech_posts = Post::objects()
        .filter(Condition::in_subtree("category", "parent", tech.id))
        .count(&db)
        .await?;
    println!("\nPosts in Technology, including its child categories: {tech_posts}");
    let tutorials = Post::objects()
        .filter(q!(tags__name = "Tutorial"))
        .order_by(["title"])
        .all(&db)
        .await?;
    println!("Posts tagged Tutorial:");
    for p in &tutorials {
        println!("  - {}", p.title);
    }
    let by_email = Post::objects()
        .filter(q!(author__email = "omar@example.com"))
        .count(&db)
        .await?;
    println!("Posts by omar@example.com: {by_email}");

    // Efficient loading: select_related (one query) and prefetch_related (one per level).
    let before = db.query_count();
    let posts = Post::objects()
        .select_related(["author", "category"])
        .order_by(["title"])
        .all(&db)
        .await?;
    println!(
        "\nselect_related(\"author\", \"category\"): {} posts in {} query",
        posts.len(),
        db.query_count() - before
    );
    for p in &posts {
        let category = p.category.loaded().map_or("-", |c| c.name.as_str());
        println!(
            "  - {:<36} by {:<5} in {category}",
            p.title,
            p.author.loaded().map_or("?", |a| a.name.as_str())
        );
    }
    let before = db.query_count();
    let posts = Post::objects()
        .prefetch_related(["tags"])
        .order_by(["title"])
        .all(&db)
        .await?;
    println!(
        "prefetch_related(\"tags\"): {} posts in {} queries",
        posts.len(),
        db.query_count() - before
    );
    for p in &posts {
        let tags: Vec<&str> = p.tags.iter().map(|t| t.name.as_str()).collect();
        println!("  - {:<36} [{}]", p.title, tags.join(", "));
    }

    // A Prefetch with an inner queryset (its own join and nested prefetch), kept apart under
    // `to_attr`: one query per level, whatever the number of users.
    let before = db.query_count();
    let published_posts = Post::objects()
        .filter(q!(published = true))
        .select_related(["category"])
        .prefetch_related(["tags"]);
    let users = User::objects()
        .prefetch_related([Prefetch::new("posts")
            .queryset(published_posts)
            .to_attr("published_posts")])
        .order_by(["name"])
        .all(&db)
        .await?;
    println!(
        "
Published posts per user, with their categories and tags, in {} queries:",
        db.query_count() - before
    );
    for u in &users {
        let published = u.related.many::<Post>("published_posts").unwrap_or(&[]);
        let tags: usize = published.iter().map(|p| p.tags.iter().count()).sum();
        println!("  - {:<5} {} posts, {tags} tags", u.name, published.len());
    }
    // Prefetched rows answer the managers' all / count / exists with no query.
    let users = User::objects().prefetch_related(["posts"]).all(&db).await?;
    let before = db.query_count();
    let mut total = 0;
    for u in &users {
        total += u.posts().count(&db).await?;
    }
    println!(
        "Posts counted from the prefetched rows: {total}, in {} queries",
        db.query_count() - before
    );

    // A one-to-one read forward through its owner: the user it loads then answers
    // `user.profile(&db)` with no query.
    let profile = UserProfile::objects()
        .get(&db, q!(user__email = "jane@example.com"))
        .await?;
    let user = profile.user(&db).await?;
    let before = db.query_count();
    let again = user.profile(&db).await?;
    println!(
        "{}'s profile, back from the user: {}, in {} queries",
        user.name,
        again.bio.as_deref().unwrap_or("(no bio)"),
        db.query_count() - before
    );

    // Many-to-many writes: add is idempotent, contains, remove.
    let advanced = Tag::objects().get(&db, q!(slug = "advanced")).await?;
    post.tags().add(&db, [&advanced]).await?;
    post.tags().add(&db, [&advanced]).await?;
    println!(
        "\nAdded Advanced twice; contains: {}",
        post.tags().contains(&db, &advanced).await?
    );
    post.tags().remove(&db, [&advanced]).await?;
    println!("Removed it; tags now: {}", post.tags().count(&db).await?);
    let _ = UserProfile::objects().count(&db).await?;

    println!(
        "\nThe schema and data stay in place; explore them with: cargo run -p aksara-tui -- {url}"
    );
    Ok(())
}
