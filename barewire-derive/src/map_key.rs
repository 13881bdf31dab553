//! `#[bare(map_key)]`: a newtype that keys maps like the type it wraps
//! (`barewire::MapKey` and `barewire::layout::LayoutKey`, delegated to the
//! field, which is at offset 0 of the newtype's layout).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Input, Shape};

/// The two impls, or nothing without `map_key`.
pub fn expand(input: &Input<'_>) -> TokenStream {
    if !input.attrs.map_key.is_set() {
        return quote!();
    }
    let Shape::Struct(fields, _) = &input.shape else {
        return quote!();
    };
    let Some(field) = fields.iter().find(|f| !f.skip) else {
        return quote!();
    };
    let ident = input.ident;
    let inner = &field.ty;
    let member = &field.member;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    let key = quote!(<#inner as __bw::layout::LayoutKey>);
    predicates.push(quote!(#inner: __bw::MapKey + __bw::layout::LayoutKey));
    quote! {
        impl #impl_generics __bw::MapKey for #ident #ty_generics where #(#predicates),* {}

        impl #impl_generics __bw::layout::LayoutKey for #ident #ty_generics where #(#predicates),* {
            type Query = #key::Query;
            #[inline]
            fn cmp_query(__buf: &[u8], __at: usize, __q: &Self::Query) -> __bw::__private::Ordering {
                #key::cmp_query(__buf, __at, __q)
            }
            #[inline]
            fn cmp_at(__buf: &[u8], __a: usize, __b: usize) -> __bw::__private::Ordering {
                #key::cmp_at(__buf, __a, __b)
            }
            #[inline]
            fn cmp_cost(__buf: &[u8], __a: usize, __b: usize) -> usize {
                #key::cmp_cost(__buf, __a, __b)
            }
            #[inline]
            fn cmp_keys(__a: &Self, __b: &Self) -> __bw::__private::Ordering {
                #key::cmp_keys(&__a.#member, &__b.#member)
            }
            #[inline]
            fn check_key(
                __buf: &[u8],
                __at: usize,
                __cx: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                #key::check_key(__buf, __at, __cx)
            }
        }
    }
}
