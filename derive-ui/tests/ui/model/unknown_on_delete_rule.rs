//! An `on_delete` rule that does not exist.
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
    #[aksara(on_delete = "DELETE_ALL")]
    pub author: ForeignKey<Author>,
}

fn main() {}
