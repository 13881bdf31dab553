//! Generics of generated impls: the input's parameters plus inferred bounds.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericParam, Generics, WherePredicate, parse_quote};

use crate::model::Input;

/// The input's generics with `T: <bound>` added for every type parameter,
/// or with the predicates of `#[bare(bound = "...")]` instead.
pub fn with_bound(input: &Input<'_>, bound: &TokenStream) -> Generics {
    let mut generics = input.generics.clone();
    let predicates: Vec<WherePredicate> = match &input.bound {
        Some(explicit) => explicit.clone(),
        None => input
            .generics
            .type_params()
            .map(|p| {
                let ident = &p.ident;
                parse_quote!(#ident: #bound)
            })
            .collect(),
    };
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

/// [`with_bound`] plus a leading `'__de` lifetime that outlives every
/// lifetime of the input, for `Decode<'__de>` impls.
pub fn with_de_lifetime(input: &Input<'_>, bound: &TokenStream) -> Generics {
    let mut generics = with_bound(input, bound);
    let lifetimes: Vec<syn::Lifetime> = input
        .generics
        .lifetimes()
        .map(|l| l.lifetime.clone())
        .collect();
    let de: syn::LifetimeParam = if lifetimes.is_empty() {
        parse_quote!('__de)
    } else {
        parse_quote!('__de: #(#lifetimes)+*)
    };
    generics.params.insert(0, GenericParam::Lifetime(de));
    generics
}

/// The type parameters' idents, for schema instance names.
pub fn type_params(input: &Input<'_>) -> Vec<TokenStream> {
    input
        .generics
        .type_params()
        .map(|p| {
            let ident = &p.ident;
            quote!(#ident)
        })
        .collect()
}
