//! Compile-fail tests: each rule of linear ownership the compiler enforces.

#[test]
#[cfg_attr(miri, ignore)]
fn linear_ownership_rules_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
