//! Helpers shared by the generators (`encode`, `decode`, `describe`,
//! `layout`): none of them imports another, only the model and this.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Style, UnionVariant};

/// The `Plain` constant of a struct: plain when every field is plain (per
/// `trait_path`), none is skipped, the target is little-endian, and the
/// offsets and size show the fields lie back to back with no padding.
pub fn wire_plain_proof(fields: &[Field<'_>], trait_path: &TokenStream) -> TokenStream {
    if fields.is_empty() || fields.iter().any(|f| f.skip || f.with.is_some()) {
        return quote!(__bw::__private::Plain::NO);
    }
    let mut conditions = Vec::new();
    let mut offset = quote!(0);
    for f in crate::model::wire_fields(fields) {
        let ty = &f.ty;
        let m = &f.member;
        conditions.push(quote!(<#ty as #trait_path>::PLAIN.is_plain()));
        conditions.push(quote!(__bw::__private::offset_of!(Self, #m) == #offset));
        offset = quote!(#offset + __bw::__private::size_of::<#ty>());
    }
    quote! {{
        // SAFETY: plain only when (1) every field's type is plain, so each
        // field's memory is its wire bytes and (for decoding) any bytes are a
        // valid field; (2) the offsets show the fields in declaration order,
        // back to back, and the size equals their sum, so there is no
        // padding and the struct's memory is the concatenation of the
        // fields' wire bytes, which is its BARE encoding; (3) a struct of
        // plain fields has no interior mutability.
        unsafe {
            __bw::__private::Plain::new_unchecked(
                __bw::__private::cfg!(target_endian = "little")
                    #(&& #conditions)*
                    && __bw::__private::size_of::<Self>() == #offset
            )
        }
    }}
}

/// `encode` of one field whose value is the expression `value` (a reference).
pub fn encode_field(f: &Field<'_>, value: &TokenStream) -> TokenStream {
    match &f.with {
        Some(path) => {
            let f = adapter_fn(f, path, "encode");
            quote!(#f(#value, __out);)
        }
        None => quote!(__bw::Encode::encode(#value, __out);),
    }
}

/// The size hint of one field (0 for an adapter field: unknown).
pub fn size_hint_field(f: &Field<'_>, value: &TokenStream) -> TokenStream {
    match &f.with {
        Some(_) => quote!(+ 0),
        None => quote!(+ __bw::Encode::size_hint(#value)),
    }
}

/// The schema type of one field, in a `describe` body.
pub fn describe_field(f: &Field<'_>) -> TokenStream {
    let ty = &f.ty;
    match &f.with {
        Some(path) => {
            let f = adapter_fn(f, path, "describe");
            quote!(#f(&mut __bw::adapter::Schema::new(__b)))
        }
        None => quote!(<#ty as __bw::schema::Describe>::describe(__b)),
    }
}

/// `module::name` of a field adapter, spanned at the attribute's literal so
/// that a module without the function is an error there.
pub fn adapter_fn(f: &Field<'_>, path: &syn::Path, name: &str) -> TokenStream {
    let span = f
        .attrs
        .with
        .get()
        .map_or_else(proc_macro2::Span::call_site, |w| w.span);
    let name = syn::Ident::new(name, span);
    quote::quote_spanned!(span=> #path::#name)
}

/// `__f0`, `__f1`, ... for the fields of a variant.
pub fn bindings(fields: &[Field<'_>]) -> Vec<syn::Ident> {
    (0..fields.len())
        .map(|i| quote::format_ident!("__f{}", i))
        .collect()
}

/// The pattern that binds a variant's fields to `bindings`.
pub fn pattern(style: Style, fields: &[Field<'_>], bindings: &[syn::Ident]) -> TokenStream {
    match style {
        Style::Unit => quote!(),
        Style::Tuple => quote!(( #(#bindings),* )),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!({ #(#members: #bindings),* })
        }
    }
}

/// The tail link of `fields`, if they have one (see `model::mark_tail`).
pub fn tail<'f, 'a>(fields: &'f [Field<'a>]) -> Option<&'f Field<'a>> {
    fields.iter().find(|f| f.tail)
}

/// `<L as Link<Self>>`: the link trait of a tail field's type `L`.
pub fn link(f: &Field<'_>) -> TokenStream {
    let ty = &f.ty;
    quote!(<#ty as __bw::__private::Link<Self>>)
}

/// The link to `__last` made by the wire decoder, which may allocate it in
/// the reader's arena: `DecodeLink::decode_to(__last, __r)?`.
pub fn wire_link_to(f: &Field<'_>) -> TokenStream {
    let ty = &f.ty;
    quote!(<#ty as __bw::__private::DecodeLink<'__de, Self>>::decode_to(__last, __r)?)
}

/// The link to `__last` made by a layout rebuild (`FromLayout`), which has
/// no arena: `Link::to(Box::new(__last))?`.
pub fn layout_link_to(f: &Field<'_>) -> TokenStream {
    let link = link(f);
    quote!(#link::to(__bw::__private::Box::new(__last))?)
}

/// One member of a chain whose fields end in a tail link: a struct, or one
/// union member. How the rebuild of a chain is written, shared by the wire
/// decoder and the layout's `FromLayout`: each node's fields before the
/// link (its *head*) are kept in a heap `Vec` until the chain ends, then
/// the values are built from the last node back to the first, so no stack
/// frame is taken per node.
pub struct Linked<'f, 'a> {
    /// `Self` or `Self::Variant`.
    pub path: TokenStream,
    /// How its fields are written.
    pub style: Style,
    /// Its fields, the tail link among them.
    pub fields: &'f [Field<'a>],
}

impl<'f, 'a> Linked<'f, 'a> {
    /// The members of a union whose fields end in a tail link, in
    /// declaration order.
    pub fn of_union(variants: &'f [UnionVariant<'a>]) -> Vec<Linked<'f, 'a>> {
        variants
            .iter()
            .filter(|v| tail(&v.fields).is_some())
            .map(|v| {
                let vi = v.ident;
                Linked {
                    path: quote!(Self::#vi),
                    style: v.style,
                    fields: &v.fields,
                }
            })
            .collect()
    }

    /// The fields of the head: on the wire, before the link.
    fn head(&self) -> impl Iterator<Item = &Field<'_>> {
        self.fields.iter().filter(|f| !f.skip && !f.tail)
    }

    /// `let __head: (A, B) = (a, b);` from the values of the head's fields,
    /// in order.
    pub fn read_head(&self, values: &[TokenStream]) -> TokenStream {
        let tys = self.head().map(|f| &f.ty);
        quote!(let __head: ( #(#tys,)* ) = ( #(#values,)* );)
    }

    /// The value built from `__head` and the link `link`, skipped fields set
    /// to their default.
    pub fn build(&self, link: &TokenStream) -> TokenStream {
        let mut index = 0..;
        let values: Vec<TokenStream> = self
            .fields
            .iter()
            .map(|f| {
                if f.skip {
                    quote!(__bw::__private::Default::default())
                } else if f.tail {
                    link.clone()
                } else {
                    let i = syn::Index::from(index.next().unwrap_or(0));
                    quote!(__head.#i)
                }
            })
            .collect();
        let path = &self.path;
        match self.style {
            Style::Unit => path.clone(),
            Style::Tuple => quote!(#path( #(#values),* )),
            Style::Named => {
                let members = self.fields.iter().map(|f| &f.member);
                quote!(#path { #(#members: #values),* })
            }
        }
    }

    /// The head's type: a tuple of its fields' types.
    fn head_type(&self) -> TokenStream {
        let tys = self.head().map(|f| &f.ty);
        quote!(( #(#tys,)* ))
    }
}

/// The heads of the nodes still to build, for the members `linked` (one
/// for a struct, one per linked member of a union).
pub struct Heads<'l, 'f, 'a> {
    linked: &'l [Linked<'f, 'a>],
}

impl<'l, 'f, 'a> Heads<'l, 'f, 'a> {
    /// The heads of `linked`.
    pub fn new(linked: &'l [Linked<'f, 'a>]) -> Self {
        Heads { linked }
    }

    /// The declaration of `__heads`: a `Vec` of head tuples, or of a local
    /// enum of them when several members link.
    pub fn declare(&self) -> TokenStream {
        if let [only] = self.linked {
            let ty = only.head_type();
            return quote! {
                let mut __heads: __bw::__private::Vec<#ty> = __bw::__private::Vec::new();
            };
        }
        let params: Vec<syn::Ident> = (0..self.linked.len())
            .map(|i| quote::format_ident!("__H{}", i))
            .collect();
        let variants: Vec<syn::Ident> = (0..self.linked.len())
            .map(|i| quote::format_ident!("__V{}", i))
            .collect();
        let tys = self.linked.iter().map(Linked::head_type);
        quote! {
            enum __Head<#(#params),*> { #(#variants(#params)),* }
            let mut __heads: __bw::__private::Vec<__Head<#(#tys),*>> = __bw::__private::Vec::new();
        }
    }

    /// Pushes `__head` of member `i`.
    pub fn push(&self, i: usize) -> TokenStream {
        if self.linked.len() == 1 {
            quote!(__heads.push(__head);)
        } else {
            let v = quote::format_ident!("__V{}", i);
            quote!(__heads.push(__Head::#v(__head));)
        }
    }

    /// Builds the nodes whose heads were pushed, last first, each linking
    /// to `__last`, the node after it; `__last` is then the first node.
    /// `to(tail)` is the expression of the link to `__last` of a node whose
    /// tail link is the field `tail` (it may use `?`): [`wire_link_to`] or
    /// [`layout_link_to`].
    pub fn rebuild(&self, to: impl Fn(&Field<'_>) -> TokenStream) -> TokenStream {
        let link_to = |l: &Linked<'_, '_>| {
            let value = tail(l.fields).map(&to).unwrap_or_default();
            l.build(&value)
        };
        if let [only] = self.linked {
            let build = link_to(only);
            return quote! {
                while let __bw::__private::Some(__head) = __heads.pop() {
                    __last = #build;
                }
            };
        }
        let arms = self.linked.iter().enumerate().map(|(i, l)| {
            let v = quote::format_ident!("__V{}", i);
            let build = link_to(l);
            quote!(__Head::#v(__head) => #build,)
        });
        quote! {
            while let __bw::__private::Some(__head) = __heads.pop() {
                __last = match __head { #(#arms)* };
            }
        }
    }
}
