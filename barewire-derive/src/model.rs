//! The typed model of a derive input: parsed, then checked, before any code
//! is generated.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Member, Type};

use crate::attr::{self, Place};
use crate::ctxt::Ctxt;

/// A checked derive input.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    /// The path of the barewire crate (`::barewire` unless renamed).
    pub krate: syn::Path,
    /// The base schema name (the Rust name unless renamed).
    pub schema_name: String,
    /// Where predicates that replace the inferred bounds.
    pub bound: Option<Vec<syn::WherePredicate>>,
    pub shape: Shape<'a>,
    /// The name of the generated in-place view type.
    pub layout_name: Ident,
    /// Fields in declaration order instead of least padding.
    pub declared_order: bool,
    /// Minimum alignment of the type's layout.
    pub align: u64,
    pub vis: &'a syn::Visibility,
}

/// What kind of BARE type the input becomes.
pub enum Shape<'a> {
    /// A struct (named, tuple or unit).
    Struct(Vec<Field<'a>>, Style),
    /// A field-less Rust enum: a BARE `enum`.
    Enum(Vec<EnumVariant<'a>>),
    /// A Rust enum with data: a BARE `union`.
    Union(Vec<UnionVariant<'a>>),
}

/// How fields are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Named,
    Tuple,
    Unit,
}

/// One field of a struct or union variant.
pub struct Field<'a> {
    pub member: Member,
    pub ty: &'a Type,
    pub schema_name: String,
    pub skip: bool,
    /// Minimum alignment of the field in the layout.
    pub align: u64,
    /// Stored behind a relative pointer in the layout.
    pub out_of_line: bool,
    /// Identical strings written once in the layout.
    pub intern: bool,
    /// Explicit padding of a `#[derive(Layout)]` struct: in the layout, not
    /// on the wire (also marked `skip`).
    pub padding: bool,
    /// The field's position on the wire, for `#[derive(Layout)]` structs
    /// (`#[bare(field = N)]`); declaration order otherwise.
    pub wire_index: u64,
}

/// The fields that are on the wire, in wire order.
pub fn wire_fields<'f, 'a>(fields: &'f [Field<'a>]) -> Vec<&'f Field<'a>> {
    let mut out: Vec<&Field<'a>> = fields.iter().filter(|f| !f.skip).collect();
    out.sort_by_key(|f| f.wire_index);
    out
}

/// One member of a field-less enum.
pub struct EnumVariant<'a> {
    pub ident: &'a Ident,
}

/// One member of a union.
pub struct UnionVariant<'a> {
    pub ident: &'a Ident,
    pub tag: u64,
    pub schema_name: String,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
}

impl<'a> Input<'a> {
    /// Parses and checks `input`, returning every error found. `explicit`
    /// is true for `#[derive(Layout)]`: a `#[repr(C)]` struct whose
    /// declaration order is its layout and whose fields carry their wire
    /// position.
    pub fn from_ast(input: &'a DeriveInput, explicit: bool) -> Result<Self, syn::Error> {
        let mut cx = Ctxt::default();
        let attrs = attr::parse(&mut cx, &input.attrs, Place::Container);
        let krate = attrs
            .krate
            .get()
            .map_or_else(|| syn::parse_quote!(::barewire), |k| k.value.clone());
        let schema_name = attrs
            .rename
            .get()
            .map_or_else(|| input.ident.to_string(), |r| r.value.clone());
        let bound = attrs.bound.get().map(|b| b.value.clone());
        let layout_name = attrs.layout.get().map_or_else(
            || quote::format_ident!("{}Layout", input.ident),
            |l| l.value.clone(),
        );
        let declared_order = explicit || attrs.declared_order.get().is_some_and(|d| d.value);
        if let (true, Some(o)) = (explicit, attrs.declared_order.get()) {
            cx.syn_error(syn::Error::new(
                o.span,
                "an explicit layout is always in declaration order; remove `order`",
            ));
        }
        let align = attrs.align.get().map_or(1, |a| a.value);
        let shape = match &input.data {
            Data::Struct(data) => {
                let (mut fields, style) = parse_fields(&mut cx, &data.fields);
                if explicit {
                    check_explicit(&mut cx, input, &data.fields, &mut fields);
                }
                Shape::Struct(fields, style)
            }
            Data::Enum(data) if explicit => {
                cx.error_spanned_by(
                    data.enum_token,
                    "#[derive(Layout)] is for #[repr(C)] structs; use #[derive(Bare)] for enums and unions",
                );
                Shape::Enum(Vec::new())
            }
            Data::Enum(data) => parse_enum(&mut cx, input, data),
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "Rust unions have no BARE encoding; use an enum with data (a BARE union)",
                );
                Shape::Struct(Vec::new(), Style::Unit)
            }
        };
        cx.check()?;
        Ok(Input {
            ident: &input.ident,
            generics: &input.generics,
            krate,
            schema_name,
            bound,
            shape,
            layout_name,
            declared_order,
            align,
            vis: &input.vis,
        })
    }
}

