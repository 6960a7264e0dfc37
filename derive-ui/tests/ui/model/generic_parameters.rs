//! A model has no generic parameters.
use aksara::Model;

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
}

#[derive(Model, Debug, Clone)]
pub struct Boxed<T> {
    pub id: i64,
    pub inner: std::marker::PhantomData<T>,
}

fn main() {}
