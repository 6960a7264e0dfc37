//! A model is a struct with named fields, not a tuple struct.
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
pub struct Pair(i64, String);

fn main() {}