fn parse_fields<'a>(cx: &mut Ctxt, fields: &'a Fields) -> (Vec<Field<'a>>, Style) {
    let style = match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    };
    let mut out: Vec<Field<'a>> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let attrs = attr::parse(cx, &field.attrs, Place::Field);
        let member = match &field.ident {
            Some(ident) => Member::Named(ident.clone()),
            None => Member::Unnamed(syn::Index::from(i)),
        };
        let schema_name = match (attrs.rename.get(), &field.ident) {
            (Some(r), _) => r.value.clone(),
            (None, Some(ident)) => lower_camel(&ident.to_string()),
            (None, None) => format!("f{i}"),
        };
        let skip = attrs.skip.get().is_some();
        let out_of_line = attrs.out_of_line.get().is_some();
        let intern = attrs.intern.get().is_some();
        if let (Some(s), true) = (
            attrs.skip.get(),
            out_of_line || intern || attrs.align.get().is_some(),
        ) {
            cx.syn_error(syn::Error::new(
                s.span,
                "a skipped field has no layout: remove `skip` or the layout hints",
            ));
        }
        if let (Some(o), true) = (attrs.out_of_line.get(), intern) {
            cx.syn_error(syn::Error::new(o.span, "`out_of_line` and `intern` do not combine: a string's bytes are already out of line"));
        }
        if !skip {
            check_field_type(cx, &field.ty);
            if let Some(prev) = out.iter().find(|f| !f.skip && f.schema_name == schema_name) {
                let what = match attrs.rename.get() {
                    Some(r) => r.span,
                    None => field.span(),
                };
                cx.syn_error(syn::Error::new(
                    what,
                    format!(
                        "two fields have the BARE name `{schema_name}` (the other is `{}`); rename one with #[bare(rename = \"...\")]",
                        member_name(&prev.member)
                    ),
                ));
            }
        }
        out.push(Field {
            member,
            ty: &field.ty,
            schema_name,
            skip,
            align: attrs.align.get().map_or(1, |a| a.value),
            out_of_line,
            intern,
            padding: false,
            wire_index: i as u64,
        });
    }
    (out, style)
}

