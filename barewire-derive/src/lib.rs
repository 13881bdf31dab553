//! Derive macros for barewire: `#[derive(Bare)]`.
//!
//! Use them through the `barewire` crate, which re-exports them:
//! `#[derive(barewire::Bare)]`. The macro parses the input into a small typed
//! model ([`model`]), checks it (every misuse becomes a compile error at the
//! offending token, all reported at once), then generates one impl per trait
//! ([`encode`], [`decode`], [`describe`]).
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
    match model::Input::from_ast(&input) {
        Ok(model) => {
            let encode = encode::expand(&model);
            let decode = decode::expand(&model);
            let describe = describe::expand(&model);
            let layout::Expanded {
                view_type,
                impls: layout,
            } = layout::expand(&model);
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
                };
            }
            .into()
        }
        Err(errors) => errors.into_compile_error().into(),
    }
}
