//! Derive macros for barewire: `#[derive(Bare)]` and `#[derive(Layout)]`.
//!
//! Use them through the `barewire` crate, which re-exports them:
//! `#[derive(barewire::Bare)]`. Each derive runs in three phases:
//!
//! 1. **parse** (`model`, `attr`): the input becomes a typed model, every
//!    `#[bare(...)]` value kept with its span; only malformed attributes are
//!    errors here;
//! 2. **check** (`check`): one function per rule; every misuse becomes an
//!    error at the offending token, collected in a `Ctxt` and reported all
//!    at once;
//! 3. **generate**: one module per generated trait (`encode`, `decode`,
//!    `describe`, `layout`), each reading only the checked model and the
//!    shared helpers (`common`, `bound`, `case`), never another generator.
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

mod attr;
mod bound;
mod check;
mod common;
mod ctxt;
mod decode;
mod describe;
mod encode;
mod layout;
mod map_key;
mod model;
mod schema;
#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;

/// Derives `barewire::Encode`, `barewire::Decode` and
/// `barewire::schema::Describe`: the BARE wire codec and schema of a type.
///
/// See the `barewire` crate docs for the type mapping and the attributes.
///
/// **Recursive types.** A last field on the wire of type `Box<Self>` (in a
/// union member) or `Option<Box<Self>>` (in a struct or a union member),
/// `Self` spelled `Self` or as the type's name with its own parameters, is
/// a tail link, and so is `Owned<'p, Self>` or `Option<Owned<'p, Self>>` in
/// the same places: any path whose last segment is `Owned`, with one
/// lifetime and `Self`, is taken for `barewire_pool::Owned` (a type named
/// `Owned` in that position must be barewire_pool's), whose decode moves
/// each node into the reader's arena. The generated encode, size hint,
/// decode, layout write, check and rebuild walk a chain of tail links in a
/// loop (the decoders keep each node's other fields in a heap `Vec` and
/// build the links from the end), so lists of any length take constant
/// stack and count against no depth limit. Any other recursion recurses,
/// bounded by `Limits::max_depth` and `Limits::max_stack`. The derive adds
/// no `Drop` (that would forbid moving fields out of the type), and Rust
/// drops a `Box` chain recursively, so give a long list a `Drop` that
/// detaches each tail with `take()` in a loop: the "Recursive types of any
/// length" section of the `barewire` crate docs shows it (an `Owned` chain
/// drops without recursion by itself).
#[proc_macro_derive(Bare, attributes(bare))]
pub fn derive_bare(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(&input, false).into()
}

/// Derives everything `Bare` does for a `#[repr(C)]` struct whose layout is
/// written by hand: fields in declaration order are the layout, each field's
/// `#[bare(field = N)]` is its position on the wire (or no field says one:
/// declaration order), `#[bare(padding)]` fields (`[u8; N]`) make padding
/// explicit, and `#[bare(align = A)]` raises an alignment. The layout is
/// proved at compile time: a field at the wrong offset, implicit padding,
/// or a field whose memory is not its layout fails to compile with a
/// message that names the field. A struct generic over types cannot spell
/// padding that depends on its parameters, so there implicit padding is
/// accepted; the proofs run for each concrete type.
///
/// Fields may be numbers, `bool`, field-less `#[repr(uN)]` enums, other
/// explicit structs and the in-place types `barewire::{BarePtr, BareSpan,
/// BareStr, BareArray, BareOption}`. A struct with in-place fields (named
/// anywhere in a field's type) gets the schema, the layout and the view,
/// but no `Encode`, `Decode` or `FromLayout`: its offsets mean something
/// only inside its image. Its view (and every explicit struct's) has
/// `get()`, the record as `&Self`, and `resolve`, `str` and `span`, which
/// follow its in-place fields through the image (a method is left out where
/// a field's accessor has its name).
#[proc_macro_derive(Layout, attributes(bare))]
pub fn derive_layout(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(&input, true).into()
}

/// Rust types from a BARE schema file, in place: the file is read at
/// compile time (its path relative to the crate's `Cargo.toml`, as
/// `CARGO_MANIFEST_DIR` says), parsed, and turned into one type per
/// definition by the generator of `barewire_schema::codegen` (see its docs
/// for the mapping), each deriving `barewire::Bare`.
///
/// ```text
/// barewire::include_schema!("schema/app.bare");
/// barewire::include_schema!("schema/old.bare", legacy, borrowed, hash_map);
/// ```
///
/// Options after the path: `legacy` accepts the older schema syntax,
/// `borrowed` makes `str` and `data` borrowed (`&'a str`, `&'a [u8]`),
/// `hash_map` makes maps `std::collections::HashMap`.
///
/// A schema error is a compile error with the file, line and column. The
/// expansion includes the file with `include_bytes!`, so editing the schema
/// rebuilds the crate. Use it through `barewire::include_schema!` (the
/// `barewire::schema` module docs have an example that runs).
#[proc_macro]
pub fn include_schema(input: TokenStream) -> TokenStream {
    schema::include_schema(input.into()).into()
}

/// Parse, check, generate: the expansion of `#[derive(Bare)]`, or of
/// `#[derive(Layout)]` when `explicit`; the errors as `compile_error!`s if
/// any rule failed.
fn expand(input: &syn::DeriveInput, explicit: bool) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::new();
    let model = model::Input::from_ast(&cx, input, explicit);
    check::check(&cx, &model);
    match cx.check() {
        Ok(()) => generate(&model),
        Err(errors) => errors.into_compile_error(),
    }
}

/// The code of a checked model.
fn generate(model: &model::Input<'_>) -> proc_macro2::TokenStream {
    // An explicit layout with in-place fields has no wire codec: its
    // pointers mean something only inside its image.
    let (encode, decode) = if model.in_place {
        (quote::quote!(), quote::quote!())
    } else {
        (encode::expand(model), decode::expand(model))
    };
    let describe = describe::expand(model);
    let layout::Expanded {
        view_type,
        impls: layout,
    } = layout::expand(model);
    let proofs = if model.explicit {
        layout::explicit_proofs(model)
    } else {
        quote::quote!()
    };
    let krate = &model.krate;
    let map_key = match model.shape {
        model::Shape::Enum(_) => {
            let ident = model.ident;
            quote::quote!(impl __bw::MapKey for #ident {})
        }
        _ if model.in_place => quote::quote!(),
        _ => map_key::expand(model),
    };
    quote::quote! {
        #view_type
        #[automatically_derived]
        #[allow(non_upper_case_globals, unused_qualifications, unused_variables, clippy::all)]
        const _: () = {
            use #krate as __bw;
            #encode
            #decode
            #describe
            #map_key
            #layout
            #proofs
        };
    }
}
