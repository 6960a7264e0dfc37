//! A misspelt field attribute gets the closest name.
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
    #[aksara(relatd_name = "posts")]
    pub author: ForeignKey<Author>,
}

fn main() {}
