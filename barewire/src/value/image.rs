//! Layout images to [`Value`], by the schema: the layout of each schema
//! type computed by the rules `#[derive(Bare)]` follows for the Rust types
//! the code generator makes from that schema, and the image read with
//! bounds-checked reads only.
//!
//! The rules (`docs/format.md`, part 2, and "Rust types generated from a
//! schema"), at the default, level-1 layout:
//!
//! - numbers their own width; `uint`/`int` 8 bytes; `bool` 1; `void` 0;
//!   `str`, `data`, `list<T>` and `map<K><V>` 8 bytes at alignment 4;
//!   `data[N]` and `list<T>[N]` their items inline;
//! - `optional<T>`: a tag byte, the `T` at `T`'s alignment; a 4-byte pointer
//!   (zero for absent) when `T` is boxed;
//! - a reference that would make a type contain itself through structs,
//!   unions, optionals or fixed lists is a `Box`: a 4-byte relative offset;
//! - structs: fields by descending alignment (stable), each at the next
//!   multiple of its alignment, size rounded up to the largest alignment;
//!   an alias is a newtype, laid out as the type it names;
//! - enums: the narrowest unsigned integer (1, 2, 4, 8 bytes) holding the
//!   largest value; unions: a tag of that width, every member's payload at
//!   the tag width rounded up to the largest member alignment.

use std::collections::{HashMap, HashSet};
use std::string::ToString;
use std::vec::Vec;

use super::{Codec, Value, ValueError, enum_member};
use crate::error::Error;
use crate::layout::check::Check;
use crate::layout::{MAX_IMAGE_SIZE, derived::tag_width};
use crate::schema::{DefKind, EnumMember, Schema, Type};

type Id = usize;

/// A fixed-width scalar.
#[derive(Clone, Copy, Debug)]
enum Prim {
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    Bool,
}

/// How the keys of a map are ordered in an image.
#[derive(Clone, Copy, Debug)]
enum KeyOrder {
    /// Unsigned numbers, `bool` and enums: by value.
    Unsigned,
    /// Signed numbers: by value.
    Signed,
    /// `str`, `data`, `data[N]`: by bytes.
    Bytes,
}

