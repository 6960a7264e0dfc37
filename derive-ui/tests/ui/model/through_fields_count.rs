//! `through_fields` names exactly two fields.
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
    #[aksara(through = Tag, through_fields = ("post", "tag", "extra"))]
    pub tags: ManyToMany<Tag>,
}

fn main() {}
