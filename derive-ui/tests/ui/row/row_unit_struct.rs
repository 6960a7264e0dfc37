//! `#[derive(Row)]` needs a struct with named fields, not a unit struct.
#[derive(aksara::Row)]
pub struct TagCount;

fn main() {}
