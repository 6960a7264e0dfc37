//! `through` and `db_table` apply to `ManyToMany` fields only.
use aksara::{ForeignKey, Model};

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
    #[aksara(through = Tag, db_table = "post_authors")]
    pub author: ForeignKey<Author>,
}

fn main() {}
