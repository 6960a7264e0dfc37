//! A model has one primary key.
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
pub struct Note {
    pub id: i64,
    #[aksara(primary_key)]
    pub code: String,
}

fn main() {}