/// One compiled type: what it is, with the ids of what it holds.
#[derive(Debug)]
enum Node<'s> {
    /// A definition being compiled (only reachable through a pointer, a
    /// list or a map until it is done).
    Pending(&'s str),
    /// A definition: the node of its body.
    Ref(Id),
    Prim(Prim),
    Str,
    Data,
    DataFixed(usize),
    Void,
    Enum {
        members: &'s [EnumMember],
        width: usize,
        name: &'s str,
    },
    /// `optional<T>`: `niche` when `T` is a pointer (absent is all zero).
    Optional {
        inner: Id,
        niche: bool,
    },
    /// A `Box<T>`: a 4-byte relative offset to the `T`.
    Boxed(Id),
    List(Id),
    ListFixed(Id, usize),
    Map {
        key: Id,
        value: Id,
        order: KeyOrder,
        value_at: usize,
        entry: usize,
        align: usize,
    },
    /// Field names, nodes and offsets, in schema order.
    Struct(Vec<(&'s str, Id, usize)>),
    Union {
        width: usize,
        payload: usize,
        /// Tag and node of each member (`None` for `void`).
        members: Vec<(u64, Option<Id>)>,
        name: &'s str,
    },
}

/// The inline size and alignment of a node.
#[derive(Clone, Copy, Debug)]
struct Lay {
    size: usize,
    align: usize,
}

/// Every type reachable from a root, compiled to nodes with their layouts.
struct Plan<'s> {
    schema: &'s Schema,
    nodes: Vec<(Node<'s>, Lay)>,
    defs: HashMap<&'s str, Id>,
    /// Each definition's names reached by value (not behind a list or map),
    /// transitively: the code generator's rule for boxing.
    reach: HashMap<&'s str, HashSet<&'s str>>,
    max_depth: u32,
}

fn no_layout(type_name: &str, reason: &'static str) -> ValueError {
    ValueError::NoLayout {
        type_name: type_name.to_string(),
        reason,
    }
}

/// A fixed length as a size, if an image can hold it.
fn fixed_len(n: u64, current: &str) -> Result<usize, ValueError> {
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_IMAGE_SIZE)
        .ok_or_else(|| no_layout(current, "a fixed length too large for an image"))
}

/// The names a type holds by value (not behind a `list` or a `map`).
fn by_value_names<'a>(ty: &'a Type, out: &mut HashSet<&'a str>) {
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

impl<'s> Plan<'s> {
    fn new(schema: &'s Schema, max_depth: u32) -> Self {
        let mut direct: HashMap<&'s str, HashSet<&'s str>> = HashMap::new();
        for d in &schema.defs {
            let mut set = HashSet::new();
            if let DefKind::Type(ty) = &d.kind {
                by_value_names(ty, &mut set);
            }
            direct.entry(d.name.as_str()).or_insert(set);
        }
        let mut reach = HashMap::new();
        for (&name, first) in &direct {
            let mut seen: HashSet<&'s str> = HashSet::new();
            let mut todo: Vec<&'s str> = first.iter().copied().collect();
            while let Some(n) = todo.pop() {
                if seen.insert(n) {
                    if let Some(next) = direct.get(n) {
                        todo.extend(next.iter().copied());
                    }
                }
            }
            reach.insert(name, seen);
        }
        Plan {
            schema,
            nodes: Vec::new(),
            defs: HashMap::new(),
            reach,
            max_depth,
        }
    }

    fn push(&mut self, node: Node<'s>, lay: Lay) -> Id {
        self.nodes.push((node, lay));
        self.nodes.len() - 1
    }

    /// The layout of a compiled node; an error for a definition still being
    /// compiled (a type that contains itself without a box).
    fn lay(&self, id: Id) -> Result<Lay, ValueError> {
        match self.nodes.get(id) {
            Some((Node::Pending(name), _)) => Err(no_layout(
                name,
                "it contains itself without a list, map or box",
            )),
            Some((_, lay)) => Ok(*lay),
            None => Err(no_layout("?", "internal: unknown node")),
        }
    }

    /// The node of the definition `name`, compiled once.
    fn def(&mut self, name: &str, depth: u32) -> Result<Id, ValueError> {
        if let Some(&id) = self.defs.get(name) {
            return Ok(id);
        }
        let schema = self.schema;
        let Some(def) = schema.def(name) else {
            return Err(ValueError::UnknownType(name.to_string()));
        };
        let name = def.name.as_str();
        let id = self.push(Node::Pending(name), Lay { size: 0, align: 1 });
        self.defs.insert(name, id);
        let (node, lay) = match &def.kind {
            DefKind::Enum(members) => {
                let max = members.iter().map(|m| m.value).max().unwrap_or(0);
                let width = tag_width(max);
                (
                    Node::Enum {
                        members,
                        width,
                        name,
                    },
                    Lay {
                        size: width,
                        align: width,
                    },
                )
            }
            DefKind::Type(ty) => {
                let body = self.compile(ty, name, true, depth)?;
                (Node::Ref(body), self.lay(body)?)
            }
        };
        self.nodes[id] = (node, lay);
        Ok(id)
    }

    /// Compiles `ty`, part of definition `current`; `by_value` when it is
    /// stored inline (not as the items of a list or map), where a name that
    /// reaches `current` is boxed.
    fn compile(
        &mut self,
        ty: &'s Type,
        current: &'s str,
        by_value: bool,
        depth: u32,
    ) -> Result<Id, ValueError> {
        if depth > self.max_depth {
            return Err(no_layout(current, "the schema nests types too deeply"));
        }
        let depth = depth + 1;
        let prim = |p: Prim, size: usize| (Node::Prim(p), Lay { size, align: size });
        let (node, lay) = match ty {
            Type::Uint => prim(Prim::U64, 8),
            Type::Int => prim(Prim::I64, 8),
            Type::U8 => prim(Prim::U8, 1),
            Type::U16 => prim(Prim::U16, 2),
            Type::U32 => prim(Prim::U32, 4),
            Type::U64 => prim(Prim::U64, 8),
            Type::I8 => prim(Prim::I8, 1),
            Type::I16 => prim(Prim::I16, 2),
            Type::I32 => prim(Prim::I32, 4),
            Type::I64 => prim(Prim::I64, 8),
            Type::F32 => prim(Prim::F32, 4),
            Type::F64 => prim(Prim::F64, 8),
            Type::Bool => prim(Prim::Bool, 1),
            Type::Void => (Node::Void, Lay { size: 0, align: 1 }),
            Type::Str => (Node::Str, Lay { size: 8, align: 4 }),
            Type::Data => (Node::Data, Lay { size: 8, align: 4 }),
            Type::DataFixed(n) => {
                let n = fixed_len(*n, current)?;
                (Node::DataFixed(n), Lay { size: n, align: 1 })
            }
            Type::Named(name) => {
                let target = self.def(name, depth)?;
                let boxed = by_value
                    && self
                        .reach
                        .get(name.as_str())
                        .is_some_and(|r| r.contains(current));
                if !boxed {
                    return Ok(target);
                }
                (Node::Boxed(target), Lay { size: 4, align: 4 })
            }
            Type::Optional(inner) => {
                let inner = self.compile(inner, current, by_value, depth)?;
                let niche = matches!(self.nodes.get(inner), Some((Node::Boxed(_), _)));
                let l = self.lay(inner)?;
                let size = if niche {
                    l.size
                } else {
                    (l.align + l.size).next_multiple_of(l.align)
                };
                (
                    Node::Optional { inner, niche },
                    Lay {
                        size,
                        align: l.align,
                    },
                )
            }
            Type::List(item) => {
                let item = self.compile(item, current, false, depth)?;
                (Node::List(item), Lay { size: 8, align: 4 })
            }
            Type::ListFixed(item, n) => {
                let n = fixed_len(*n, current)?;
                let item = self.compile(item, current, by_value, depth)?;
                let l = self.lay(item)?;
                let size = l
                    .size
                    .checked_mul(n)
                    .filter(|&s| s <= MAX_IMAGE_SIZE)
                    .ok_or_else(|| no_layout(current, "a fixed list too large for an image"))?;
                (
                    Node::ListFixed(item, n),
                    Lay {
                        size,
                        align: l.align,
                    },
                )
            }
            Type::Map(k, v) => {
                let key = self.compile(k, current, false, depth)?;
                let value = self.compile(v, current, false, depth)?;
                let order = self.key_order(key, current)?;
                let (kl, vl) = (self.lay(key)?, self.lay(value)?);
                let align = kl.align.max(vl.align);
                let value_at = kl.size.next_multiple_of(vl.align);
                let entry = (value_at + vl.size).next_multiple_of(align);
                (
                    Node::Map {
                        key,
                        value,
                        order,
                        value_at,
                        entry,
                        align,
                    },
                    Lay { size: 8, align: 4 },
                )
            }
            Type::Struct(fields) => {
                let mut placed = Vec::with_capacity(fields.len());
                for f in fields {
                    let id = self.compile(&f.ty, current, true, depth)?;
                    placed.push((f.name.as_str(), id, self.lay(id)?));
                }
                // Descending alignment, stable: `StructLayout::compute`.
                let mut order: Vec<usize> = (0..placed.len()).collect();
                order.sort_by(|&a, &b| placed[b].2.align.cmp(&placed[a].2.align));
                let mut offsets = vec![0usize; placed.len()];
                let (mut offset, mut align) = (0usize, 1usize);
                for &i in &order {
                    let l = placed[i].2;
                    offset = offset.next_multiple_of(l.align);
                    offsets[i] = offset;
                    offset = offset
                        .checked_add(l.size)
                        .filter(|&s| s <= MAX_IMAGE_SIZE)
                        .ok_or_else(|| no_layout(current, "a struct too large for an image"))?;
                    align = align.max(l.align);
                }
                let fields = placed
                    .iter()
                    .zip(offsets)
                    .map(|(&(name, id, _), at)| (name, id, at))
                    .collect();
                (
                    Node::Struct(fields),
                    Lay {
                        size: offset.next_multiple_of(align),
                        align,
                    },
                )
            }
            Type::Union(members) => {
                let max_tag = members.iter().map(|m| m.tag).max().unwrap_or(0);
                let width = tag_width(max_tag);
                let (mut payload_align, mut payload_size) = (1usize, 0usize);
                let mut compiled = Vec::with_capacity(members.len());
                for m in members {
                    if m.ty == Type::Void {
                        compiled.push((m.tag, None));
                        continue;
                    }
                    let id = self.compile(&m.ty, current, true, depth)?;
                    let l = self.lay(id)?;
                    payload_align = payload_align.max(l.align);
                    payload_size = payload_size.max(l.size.next_multiple_of(l.align));
                    compiled.push((m.tag, Some(id)));
                }
                let payload = width.next_multiple_of(payload_align);
                let align = width.max(payload_align);
                let size = (payload + payload_size).next_multiple_of(align);
                (
                    Node::Union {
                        width,
                        payload,
                        members: compiled,
                        name: current,
                    },
                    Lay { size, align },
                )
            }
        };
        Ok(self.push(node, lay))
    }

    /// Follows definitions to the node that says what a value is.
    fn target(&self, mut id: Id) -> Option<&Node<'s>> {
        // Ref chains are acyclic (a definition's body is compiled before it
        // is linked), but bound the walk anyway.
        for _ in 0..=self.nodes.len() {
            match self.nodes.get(id) {
                Some((Node::Ref(next), _)) => id = *next,
                other => return other.map(|(n, _)| n),
            }
        }
        None
    }

    fn key_order(&self, key: Id, current: &str) -> Result<KeyOrder, ValueError> {
        Ok(match self.target(key) {
            Some(Node::Prim(Prim::U8 | Prim::U16 | Prim::U32 | Prim::U64 | Prim::Bool))
            | Some(Node::Enum { .. }) => KeyOrder::Unsigned,
            Some(Node::Prim(Prim::I8 | Prim::I16 | Prim::I32 | Prim::I64)) => KeyOrder::Signed,
            Some(Node::Str | Node::Data | Node::DataFixed(_)) => KeyOrder::Bytes,
            _ => return Err(no_layout(current, "a map key type with no layout order")),
        })
    }
}

