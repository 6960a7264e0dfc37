//! A `ManyToMany` has no column, so it cannot be an `Option`.
use aksara::{ManyToMany, Model};

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
    pub tags: Option<ManyToMany<Tag>>,
}

fn main() {}
