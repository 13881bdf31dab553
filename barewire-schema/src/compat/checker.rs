//! The comparison of two schemas' definitions, pair by pair.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{Change, MAX_NESTING, Verdict};
use crate::{DefKind, EnumMember, Schema, Type, TypeDef, UnionMember};

pub(super) fn index(schema: &Schema) -> BTreeMap<&str, &TypeDef> {
    let mut map = BTreeMap::new();
    for def in &schema.defs {
        map.entry(def.name.as_str()).or_insert(def);
    }
    map
}

pub(super) struct Checker<'a> {
    pub(super) old: BTreeMap<&'a str, &'a TypeDef>,
    pub(super) new: BTreeMap<&'a str, &'a TypeDef>,
}

/// What comparing one pair of definitions collects.
pub(super) struct Context<'a> {
    pub(super) type_name: String,
    pub(super) changes: Vec<Change>,
    /// Pairs of definitions the compared bodies refer to at the same place.
    pub(super) edges: Vec<(&'a str, &'a str)>,
}

impl Context<'_> {
    fn change(&mut self, path: &str, verdict: Verdict, reason: impl Into<String>) {
        self.changes.push(Change {
            type_name: self.type_name.clone(),
            path: path.to_string(),
            verdict,
            reason: reason.into(),
        });
    }
}

/// A type for a change's reason: its schema text, cut short if long.
fn show(ty: &Type) -> String {
    match ty {
        Type::Struct(_) => "a struct".into(),
        Type::Union(_) => "a union".into(),
        other => {
            let text = other.to_string();
            if text.chars().count() > 60 {
                let cut: String = text.chars().take(57).collect();
                format!("{cut}...")
            } else {
                text
            }
        }
    }
}

