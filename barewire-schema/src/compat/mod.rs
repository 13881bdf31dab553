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
//! use barewire_schema::parse;
//! use barewire_schema::compat::{compat, Verdict};
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
//! # Ok::<(), barewire_schema::Error>(())
//! ```
//!
//! The pattern for versioned messages (decode any supported version,
//! upgrade step by step, each release step checked by [`compat`]) is shown
//! with derived types in the `barewire::schema` docs.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

mod checker;

use crate::Schema;
use checker::{Checker, Context, index};

/// How data written with one schema reads with the other.
///
/// Verdicts combine by [`Verdict::and`]: the weakest wins, and backward with
/// forward makes breaking.
///
/// ```
/// use barewire_schema::compat::Verdict;
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
/// let old = barewire_schema::parse("type P struct { id: u32 }")?;
/// let new = barewire_schema::parse("type P struct { id: u64 }")?;
/// let report = barewire_schema::compat::compat(&old, &new);
/// let change = &report.changes[0];
/// assert_eq!((change.type_name.as_str(), change.path.as_str()), ("P", ".id"));
/// assert_eq!(change.reason, "u32 changed to u64");
/// # Ok::<(), barewire_schema::Error>(())
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
/// them (as `breaking`): [`parse`](crate::parse) keeps schemas well
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
/// use barewire_schema::parse;
/// use barewire_schema::compat::{compat, Verdict};
///
/// let old = parse("type Node struct { value: u8 next: optional<Node> }")?;
/// let new = parse("type Node struct { val: u8 next: optional<Node> }")?;
/// let report = compat(&old, &new);
/// assert_eq!(report.verdict, Verdict::Compatible);
/// assert_eq!(report.changes[0].reason, "field value renamed to val");
/// # Ok::<(), barewire_schema::Error>(())
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

#[cfg(test)]
mod tests;
