//! `on_delete` does not apply to a `ManyToMany` (and its import is not reported unused).
use aksara::{ManyToMany, Model};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

use aksara::CASCADE;

#[derive(Model, Debug, Clone)]
pub struct Post {
    pub id: i64,
    #[aksara(on_delete = CASCADE)]
    pub tags: ManyToMany<Tag>,
}

fn main() {}
