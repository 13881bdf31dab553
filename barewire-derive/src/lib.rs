//! Derive macros for barewire: `#[derive(Bare)]`.
//!
//! Use them through the `barewire` crate, which re-exports them:
//! `#[derive(barewire::Bare)]`. The macro parses the input into a small typed
//! model (module `model`), checks it (every misuse becomes a compile error at the
//! offending token, all reported at once), then generates one impl per trait
//! (modules `encode`, `decode`, `describe`, `layout`).
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

mod attr;
mod bound;
mod ctxt;
mod decode;
mod describe;
mod encode;
mod layout;
mod model;

use proc_macro::TokenStream;

/// Derives `barewire::Encode`, `barewire::Decode` and
/// `barewire::schema::Describe`: the BARE wire codec and schema of a type.
///
/// See the `barewire` crate docs for the type mapping and the attributes.
#[proc_macro_derive(Bare, attributes(bare))]
pub fn derive_bare(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(&input, false)
}

/// Derives everything `Bare` does for a `#[repr(C)]` struct whose layout is
/// written by hand: fields in declaration order are the layout, each field's
/// `#[bare(field = N)]` is its position on the wire, `#[bare(padding)]`
/// fields (`[u8; N]`) make padding explicit, and `#[bare(align = A)]` raises
/// an alignment. The layout is proved at compile time: a field at the wrong
/// offset, implicit padding, or a field that is not plain data fails to
/// compile with a message that names the field.
#[proc_macro_derive(Layout, attributes(bare))]
pub fn derive_layout(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(&input, true)
}

fn expand(input: &syn::DeriveInput, explicit: bool) -> TokenStream {
    match model::Input::from_ast(input, explicit) {
        Ok(model) => {
            let encode = encode::expand(&model);
            let decode = decode::expand(&model);
            let describe = describe::expand(&model);
            let layout::Expanded {
                view_type,
                impls: layout,
            } = layout::expand(&model);
            let proofs = if explicit {
                layout::explicit_proofs(&model)
            } else {
                quote::quote!()
            };
            let krate = &model.krate;
            let map_key = match model.shape {
                model::Shape::Enum(_) => {
                    let ident = model.ident;
                    quote::quote!(impl __bw::MapKey for #ident {})
                }
                _ => quote::quote!(),
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
            .into()
        }
        Err(errors) => errors.into_compile_error().into(),
    }
}
