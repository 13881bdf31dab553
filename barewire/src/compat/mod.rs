//! Schema evolution: which changes between two schemas keep data readable.
//!
//! BARE puts no field names, skip lengths or type ids on the wire, so
//! whether data written with one schema can be read with another is a
//! property of the two schemas. [`compat`] compares them type by type, by
//! the rules of `docs/format.md` ("Evolution"), and says for each type and
//! for the whole:
//!
//! - [`Verdict::Compatible`]: the same bytes mean the same values both ways;
//! - [`Verdict::Backward`]: everything old code writes, new code reads with
//!   the same meaning (new readers, old data);
//! - [`Verdict::Forward`]: everything new code writes, old code reads;
//! - [`Verdict::Breaking`]: neither (or the checker cannot tell).
//!
//! Each [`Change`] carries its reason and location. The checker is
//! conservative: when it cannot prove a direction, it does not claim it. It
//! terminates on recursive types: each pair of definitions is compared once.
//!
//! ```
//! use barewire::schema::parse;
//! use barewire::schema_compat::{compat, Verdict};
//!
//! let old = parse("type Shape union { Circle | Square } type Circle f64 type Square f64")?;
//! let new = parse("
//!   type Shape union { Circle | Square | Triangle }
//!   type Circle f64 type Square f64 type Triangle list<f64>[3]
//! ")?;
//! let report = compat(&old, &new);
//! assert_eq!(report.verdict, Verdict::Backward); // a union member added at the end
//! assert_eq!(report.added, ["Triangle"]);
//! assert_eq!(report.changes[0].to_string(), "backward Shape (tag 2): member Triangle added");
//! // The other way round, the member is removed: old readers of new data.
//! assert_eq!(compat(&new, &old).verdict, Verdict::Forward);
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Versioned messages
//!
//! The pattern for messages that evolve: the message on the wire is a union
//! of every version still supported, the union's tag is the version, and
//! each release only adds a member at the end, so the envelope's change is
//! `backward` and no old version changes. A reader decodes whatever version
//! arrives and upgrades it step by step to the current type; a test checks
//! every release step with [`compat`].
//!
//! ```
//! use barewire::Bare;
//! use barewire::schema_compat::{compat, Verdict};
//!
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV1 { name: String }
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV2 { name: String, email: Option<String> }
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV3 { first: String, last: String, email: Option<String> }
//!
//! // Each release's envelope: the versions it reads, in order.
//! #[derive(Bare)] #[bare(rename = "User")] enum Release1 { V1(UserV1) }
//! #[derive(Bare)] #[bare(rename = "User")] enum Release2 { V1(UserV1), V2(UserV2) }
//! #[derive(Bare, Debug)] #[bare(rename = "User")]
//! enum User { V1(UserV1), V2(UserV2), V3(UserV3) }
//!
//! // Upgrades, one step each.
//! impl From<UserV1> for UserV2 {
//!     fn from(u: UserV1) -> Self { UserV2 { name: u.name, email: None } }
//! }
//! impl From<UserV2> for UserV3 {
//!     fn from(u: UserV2) -> Self {
//!         let (first, last) = u.name.split_once(' ').unwrap_or((&u.name, ""));
//!         UserV3 { first: first.into(), last: last.into(), email: u.email }
//!     }
//! }
//! impl User {
//!     fn current(self) -> UserV3 {
//!         match self {
//!             User::V1(u) => UserV2::from(u).into(),
//!             User::V2(u) => u.into(),
//!             User::V3(u) => u,
//!         }
//!     }
//! }
//!
//! // Every release step keeps old messages readable by new code.
//! let releases = [
//!     barewire::schema_model::<Release1>(),
//!     barewire::schema_model::<Release2>(),
//!     barewire::schema_model::<User>(),
//! ];
//! for step in releases.windows(2) {
//!     let report = compat(&step[0], &step[1]);
//!     assert_eq!(report.verdict, Verdict::Backward, "{report}");
//! }
//!
//! // A message written by release 1 reads as the current type.
//! let old_bytes = barewire::to_vec(&Release1::V1(UserV1 { name: "Ada Lovelace".into() }));
//! let user: User = barewire::from_slice(&old_bytes)?;
//! assert_eq!(
//!     user.current(),
//!     UserV3 { first: "Ada".into(), last: "Lovelace".into(), email: None },
//! );
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! This module depends only on the schema model (`crate::schema`).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::schema::{DefKind, EnumMember, Schema, Type, TypeDef, UnionMember};

