//! A schema error in a file given to `include_schema!` is a compile error
//! with the file, line and column. (trybuild builds this file in a crate
//! at `target/tests/trybuild/barewire`, whose `CARGO_MANIFEST_DIR` the path
//! is relative to.)
barewire::include_schema!("../../../../barewire/tests/ui/schema/bad.bare");

barewire::include_schema!("../../../../barewire/tests/ui/schema/bad.bare", sideways);

fn main() {}
