//! A symmetrical relation is its own reverse: `related_name` names nothing.
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
    #[aksara(symmetrical, related_name = "befriended_by")]
    pub friends: ManyToMany<Person>,
}

fn main() {}
