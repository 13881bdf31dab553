//! The rules of `#[derive(Layout)]`: a `#[repr(C)]` struct of in-place
//! fields, each with its wire position (or none at all: declaration order)
//! or marked as padding.

use syn::{Data, Type};

use super::all_fields;
use crate::ctxt::Ctxt;
use crate::model::Input;

/// `#[derive(Layout)]` on an enum.
pub fn is_struct(cx: &Ctxt, input: &Input<'_>) {
    if let (true, Data::Enum(data)) = (input.explicit, &input.ast.data) {
        cx.error_spanned_by(
            data.enum_token,
            "#[derive(Layout)] is for #[repr(C)] structs; use #[derive(Bare)] for enums and unions",
        );
    }
}

/// `#[derive(Layout)]` without `#[repr(C)]`.
pub fn repr_c(cx: &Ctxt, input: &Input<'_>) {
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

/// A `#[derive(Layout)]` struct generic over a lifetime or a constant:
/// type parameters are fine (the proofs run for each concrete type), but an
/// in-place record borrows nothing and its sizes come from its types.
pub fn not_generic(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit {
        return;
    }
    for p in &input.generics.params {
        if !matches!(p, syn::GenericParam::Type(_)) {
            cx.error_spanned_by(
                p,
                "an explicit layout can be generic over types only: its offsets are proved for each concrete type",
            );
        }
    }
}

/// `order` on a `#[derive(Layout)]` struct.
pub fn order(cx: &Ctxt, input: &Input<'_>) {
    if let (true, Some(o)) = (input.explicit, input.attrs.declared_order.get()) {
        cx.error_at(
            o.key,
            "an explicit layout is always in declaration order; remove `order`",
        );
    }
}

/// `skip`, `out_of_line` or `intern` in a `#[derive(Layout)]` struct.
pub fn plain_fields(cx: &Ctxt, input: &Input<'_>) {
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
        if let Some(i) = f.attrs.inline.get() {
            cx.error_at(
                i.key,
                "an explicit layout holds its fields as they are in memory: use a `[u8; N]` field instead of `inline`",
            );
        }
        if let Some(c) = f.attrs.capacity.get() {
            cx.error_at(
                c.key,
                "an explicit layout holds only plain data, with nothing to reserve: remove `capacity`",
            );
        }
    }
}

/// A `padding` field that is not `[u8; N]`, or that also has a wire position.
pub fn padding(cx: &Ctxt, input: &Input<'_>) {
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
        let is_bytes = matches!(&f.ty, Type::Array(a) if matches!(&*a.elem, Type::Path(e) if e.path.is_ident("u8")));
        if !is_bytes {
            cx.error_at(p.key, "padding must be a `[u8; N]` field");
        }
    }
}

/// Wire positions of a `#[derive(Layout)]` struct: one per data field, none
/// repeated, together 0 to n - 1.
pub fn wire_positions(cx: &Ctxt, input: &Input<'_>) {
    if !input.explicit {
        return;
    }
    // No position anywhere: the wire follows the declaration order.
    if all_fields(input)
        .iter()
        .all(|f| f.attrs.field.get().is_none())
    {
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
                "every field of an explicit layout says its position on the wire: #[bare(field = N)] (or #[bare(padding)] for filler), or none does (declaration order)",
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
