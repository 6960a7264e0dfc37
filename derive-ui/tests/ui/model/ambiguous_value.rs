//! A bare `Value` may be `serde_json::Value` or `aksara::Value`: refused with a hint.
use aksara::Model;

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

use aksara::Value;

#[derive(Model, Debug, Clone)]
pub struct Setting {
    pub id: i64,
    pub payload: Value,
}

fn main() {}
