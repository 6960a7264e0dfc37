//! The blog's second release: the seed's models (`aksara::demo`) with `User.nickname` and a
//! `Comment` model.

use aksara::{ForeignKey, ManyToMany, Model, OneToOne, Related, CASCADE, SET_NULL};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Model, Debug, Clone)]
pub struct User {
    pub id: Uuid,
    #[aksara(email, unique)]
    pub email: String,
    #[aksara(max_length = 100)]
    pub name: String,
    #[aksara(max_length = 50)]
    pub nickname: Option<String>, // new in release 2
    pub related: Related,
}

#[derive(Model, Debug, Clone)]
pub struct Category {
    pub id: Uuid,
    #[aksara(max_length = 50)]
    pub name: String,
    #[aksara(max_length = 50, unique)]
    pub slug: String,
    #[aksara(on_delete = CASCADE, related_name = "children")]
    pub parent: Option<ForeignKey<Category>>,
    pub related: Related,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: Uuid,
    #[aksara(max_length = 30, unique)]
    pub name: String,
    #[aksara(max_length = 30, unique)]
    pub slug: String,
    pub related: Related,
}

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

/// New in release 2: comments on posts.
#[derive(Model, Debug, Clone)]
pub struct Comment {
    pub id: Uuid,
    #[aksara(on_delete = CASCADE, related_name = "comments")]
    pub post: ForeignKey<Post>,
    #[aksara(on_delete = SET_NULL, related_name = "comments")]
    pub author: Option<ForeignKey<User>>,
    #[aksara(text)]
    pub body: String,
    #[aksara(auto_now_add)]
    pub created_at: DateTime<Utc>,
}

pub fn registry() -> std::sync::Arc<aksara::Registry> {
    aksara::Registry::builder()
        .model::<Post>()
        .model::<UserProfile>()
        .model::<Comment>()
        .build()
        .expect("valid models")
}
