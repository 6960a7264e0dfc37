//! `#[derive(Row)]` needs a struct with named fields, not a tuple struct.
#[derive(aksara::Row)]
pub struct TagCount(String, i64);

fn main() {}
