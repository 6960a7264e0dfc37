//! `unique_together` names fields of the model.
use aksara::Model;

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
#[aksara(unique_together = "title, slgu")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub slug: String,
}

fn main() {}
