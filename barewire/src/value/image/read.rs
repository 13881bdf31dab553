//! Reading an image by a layout plan: bounds-checked reads, every offset
//! followed checked, the work bounded like the layout checks.

use std::string::ToString;
use std::vec::Vec;

use super::*;

/// A map key as the image orders it.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key<'v> {
    Unsigned(u64),
    Signed(i64),
    Bytes(&'v [u8]),
}

pub(super) fn invalid(offset: usize, reason: &'static str) -> ValueError {
    Error::InvalidLayout { offset, reason }.into()
}

/// `n` bytes at `at`, or an error if they run past the end.
pub(super) fn bytes(buf: &[u8], at: usize, n: usize) -> Result<&[u8], ValueError> {
    at.checked_add(n)
        .and_then(|end| buf.get(at..end))
        .ok_or_else(|| invalid(at, "value runs past the end of the image"))
}

pub(super) fn array<const N: usize>(buf: &[u8], at: usize) -> Result<[u8; N], ValueError> {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes(buf, at, N)?);
    Ok(out)
}

/// An unsigned little-endian integer of `width` bytes (1, 2, 4 or 8).
pub(super) fn read_uint(buf: &[u8], at: usize, width: usize) -> Result<u64, ValueError> {
    let mut out = [0u8; 8];
    let src = bytes(buf, at, width.min(8))?;
    out[..src.len()].copy_from_slice(src);
    Ok(u64::from_le_bytes(out))
}

/// Follows the relative offset stored at `at`: the position it points to,
/// if inside the image.
pub(super) fn follow(buf: &[u8], at: usize) -> Result<usize, ValueError> {
    let rel = i32::from_le_bytes(array::<4>(buf, at)?);
    let target = at as i64 + i64::from(rel);
    if target < 0 || target > buf.len() as i64 {
        return Err(invalid(at, "offset points outside the image"));
    }
    Ok(target as usize)
}

/// Checks that `size` bytes at `at` lie inside the image, at a position
/// that is a multiple of `align` (relative to the image start).
pub(super) fn place(
    buf: &[u8],
    at: usize,
    size: usize,
    align: usize,
    from: usize,
) -> Result<(), ValueError> {
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
pub(super) fn str_repr_bytes(buf: &[u8], at: usize) -> Result<&[u8], ValueError> {
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
pub(super) struct ImageReader<'p, 's, 'b> {
    pub(super) plan: &'p Plan<'s>,
    pub(super) buf: &'b [u8],
    pub(super) cx: Check,
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
    pub(super) fn read(&mut self, id: Id, at: usize) -> Result<Value, ValueError> {
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
