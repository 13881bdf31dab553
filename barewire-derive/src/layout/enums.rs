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
            fn view(__buf: &[u8], __at: usize) -> Self {
                match Self::__layout_from(__bw::__private::read_tag(__buf, __at, #width)) {
                    __bw::__private::Some(__v) => __v,
                    __bw::__private::None => __bw::__private::panic!(
                        "unknown enum value in a layout image that was not checked"
                    ),
                }
            }
            #[inline]
            fn view_mut(__buf: &mut [u8], __at: usize) -> __bw::layout::Scalar<'_, Self> {
                __bw::__private::scalar_mut(__buf, __at)
            }
        }

        impl __bw::layout::ScalarLayout for #ident {
            #[inline]
            fn get_at(__buf: &[u8], __at: usize) -> Self {
                <Self as __bw::layout::Layout>::view(__buf, __at)
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