/// What a side of the comparison stands for: a type expression, or an enum
/// definition.
enum Side<'a> {
    Type(&'a Type),
    Enum(&'a str),
    /// A name with no definition, or an alias cycle (only in schemas built by
    /// hand).
    Broken(&'a str),
}

impl<'a> Checker<'a> {
    pub(super) fn compare_defs(&self, old: &'a str, new: &'a str, cx: &mut Context<'a>) {
        let (Some(o), Some(n)) = (self.old.get(old), self.new.get(new)) else {
            cx.change("", Verdict::Breaking, "a referenced type is not defined");
            return;
        };
        match (&o.kind, &n.kind) {
            (DefKind::Enum(om), DefKind::Enum(nm)) => compare_enums(om, nm, cx),
            // An alias of an enum against the enum: follow the alias.
            (DefKind::Type(Type::Named(target)), DefKind::Enum(_)) => {
                cx.change(
                    "",
                    Verdict::Compatible,
                    format!("alias of {target} replaced by it"),
                );
                cx.edges.push((target.as_str(), new));
            }
            (DefKind::Enum(_), DefKind::Type(Type::Named(target))) => {
                cx.change(
                    "",
                    Verdict::Compatible,
                    format!("replaced by an alias of {target}"),
                );
                cx.edges.push((old, target.as_str()));
            }
            (DefKind::Type(ot), DefKind::Type(nt)) => self.compare(ot, nt, "", cx, 0),
            (DefKind::Enum(_), DefKind::Type(nt)) => cx.change(
                "",
                Verdict::Breaking,
                format!("enum changed to {}", show(nt)),
            ),
            (DefKind::Type(ot), DefKind::Enum(_)) => cx.change(
                "",
                Verdict::Breaking,
                format!("{} changed to an enum", show(ot)),
            ),
        }
    }

    /// Follows aliases from a type in `defs` until a non-name, an enum, or a
    /// name that another step may not follow; at most `defs.len()` steps.
    fn unalias(defs: &BTreeMap<&'a str, &'a TypeDef>, mut ty: &'a Type) -> Side<'a> {
        let mut steps = 0;
        loop {
            let Type::Named(name) = ty else {
                return Side::Type(ty);
            };
            steps += 1;
            match defs.get(name.as_str()) {
                Some(def) if steps <= defs.len() => match &def.kind {
                    DefKind::Type(t) => ty = t,
                    DefKind::Enum(_) => return Side::Enum(&def.name),
                },
                _ => return Side::Broken(name),
            }
        }
    }

    fn compare(
        &self,
        old: &'a Type,
        new: &'a Type,
        path: &str,
        cx: &mut Context<'a>,
        depth: usize,
    ) {
        if depth > MAX_NESTING {
            cx.change(path, Verdict::Breaking, "types nest too deeply to compare");
            return;
        }
        // Two names: a pair of definitions, compared once on its own.
        if let (Type::Named(o), Type::Named(n)) = (old, new) {
            cx.edges.push((o.as_str(), n.as_str()));
            if o != n {
                cx.change(
                    path,
                    Verdict::Compatible,
                    format!("now refers to {n} instead of {o}"),
                );
            }
            return;
        }
        // One name: an alias against its target, or an enum against a type.
        if matches!(old, Type::Named(_)) || matches!(new, Type::Named(_)) {
            let o = Self::unalias(&self.old, old);
            let n = Self::unalias(&self.new, new);
            match (o, n) {
                (Side::Type(o2), Side::Type(n2)) => {
                    cx.change(
                        path,
                        Verdict::Compatible,
                        format!("{} replaced by {}", show(old), show(new)),
                    );
                    self.compare(o2, n2, path, cx, depth + 1);
                }
                (Side::Enum(o2), Side::Enum(n2)) => {
                    cx.change(
                        path,
                        Verdict::Compatible,
                        format!("{} replaced by {}", show(old), show(new)),
                    );
                    cx.edges.push((o2, n2));
                }
                (Side::Broken(name), _) | (_, Side::Broken(name)) => cx.change(
                    path,
                    Verdict::Breaking,
                    format!("{name} is not defined (or is an alias of itself)"),
                ),
                _ => cx.change(
                    path,
                    Verdict::Breaking,
                    format!("{} changed to {}", show(old), show(new)),
                ),
            }
            return;
        }
        let breaking = |cx: &mut Context<'a>| {
            cx.change(
                path,
                Verdict::Breaking,
                format!("{} changed to {}", show(old), show(new)),
            );
        };
        match (old, new) {
            (Type::Optional(o), Type::Optional(n)) => {
                self.compare(o, n, &format!("{path}?"), cx, depth + 1);
            }
            (Type::List(o), Type::List(n)) => {
                self.compare(o, n, &format!("{path}[]"), cx, depth + 1);
            }
            (Type::ListFixed(o, on), Type::ListFixed(n, nn)) => {
                if on == nn {
                    self.compare(o, n, &format!("{path}[]"), cx, depth + 1);
                } else {
                    breaking(cx);
                }
            }
            (Type::Map(ok, ov), Type::Map(nk, nv)) => {
                self.compare(ok, nk, &format!("{path}<key>"), cx, depth + 1);
                self.compare(ov, nv, &format!("{path}<value>"), cx, depth + 1);
            }
            (Type::DataFixed(o), Type::DataFixed(n)) if o != n => breaking(cx),
            (Type::Struct(of), Type::Struct(nf)) => self.compare_structs(of, nf, path, cx, depth),
            (Type::Union(om), Type::Union(nm)) => self.compare_unions(om, nm, path, cx, depth),
            _ if old == new => {}
            (Type::Data, Type::List(n)) | (Type::List(n), Type::Data) if is_plain_u8(n) => {
                self.same_bytes(old, new, path, cx);
            }
            (Type::DataFixed(l), Type::ListFixed(n, m))
            | (Type::ListFixed(n, m), Type::DataFixed(l))
                if l == m && is_plain_u8(n) =>
            {
                self.same_bytes(old, new, path, cx);
            }
            (Type::Bool, Type::U8) | (Type::Str, Type::Data) => cx.change(
                path,
                Verdict::Backward,
                format!(
                    "{} widened to {}: every old value reads the same",
                    show(old),
                    show(new)
                ),
            ),
            (Type::Str, Type::List(n)) if is_plain_u8(n) => cx.change(
                path,
                Verdict::Backward,
                format!(
                    "{} widened to {}: every old value reads the same",
                    show(old),
                    show(new)
                ),
            ),
            (Type::U8, Type::Bool) | (Type::Data, Type::Str) => cx.change(
                path,
                Verdict::Forward,
                format!(
                    "{} narrowed to {}: old code reads every new value",
                    show(old),
                    show(new)
                ),
            ),
            (Type::List(o), Type::Str) if is_plain_u8(o) => cx.change(
                path,
                Verdict::Forward,
                format!(
                    "{} narrowed to {}: old code reads every new value",
                    show(old),
                    show(new)
                ),
            ),
            _ => breaking(cx),
        }
    }

    fn same_bytes(&self, old: &Type, new: &Type, path: &str, cx: &mut Context<'a>) {
        cx.change(
            path,
            Verdict::Compatible,
            format!("{} and {} have the same bytes", show(old), show(new)),
        );
    }

    fn compare_structs(
        &self,
        old: &'a [crate::Field],
        new: &'a [crate::Field],
        path: &str,
        cx: &mut Context<'a>,
        depth: usize,
    ) {
        for (i, field) in new.iter().enumerate().skip(old.len()) {
            cx.change(
                &format!("{path}.{}", field.name),
                Verdict::Breaking,
                format!(
                    "field {} added (position {i}): old data lacks it",
                    field.name
                ),
            );
        }
        for (i, field) in old.iter().enumerate().skip(new.len()) {
            cx.change(
                &format!("{path}.{}", field.name),
                Verdict::Breaking,
                format!(
                    "field {} removed (position {i}): old data still has it",
                    field.name
                ),
            );
        }
        for (i, (o, n)) in old.iter().zip(new).enumerate() {
            let at = format!("{path}.{}", n.name);
            if o.name != n.name {
                if old.iter().any(|f| f.name == n.name) {
                    let from = old.iter().position(|f| f.name == n.name).unwrap_or(i);
                    cx.change(
                        &at,
                        Verdict::Breaking,
                        format!("field {} moved from position {from} to {i}", n.name),
                    );
                } else {
                    cx.change(
                        &at,
                        Verdict::Compatible,
                        format!("field {} renamed to {}", o.name, n.name),
                    );
                }
            }
            self.compare(&o.ty, &n.ty, &at, cx, depth + 1);
        }
    }

    fn compare_unions(
        &self,
        old: &'a [UnionMember],
        new: &'a [UnionMember],
        path: &str,
        cx: &mut Context<'a>,
        depth: usize,
    ) {
        let old_tags: BTreeMap<u64, &UnionMember> = old.iter().map(|m| (m.tag, m)).collect();
        let new_tags: BTreeMap<u64, &UnionMember> = new.iter().map(|m| (m.tag, m)).collect();
        for m in old {
            let at = format!("{path}(tag {})", m.tag);
            match new_tags.get(&m.tag) {
                None => cx.change(
                    &at,
                    Verdict::Forward,
                    format!(
                        "member {} removed: new code rejects old data that has it",
                        show(&m.ty)
                    ),
                ),
                Some(n) => {
                    // A named member whose name another member of the new
                    // union still has (or had in the old) moved: the tag
                    // now means another member, whatever the bodies.
                    if let (Type::Named(on), Type::Named(nn)) = (&m.ty, &n.ty) {
                        let moved = on != nn
                            && (new
                                .iter()
                                .any(|x| matches!(&x.ty, Type::Named(x) if x == on))
                                || old
                                    .iter()
                                    .any(|x| matches!(&x.ty, Type::Named(x) if x == nn)));
                        if moved {
                            cx.change(
                                &at,
                                Verdict::Breaking,
                                format!("tag {} now means {nn} instead of {on}", m.tag),
                            );
                            continue;
                        }
                    }
                    self.compare(&m.ty, &n.ty, &at, cx, depth + 1);
                }
            }
        }
        for m in new {
            if !old_tags.contains_key(&m.tag) {
                cx.change(
                    &format!("{path}(tag {})", m.tag),
                    Verdict::Backward,
                    format!("member {} added", show(&m.ty)),
                );
            }
        }
    }
}

fn is_plain_u8(ty: &Type) -> bool {
    matches!(ty, Type::U8)
}

fn compare_enums(old: &[EnumMember], new: &[EnumMember], cx: &mut Context<'_>) {
    let new_by_value: BTreeMap<u64, &str> =
        new.iter().map(|m| (m.value, m.name.as_str())).collect();
    let old_by_value: BTreeMap<u64, &str> =
        old.iter().map(|m| (m.value, m.name.as_str())).collect();
    for m in old {
        match new_by_value.get(&m.value) {
            None => cx.change(
                &format!(".{}", m.name),
                Verdict::Forward,
                format!(
                    "value {} ({}) removed: new code rejects old data that has it",
                    m.value, m.name
                ),
            ),
            Some(&name) if name != m.name => {
                if old.iter().any(|x| x.name == name) || new.iter().any(|x| x.name == m.name) {
                    cx.change(
                        &format!(".{name}"),
                        Verdict::Breaking,
                        format!("value {} now means {name} instead of {}", m.value, m.name),
                    );
                } else {
                    cx.change(
                        &format!(".{name}"),
                        Verdict::Compatible,
                        format!("member {} renamed to {name}", m.name),
                    );
                }
            }
            Some(_) => {}
        }
    }
    for m in new {
        if !old_by_value.contains_key(&m.value) {
            cx.change(
                &format!(".{}", m.name),
                Verdict::Backward,
                format!("value {} ({}) added", m.value, m.name),
            );
        }
    }
}