/// A map key as the image orders it.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Key<'v> {
    Unsigned(u64),
    Signed(i64),
    Bytes(&'v [u8]),
}

fn invalid(offset: usize, reason: &'static str) -> ValueError {
    Error::InvalidLayout { offset, reason }.into()
}

/// `n` bytes at `at`, or an error if they run past the end.
fn bytes(buf: &[u8], at: usize, n: usize) -> Result<&[u8], ValueError> {
    at.checked_add(n)
        .and_then(|end| buf.get(at..end))
        .ok_or_else(|| invalid(at, "value runs past the end of the image"))
}

fn array<const N: usize>(buf: &[u8], at: usize) -> Result<[u8; N], ValueError> {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes(buf, at, N)?);
    Ok(out)
}

/// An unsigned little-endian integer of `width` bytes (1, 2, 4 or 8).
fn read_uint(buf: &[u8], at: usize, width: usize) -> Result<u64, ValueError> {
    let mut out = [0u8; 8];
    let src = bytes(buf, at, width.min(8))?;
    out[..src.len()].copy_from_slice(src);
    Ok(u64::from_le_bytes(out))
}

/// Follows the relative offset stored at `at`: the position it points to,
/// if inside the image.
fn follow(buf: &[u8], at: usize) -> Result<usize, ValueError> {
    let rel = i32::from_le_bytes(array::<4>(buf, at)?);
    let target = at as i64 + i64::from(rel);
    if target < 0 || target > buf.len() as i64 {
        return Err(invalid(at, "offset points outside the image"));
    }
    Ok(target as usize)
}

