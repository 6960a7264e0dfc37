//! Two foreign keys to one model without `related_name` would both make `post_set` on it.
use aksara::{ForeignKey, Model};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    pub id: i64,
    pub author: ForeignKey<Author>,
    pub editor: Option<ForeignKey<Author>>,
}

fn main() {}
