//! Field types that have no BARE type, each with the type to use instead.

use syn::Type;

use crate::ctxt::Ctxt;

/// Rejects a field type that has no BARE type, with the fix in the message.
pub fn field_type(cx: &Ctxt, ty: &Type) {
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
