//! Names of generated types, and what a type expression holds (borrowed
//! data, map keys, bytes).

use alloc::{
    borrow::ToOwned,
    collections::BTreeSet,
    string::{String, ToString},
};
use core::fmt::Write as _;

use crate::case::pascal_case;
use crate::model::Type;

/// A type name made from the path to an anonymous type: the definition,
/// then each field or variant, in PascalCase; `kind` appended when the
/// anonymous type is the definition's own.
pub(super) fn made_name(path: &[String], kind: &str) -> String {
    let mut name: String = path.iter().map(|p| pascal_of(p)).collect();
    if path.len() < 2 {
        name.push_str(kind);
    }
    name
}

/// `firstName` or `first_name` as `FirstName`; PascalCase names as they are.
pub(super) fn pascal_of(part: &str) -> String {
    if part.starts_with(|c: char| c.is_ascii_uppercase()) && !part.contains('_') {
        part.to_owned()
    } else {
        pascal_case(part)
    }
}

/// A union member's variant name from its type (as the derive names
/// generic instances): `U8`, `ListStr`, `MapStrU8`, `Person`.
pub(super) fn fragment(name: &mut String, ty: &Type) {
    match ty {
        Type::Named(n) => name.push_str(n),
        Type::DataFixed(n) => {
            let _ = write!(name, "Data{n}");
        }
        Type::Optional(inner) => {
            name.push_str("Optional");
            fragment(name, inner);
        }
        Type::List(inner) => {
            name.push_str("List");
            fragment(name, inner);
        }
        Type::ListFixed(inner, n) => {
            name.push_str("List");
            fragment(name, inner);
            let _ = write!(name, "{n}");
        }
        Type::Map(k, v) => {
            name.push_str("Map");
            fragment(name, k);
            fragment(name, v);
        }
        Type::Struct(_) => name.push_str("Struct"),
        Type::Union(_) => name.push_str("Union"),
        other => name.push_str(&pascal_case(&other.to_string())),
    }
}

/// The names a type holds by value (not behind a `list` or a `map`).
pub(super) fn by_value_names<'a>(ty: &'a Type, out: &mut BTreeSet<&'a str>) {
    match ty {
        Type::Named(n) => {
            out.insert(n);
        }
        Type::Optional(inner) | Type::ListFixed(inner, _) => by_value_names(inner, out),
        Type::Struct(fields) => fields.iter().for_each(|f| by_value_names(&f.ty, out)),
        Type::Union(members) => members.iter().for_each(|m| by_value_names(&m.ty, out)),
        _ => {}
    }
}

/// The names used directly as map keys.
pub(super) fn map_key_names<'a>(ty: &'a Type, out: &mut BTreeSet<&'a str>) {
    match ty {
        Type::Map(k, v) => {
            if let Type::Named(n) = &**k {
                out.insert(n);
            }
            map_key_names(k, out);
            map_key_names(v, out);
        }
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => {
            map_key_names(inner, out);
        }
        Type::Struct(fields) => fields.iter().for_each(|f| map_key_names(&f.ty, out)),
        Type::Union(members) => members.iter().for_each(|m| map_key_names(&m.ty, out)),
        _ => {}
    }
}

/// Whether a type holds a borrowed `str` or `data` (given the definitions
/// known to).
pub(super) fn type_borrows(ty: &Type, borrows: &BTreeSet<&str>) -> bool {
    match ty {
        Type::Str | Type::Data => true,
        Type::Named(n) => borrows.contains(n.as_str()),
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => {
            type_borrows(inner, borrows)
        }
        Type::Map(k, v) => type_borrows(k, borrows) || type_borrows(v, borrows),
        Type::Struct(fields) => fields.iter().any(|f| type_borrows(&f.ty, borrows)),
        Type::Union(members) => members.iter().any(|m| type_borrows(&m.ty, borrows)),
        _ => false,
    }
}

/// Whether a type expression (not looking into names, structs or unions,
/// which are types of their own) holds `data` (or `data[N]`), and whether it
/// holds `list<u8>` (or `list<u8>[N]`).
pub(super) fn bytes_in(ty: &Type) -> (bool, bool) {
    match ty {
        Type::Data | Type::DataFixed(_) => (true, false),
        Type::List(inner) | Type::ListFixed(inner, _) if **inner == Type::U8 => (false, true),
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => bytes_in(inner),
        Type::Map(k, v) => {
            let (a, b) = bytes_in(k);
            let (c, d) = bytes_in(v);
            (a || c, b || d)
        }
        _ => (false, false),
    }
}
