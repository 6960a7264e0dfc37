//! A `OneToOne` primary key cannot point at its own model.
use aksara::{OneToOne, Model};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Node {
    #[aksara(primary_key)]
    pub parent: OneToOne<Self>,
}

fn main() {}
