//! Generics of generated impls: the input's parameters plus inferred bounds.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericParam, Generics, WherePredicate, parse_quote};

use crate::model::{Input, Shape};

/// The input's generics with `T: <bound>` added for every type parameter,
/// or with the predicates of `#[bare(bound = "...")]` instead.
pub fn with_bound(input: &Input<'_>, bound: &TokenStream) -> Generics {
    let mut generics = input.generics.clone();
    let predicates: Vec<WherePredicate> = match &input.bound {
        Some(explicit) => explicit.clone(),
        None => {
            let mut predicates: Vec<WherePredicate> = input
                .generics
                .type_params()
                .map(|p| {
                    let ident = &p.ident;
                    parse_quote!(#ident: #bound)
                })
                .collect();
            // Field types built from type parameters get the bound too, so
            // that what a field needs of a parameter (a map key's trait, say)
            // is asked of the caller; recursive fields are left out, as their
            // bound would refer to itself.
            for ty in field_types(input) {
                if mentions_param(ty, input) && !mentions(ty, &input.ident.to_string()) {
                    predicates.push(parse_quote!(#ty: #bound));
                }
            }
            predicates
        }
    };
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

/// The types of every field on the wire or in the layout.
fn field_types<'a>(input: &'a Input<'_>) -> Vec<&'a syn::Type> {
    match &input.shape {
        Shape::Struct(fields, _) => fields
            .iter()
            .filter(|f| !f.skip && f.with.is_none())
            .map(|f| &f.ty)
            .collect(),
        Shape::Union(variants) => variants
            .iter()
            .flat_map(|v| {
                v.fields
                    .iter()
                    .filter(|f| !f.skip && f.with.is_none())
                    .map(|f| &f.ty)
            })
            .collect(),
        Shape::Enum(_) => Vec::new(),
    }
}

/// Whether `ty` names one of the input's type parameters (and is not just
/// the parameter itself, which already has its bound).
fn mentions_param(ty: &syn::Type, input: &Input<'_>) -> bool {
    let is_param = input.generics.type_params().any(
        |p| matches!(ty, syn::Type::Path(t) if t.qself.is_none() && t.path.is_ident(&p.ident)),
    );
    !is_param
        && input
            .generics
            .type_params()
            .any(|p| mentions(ty, &p.ident.to_string()))
}

/// Whether the identifier `name` appears in `ty`, or `Self` does.
fn mentions(ty: &syn::Type, name: &str) -> bool {
    quote!(#ty).into_iter().any(|t| token_mentions(&t, name))
}

/// Whether `token` is the identifier `name` or `Self`, or a group that
/// holds one.
fn token_mentions(token: &proc_macro2::TokenTree, name: &str) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(i) => i == name || i == "Self",
        proc_macro2::TokenTree::Group(g) => {
            g.stream().into_iter().any(|t| token_mentions(&t, name))
        }
        _ => false,
    }
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
