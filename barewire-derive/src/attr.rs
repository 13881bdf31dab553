//! `#[bare(...)]` attributes, parsed with `parse_nested_meta` into typed
//! values kept with their spans.
//!
//! Parsing knows only the syntax: every known key is accepted wherever it is
//! written, and only unknown keys and malformed values are errors here.
//! Whether a key belongs where it is written, or is written twice, is for the
//! check phase (module `check`), which sees [`Attrs::written`].

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Attribute, LitInt, LitStr};

use crate::ctxt::Ctxt;

/// An attribute value and where it was written.
pub struct Spanned<T> {
    /// The parsed value.
    pub value: T,
    /// The key (`rename` in `rename = "x"`).
    pub key: Span,
    /// The value's literal, or the key for keys without a value.
    pub span: Span,
}

/// The values written for one key, in order; the first one counts.
pub struct Slot<T> {
    /// Every value written, in source order.
    values: Vec<Spanned<T>>,
}

impl<T> Slot<T> {
    /// No value.
    fn new() -> Self {
        Slot { values: Vec::new() }
    }

    /// Records one more value.
    fn push(&mut self, key: Span, span: Span, value: T) {
        self.values.push(Spanned { value, key, span });
    }

    /// The first value written, if any.
    pub fn get(&self) -> Option<&Spanned<T>> {
        self.values.first()
    }

    /// Whether the key is written.
    pub fn is_set(&self) -> bool {
        !self.values.is_empty()
    }
}

/// The largest `capacity = N` (barewire's `__private::MAX_CAPACITY_HINT`).
const MAX_CAPACITY: u64 = 1 << 24;

/// Every key of `#[bare(...)]`, in the order [`Attrs::written`] names them.
pub const KEYS: &[&str] = &[
    "crate",
    "rename",
    "bound",
    "skip",
    "tag",
    "layout",
    "order",
    "align",
    "out_of_line",
    "intern",
    "capacity",
    "inline",
    "field",
    "padding",
    "list",
    "map_key",
    "with",
    "with_layout",
];

/// The `#[bare(...)]` attributes of one item (type, field or variant).
pub struct Attrs {
    /// Every key as written, with the span of the key, in source order.
    pub written: Vec<(&'static str, Span)>,
    /// `crate = "path"`: the path of the barewire crate.
    pub krate: Slot<syn::Path>,
    /// `rename = "Name"`: the BARE name.
    pub rename: Slot<String>,
    /// `bound = "T: Trait, ..."`: where predicates instead of inferred ones.
    pub bound: Slot<Vec<syn::WherePredicate>>,
    /// `skip`: not on the wire, decoded as `Default`.
    pub skip: Slot<()>,
    /// `tag = N`: a union member's tag.
    pub tag: Slot<u64>,
    /// `layout = "Name"`: the name of the view type.
    pub layout: Slot<syn::Ident>,
    /// `order = "declared" | "compact"`: true for declared.
    pub declared_order: Slot<bool>,
    /// `align = A`: a minimum alignment.
    pub align: Slot<u64>,
    /// `out_of_line`: behind a relative pointer in the layout.
    pub out_of_line: Slot<()>,
    /// `intern`: identical strings written once in the layout.
    pub intern: Slot<()>,
    /// `capacity = N`: the decoded list, string or map has room for `N`.
    pub capacity: Slot<u64>,
    /// `inline = N`: a string field's inline part is `N` bytes.
    pub inline: Slot<u64>,
    /// `field = N`: a `#[derive(Layout)]` field's position on the wire.
    pub field: Slot<u64>,
    /// `padding`: a `#[derive(Layout)]` filler field.
    pub padding: Slot<()>,
    /// `list`: the field's bytes (`Vec<u8>`, `[u8; N]`, ...) are
    /// `list<u8>` in the schema, not `data` (the wire bytes are the same).
    pub list: Slot<()>,
    /// `map_key`: a newtype usable as a map key, like the type it wraps.
    pub map_key: Slot<()>,
    /// `with = "module"`: a field adapter, the module's `encode`, `decode`
    /// and `describe` instead of the field type's impls.
    pub with: Slot<syn::Path>,
    /// `with_layout`: the adapter module also gives the field's layout
    /// (`type Layout`, `to_layout`, `from_layout`).
    pub with_layout: Slot<()>,
}

/// Where an attribute is written; each place accepts its own keys.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    /// On the type.
    Container,
    /// On a field of a struct or union member.
    Field,
    /// On a variant of an enum.
    Variant,
}

impl Place {
    /// The keys accepted here, for messages.
    pub fn allowed(self) -> &'static str {
        match self {
            Place::Container => "`crate`, `rename`, `bound`, `layout`, `order`, `align`, `map_key`",
            Place::Field => {
                "`rename`, `skip`, `list`, `with`, `with_layout`, `align`, `out_of_line`, `intern`, `capacity`, `inline` (and in #[derive(Layout)]: `field`, `padding`)"
            }
            Place::Variant => "`rename`, `tag`",
        }
    }

    /// Whether `key` may be written here (in `#[derive(Bare)]`; the check
    /// phase has the rules of `#[derive(Layout)]`).
    pub fn accepts(self, key: &str) -> bool {
        match self {
            Place::Container => {
                matches!(
                    key,
                    "crate" | "rename" | "bound" | "layout" | "order" | "align" | "map_key"
                )
            }
            Place::Field => matches!(
                key,
                "rename"
                    | "skip"
                    | "list"
                    | "with"
                    | "with_layout"
                    | "align"
                    | "out_of_line"
                    | "intern"
                    | "capacity"
                    | "inline"
                    | "field"
                    | "padding"
            ),
            Place::Variant => matches!(key, "rename" | "tag"),
        }
    }

    /// What is written here, for messages: "a type", "a field", "a variant".
    pub fn what(self) -> &'static str {
        match self {
            Place::Container => "a type",
            Place::Field => "a field",
            Place::Variant => "a variant",
        }
    }
}

