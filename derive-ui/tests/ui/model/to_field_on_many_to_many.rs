//! `to_field` applies to `ForeignKey` and `OneToOne` fields only.
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
    #[aksara(to_field = "slug")]
    pub tags: ManyToMany<Tag>,
}

fn main() {}
