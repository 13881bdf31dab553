//! The layout facts of a type and of every type it reaches: what the type
//! fingerprint hashes besides the schema.

use alloc::collections::BTreeSet;
use alloc::string::String;
use core::fmt::Write as _;

use super::{Layout, LayoutTable};

/// The layout facts of the types a root reaches, gathered by
/// `Layout::layout_facts` (the derive writes it) for the type fingerprint
/// (`barewire::mmap::fingerprint_text`).
///
/// Types are written in the order they are first reached and named by that
/// order (`#0` is the root), not by their Rust path, so moving a type to
/// another module leaves the fingerprint as it was.
#[derive(Debug, Default)]
pub struct LayoutFacts {
    /// Types already written, by `core::any::type_name`: each is written
    /// once, so recursive types end.
    seen: BTreeSet<&'static str>,
    text: String,
}

impl LayoutFacts {
    /// Writes the facts of `T` with the hints the derive saw, unless `T` was
    /// written before; `true` if the caller should go on to `T`'s fields'
    /// types.
    pub fn enter<T: Layout + ?Sized>(&mut self, hints: &str) -> bool {
        if !self.seen.insert(core::any::type_name::<T>()) {
            return false;
        }
        let table = LayoutTable::of::<T>();
        // `write!` to a String cannot fail.
        let _ = writeln!(
            self.text,
            "layout #{} {} {} {hints}",
            self.seen.len() - 1,
            table.size,
            table.align
        );
        for field in table.fields {
            let _ = writeln!(
                self.text,
                "field {} {} {} {} {}",
                field.name, field.offset, field.size, field.align, field.padding_after
            );
        }
        true
    }
}

impl LayoutFacts {
    /// The facts gathered so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}
