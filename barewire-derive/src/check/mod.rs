//! The check phase: one function per rule that a derive input can break.
//!
//! Each rule reads the parsed model ([`Input`]) and records its errors in
//! the [`Ctxt`], at the token to change, so that every error of an input is
//! reported at once. [`check`] runs them all; generation starts only when
//! none failed. The rules of `#[derive(Layout)]` are in `explicit`, the
//! field types without a BARE type in `types`.

mod explicit;
mod types;

use syn::Data;

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
    adapter_fields(cx, input);
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
    map_key_newtype(cx, input);
    // #[derive(Layout)].
    explicit::is_struct(cx, input);
    explicit::repr_c(cx, input);
    explicit::not_generic(cx, input);
    explicit::order(cx, input);
    explicit::plain_fields(cx, input);
    explicit::padding(cx, input);
    explicit::wire_positions(cx, input);
}

/// Every field of the input: a struct's, or every union member's.
pub(crate) fn all_fields<'i, 'a>(input: &'i Input<'a>) -> Vec<&'i Field<'a>> {
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
        if let Some(c) = a.capacity.get() {
            cx.error_at(
                c.key,
                "a skipped field is not decoded: remove `capacity` or `skip`",
            );
        }
        if let Some(i) = a.inline.get() {
            cx.error_at(
                i.key,
                "a skipped field has no layout: remove `inline` or `skip`",
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

/// `with` on a field that is not on the wire, that has layout hints, or in
/// a `#[derive(Layout)]` struct; `with_layout` without `with`.
fn adapter_fields(cx: &Ctxt, input: &Input<'_>) {
    for f in all_fields(input) {
        let a = &f.attrs;
        let Some(with) = a.with.get() else {
            if let Some(flag) = a.with_layout.get() {
                cx.error_at(
                    flag.key,
                    "`with_layout` says the adapter module gives the layout too: add `with = \"module\"`",
                );
            }
            continue;
        };
        if a.skip.is_set() {
            cx.error_at(
                with.key,
                "a skipped field is not on the wire: remove `with` or `skip`",
            );
        }
        if let Some(c) = a.capacity.get() {
            cx.error_at(
                c.key,
                "the adapter (`with`) decodes this field: reserve in its `decode`, and remove `capacity`",
            );
        }
        if input.explicit {
            cx.error_at(
                with.key,
                "#[derive(Layout)] fields are in the layout as they are in memory, and an adapter converts them: remove `with`",
            );
        } else if a.out_of_line.is_set()
            || a.intern.is_set()
            || a.align.is_set()
            || a.inline.is_set()
        {
            cx.error_at(
                with.key,
                "layout hints do not apply to a field with an adapter (`with`): its layout is the adapter's; remove the hints",
            );
        }
    }
}

/// `out_of_line` with `intern` or `inline` on one field.
fn out_of_line_and_intern(cx: &Ctxt, input: &Input<'_>) {
    for f in all_fields(input) {
        if let (Some(o), true) = (f.attrs.out_of_line.get(), f.attrs.intern.is_set()) {
            cx.error_at(
                o.key,
                "`out_of_line` and `intern` do not combine: a string's bytes are already out of line",
            );
        }
        if let (Some(o), true) = (f.attrs.out_of_line.get(), f.attrs.inline.is_set()) {
            cx.error_at(
                o.key,
                "`out_of_line` and `inline` contradict each other: choose where the string lives",
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

/// `tag` on a member of a field-less enum, and a `rename` that is not in
/// CONSTANT_CASE.
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
            let constant = r.value.starts_with(|c: char| c.is_ascii_uppercase())
                && r.value
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !constant {
                cx.error_at(
                    r.span,
                    "a BARE enum member's name is in CONSTANT_CASE (A-Z, digits and `_`, starting with A-Z)",
                );
            }
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
        if !f.skip && f.with.is_none() {
            types::field_type(cx, &f.ty);
        }
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
                    None => cx.error_spanned_by(&f.ty, message),
                },
            }
        }
    }
}

/// `a` for `self.a`, `0` for `self.0`.
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

/// `map_key` on anything but a struct with one field on the wire.
fn map_key_newtype(cx: &Ctxt, input: &Input<'_>) {
    let Some(key) = input.attrs.map_key.get() else {
        return;
    };
    let newtype = match &input.shape {
        Shape::Struct(fields, _) => fields.iter().filter(|f| !f.skip).count() == 1,
        _ => false,
    };
    if !newtype || input.explicit {
        cx.error_at(
            key.key,
            "`map_key` is for a #[derive(Bare)] struct with one field (a newtype): it keys maps like the type it wraps",
        );
    }
}
