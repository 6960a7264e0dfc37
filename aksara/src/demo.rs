//! The seed's Complete Example as a ready-made data set: the blog models (User, Category
//! with parent, Tag, Post with author / category / tags, UserProfile) and [`seed`], which
//! fills an empty database with a few users, nested categories, tags and posts.
//!
//! Used by `examples/blog.rs` and by the explorer's embedded demo database.
//!
//! # Typed many-to-many managers
//!
//! `post.tags()` takes tags (`&Tag`, `Arc<Tag>`) or tag keys (`Uuid`), and nothing else:
//!
//! ```no_run
//! use aksara::demo::{Post, Tag};
//!
//! async fn tag_it(db: &aksara::Db, post: &Post, rust: &Tag) -> aksara::Result<()> {
//!     post.tags().add(db, [rust]).await?;
//!     post.tags().remove(db, [rust.id]).await?;
//!     post.tags().set(db, [rust]).await?;
//!     assert!(post.tags().contains(db, rust).await?);
//!     Ok(())
//! }
//! ```
//!
//! A row of another model is refused at compile time:
//!
//! ```compile_fail
//! use aksara::demo::{Category, Post};
//!
//! async fn wrong(db: &aksara::Db, post: &Post, python: &Category) -> aksara::Result<()> {
//!     post.tags().add(db, [python]).await // error: a Category is not a Tag
//! }
//! ```
//!
//! So is a key of another type:
//!
//! ```compile_fail
//! use aksara::demo::Post;
//!
//! async fn wrong(db: &aksara::Db, post: &Post) -> aksara::Result<bool> {
//!     post.tags().contains(db, 7_i64).await // error: tag keys are UUIDs
//! }
//! ```

use crate as aksara;
use crate::{ForeignKey, ManyToMany, Model, OneToOne, Related, CASCADE, SET_NULL};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A user of the blog.
#[derive(Model, Debug, Clone)]
#[aksara(description = "Someone who writes posts.")]
pub struct User {
    /// Key.
    pub id: Uuid,
    /// Sign-in address.
    #[aksara(email, unique)]
    pub email: String,
    /// Display name.
    #[aksara(max_length = 100)]
    pub name: String,
    /// Relations loaded from the other side (posts, profile).
    pub related: Related,
}

/// A topic; categories nest through `parent`.
#[derive(Model, Debug, Clone)]
#[aksara(description = "A topic posts are filed under; categories nest.")]
pub struct Category {
    /// Key.
    pub id: Uuid,
    /// Display name.
    #[aksara(max_length = 50)]
    pub name: String,
    /// URL name.
    #[aksara(max_length = 50, unique)]
    pub slug: String,
    /// The enclosing category.
    #[aksara(on_delete = CASCADE, related_name = "children")]
    pub parent: Option<ForeignKey<Category>>,
    /// Relations loaded from the other side (children, posts).
    pub related: Related,
}

/// A label on posts.
#[derive(Model, Debug, Clone)]
pub struct Tag {
    /// Key.
    pub id: Uuid,
    /// Display name.
    #[aksara(max_length = 30, unique)]
    pub name: String,
    /// URL name.
    #[aksara(max_length = 30, unique)]
    pub slug: String,
    /// Relations loaded from the other side (posts).
    pub related: Related,
}

/// A blog post.
#[derive(Model, Debug, Clone)]
#[aksara(description = "An article on the blog.")]
pub struct Post {
    /// Key.
    pub id: Uuid,
    /// Headline.
    #[aksara(max_length = 200)]
    pub title: String,
    /// Body.
    #[aksara(text)]
    pub content: String,
    /// Shown to readers.
    #[aksara(default = false)]
    pub published: bool,
    /// Who wrote it.
    #[aksara(on_delete = CASCADE, related_name = "posts")]
    pub author: ForeignKey<User>,
    /// Where it is filed, if anywhere.
    #[aksara(on_delete = SET_NULL, related_name = "posts")]
    pub category: Option<ForeignKey<Category>>,
    /// Its labels.
    #[aksara(related_name = "posts")]
    pub tags: ManyToMany<Tag>,
    /// When it was created.
    #[aksara(auto_now_add)]
    pub created_at: DateTime<Utc>,
}