/// Checks that `size` bytes at `at` lie inside the image, at a position
/// that is a multiple of `align` (relative to the image start).
fn place(buf: &[u8], at: usize, size: usize, align: usize, from: usize) -> Result<(), ValueError> {
    if align == 0 || at % align != 0 {
        return Err(invalid(from, "misaligned value"));
    }
    match at.checked_add(size) {
        Some(end) if end <= buf.len() => Ok(()),
        _ => Err(invalid(from, "value runs past the end of the image")),
    }
}

/// The bytes of the string whose 8-byte repr is at `at`, in bounds (not
/// checked for UTF-8).
fn str_repr_bytes(buf: &[u8], at: usize) -> Result<&[u8], ValueError> {
    let repr = array::<8>(buf, at)?;
    if repr[0] & 0xc0 == 0x80 {
        let len = (usize::from(repr[0]) & 0x3f)
            | (usize::from(repr[1]) << 6)
            | (usize::from(repr[2]) << 14)
            | (usize::from(repr[3]) << 22);
        let start = follow(buf, at + 4)?;
        start
            .checked_add(len)
            .and_then(|end| buf.get(start..end))
            .ok_or_else(|| invalid(at, "string runs past the end of the image"))
    } else {
        let len = repr.iter().position(|&b| b == 0xff).unwrap_or(8);
        if repr[len..].iter().any(|&b| b != 0xff) {
            return Err(invalid(at, "inline string padding is not 0xff"));
        }
        bytes(buf, at, len)
    }
}

