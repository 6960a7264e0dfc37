//! The compile-fail suite of `#[derive(Model)]` and `#[derive(aksara::Row)]` lives in
//! `tests/compile_fail.rs`, with one case and its expected compiler output per diagnostic in
//! `tests/ui/`. This library is empty.
