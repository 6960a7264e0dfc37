//! An attribute value of the wrong kind is refused where it is written.
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
    #[aksara(max_length = "long")]
    pub title: String,
}

fn main() {}
