//! Models of a sqlite database, written by `aksara inspectdb`: review them (types,
//! `on_delete`, reverse names) before relying on them.

#![allow(missing_docs)]

#[derive(aksara::Model, Debug, Clone)]
pub struct Category {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(max_length = 50)]
    pub name: String,
    #[aksara(unique, max_length = 50)]
    pub slug: String,
    #[aksara(column = "parent_id", on_delete = aksara::CASCADE, related_name = "categories_by_parent")]
    pub parent: Option<aksara::ForeignKey<Category>>,
}

#[derive(aksara::Model, Debug, Clone)]
pub struct PostTag {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(column = "post_id", on_delete = aksara::CASCADE, related_name = "post_tags")]
    pub post: aksara::ForeignKey<Post>,
    #[aksara(column = "tag_id", on_delete = aksara::CASCADE, related_name = "post_tags")]
    pub tag: aksara::ForeignKey<Tag>,
}

#[derive(aksara::Model, Debug, Clone)]
pub struct Post {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(max_length = 200)]
    pub title: String,
    #[aksara(text)]
    pub content: String,
    pub published: bool,
    #[aksara(column = "author_id", on_delete = aksara::CASCADE, related_name = "posts")]
    pub author: aksara::ForeignKey<User>,
    #[aksara(column = "category_id", on_delete = aksara::SET_NULL, related_name = "posts")]
    pub category: Option<aksara::ForeignKey<Category>>,
    #[aksara(text)]
    pub created_at: String,
}

#[derive(aksara::Model, Debug, Clone)]
pub struct Tag {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(unique, max_length = 30)]
    pub name: String,
    #[aksara(unique, max_length = 30)]
    pub slug: String,
}

#[derive(aksara::Model, Debug, Clone)]
pub struct UserProfile {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(column = "user_id", on_delete = aksara::CASCADE, related_name = "user_profiles")]
    pub user: aksara::OneToOne<User>,
    #[aksara(text)]
    pub bio: Option<String>,
    #[aksara(max_length = 2048)]
    pub website: Option<String>,
}

#[derive(aksara::Model, Debug, Clone)]
pub struct User {
    /// A text key: read as a UUID, as Aksara stores UUIDs on SQLite (a key that is not a UUID cannot be a model's).
    #[aksara(primary_key)]
    pub id: uuid::Uuid,
    #[aksara(unique, max_length = 254)]
    pub email: String,
    #[aksara(max_length = 100)]
    pub name: String,
}

/// A registry of every model above.
pub fn registry() -> std::sync::Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Category>()
        .model::<PostTag>()
        .model::<Post>()
        .model::<Tag>()
        .model::<UserProfile>()
        .model::<User>()
        .build()
        .expect("the inspected models are valid")
}
