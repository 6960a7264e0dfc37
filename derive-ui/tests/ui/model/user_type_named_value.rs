//! A type of the user's own named `Value` is not taken for JSON.
use aksara::Model;

mod types {
    #[derive(Debug, Clone)]
    pub struct Value(pub String);
}

#[derive(Model, Debug, Clone)]
pub struct Setting {
    pub id: i64,
    pub payload: types::Value,
}

fn main() {}
