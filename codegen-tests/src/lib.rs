//! Rust generated from every valid schema of bare-ts's corpus, by
//! `barewire-build` in this crate's build script (owned and borrowed
//! strings), compiled as one crate; `tests/corpus.rs` checks that each
//! generated type describes the schema it came from.
#![allow(missing_docs)]

use barewire::schema::Schema;

/// One generated schema.
pub struct Case {
    /// The corpus case (with `_borrowed` for borrowed strings).
    pub name: &'static str,
    /// The schema file.
    pub path: &'static str,
    /// Whether it is in the legacy syntax.
    pub legacy: bool,
    /// `barewire::schema_model` of each generated definition.
    pub models: Vec<Schema>,
}

/// `barewire::schema_model::<T>()`.
pub fn model_of<T: barewire::schema::Describe + ?Sized>() -> Schema {
    barewire::schema_model::<T>()
}

include!(concat!(env!("OUT_DIR"), "/index.rs"));
