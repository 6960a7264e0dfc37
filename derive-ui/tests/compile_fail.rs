//! The diagnostics of `#[derive(Model)]` and `#[derive(aksara::Row)]`, as the compiler shows
//! them: each case in `tests/ui/model/` and `tests/ui/row/` must fail with the message in its
//! `.stderr` file, and `tests/ui/pass/` must compile without a warning (`#![deny(warnings)]`).
//!
//! All cases build in one batch. After changing a message, regenerate the expected output
//! with `TRYBUILD=overwrite cargo test -p aksara-derive-ui` and review the
//! diff.

#[test]
fn derive_diagnostics() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/model/*.rs");
    cases.compile_fail("tests/ui/row/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
