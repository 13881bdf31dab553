//! Generates `Decode`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::bound;
use crate::common::{Heads, Linked, link, tail, wire_link_to, wire_plain_proof};
use crate::model::{Field, Input, Shape, Style, UnionVariant};

/// The `impl Decode<'__de>` of the input.
pub fn expand(input: &Input<'_>) -> TokenStream {
    let ident = input.ident;
    let generics = bound::with_de_lifetime(input, &quote!(__bw::Decode<'__de>));
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = input.generics.split_for_impl();
    let name = &input.schema_name;
    let (body, min_size, plain) = match &input.shape {
        Shape::Struct(fields, style) => {
            let construct = match tail(fields) {
                Some(_) => linked_struct(Linked {
                    path: quote!(Self),
                    style: *style,
                    fields,
                }),
                None => construct(quote!(Self), *style, fields),
            };
            let min = fields
                .iter()
                .filter(|f| !f.skip && f.with.is_none())
                .map(|f| {
                    let ty = &f.ty;
                    quote!(+ <#ty as __bw::Decode<'__de>>::MIN_SIZE)
                });
            (
                quote!(__bw::__private::Ok(#construct)),
                quote!(0 #(#min)*),
                wire_plain_proof(fields, &quote!(__bw::Decode<'__de>)),
            )
        }
        Shape::Enum(variants) => {
            let consts: Vec<_> = (0..variants.len())
                .map(|i| format_ident!("__V{}", i))
                .collect();
            let defs = variants.iter().zip(&consts).map(|(v, c)| {
                let vi = v.ident;
                let message = format!(
                    "enum {ident}: the discriminant of {vi} is negative, but BARE enum values are unsigned"
                );
                quote! {
                    const #c: __bw::__private::u64 = {
                        __bw::__private::assert!((#ident::#vi as __bw::__private::i128) >= 0, #message);
                        #ident::#vi as __bw::__private::i128 as __bw::__private::u64
                    };
                }
            });
            let arms = variants.iter().zip(&consts).map(|(v, c)| {
                let vi = v.ident;
                quote!(#c => __bw::__private::Ok(Self::#vi))
            });
            (
                quote! {
                    #(#defs)*
                    let __offset = __r.position();
                    match __r.uint()? {
                        #(#arms,)*
                        __value => __bw::__private::Err(__bw::Error::UnknownEnumValue {
                            offset: __offset,
                            value: __value,
                            type_name: #name,
                        }),
                    }
                },
                quote!(1),
                quote!(__bw::__private::Plain::NO),
            )
        }
        Shape::Union(variants) if variants.iter().any(|v| tail(&v.fields).is_some()) => (
            linked_union(variants, name),
            quote!(1),
            quote!(__bw::__private::Plain::NO),
        ),
        Shape::Union(variants) => {
            let arms = variants.iter().map(|v| {
                let vi = v.ident;
                let tag = v.tag;
                let construct = construct(quote!(Self::#vi), v.style, &v.fields);
                quote!(#tag => __bw::__private::Ok(#construct))
            });
            (
                quote! {
                    let __offset = __r.position();
                    match __r.uint()? {
                        #(#arms,)*
                        __tag => __bw::__private::Err(__bw::Error::UnknownUnionTag {
                            offset: __offset,
                            tag: __tag,
                            type_name: #name,
                        }),
                    }
                },
                quote!(1),
                quote!(__bw::__private::Plain::NO),
            )
        }
    };
    quote! {
        impl #impl_generics __bw::Decode<'__de> for #ident #ty_generics #where_clause {
            #[inline]
            fn decode(__r: &mut __bw::Reader<'__de>) -> __bw::__private::Result<Self, __bw::Error> {
                #body
            }
            const MIN_SIZE: __bw::__private::usize = #min_size;
            const PLAIN: __bw::__private::Plain<Self, __bw::__private::FromWire> = #plain;
        }
    }
}

/// The decoding of one field (not skipped): its `Decode`, or its adapter.
fn decode_field(f: &Field<'_>) -> TokenStream {
    match &f.with {
        Some(path) => {
            let decode = crate::common::adapter_fn(f, path, "decode");
            quote!(#decode(__r)?)
        }
        None => match f.capacity {
            Some((n, span)) => {
                let ty = &f.ty;
                let n = n as usize;
                quote_spanned!(span=> <#ty as __bw::__private::Reserving<'__de>>::decode_reserving(__r, #n)?)
            }
            None => quote!(__bw::Decode::decode(__r)?),
        },
    }
}

/// The decoding of a chain's node of a linked member: its head, then its
/// link; `break`s out of the node loop with the value when the link ends
/// the chain, else keeps the head for the rebuild.
fn linked_node(heads: &Heads<'_, '_, '_>, i: usize, member: &Linked<'_, '_>) -> TokenStream {
    let values: Vec<TokenStream> = member
        .fields
        .iter()
        .filter(|f| !f.skip && !f.tail)
        .map(decode_field)
        .collect();
    let read_head = member.read_head(&values);
    let link = tail(member.fields).map(link).unwrap_or_default();
    let end = member.build(&quote!(__link));
    let push = heads.push(i);
    quote! {
        #read_head
        match #link::decode(__r)? {
            __bw::__private::Step::End(__link) => break #end,
            __bw::__private::Step::Node(_) => { #push }
        }
    }
}

/// The decoded value of a struct whose last field links to the next node:
/// a loop over the nodes that keeps each node's head in a heap `Vec` until
/// the chain ends, then the rebuild.
fn linked_struct(member: Linked<'_, '_>) -> TokenStream {
    let linked = [member];
    let heads = Heads::new(&linked);
    let declare = heads.declare();
    let node = linked_node(&heads, 0, &linked[0]);
    let rebuild = heads.rebuild(wire_link_to);
    quote!({
        #declare
        let mut __last = loop { #node };
        #rebuild
        __last
    })
}

/// The decode body of a union with a member whose last field links to the
/// next node: a loop over the nodes; a member without a link ends the
/// chain, a linked member keeps its head until the chain ends.
fn linked_union(variants: &[UnionVariant<'_>], name: &str) -> TokenStream {
    let linked = Linked::of_union(variants);
    let heads = Heads::new(&linked);
    let declare = heads.declare();
    let mut index = 0..;
    let arms = variants.iter().map(|v| {
        let tag = v.tag;
        if tail(&v.fields).is_some() {
            let i = index.next().unwrap_or(0);
            let node = linked_node(&heads, i, &linked[i]);
            quote!(#tag => { #node })
        } else {
            let vi = v.ident;
            let construct = construct(quote!(Self::#vi), v.style, &v.fields);
            quote!(#tag => break #construct,)
        }
    });
    let rebuild = heads.rebuild(wire_link_to);
    quote! {
        #declare
        let mut __last = loop {
            let __offset = __r.position();
            match __r.uint()? {
                #(#arms)*
                __tag => return __bw::__private::Err(__bw::Error::UnknownUnionTag {
                    offset: __offset,
                    tag: __tag,
                    type_name: #name,
                }),
            }
        };
        #rebuild
        __bw::__private::Ok(__last)
    }
}

/// `path { a: decode?, ... }`, `path(decode?, ...)` or `path`, with skipped
/// fields set to their default.
fn construct(path: TokenStream, style: Style, fields: &[Field<'_>]) -> TokenStream {
    let in_order = fields.windows(2).all(|w| w[0].wire_index < w[1].wire_index);
    let value = |f: &Field<'_>| match f.skip {
        true => quote!(__bw::__private::Default::default()),
        false => decode_field(f),
    };
    // Fields decode in wire order; when that differs from declaration order
    // (explicit layouts), into locals first.
    let (lets, values): (TokenStream, Vec<TokenStream>) = if in_order {
        (quote!(), fields.iter().map(value).collect())
    } else {
        let local = |i: usize| format_ident!("__w{}", i);
        let mut order: Vec<usize> = (0..fields.len()).filter(|&i| !fields[i].skip).collect();
        order.sort_by_key(|&i| fields[i].wire_index);
        let lets = order.iter().map(|&i| {
            let l = local(i);
            let v = value(&fields[i]);
            quote!(let #l = #v;)
        });
        let values = (0..fields.len())
            .map(|i| {
                if fields[i].skip {
                    value(&fields[i])
                } else {
                    let l = local(i);
                    quote!(#l)
                }
            })
            .collect();
        (quote!(#(#lets)*), values)
    };
    let build = match style {
        Style::Unit => path,
        Style::Tuple => quote!(#path( #(#values),* )),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!(#path { #(#members: #values),* })
        }
    };
    quote!({ #lets #build })
}