/// How data written with one schema reads with the other.
///
/// Verdicts combine by [`Verdict::and`]: the weakest wins, and backward with
/// forward makes breaking.
///
/// ```
/// use barewire::schema_compat::Verdict;
///
/// assert_eq!(Verdict::Compatible.and(Verdict::Forward), Verdict::Forward);
/// assert_eq!(Verdict::Backward.and(Verdict::Forward), Verdict::Breaking);
/// assert_eq!("backward".parse::<Verdict>(), Ok(Verdict::Backward));
/// assert!(Verdict::Compatible.satisfies(Verdict::Backward));
/// assert!(!Verdict::Forward.satisfies(Verdict::Backward));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The same bytes mean the same values both ways.
    Compatible,
    /// New code reads everything old code writes, with the same meaning.
    Backward,
    /// Old code reads everything new code writes, with the same meaning.
    Forward,
    /// Neither direction is safe (or it could not be shown).
    Breaking,
}

impl Verdict {
    fn from_directions(backward: bool, forward: bool) -> Self {
        match (backward, forward) {
            (true, true) => Verdict::Compatible,
            (true, false) => Verdict::Backward,
            (false, true) => Verdict::Forward,
            (false, false) => Verdict::Breaking,
        }
    }

    /// Whether new code reads old data.
    pub fn is_backward(self) -> bool {
        matches!(self, Verdict::Compatible | Verdict::Backward)
    }

    /// Whether old code reads new data.
    pub fn is_forward(self) -> bool {
        matches!(self, Verdict::Compatible | Verdict::Forward)
    }

    /// Both verdicts at once: the weakest of the two.
    #[must_use]
    pub fn and(self, other: Verdict) -> Verdict {
        Verdict::from_directions(
            self.is_backward() && other.is_backward(),
            self.is_forward() && other.is_forward(),
        )
    }

    /// Whether this verdict is at least as good as `required` (every
    /// direction `required` promises, this one promises too).
    pub fn satisfies(self, required: Verdict) -> bool {
        (!required.is_backward() || self.is_backward())
            && (!required.is_forward() || self.is_forward())
    }

    /// The verdict's name: `compatible`, `backward`, `forward`, `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Backward => "backward",
            Verdict::Forward => "forward",
            Verdict::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Verdict {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "compatible" => Ok(Verdict::Compatible),
            "backward" => Ok(Verdict::Backward),
            "forward" => Ok(Verdict::Forward),
            "breaking" => Ok(Verdict::Breaking),
            other => Err(format!(
                "unknown verdict {other:?}: expected compatible, backward, forward or breaking"
            )),
        }
    }
}

/// One change between the schemas, where it is and what it does.
///
/// ```
/// let old = barewire::schema::parse("type P struct { id: u32 }")?;
/// let new = barewire::schema::parse("type P struct { id: u64 }")?;
/// let report = barewire::schema_compat::compat(&old, &new);
/// let change = &report.changes[0];
/// assert_eq!((change.type_name.as_str(), change.path.as_str()), ("P", ".id"));
/// assert_eq!(change.reason, "u32 changed to u64");
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The definition the change is in (its new name; `Old -> New` when a
    /// reference now names a definition of another name).
    pub type_name: String,
    /// Where inside it: `.field`, `[]` (a list's items), `?` (an optional's
    /// value), `<key>`, `<value>`, `(tag N)` (a union member); empty for the
    /// definition itself.
    pub path: String,
    /// What the change alone does.
    pub verdict: Verdict,
    /// Why, in words.
    pub reason: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.path.is_empty() || self.path.starts_with(['.', '[', '?', '<']) {
            ""
        } else {
            " "
        };
        write!(
            f,
            "{} {}{sep}{}: {}",
            self.verdict, self.type_name, self.path, self.reason
        )
    }
}

/// The verdict of one type present in both schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeVerdict {
    /// The type's name.
    pub name: String,
    /// The weakest of its own changes and those of every type it uses.
    pub verdict: Verdict,
}

