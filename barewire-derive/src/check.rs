//! The check phase: one function per rule that a derive input can break.
//!
//! Each rule reads the parsed model ([`Input`]) and records its errors in
//! the [`Ctxt`], at the token to change, so that every error of an input is
//! reported at once. [`check`] runs them all; generation starts only when
//! none failed.

use syn::{Data, Type};

use crate::attr::{Attrs, Place};
use crate::ctxt::Ctxt;
use crate::model::{Field, Input, Shape};

/// Runs every rule on `input`.
pub fn check(cx: &Ctxt, input: &Input<'_>) {
    // Attributes: each key where it means something, once.
    misplaced_keys(cx, input);
    layout_only_keys(cx, input);
    duplicate_keys(cx, input);
    skipped_field_hints(cx, input);
    out_of_line_and_intern(cx, input);
    enum_layout_hints(cx, input);
    enum_member_attrs(cx, input);
    // Types and names.
    rust_union(cx, input);
    enum_not_empty(cx, input);
    field_types(cx, input);
    unique_field_names(cx, input);
    // Unions and enums: tags and values.
    union_discriminants(cx, input);
    union_tags_ascend(cx, input);
    enum_values_unsigned(cx, input);
    // #[derive(Layout)].
    explicit_is_struct(cx, input);
    explicit_repr_c(cx, input);
    explicit_not_generic(cx, input);
    explicit_order(cx, input);
    explicit_plain_fields(cx, input);
    explicit_padding(cx, input);
    explicit_wire_positions(cx, input);
}

/// Every field of the input: a struct's, or every union member's.
fn all_fields<'i, 'a>(input: &'i Input<'a>) -> Vec<&'i Field<'a>> {
    match &input.shape {
        Shape::Struct(fields, _) => fields.iter().collect(),
        Shape::Union(variants) => variants.iter().flat_map(|v| &v.fields).collect(),
        Shape::Enum(_) => Vec::new(),
    }
}

/// Every attribute set of the input with the place it is written.
fn all_attrs<'i>(input: &'i Input<'_>) -> Vec<(&'i Attrs, Place)> {
    let mut out = vec![(&input.attrs, Place::Container)];
    match &input.shape {
        Shape::Struct(fields, _) => out.extend(fields.iter().map(|f| (&f.attrs, Place::Field))),
        Shape::Enum(variants) => out.extend(variants.iter().map(|v| (&v.attrs, Place::Variant))),
        Shape::Union(variants) => {
            for v in variants {
                out.push((&v.attrs, Place::Variant));
                out.extend(v.fields.iter().map(|f| (&f.attrs, Place::Field)));
            }
        }
    }
    out
}

/// A key written where it does not belong (`tag` on a field, `skip` on a
/// type, ...).
fn misplaced_keys(cx: &Ctxt, input: &Input<'_>) {
    for (attrs, place) in all_attrs(input) {
        for &(key, span) in &attrs.written {
            if !place.accepts(key) {
                cx.error_at(
                    span,
                    format!(
                        "`{key}` is not allowed on {}; allowed here: {}",
                        place.what(),
                        place.allowed()
                    ),
                );
            }
        }
    }
}

/// `field` and `padding` on a field of `#[derive(Bare)]`, where the derive
/// places fields itself.
fn layout_only_keys(cx: &Ctxt, input: &Input<'_>) {
    if input.explicit {
        return;
    }
    for f in all_fields(input) {
        if let Some(p) = f.attrs.padding.get() {
            cx.error_at(
                p.key,
                "`padding` is for #[derive(Layout)] structs, whose layout is written by hand; #[derive(Bare)] places fields and padding itself: remove it (or `skip` the field)",
            );
        }
        if let Some(i) = f.attrs.field.get() {
            cx.error_at(
                i.key,
                "`field = N` is for #[derive(Layout)] structs; with #[derive(Bare)] the wire order is the declaration order: remove it and order the fields instead",
            );
        }
    }
}

/// A key written twice on one item.
fn duplicate_keys(cx: &Ctxt, input: &Input<'_>) {
    for (attrs, _) in all_attrs(input) {
        for (k, &(key, span)) in attrs.written.iter().enumerate() {
            if attrs.written[..k]
                .iter()
                .any(|(earlier, _)| *earlier == key)
            {
                cx.error_at(span, format!("duplicate barewire attribute `{key}`"));
            }
        }
    }
}

/// `skip` with a hint that only a field on the wire can use.
fn skipped_field_hints(cx: &Ctxt, input: &Input<'_>) {
    for f in all_fields(input) {
        let Some(skip) = f.attrs.skip.get() else {
            continue;
        };
        let a = &f.attrs;
        if a.out_of_line.is_set() || a.intern.is_set() || a.align.is_set() {
            cx.error_at(
                skip.key,
                "a skipped field has no layout: remove `skip` or the layout hints",
            );
        }
        if let Some(r) = a.rename.get() {
            cx.error_at(
                r.key,
                "a skipped field is not on the wire and has no BARE name: remove `rename` or `skip`",
            );
        }
    }
}

