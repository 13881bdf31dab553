//! Compile-fail tests: each rule of linear ownership the compiler enforces.

#[test]
#[cfg_attr(miri, ignore)]
fn linear_ownership_rules_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    // "`Owned` is not `Send`": the compiler lists every non-`Sync` field of
    // the allocator an `Owned` borrows, and the `track` feature adds fields,
    // so the expected output differs with the feature.
    if cfg!(feature = "track") {
        t.compile_fail("tests/ui/track/*.rs");
    } else {
        t.compile_fail("tests/ui/plain/*.rs");
    }
}
