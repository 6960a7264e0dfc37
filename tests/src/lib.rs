//! Shared setup for the integration tests: a fresh, isolated database per test, on every
//! backend whose server is reachable, and the models of the seed document.
//!
//! Server URLs come from the environment (`AKSARA_PG_URL`), with the machine's defaults.
//! Outside CI an unreachable server skips its backend with a loud message; with `CI=true` it
//! fails the test.

pub mod chinook;
mod derive_types;
pub mod harness;
pub mod models;
pub mod reliability;

pub use harness::{Backend, TestDb};
