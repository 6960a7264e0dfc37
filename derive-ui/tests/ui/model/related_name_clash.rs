//! Two relations to one model with the same `related_name`: reported at the second field.
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
    #[aksara(related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[aksara(related_name = "posts")]
    pub editor: ForeignKey<Author>,
}

fn main() {}
