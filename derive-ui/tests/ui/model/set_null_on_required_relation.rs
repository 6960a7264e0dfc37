//! `SET_NULL` needs a nullable relation (and its import is not reported unused).
use aksara::{ForeignKey, Model};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

use aksara::SET_NULL;

#[derive(Model, Debug, Clone)]
pub struct Post {
    pub id: i64,
    #[aksara(on_delete = SET_NULL)]
    pub author: ForeignKey<Author>,
}

fn main() {}
