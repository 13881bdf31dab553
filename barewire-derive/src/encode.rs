//! Generates `Encode`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::bound;
use crate::common::{bindings, encode_field, pattern, size_hint_field, wire_plain_proof};
use crate::model::{Field, Input, Shape};

/// The `impl Encode` of the input.
pub fn expand(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let generics = bound::with_bound(input, &quote!(__bw::Encode));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (body, size_hint, plain) = match &input.shape {
        Shape::Struct(fields, _) => struct_body(fields),
        Shape::Enum(variants) => {
            let arms = variants.iter().map(|v| {
                let v = v.ident;
                quote!(Self::#v => Self::#v as __bw::__private::i128 as __bw::__private::u64)
            });
            let value = quote!(match self { #(#arms,)* });
            (
                quote!(__bw::__private::write_uint(__out, #value);),
                quote!(__bw::__private::size_of::<__bw::__private::u64>()),
                quote!(__bw::__private::Plain::NO),
            )
        }
        Shape::Union(variants) => {
            let arms = variants.iter().map(|v| {
                let vi = v.ident;
                let tag = v.tag;
                let bindings = bindings(&v.fields);
                let pattern = pattern(v.style, &v.fields, &bindings);
                let writes = v
                    .fields
                    .iter()
                    .zip(&bindings)
                    .filter(|(f, _)| !f.skip)
                    .map(|(f, b)| encode_field(f, &quote!(#b)));
                quote!(Self::#vi #pattern => {
                    __bw::__private::write_uint(__out, #tag);
                    #(#writes)*
                })
            });
            let hints = variants.iter().map(|v| {
                let vi = v.ident;
                let bindings = bindings(&v.fields);
                let pattern = pattern(v.style, &v.fields, &bindings);
                let sizes = v
                    .fields
                    .iter()
                    .zip(&bindings)
                    .filter(|(f, _)| !f.skip)
                    .map(|(f, b)| size_hint_field(f, &quote!(#b)));
                quote!(Self::#vi #pattern => 1 #(#sizes)*)
            });
            (
                quote!(match self { #(#arms)* }),
                quote!(match self { #(#hints,)* }),
                quote!(__bw::__private::Plain::NO),
            )
        }
    };
    quote! {
        impl #impl_generics __bw::Encode for #ident #ty_generics #where_clause {
            #[inline]
            fn encode(&self, __out: &mut __bw::__private::Vec<__bw::__private::u8>) {
                #body
            }
            const PLAIN: __bw::__private::Plain<Self, __bw::__private::IntoWire> = #plain;
            #[inline]
            fn size_hint(&self) -> __bw::__private::usize {
                #size_hint
            }
        }
    }
}

/// Encode body, size hint and plainness of a struct.
fn struct_body(fields: &[Field<'_>]) -> (TokenStream, TokenStream, TokenStream) {
    let active = crate::model::wire_fields(fields);
    let writes = active.iter().map(|f| {
        let m = &f.member;
        encode_field(f, &quote!(&self.#m))
    });
    let hints = active.iter().map(|f| {
        let m = &f.member;
        size_hint_field(f, &quote!(&self.#m))
    });
    let plain = wire_plain_proof(fields, &quote!(__bw::Encode));
    let body = quote! {
        if !__bw::__private::encode_plain(self, __out) {
            #(#writes)*
        }
    };
    (body, quote!(0 #(#hints)*), plain)
}
