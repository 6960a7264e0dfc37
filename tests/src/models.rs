//! The models of the seed document, one module per section that defines them.

/// ForeignKey section: Author and Post.
pub mod fk {
    use aksara::{ForeignKey, Model, CASCADE};
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    /// An author.
    #[derive(Model, Debug, Clone)]
    pub struct Author {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(email, unique)]
        pub email: String,
    }

    /// A post by an author.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(text)]
        pub content: String,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<Author>,
        #[aksara(auto_now_add)]
        pub created_at: DateTime<Utc>,
    }
}

/// The Complete Example of the seed.
pub mod blog {
    use aksara::{ForeignKey, ManyToMany, Model, OneToOne, CASCADE, SET_NULL};
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    /// A user.
    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: Uuid,
        #[aksara(email, unique)]
        pub email: String,
        #[aksara(max_length = 100)]
        pub name: String,
        /// Relations loaded from the other side.
        pub related: aksara::Related,
    }

    /// A category, in a tree.
    #[derive(Model, Debug, Clone)]
    #[aksara(description = "A topic posts are filed under; categories nest.")]
    pub struct Category {
        pub id: Uuid,
        #[aksara(max_length = 50)]
        pub name: String,
        #[aksara(max_length = 50, unique)]
        pub slug: String,
        #[aksara(on_delete = CASCADE, related_name = "children")]
        pub parent: Option<ForeignKey<Category>>,
        /// Relations loaded from the other side.
        pub related: aksara::Related,
    }

    /// A tag.
    #[derive(Model, Debug, Clone)]
    pub struct Tag {
        pub id: Uuid,
        #[aksara(max_length = 30, unique)]
        pub name: String,
        #[aksara(max_length = 30, unique)]
        pub slug: String,
        /// Relations loaded from the other side.
        pub related: aksara::Related,
    }

    /// A blog post.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(text)]
        pub content: String,
        #[aksara(default = false)]
        pub published: bool,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<User>,
        #[aksara(on_delete = SET_NULL, related_name = "posts")]
        pub category: Option<ForeignKey<Category>>,
        #[aksara(related_name = "posts")]
        pub tags: ManyToMany<Tag>,
        #[aksara(auto_now_add)]
        pub created_at: DateTime<Utc>,
    }

    /// A user's profile.
    #[derive(Model, Debug, Clone)]
    pub struct UserProfile {
        pub id: Uuid,
        #[aksara(on_delete = CASCADE, related_name = "profile")]
        pub user: OneToOne<User>,
        #[aksara(text)]
        pub bio: Option<String>,
        #[aksara(url)]
        pub website: Option<String>,
    }

    /// The registry of the complete example.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Post>()
            .model::<UserProfile>()
            .build()
            .expect("valid models")
    }
}

/// The OneToOne Definition section: a user and its profile.
pub mod o2o {
    use aksara::{Model, OneToOne, CASCADE};
    use uuid::Uuid;

    /// A user.
    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: Uuid,
        #[aksara(email, unique)]
        pub email: String,
    }

    /// The profile of exactly one user.
    #[derive(Model, Debug, Clone)]
    pub struct UserProfile {
        pub id: Uuid,
        #[aksara(on_delete = CASCADE, related_name = "profile")]
        pub user: OneToOne<User>,
        #[aksara(text)]
        pub bio: Option<String>,
        #[aksara(url)]
        pub avatar_url: Option<String>,
    }

    /// The registry of the section.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<UserProfile>()
            .build()
            .expect("valid models")
    }
}

/// "Choose on_delete Carefully": PROTECT (an order's customer, reached through a cascade from
/// its region) and RESTRICT (a writer's articles).
pub mod guard {
    use aksara::{ForeignKey, Model, CASCADE, PROTECT, RESTRICT};
    use uuid::Uuid;

    /// A sales region.
    #[derive(Model, Debug, Clone)]
    pub struct Region {
        pub id: Uuid,
        #[aksara(max_length = 50)]
        pub name: String,
    }

    /// A customer, deleted with its region.
    #[derive(Model, Debug, Clone)]
    pub struct Customer {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "customers")]
        pub region: ForeignKey<Region>,
    }

    /// An order; its customer cannot be deleted while it exists.
    #[derive(Model, Debug, Clone)]
    pub struct Order {
        pub id: Uuid,
        #[aksara(max_length = 20)]
        pub number: String,
        #[aksara(on_delete = PROTECT, related_name = "orders")]
        pub customer: ForeignKey<Customer>,
    }

    /// A writer.
    #[derive(Model, Debug, Clone)]
    pub struct Writer {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
    }

    /// An article; its writer cannot be deleted while it exists (database-checked).
    #[derive(Model, Debug, Clone)]
    pub struct Article {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(on_delete = RESTRICT, related_name = "articles")]
        pub writer: ForeignKey<Writer>,
    }

    /// Every model of the module.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Order>()
            .model::<Article>()
            .build()
            .expect("valid models")
    }
}

