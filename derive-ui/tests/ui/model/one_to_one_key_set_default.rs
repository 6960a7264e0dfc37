//! `SET_DEFAULT` would change a primary key (and its import is not reported unused).
use aksara::{OneToOne, Model};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

use aksara::SET_DEFAULT;

#[derive(Model, Debug, Clone)]
pub struct Profile {
    #[aksara(primary_key, on_delete = SET_DEFAULT)]
    pub author: OneToOne<Author>,
}

fn main() {}