/// Reads one image under the plan.
struct ImageReader<'p, 's, 'b> {
    plan: &'p Plan<'s>,
    buf: &'b [u8],
    cx: Check,
}

impl<'p, 's, 'b> ImageReader<'p, 's, 'b> {
    fn node(&self, id: Id) -> Result<(&'p Node<'s>, Lay), ValueError> {
        let plan: &'p Plan<'s> = self.plan;
        match plan.nodes.get(id) {
            Some((node, lay)) => Ok((node, *lay)),
            None => Err(no_layout("?", "internal: unknown node")),
        }
    }

    /// Charges `count` values that take no bytes of the image to the output
    /// budget (the node budget bounds the rest).
    fn charge_items(&mut self, count: usize, size: usize, at: usize) -> Result<(), ValueError> {
        if size == 0 {
            let bytes = (count as u64).saturating_mul(core::mem::size_of::<Value>() as u64);
            self.cx.output(bytes, at)?;
        }
        Ok(())
    }

    /// The value whose inline part is at `at` (in bounds and aligned).
    ///
    /// Each kind of value is read by a function of its own, kept out of
    /// line, so the frames of the recursion stay small (the nesting limits
    /// count stack bytes too).
    fn read(&mut self, id: Id, at: usize) -> Result<Value, ValueError> {
        // Definitions (aliases of aliases) followed in a loop, not by
        // recursion.
        let plan: &'p Plan<'s> = self.plan;
        let node = plan
            .target(id)
            .ok_or_else(|| no_layout("?", "internal: unknown node"))?;
        match node {
            Node::Pending(name) => Err(no_layout(
                name,
                "it contains itself without a list, map or box",
            )),
            Node::Optional { inner, niche } => self.optional(*inner, *niche, at),
            Node::Boxed(target) => self.boxed(*target, at),
            Node::List(item) => {
                let lay = self.node(*item)?.1;
                let (start, len) = self.span(at, lay.size, lay.align)?;
                self.items(*item, lay.size, start, len, true)
            }
            Node::ListFixed(item, n) => {
                let size = self.node(*item)?.1.size;
                self.items(*item, size, at, *n, false)
            }
            Node::Map { .. } => self.map(node, at),
            Node::Struct(fields) => self.structure(fields, at),
            Node::Union { .. } => self.union(node, at),
            _ => self.leaf(node, at),
        }
    }

