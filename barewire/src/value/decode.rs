//! Bytes to [`Value`], by the schema, through the strict wire [`Reader`].

use std::collections::HashSet;
use std::string::ToString;
use std::vec::Vec;

use super::{Codec, Shape, Value, ValueError, enum_member, union_member};
use crate::error::Error;
use crate::schema::Type;
use crate::wire::Reader;

/// What one read may still spend on values that take no input bytes.
struct Budget {
    /// Bytes of memory left for values that consume no input (`void`, empty
    /// structs, the names of their fields): starts at `Limits::max_size`.
    zero_bytes: u64,
}

impl Budget {
    fn charge(&mut self, offset: usize, bytes: usize) -> Result<(), ValueError> {
        match self.zero_bytes.checked_sub(bytes as u64) {
            Some(left) => {
                self.zero_bytes = left;
                Ok(())
            }
            None => Err(Error::WorkLimit {
                offset,
                what: "values that take no input bytes",
            }
            .into()),
        }
    }
}

/// The capacity to reserve for `count` items read from `r`: never more than
/// the bytes left, so a length the input claims sizes no allocation.
fn capacity(count: u64, r: &Reader<'_>) -> usize {
    usize::try_from(count).map_or(r.remaining(), |c| c.min(r.remaining()))
}

impl<'s> Codec<'s> {
    /// Decodes one message of the type named `type_name` from all of
    /// `bytes`: trailing bytes are an error, as is input larger than
    /// [`Limits::max_size`](crate::Limits::max_size).
    ///
    /// ```
    /// let schema = barewire::schema::parse("type Pair struct { a: bool b: bool }")?;
    /// let codec = barewire::value::Codec::new(&schema);
    /// assert!(codec.decode("Pair", &[1, 0]).is_ok());
    /// assert!(codec.decode("Pair", &[1, 2]).is_err()); // 2 is not a bool
    /// assert!(codec.decode("Pair", &[1, 0, 0]).is_err()); // trailing byte
    /// assert!(codec.decode("Nope", &[1, 0]).is_err()); // no such type
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn decode(&self, type_name: &str, bytes: &[u8]) -> Result<Value, ValueError> {
        let limit = self.limits.max_size;
        if bytes.len() as u64 > limit {
            return Err(Error::SizeLimit {
                size: bytes.len() as u64,
                limit,
            }
            .into());
        }
        let mut reader = Reader::with_limits(bytes, self.limits);
        let value = self.decode_next(type_name, &mut reader)?;
        reader.finish()?;
        Ok(value)
    }

    /// Decodes one message of the type named `type_name` from where `reader`
    /// stands, leaving it after the message: for concatenated messages.
    ///
    /// ```
    /// use barewire::{Reader, value::{Codec, Value}};
    ///
    /// let schema = barewire::schema::parse("type N uint")?;
    /// let codec = Codec::new(&schema);
    /// let mut reader = Reader::new(&[1, 0xac, 0x02]);
    /// let mut all = Vec::new();
    /// while reader.remaining() > 0 {
    ///     all.push(codec.decode_next("N", &mut reader)?);
    /// }
    /// assert_eq!(all, [Value::Uint(1), Value::Uint(300)]);
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn decode_next(
        &self,
        type_name: &str,
        reader: &mut Reader<'_>,
    ) -> Result<Value, ValueError> {
        let (shape, at) = self.resolve_name(type_name)?;
        let mut budget = Budget {
            zero_bytes: self.limits.max_size,
        };
        self.read_shape(reader, shape, at, &mut budget)
    }

    fn read(
        &self,
        r: &mut Reader<'_>,
        ty: &'s Type,
        within: &'s str,
        budget: &mut Budget,
    ) -> Result<Value, ValueError> {
        let (shape, at) = self.resolve(ty, within)?;
        self.read_shape(r, shape, at, budget)
    }

    fn read_shape(
        &self,
        r: &mut Reader<'_>,
        shape: Shape<'s>,
        at: &'s str,
        budget: &mut Budget,
    ) -> Result<Value, ValueError> {
        let start = r.position();
        let value = self.read_inner(r, shape, at, budget)?;
        if r.position() == start {
            budget.charge(start, core::mem::size_of::<Value>())?;
        }
        Ok(value)
    }

