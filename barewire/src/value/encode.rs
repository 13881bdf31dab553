//! [`Value`] to bytes, by the schema, checking that the value fits.

use std::collections::HashSet;
use std::format;
use std::string::String;
use std::vec::Vec;

use super::{Codec, Shape, Value, ValueError, union_member};
use crate::limits::Nesting;
use crate::schema::Type;

/// Appends `value` as a LEB128 varint.
pub(super) fn write_uint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The range check of an unsigned integer type: `Ok` when `v` fits.
pub(super) fn check_uint(ty: &Type, v: u64) -> Result<(), String> {
    let max = match ty {
        Type::U8 => u64::from(u8::MAX),
        Type::U16 => u64::from(u16::MAX),
        Type::U32 => u64::from(u32::MAX),
        _ => u64::MAX,
    };
    if v <= max {
        Ok(())
    } else {
        Err(format!("{v} is out of range for {ty}"))
    }
}

/// The range check of a signed integer type: `Ok` when `v` fits.
pub(super) fn check_int(ty: &Type, v: i64) -> Result<(), String> {
    let (min, max) = match ty {
        Type::I8 => (i64::from(i8::MIN), i64::from(i8::MAX)),
        Type::I16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        Type::I32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    if (min..=max).contains(&v) {
        Ok(())
    } else {
        Err(format!("{v} is out of range for {ty}"))
    }
}

impl Value {
    /// What kind of value this is, for error messages.
    ///
    /// ```
    /// assert_eq!(barewire::value::Value::Void.kind(), "void");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Uint(_) => "unsigned integer",
            Value::Int(_) => "signed integer",
            Value::F32(_) => "f32",
            Value::F64(_) => "f64",
            Value::Str(_) => "str",
            Value::Data(_) => "data",
            Value::Void => "void",
            Value::Enum(_) => "enum member",
            Value::Optional(_) => "optional",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Union(..) => "union member",
            Value::Struct(_) => "struct",
        }
    }
}

impl<'s> Codec<'s> {
    /// Encodes `value` as a message of the type named `type_name`.
    ///
    /// The value must fit the type: an integer in its range, `data[N]` and
    /// `list<T>[N]` of exactly N, struct fields by name in schema order, an
    /// enum member or union tag the schema has, no map key twice. Otherwise
    /// a [`ValueError::Mismatch`] says where.
    ///
    /// ```
    /// use barewire::value::{Codec, Value};
    ///
    /// let schema = barewire::schema::parse("type Id data[2] type Small u8")?;
    /// let codec = Codec::new(&schema);
    /// assert_eq!(codec.encode("Id", &Value::Data(vec![1, 2]))?, [1, 2]);
    /// assert!(codec.encode("Id", &Value::Data(vec![1])).is_err());
    /// assert!(codec.encode("Small", &Value::Uint(256)).is_err());
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn encode(&self, type_name: &str, value: &Value) -> Result<Vec<u8>, ValueError> {
        let mut out = Vec::new();
        self.encode_into(type_name, value, &mut out)?;
        Ok(out)
    }

    /// Appends `value`, as [`encode`](Self::encode) writes it, to `out`
    /// (which is left as it was on error only up to what was appended).
    pub fn encode_into(
        &self,
        type_name: &str,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), ValueError> {
        let (shape, at) = self.resolve_name(type_name)?;
        let mut nesting = Nesting::new(&self.limits);
        self.write_shape(out, shape, at, value, &mut nesting)
    }

    fn write(
        &self,
        out: &mut Vec<u8>,
        ty: &'s Type,
        within: &'s str,
        value: &Value,
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        let (shape, at) = self.resolve(ty, within)?;
        self.write_shape(out, shape, at, value, nesting)
    }

