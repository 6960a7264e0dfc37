//! Only a `OneToOne` can be the primary key, not a `ForeignKey`.
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
pub struct Profile {
    #[aksara(primary_key)]
    pub author: ForeignKey<Author>,
}

fn main() {}