    /// A value with nothing to follow: numbers, `bool`, `void`, strings,
    /// data, enums.
    #[inline(never)]
    fn leaf(&mut self, node: &Node<'s>, at: usize) -> Result<Value, ValueError> {
        let buf = self.buf;
        Ok(match node {
            Node::Prim(p) => match p {
                Prim::U8 => Value::Uint(u64::from(array::<1>(buf, at)?[0])),
                Prim::U16 => Value::Uint(u64::from(u16::from_le_bytes(array(buf, at)?))),
                Prim::U32 => Value::Uint(u64::from(u32::from_le_bytes(array(buf, at)?))),
                Prim::U64 => Value::Uint(u64::from_le_bytes(array(buf, at)?)),
                Prim::I8 => Value::Int(i64::from(i8::from_le_bytes(array(buf, at)?))),
                Prim::I16 => Value::Int(i64::from(i16::from_le_bytes(array(buf, at)?))),
                Prim::I32 => Value::Int(i64::from(i32::from_le_bytes(array(buf, at)?))),
                Prim::I64 => Value::Int(i64::from_le_bytes(array(buf, at)?)),
                Prim::F32 => Value::F32(f32::from_le_bytes(array(buf, at)?)),
                Prim::F64 => Value::F64(f64::from_le_bytes(array(buf, at)?)),
                Prim::Bool => match array::<1>(buf, at)?[0] {
                    0 => Value::Bool(false),
                    1 => Value::Bool(true),
                    _ => return Err(invalid(at, "bool byte is neither 0 nor 1")),
                },
            },
            Node::Void => Value::Void,
            Node::Str => {
                let s = self.str_bytes(at)?;
                match crate::utf8::to_str(s) {
                    Ok(s) => Value::Str(s.to_string()),
                    Err(valid) => {
                        let start = s.as_ptr() as usize - buf.as_ptr() as usize;
                        return Err(Error::InvalidUtf8 {
                            offset: start + valid,
                        }
                        .into());
                    }
                }
            }
            Node::Data => {
                let (start, len) = self.span(at, 1, 1)?;
                self.cx.output(len as u64, at)?;
                Value::Data(bytes(buf, start, len)?.to_vec())
            }
            Node::DataFixed(n) => {
                self.cx.output(*n as u64, at)?;
                Value::Data(bytes(buf, at, *n)?.to_vec())
            }
            Node::Enum {
                members,
                width,
                name,
            } => {
                let value = read_uint(buf, at, *width)?;
                match enum_member(members, value) {
                    Some(m) => Value::Enum(m.name.clone()),
                    None => {
                        return Err(ValueError::UnknownEnumValue {
                            offset: at,
                            value,
                            type_name: name.to_string(),
                        });
                    }
                }
            }
            _ => return Err(no_layout("?", "internal: not a leaf")),
        })
    }

    #[inline(never)]
    fn optional(&mut self, inner: Id, niche: bool, at: usize) -> Result<Value, ValueError> {
        let buf = self.buf;
        if niche {
            // A pointer, all zero when absent. The pointer is a level of
            // its own (as the typed check counts it).
            if array::<4>(buf, at)? == [0; 4] {
                return Ok(Value::Optional(None));
            }
            let value = self.read(inner, at)?;
            return Ok(Value::Optional(Some(Box::new(value))));
        }
        let payload = match array::<1>(buf, at)?[0] {
            0 => return Ok(Value::Optional(None)),
            1 => at + self.node(inner)?.1.align,
            _ => return Err(invalid(at, "optional tag is neither 0 nor 1")),
        };
        // An inline value is a level, as on the wire.
        self.cx.enter(at)?;
        let value = self.read(inner, payload)?;
        self.cx.leave();
        Ok(Value::Optional(Some(Box::new(value))))
    }

    #[inline(never)]
    fn boxed(&mut self, target: Id, at: usize) -> Result<Value, ValueError> {
        let buf = self.buf;
        if array::<4>(buf, at)? == [0; 4] {
            return Err(invalid(at, "null pointer where a value is required"));
        }
        let to = follow(buf, at)?;
        let lay = self.node(target)?.1;
        place(buf, to, lay.size, lay.align, at)?;
        self.cx.enter(at)?;
        self.cx.visit(1, at)?;
        let value = self.read(target, to)?;
        self.cx.leave();
        Ok(value)
    }