/// The rules of `#[derive(Layout)]`: `#[repr(C)]`, no generics, `field = N`
/// on every data field forming 0..n, `padding` only on `[u8; N]` fields,
/// no `skip`, `out_of_line` or `intern`.
fn check_explicit(cx: &mut Ctxt, input: &DeriveInput, ast: &Fields, fields: &mut [Field<'_>]) {
    let repr_c = input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("repr"))
        .any(|a| {
            let mut c = false;
            let _ = a.parse_nested_meta(|m| {
                c |= m.path.is_ident("C");
                Ok(())
            });
            c
        });
    if !repr_c {
        cx.error_spanned_by(&input.ident, "#[derive(Layout)] needs #[repr(C)], so that Rust keeps the fields where the layout puts them");
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "an explicit layout cannot be generic: its offsets are proved for one concrete type",
        );
    }
    let mut seen: Vec<(u64, Span)> = Vec::new();
    for (field, ast) in fields.iter_mut().zip(ast.iter()) {
        let attrs = attr::parse(&mut Ctxt::default(), &ast.attrs, Place::Field);
        if let Some(s) = attrs.skip.get() {
            cx.syn_error(syn::Error::new(s.span, "an explicit layout cannot skip fields: every byte is in the layout; use `padding` for filler"));
        }
        for hint in [
            attrs.out_of_line.get().map(|h| h.span),
            attrs.intern.get().map(|h| h.span),
        ]
        .into_iter()
        .flatten()
        {
            cx.syn_error(syn::Error::new(
                hint,
                "an explicit layout holds only plain data: no `out_of_line` or `intern`",
            ));
        }
        match (attrs.padding.get(), attrs.field.get()) {
            (Some(p), Some(_)) => cx.syn_error(syn::Error::new(p.span, "a padding field is not on the wire: remove `field`")),
            (Some(p), None) => {
                let is_bytes = matches!(&ast.ty, Type::Array(a) if matches!(&*a.elem, Type::Path(e) if e.path.is_ident("u8")));
                if !is_bytes {
                    cx.syn_error(syn::Error::new(p.span, "padding must be a `[u8; N]` field"));
                }
                field.padding = true;
                field.skip = true;
            }
            (None, Some(index)) => {
                if let Some((_, _)) = seen.iter().find(|(i, _)| *i == index.value) {
                    cx.syn_error(syn::Error::new(index.span, format!("two fields are at wire position {}", index.value)));
                }
                seen.push((index.value, index.span));
                field.wire_index = index.value;
            }
            (None, None) => cx.error_spanned_by(
                ast,
                "every field of an explicit layout says its position on the wire: #[bare(field = N)] (or #[bare(padding)] for filler)",
            ),
        }
    }
    let count = seen.len() as u64;
    for (index, span) in &seen {
        if *index >= count {
            cx.syn_error(syn::Error::new(
                *span,
                format!(
                    "wire positions must be 0 to {} with none missing; {index} is out of range",
                    count.saturating_sub(1)
                ),
            ));
        }
    }
}

fn member_name(member: &Member) -> String {
    match member {
        Member::Named(i) => i.to_string(),
        Member::Unnamed(i) => i.index.to_string(),
    }
}

