//! `#[bare(...)]` attributes: parsed with `parse_nested_meta`, every value
//! kept with its span, unknown and repeated keys reported at their token.

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Attribute, LitInt, LitStr};

use crate::ctxt::Ctxt;

/// An attribute value and where it was written.
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One optional attribute value: set at most once.
pub struct Slot<T> {
    key: &'static str,
    value: Option<Spanned<T>>,
}

impl<T> Slot<T> {
    fn new(key: &'static str) -> Self {
        Slot { key, value: None }
    }

    fn set(&mut self, cx: &mut Ctxt, span: Span, value: T) {
        if self.value.is_some() {
            cx.syn_error(syn::Error::new(
                span,
                format!("duplicate barewire attribute `{}`", self.key),
            ));
        } else {
            self.value = Some(Spanned { value, span });
        }
    }

    pub fn get(&self) -> Option<&Spanned<T>> {
        self.value.as_ref()
    }
}

/// Where an attribute is written; each place accepts its own keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Container,
    Field,
    Variant,
}

impl Place {
    fn allowed(self) -> &'static str {
        match self {
            Place::Container => "`crate`, `rename`, `bound`, `layout`, `order`, `align`",
            Place::Field => {
                "`rename`, `skip`, `align`, `out_of_line`, `intern` (and in #[derive(Layout)]: `field`, `padding`)"
            }
            Place::Variant => "`rename`, `tag`",
        }
    }
}

/// Every `#[bare(...)]` key, wherever it may appear; [`parse`] rejects
/// keys that do not belong where they are written.
pub struct Attrs {
    pub krate: Slot<syn::Path>,
    pub rename: Slot<String>,
    pub bound: Slot<Vec<syn::WherePredicate>>,
    pub skip: Slot<()>,
    pub tag: Slot<u64>,
    pub layout: Slot<syn::Ident>,
    pub declared_order: Slot<bool>,
    pub align: Slot<u64>,
    pub out_of_line: Slot<()>,
    pub intern: Slot<()>,
    pub field: Slot<u64>,
    pub padding: Slot<()>,
}

/// Parses the `#[bare(...)]` attributes among `attrs` written at `place`.
pub fn parse(cx: &mut Ctxt, attrs: &[Attribute], place: Place) -> Attrs {
    let mut out = Attrs {
        krate: Slot::new("crate"),
        rename: Slot::new("rename"),
        bound: Slot::new("bound"),
        skip: Slot::new("skip"),
        tag: Slot::new("tag"),
        layout: Slot::new("layout"),
        declared_order: Slot::new("order"),
        align: Slot::new("align"),
        out_of_line: Slot::new("out_of_line"),
        intern: Slot::new("intern"),
        field: Slot::new("field"),
        padding: Slot::new("padding"),
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("bare")) {
        if let syn::Meta::Path(_) = attr.meta {
            cx.error_spanned_by(
                attr,
                "expected `#[bare(...)]` with keys inside the parentheses",
            );
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            let key = path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            let span = path.span();
            let misplaced = |what: &str| {
                syn::Error::new(
                    span,
                    format!("`{key}` is not allowed on {what}; allowed here: {}", place.allowed()),
                )
            };
            let what = match place {
                Place::Container => "a type",
                Place::Field => "a field",
                Place::Variant => "a variant",
            };
            match key.as_str() {
                "crate" if place == Place::Container => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let path: syn::Path = lit.parse()?;
                    out.krate.set(cx, span, path);
                }
                "rename" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let name = lit.value();
                    if !valid_schema_name(&name) {
                        return Err(syn::Error::new(
                            lit.span(),
                            "a BARE name must be ASCII letters and digits, starting with a letter",
                        ));
                    }
                    out.rename.set(cx, span, name);
                }
                "bound" if place == Place::Container => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let preds = lit.parse_with(
                        syn::punctuated::Punctuated::<syn::WherePredicate, syn::Token![,]>::parse_terminated,
                    )?;
                    out.bound.set(cx, span, preds.into_iter().collect());
                }
                "skip" if place == Place::Field => out.skip.set(cx, span, ()),
                "tag" if place == Place::Variant => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let tag = lit.base10_parse::<u64>().map_err(|_| {
                        syn::Error::new(lit.span(), "a union tag must be an integer from 0 to 2^64 - 1")
                    })?;
                    out.tag.set(cx, lit.span(), tag);
                }
                "layout" if place == Place::Container => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let ident: syn::Ident = lit.parse().map_err(|_| {
                        syn::Error::new(lit.span(), "the layout type's name must be a Rust identifier")
                    })?;
                    out.layout.set(cx, span, ident);
                }
                "order" if place == Place::Container => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let declared = match lit.value().as_str() {
                        "declared" => true,
                        "compact" => false,
                        _ => {
                            return Err(syn::Error::new(
                                lit.span(),
                                "expected `order = \"declared\"` (fields in declaration order) or `order = \"compact\"` (the default: least padding)",
                            ));
                        }
                    };
                    out.declared_order.set(cx, span, declared);
                }
                "align" if place != Place::Variant => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let align = lit.base10_parse::<u64>().ok().filter(|a| a.is_power_of_two() && *a <= 64).ok_or_else(|| {
                        syn::Error::new(lit.span(), "`align` must be a power of two from 1 to 64")
                    })?;
                    out.align.set(cx, lit.span(), align);
                }
                "out_of_line" if place == Place::Field => out.out_of_line.set(cx, span, ()),
                "padding" if place == Place::Field => out.padding.set(cx, span, ()),
                "field" if place == Place::Field => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let index = lit
                        .base10_parse::<u64>()
                        .map_err(|_| syn::Error::new(lit.span(), "`field` is the field's position on the wire: 0, 1, 2, ..."))?;
                    out.field.set(cx, lit.span(), index);
                }
                "intern" if place == Place::Field => out.intern.set(cx, span, ()),
                "crate" | "bound" | "skip" | "tag" | "layout" | "order" | "align" | "out_of_line" | "intern"
                | "field" | "padding" => {
                    return Err(misplaced(what));
                }
                _ => {
                    return Err(syn::Error::new(
                        span,
                        format!("unknown barewire attribute `{}`; allowed here: {}", quote::quote!(#path), place.allowed()),
                    ));
                }
            }
            Ok(())
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    out
}

/// ASCII letters and digits, starting with a letter: what BARE names allow.
fn valid_schema_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}
