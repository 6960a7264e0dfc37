//! A field type the derive does not know.
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
pub struct Event {
    pub id: i64,
    pub at: std::time::Instant,
}

fn main() {}