/// The String References section with Rust type targets: `Author` refers to `Post`, defined
/// below it, and `Post` refers back to `Author` (a cycle).
pub mod circular {
    use aksara::{ForeignKey, Model, CASCADE, SET_NULL};
    use uuid::Uuid;

    /// An author with a favourite post.
    #[derive(Model, Debug, Clone)]
    pub struct Author {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        // The seed gives no related_name; the default reverse name on Post would be `author`,
        // which is Post's own field, so a related_name is required here.
        #[aksara(on_delete = SET_NULL, related_name = "favorited_by")]
        pub favorite_post: Option<ForeignKey<Post>>,
    }

    /// A post (no related_name: the reverse is `post_set()` / `post` in filters).
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(on_delete = CASCADE)]
        pub author: ForeignKey<Author>,
    }

    /// The registry (Post comes along through the type reference).
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Author>()
            .build()
            .expect("valid models")
    }
}

/// The String References and Self-Referential sections with string targets (`to = "Post"`,
/// `to = "self"`).
pub mod named {
    use aksara::{ForeignKey, Model, CASCADE, SET_NULL};
    use uuid::Uuid;

    /// An author whose favourite post is named by string.
    #[derive(Model, Debug, Clone)]
    pub struct Author {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(to = "Post", on_delete = SET_NULL, related_name = "favorited_by")]
        pub favorite_post: Option<ForeignKey<Post>>,
    }

    /// A post whose author is named by string.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(to = "Author", on_delete = CASCADE)]
        pub author: ForeignKey<Author>,
    }

    /// A category whose parent is `"self"`.
    #[derive(Model, Debug, Clone)]
    pub struct Category {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(to = "self", on_delete = CASCADE, related_name = "children")]
        pub parent: Option<ForeignKey<Category>>,
    }

    /// Every model of the module (string targets are not followed: each is registered).
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Author>()
            .model::<Post>()
            .model::<Category>()
            .build()
            .expect("valid models")
    }
}

/// A ForeignKey declared with no options, for the defaults of the Options table; integer keys.
pub mod defaults {
    use aksara::{ForeignKey, Model};

    /// A blog (database-assigned 32-bit key).
    #[derive(Model, Debug, Clone)]
    pub struct Blog {
        pub id: i32,
        #[aksara(max_length = 100)]
        pub name: String,
    }

    /// An entry of a blog (database-assigned 64-bit key).
    #[derive(Model, Debug, Clone)]
    pub struct Entry {
        pub id: i64,
        #[aksara(max_length = 200)]
        pub headline: String,
        pub blog: ForeignKey<Blog>,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Entry>()
            .build()
            .expect("valid models")
    }
}

/// Best Practices: two relations to the same model with distinct related names.
pub mod editorial {
    use aksara::{ForeignKey, Model, CASCADE, SET_NULL};
    use uuid::Uuid;

    /// A user.
    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
    }

    /// A post with an author and an editor.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(on_delete = CASCADE, related_name = "authored_posts")]
        pub author: ForeignKey<User>,
        #[aksara(on_delete = SET_NULL, related_name = "edited_posts")]
        pub editor: Option<ForeignKey<User>>,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Post>()
            .build()
            .expect("valid models")
    }
}

/// Models with paths of depth two and more (Comment -> Post -> Author -> Country) and fields
/// of every lookup-relevant kind.
pub mod lookups {
    use aksara::{ForeignKey, Model, CASCADE, SET_NULL};
    use chrono::{DateTime, NaiveDate, Utc};
    use uuid::Uuid;

    /// A country (database-assigned key).
    #[derive(Model, Debug, Clone)]
    pub struct Country {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(max_length = 2, unique)]
        pub code: String,
    }

    /// An author.
    #[derive(Model, Debug, Clone)]
    pub struct Author {
        pub id: Uuid,
        #[aksara(max_length = 100)]
        pub name: String,
        #[aksara(email, unique)]
        pub email: String,
        pub age: i32,
        #[aksara(url)]
        pub website: Option<String>,
        #[aksara(on_delete = SET_NULL, related_name = "authors")]
        pub country: Option<ForeignKey<Country>>,
    }

    /// A post.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(text)]
        pub content: String,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<Author>,
        pub views: i64,
        pub rating: f64,
        #[aksara(default = false)]
        pub published: bool,
        pub published_on: Option<NaiveDate>,
        #[aksara(auto_now_add)]
        pub created_at: DateTime<Utc>,
        #[aksara(auto_now)]
        pub updated_at: DateTime<Utc>,
    }

    /// A comment on a post.
    #[derive(Model, Debug, Clone)]
    pub struct Comment {
        pub id: i64,
        #[aksara(text)]
        pub body: String,
        pub score: i32,
        #[aksara(on_delete = CASCADE, related_name = "comments")]
        pub post: ForeignKey<Post>,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Comment>()
            .build()
            .expect("valid models")
    }
}

