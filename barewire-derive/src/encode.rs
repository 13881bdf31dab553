//! Generates `Encode`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::bound;
use crate::common::{
    bindings, encode_field, link, pattern, size_hint_field, tail, wire_plain_proof,
};
use crate::model::{Field, Input, Shape, UnionVariant};

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
        Shape::Union(variants) if variants.iter().any(|v| tail(&v.fields).is_some()) => {
            linked_union_body(variants)
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
    if let Some(tail) = tail(fields) {
        return linked_struct_body(fields, tail);
    }
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

/// Encode body, size hint and plainness of a struct whose last field links
/// to the next node: a loop over the nodes (never plain: it holds a box).
fn linked_struct_body(
    fields: &[Field<'_>],
    tail: &Field<'_>,
) -> (TokenStream, TokenStream, TokenStream) {
    let head = fields.iter().filter(|f| !f.skip && !f.tail);
    let writes = head.clone().map(|f| {
        let m = &f.member;
        encode_field(f, &quote!(&__node.#m))
    });
    let hints = head.map(|f| {
        let m = &f.member;
        size_hint_field(f, &quote!(&__node.#m))
    });
    let link = link(tail);
    let next = &tail.member;
    let body = quote! {
        let mut __next = __bw::__private::Some(self);
        while let __bw::__private::Some(__node) = __next {
            #(#writes)*
            __next = #link::encode(&__node.#next, __out);
        }
    };
    let hint = quote! {
        let mut __hint: __bw::__private::usize = 0;
        let mut __next = __bw::__private::Some(self);
        while let __bw::__private::Some(__node) = __next {
            __hint = __hint.saturating_add(#link::WIRE_SIZE #(#hints)*);
            __next = #link::next(&__node.#next);
        }
        __hint
    };
    (body, hint, quote!(__bw::__private::Plain::NO))
}

/// Encode body, size hint and plainness of a union with a member whose
/// last field links to the next node: a loop over the nodes, each arm
/// giving the node that follows (none for a member without a link).
fn linked_union_body(variants: &[UnionVariant<'_>]) -> (TokenStream, TokenStream, TokenStream) {
    let arms = variants.iter().map(|v| {
        let vi = v.ident;
        let tag = v.tag;
        let bindings = bindings(&v.fields);
        let pattern = pattern(v.style, &v.fields, &bindings);
        let on_wire = || {
            v.fields
                .iter()
                .zip(&bindings)
                .filter(|(f, _)| !f.skip && !f.tail)
        };
        let writes = on_wire().map(|(f, b)| encode_field(f, &quote!(#b)));
        let sizes = on_wire().map(|(f, b)| size_hint_field(f, &quote!(#b)));
        let (next, hint_next, link_size) =
            match v.fields.iter().zip(&bindings).find(|(f, _)| f.tail) {
                Some((f, b)) => {
                    let link = link(f);
                    (
                        quote!(#link::encode(#b, __out)),
                        quote!(#link::next(#b)),
                        quote!(+ #link::WIRE_SIZE),
                    )
                }
                None => (
                    quote!(__bw::__private::None),
                    quote!(__bw::__private::None),
                    quote!(),
                ),
            };
        let write = quote!(Self::#vi #pattern => {
            __bw::__private::write_uint(__out, #tag);
            #(#writes)*
            #next
        });
        let hint = quote!(Self::#vi #pattern => {
            __hint = __hint.saturating_add(1 #link_size #(#sizes)*);
            #hint_next
        });
        (write, hint)
    });
    let (writes, hints): (Vec<_>, Vec<_>) = arms.unzip();
    let body = quote! {
        let mut __next = __bw::__private::Some(self);
        while let __bw::__private::Some(__node) = __next {
            __next = match __node { #(#writes)* };
        }
    };
    let hint = quote! {
        let mut __hint: __bw::__private::usize = 0;
        let mut __next = __bw::__private::Some(self);
        while let __bw::__private::Some(__node) = __next {
            __next = match __node { #(#hints)* };
        }
        __hint
    };
    (body, hint, quote!(__bw::__private::Plain::NO))
}