    fn write_shape(
        &self,
        out: &mut Vec<u8>,
        shape: Shape<'s>,
        at: &'s str,
        value: &Value,
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        let ty = match (shape, value) {
            (Shape::Enum(_), Value::Enum(name)) => {
                let found = self.enum_values.get(at).and_then(|m| m.get(name.as_str()));
                return match found {
                    Some(v) => {
                        write_uint(out, *v);
                        Ok(())
                    }
                    None => Err(ValueError::mismatch(format!(
                        "enum {at} has no member {name:?}"
                    ))),
                };
            }
            (Shape::Enum(_), other) => {
                return Err(ValueError::mismatch(format!(
                    "expected a member of enum {at}, found {}",
                    other.kind()
                )));
            }
            (Shape::Type(ty), _) => ty,
        };
        let fits = |r: Result<(), String>| r.map_err(ValueError::mismatch);
        match (ty, value) {
            (Type::Uint, Value::Uint(v)) => write_uint(out, *v),
            (Type::U8 | Type::U16 | Type::U32 | Type::U64, Value::Uint(v)) => {
                fits(check_uint(ty, *v))?;
                let bytes = v.to_le_bytes();
                let width = match ty {
                    Type::U8 => 1,
                    Type::U16 => 2,
                    Type::U32 => 4,
                    _ => 8,
                };
                out.extend_from_slice(&bytes[..width]);
            }
            (Type::Int, Value::Int(v)) => write_uint(out, ((v << 1) ^ (v >> 63)) as u64),
            (Type::I8 | Type::I16 | Type::I32 | Type::I64, Value::Int(v)) => {
                fits(check_int(ty, *v))?;
                let bytes = v.to_le_bytes();
                let width = match ty {
                    Type::I8 => 1,
                    Type::I16 => 2,
                    Type::I32 => 4,
                    _ => 8,
                };
                out.extend_from_slice(&bytes[..width]);
            }
            (Type::F32, Value::F32(v)) => out.extend_from_slice(&v.to_le_bytes()),
            (Type::F64, Value::F64(v)) => out.extend_from_slice(&v.to_le_bytes()),
            (Type::Bool, Value::Bool(b)) => out.push(u8::from(*b)),
            (Type::Str, Value::Str(s)) => {
                write_uint(out, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
            (Type::Data, Value::Data(d)) => {
                write_uint(out, d.len() as u64);
                out.extend_from_slice(d);
            }
            (Type::DataFixed(n), Value::Data(d)) => {
                if d.len() as u64 != *n {
                    return Err(ValueError::mismatch(format!(
                        "data[{n}] needs exactly {n} bytes, found {}",
                        d.len()
                    )));
                }
                out.extend_from_slice(d);
            }
            (Type::Void, Value::Void) => {}
            (Type::Optional(inner), Value::Optional(o)) => match o {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    nesting.enter(out.len())?;
                    self.write(out, inner, at, v, nesting)?;
                    nesting.leave();
                }
            },
            (Type::List(item), Value::List(items)) => {
                write_uint(out, items.len() as u64);
                self.write_items(out, item, at, items, nesting)?;
            }
            (Type::ListFixed(item, n), Value::List(items)) => {
                if items.len() as u64 != *n {
                    return Err(ValueError::mismatch(format!(
                        "{ty} needs exactly {n} items, found {}",
                        items.len()
                    )));
                }
                self.write_items(out, item, at, items, nesting)?;
            }
            (Type::Map(key_ty, value_ty), Value::Map(entries)) => {
                write_uint(out, entries.len() as u64);
                nesting.enter(out.len())?;
                let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(entries.len());
                for (i, (key, v)) in entries.iter().enumerate() {
                    let start = out.len();
                    self.write(out, key_ty, at, key, nesting)
                        .map_err(|e| e.within(|| format!("{{key {i}}}")))?;
                    if !seen.insert(out[start..].to_vec()) {
                        return Err(ValueError::mismatch("the same map key twice")
                            .within(|| format!("{{key {i}}}")));
                    }
                    self.write(out, value_ty, at, v, nesting)
                        .map_err(|e| e.within(|| format!("{{value {i}}}")))?;
                }
                nesting.leave();
            }
            (Type::Union(members), Value::Union(tag, v)) => {
                let Some(member) = union_member(members, *tag) else {
                    return Err(ValueError::mismatch(format!("union has no tag {tag}")));
                };
                write_uint(out, *tag);
                nesting.enter(out.len())?;
                self.write(out, &member.ty, at, v, nesting)
                    .map_err(|e| e.within(|| format!("{{{}}}", member.ty)))?;
                nesting.leave();
            }
            (Type::Struct(fields), Value::Struct(values)) => {
                if fields.len() != values.len() {
                    return Err(ValueError::mismatch(format!(
                        "the struct has {} fields, the value {}",
                        fields.len(),
                        values.len()
                    )));
                }
                nesting.enter(out.len())?;
                for (field, (name, v)) in fields.iter().zip(values) {
                    if field.name != *name {
                        return Err(ValueError::mismatch(format!(
                            "expected field {:?}, found {name:?}",
                            field.name
                        )));
                    }
                    self.write(out, &field.ty, at, v, nesting)
                        .map_err(|e| e.within(|| format!(".{name}")))?;
                }
                nesting.leave();
            }
            (Type::Named(name), _) => return Err(ValueError::AliasCycle(name.clone())),
            (ty, other) => {
                return Err(ValueError::mismatch(format!(
                    "expected {}, found {}",
                    short(ty),
                    other.kind()
                )));
            }
        }
        Ok(())
    }

    fn write_items(
        &self,
        out: &mut Vec<u8>,
        item: &'s Type,
        at: &'s str,
        items: &[Value],
        nesting: &mut Nesting,
    ) -> Result<(), ValueError> {
        nesting.enter(out.len())?;
        for (i, v) in items.iter().enumerate() {
            self.write(out, item, at, v, nesting)
                .map_err(|e| e.within(|| format!("[{i}]")))?;
        }
        nesting.leave();
        Ok(())
    }
}

/// A type for an error message: its schema text, or its kind when that
/// text would be long (a struct or union written inline).
pub(super) fn short(ty: &Type) -> String {
    match ty {
        Type::Struct(_) => "a struct".into(),
        Type::Union(_) => "a union".into(),
        other => {
            let text = std::string::ToString::to_string(other);
            if text.len() > 80 {
                "a value of a long type".into()
            } else {
                text
            }
        }
    }
}
