//! Generates `layout::Layout` and `layout::FromLayout`, and the in-place
//! view type (`FooLayout`) with an accessor per field.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericParam, Generics, Ident, Member};

use crate::bound;
use crate::encode::{bindings, pattern};
use crate::model::{Field, Input, Shape, Style, UnionVariant};

/// The view type's definition (outside the `const _` block, so users can
/// name it) and the impls (inside it).
pub struct Expanded {
    pub view_type: TokenStream,
    pub impls: TokenStream,
}

pub fn expand(input: &Input<'_>) -> Expanded {
    match &input.shape {
        Shape::Struct(fields, style) => expand_struct(input, fields, *style),
        Shape::Union(variants) => expand_union(input, variants),
        Shape::Enum(variants) => Expanded {
            view_type: quote!(),
            impls: expand_enum(input, variants.iter().map(|v| v.ident).collect()),
        },
    }
}

/// The generics of the view type: the input's, with `B` (the buffer, `&[u8]`
/// or `&mut [u8]`) after the lifetimes.
struct ViewGenerics {
    /// `<'l, B, T>` with bounds, for the definition.
    def: Generics,
    /// The buffer parameter's name.
    buf: Ident,
}

fn view_generics(input: &Input<'_>) -> ViewGenerics {
    let mut def = input.generics.clone();
    let taken: Vec<String> = def.type_params().map(|p| p.ident.to_string()).collect();
    let buf = if taken.iter().any(|t| t == "B") {
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
    ViewGenerics { def, buf }
}

/// The view type applied to a buffer type: `FooLayout<'l, #buffer, T>`.
fn view_ty(input: &Input<'_>, buffer: TokenStream) -> TokenStream {
    let name = &input.layout_name;
    let args = input.generics.params.iter().map(|p| match p {
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
    });
    let lifetimes = input.generics.lifetimes().count();
    let mut args: Vec<TokenStream> = args.collect();
    args.insert(lifetimes, buffer);
    quote!(#name<#(#args),*>)
}

/// `(size, align)` of a field in the layout, as const expressions.
fn field_size_align(f: &Field<'_>) -> (TokenStream, TokenStream) {
    let ty = f.ty;
    let align = f.align as usize;
    if f.out_of_line {
        (quote!(4usize), quote!(__bw::__private::max(4, #align)))
    } else {
        (
            quote!(<#ty as __bw::layout::Layout>::SIZE),
            quote!(__bw::__private::max(<#ty as __bw::layout::Layout>::ALIGN, #align)),
        )
    }
}

/// `StructLayout::compute(...)` over the active fields.
fn compute(fields: &[&Field<'_>], declared: bool, align: u64) -> TokenStream {
    let n = fields.len();
    let pairs = fields.iter().map(|f| {
        let (s, a) = field_size_align(f);
        quote!((#s, #a))
    });
    let align = align as usize;
    quote!(__bw::layout::StructLayout::<#n>::compute([#(#pairs),*], #declared, #align))
}

/// Writes field `value` (an expression of type `&F`) at `at`.
fn write_field(f: &Field<'_>, value: TokenStream, at: TokenStream) -> TokenStream {
    if f.out_of_line {
        quote!(__bw::__private::write_boxed(#value, __w, #at);)
    } else if f.intern {
        quote!(__bw::__private::write_interned(__w, #at, __bw::__private::AsRef::<str>::as_ref(#value));)
    } else {
        quote!(__bw::layout::Layout::write(#value, __w, #at);)
    }
}

fn check_field(f: &Field<'_>, at: TokenStream) -> TokenStream {
    let ty = f.ty;
    if f.out_of_line {
        quote!(__bw::__private::check_boxed::<#ty>(__buf, #at, __cx)?;)
    } else {
        quote!(<#ty as __bw::layout::Layout>::check(__buf, #at, __cx)?;)
    }
}

fn view_field(f: &Field<'_>, at: TokenStream, mutable: bool) -> TokenStream {
    let ty = f.ty;
    let method = if mutable {
        quote!(view_mut)
    } else {
        quote!(view)
    };
    if f.out_of_line {
        quote!({
            let __target = __bw::__private::follow_unchecked(__buf, #at);
            <#ty as __bw::layout::Layout>::#method(__buf, __target)
        })
    } else {
        quote!(<#ty as __bw::layout::Layout>::#method(__buf, #at))
    }
}

fn from_field(f: &Field<'_>, at: TokenStream) -> TokenStream {
    if f.skip {
        return quote!(__bw::__private::Default::default());
    }
    let ty = f.ty;
    if f.out_of_line {
        quote!(__bw::__private::from_boxed::<#ty>(__buf, #at, __cx)?)
    } else {
        quote!(<#ty as __bw::layout::FromLayout<'__de>>::from_layout(__buf, #at, __cx)?)
    }
}

/// The name of an accessor for `member`: the field name, or `f0`, `f1`...
fn accessor(member: &Member) -> Ident {
    match member {
        Member::Named(ident) => ident.clone(),
        Member::Unnamed(index) => format_ident!("f{}", index.index),
    }
}

fn accessor_mut(member: &Member) -> Ident {
    let base = accessor(member).to_string();
    format_ident!("{}_mut", base.strip_prefix("r#").unwrap_or(&base))
}

/// Impl headers shared by the impls: `(impl generics, type generics, where)`
/// of the input with `Layout` bounds.
fn layout_generics(input: &Input<'_>) -> Generics {
    bound::with_bound(input, &quote!(__bw::layout::Layout))
}

/// The view type definition, `Clone`/`Copy` for shared views, and the impl
/// header pieces used by accessors.
fn view_type_def(input: &Input<'_>, doc: &str) -> TokenStream {
    let krate = &input.krate;
    let vis = input.vis;
    let name = &input.layout_name;
    let vg = view_generics(input);
    let buf = &vg.buf;
    let def = &vg.def;
    let ident = input.ident;
    let (_, input_ty, _) = input.generics.split_for_impl();
    let where_clause = &def.where_clause;
    quote! {
        #[doc = #doc]
        #vis struct #name #def #where_clause {
            buf: #buf,
            at: usize,
            _marker: #krate::__private::PhantomData<fn() -> #ident #input_ty>,
        }
    }
}

/// Shared impls of a view type: `Clone`, `Copy` for `&[u8]` views, and
/// `as_view` on mutable ones.
fn view_common(input: &Input<'_>) -> TokenStream {
    let generics = layout_generics(input);
    let (_, _, where_clause) = generics.split_for_impl();
    let v_params = params_with(&generics, Some(quote!('__v)), None);
    let shared = view_ty(input, quote!(&'__v [u8]));
    let mutable = view_ty(input, quote!(&'__v mut [u8]));
    let shared_short = view_ty(input, quote!(&'__s [u8]));
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
                <#shared_short>::__new(self.buf, self.at)
            }
        }
    }
}

fn expand_struct(input: &Input<'_>, fields: &[Field<'_>], style: Style) -> Expanded {
    let ident = input.ident;
    // Explicit padding is in the layout but has no accessor and is never
    // written or checked (the writer leaves it zero).
    let active: Vec<&Field<'_>> = fields.iter().filter(|f| !f.skip || f.padding).collect();
    let n = active.len();
    let layout_expr = compute(&active, input.declared_order, input.align);
    let generics = layout_generics(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let unit_view = view_ty(input, quote!(()));
    let layout_const = quote!(<#unit_view>::__LAYOUT);
    let off = |i: usize| quote!(#layout_const.offsets[#i]);

    let names: Vec<String> = active
        .iter()
        .map(|f| accessor(&f.member).to_string())
        .collect();
    let sizes: Vec<TokenStream> = active
        .iter()
        .map(|f| {
            let (s, a) = field_size_align(f);
            quote!((#s, #a))
        })
        .collect();

    let writes = active
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(i, f)| {
            let m = &f.member;
            let at = off(i);
            write_field(f, quote!(&self.#m), quote!(__at + #at))
        });
    let checks = active
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(i, f)| {
            let at = off(i);
            check_field(f, quote!(__at + #at))
        });
    let trivial = active.iter().filter(|f| !f.padding).map(|f| {
        let ty = f.ty;
        if f.out_of_line || f.intern {
            quote!(&&false)
        } else {
            quote!(&& <#ty as __bw::layout::Layout>::TRIVIAL)
        }
    });
    let trivial_view = active.iter().filter(|f| !f.padding).map(|f| {
        let ty = f.ty;
        if f.out_of_line {
            quote!(&&false)
        } else {
            quote!(&& <#ty as __bw::layout::Layout>::TRIVIAL_VIEW)
        }
    });
    let hints = active.iter().filter(|f| !f.padding).map(|f| {
        let m = &f.member;
        let ty = f.ty;
        if f.out_of_line {
            quote!(+ <#ty as __bw::layout::Layout>::SIZE + <#ty as __bw::layout::Layout>::ALIGN
                + __bw::layout::Layout::out_of_line_hint(&self.#m))
        } else {
            quote!(+ __bw::layout::Layout::out_of_line_hint(&self.#m))
        }
    });
    let plain = plain_proof(fields, &layout_const);
    let mut position = 0;
    let from_fields: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            if f.skip && !f.padding {
                from_field(f, quote!())
            } else {
                let at = off(position);
                position += 1;
                from_field(f, quote!(__at + #at))
            }
        })
        .collect();
    let construct = match style {
        Style::Unit => quote!(Self),
        Style::Tuple => quote!(Self( #(#from_fields),* )),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!(Self { #(#members: #from_fields),* })
        }
    };

    let de_generics = bound::with_de_lifetime(input, &quote!(__bw::layout::FromLayout<'__de>));
    let (de_impl, _, de_where) = de_generics.split_for_impl();

    let shared = view_ty(input, quote!(&'__v [u8]));
    let mutable = view_ty(input, quote!(&'__v mut [u8]));
    let generic_buf = view_ty(input, quote!(__B));
    let b_params = params_with(&generics, None, Some(quote!(__B)));
    let v_params = params_with(&generics, Some(quote!('__v)), None);
    let accessors = active
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(i, f)| {
            let ty = f.ty;
            let name = accessor(&f.member);
            let at = off(i);
            let view = view_field(f, quote!(self.at + #at), false);
            let doc = format!("Reads `{}` in place.", names[i]);
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #name(&self) -> <#ty as __bw::layout::Layout>::View<'__v> {
                    let __buf: &'__v [u8] = self.buf;
                    #view
                }
            }
        });
    let accessors_mut = active
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(i, f)| {
            let ty = f.ty;
            let name = accessor_mut(&f.member);
            let at = off(i);
            let view = view_field(f, quote!(self.at + #at), true);
            let doc = format!("`{}` in place, through which scalars can be set.", names[i]);
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #name(&mut self) -> <#ty as __bw::layout::Layout>::ViewMut<'_> {
                    let __buf: &mut [u8] = &mut *self.buf;
                    #view
                }
            }
        });
    let debug_fields = active
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.padding)
        .map(|(i, f)| {
            let name = accessor(&f.member);
            let label = &names[i];
            let _ = f;
            quote!(.field(#label, &self.#name()))
        });
    // Generic views need bounds on their fields' views; concrete ones need
    // none (and must have none, or a recursive type's bound never ends).
    let generic = input.generics.type_params().next().is_some();
    let debug_bounds = active.iter().filter(|f| generic && !f.padding).map(|f| {
        let ty = f.ty;
        quote!(<#ty as __bw::layout::Layout>::View<'__v>: __bw::__private::Debug,)
    });
    let where_preds = where_clause.map(|w| {
        let p = w.predicates.iter();
        quote!(#(#p,)*)
    });
    let view_name_str = input.layout_name.to_string();
    let view_fns = view_fns(&input.layout_name);
    let common = view_common(input);
    let doc = format!(
        "The in-place view of [`{ident}`] in a layout image (see `barewire::view`): one accessor per field."
    );

    let impls = quote! {
        impl #b_params #generic_buf #where_clause {
            #[doc(hidden)]
            pub const __LAYOUT: __bw::layout::StructLayout<#n> = #layout_expr;
            #[inline]
            fn __new(buf: __B, at: usize) -> Self {
                Self { buf, at, _marker: __bw::__private::PhantomData }
            }
        }

        impl #impl_generics __bw::layout::Layout for #ident #ty_generics #where_clause {
            const SIZE: usize = #layout_const.size;
            const ALIGN: usize = #layout_const.align;
            const TRIVIAL: bool = true #(#trivial)*;
            const TRIVIAL_VIEW: bool = true #(#trivial_view)*;
            const PLAIN: __bw::__private::Plain<Self, __bw::__private::IntoLayout> = #plain;
            const FIELDS: &'static [__bw::layout::FieldLayout] =
                &#layout_const.fields([#(#names),*], [#(#sizes),*]);
            type View<'__v> = #shared;
            type ViewMut<'__v> = #mutable;
            #[inline]
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                #(#writes)*
            }
            #[inline]
            fn out_of_line_hint(&self) -> usize {
                0 #(#hints)*
            }
            #[inline]
            fn check(
                __buf: &[u8],
                __at: usize,
                __cx: &mut __bw::layout::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                #(#checks)*
                __bw::__private::Ok(())
            }
            #view_fns
        }

        impl #de_impl __bw::layout::FromLayout<'__de> for #ident #ty_generics #de_where {
            fn from_layout(
                __buf: &'__de [u8],
                __at: usize,
                __cx: &mut __bw::layout::Check,
            ) -> __bw::__private::Result<Self, __bw::Error> {
                __bw::__private::Ok(#construct)
            }
        }

        impl #v_params #shared #where_clause {
            #(#accessors)*
        }

        impl #v_params #mutable #where_clause {
            #(#accessors_mut)*
        }

        impl #v_params __bw::__private::Debug for #shared
        where
            #where_preds
            #(#debug_bounds)*
        {
            fn fmt(&self, __f: &mut __bw::__private::Formatter<'_>) -> __bw::__private::FmtResult {
                __f.debug_struct(#view_name_str) #(#debug_fields)* .finish()
            }
        }

        #common
    };
    Expanded {
        view_type: view_type_def(input, &doc),
        impls,
    }
}

/// The compile-time proofs of a `#[derive(Layout)]` struct: each field is
/// plain data whose Rust size is its layout size, sits at the offset the
/// layout rules give it with no implicit padding before it, and the struct
/// ends where its last field does. A failure names the field.
pub fn explicit_proofs(input: &Input<'_>) -> TokenStream {
    let Shape::Struct(fields, _) = &input.shape else {
        return quote!();
    };
    let ident = input.ident;
    let unit_view = view_ty(input, quote!(()));
    let layout = quote!(<#unit_view>::__LAYOUT);
    let mut checks = Vec::new();
    let mut end = quote!(0usize);
    for (i, f) in fields.iter().enumerate() {
        let ty = f.ty;
        let m = &f.member;
        let name = accessor(m).to_string();
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

/// `Layout::view` and `Layout::view_mut` of a derived type: its view type
/// over the shared or the mutable buffer.
fn view_fns(view_name: &Ident) -> TokenStream {
    quote! {
        #[inline]
        fn view(__buf: &[u8], __at: usize) -> Self::View<'_> {
            #view_name { buf: __buf, at: __at, _marker: __bw::__private::PhantomData }
        }
        #[inline]
        fn view_mut(__buf: &mut [u8], __at: usize) -> Self::ViewMut<'_> {
            #view_name { buf: __buf, at: __at, _marker: __bw::__private::PhantomData }
        }
    }
}

/// The layout `Plain` proof of a struct: every field plain, no hints, the
/// memory offsets equal to the layout offsets, and no padding anywhere.
fn plain_proof(fields: &[Field<'_>], layout_const: &TokenStream) -> TokenStream {
    if fields.is_empty()
        || fields
            .iter()
            .any(|f| (f.skip && !f.padding) || f.out_of_line || f.intern || f.align > 1)
    {
        return quote!(__bw::__private::Plain::NO);
    }
    let conditions = fields.iter().enumerate().map(|(i, f)| {
        let ty = f.ty;
        let m = &f.member;
        quote! {
            && <#ty as __bw::layout::Layout>::PLAIN.is_plain()
            && __bw::__private::offset_of!(Self, #m) == #layout_const.offsets[#i]
        }
    });
    let sizes = fields.iter().map(|f| {
        let ty = f.ty;
        quote!(+ <#ty as __bw::layout::Layout>::SIZE)
    });
    quote! {{
        // SAFETY: plain only when (1) every field's memory is its layout
        // bytes (each field type is plain); (2) each field sits in memory at
        // its layout offset; (3) the layout size, the memory size and the sum
        // of the field sizes agree, so there is no padding in memory or in
        // the layout; so the struct's memory is its inline layout part.
        unsafe {
            __bw::__private::Plain::new_unchecked(
                true #(#conditions)*
                && __bw::__private::size_of::<Self>() == #layout_const.size
                && #layout_const.size == 0 #(#sizes)*
            )
        }
    }}
}

fn expand_union(input: &Input<'_>, variants: &[UnionVariant<'_>]) -> Expanded {
    let ident = input.ident;
    let generics = layout_generics(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let unit_view = view_ty(input, quote!(()));
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
    let variant_layouts = variants.iter().zip(&consts).map(|(v, c)| {
        let active: Vec<&Field<'_>> = v.fields.iter().filter(|f| !f.skip).collect();
        let n = active.len();
        let expr = compute(&active, input.declared_order, 1);
        quote!(#[doc(hidden)] pub const #c: __bw::layout::StructLayout<#n> = #expr;)
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
    let payload = quote!(<#unit_view>::__PAYLOAD);
    let voff = |c: &Ident, i: usize| quote!(<#unit_view>::#c.offsets[#i]);

    let writes = variants.iter().zip(&consts).map(|(v, c)| {
        let vi = v.ident;
        let tag = v.tag;
        let binds = bindings(&v.fields);
        let pat = pattern(v.style, &v.fields, &binds);
        let mut i = 0;
        let fields = v
            .fields
            .iter()
            .zip(&binds)
            .filter(|(f, _)| !f.skip)
            .map(|(f, b)| {
                let at = voff(c, i);
                i += 1;
                write_field(f, quote!(#b), quote!(__at + #payload + #at))
            });
        quote!(Self::#vi #pat => {
            __bw::__private::write_tag(__w, __at, #width, #tag);
            #(#fields)*
        })
    });
    let checks = variants.iter().zip(&consts).map(|(v, c)| {
        let tag = v.tag;
        let fields = v
            .fields
            .iter()
            .filter(|f| !f.skip)
            .enumerate()
            .map(|(i, f)| {
                let at = voff(c, i);
                check_field(f, quote!(__at + #payload + #at))
            });
        quote!(#tag => { #(#fields)* __bw::__private::Ok(()) })
    });
    let from = variants.iter().zip(&consts).map(|(v, c)| {
        let vi = v.ident;
        let tag = v.tag;
        let mut i = 0;
        let values: Vec<TokenStream> = v
            .fields
            .iter()
            .map(|f| {
                if f.skip {
                    from_field(f, quote!())
                } else {
                    let at = voff(c, i);
                    i += 1;
                    from_field(f, quote!(__at + #payload + #at))
                }
            })
            .collect();
        let construct = match v.style {
            Style::Unit => quote!(Self::#vi),
            Style::Tuple => quote!(Self::#vi( #(#values),* )),
            Style::Named => {
                let members = v.fields.iter().map(|f| &f.member);
                quote!(Self::#vi { #(#members: #values),* })
            }
        };
        quote!(#tag => #construct)
    });

    let shared = view_ty(input, quote!(&'__v [u8]));
    let mutable = view_ty(input, quote!(&'__v mut [u8]));
    let generic_buf = view_ty(input, quote!(__B));
    let b_params = params_with(&generics, None, Some(quote!(__B)));
    let v_params = params_with(&generics, Some(quote!('__v)), None);
    let de_generics = bound::with_de_lifetime(input, &quote!(__bw::layout::FromLayout<'__de>));
    let (de_impl, _, de_where) = de_generics.split_for_impl();

    let accessors = variants.iter().zip(&consts).map(|(v, c)| {
        let snake = snake_case(&v.ident.to_string());
        let tag = v.tag;
        let active: Vec<&Field<'_>> = v.fields.iter().filter(|f| !f.skip).collect();
        match active.as_slice() {
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
            [only] => {
                let name = format_ident!("as_{}", snake);
                let ty = only.ty;
                let at = voff(c, 0);
                let view = view_field(only, quote!(self.at + #payload + #at), false);
                let doc = format!("The `{}` payload, if that is the variant.", v.ident);
                quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #name(&self) -> __bw::__private::Option<<#ty as __bw::layout::Layout>::View<'__v>> {
                        if self.tag() != #tag {
                            return __bw::__private::None;
                        }
                        let __buf: &'__v [u8] = self.buf;
                        __bw::__private::Some(#view)
                    }
                }
            }
            many => {
                let name = format_ident!("as_{}", snake);
                let tys = many.iter().map(|f| {
                    let ty = f.ty;
                    quote!(<#ty as __bw::layout::Layout>::View<'__v>)
                });
                let views = many.iter().enumerate().map(|(i, f)| {
                    let at = voff(c, i);
                    view_field(f, quote!(self.at + #payload + #at), false)
                });
                let doc = format!("The `{}` fields, in declaration order, if that is the variant.", v.ident);
                quote! {
                    #[doc = #doc]
                    #[inline]
                    pub fn #name(&self) -> __bw::__private::Option<( #(#tys,)* )> {
                        if self.tag() != #tag {
                            return __bw::__private::None;
                        }
                        let __buf: &'__v [u8] = self.buf;
                        __bw::__private::Some(( #(#views,)* ))
                    }
                }
            }
        }
    });
    let accessors_mut = variants.iter().zip(&consts).filter_map(|(v, c)| {
        let active: Vec<&Field<'_>> = v.fields.iter().filter(|f| !f.skip).collect();
        let [only] = active.as_slice() else { return None };
        let name = format_ident!("as_{}_mut", snake_case(&v.ident.to_string()));
        let ty = only.ty;
        let tag = v.tag;
        let at = voff(c, 0);
        let view = view_field(only, quote!(self.at + #payload + #at), true);
        let doc = format!("The `{}` payload in place, if that is the variant; its scalars can be set, the tag cannot.", v.ident);
        Some(quote! {
            #[doc = #doc]
            #[inline]
            pub fn #name(&mut self) -> __bw::__private::Option<<#ty as __bw::layout::Layout>::ViewMut<'_>> {
                if __bw::__private::read_tag(self.buf, self.at, #width) != #tag {
                    return __bw::__private::None;
                }
                let __buf: &mut [u8] = &mut *self.buf;
                __bw::__private::Some(#view)
            }
        })
    });
    let name = &input.schema_name;
    let view_name_str = input.layout_name.to_string();
    let view_fns = view_fns(&input.layout_name);
    let common = view_common(input);
    let doc = format!(
        "The in-place view of [`{ident}`] in a layout image: its tag and one accessor per variant."
    );
    let impls = quote! {
        impl #b_params #generic_buf #where_clause {
            #(#variant_layouts)*
            #[doc(hidden)]
            pub const __PAYLOAD: usize = (#width as usize).next_multiple_of(#payload_align);
            #[doc(hidden)]
            pub const __ALIGN: usize = __bw::__private::max(__bw::__private::max(#width, #payload_align), #min_align);
            #[doc(hidden)]
            pub const __SIZE: usize = (Self::__PAYLOAD + #payload_size).next_multiple_of(Self::__ALIGN);
            #[inline]
            fn __new(buf: __B, at: usize) -> Self {
                Self { buf, at, _marker: __bw::__private::PhantomData }
            }
        }

        impl #impl_generics __bw::layout::Layout for #ident #ty_generics #where_clause {
            const SIZE: usize = <#unit_view>::__SIZE;
            const ALIGN: usize = <#unit_view>::__ALIGN;
            type View<'__v> = #shared;
            type ViewMut<'__v> = #mutable;
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                match self { #(#writes)* }
            }
            fn check(
                __buf: &[u8],
                __at: usize,
                __cx: &mut __bw::layout::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                match __bw::__private::read_tag(__buf, __at, #width) {
                    #(#checks)*
                    __tag => __bw::__private::Err(__bw::Error::UnknownUnionTag {
                        offset: __at,
                        tag: __tag,
                        type_name: #name,
                    }),
                }
            }
            #view_fns
        }

        impl #de_impl __bw::layout::FromLayout<'__de> for #ident #ty_generics #de_where {
            fn from_layout(
                __buf: &'__de [u8],
                __at: usize,
                __cx: &mut __bw::layout::Check,
            ) -> __bw::__private::Result<Self, __bw::Error> {
                __bw::__private::Ok(match __bw::__private::read_tag(__buf, __at, #width) {
                    #(#from,)*
                    __tag => return __bw::__private::Err(__bw::Error::UnknownUnionTag {
                        offset: __at,
                        tag: __tag,
                        type_name: #name,
                    }),
                })
            }
        }

        impl #v_params #shared #where_clause {
            /// The union tag of the value.
            #[inline]
            pub fn tag(&self) -> u64 {
                __bw::__private::read_tag(self.buf, self.at, #width)
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
        view_type: view_type_def(input, &doc),
        impls,
    }
}

fn expand_enum(input: &Input<'_>, variants: Vec<&Ident>) -> TokenStream {
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
            const SIZE: usize = __bw::layout::tag_width(#max);
            const ALIGN: usize = __bw::layout::tag_width(#max);
            type View<'__v> = Self;
            type ViewMut<'__v> = Self;
            #[inline]
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                __bw::__private::write_tag(__w, __at, #width, self.__layout_value());
            }
            #[inline]
            fn check(
                __buf: &[u8],
                __at: usize,
                _: &mut __bw::layout::Check,
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
            fn view_mut(__buf: &mut [u8], __at: usize) -> Self {
                <Self as __bw::layout::Layout>::view(__buf, __at)
            }
        }

        impl<'__de> __bw::layout::FromLayout<'__de> for #ident {
            #[inline]
            fn from_layout(
                __buf: &'__de [u8],
                __at: usize,
                _: &mut __bw::layout::Check,
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

/// `PascalCase` to `snake_case`, for union accessors.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
