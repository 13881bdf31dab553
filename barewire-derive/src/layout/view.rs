//! The view type of a struct or union (`FooLayout<B>`): its name applied to
//! a buffer, its definition, the impls every view has, and the generics of
//! the layout impls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericParam, Generics, Ident, Member};

use crate::bound;
use crate::model::Input;

/// The names and impl headers used by the layout impls of one input.
pub struct Names {
    /// The input's generics with `Layout` bounds.
    pub generics: Generics,
    /// The input's generics with `FromLayout<'__de>` bounds and `'__de`.
    pub de_generics: Generics,
    /// `FooLayout<()>`: the view type with no buffer, which holds the
    /// layout constants.
    pub unit: TokenStream,
    /// `FooLayout<&'__v [u8]>`: `Layout::View<'__v>`.
    pub shared: TokenStream,
    /// `FooLayout<&'__v mut [u8]>`: `Layout::ViewMut<'__v>`.
    pub mutable: TokenStream,
    /// `<'__v, ...>`: impl parameters of the views over `'__v` buffers.
    pub v_params: TokenStream,
}

impl Names {
    /// The names of `input`'s view type.
    pub fn of(input: &Input<'_>) -> Self {
        Names {
            generics: bound::with_bound(input, &quote!(__bw::layout::Layout)),
            de_generics: bound::with_de_lifetime(input, &quote!(__bw::layout::FromLayout<'__de>)),
            unit: view_ty(input, quote!(())),
            shared: view_ty(input, quote!(&'__v [u8])),
            mutable: view_ty(input, quote!(&'__v mut [u8])),
            v_params: params_with(
                &bound::with_bound(input, &quote!(__bw::layout::Layout)),
                Some(quote!('__v)),
                None,
            ),
        }
    }
}

/// The inherent impl of the view type over any buffer `__B`: the layout
/// constants `consts`.
pub fn constants(input: &Input<'_>, names: &Names, consts: TokenStream) -> TokenStream {
    let generic_buf = view_ty(input, quote!(__B));
    let b_params = params_with(&names.generics, None, Some(quote!(__B)));
    let (_, _, where_clause) = names.generics.split_for_impl();
    quote! {
        impl #b_params #generic_buf #where_clause {
            #consts
        }
    }
}

/// The view type applied to a buffer type: `FooLayout<'l, #buffer, T>`.
pub fn view_ty(input: &Input<'_>, buffer: TokenStream) -> TokenStream {
    let name = &input.layout_name;
    let mut args: Vec<TokenStream> = input
        .generics
        .params
        .iter()
        .map(|p| match p {
            GenericParam::Lifetime(l) => {
                let l = &l.lifetime;
                quote!(#l)
            }
            GenericParam::Type(t) => {
                let t = &t.ident;
                quote!(#t)
            }
            GenericParam::Const(c) => {
                let c = &c.ident;
                quote!(#c)
            }
        })
        .collect();
    let lifetimes = input.generics.lifetimes().count();
    args.insert(lifetimes, buffer);
    quote!(#name<#(#args),*>)
}

/// The name of a struct field's accessor: the field name, or `f0`, `f1`...
pub fn accessor(member: &Member) -> Ident {
    match member {
        Member::Named(ident) => ident.clone(),
        Member::Unnamed(index) => format_ident!("f{}", index.index),
    }
}

/// The name of a struct field's mutable accessor: `x_mut`.
pub fn accessor_mut(member: &Member) -> Ident {
    let base = accessor(member).to_string();
    format_ident!("{}_mut", base.strip_prefix("r#").unwrap_or(&base))
}

/// The view type's definition (outside the `const _` block, so users can
/// name it): the input's generics with the buffer parameter `B` (`Buf` if
/// `B` is taken) after the lifetimes.
pub fn definition(input: &Input<'_>, doc: &str) -> TokenStream {
    let krate = &input.krate;
    let vis = input.vis;
    let name = &input.layout_name;
    let mut def = input.generics.clone();
    let buf = if def.type_params().any(|p| p.ident == "B") {
        format_ident!("Buf")
    } else {
        format_ident!("B")
    };
    let lifetimes = def.lifetimes().count();
    def.params
        .insert(lifetimes, GenericParam::Type(syn::parse_quote!(#buf)));
    // The user's bounds stay (the marker names the input type, which may
    // need them); defaults go, since `B` now follows the lifetimes.
    for param in def.params.iter_mut() {
        match param {
            GenericParam::Type(t) => {
                t.eq_token = None;
                t.default = None;
            }
            GenericParam::Const(c) => {
                c.eq_token = None;
                c.default = None;
            }
            GenericParam::Lifetime(_) => {}
        }
    }
    let ident = input.ident;
    let (_, input_ty, _) = input.generics.split_for_impl();
    let where_clause = &def.where_clause;
    quote! {
        #[doc = #doc]
        #vis struct #name #def #where_clause {
            cur: #krate::__private::Cursor<#buf, #ident #input_ty>,
        }
    }
}

/// Impls every view type has: `Clone` and `Copy` for shared views, and
/// `as_view` on mutable ones.
pub fn common(names: &Names, input: &Input<'_>) -> TokenStream {
    let (_, _, where_clause) = names.generics.split_for_impl();
    let Names {
        v_params,
        shared,
        mutable,
        ..
    } = names;
    let shared_short = view_ty(input, quote!(&'__s [u8]));
    let name = &input.layout_name;
    quote! {
        impl #v_params __bw::__private::Clone for #shared #where_clause {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }
        impl #v_params __bw::__private::Copy for #shared #where_clause {}
        impl #v_params #mutable #where_clause {
            /// A read-only view of the same value.
            #[inline]
            pub fn as_view<'__s>(&'__s self) -> #shared_short {
                #name { cur: self.cur.shared() }
            }
        }
    }
}

/// `Layout::view` and `Layout::view_mut` of a derived type: its view type
/// over the shared or the mutable buffer, one `__private::Cursor` each.
pub fn view_fns(view_name: &Ident) -> TokenStream {
    quote! {
        #[inline]
        unsafe fn view(
            __buf: &[u8],
            __at: usize,
            __trust: __bw::layout::Trust,
        ) -> Self::View<'_> {
            // SAFETY: `Layout::view`'s contract, which the caller keeps, is
            // `Cursor::new`'s.
            #view_name { cur: unsafe { __bw::__private::Cursor::new(__buf, __at, __trust) } }
        }
        #[inline]
        fn view_mut(__buf: &mut [u8], __at: usize) -> Self::ViewMut<'_> {
            #view_name { cur: __bw::__private::Cursor::new_mut(__buf, __at) }
        }
    }
}

/// `<...>`: the generic parameters with their bounds, an extra lifetime
/// first and an extra type parameter last.
fn params_with(
    generics: &Generics,
    lifetime: Option<TokenStream>,
    ty: Option<TokenStream>,
) -> TokenStream {
    let (lifetimes, others): (Vec<&GenericParam>, Vec<&GenericParam>) = generics
        .params
        .iter()
        .partition(|p| matches!(p, GenericParam::Lifetime(_)));
    let strip = |p: &GenericParam| match p {
        GenericParam::Type(t) => {
            let mut t = t.clone();
            t.eq_token = None;
            t.default = None;
            quote!(#t)
        }
        GenericParam::Const(c) => {
            let mut c = c.clone();
            c.eq_token = None;
            c.default = None;
            quote!(#c)
        }
        GenericParam::Lifetime(l) => quote!(#l),
    };
    let all = lifetime
        .into_iter()
        .chain(lifetimes.into_iter().map(strip))
        .chain(others.into_iter().map(strip))
        .chain(ty);
    quote!(<#(#all),*>)
}