/// What [`compat`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The whole: the weakest verdict over the types in both schemas.
    pub verdict: Verdict,
    /// Each type in both schemas, in the new schema's order.
    pub types: Vec<TypeVerdict>,
    /// Every change found, with its own verdict (compatible changes such as
    /// renames included).
    pub changes: Vec<Change>,
    /// Types only in the new schema (they do not change the whole).
    pub added: Vec<String>,
    /// Types only in the old schema (they do not change the whole).
    pub removed: Vec<String>,
}

impl fmt::Display for Report {
    /// The verdict, then one line per change, added and removed type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.verdict)?;
        for change in &self.changes {
            writeln!(f, "  {change}")?;
        }
        for name in &self.added {
            writeln!(f, "  added {name}")?;
        }
        for name in &self.removed {
            writeln!(f, "  removed {name}")?;
        }
        Ok(())
    }
}

/// How deeply type expressions may nest before the checker gives up on
/// them (as `breaking`): [`parse`](crate::schema::parse) keeps schemas well
/// within it, a schema built by hand may not.
const MAX_NESTING: usize = 512;

/// Compares two schemas: the verdict for each type in both, for the whole,
/// and every change with its reason and location.
///
/// The rules (`docs/format.md`, "Evolution"), applied to each pair of
/// definitions the two schemas' types reach, structurally (names are not on
/// the wire):
///
/// - compatible: renaming a struct field, an enum member or a referenced
///   type; reordering definitions; an alias replaced by its target;
///   `data` and `list<u8>`, `data[N]` and `list<u8>[N]`;
/// - backward (forward the other way): a union tag or enum value added;
///   `bool` to `u8`; `str` to `data` or `list<u8>`;
/// - breaking: anything else, notably a struct field added, removed or
///   retyped incompatibly, a tag or value that now means another member, a
///   changed fixed length, an integer width or encoding change (`u32` to
///   `u64`, `uint` to `u64`), and a field or member name that moved to
///   another position (the same bytes would mean another field).
///
/// ```
/// use barewire::schema::parse;
/// use barewire::schema_compat::{compat, Verdict};
///
/// let old = parse("type Node struct { value: u8 next: optional<Node> }")?;
/// let new = parse("type Node struct { val: u8 next: optional<Node> }")?;
/// let report = compat(&old, &new);
/// assert_eq!(report.verdict, Verdict::Compatible);
/// assert_eq!(report.changes[0].reason, "field value renamed to val");
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn compat(old: &Schema, new: &Schema) -> Report {
    let checker = Checker {
        old: index(old),
        new: index(new),
    };
    // The pairs of definitions reached from the types in both schemas, each
    // compared once: its own changes and the pairs it refers to.
    let mut graph = PairGraph::default();
    let mut common: Vec<&str> = Vec::new();
    for def in &new.defs {
        let name = def.name.as_str();
        if checker.old.contains_key(name) && !graph.ids.contains_key(&(name, name)) {
            graph.intern((name, name));
            common.push(name);
        }
    }
    let mut next = 0;
    while let Some(&pair) = graph.nodes.get(next) {
        let mut cx = Context {
            type_name: if pair.0 == pair.1 {
                pair.1.to_string()
            } else {
                format!("{} -> {}", pair.0, pair.1)
            },
            changes: Vec::new(),
            edges: Vec::new(),
        };
        checker.compare_defs(pair.0, pair.1, &mut cx);
        let edges = cx.edges.iter().map(|&e| graph.intern(e)).collect();
        graph.changes.push(cx.changes);
        graph.edges.push(edges);
        next += 1;
    }
    // Each pair's verdict: the weakest over the pairs it reaches.
    let reached = graph.reached_verdicts();
    let mut types = Vec::new();
    let mut whole = Verdict::Compatible;
    for &name in &common {
        let verdict = graph
            .ids
            .get(&(name, name))
            .and_then(|&i| reached.get(i).copied())
            .unwrap_or(Verdict::Breaking);
        whole = whole.and(verdict);
        types.push(TypeVerdict {
            name: name.to_string(),
            verdict,
        });
    }
    let changes = graph.changes.into_iter().flatten().collect();
    let mut added: Vec<String> = Vec::new();
    for d in &new.defs {
        if !checker.old.contains_key(d.name.as_str()) && !added.contains(&d.name) {
            added.push(d.name.clone());
        }
    }
    let mut removed: Vec<String> = Vec::new();
    for d in &old.defs {
        if !checker.new.contains_key(d.name.as_str()) && !removed.contains(&d.name) {
            removed.push(d.name.clone());
        }
    }
    Report {
        verdict: whole,
        types,
        changes,
        added,
        removed,
    }
}

