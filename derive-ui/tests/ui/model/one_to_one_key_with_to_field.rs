//! A primary-key `OneToOne` references the target's key, so no `to_field`.
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
    #[aksara(primary_key, to_field = "code")]
    pub author: OneToOne<Author>,
}

fn main() {}