/// ManyToMany > Custom Through Model: PostTag carries when and by whom a tag was added.
pub mod through {
    use aksara::{ForeignKey, ManyToMany, Model, CASCADE, SET_NULL};
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    /// A user.
    #[derive(Model, Debug, Clone)]
    pub struct User {
        pub id: Uuid,
        #[aksara(email, unique)]
        pub email: String,
    }

    /// A tag.
    #[derive(Model, Debug, Clone)]
    pub struct Tag {
        pub id: Uuid,
        #[aksara(max_length = 50, unique)]
        pub name: String,
    }

    /// A post whose tags go through PostTag.
    #[derive(Model, Debug, Clone)]
    pub struct Post {
        pub id: Uuid,
        #[aksara(max_length = 200)]
        pub title: String,
        #[aksara(through = PostTag, related_name = "posts")]
        pub tags: ManyToMany<Tag>,
    }

    /// Junction table with extra fields.
    #[derive(Model, Debug, Clone)]
    #[aksara(unique_together = "post, tag")]
    pub struct PostTag {
        pub id: Uuid,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub post: ForeignKey<Post>,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub tag: ForeignKey<Tag>,
        #[aksara(auto_now_add)]
        pub added_at: DateTime<Utc>,
        #[aksara(on_delete = SET_NULL, related_name = "tagged")]
        pub added_by: Option<ForeignKey<User>>,
        #[aksara(max_length = 20)]
        pub note: String,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Post>()
            .build()
            .expect("valid models")
    }
}

/// Hostile identifiers: reserved words, quotes, spaces and non-ASCII in table and column names.
pub mod hostile {
    use aksara::{ForeignKey, Model, Related, CASCADE};

    /// Stored in a table named `select`.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "select")]
    pub struct Order {
        pub id: i64,
        #[aksara(column = "from", max_length = 50)]
        pub from: String,
        #[aksara(column = "Mixed \"Quoted\" `Case`", max_length = 50)]
        pub mixed: String,
        #[aksara(column = "名前", max_length = 50)]
        pub name: String,
        #[aksara(text)]
        pub r#where: Option<String>,
        pub related: Related,
    }

    /// Stored in a table named `group by`, its foreign key in a column named `select id`.
    #[derive(Model, Debug, Clone)]
    #[aksara(table = "group by")]
    pub struct Line {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "lines", column = "select id")]
        pub order: ForeignKey<Order>,
        #[aksara(max_length = 20)]
        pub note: String,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Line>()
            .build()
            .expect("valid models")
    }
}

/// Django's many_to_many and m2m_through tests: Article and Publication, a reader whose
/// relation has no reverse side, Group, Person and Membership with a required extra field, a
/// model with nothing but its key, and Species for `get` on a slice.
pub mod django_m2m {
    use aksara::{ForeignKey, ManyToMany, Model, CASCADE};

    /// A publication (integer key, assigned by the database).
    #[derive(Model, Debug, Clone)]
    pub struct Publication {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub title: String,
    }

    /// An article in several publications.
    #[derive(Model, Debug, Clone)]
    pub struct Article {
        pub id: i64,
        #[aksara(max_length = 100)]
        pub headline: String,
        #[aksara(related_name = "articles")]
        pub publications: ManyToMany<Publication>,
    }

    /// A reader of publications; the relation has no reverse side on Publication.
    #[derive(Model, Debug, Clone)]
    pub struct Reader {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        #[aksara(related_name = "+")]
        pub pubs: ManyToMany<Publication>,
    }

    /// A person.
    #[derive(Model, Debug, Clone)]
    pub struct Person {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
    }

    /// A group whose members go through Membership.
    #[derive(Model, Debug, Clone)]
    pub struct Group {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        #[aksara(through = Membership, related_name = "groups")]
        pub members: ManyToMany<Person>,
    }

    /// The through model: `joined` is required (no default).
    #[derive(Model, Debug, Clone)]
    #[aksara(unique_together = "person, group")]
    pub struct Membership {
        pub id: i64,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub person: ForeignKey<Person>,
        #[aksara(on_delete = CASCADE, related_name = "+")]
        pub group: ForeignKey<Group>,
        pub joined: i32,
    }

    /// A model whose only field is its auto key.
    #[derive(Model, Debug, Clone)]
    pub struct Marker {
        pub id: i64,
    }

    /// A species (for `get` after `limit` and `offset`).
    #[derive(Model, Debug, Clone)]
    pub struct Species {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
    }

    /// The registry.
    pub fn registry() -> std::sync::Arc<aksara::Registry> {
        aksara::Registry::builder()
            .model::<Article>()
            .model::<Reader>()
            .model::<Group>()
            .model::<Marker>()
            .model::<Species>()
            .build()
            .expect("valid models")
    }
}
