//! The compile-time proofs of a `#[derive(Layout)]` struct, whose layout is
//! written by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::view;
use crate::model::{Input, Shape};

/// The compile-time proofs of a `#[derive(Layout)]` struct: each field is
/// in-place data whose Rust size is its layout size, sits at the offset the
/// layout rules give it with no implicit padding before it, and the
/// struct's size is the layout's (padding at the end, to its alignment, may
/// be implicit: `#[repr(C)]` adds the same). A failure names the field.
///
/// A struct generic over types cannot spell padding whose length depends on
/// its parameters, so there implicit padding is allowed (the offsets and
/// the size are still proved, and the writer zeroes the padding); its
/// proofs are an associated constant that `Layout::SIZE` evaluates, so they
/// run for each concrete type.
pub fn proofs(input: &Input<'_>) -> TokenStream {
    let Shape::Struct(fields, _) = &input.shape else {
        return quote!();
    };
    let ident = input.ident;
    let generic = input.generics.type_params().next().is_some();
    let names = view::Names::of(input);
    let (impl_generics, ty_generics, where_clause) = names.generics.split_for_impl();
    let unit_view = view::view_ty(input, quote!(()));
    let layout = quote!(<#unit_view>::__LAYOUT);
    let this = quote!(#ident #ty_generics);
    let mut checks = Vec::new();
    // Where the field before ends: the next field must start there.
    let mut prev_end = quote!(0usize);
    for (i, f) in fields.iter().enumerate() {
        let ty = &f.ty;
        let m = &f.member;
        let name = view::accessor(m).to_string();
        let not_plain = format!(
            "field `{name}` of `{ident}`: an explicit layout holds only in-place data whose memory is its layout (numbers, arrays, bool, field-less enums, `Uint`/`Int`, `BarePtr`, `BareSpan`, `BareStr`, `BareArray`, `BareOption` and other #[derive(Layout)] structs); use #[derive(Bare)] for `String`, `Vec` and `Box`"
        );
        let misplaced = format!(
            "field `{name}` of `{ident}`: Rust places it at another offset than the layout does; check #[repr(C)], the field order and its `align`"
        );
        let padded = format!(
            "field `{name}` of `{ident}`: the layout needs padding before it (its alignment); add an explicit `#[bare(padding)] _pad: [u8; N]` field before it"
        );
        checks.push(quote! {
            __bw::__private::assert!(
                __bw::__private::size_of::<#ty>() == <#ty as __bw::layout::Layout>::SIZE
                    && (<#ty as __bw::layout::Layout>::PLAIN.is_plain()
                        || __bw::__private::readable::<#ty>()),
                #not_plain
            );
        });
        if !generic {
            checks.push(quote! {
                __bw::__private::assert!(#layout.offsets[#i] == #prev_end, #padded);
            });
        }
        checks.push(quote! {
            __bw::__private::assert!(__bw::__private::offset_of!(#this, #m) == #layout.offsets[#i], #misplaced);
        });
        prev_end = quote!(#layout.offsets[#i] + <#ty as __bw::layout::Layout>::SIZE);
    }
    // Padding at the end, up to the struct's alignment, may be left to
    // #[repr(C)], which adds exactly what the layout does (the size check
    // below proves it): the writer zeroes it, and a record read in place
    // holds no value there. So the last field's end is not checked.
    let size = format!(
        "`{ident}`: Rust's size differs from the layout's; check #[repr(C)] and the `align` hints (an `align` above the fields' own alignment makes the layout end with padding Rust does not add: write it as a `#[bare(padding)]` field at the end, or give the struct `#[repr(C, align(N))]`)"
    );
    checks.push(quote! {
        __bw::__private::assert!(__bw::__private::size_of::<#this>() == #layout.size, #size);
    });
    if generic {
        quote! {
            impl #impl_generics #unit_view #where_clause {
                #[doc(hidden)]
                pub const __PROOFS: () = {
                    #(#checks)*
                };
            }
        }
    } else {
        quote! {
            const _: () = {
                #(#checks)*
            };
        }
    }
}
