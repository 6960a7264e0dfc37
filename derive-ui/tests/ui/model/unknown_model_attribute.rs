//! A misspelt model attribute gets the closest name.
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
#[aksara(tabel = "posts")]
pub struct Post {
    pub id: i64,
}

fn main() {}
