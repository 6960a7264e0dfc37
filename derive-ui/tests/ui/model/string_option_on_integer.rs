//! `max_length` applies to `String` fields only.
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
pub struct Post {
    pub id: i64,
    #[aksara(max_length = 3)]
    pub views: i32,
}

fn main() {}