    #[inline(never)]
    fn map(&mut self, node: &Node<'s>, at: usize) -> Result<Value, ValueError> {
        let &Node::Map {
            key,
            value,
            order,
            value_at,
            entry,
            align,
        } = node
        else {
            return Err(no_layout("?", "internal: not a map"));
        };
        let (start, len) = self.span(at, entry, align)?;
        self.cx.enter(start)?;
        if entry == 0 {
            self.charge_items(len, 0, at)?;
        } else {
            self.cx.visit(len as u64, start)?;
        }
        let mut entries = Vec::with_capacity(len);
        let mut prev: Option<usize> = None;
        for i in 0..len {
            let here = start + i * entry;
            let k = self.read(key, here)?;
            if let Some(before) = prev {
                let (a, b) = (self.key(order, key, before)?, self.key(order, key, here)?);
                if let (Key::Bytes(x), Key::Bytes(y)) = (&a, &b) {
                    self.cx
                        .work(x.len().min(y.len()), here, "comparing map keys")?;
                }
                if a >= b {
                    return Err(invalid(here, "map keys are not strictly ascending"));
                }
            }
            prev = Some(here);
            let v = self.read(value, here + value_at)?;
            entries.push((k, v));
        }
        self.cx.leave();
        Ok(Value::Map(entries))
    }

    #[inline(never)]
    fn structure(
        &mut self,
        fields: &[(&'s str, Id, usize)],
        at: usize,
    ) -> Result<Value, ValueError> {
        self.cx.enter(at)?;
        let mut values = Vec::with_capacity(fields.len());
        for &(name, id, offset) in fields {
            let value = self.read(id, at + offset)?;
            values.push((name.to_string(), value));
        }
        self.cx.leave();
        Ok(Value::Struct(values))
    }

    #[inline(never)]
    fn union(&mut self, node: &Node<'s>, at: usize) -> Result<Value, ValueError> {
        let Node::Union {
            width,
            payload,
            members,
            name,
        } = node
        else {
            return Err(no_layout("?", "internal: not a union"));
        };
        let tag = read_uint(self.buf, at, *width)?;
        let member = match members.binary_search_by_key(&tag, |m| m.0) {
            Ok(i) => members.get(i),
            Err(_) => members.iter().find(|m| m.0 == tag),
        };
        let Some(&(_, member)) = member else {
            return Err(ValueError::UnknownUnionTag {
                offset: at,
                tag,
                type_name: name.to_string(),
            });
        };
        let value = match member {
            None => Value::Void,
            Some(id) => {
                self.cx.enter(at)?;
                let value = self.read(id, at + *payload)?;
                self.cx.leave();
                value
            }
        };
        Ok(Value::Union(tag, Box::new(value)))
    }

    /// The bytes of the string whose 8-byte repr is at `at`, in bounds,
    /// charged to the output budget (not yet checked for UTF-8).
    fn str_bytes(&mut self, at: usize) -> Result<&'b [u8], ValueError> {
        let bytes = str_repr_bytes(self.buf, at)?;
        self.cx.output(bytes.len() as u64, at)?;
        Ok(bytes)
    }

    /// The key at `at` as the image orders it (already read as a value, so
    /// in bounds and valid).
    fn key(&self, order: KeyOrder, key: Id, at: usize) -> Result<Key<'b>, ValueError> {
        let buf = self.buf;
        let size = self.node(key)?.1.size;
        Ok(match order {
            KeyOrder::Unsigned => Key::Unsigned(read_uint(buf, at, size)?),
            KeyOrder::Signed => {
                let raw = read_uint(buf, at, size)?;
                let shift = 64 - 8 * size.clamp(1, 8) as u32;
                Key::Signed(((raw << shift) as i64) >> shift)
            }
            KeyOrder::Bytes => Key::Bytes(match self.plan.target(key) {
                Some(Node::Str) => str_repr_bytes(buf, at)?,
                Some(Node::Data) => {
                    let (start, len) = self.span(at, 1, 1)?;
                    bytes(buf, start, len)?
                }
                _ => bytes(buf, at, size)?,
            }),
        })
    }

    /// Reads `len` items of `size` bytes from `start` (in bounds, aligned).
    #[inline(never)]
    fn items(
        &mut self,
        item: Id,
        size: usize,
        start: usize,
        len: usize,
        visit: bool,
    ) -> Result<Value, ValueError> {
        self.cx.enter(start)?;
        if size == 0 {
            self.charge_items(len, size, start)?;
        } else if visit {
            self.cx.visit(len as u64, start)?;
        }
        let mut items = Vec::with_capacity(len);
        for i in 0..len {
            items.push(self.read(item, start + i * size)?);
        }
        self.cx.leave();
        Ok(Value::List(items))
    }