/// The pairs of definitions compared, numbered in the order they are
/// reached, with their own changes and the pairs they refer to.
#[derive(Default)]
struct PairGraph<'a> {
    ids: BTreeMap<(&'a str, &'a str), usize>,
    nodes: Vec<(&'a str, &'a str)>,
    changes: Vec<Vec<Change>>,
    edges: Vec<Vec<usize>>,
}

impl<'a> PairGraph<'a> {
    fn intern(&mut self, pair: (&'a str, &'a str)) -> usize {
        if let Some(&id) = self.ids.get(&pair) {
            return id;
        }
        let id = self.nodes.len();
        self.ids.insert(pair, id);
        self.nodes.push(pair);
        id
    }

    /// For each pair, the weakest verdict of the changes of every pair it
    /// reaches (itself included): Tarjan's strongly connected components,
    /// iteratively, each component's verdict computed when it is complete
    /// (after every component it reaches), so the whole is linear in the
    /// size of the graph however the types recurse.
    fn reached_verdicts(&self) -> Vec<Verdict> {
        const NONE: usize = usize::MAX;
        let n = self.nodes.len();
        let own: Vec<Verdict> = self
            .changes
            .iter()
            .map(|cs| cs.iter().fold(Verdict::Compatible, |v, c| v.and(c.verdict)))
            .collect();
        let mut index = vec![NONE; n];
        let mut low = vec![0; n];
        let mut component = vec![NONE; n];
        let mut result = vec![Verdict::Breaking; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut calls: Vec<(usize, usize)> = Vec::new();
        let mut counter = 0;
        let mut components = 0;
        for root in 0..n {
            if index[root] != NONE {
                continue;
            }
            index[root] = counter;
            low[root] = counter;
            counter += 1;
            stack.push(root);
            calls.push((root, 0));
            while let Some(&mut (v, ref mut next_edge)) = calls.last_mut() {
                let edges = self.edges.get(v).map_or(&[][..], Vec::as_slice);
                if let Some(&w) = edges.get(*next_edge) {
                    *next_edge += 1;
                    if index[w] == NONE {
                        index[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        calls.push((w, 0));
                    } else if component[w] == NONE {
                        // On the stack: in the component being built.
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] != index[v] {
                    continue;
                }
                // `v` roots a component: pop it, then its verdict is its
                // members' own and that of every component they reach
                // (all complete already).
                let first = stack.iter().rposition(|&x| x == v).unwrap_or(0);
                let members = stack.split_off(first);
                let mut verdict = Verdict::Compatible;
                for &m in &members {
                    component[m] = components;
                }
                for &m in &members {
                    verdict = verdict.and(own[m]);
                    for &w in self.edges.get(m).map_or(&[][..], Vec::as_slice) {
                        if component[w] != components {
                            verdict = verdict.and(result[w]);
                        }
                    }
                }
                for &m in &members {
                    result[m] = verdict;
                }
                components += 1;
            }
        }
        result
    }
}

fn index(schema: &Schema) -> BTreeMap<&str, &TypeDef> {
    let mut map = BTreeMap::new();
    for def in &schema.defs {
        map.entry(def.name.as_str()).or_insert(def);
    }
    map
}

struct Checker<'a> {
    old: BTreeMap<&'a str, &'a TypeDef>,
    new: BTreeMap<&'a str, &'a TypeDef>,
}

/// What comparing one pair of definitions collects.
struct Context<'a> {
    type_name: String,
    changes: Vec<Change>,
    /// Pairs of definitions the compared bodies refer to at the same place.
    edges: Vec<(&'a str, &'a str)>,
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
    fn compare_defs(&self, old: &'a str, new: &'a str, cx: &mut Context<'a>) {
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
        old: &'a [crate::schema::Field],
        new: &'a [crate::schema::Field],
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

#[cfg(test)]
mod tests;
