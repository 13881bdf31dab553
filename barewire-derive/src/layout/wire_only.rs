//! The layout of a wire-only type: one with an adapter field
//! (`#[bare(with = "module")]`) whose module gives no layout (no
//! `with_layout`), so its in-place form is unknown.
//!
//! It gets a `Layout` impl that can never be used: its where clause asks
//! for the layout of a marker type named after the field, so asking for the
//! type's layout (`to_layout`, `view`, a field of a type with a layout) is a
//! compile error that names the field. The bound is higher-ranked
//! (`for<'__w>`) so that it is checked where the impl is used, not where it
//! is written.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Field, Input};

/// The blocked impl, naming the first adapter field.
pub fn expand(input: &Input<'_>, field: &Field<'_>) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let field_name = match &field.member {
        syn::Member::Named(name) => name.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    };
    let marker = format_ident!(
        "field_{}_of_{}_has_an_adapter_so_{}_is_wire_only",
        field_name,
        ident,
        ident
    );
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    predicates.push(quote!(for<'__w> #marker: __bw::Layout));
    quote! {
        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        pub struct #marker;

        #[allow(private_bounds, private_interfaces)]
        impl #impl_generics __bw::Layout for #ident #ty_generics where #(#predicates),* {
            const SIZE: __bw::__private::usize = 0;
            const ALIGN: __bw::__private::usize = 1;
            type View<'__a> = ();
            type ViewMut<'__a> = ();
            fn write(&self, _: &mut __bw::layout::Writer, _: __bw::__private::usize) {}
            fn check(
                _: &[__bw::__private::u8],
                _: __bw::__private::usize,
                _: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                __bw::__private::Ok(())
            }
            unsafe fn view(_: &[__bw::__private::u8], _: __bw::__private::usize, _: __bw::layout::Trust) {}
            fn view_mut(_: &mut [__bw::__private::u8], _: __bw::__private::usize) {}
        }
    }
}
