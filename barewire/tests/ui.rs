//! Compile-fail tests: every misuse of the derive is a compile error that
//! says what to change, and mapping a file another process can change needs
//! `unsafe`. The expected messages are checked in beside each case.

#[test]
#[cfg_attr(miri, ignore)]
fn derive_misuse_fails_to_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/derive/*.rs");
}

/// Every `#[bare(...)]` key written where it does nothing (misplaced,
/// repeated, contradicting another) is an error at the key.
#[test]
#[cfg_attr(miri, ignore)]
fn misplaced_attributes_fail_to_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/attrs/*.rs");
}

/// Field adapters (`#[bare(with = "module")]`): an incomplete module is an
/// error at the attribute, misplaced `with` an error at the key, and the
/// layout of a wire-only type an error that names the adapter field.
#[test]
#[cfg_attr(miri, ignore)]
fn adapter_misuse_fails_to_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/adapter/*.rs");
}

#[test]
#[cfg_attr(miri, ignore)]
fn wrong_explicit_layouts_fail_to_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/layout/*.rs");
}

#[test]
#[cfg_attr(miri, ignore)]
fn plain_claims_need_unsafe() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/plain/*.rs");
}

/// Every entry point that maps a file another process can change is
/// `unsafe` to call: the channel constructors and `ImageFile::open`.
#[test]
#[cfg(feature = "ipc")]
#[cfg_attr(miri, ignore)]
fn mapping_a_shared_file_needs_unsafe() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/mapping/*.rs");
}

/// Derive plumbing is not reachable through the public modules.
#[test]
#[cfg(feature = "mmap")]
#[cfg_attr(miri, ignore)]
fn plumbing_is_not_public() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/api/*.rs");
}

/// A schema error through `include_schema!` names the file, line and
/// column; an unknown option is an error at the option.
#[test]
#[cfg_attr(miri, ignore)]
fn schema_errors_fail_to_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/schema/*.rs");
}
