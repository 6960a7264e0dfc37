//! `#[derive(Row)]` needs a struct with named fields, not an enum.
#[derive(aksara::Row)]
pub enum TagCount {
    Slug(String),
}

fn main() {}