/// Parses the `#[bare(...)]` attributes among `attrs`, written at `place`
/// (which only chooses the list of keys in the message about unknown keys).
pub fn parse(cx: &Ctxt, attrs: &[Attribute], place: Place) -> Attrs {
    let allowed = place.allowed();
    let mut out = Attrs {
        written: Vec::new(),
        krate: Slot::new(),
        rename: Slot::new(),
        bound: Slot::new(),
        skip: Slot::new(),
        tag: Slot::new(),
        layout: Slot::new(),
        declared_order: Slot::new(),
        align: Slot::new(),
        out_of_line: Slot::new(),
        intern: Slot::new(),
        capacity: Slot::new(),
        inline: Slot::new(),
        field: Slot::new(),
        padding: Slot::new(),
        list: Slot::new(),
        map_key: Slot::new(),
        with: Slot::new(),
        with_layout: Slot::new(),
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
            let Some(&known) = KEYS.iter().find(|k| **k == key) else {
                return Err(syn::Error::new(
                    span,
                    format!(
                        "unknown barewire attribute `{}`; allowed here: {allowed}",
                        quote::quote!(#path)
                    ),
                ));
            };
            out.written.push((known, span));
            match known {
                "crate" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.krate.push(span, lit.span(), lit.parse()?);
                }
                "rename" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let name = lit.value();
                    if !valid_schema_name(&name) {
                        return Err(syn::Error::new(
                            lit.span(),
                            "a BARE name must be ASCII letters, digits and `_`, starting with a letter",
                        ));
                    }
                    out.rename.push(span, lit.span(), name);
                }
                "bound" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let preds = lit.parse_with(
                        syn::punctuated::Punctuated::<syn::WherePredicate, syn::Token![,]>::parse_terminated,
                    )?;
                    out.bound.push(span, lit.span(), preds.into_iter().collect());
                }
                "skip" => out.skip.push(span, span, ()),
                "tag" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let tag = lit.base10_parse::<u64>().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            "a union tag must be an integer from 0 to 2^64 - 1",
                        )
                    })?;
                    out.tag.push(span, lit.span(), tag);
                }
                "layout" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let ident: syn::Ident = lit.parse().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            "the layout type's name must be a Rust identifier",
                        )
                    })?;
                    out.layout.push(span, lit.span(), ident);
                }
                "order" => {
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
                    out.declared_order.push(span, lit.span(), declared);
                }
                "align" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let align = lit
                        .base10_parse::<u64>()
                        .ok()
                        .filter(|a| a.is_power_of_two() && *a <= 64)
                        .ok_or_else(|| {
                            syn::Error::new(
                                lit.span(),
                                "`align` must be a power of two from 1 to 64",
                            )
                        })?;
                    out.align.push(span, lit.span(), align);
                }
                "capacity" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let n = lit
                        .base10_parse::<u64>()
                        .ok()
                        .filter(|n| (1..=MAX_CAPACITY).contains(n))
                        .ok_or_else(|| {
                            syn::Error::new(
                                lit.span(),
                                format!("`capacity` is a number of items from 1 to {MAX_CAPACITY} (2^24): the decoder reserves that much on every decode"),
                            )
                        })?;
                    out.capacity.push(span, lit.span(), n);
                }
                "inline" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let n = lit
                        .base10_parse::<u64>()
                        .ok()
                        .filter(|n| (12..=256).contains(n) && n % 4 == 0)
                        .ok_or_else(|| {
                            syn::Error::new(
                                lit.span(),
                                "`inline` is the string's inline size in bytes: a multiple of 4 from 12 to 256 (8 is the default)",
                            )
                        })?;
                    out.inline.push(span, lit.span(), n);
                }
                "with" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let path: syn::Path = lit.parse().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            "`with` names a module path, such as `with = \"my_adapters::uuid_text\"`",
                        )
                    })?;
                    out.with.push(span, lit.span(), path);
                }
                "out_of_line" => out.out_of_line.push(span, span, ()),
                "intern" => out.intern.push(span, span, ()),
                "with_layout" => out.with_layout.push(span, span, ()),
                "padding" => out.padding.push(span, span, ()),
                "list" => out.list.push(span, span, ()),
                "map_key" => out.map_key.push(span, span, ()),
                "field" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let index = lit.base10_parse::<u64>().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            "`field` is the field's position on the wire: 0, 1, 2, ...",
                        )
                    })?;
                    out.field.push(span, lit.span(), index);
                }
                _ => {}
            }
            Ok(())
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    out
}

/// ASCII letters, digits and `_`, starting with a letter: what BARE names
/// allow (type names in PascalCase, field names in camelCase or snake_case,
/// enum members in CONSTANT_CASE).
fn valid_schema_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
