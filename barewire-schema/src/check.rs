//! Whole-schema checks, run after parsing: repeated and undefined type
//! names, types with no finite value, and map key types.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};

use crate::error::Error;
use crate::lex::{Pos, error};
use crate::model::{DefKind, Type, TypeDef};

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
    let mut keys = KeyCheck {
        defs: &parsed.defs,
        index: &index,
        known: alloc::vec![None; parsed.defs.len()],
    };
    for (key, pos) in &parsed.map_keys {
        if !keys.valid(key) {
            let msg = "the key type of a map must be a primitive type other than f32, f64 and \
                       void, or an enum type";
            return Err(error(*pos, msg));
        }
    }
    Ok(())
}

/// Whether a value of a type with no named parts can always be finite, or
/// what it depends on: the start of [`check_terminable`]'s graph.
enum Shape<'a> {
    /// Finite whatever the definitions: primitives, and `optional`, `list`
    /// and `map` (each has an empty value).
    Finite,
    /// Finite if every one of these is (a struct, a fixed list).
    All(Vec<&'a Type>),
    /// Finite if any one of these is (a union).
    Any(Vec<&'a Type>),
    /// Finite if the definition is.
    Def(Option<usize>),
}

fn shape<'a>(ty: &'a Type, index: &BTreeMap<&str, usize>) -> Shape<'a> {
    match ty {
        Type::ListFixed(inner, _) => Shape::All(alloc::vec![&**inner]),
        Type::Struct(fields) => Shape::All(fields.iter().map(|f| &f.ty).collect()),
        Type::Union(members) => Shape::Any(members.iter().map(|m| &m.ty).collect()),
        Type::Named(name) => Shape::Def(index.get(name.as_str()).copied()),
        _ => Shape::Finite,
    }
}

/// No node: a definition's root has no parent, a missing name no definition.
const NONE: usize = usize::MAX;

/// Rejects definitions that have no finite value, such as
/// `type P struct { p: P }` or `type A B` + `type B A`: the least fixed point
/// of "terminable" over the definitions.
///
/// Computed in time linear in the schema's size, as unit propagation over
/// an and/or graph: a node per type expression, counting how many of its
/// parts must still be found finite (all of a struct's fields, one of a
/// union's members, the definition a name refers to). Nodes found finite go
/// on a work list; each edge is followed once. (Iterating "is it terminable
/// now?" over all definitions until nothing changes took a round per link of
/// an alias chain: quadratic.)
fn check_terminable(parsed: &Parsed, index: &BTreeMap<&str, usize>) -> Result<(), Error> {
    let defs = &parsed.defs;
    // Node `i < defs.len()` is definition `i`'s type; the rest are the types
    // inside, each with its parent.
    let mut pending: Vec<usize> = Vec::with_capacity(defs.len());
    let mut parent: Vec<usize> = Vec::with_capacity(defs.len());
    // The nodes that are names of each definition, as linked lists.
    let mut first_user: Vec<usize> = alloc::vec![NONE; defs.len()];
    let mut next_user: Vec<usize> = Vec::with_capacity(defs.len());
    let mut finite: Vec<usize> = Vec::new();
    let mut todo: Vec<(&Type, usize)> = Vec::new();
    for (i, def) in defs.iter().enumerate() {
        pending.push(0);
        parent.push(NONE);
        next_user.push(NONE);
        match &def.kind {
            DefKind::Type(ty) => todo.push((ty, i)),
            DefKind::Enum(_) => finite.push(i),
        }
    }
    while let Some((ty, node)) = todo.pop() {
        let (parts, needed) = match shape(ty, index) {
            Shape::Finite => {
                finite.push(node);
                continue;
            }
            Shape::Def(target) => {
                pending[node] = 1;
                if let Some(d) = target {
                    next_user[node] = first_user[d];
                    first_user[d] = node;
                }
                continue;
            }
            Shape::All(parts) => {
                let needed = parts.len();
                (parts, needed)
            }
            // A union without members (the parser refuses them) has no
            // value: it waits for a part that never comes.
            Shape::Any(parts) => (parts, 1),
        };
        if needed == 0 {
            finite.push(node);
            continue;
        }
        pending[node] = needed;
        for part in parts {
            pending.push(0);
            parent.push(node);
            next_user.push(NONE);
            todo.push((part, pending.len() - 1));
        }
    }
    let mut ok: Vec<bool> = alloc::vec![false; defs.len()];
    while let Some(node) = finite.pop() {
        let mut notify = |n: usize, finite: &mut Vec<usize>| {
            if pending[n] > 0 {
                pending[n] -= 1;
                if pending[n] == 0 {
                    finite.push(n);
                }
            }
        };
        if node < defs.len() {
            ok[node] = true;
            let mut user = first_user[node];
            while user != NONE {
                notify(user, &mut finite);
                user = next_user[user];
            }
        } else {
            notify(parent[node], &mut finite);
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

/// Whether a type is a valid map key by itself (`Some`), or only if the
/// definition it names is (`None`, with that definition).
fn key_shape(key: &Type, index: &BTreeMap<&str, usize>) -> Result<bool, Option<usize>> {
    match key {
        Type::F32 | Type::F64 | Type::Void => Ok(false),
        Type::Named(name) => Err(index.get(name.as_str()).copied()),
        Type::Optional(_)
        | Type::List(_)
        | Type::ListFixed(..)
        | Type::Map(..)
        | Type::Union(_)
        | Type::Struct(_) => Ok(false),
        _ => Ok(true),
    }
}

/// Map key validity per definition, each alias chain followed once.
struct KeyCheck<'a> {
    defs: &'a [TypeDef],
    index: &'a BTreeMap<&'a str, usize>,
    /// Whether each definition is a valid key type, once known.
    known: Vec<Option<bool>>,
}

impl KeyCheck<'_> {
    /// A primitive other than `f32`, `f64` and `void` (so `data` and
    /// `data[N]` are allowed, as in bare-ts), or an enum, possibly through
    /// aliases.
    fn valid(&mut self, key: &Type) -> bool {
        let mut def = match key_shape(key, self.index) {
            Ok(valid) => return valid,
            Err(None) => return false,
            Err(Some(def)) => def,
        };
        // Follow the alias chain to a definition whose answer is known or
        // found without another alias, then record it all along the chain.
        // Chains are acyclic here (cycles fail `check_terminable`); the bound
        // only guards against a bug.
        let mut chain = Vec::new();
        let answer = loop {
            if let Some(valid) = self.known[def] {
                break valid;
            }
            if chain.len() > self.defs.len() {
                break false;
            }
            chain.push(def);
            match &self.defs[def].kind {
                DefKind::Enum(_) => break true,
                DefKind::Type(ty) => match key_shape(ty, self.index) {
                    Ok(valid) => break valid,
                    Err(None) => break false,
                    Err(Some(next)) => def = next,
                },
            }
        };
        for d in chain {
            self.known[d] = Some(answer);
        }
        answer
    }
}
