//! Generates `Encode`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::bound;
use crate::model::{Field, Input, Shape, Style};

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
                    .map(|(_, b)| quote!(__bw::Encode::encode(#b, __out);));
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
                    .map(|(_, b)| quote!(+ __bw::Encode::size_hint(#b)));
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
        quote!(__bw::Encode::encode(&self.#m, __out);)
    });
    let hints = active.iter().map(|f| {
        let m = &f.member;
        quote!(+ __bw::Encode::size_hint(&self.#m))
    });
    let plain = plain_proof(fields, &quote!(__bw::Encode));
    let body = quote! {
        if !__bw::__private::encode_plain(self, __out) {
            #(#writes)*
        }
    };
    (body, quote!(0 #(#hints)*), plain)
}

/// The `Plain` constant of a struct: plain when every field is plain (per
/// `trait_path`), none is skipped, the target is little-endian, and the
/// offsets and size show the fields lie back to back with no padding.
pub fn plain_proof(fields: &[Field<'_>], trait_path: &TokenStream) -> TokenStream {
    if fields.is_empty() || fields.iter().any(|f| f.skip) {
        return quote!(__bw::__private::Plain::NO);
    }
    let mut conditions = Vec::new();
    let mut offset = quote!(0);
    for f in crate::model::wire_fields(fields) {
        let ty = f.ty;
        let m = &f.member;
        conditions.push(quote!(<#ty as #trait_path>::PLAIN.is_plain()));
        conditions.push(quote!(__bw::__private::offset_of!(Self, #m) == #offset));
        offset = quote!(#offset + __bw::__private::size_of::<#ty>());
    }
    quote! {{
        // SAFETY: plain only when (1) every field's type is plain, so each
        // field's memory is its wire bytes and (for decoding) any bytes are a
        // valid field; (2) the offsets show the fields in declaration order,
        // back to back, and the size equals their sum, so there is no
        // padding and the struct's memory is the concatenation of the
        // fields' wire bytes, which is its BARE encoding; (3) a struct of
        // plain fields has no interior mutability.
        unsafe {
            __bw::__private::Plain::new_unchecked(
                __bw::__private::cfg!(target_endian = "little")
                    #(&& #conditions)*
                    && __bw::__private::size_of::<Self>() == #offset
            )
        }
    }}
}

/// `__f0`, `__f1`, ... for the fields of a variant.
pub fn bindings(fields: &[Field<'_>]) -> Vec<syn::Ident> {
    (0..fields.len())
        .map(|i| quote::format_ident!("__f{}", i))
        .collect()
}

/// The pattern that binds a variant's fields to `bindings`.
pub fn pattern(style: Style, fields: &[Field<'_>], bindings: &[syn::Ident]) -> TokenStream {
    match style {
        Style::Unit => quote!(),
        Style::Tuple => quote!(( #(#bindings),* )),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!({ #(#members: #bindings),* })
        }
    }
}
