//! The compile-time proofs of a `#[derive(Layout)]` struct, whose layout is
//! written by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::view;
use crate::model::{Input, Shape};

/// The compile-time proofs of a `#[derive(Layout)]` struct: each field is
/// plain data whose Rust size is its layout size, sits at the offset the
/// layout rules give it with no implicit padding before it, and the struct
/// ends where its last field does. A failure names the field.
pub fn proofs(input: &Input<'_>) -> TokenStream {
    let Shape::Struct(fields, _) = &input.shape else {
        return quote!();
    };
    let ident = input.ident;
    let unit_view = view::view_ty(input, quote!(()));
    let layout = quote!(<#unit_view>::__LAYOUT);
    let mut checks = Vec::new();
    let mut end = quote!(0usize);
    for (i, f) in fields.iter().enumerate() {
        let ty = &f.ty;
        let m = &f.member;
        let name = view::accessor(m).to_string();
        let not_plain = format!(
            "field `{name}` of `{ident}`: an explicit layout holds only plain data (numbers, arrays, bool, `Uint`/`Int` and other #[derive(Layout)] structs) whose memory is its layout; use #[derive(Bare)] for strings, lists and pointers"
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
                    && <#ty as __bw::layout::Layout>::PLAIN.is_plain(),
                #not_plain
            );
            __bw::__private::assert!(#layout.offsets[#i] == #end, #padded);
            __bw::__private::assert!(__bw::__private::offset_of!(#ident, #m) == #layout.offsets[#i], #misplaced);
        });
        end = quote!(#layout.offsets[#i] + <#ty as __bw::layout::Layout>::SIZE);
    }
    let tail = format!(
        "`{ident}`: the layout needs padding at the end (to a multiple of its alignment); add an explicit `#[bare(padding)]` field at the end"
    );
    let size = format!(
        "`{ident}`: Rust's size differs from the layout's; check #[repr(C)] and the `align` hints"
    );
    quote! {
        const _: () = {
            #(#checks)*
            __bw::__private::assert!(#layout.size == #end, #tail);
            __bw::__private::assert!(__bw::__private::size_of::<#ident>() == #layout.size, #size);
        };
    }
}
