//! The layout of a field-less enum (a BARE enum): its value, checked.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use crate::model::{EnumVariant, Input};

/// The layout impls of a field-less enum: its value as the narrowest
/// unsigned integer that holds every value, `Layout`, `FromLayout`,
/// `ScalarLayout` (it is set in place through a mutable view) and
/// `LayoutKey` (enums key maps).
pub fn expand(input: &Input<'_>, variants: &[EnumVariant<'_>]) -> TokenStream {
    let variants: Vec<&Ident> = variants.iter().map(|v| v.ident).collect();
    let ident = input.ident;
    let name = &input.schema_name;
    let value = |v: &Ident| quote!((#ident::#v as __bw::__private::i128 as __bw::__private::u64));
    let max = variants.iter().fold(quote!(0u64), |acc, v| {
        let val = value(v);
        quote!(if #val > #acc { #val } else { #acc })
    });
    let arms_value = variants.iter().map(|v| {
        let val = value(v);
        quote!(Self::#v => #val)
    });
    let arms_check: Vec<TokenStream> = variants
        .iter()
        .map(|v| {
            let val = value(v);
            quote!(__v if __v == #val => __bw::__private::Some(Self::#v))
        })
        .collect();
    let width = quote!(<Self as __bw::layout::Layout>::SIZE);
    let in_place = in_place(input);
    quote! {
        impl #ident {
            #[inline]
            fn __layout_value(&self) -> u64 {
                match self { #(#arms_value,)* }
            }
            #[inline]
            fn __layout_from(value: u64) -> __bw::__private::Option<Self> {
                match value {
                    #(#arms_check,)*
                    _ => __bw::__private::None,
                }
            }
        }

        impl __bw::layout::Layout for #ident {
            const SIZE: usize = __bw::__private::tag_width(#max);
            const ALIGN: usize = __bw::__private::tag_width(#max);
            type View<'__v> = Self;
            type ViewMut<'__v> = __bw::layout::Scalar<'__v, Self>;
            #in_place
            #[inline]
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                __bw::__private::write_tag(__w, __at, #width, self.__layout_value());
            }
            #[inline]
            fn check(
                __buf: &[u8],
                __at: usize,
                _: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                let __value = __bw::__private::read_tag(__buf, __at, #width);
                match Self::__layout_from(__value) {
                    __bw::__private::Some(_) => __bw::__private::Ok(()),
                    __bw::__private::None => __bw::__private::Err(__bw::Error::UnknownEnumValue {
                        offset: __at,
                        value: __value,
                        type_name: #name,
                    }),
                }
            }
            #[inline]
            unsafe fn view(__buf: &[u8], __at: usize, _: __bw::layout::Trust) -> Self {
                <Self as __bw::layout::ScalarLayout>::get_at(__buf, __at)
            }
            #[inline]
            fn view_mut(__buf: &mut [u8], __at: usize) -> __bw::layout::Scalar<'_, Self> {
                __bw::__private::scalar_mut(__buf, __at)
            }
        }

        impl __bw::layout::ScalarLayout for #ident {
            #[inline]
            fn get_at(__buf: &[u8], __at: usize) -> Self {
                match Self::__layout_from(__bw::__private::read_tag(__buf, __at, #width)) {
                    __bw::__private::Some(__v) => __v,
                    __bw::__private::None => __bw::__private::panic!(
                        "unknown enum value in a layout image that was not checked"
                    ),
                }
            }
            #[inline]
            fn put_at(self, __buf: &mut [u8], __at: usize) {
                __bw::__private::put_tag(__buf, __at, #width, self.__layout_value());
            }
        }

        impl<'__de> __bw::layout::FromLayout<'__de> for #ident {
            #[inline]
            fn from_layout(
                __buf: &'__de [u8],
                __at: usize,
                _: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<Self, __bw::Error> {
                let __value = __bw::__private::read_tag(__buf, __at, #width);
                Self::__layout_from(__value).ok_or(__bw::Error::UnknownEnumValue {
                    offset: __at,
                    value: __value,
                    type_name: #name,
                })
            }
        }

        impl __bw::layout::LayoutKey for #ident {
            type Query = Self;
            #[inline]
            fn cmp_query(__buf: &[u8], __at: usize, __q: &Self) -> __bw::__private::Ordering {
                __bw::__private::Ord::cmp(&__bw::__private::read_tag(__buf, __at, #width), &__q.__layout_value())
            }
            #[inline]
            fn cmp_at(__buf: &[u8], __a: usize, __b: usize) -> __bw::__private::Ordering {
                __bw::__private::Ord::cmp(&__bw::__private::read_tag(__buf, __a, #width), &__bw::__private::read_tag(__buf, __b, #width))
            }
            #[inline]
            fn cmp_keys(__a: &Self, __b: &Self) -> __bw::__private::Ordering {
                __bw::__private::Ord::cmp(&__a.__layout_value(), &__b.__layout_value())
            }
        }
    }
}

/// The `IN_PLACE_CHECKED` claim and `valid_inline` of a field-less enum
/// with `#[repr(u8)]`, `u16`, `u32` or `u64` (its memory is its value as
/// that integer), so that explicit records hold it in place; nothing for
/// another repr, whose memory Rust does not specify.
fn in_place(input: &Input<'_>) -> TokenStream {
    let unsigned = input
        .ast
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("repr"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|m| {
                found |= ["u8", "u16", "u32", "u64"]
                    .iter()
                    .any(|w| m.path.is_ident(w));
                Ok(())
            });
            found
        });
    if !unsigned {
        return quote!();
    }
    quote! {
        // SAFETY: a field-less `#[repr(uN)]` enum is its discriminant as a
        // `uN`: (1) no interior mutability; (2) on a little-endian target
        // (the only one where this says yes), when its size is the layout
        // width (checked), its memory is the little-endian value `write`
        // puts, the discriminant (`__layout_value`); (3) `valid_inline`
        // accepts exactly the values of its variants (`__layout_from`), the
        // valid discriminants; (4) its alignment is at most its size, the
        // layout alignment (checked).
        const IN_PLACE_CHECKED: __bw::__private::Plain<Self, __bw::__private::CheckedInPlace> = unsafe {
            __bw::__private::Plain::new_unchecked(
                __bw::__private::cfg!(target_endian = "little")
                    && __bw::__private::size_of::<Self>() == <Self as __bw::layout::Layout>::SIZE
                    && __bw::__private::align_of::<Self>() <= <Self as __bw::layout::Layout>::ALIGN
            )
        };
        #[inline]
        fn valid_inline(__buf: &[u8], __at: usize) -> bool {
            let __width = <Self as __bw::layout::Layout>::SIZE;
            __at.checked_add(__width).is_some_and(|__end| __end <= __buf.len())
                && Self::__layout_from(__bw::__private::read_tag(__buf, __at, __width)).is_some()
        }
    }
}
