//! Shared setup for the integration tests: a fresh, isolated database per test, on every
//! backend whose server is reachable, and the models of the seed document.
//!
//! Server URLs come from the environment (`AKSARA_PG_URL`), with the machine's defaults.
//! Outside CI an unreachable server skips its backend with a loud message; with `CI=true` it
//! fails the test.

pub mod chinook;
/// Models of the Chinook database as `aksara inspectdb` writes them, one file per backend
/// (the scripts name tables differently), checked by `tests/inspectdb.rs`.
/// Models of the seed's blog (`aksara::demo`, created by `create_all`) as `aksara inspectdb`
/// writes them back, one file per backend, checked by `tests/inspectdb.rs`.
pub mod blog_models {
    pub mod mysql;
    pub mod postgres;
    pub mod sqlite;
}
/// Models of the Chinook database as `aksara inspectdb` writes them.
pub mod chinook_models {
    pub mod mysql;
    pub mod postgres;
    pub mod sqlite;
}
mod derive_types;
pub mod galera;
pub mod harness;
pub mod mariadb_replica;
pub mod models;
pub mod reliability;
pub mod replica;

pub use harness::{Backend, TestDb};