/// A user's public profile.
#[derive(Model, Debug, Clone)]
pub struct UserProfile {
    /// Key.
    pub id: Uuid,
    /// Whose profile.
    #[aksara(on_delete = CASCADE, related_name = "profile")]
    pub user: OneToOne<User>,
    /// About the user.
    #[aksara(text)]
    pub bio: Option<String>,
    /// Their site.
    #[aksara(url)]
    pub website: Option<String>,
}

/// The registry of the blog models.
pub fn registry() -> std::sync::Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Post>()
        .model::<UserProfile>()
        .build()
        .expect("the demo models are valid")
}

/// What [`seed`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    /// Users created.
    pub users: usize,
    /// Categories created.
    pub categories: usize,
    /// Tags created.
    pub tags: usize,
    /// Posts created.
    pub posts: usize,
}

/// Fills `db` (tables created, empty) with the demo data, in one transaction.
pub async fn seed(db: &aksara::Db) -> aksara::Result<Seeded> {
    db.transaction(|tx| async move {
        let jane = User::build()
            .email("jane@example.com")
            .name("Jane")
            .create(&tx)
            .await?;
        let omar = User::build()
            .email("omar@example.com")
            .name("Omar")
            .create(&tx)
            .await?;
        let lin = User::build()
            .email("lin@example.com")
            .name("Lin")
            .create(&tx)
            .await?;
        UserProfile::build()
            .user(&jane)
            .bio("Tech writer")
            .website("https://jane.example.com")
            .create(&tx)
            .await?;
        UserProfile::build()
            .user(&omar)
            .bio("Backend engineer, databases and queues")
            .create(&tx)
            .await?;

        let tech = Category::build()
            .name("Technology")
            .slug("tech")
            .create(&tx)
            .await?;
        let python = Category::build()
            .name("Python")
            .slug("python")
            .parent(&tech)
            .create(&tx)
            .await?;
        let rust = Category::build()
            .name("Rust")
            .slug("rust")
            .parent(&tech)
            .create(&tx)
            .await?;
        let web = Category::build()
            .name("Web")
            .slug("web")
            .parent(&python)
            .create(&tx)
            .await?;
        let life = Category::build()
            .name("Life")
            .slug("life")
            .create(&tx)
            .await?;

        let mut tags = Vec::new();
        for name in [
            "Tutorial",
            "Beginner",
            "Advanced",
            "Async",
            "Databases",
            "Opinion",
        ] {
            tags.push(
                Tag::build()
                    .name(name)
                    .slug(name.to_lowercase())
                    .create(&tx)
                    .await?,
            );
        }
        // (title, author, category, tag indexes, published)
        type PostSpec<'a> = (&'a str, &'a User, Option<&'a Category>, &'a [usize], bool);
        let posts: [PostSpec; 8] = [
            (
                "Getting Started with Python",
                &jane,
                Some(&python),
                &[0, 1],
                true,
            ),
            ("Async Rust in Practice", &jane, Some(&rust), &[2, 3], true),
            (
                "Relations Without N+1 Queries",
                &omar,
                Some(&tech),
                &[2, 4],
                true,
            ),
            (
                "Django Views, Step by Step",
                &jane,
                Some(&web),
                &[0, 1],
                true,
            ),
            ("Why I Keep a Paper Notebook", &lin, Some(&life), &[5], true),
            (
                "Borrow Checker Field Notes",
                &omar,
                Some(&rust),
                &[2],
                false,
            ),
            (
                "Indexes Every Foreign Key Needs",
                &omar,
                Some(&tech),
                &[4, 0],
                true,
            ),
            ("Drafts Without a Home", &lin, None, &[], false),
        ];
        for (title, author, category, tag_ids, published) in posts {
            let mut post = Post::build()
                .title(title)
                .content(format!("{title}.\n\nA post of the Aksara demo blog."))
                .published(published)
                .author(author);
            if let Some(category) = category {
                post = post.category(category);
            }
            let post = post.create(&tx).await?;
            post.tags()
                .add(&tx, tag_ids.iter().map(|&i| &tags[i]))
                .await?;
        }
        Ok(Seeded {
            users: 3,
            categories: 5,
            tags: tags.len(),
            posts: posts.len(),
        })
    })
    .await
}
