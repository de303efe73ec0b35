//! Every misuse of the macros is a clear, spanned compile error.
//!
//! One file per mistake in `tests/ui/`, each with its committed `.stderr`.
//! After changing a message, refresh with `TRYBUILD=overwrite cargo test -p
//! graceful-exit --test ui` and read every diff: the message is part of the
//! product.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
