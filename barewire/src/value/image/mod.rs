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

mod read;

use read::{ImageReader, place};

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
