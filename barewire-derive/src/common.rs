//! Helpers shared by the generators (`encode`, `decode`, `describe`,
//! `layout`): none of them imports another, only the model and this.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Style};

/// The `Plain` constant of a struct: plain when every field is plain (per
/// `trait_path`), none is skipped, the target is little-endian, and the
/// offsets and size show the fields lie back to back with no padding.
pub fn wire_plain_proof(fields: &[Field<'_>], trait_path: &TokenStream) -> TokenStream {
    if fields.is_empty() || fields.iter().any(|f| f.skip || f.with.is_some()) {
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

/// `encode` of one field whose value is the expression `value` (a reference).
pub fn encode_field(f: &Field<'_>, value: &TokenStream) -> TokenStream {
    match &f.with {
        Some(path) => {
            let f = adapter_fn(f, path, "encode");
            quote!(#f(#value, __out);)
        }
        None => quote!(__bw::Encode::encode(#value, __out);),
    }
}

/// The size hint of one field (0 for an adapter field: unknown).
pub fn size_hint_field(f: &Field<'_>, value: &TokenStream) -> TokenStream {
    match &f.with {
        Some(_) => quote!(+ 0),
        None => quote!(+ __bw::Encode::size_hint(#value)),
    }
}

/// The schema type of one field, in a `describe` body.
pub fn describe_field(f: &Field<'_>) -> TokenStream {
    let ty = f.ty;
    match &f.with {
        Some(path) => {
            let f = adapter_fn(f, path, "describe");
            quote!(#f(&mut __bw::adapter::Schema::new(__b)))
        }
        None => quote!(<#ty as __bw::schema::Describe>::describe(__b)),
    }
}

/// `module::name` of a field adapter, spanned at the attribute's literal so
/// that a module without the function is an error there.
pub fn adapter_fn(f: &Field<'_>, path: &syn::Path, name: &str) -> TokenStream {
    let span = f
        .attrs
        .with
        .get()
        .map_or_else(proc_macro2::Span::call_site, |w| w.span);
    let name = syn::Ident::new(name, span);
    quote::quote_spanned!(span=> #path::#name)
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
