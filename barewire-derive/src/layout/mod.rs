//! Generates `layout::Layout` and `layout::FromLayout`, and the in-place
//! view type (`FooLayout`) with an accessor per field.
//!
//! One file per concern: `fields` places a list of fields at the offsets of
//! a `StructLayout` (for structs and union members alike), `view` names and
//! defines the view type, `structs`, `unions` and `enums` generate each
//! shape, and `explicit` proves a hand-written `#[derive(Layout)]` layout.

mod enums;
mod explicit;
mod fields;
mod structs;
mod unions;
mod view;
mod wire_only;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Input, Shape};

pub use explicit::proofs as explicit_proofs;

/// The view type's definition (outside the `const _` block, so users can
/// name it) and the impls (inside it).
pub struct Expanded {
    /// `pub struct FooLayout<B> { .. }`, or nothing.
    pub view_type: TokenStream,
    /// The layout impls.
    pub impls: TokenStream,
}

/// The layout of the input.
pub fn expand(input: &Input<'_>) -> Expanded {
    if let Some(field) = crate::model::wire_only_fields(input).first() {
        return Expanded {
            view_type: quote!(),
            impls: wire_only::expand(input, field),
        };
    }
    match &input.shape {
        Shape::Struct(fields, style) => structs::expand(input, fields, *style),
        Shape::Union(variants) => unions::expand(input, variants),
        Shape::Enum(variants) => Expanded {
            view_type: quote!(),
            impls: enums::expand(input, variants),
        },
    }
}
