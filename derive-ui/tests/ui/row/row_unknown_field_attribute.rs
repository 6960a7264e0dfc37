//! A field of a `#[derive(Row)]` takes only `name = "..."`.
#[derive(aksara::Row)]
pub struct TagCount {
    #[aksara(column = "slug")]
    pub slug: String,
    pub n: i64,
}

fn main() {}
