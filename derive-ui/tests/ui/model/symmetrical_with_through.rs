//! A symmetrical relation cannot have a through model.
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
pub struct Person {
    pub id: i64,
    #[aksara(symmetrical, through = Tag)]
    pub friends: ManyToMany<Person>,
}

fn main() {}
