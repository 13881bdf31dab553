//! The layout of a struct: `Layout`, `FromLayout` and the view type with
//! one accessor per field.

use proc_macro2::TokenStream;
use quote::quote;

use super::Expanded;
use super::fields::{self, Placed, layout_ty, layout_value, size_align, table_hints};
use super::view::{self, Names, accessor, accessor_mut};
use crate::common::{Heads, Linked};
use crate::model::{Field, Input, Style};

/// The layout impls and view type of a struct.
pub fn expand(input: &Input<'_>, fields: &[Field<'_>], style: Style) -> Expanded {
    let ident = input.ident;
    let names = Names::of(input);
    let (impl_generics, ty_generics, where_clause) = names.generics.split_for_impl();
    let unit = &names.unit;
    let layout_const = quote!(<#unit>::__LAYOUT);
    // Explicit padding is in the layout but has no accessor and is never
    // written or checked (the writer leaves it zero).
    let placed = Placed::new(fields, layout_const.clone(), None);
    let n = placed.in_layout().count();
    let layout_expr = placed.compute(input.declared_order, input.align);

    let field_names: Vec<String> = placed
        .in_layout()
        .map(|(_, e)| accessor(&e.field.member).to_string())
        .collect();
    let sizes = placed.in_layout().map(|(_, e)| size_align(e.field));
    let field_hints: Vec<String> = placed
        .in_layout()
        .map(|(_, e)| table_hints(e.field))
        .collect();
    let linked = placed.tail();
    let node = match linked {
        Some(_) => quote!(__node),
        None => quote!(self),
    };
    let writes = placed.writes(|e| {
        let m = &e.field.member;
        quote!(&#node.#m)
    });
    let checks = placed.checks();
    let facts = fields::layout_facts(
        &format!(
            "align={} declared={} {}",
            input.align,
            input.declared_order,
            placed.hints()
        ),
        &placed.facts(),
    );
    let trivial = placed.data().map(|(_, e)| {
        let ty = layout_ty(e.field);
        if e.field.out_of_line || e.field.intern {
            quote!(&&false)
        } else {
            quote!(&& <#ty as __bw::layout::Layout>::TRIVIAL)
        }
    });
    let trivial_view = placed.data().map(|(_, e)| {
        let ty = layout_ty(e.field);
        if e.field.out_of_line {
            quote!(&&false)
        } else {
            quote!(&& <#ty as __bw::layout::Layout>::TRIVIAL_VIEW)
        }
    });
    let hints = placed.head().map(|(_, e)| {
        let m = &e.field.member;
        let ty = layout_ty(e.field);
        if e.field.out_of_line {
            quote!(+ <#ty as __bw::layout::Layout>::SIZE + <#ty as __bw::layout::Layout>::ALIGN
                + __bw::layout::Layout::out_of_line_hint(&#node.#m))
        } else {
            let value = layout_value(e.field, quote!(&#node.#m));
            quote!(+ __bw::layout::Layout::out_of_line_hint(#value))
        }
    });
    let plain = plain_proof(fields, &layout_const, &quote!(PLAIN));
    let in_place = plain_proof(fields, &layout_const, &quote!(IN_PLACE));
    let explicit = if input.explicit {
        explicit_in_place(input, fields, &layout_const, &names)
    } else {
        ExplicitInPlace::default()
    };
    let ExplicitInPlace {
        claim: checked,
        valid,
        methods: explicit_methods,
        proofs: force_proofs,
    } = explicit;
    let size = if force_proofs.is_empty() {
        quote!(#layout_const.size)
    } else {
        quote!({ #force_proofs #layout_const.size })
    };
    let (write, hint, check, construct) = match linked {
        None => (
            quote!(#(#writes)*),
            quote!(0 #(#hints)*),
            quote!(#(#checks)* __bw::__private::Ok(())),
            placed.construct(quote!(Self), style),
        ),
        Some((tail, tail_at)) => {
            let link = crate::common::link(tail);
            let next = &tail.member;
            let rebuild = linked_rebuild(&placed, fields, style, &link, &tail_at);
            (
                quote! {
                    let mut __next = __bw::__private::Some((self, __at));
                    while let __bw::__private::Some((__node, __at)) = __next {
                        #(#writes)*
                        __next = #link::write(&__node.#next, __w, #tail_at);
                    }
                },
                quote! {
                    let mut __hint: usize = 0;
                    let mut __next = __bw::__private::Some(self);
                    while let __bw::__private::Some(__node) = __next {
                        __next = #link::next(&__node.#next);
                        let __link = match __next {
                            __bw::__private::Some(_) => <Self as __bw::layout::Layout>::SIZE + <Self as __bw::layout::Layout>::ALIGN,
                            __bw::__private::None => 0,
                        };
                        __hint = __hint.saturating_add(__link #(#hints)*);
                    }
                    __hint
                },
                quote! {
                    let mut __at = __at;
                    loop {
                        #(#checks)*
                        match #link::check(__buf, #tail_at, __cx)? {
                            __bw::__private::Step::End(()) => return __bw::__private::Ok(()),
                            __bw::__private::Step::Node(__next) => __at = __next,
                        }
                    }
                },
                rebuild,
            )
        }
    };
    let (de_impl, _, de_where) = names.de_generics.split_for_impl();
    // An explicit layout with in-place fields is not rebuilt: its pointers
    // mean something only inside its image.
    let from_layout = if input.in_place {
        quote!()
    } else {
        quote! {
            impl #de_impl __bw::layout::FromLayout<'__de> for #ident #ty_generics #de_where {
                fn from_layout(
                    __buf: &'__de [u8],
                    __at: usize,
                    __cx: &mut __bw::__private::Check,
                ) -> __bw::__private::Result<Self, __bw::Error> {
                    __bw::__private::Ok(#construct)
                }
            }
        }
    };

    let accessors = placed.data().map(|(slot, e)| {
        let ty = layout_ty(e.field);
        let name = accessor(&e.field.member);
        let view = placed.view(slot, e.field, false);
        let doc = format!("Reads `{}` in place.", field_names[slot]);
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #name(&self) -> <#ty as __bw::layout::Layout>::View<'__v> {
                let __buf: &'__v [u8] = self.cur.buf();
                let __trust = self.cur.trust();
                #view
            }
        }
    });
    let accessors_mut = placed.data().map(|(slot, e)| {
        let ty = layout_ty(e.field);
        let name = accessor_mut(&e.field.member);
        let view = placed.view(slot, e.field, true);
        let doc = format!(
            "`{}` in place, through which scalars can be set.",
            field_names[slot]
        );
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #name(&mut self) -> <#ty as __bw::layout::Layout>::ViewMut<'_> {
                let __at = self.cur.at();
                let __buf: &mut [u8] = self.cur.buf_mut();
                #view
            }
        }
    });
    // A tail link shows whether a node follows, not the rest of the list
    // (which would recurse once per node).
    let debug_fields = placed.data().map(|(slot, e)| {
        let name = accessor(&e.field.member);
        let label = &field_names[slot];
        if e.field.tail {
            quote!(.field(#label, &__bw::__private::LinkDebug(self.#name().is_some())))
        } else {
            quote!(.field(#label, (&__bw::__private::DebugOr(&self.#name())).debug_or()))
        }
    });
    // Generic views need bounds on their fields' views; concrete ones need
    // none (and must have none, or a recursive type's bound never ends).
    let generic = input.generics.type_params().next().is_some();
    let debug_bounds = placed.head().filter(|_| generic).map(|(_, e)| {
        let ty = layout_ty(e.field);
        quote!(<#ty as __bw::layout::Layout>::View<'__v>: __bw::__private::Debug,)
    });
    let where_preds = where_clause.map(|w| {
        let p = w.predicates.iter();
        quote!(#(#p,)*)
    });
    let view_name_str = input.layout_name.to_string();
    let view_fns = view::view_fns(&input.layout_name);
    let constants = view::constants(
        input,
        &names,
        quote! {
            #[doc(hidden)]
            pub const __LAYOUT: __bw::__private::StructLayout<#n> = #layout_expr;
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
        "The in-place view of [`{ident}`] in a layout image (see `barewire::view`): one accessor per field."
    );

    let impls = quote! {
        #constants

        impl #impl_generics __bw::layout::Layout for #ident #ty_generics #where_clause {
            const SIZE: usize = #size;
            const ALIGN: usize = #layout_const.align;
            const TRIVIAL: bool = true #(#trivial)*;
            const TRIVIAL_VIEW: bool = true #(#trivial_view)*;
            const PLAIN: __bw::__private::Plain<Self, __bw::__private::IntoLayout> = #plain;
            const IN_PLACE: __bw::__private::Plain<Self, __bw::__private::ReadInPlace> = #in_place;
            #checked
            const FIELDS: &'static [__bw::layout::FieldLayout] =
                &#layout_const.fields([#(#field_names),*], [#(#sizes),*], [#(#field_hints),*]);
            type View<'__v> = #shared;
            type ViewMut<'__v> = #mutable;
            #facts
            #[inline]
            fn write(&self, __w: &mut __bw::layout::Writer, __at: usize) {
                #write
            }
            #[inline]
            fn out_of_line_hint(&self) -> usize {
                #hint
            }
            #valid
            #[inline]
            fn check(
                __buf: &[u8],
                __at: usize,
                __cx: &mut __bw::__private::Check,
            ) -> __bw::__private::Result<(), __bw::Error> {
                #check
            }
            #view_fns
        }

        #from_layout

        impl #v_params #shared #where_clause {
            #(#accessors)*
            #explicit_methods
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
                use __bw::__private::{ViaDebug as _, ViaName as _};
                __f.debug_struct(#view_name_str) #(#debug_fields)* .finish()
            }
        }

        #common
    };
    Expanded {
        view_type: view::definition(input, &doc),
        impls,
    }
}

/// What an explicit layout adds to a struct's `Layout` impl and view.
#[derive(Default)]
struct ExplicitInPlace {
    /// `const IN_PLACE_CHECKED`.
    claim: TokenStream,
    /// `fn valid_inline`.
    valid: TokenStream,
    /// The view's methods that read the record and its pointers in place.
    methods: TokenStream,
    /// `let () = __PROOFS;` for a generic struct, whose proofs are an
    /// associated constant.
    proofs: TokenStream,
}

/// The `IN_PLACE_CHECKED` claim of an explicit struct, its `valid_inline`,
/// and the view methods that read it in place: `get` (the record as
/// `&Self`), and `resolve`, `str` and `span` for its in-place fields,
/// through the image the view holds (a method is left out where a field's
/// accessor has its name).
fn explicit_in_place(
    input: &Input<'_>,
    fields: &[Field<'_>],
    layout_const: &TokenStream,
    names: &Names,
) -> ExplicitInPlace {
    let unit = &names.unit;
    let ident = input.ident;
    let (_, ty_generics, _) = names.generics.split_for_impl();
    let conditions = fields.iter().enumerate().map(|(i, f)| {
        let ty = &f.ty;
        let m = &f.member;
        quote! {
            && __bw::__private::readable::<#ty>()
            && __bw::__private::offset_of!(Self, #m) == #layout_const.offsets[#i]
        }
    });
    let valid = fields.iter().enumerate().map(|(i, f)| {
        let ty = &f.ty;
        quote! {
            && __bw::__private::valid_at::<#ty>(__buf, __at.saturating_add(#layout_const.offsets[#i]))
        }
    });
    let claim = quote! {
        // SAFETY: (1) every field's type has a claim that reads in place
        // (`readable`: `ReadInPlace` or `CheckedInPlace`), so none has
        // interior mutability; (2) the memory size is the layout size and
        // each field sits in memory at its layout offset (checked), the
        // bytes between fields (if any) are padding, no part of the value;
        // (3) `valid_inline` accepts exactly the bytes whose every field is
        // valid under its own claim (`valid_at`), and a struct of valid
        // fields is a valid struct; (4) the memory alignment is at most the
        // layout's (checked).
        const IN_PLACE_CHECKED: __bw::__private::Plain<Self, __bw::__private::CheckedInPlace> = unsafe {
            __bw::__private::Plain::new_unchecked(
                true #(#conditions)*
                && __bw::__private::size_of::<Self>() == #layout_const.size
                && __bw::__private::align_of::<Self>() <= #layout_const.align
            )
        };
    };
    let valid = quote! {
        #[inline]
        fn valid_inline(__buf: &[u8], __at: usize) -> bool {
            true #(#valid)*
        }
    };
    let taken: Vec<String> = fields
        .iter()
        .map(|f| accessor(&f.member).to_string())
        .collect();
    let free = |name: &str| !taken.iter().any(|t| t == name);
    let mut methods = TokenStream::new();
    if free("get") {
        let doc = format!(
            "The record as `&{ident}`, read in place: no copy. An error if it is not a valid `{ident}` (a `bool`, an enum value or a pointer in it is invalid) or not aligned; `barewire::view` has checked that already."
        );
        methods.extend(quote! {
            #[doc = #doc]
            #[inline]
            pub fn get(&self) -> __bw::__private::Result<&'__v #ident #ty_generics, __bw::Error> {
                __bw::__private::record_in_place(self.cur.buf(), self.cur.at())
            }
        });
    }
    if free("image") {
        methods.extend(quote! {
            /// The whole image this view reads, through which the
            /// pointers, spans and strings of its records are followed.
            #[inline]
            pub fn image(&self) -> __bw::layout::InPlace<'__v> {
                __bw::layout::InPlace::new(self.cur.buf())
            }
        });
    }
    if free("resolve") {
        methods.extend(quote! {
            /// The record `ptr` (a pointer inside this image, such as a
            /// field of a record from [`get`](Self::get)) points to, as
            /// `&T`: see `barewire::layout::InPlace::resolve`.
            #[inline]
            pub fn resolve<__T: __bw::layout::Layout>(
                &self,
                ptr: &__bw::layout::BarePtr<__T>,
            ) -> __bw::__private::Result<&'__v __T, __bw::Error> {
                __bw::layout::InPlace::new(self.cur.buf()).resolve(ptr)
            }
        });
    }
    if free("str") {
        methods.extend(quote! {
            /// The string `s` (a field inside this image), checked: see
            /// `barewire::layout::InPlace::str`.
            #[inline]
            pub fn str(&self, s: &__bw::layout::BareStr) -> __bw::__private::Result<&'__v str, __bw::Error> {
                __bw::layout::InPlace::new(self.cur.buf()).str(s)
            }
        });
    }
    if free("span") {
        methods.extend(quote! {
            /// The items of `span` (a field inside this image) as `&[T]`:
            /// see `barewire::layout::InPlace::span`.
            #[inline]
            pub fn span<__T: __bw::layout::Layout>(
                &self,
                span: &__bw::layout::BareSpan<__T>,
            ) -> __bw::__private::Result<&'__v [__T], __bw::Error> {
                __bw::layout::InPlace::new(self.cur.buf()).span(span)
            }
        });
    }
    let proofs = if input.generics.type_params().next().is_some() {
        quote!(let () = <#unit>::__PROOFS;)
    } else {
        quote!()
    };
    ExplicitInPlace {
        claim,
        valid,
        methods,
        proofs,
    }
}

/// A layout claim of a struct, `PLAIN` (`IntoLayout`) or `IN_PLACE`
/// (`ReadInPlace`), named by `claim`: every field's own claim of that kind,
/// no hints, the memory offsets equal to the layout offsets, and no padding
/// anywhere.
fn plain_proof(
    fields: &[Field<'_>],
    layout_const: &TokenStream,
    claim: &TokenStream,
) -> TokenStream {
    if fields.is_empty()
        || fields.iter().any(|f| {
            (f.skip && !f.padding) || f.out_of_line || f.intern || f.align > 1 || f.with.is_some()
        })
    {
        return quote!(__bw::__private::Plain::NO);
    }
    let conditions = fields.iter().enumerate().map(|(i, f)| {
        let ty = &f.ty;
        let m = &f.member;
        quote! {
            && <#ty as __bw::layout::Layout>::#claim.is_plain()
            && __bw::__private::offset_of!(Self, #m) == #layout_const.offsets[#i]
        }
    });
    let sizes = fields.iter().map(|f| {
        let ty = &f.ty;
        quote!(+ <#ty as __bw::layout::Layout>::SIZE)
    });
    quote! {{
        // SAFETY: plain only when (1) every field's memory is its layout
        // bytes (each field type makes the same claim); (2) each field sits
        // in memory at its layout offset; (3) the layout size, the memory
        // size and the sum of the field sizes agree, so there is no padding
        // in memory or in the layout; so the struct's memory is its inline
        // layout part. For `IN_PLACE` also: every field accepts any bytes,
        // so the struct, made of nothing else, does; and each field's Rust
        // alignment is at most its layout alignment, so the struct's (their
        // maximum, unless `repr(align)` raises it: checked) is at most the
        // layout's.
        unsafe {
            __bw::__private::Plain::new_unchecked(
                true #(#conditions)*
                && __bw::__private::size_of::<Self>() == #layout_const.size
                && __bw::__private::align_of::<Self>() <= #layout_const.align
                && #layout_const.size == 0 #(#sizes)*
            )
        }
    }}
}

/// The value rebuilt from the image at `__at` (`FromLayout`) of a struct
/// whose last field links to the next node: a loop over the nodes that
/// keeps each node's head in a heap `Vec` until the chain ends, then the
/// rebuild from the last node back.
fn linked_rebuild(
    placed: &Placed<'_, '_>,
    fields: &[Field<'_>],
    style: Style,
    link: &TokenStream,
    tail_at: &TokenStream,
) -> TokenStream {
    let linked = [Linked {
        path: quote!(Self),
        style,
        fields,
    }];
    let heads = Heads::new(&linked);
    let declare = heads.declare();
    let read_head = linked[0].read_head(&placed.head_values());
    let end = linked[0].build(&quote!(__link));
    let push = heads.push(0);
    let rebuild = heads.rebuild(crate::common::layout_link_to);
    quote!({
        #declare
        let mut __at = __at;
        let mut __last = loop {
            #read_head
            match #link::rebuild(__buf, #tail_at, __cx)? {
                __bw::__private::Step::End(__link) => break #end,
                __bw::__private::Step::Node(__next) => {
                    #push
                    __at = __next;
                }
            }
        };
        #rebuild
        __last
    })
}