fn parse_enum<'a>(cx: &mut Ctxt, input: &'a DeriveInput, data: &'a syn::DataEnum) -> Shape<'a> {
    if data.variants.is_empty() {
        cx.error_spanned_by(
            &input.ident,
            "an enum without variants has no BARE type: BARE enums and unions need at least one member",
        );
        return Shape::Enum(Vec::new());
    }
    let fieldless = data
        .variants
        .iter()
        .all(|v| matches!(v.fields, Fields::Unit));
    if fieldless {
        let mut variants = Vec::new();
        for v in &data.variants {
            let attrs = attr::parse(cx, &v.attrs, Place::Variant);
            if let Some(tag) = attrs.tag.get() {
                cx.syn_error(syn::Error::new(
                    tag.span,
                    "`tag` is for unions (enums with data); a BARE enum's value is the Rust discriminant: write `Variant = 5`",
                ));
            }
            if let Some(r) = attrs.rename.get() {
                cx.syn_error(syn::Error::new(
                    r.span,
                    "enum members are named in CONSTANT_CASE after the variant; rename the variant itself",
                ));
            }
            if let Some((_, syn::Expr::Unary(neg))) = &v.discriminant {
                if let syn::UnOp::Neg(_) = neg.op {
                    cx.error_spanned_by(
                        neg,
                        "a BARE enum value is unsigned: the discriminant must not be negative",
                    );
                }
            }
            variants.push(EnumVariant { ident: &v.ident });
        }
        return Shape::Enum(variants);
    }
    let mut variants: Vec<UnionVariant<'a>> = Vec::new();
    let mut previous: Option<u64> = None;
    for v in &data.variants {
        let attrs = attr::parse(cx, &v.attrs, Place::Variant);
        if let Some((eq, expr)) = &v.discriminant {
            cx.error_spanned_by(
                quote::quote!(#eq #expr),
                "a union member's tag is set with #[bare(tag = N)], not a discriminant",
            );
        }
        let tag = match (attrs.tag.get(), previous) {
            (Some(t), Some(prev)) if t.value <= prev => {
                cx.syn_error(syn::Error::new(
                    t.span,
                    format!(
                        "union tags must ascend: {} is not greater than the previous tag {prev}",
                        t.value
                    ),
                ));
                t.value
            }
            (Some(t), _) => t.value,
            (None, None) => 0,
            (None, Some(prev)) => match prev.checked_add(1) {
                Some(t) => t,
                None => {
                    cx.error_spanned_by(&v.ident, "the implicit tag (previous + 1) overflows u64");
                    prev
                }
            },
        };
        previous = Some(tag);
        let (fields, style) = parse_fields(cx, &v.fields);
        let schema_name = attrs
            .rename
            .get()
            .map_or_else(|| v.ident.to_string(), |r| r.value.clone());
        variants.push(UnionVariant {
            ident: &v.ident,
            tag,
            schema_name,
            style,
            fields,
        });
    }
    Shape::Union(variants)
}

/// Rejects field types that have no BARE type, with the fix in the message.
fn check_field_type(cx: &mut Ctxt, ty: &Type) {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            if let Some(last) = p.path.segments.last() {
                let suggestion = match last.ident.to_string().as_str() {
                    "usize" => Some(
                        "`usize` has no BARE type (its width depends on the platform): use `u64`, `u32` or `barewire::Uint`",
                    ),
                    "isize" => Some(
                        "`isize` has no BARE type (its width depends on the platform): use `i64`, `i32` or `barewire::Int`",
                    ),
                    "u128" | "i128" => Some(
                        "BARE integers are at most 64 bits wide: use `u64`/`i64`, or `[u8; 16]` for raw 128-bit values",
                    ),
                    "char" => {
                        Some("`char` has no BARE type: use `String`, or `u32` for a code point")
                    }
                    "HashSet" | "BTreeSet" => Some("sets have no BARE type: use `Vec<T>` (a list)"),
                    "Rc" | "Arc" => {
                        Some("shared pointers have no BARE type: use `Box<T>` or the value itself")
                    }
                    _ => None,
                };
                if let Some(message) = suggestion {
                    cx.error_spanned_by(ty, message);
                }
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            check_field_type(cx, inner);
                        }
                    }
                }
            }
        }
        Type::Reference(r) => {
            if r.mutability.is_some() {
                cx.error_spanned_by(
                    ty,
                    "a `&mut` field cannot be decoded: use an owned type or `&str` / `&[u8]`",
                );
                return;
            }
            let ok = match &*r.elem {
                Type::Path(p) => p.path.is_ident("str"),
                Type::Slice(s) => matches!(&*s.elem, Type::Path(p) if p.path.is_ident("u8")),
                _ => false,
            };
            if !ok {
                cx.error_spanned_by(
                    ty,
                    "borrowed fields decode without a copy only as `&str` or `&[u8]` (wire bytes are unaligned): use an owned type such as `Vec<T>` or `String`",
                );
            }
        }
        Type::Array(a) => check_field_type(cx, &a.elem),
        Type::Tuple(t) => t.elems.iter().for_each(|e| check_field_type(cx, e)),
        Type::Paren(p) => check_field_type(cx, &p.elem),
        Type::Group(g) => check_field_type(cx, &g.elem),
        Type::Slice(_) => {
            cx.error_spanned_by(ty, "a bare slice is unsized: use `Vec<T>` or `Box<[T]>`")
        }
        Type::Ptr(_) => cx.error_spanned_by(ty, "raw pointers have no BARE type"),
        Type::BareFn(_) => cx.error_spanned_by(ty, "function pointers have no BARE type"),
        Type::TraitObject(_) | Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            "trait objects have no BARE type: use an enum with data (a BARE union)",
        ),
        Type::Never(_) => cx.error_spanned_by(ty, "`!` has no BARE type"),
        _ => {}
    }
}

/// `snake_case` to `lowerCamelCase` (the same rule as the runtime's).
fn lower_camel(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = !out.is_empty();
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else if out.is_empty() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
