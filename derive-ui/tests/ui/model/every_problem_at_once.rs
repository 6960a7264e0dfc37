//! Every problem of a model is reported at once, each at its field.
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
    #[aksara(max_length = 3)]
    pub views: i32,
    #[aksara(colour = "red")]
    pub title: String,
    pub tags: Option<ManyToMany<Tag>>,
}

fn main() {}
