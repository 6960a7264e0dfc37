//! `related_name` applies to relation fields only.
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
    #[aksara(related_name = "posts")]
    pub author_id: i64,
}

fn main() {}
