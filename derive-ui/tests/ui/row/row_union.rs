//! `#[derive(Row)]` needs a struct with named fields, not a union.
#[derive(aksara::Row)]
pub union TagCount {
    n: i64,
}

fn main() {}
