//! Compile-fail tests: each rule of linear ownership the compiler enforces,
//! and the short errors for misuse (`Owned` sent to another thread, a type
//! that is not `Blit`).

#[test]
#[cfg_attr(miri, ignore)]
fn linear_ownership_rules_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
