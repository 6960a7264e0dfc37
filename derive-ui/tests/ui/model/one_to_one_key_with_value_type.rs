//! A primary-key `OneToOne` holds the target's key: no second type argument.
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
pub struct Profile {
    #[aksara(primary_key)]
    pub author: OneToOne<Author, String>,
}

fn main() {}
