//! The layout of a union (an enum with data): a tag, then every member's
//! fields at fixed offsets in one payload; `Layout`, `FromLayout` and the
//! view type with `tag()` and one accessor per member.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::Expanded;
use super::fields::{self, Placed, layout_ty};
use super::view::{self, Names};
use crate::common::{Heads, Linked, bindings, pattern};
use crate::model::{Input, UnionVariant};
use barewire_schema::case::snake_case;

/// The layout impls and view type of a union.
pub fn expand(input: &Input<'_>, variants: &[UnionVariant<'_>]) -> Expanded {
    let ident = input.ident;
    let names = Names::of(input);
    let (impl_generics, ty_generics, where_clause) = names.generics.split_for_impl();
    let unit = &names.unit;
    let max_tag = variants.iter().map(|v| v.tag).max().unwrap_or(0);
    let width: usize = match max_tag {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    };
    let consts: Vec<Ident> = (0..variants.len())
        .map(|i| format_ident!("__V{}", i))
        .collect();
    let payload = quote!(<#unit>::__PAYLOAD);
    // Each member's fields, at the offsets of its own layout constant.
    let placed: Vec<Placed<'_, '_>> = variants
        .iter()
        .zip(&consts)
        .map(|(v, c)| Placed::new(&v.fields, quote!(<#unit>::#c), Some(payload.clone())))
        .collect();
    let variant_layouts = placed.iter().zip(&consts).map(|(p, c)| {
        let n = p.in_layout().count();
        let expr = p.compute(input.declared_order, 1);
        quote!(#[doc(hidden)] pub const #c: __bw::__private::StructLayout<#n> = #expr;)
    });
    let payload_align = consts.iter().fold(
        quote!(1usize),
        |acc, c| quote!(__bw::__private::max(#acc, Self::#c.align)),
    );
    let payload_size = consts.iter().fold(
        quote!(0usize),
        |acc, c| quote!(__bw::__private::max(#acc, Self::#c.size)),
    );
    let min_align = input.align as usize;
    let mut hints = format!("align={} declared={}", input.align, input.declared_order);
    let mut facts = Vec::new();
    for (v, p) in variants.iter().zip(&placed) {
        hints.push_str(&format!(" {}:{}", v.tag, p.hints()));
        facts.extend(p.facts());
    }
    let facts = fields::layout_facts(&hints, &facts);

    let name = &input.schema_name;
    let linked = placed.iter().any(|p| p.tail().is_some());
    let writes = variants.iter().zip(&placed).map(|(v, p)| {
        let vi = v.ident;
        let tag = v.tag;
        let binds = bindings(&v.fields);
        let pat = pattern(v.style, &v.fields, &binds);
        let fields = p.writes(|e| {
            let b = &binds[e.index];
            quote!(#b)
        });
        // In a linked union each arm gives the node to write next.
        let next = match p.tail() {
            Some((tail, at)) => {
                let link = crate::common::link(tail);
                let b = v
                    .fields
                    .iter()
                    .zip(&binds)
                    .find(|(f, _)| f.tail)
                    .map(|(_, b)| b);
                quote!(#link::write(#b, __w, #at))
            }
            None if linked => quote!(__bw::__private::None),
            None => quote!(),
        };
        quote!(Self::#vi #pat => {
            __bw::__private::write_tag(__w, __at, #width, #tag);
            #(#fields)*
            #next
        })
    });
    let checks = variants.iter().zip(&placed).map(|(v, p)| {
        let tag = v.tag;
        let fields = p.checks();
        match p.tail() {
            Some((tail, at)) => {
                let link = crate::common::link(tail);
                quote!(#tag => { #(#fields)* #link::check(__buf, #at, __cx)? })
            }
            None if linked => quote!(#tag => { #(#fields)* __bw::__private::Step::End(()) }),
            None => quote!(#tag => { #(#fields)* __bw::__private::Ok(()) }),
        }
    });
    let error = quote! {
        __bw::__private::Err(__bw::Error::UnknownUnionTag {
            offset: __at,
            tag: __tag,
            type_name: #name,
        })
    };
    let unknown = quote!(__tag => return #error,);
    let (write, check, from_layout) = if linked {
        (
            quote! {
                let mut __next = __bw::__private::Some((self, __at));
                while let __bw::__private::Some((__node, __at)) = __next {
                    __next = match __node { #(#writes)* };
                }
            },
            quote! {
                let mut __at = __at;
                loop {
                    let __step = match __bw::__private::read_tag(__buf, __at, #width) {
                        #(#checks)*
                        #unknown
                    };
                    match __step {
                        __bw::__private::Step::End(()) => return __bw::__private::Ok(()),
                        __bw::__private::Step::Node(__next) => __at = __next,
                    }
                }
            },
            linked_rebuild(variants, &placed, width, &unknown),
        )
    } else {
        let from = variants.iter().zip(&placed).map(|(v, p)| {
            let vi = v.ident;
            let tag = v.tag;
            let construct = p.construct(quote!(Self::#vi), v.style);
            quote!(#tag => #construct)
        });
        (
            quote!(match self { #(#writes)* }),
            quote! {
                match __bw::__private::read_tag(__buf, __at, #width) {
                    #(#checks)*
                    __tag => #error,
                }
            },
            quote! {
                __bw::__private::Ok(match __bw::__private::read_tag(__buf, __at, #width) {
                    #(#from,)*
                    #unknown
                })
            },
        )
    };

    let (de_impl, _, de_where) = names.de_generics.split_for_impl();
    let accessors = variants.iter().zip(&placed).map(|(v, p)| accessor(v, p));
    let accessors_mut = variants.iter().zip(&placed).filter_map(|(v, p)| {
        let data: Vec<_> = p.data().collect();
        let [(slot, only)] = data.as_slice() else {
            return None;
        };
        let name = format_ident!("as_{}_mut", snake_case(&v.ident.to_string()));
        let ty = layout_ty(only.field);
        let tag = v.tag;
        let view = p.view(*slot, only.field, true);
        let doc = format!(
            "The `{}` payload in place, if that is the variant; its scalars can be set, the tag cannot.",
            v.ident
        );
        Some(quote! {
            #[doc = #doc]
            #[inline]
            pub fn #name(&mut self) -> __bw::__private::Option<<#ty as __bw::layout::Layout>::ViewMut<'_>> {
                if __bw::__private::read_tag(self.cur.buf(), self.cur.at(), #width) != #tag {
                    return __bw::__private::None;
                }
                let __at = self.cur.at();
                let __buf: &mut [u8] = self.cur.buf_mut();
                __bw::__private::Some(#view)
            }
        })
    });
    let view_name_str = input.layout_name.to_string();
    let view_fns = view::view_fns(&input.layout_name);
    let constants = view::constants(
        input,
        &names,
        quote! {
            #(#variant_layouts)*
            #[doc(hidden)]
            pub const __PAYLOAD: usize = (#width as usize).next_multiple_of(#payload_align);
            #[doc(hidden)]
            pub const __ALIGN: usize = __bw::__private::max(__bw::__private::max(#width, #payload_align), #min_align);
            #[doc(hidden)]
            pub const __SIZE: usize = (Self::__PAYLOAD + #payload_size).next_multiple_of(Self::__ALIGN);
        },
    );
    let common = view::common(&names, input);
    let Names {
        v_params,
        shared,
        mutable,
        ..
    } = &names;
    let doc = format!(
        "The in-place view of [`{ident}`] in a layout image: its tag and one accessor per variant."
    );
    let impls = quote! {
        #constants

        impl #impl_generics __bw::layout::Layout for #ident #ty_generics #where_clause {
            const SIZE: usize = <#unit>::__SIZE;
            const ALIGN: usize = <#unit>::__ALIGN;
            type View<'__v> = #shared;
            type ViewMut<'__v> = #mutable;
            #facts
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                #write
            }
            fn check(
                __buf: &[u8],
                __at: usize,
                __cx: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                #check
            }
            #view_fns
        }

        impl #de_impl __bw::layout::FromLayout<'__de> for #ident #ty_generics #de_where {
            fn from_layout(
                __buf: &'__de [u8],
                __at: usize,
                __cx: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<Self, __bw::Error> {
                #from_layout
            }
        }

        impl #v_params #shared #where_clause {
            /// The union tag of the value.
            #[inline]
            pub fn tag(&self) -> u64 {
                __bw::__private::read_tag(self.cur.buf(), self.cur.at(), #width)
            }
            #(#accessors)*
        }

        impl #v_params #mutable #where_clause {
            #(#accessors_mut)*
        }

        impl #v_params __bw::__private::Debug for #shared #where_clause {
            fn fmt(&self, __f: &mut __bw::__private::Formatter<'_>) -> __bw::__private::FmtResult {
                __f.debug_struct(#view_name_str).field("tag", &self.tag()).finish_non_exhaustive()
            }
        }

        #common
    };
    Expanded {
        view_type: view::definition(input, &doc),
        impls,
    }
}

/// The shared view's accessor of member `v`: `is_x()` for a member without
/// data, `as_x()` for one with (its only field's view, or a tuple of its
/// fields' views), `x` being the member's name in snake_case.
fn accessor(v: &UnionVariant<'_>, p: &Placed<'_, '_>) -> TokenStream {
    let snake = snake_case(&v.ident.to_string());
    let tag = v.tag;
    let data: Vec<_> = p.data().collect();
    match data.as_slice() {
        [] => {
            let name = format_ident!("is_{}", snake);
            let doc = format!("Whether the value is `{}`.", v.ident);
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #name(&self) -> bool {
                    self.tag() == #tag
                }
            }
        }
        [(slot, only)] => {
            let name = format_ident!("as_{}", snake);
            let ty = layout_ty(only.field);
            let view = p.view(*slot, only.field, false);
            let doc = format!("The `{}` payload, if that is the variant.", v.ident);
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #name(&self) -> __bw::__private::Option<<#ty as __bw::layout::Layout>::View<'__v>> {
                    if self.tag() != #tag {
                        return __bw::__private::None;
                    }
                    let __buf: &'__v [u8] = self.cur.buf();
                    let __trust = self.cur.trust();
                    __bw::__private::Some(#view)
                }
            }
        }
        many => {
            let name = format_ident!("as_{}", snake);
            let tys = many.iter().map(|(_, e)| {
                let ty = layout_ty(e.field);
                quote!(<#ty as __bw::layout::Layout>::View<'__v>)
            });
            let views = many.iter().map(|(slot, e)| p.view(*slot, e.field, false));
            let doc = format!(
                "The `{}` fields, in declaration order, if that is the variant.",
                v.ident
            );
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #name(&self) -> __bw::__private::Option<( #(#tys,)* )> {
                    if self.tag() != #tag {
                        return __bw::__private::None;
                    }
                    let __buf: &'__v [u8] = self.cur.buf();
                    let __trust = self.cur.trust();
                    __bw::__private::Some(( #(#views,)* ))
                }
            }
        }
    }
}

/// The `FromLayout` body of a union with a member whose last field links
/// to the next node: a loop over the nodes; a member without a link ends
/// the chain, a linked member keeps its head in a heap `Vec` until the
/// chain ends, then the rebuild from the last node back.
fn linked_rebuild(
    variants: &[UnionVariant<'_>],
    placed: &[Placed<'_, '_>],
    width: usize,
    unknown: &TokenStream,
) -> TokenStream {
    let linked = Linked::of_union(variants);
    let heads = Heads::new(&linked);
    let declare = heads.declare();
    let mut index = 0..;
    let arms = variants.iter().zip(placed).map(|(v, p)| {
        let tag = v.tag;
        let Some((tail, at)) = p.tail() else {
            let vi = v.ident;
            let construct = p.construct(quote!(Self::#vi), v.style);
            return quote!(#tag => break #construct,);
        };
        let i = index.next().unwrap_or(0);
        let link = crate::common::link(tail);
        let read_head = linked[i].read_head(&p.head_values());
        let end = linked[i].build(&quote!(__link));
        let push = heads.push(i);
        quote!(#tag => {
            #read_head
            match #link::rebuild(__buf, #at, __cx)? {
                __bw::__private::Step::End(__link) => break #end,
                __bw::__private::Step::Node(__next) => {
                    #push
                    __at = __next;
                }
            }
        })
    });
    let rebuild = heads.rebuild(crate::common::layout_link_to);
    quote! {
        #declare
        let mut __at = __at;
        let mut __last = loop {
            match __bw::__private::read_tag(__buf, __at, #width) {
                #(#arms)*
                #unknown
            }
        };
        #rebuild
        __bw::__private::Ok(__last)
    }
}
