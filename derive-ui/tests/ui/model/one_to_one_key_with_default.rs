//! A primary-key `OneToOne` takes no `default`.
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
    #[aksara(primary_key, default = 1)]
    pub author: OneToOne<Author>,
}

fn main() {}