    /// The `(start, count)` of the span repr at `at` whose items are `size`
    /// bytes at `align`: in bounds and aligned.
    fn span(&self, at: usize, size: usize, align: usize) -> Result<(usize, usize), ValueError> {
        let len = u32::from_le_bytes(array::<4>(self.buf, at + 4)?) as usize;
        if len == 0 {
            return Ok((0, 0));
        }
        let start = follow(self.buf, at)?;
        let total = len
            .checked_mul(size)
            .ok_or_else(|| invalid(at, "list length overflows"))?;
        place(self.buf, start, total, align, at)?;
        Ok((start, len))
    }
}

impl<'s> Codec<'s> {
    /// Reads a layout image whose root is the type named `type_name` into a
    /// [`Value`], laid out as `#[derive(Bare)]` lays out the Rust types the
    /// code generator makes from this schema (`barewire::include_schema!`,
    /// `barewire gen`), in the default layout.
    ///
    /// The image is read in place with bounds-checked reads only: every
    /// offset followed lies inside the image at a position that is a
    /// multiple of its target's alignment (relative to the image start, so
    /// `image` may sit at any address), `bool` and `optional` bytes are 0 or
    /// 1, enum values and union tags are known, strings are UTF-8 (inline
    /// padding included), map keys strictly ascending and pointers not null.
    /// The work is bounded as the layout checks bound it: a node budget of
    /// the image length, nesting within [`Limits::max_depth`](crate::Limits)
    /// levels, and at most [`Limits::max_size`](crate::Limits) bytes of
    /// strings, data and values that take no image bytes.
    ///
    /// Nothing ties the image to the schema: the schema is trusted to be
    /// the one the image's type was generated from (an image file's
    /// fingerprint is computed from the Rust type, which is not at hand).
    ///
    /// ```
    /// use barewire::value::{Codec, Value};
    ///
    /// #[derive(barewire::Bare)]
    /// struct Point { x: i32, name: String, big: u64 }
    ///
    /// let schema = barewire::schema::parse("type Point struct { x: i32 name: str big: u64 }")?;
    /// let codec = Codec::new(&schema);
    /// let image = barewire::to_layout(&Point { x: -3, name: "p".into(), big: 7 });
    /// let value = codec.read_image("Point", &image)?;
    /// assert_eq!(codec.to_json("Point", &value)?, r#"{"x":-3,"name":"p","big":7}"#);
    /// assert!(codec.read_image("Point", &image[..8]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_image(&self, type_name: &str, image: &[u8]) -> Result<Value, ValueError> {
        let mut plan = Plan::new(self.schema, self.limits.max_depth);
        let root = plan.def(type_name, 0)?;
        self.read_planned(&plan, root, image)
    }

    /// The inline size and alignment of the type named `type_name` in a
    /// layout image, computed as [`read_image`](Self::read_image) computes
    /// them: `Layout::SIZE` and `Layout::ALIGN` of the Rust type generated
    /// from the schema. An image file's header records the root's
    /// alignment, so comparing the two catches some wrong root types.
    ///
    /// ```
    /// let schema = barewire::schema::parse("type P struct { a: u8 b: u64 c: optional<u16> }")?;
    /// let codec = barewire::value::Codec::new(&schema);
    /// assert_eq!(codec.image_layout("P")?, (16, 8));
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn image_layout(&self, type_name: &str) -> Result<(usize, usize), ValueError> {
        let mut plan = Plan::new(self.schema, self.limits.max_depth);
        let root = plan.def(type_name, 0)?;
        let lay = plan.lay(root)?;
        Ok((lay.size, lay.align))
    }

    fn read_planned(&self, plan: &Plan<'s>, root: Id, image: &[u8]) -> Result<Value, ValueError> {
        if image.len() > MAX_IMAGE_SIZE {
            return Err(Error::SizeLimit {
                size: image.len() as u64,
                limit: MAX_IMAGE_SIZE as u64,
            }
            .into());
        }
        let lay = plan.lay(root)?;
        place(image, 0, lay.size, lay.align, 0)?;
        let mut reader = ImageReader {
            plan,
            buf: image,
            cx: Check::new(image.len(), self.limits, true),
        };
        reader.read(root, 0)
    }
}
