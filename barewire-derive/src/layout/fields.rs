//! Fields at offsets: the one generator of what a struct and a union member
//! both are in a layout, a list of fields at the offsets of a
//! `StructLayout` constant. It computes that constant, and writes, checks,
//! reads in place and rebuilds the fields.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

use crate::common::adapter_fn;
use crate::model::{Field, Style};

/// The type that stands for `f` in the layout: the adapter module's
/// `Layout` proxy (`with_layout`), else the field's own type.
pub fn layout_ty(f: &Field<'_>) -> TokenStream {
    match (&f.with, f.inline) {
        (Some(path), _) => adapter_fn(f, path, "Layout"),
        (None, Some((n, span))) => {
            let n = n as usize;
            quote_spanned!(span=> __bw::layout::InlineStr<'static, #n>)
        }
        (None, None) => f.ty.to_token_stream(),
    }
}

/// The field's hints as `LayoutTable` shows them (`FieldLayout::hints`):
/// what each changes in the image, or that it changes nothing there.
pub fn table_hints(f: &Field<'_>) -> String {
    let mut parts = Vec::new();
    if f.align > 1 {
        parts.push(format!("align={}", f.align));
    }
    if f.out_of_line {
        parts.push("out_of_line".to_string());
    }
    if f.intern {
        parts.push("intern".to_string());
    }
    if let Some((n, _)) = f.inline {
        parts.push(format!("inline={n}"));
    }
    if let Some((n, _)) = f.capacity {
        parts.push(format!("capacity={n}"));
    }
    if f.with.is_some() {
        parts.push(if f.with_layout { "with_layout" } else { "with" }.to_string());
    }
    if f.padding {
        parts.push("padding".to_string());
    }
    if f.tail {
        parts.push("tail".to_string());
    }
    parts.join(" ")
}

/// `value` (an expression of type `&F`) as the layout takes it: a
/// reference to the adapter's proxy, `&module::to_layout(value)`, or itself.
pub fn layout_value(f: &Field<'_>, value: TokenStream) -> TokenStream {
    match (&f.with, f.inline) {
        (Some(path), _) => {
            let to = adapter_fn(f, path, "to_layout");
            quote!(&#to(#value))
        }
        (None, Some((n, span))) => {
            let n = n as usize;
            quote_spanned!(span=> &__bw::layout::InlineStr::<#n>::new(
                __bw::__private::InlineText::inline_str(#value)
            ))
        }
        (None, None) => value,
    }
}

/// One field with its place in the layout.
pub struct Entry<'f, 'a> {
    /// The field.
    pub field: &'f Field<'a>,
    /// Its index among the fields as declared.
    pub index: usize,
    /// Its index in the layout's offsets; `None` if it is not in the layout
    /// (skipped).
    pub slot: Option<usize>,
}

/// The fields of a struct or union member at the offsets of one
/// `StructLayout` constant.
pub struct Placed<'f, 'a> {
    /// Every field, in declaration order.
    entries: Vec<Entry<'f, 'a>>,
    /// The `StructLayout` constant: `<FooLayout<()>>::__LAYOUT`.
    layout: TokenStream,
    /// Where the fields start relative to the value: a union's payload
    /// offset, or nothing for a struct.
    payload: Option<TokenStream>,
}

impl<'f, 'a> Placed<'f, 'a> {
    /// `fields` at the offsets of `layout`, plus `payload` if any.
    pub fn new(fields: &'f [Field<'a>], layout: TokenStream, payload: Option<TokenStream>) -> Self {
        let mut slots = 0..;
        let entries = fields
            .iter()
            .enumerate()
            .map(|(index, field)| Entry {
                field,
                index,
                slot: if field.in_layout() {
                    slots.next()
                } else {
                    None
                },
            })
            .collect();
        Placed {
            entries,
            layout,
            payload,
        }
    }

    /// The fields in the layout, padding included, in layout order.
    pub fn in_layout(&self) -> impl Iterator<Item = (usize, &Entry<'f, 'a>)> {
        self.entries
            .iter()
            .filter_map(|e| e.slot.map(|slot| (slot, e)))
    }

    /// The fields with data (in the layout, not padding).
    pub fn data(&self) -> impl Iterator<Item = (usize, &Entry<'f, 'a>)> {
        self.in_layout().filter(|(_, e)| !e.field.padding)
    }

    /// `StructLayout::<N>::compute(...)` over the fields in the layout.
    pub fn compute(&self, declared: bool, align: u64) -> TokenStream {
        let pairs: Vec<TokenStream> = self.in_layout().map(|(_, e)| size_align(e.field)).collect();
        let n = pairs.len();
        let align = align as usize;
        quote!(__bw::__private::StructLayout::<#n>::compute([#(#pairs),*], #declared, #align))
    }

    /// The offset of layout slot `slot` from `origin` (`__at`, `self.cur.at()`).
    pub fn at(&self, origin: &TokenStream, slot: usize) -> TokenStream {
        let layout = &self.layout;
        match &self.payload {
            Some(payload) => quote!(#origin + #payload + #layout.offsets[#slot]),
            None => quote!(#origin + #layout.offsets[#slot]),
        }
    }

    /// The fields with data but the tail link: what a node of a chain holds
    /// besides its link.
    pub fn head(&self) -> impl Iterator<Item = (usize, &Entry<'f, 'a>)> {
        self.data().filter(|(_, e)| !e.field.tail)
    }

    /// The tail link and its position from `__at`, if the fields have one.
    pub fn tail(&self) -> Option<(&Field<'a>, TokenStream)> {
        self.data()
            .find(|(_, e)| e.field.tail)
            .map(|(slot, e)| (e.field, self.at(&quote!(__at), slot)))
    }

    /// The head's values rebuilt from the layout at `__at`, in order.
    pub fn head_values(&self) -> Vec<TokenStream> {
        self.head()
            .map(|(slot, e)| {
                let ty = &e.field.ty;
                let at = self.at(&quote!(__at), slot);
                if e.field.out_of_line {
                    quote!(__bw::__private::from_boxed::<#ty>(__buf, #at, __cx)?)
                } else {
                    quote!(<#ty as __bw::layout::FromLayout<'__de>>::from_layout(__buf, #at, __cx)?)
                }
            })
            .collect()
    }

    /// Statements writing each data field at `__at` into `__w`, but the
    /// tail link (which the caller follows); `value(entry)` is an
    /// expression of type `&F`.
    pub fn writes(&self, value: impl Fn(&Entry<'_, '_>) -> TokenStream) -> Vec<TokenStream> {
        let origin = quote!(__at);
        self.head()
            .map(|(slot, e)| {
                let f = e.field;
                let value = layout_value(f, value(e));
                let at = self.at(&origin, slot);
                if f.out_of_line {
                    quote!(__bw::__private::write_boxed(#value, __w, #at);)
                } else if f.intern {
                    quote!(__bw::__private::write_interned(#value, __w, #at);)
                } else {
                    quote!(__bw::layout::Layout::write(#value, __w, #at);)
                }
            })
            .collect()
    }

    /// The layout hints of these fields as text for the type fingerprint
    /// (`name align=N out_of_line intern` for each field with any), so a
    /// hint on a nested type changes the fingerprint of every type that
    /// reaches it.
    pub fn hints(&self) -> String {
        let mut text = String::new();
        for (slot, e) in self.data() {
            let f = e.field;
            if f.align > 1 || f.out_of_line || f.intern || f.inline.is_some() {
                text.push_str(&format!("[{slot}"));
                if f.align > 1 {
                    text.push_str(&format!(" align={}", f.align));
                }
                if f.out_of_line {
                    text.push_str(" out_of_line");
                }
                if f.intern {
                    text.push_str(" intern");
                }
                if let Some((n, _)) = f.inline {
                    text.push_str(&format!(" inline={n}"));
                }
                text.push(']');
            }
        }
        text
    }

    /// Statements adding the layout facts of each data field's type
    /// (`Layout::layout_facts`).
    pub fn facts(&self) -> Vec<TokenStream> {
        self.data()
            .map(|(_, e)| {
                let ty = layout_ty(e.field);
                quote!(<#ty as __bw::layout::Layout>::layout_facts(__facts);)
            })
            .collect()
    }

    /// Statements checking each data field at `__at` in `__buf`, but the
    /// tail link (which the caller follows).
    pub fn checks(&self) -> Vec<TokenStream> {
        let origin = quote!(__at);
        self.head()
            .map(|(slot, e)| {
                let ty = layout_ty(e.field);
                let at = self.at(&origin, slot);
                if e.field.out_of_line {
                    quote!(__bw::__private::check_boxed::<#ty>(__buf, #at, __cx)?;)
                } else {
                    quote!(<#ty as __bw::layout::Layout>::check(__buf, #at, __cx)?;)
                }
            })
            .collect()
    }

    /// The value rebuilt from the layout at `__at` (`FromLayout`):
    /// `path { a: .., b: .. }`, `path(..)` or `path`, skipped fields and
    /// padding set to their default.
    pub fn construct(&self, path: TokenStream, style: Style) -> TokenStream {
        let origin = quote!(__at);
        let values = self.entries.iter().map(|e| match e.slot {
            Some(slot) if !e.field.skip => {
                let ty = layout_ty(e.field);
                let at = self.at(&origin, slot);
                let value = if e.field.out_of_line {
                    quote!(__bw::__private::from_boxed::<#ty>(__buf, #at, __cx)?)
                } else {
                    quote!(<#ty as __bw::layout::FromLayout<'__de>>::from_layout(__buf, #at, __cx)?)
                };
                match (&e.field.with, e.field.inline) {
                    (Some(path), _) => {
                        let from = adapter_fn(e.field, path, "from_layout");
                        quote!(#from(#value))
                    }
                    (None, Some((n, span))) => {
                        let n = n as usize;
                        quote_spanned!(span=> __bw::__private::InlineText::from_inline(
                            <__bw::layout::InlineStr<'__de, #n> as __bw::layout::FromLayout<'__de>>::from_layout(__buf, #at, __cx)?.as_str()
                        ))
                    }
                    (None, None) => value,
                }
            }
            _ => quote!(__bw::__private::Default::default()),
        });
        match style {
            Style::Unit => path,
            Style::Tuple => quote!(#path( #(#values),* )),
            Style::Named => {
                let members = self.entries.iter().map(|e| &e.field.member);
                quote!(#path { #(#members: #values),* })
            }
        }
    }

    /// The in-place view of the field in `slot` of the value at the view's
    /// cursor, in `__buf`: `Layout::view` with the cursor's `__trust`, or
    /// `view_mut` (from `__at`) when `mutable`.
    pub fn view(&self, slot: usize, f: &Field<'_>, mutable: bool) -> TokenStream {
        let ty = layout_ty(f);
        let origin = if mutable {
            quote!(__at)
        } else {
            quote!(self.cur.at())
        };
        let at = self.at(&origin, slot);
        let field = if f.out_of_line {
            quote!(__bw::__private::follow_unchecked(__buf, #at))
        } else {
            at
        };
        if mutable {
            return quote!({
                let __field = #field;
                <#ty as __bw::layout::Layout>::view_mut(__buf, __field)
            });
        }
        quote!({
            let __field = #field;
            // SAFETY: the cursor's `Layout::view` contract holds for the
            // whole value at `self.cur.at()`, whose check checked this field
            // at `__field`: at its offset, or where its pointer leads for an
            // `out_of_line` field (followed the same way); for a union
            // member, the tag read above names this member, the one the
            // check checked. The trust is the cursor's.
            unsafe { <#ty as __bw::layout::Layout>::view(__buf, __field, __trust) }
        })
    }
}

/// `Layout::layout_facts` of a derived type: its own table with `hints`
/// (text), then the types of its fields (`facts`), each type once.
pub fn layout_facts(hints: &str, facts: &[TokenStream]) -> TokenStream {
    quote! {
        fn layout_facts(__facts: &mut __bw::__private::LayoutFacts) {
            if __facts.enter::<Self>(#hints) {
                #(#facts)*
            }
        }
    }
}

/// `(size, align)` of a field in the layout, as const expressions.
pub fn size_align(f: &Field<'_>) -> TokenStream {
    let ty = layout_ty(f);
    let align = f.align as usize;
    if f.out_of_line {
        quote!((4usize, __bw::__private::max(4, #align)))
    } else {
        quote!((
            <#ty as __bw::layout::Layout>::SIZE,
            __bw::__private::max(<#ty as __bw::layout::Layout>::ALIGN, #align)
        ))
    }
}
