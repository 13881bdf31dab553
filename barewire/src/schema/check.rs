//! Whole-schema checks, run after parsing: repeated and undefined type
//! names, types with no finite value, and map key types.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};

use super::lex::{Pos, error};
use super::model::{DefKind, Type, TypeDef};
use crate::Error;

/// What the parser hands to the checks: the definitions and where the names
/// the checks report on were written.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    /// The definitions, anonymous enums already placed before their user.
    pub(super) defs: Vec<TypeDef>,
    /// Where each definition's name is (parallel to `defs`).
    pub(super) name_pos: Vec<Pos>,
    /// Every reference to a named type, in source order.
    pub(super) refs: Vec<(String, Pos)>,
    /// Every map key type, in source order.
    pub(super) map_keys: Vec<(Type, Pos)>,
}

/// Runs every whole-schema check; the first failure is the error.
pub(super) fn check(parsed: &Parsed) -> Result<(), Error> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, def) in parsed.defs.iter().enumerate() {
        if index.insert(def.name.as_str(), i).is_some() {
            let msg = format!("the type '{}' is already defined", def.name);
            return Err(error(parsed.name_pos[i], msg));
        }
    }
    for (name, pos) in &parsed.refs {
        if !index.contains_key(name.as_str()) {
            return Err(error(*pos, format!("the type '{name}' is not defined")));
        }
    }
    check_terminable(parsed, &index)?;
    for (key, pos) in &parsed.map_keys {
        if !valid_key(key, &parsed.defs, &index) {
            let msg = "the key type of a map must be a primitive type other than f32, f64 and \
                       void, or an enum type";
            return Err(error(*pos, msg));
        }
    }
    Ok(())
}

/// Whether a value of `ty` can be finite, given which definitions can be.
fn terminable(ty: &Type, ok: &[bool], index: &BTreeMap<&str, usize>) -> bool {
    match ty {
        Type::Optional(_) | Type::List(_) | Type::Map(..) => true,
        Type::ListFixed(inner, _) => terminable(inner, ok, index),
        Type::Union(members) => members.iter().any(|m| terminable(&m.ty, ok, index)),
        Type::Struct(fields) => fields.iter().all(|f| terminable(&f.ty, ok, index)),
        Type::Named(name) => index.get(name.as_str()).is_some_and(|&i| ok[i]),
        _ => true,
    }
}

/// Rejects definitions that have no finite value, such as
/// `type P struct { p: P }` or `type A B` + `type B A`: the least fixed point
/// of "terminable" over the definitions.
fn check_terminable(parsed: &Parsed, index: &BTreeMap<&str, usize>) -> Result<(), Error> {
    let defs = &parsed.defs;
    let mut ok: Vec<bool> = defs
        .iter()
        .map(|d| matches!(d.kind, DefKind::Enum(_)))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for (i, def) in defs.iter().enumerate() {
            let now_ok = match &def.kind {
                DefKind::Type(ty) => !ok[i] && terminable(ty, &ok, index),
                DefKind::Enum(_) => false,
            };
            if now_ok {
                ok[i] = true;
                changed = true;
            }
        }
    }
    match ok.iter().position(|&t| !t) {
        Some(i) => {
            let msg = format!(
                "the type '{}' is a non-terminable circular reference: no finite value has this type",
                defs[i].name
            );
            Err(error(parsed.name_pos[i], msg))
        }
        None => Ok(()),
    }
}

/// A primitive other than `f32`, `f64` and `void` (so `data` and `data[N]`
/// are allowed, as in bare-ts), or an enum, possibly through aliases.
fn valid_key(key: &Type, defs: &[TypeDef], index: &BTreeMap<&str, usize>) -> bool {
    let mut key = key;
    // Alias chains are acyclic here (cycles fail `check_terminable`), so at
    // most `defs.len()` steps; the bound only guards against a bug.
    for _ in 0..=defs.len() {
        match key {
            Type::F32 | Type::F64 | Type::Void => return false,
            Type::Named(name) => match index.get(name.as_str()).map(|&i| &defs[i].kind) {
                Some(DefKind::Enum(_)) => return true,
                Some(DefKind::Type(ty)) => key = ty,
                None => return false,
            },
            Type::Optional(_)
            | Type::List(_)
            | Type::ListFixed(..)
            | Type::Map(..)
            | Type::Union(_)
            | Type::Struct(_) => return false,
            _ => return true,
        }
    }
    false
}