    fn read_inner(
        &self,
        r: &mut Reader<'_>,
        shape: Shape<'s>,
        at: &'s str,
        budget: &mut Budget,
    ) -> Result<Value, ValueError> {
        let ty = match shape {
            Shape::Enum(members) => {
                let offset = r.position();
                let value = r.uint()?;
                return match enum_member(members, value) {
                    Some(m) => Ok(Value::Enum(m.name.clone())),
                    None => Err(ValueError::UnknownEnumValue {
                        offset,
                        value,
                        type_name: at.to_string(),
                    }),
                };
            }
            Shape::Type(ty) => ty,
        };
        Ok(match ty {
            Type::Uint => Value::Uint(r.uint()?),
            Type::Int => Value::Int(r.int()?),
            Type::U8 => Value::Uint(u64::from(r.byte()?)),
            Type::U16 => Value::Uint(u64::from(u16::from_le_bytes(r.take_array()?))),
            Type::U32 => Value::Uint(u64::from(u32::from_le_bytes(r.take_array()?))),
            Type::U64 => Value::Uint(u64::from_le_bytes(r.take_array()?)),
            Type::I8 => Value::Int(i64::from(i8::from_le_bytes(r.take_array()?))),
            Type::I16 => Value::Int(i64::from(i16::from_le_bytes(r.take_array()?))),
            Type::I32 => Value::Int(i64::from(i32::from_le_bytes(r.take_array()?))),
            Type::I64 => Value::Int(i64::from_le_bytes(r.take_array()?)),
            Type::F32 => Value::F32(f32::from_le_bytes(r.take_array()?)),
            Type::F64 => Value::F64(f64::from_le_bytes(r.take_array()?)),
            Type::Bool => Value::Bool(r.bool()?),
            Type::Str => Value::Str(r.str()?.to_string()),
            Type::Data => Value::Data(r.data()?.to_vec()),
            Type::DataFixed(n) => Value::Data(r.take(*n)?.to_vec()),
            Type::Void => Value::Void,
            Type::Optional(inner) => {
                if r.option_tag()? {
                    r.enter()?;
                    let value = self.read(r, inner, at, budget)?;
                    r.leave();
                    Value::Optional(Some(Box::new(value)))
                } else {
                    Value::Optional(None)
                }
            }
            Type::List(item) => {
                let count = r.uint()?;
                self.read_items(r, item, at, count, budget)?
            }
            Type::ListFixed(item, count) => self.read_items(r, item, at, *count, budget)?,
            Type::Map(key_ty, value_ty) => {
                let count = r.uint()?;
                r.enter()?;
                let input = r.input();
                let mut seen: HashSet<&[u8]> = HashSet::new();
                let mut entries = Vec::with_capacity(capacity(count, r));
                for _ in 0..count {
                    let key_start = r.position();
                    let key = self.read(r, key_ty, at, budget)?;
                    // Keys are canonical, so equal keys have equal bytes.
                    let key_bytes = input.get(key_start..r.position()).unwrap_or_default();
                    if !seen.insert(key_bytes) {
                        return Err(Error::DuplicateMapKey { offset: key_start }.into());
                    }
                    let value = self.read(r, value_ty, at, budget)?;
                    entries.push((key, value));
                }
                r.leave();
                Value::Map(entries)
            }
            Type::Union(members) => {
                let offset = r.position();
                let tag = r.uint()?;
                let Some(member) = union_member(members, tag) else {
                    return Err(ValueError::UnknownUnionTag {
                        offset,
                        tag,
                        type_name: at.to_string(),
                    });
                };
                r.enter()?;
                let value = self.read(r, &member.ty, at, budget)?;
                r.leave();
                Value::Union(tag, Box::new(value))
            }
            Type::Struct(fields) => {
                r.enter()?;
                let mut values = Vec::with_capacity(fields.len());
                for field in fields {
                    let before = r.position();
                    let value = self.read(r, &field.ty, at, budget)?;
                    if r.position() == before {
                        budget.charge(before, field.name.len())?;
                    }
                    values.push((field.name.clone(), value));
                }
                r.leave();
                Value::Struct(values)
            }
            // `resolve` follows every name; one left means a cycle.
            Type::Named(name) => return Err(ValueError::AliasCycle(name.clone())),
        })
    }

    fn read_items(
        &self,
        r: &mut Reader<'_>,
        item: &'s Type,
        at: &'s str,
        count: u64,
        budget: &mut Budget,
    ) -> Result<Value, ValueError> {
        r.enter()?;
        // Items that take bytes stop at the end of the input; items that
        // take none are charged to the budget: either way the loop is
        // bounded by the input and the limits, not by `count`.
        let mut items = Vec::with_capacity(capacity(count, r));
        for _ in 0..count {
            items.push(self.read(r, item, at, budget)?);
        }
        r.leave();
        Ok(Value::List(items))
    }
}
