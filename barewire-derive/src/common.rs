//! Helpers shared by the generators (`encode`, `decode`, `describe`,
//! `layout`): none of them imports another, only the model and this.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Style};

/// The `Plain` constant of a struct: plain when every field is plain (per
/// `trait_path`), none is skipped, the target is little-endian, and the
/// offsets and size show the fields lie back to back with no padding.
pub fn wire_plain_proof(fields: &[Field<'_>], trait_path: &TokenStream) -> TokenStream {
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