/// `out_of_line` and `intern` on one field.
fn out_of_line_and_intern(cx: &Ctxt, input: &Input<'_>) {
    for f in all_fields(input) {
        if let (Some(o), true) = (f.attrs.out_of_line.get(), f.attrs.intern.is_set()) {
            cx.error_at(
                o.key,
                "`out_of_line` and `intern` do not combine: a string's bytes are already out of line",
            );
        }
    }
}

/// Layout hints on a field-less enum, whose layout is its value alone.
fn enum_layout_hints(cx: &Ctxt, input: &Input<'_>) {
    if !matches!(input.shape, Shape::Enum(_)) {
        return;
    }
    let a = &input.attrs;
    for (key, span) in [
        ("align", a.align.get().map(|s| s.key)),
        ("order", a.declared_order.get().map(|s| s.key)),
        ("layout", a.layout.get().map(|s| s.key)),
    ] {
        if let Some(span) = span {
            cx.error_at(
                span,
                format!(
                    "`{key}` has no effect on a BARE enum (a field-less enum): its layout is its value, an integer as wide as the largest value needs, and it has no view type; remove `{key}`"
                ),
            );
        }
    }
}

/// `tag` and `rename` on a member of a field-less enum.
fn enum_member_attrs(cx: &Ctxt, input: &Input<'_>) {
    let Shape::Enum(variants) = &input.shape else {
        return;
    };
    for v in variants {
        if let Some(tag) = v.attrs.tag.get() {
            cx.error_at(
                tag.span,
                "`tag` is for unions (enums with data); a BARE enum's value is the Rust discriminant: write `Variant = 5`",
            );
        }
        if let Some(r) = v.attrs.rename.get() {
            cx.error_at(
                r.key,
                "enum members are named in CONSTANT_CASE after the variant; rename the variant itself",
            );
        }
    }
}

/// A Rust `union`, which has no BARE encoding.
fn rust_union(cx: &Ctxt, input: &Input<'_>) {
    if let Data::Union(data) = &input.ast.data {
        cx.error_spanned_by(
            data.union_token,
            "Rust unions have no BARE encoding; use an enum with data (a BARE union)",
        );
    }
}

/// An enum without variants.
fn enum_not_empty(cx: &Ctxt, input: &Input<'_>) {
    if matches!(&input.shape, Shape::Enum(v) if v.is_empty()) && !input.explicit {
        cx.error_spanned_by(
            input.ident,
            "an enum without variants has no BARE type: BARE enums and unions need at least one member",
        );
    }
}

/// Field types without a BARE type.
fn field_types(cx: &Ctxt, input: &Input<'_>) {
    for f in all_fields(input) {
        if !f.skip {
            field_type(cx, f.ty);
        }
    }
}

/// Rejects a field type that has no BARE type, with the fix in the message.
fn field_type(cx: &Ctxt, ty: &Type) {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return;
            };
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
                "char" => Some("`char` has no BARE type: use `String`, or `u32` for a code point"),
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
                        field_type(cx, inner);
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
        Type::Array(a) => field_type(cx, &a.elem),
        Type::Tuple(t) => t.elems.iter().for_each(|e| field_type(cx, e)),
        Type::Paren(p) => field_type(cx, &p.elem),
        Type::Group(g) => field_type(cx, &g.elem),
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

/// Two fields of one struct or union member with the same BARE name.
fn unique_field_names(cx: &Ctxt, input: &Input<'_>) {
    let groups: Vec<&[Field<'_>]> = match &input.shape {
        Shape::Struct(fields, _) => vec![fields],
        Shape::Union(variants) => variants.iter().map(|v| v.fields.as_slice()).collect(),
        Shape::Enum(_) => Vec::new(),
    };
    for fields in groups {
        let on_wire: Vec<&Field<'_>> = fields.iter().filter(|f| !f.skip).collect();
        for (k, f) in on_wire.iter().enumerate() {
            let Some(prev) = on_wire[..k].iter().find(|p| p.schema_name == f.schema_name) else {
                continue;
            };
            let message = format!(
                "two fields have the BARE name `{}` (the other is `{}`); rename one with #[bare(rename = \"...\")]",
                f.schema_name,
                member_name(&prev.member)
            );
            match f.attrs.rename.get() {
                Some(r) => cx.error_at(r.key, message),
                None => match &f.ast.ident {
                    Some(name) => cx.error_at(name.span(), message),
                    None => cx.error_spanned_by(f.ty, message),
                },
            }
        }
    }
}

fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// A discriminant (`A(u8) = 1`) on a union member.
fn union_discriminants(cx: &Ctxt, input: &Input<'_>) {
    let Shape::Union(variants) = &input.shape else {
        return;
    };
    for v in variants {
        if let Some((eq, expr)) = &v.ast.discriminant {
            cx.error_spanned_by(
                quote::quote!(#eq #expr),
                "a union member's tag is set with #[bare(tag = N)], not a discriminant",
            );
        }
    }
}

/// Union tags that do not ascend, or an implicit tag past `u64::MAX`.
fn union_tags_ascend(cx: &Ctxt, input: &Input<'_>) {
    let Shape::Union(variants) = &input.shape else {
        return;
    };
    for pair in variants.windows(2) {
        let (prev, v) = (pair[0].tag, &pair[1]);
        match v.attrs.tag.get() {
            Some(t) if t.value <= prev => cx.error_at(
                t.span,
                format!(
                    "union tags must ascend: {} is not greater than the previous tag {prev}",
                    t.value
                ),
            ),
            None if prev == u64::MAX => {
                cx.error_spanned_by(v.ident, "the implicit tag (previous + 1) overflows u64")
            }
            _ => {}
        }
    }
}

/// A negative discriminant on a field-less enum member.
fn enum_values_unsigned(cx: &Ctxt, input: &Input<'_>) {
    let Shape::Enum(variants) = &input.shape else {
        return;
    };
    for v in variants {
        if let Some((_, syn::Expr::Unary(neg))) = &v.ast.discriminant {
            if let syn::UnOp::Neg(_) = neg.op {
                cx.error_spanned_by(
                    neg,
                    "a BARE enum value is unsigned: the discriminant must not be negative",
                );
            }
        }
    }
}

/// `#[derive(Layout)]` on an enum.
fn explicit_is_struct(cx: &Ctxt, input: &Input<'_>) {
    if let (true, Data::Enum(data)) = (input.explicit, &input.ast.data) {
        cx.error_spanned_by(
            data.enum_token,
            "#[derive(Layout)] is for #[repr(C)] structs; use #[derive(Bare)] for enums and unions",
        );
    }
}

/// `#[derive(Layout)]` without `#[repr(C)]`.
fn explicit_repr_c(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit || !matches!(input.ast.data, Data::Struct(_)) {
        return;
    }
    let repr_c = input
        .ast
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
        cx.error_spanned_by(
            input.ident,
            "#[derive(Layout)] needs #[repr(C)], so that Rust keeps the fields where the layout puts them",
        );
    }
}

/// A generic `#[derive(Layout)]` struct.
fn explicit_not_generic(cx: &Ctxt, input: &Input<'_>) {
    if input.explicit && !input.generics.params.is_empty() {
        cx.error_spanned_by(
            input.generics,
            "an explicit layout cannot be generic: its offsets are proved for one concrete type",
        );
    }
}

/// `order` on a `#[derive(Layout)]` struct.
fn explicit_order(cx: &Ctxt, input: &Input<'_>) {
    if let (true, Some(o)) = (input.explicit, input.attrs.declared_order.get()) {
        cx.error_at(
            o.key,
            "an explicit layout is always in declaration order; remove `order`",
        );
    }
}

/// `skip`, `out_of_line` or `intern` in a `#[derive(Layout)]` struct.
fn explicit_plain_fields(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit {
        return;
    }
    for f in all_fields(input) {
        if let Some(s) = f.attrs.skip.get() {
            cx.error_at(
                s.key,
                "an explicit layout cannot skip fields: every byte is in the layout; use `padding` for filler",
            );
        }
        for hint in [f.attrs.out_of_line.get(), f.attrs.intern.get()]
            .into_iter()
            .flatten()
        {
            cx.error_at(
                hint.key,
                "an explicit layout holds only plain data: no `out_of_line` or `intern`",
            );
        }
    }
}

/// A `padding` field that is not `[u8; N]`, or that also has a wire position.
fn explicit_padding(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit {
        return;
    }
    for f in all_fields(input) {
        let Some(p) = f.attrs.padding.get() else {
            continue;
        };
        if let Some(index) = f.attrs.field.get() {
            cx.error_at(
                index.key,
                "a padding field is not on the wire: remove `field`",
            );
            continue;
        }
        let is_bytes = matches!(f.ty, Type::Array(a) if matches!(&*a.elem, Type::Path(e) if e.path.is_ident("u8")));
        if !is_bytes {
            cx.error_at(p.key, "padding must be a `[u8; N]` field");
        }
    }
}

/// Wire positions of a `#[derive(Layout)]` struct: one per data field, none
/// repeated, together 0 to n - 1.
fn explicit_wire_positions(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit {
        return;
    }
    let mut seen = Vec::new();
    for f in all_fields(input) {
        if f.attrs.padding.is_set() {
            continue;
        }
        let Some(index) = f.attrs.field.get() else {
            cx.error_spanned_by(
                f.ast,
                "every field of an explicit layout says its position on the wire: #[bare(field = N)] (or #[bare(padding)] for filler)",
            );
            continue;
        };
        if seen.iter().any(|(i, _)| *i == index.value) {
            cx.error_at(
                index.span,
                format!("two fields are at wire position {}", index.value),
            );
        }
        seen.push((index.value, index.span));
    }
    let count = seen.len() as u64;
    for (index, span) in seen {
        if index >= count {
            cx.error_at(
                span,
                format!(
                    "wire positions must be 0 to {} with none missing; {index} is out of range",
                    count.saturating_sub(1)
                ),
            );
        }
    }
}
