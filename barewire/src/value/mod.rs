//! Dynamic values: BARE messages read and written by a schema known only at
//! run time, and their JSON form (feature `value`).
//!
//! A [`Codec`] borrows a parsed [`Schema`]. It decodes the bytes of any type
//! the schema defines into a [`Value`], with the same strictness and
//! [`Limits`] as the typed decoder ([`from_slice`](crate::from_slice)):
//! canonical varints, `bool` and `optional` bytes 0 or 1, valid UTF-8, known
//! enum values and union tags, no duplicate map key, no trailing bytes,
//! nesting bounded in depth and stack, and no allocation sized by a length
//! the input claims. It encodes a [`Value`] back to the same bytes, and
//! converts values to and from JSON.
//!
//! ```
//! use barewire::schema::parse;
//! use barewire::value::{Codec, Value};
//!
//! let schema = parse("
//!   type Point struct { x: i32 y: i32 label: optional<str> }
//! ")?;
//! let codec = Codec::new(&schema);
//! let bytes = [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 1, 2, b'h', b'i'];
//! let value = codec.decode("Point", &bytes)?;
//! assert_eq!(
//!     value,
//!     Value::Struct(vec![
//!         ("x".into(), Value::Int(1)),
//!         ("y".into(), Value::Int(-2)),
//!         ("label".into(), Value::Optional(Some(Box::new(Value::Str("hi".into()))))),
//!     ]),
//! );
//! assert_eq!(codec.encode("Point", &value)?, bytes);
//!
//! let json = codec.to_json("Point", &value)?;
//! assert_eq!(json, r#"{"x":1,"y":-2,"label":"hi"}"#);
//! assert_eq!(codec.from_json("Point", &json)?, value);
//! # Ok::<(), barewire::value::ValueError>(())
//! ```
//!
//! [`Codec::read_image`] reads a layout image (`barewire::to_layout`) of
//! the Rust types generated from the schema (`barewire::include_schema!`,
//! `barewire gen`) into the same [`Value`], by the schema alone.
//!
//! # The JSON form
//!
//! | BARE | JSON |
//! |---|---|
//! | `uint`, `int`, `u8` ... `i64` | an integer, exact for every 64-bit value |
//! | `f32`, `f64` | a number; `"NaN"`, `"inf"`, `"-inf"` as strings |
//! | `bool` | `true` / `false` |
//! | `str` | a string |
//! | `data`, `data[N]` | standard base64 with padding |
//! | `void` | `null` |
//! | enum | the member's name |
//! | `optional<T>` | `null` or the value |
//! | `list<T>`, `list<T>[N]` | an array |
//! | `map<str><V>` (key `str`, possibly through aliases) | an object, entries in wire order |
//! | other maps | an array of `[key, value]` pairs |
//! | union | `{"<member type as written in the schema>": value}` |
//! | struct | an object, fields in schema order |
//!
//! Reading JSON is as strict: a missing or unknown struct field, a fixed
//! length that does not match, an integer out of its type's range, a number
//! with a fraction for an integer type, a float out of `f32` range, invalid
//! base64 or an unknown member is a [`ValueError::Json`] that names the path
//! to the offending value (`$.orders[0].quantity`).
//!
//! Two limits of any JSON form: `optional<T>` where `T` is itself written as
//! `null` (`void`, an `optional`) cannot tell an absent value from a present
//! `null`, and reads as absent; and a NaN is written as `"NaN"` whatever its
//! payload, and reads back as the canonical quiet NaN.

mod decode;
mod encode;
mod image;
mod json;

use std::collections::HashMap;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::error::Error;
use crate::limits::Limits;
use crate::schema::{DefKind, EnumMember, Schema, Type};

/// A BARE value of a type known only at run time.
///
/// One variant per kind of value; which BARE type a value has is said by the
/// schema it is read or written with: [`Value::Uint`] is a `uint`, `u8`,
/// `u16`, `u32` or `u64`, [`Value::Data`] is `data` or `data[N]`,
/// [`Value::List`] is `list<T>` or `list<T>[N]`.
///
/// ```
/// use barewire::value::Value;
///
/// let v = Value::List(vec![Value::Uint(1), Value::Uint(2)]);
/// assert!(matches!(v, Value::List(ref items) if items.len() == 2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `bool`.
    Bool(bool),
    /// `uint`, `u8`, `u16`, `u32` or `u64`.
    Uint(u64),
    /// `int`, `i8`, `i16`, `i32` or `i64`.
    Int(i64),
    /// `f32`.
    F32(f32),
    /// `f64`.
    F64(f64),
    /// `str`.
    Str(String),
    /// `data` or `data[N]`.
    Data(Vec<u8>),
    /// `void`.
    Void,
    /// An enum member, by name.
    Enum(String),
    /// `optional<T>`.
    Optional(Option<Box<Value>>),
    /// `list<T>` or `list<T>[N]`.
    List(Vec<Value>),
    /// `map<K><V>`: entries in wire order.
    Map(Vec<(Value, Value)>),
    /// A union member: its tag and its value.
    Union(u64, Box<Value>),
    /// A struct: field names and values in schema order.
    Struct(Vec<(String, Value)>),
}

/// What can go wrong reading or writing a [`Value`].
///
/// ```
/// use barewire::value::{Codec, ValueError};
///
/// let schema = barewire::schema::parse("type Small u8")?;
/// let codec = Codec::new(&schema);
/// let err = codec.from_json("Small", "300").unwrap_err();
/// assert!(matches!(err, ValueError::Json { .. }));
/// assert_eq!(err.to_string(), "JSON at $: 300 is out of range for u8");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The bytes are not a valid message of the type (from the wire reader).
    #[error(transparent)]
    Wire(#[from] Error),
    /// The schema defines no type of this name.
    #[error("the schema defines no type named {0:?}")]
    UnknownType(String),
    /// The schema refers to itself in a way no value can be read by (an
    /// alias of itself): only a schema built by hand, since
    /// [`parse`](crate::schema::parse) rejects it.
    #[error("type {0:?} is an alias cycle")]
    AliasCycle(String),
    /// An enum value that names no member.
    #[error("unknown value {value} for enum {type_name} at byte {offset}")]
    UnknownEnumValue {
        /// Where the value starts.
        offset: usize,
        /// The value found.
        value: u64,
        /// The enum's name.
        type_name: String,
    },
    /// A union tag that names no member.
    #[error("unknown tag {tag} for union {type_name} at byte {offset}")]
    UnknownUnionTag {
        /// Where the tag starts.
        offset: usize,
        /// The tag found.
        tag: u64,
        /// The name of the union, or of the definition it is in.
        type_name: String,
    },
    /// JSON text that is not JSON, or does not fit the type.
    #[error("JSON at {path}: {message}")]
    Json {
        /// Where: `$` is the whole value, then `.field`, `[index]`, `{key}`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A type whose layout cannot be computed, so no image of it can be
    /// read ([`Codec::read_image`]): a type that contains itself without a
    /// list, map or box (only a schema built by hand), a map key type with
    /// no order in a layout, or a fixed length too large for an image.
    #[error("type {type_name:?} has no layout: {reason}")]
    NoLayout {
        /// The definition the problem is in.
        type_name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A [`Value`] that does not fit the type it is written as.
    #[error("value at {path}: {message}")]
    Mismatch {
        /// Where, as for [`ValueError::Json`].
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl ValueError {
    fn json(message: impl Into<String>) -> Self {
        ValueError::Json {
            path: "$".into(),
            message: message.into(),
        }
    }

    fn mismatch(message: impl Into<String>) -> Self {
        ValueError::Mismatch {
            path: "$".into(),
            message: message.into(),
        }
    }

    /// Puts `segment` (`.name`, `[3]`) in front of the path, on the way out.
    fn within(mut self, segment: impl FnOnce() -> String) -> Self {
        if let ValueError::Json { path, .. } | ValueError::Mismatch { path, .. } = &mut self {
            // `path` starts with `$`; the segment goes right after it.
            path.insert_str(1, &segment());
        }
        self
    }
}

/// A type as the codec sees it once aliases are followed.
#[derive(Clone, Copy, Debug)]
enum Shape<'s> {
    /// Any type but a name.
    Type(&'s Type),
    /// An enum definition, its members in source order.
    Enum(&'s [EnumMember]),
}

/// Reads and writes [`Value`]s of the types a [`Schema`] defines.
///
/// Building one indexes the schema once (linear in its size); every read and
/// write after that follows names in constant time.
///
/// ```
/// let schema = barewire::schema::parse("type Color enum { RED GREEN = 5 }")?;
/// let codec = barewire::value::Codec::new(&schema);
/// assert_eq!(codec.to_json("Color", &codec.decode("Color", &[5])?)?, r#""GREEN""#);
/// assert!(codec.decode("Color", &[1]).is_err());
/// # Ok::<(), barewire::value::ValueError>(())
/// ```
#[derive(Debug)]
pub struct Codec<'s> {
    schema: &'s Schema,
    limits: Limits,
    /// Each definition's name → what it resolves to (aliases followed) and
    /// the name of the last definition on the way (for error messages); or
    /// the unknown name the chain ends at (`None` for a cycle).
    resolved: HashMap<&'s str, Result<(Shape<'s>, &'s str), Option<&'s str>>>,
    /// Each enum definition's member names → values.
    enum_values: HashMap<&'s str, HashMap<&'s str, u64>>,
}

impl<'s> Codec<'s> {
    /// A codec for `schema` with the default [`Limits`].
    pub fn new(schema: &'s Schema) -> Self {
        Self::with_limits(schema, Limits::DEFAULT)
    }

    /// A codec for `schema` that enforces `limits` on what it reads.
    ///
    /// ```
    /// let schema = barewire::schema::parse("type Tree list<Tree>")?;
    /// let codec = barewire::value::Codec::with_limits(
    ///     &schema,
    ///     barewire::Limits::DEFAULT.with_max_depth(3),
    /// );
    /// assert!(codec.decode("Tree", &[1, 1, 0]).is_ok());
    /// assert!(codec.decode("Tree", &[1, 1, 1, 1, 0]).is_err());
    /// # Ok::<(), barewire::value::ValueError>(())
    /// ```
    pub fn with_limits(schema: &'s Schema, limits: Limits) -> Self {
        let mut by_name: HashMap<&'s str, &'s DefKind> = HashMap::with_capacity(schema.defs.len());
        for def in &schema.defs {
            // The first definition of a name wins, as `Schema::def` finds it.
            by_name.entry(def.name.as_str()).or_insert(&def.kind);
        }
        let mut resolved: HashMap<&'s str, Result<(Shape<'s>, &'s str), Option<&'s str>>> =
            HashMap::with_capacity(by_name.len());
        let mut enum_values = HashMap::new();
        for def in &schema.defs {
            if let DefKind::Enum(members) = &def.kind {
                enum_values.entry(def.name.as_str()).or_insert_with(|| {
                    members.iter().map(|m| (m.name.as_str(), m.value)).collect()
                });
            }
            // Follow the chain of aliases from this name, iteratively, until
            // a resolved name, a non-name, an unknown name or a cycle; then
            // record the answer for every name on the chain (linear overall).
            let mut chain: Vec<&'s str> = Vec::new();
            let mut name = def.name.as_str();
            let answer = loop {
                if let Some(done) = resolved.get(name) {
                    break *done;
                }
                chain.push(name);
                if chain.len() > by_name.len() {
                    break Err(None);
                }
                match by_name.get(name) {
                    None => break Err(Some(name)),
                    Some(DefKind::Enum(members)) => break Ok((Shape::Enum(members), name)),
                    Some(DefKind::Type(Type::Named(next))) => name = next.as_str(),
                    Some(DefKind::Type(ty)) => break Ok((Shape::Type(ty), name)),
                }
            };
            for name in chain {
                resolved.insert(name, answer);
            }
        }
        Codec {
            schema,
            limits,
            resolved,
            enum_values,
        }
    }

    /// The schema this codec reads and writes by.
    pub fn schema(&self) -> &'s Schema {
        self.schema
    }

    /// The limits this codec enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Follows names from `ty` to a shape, with the name of the last
    /// definition on the way (or `within` if `ty` is not a name).
    fn resolve(&self, ty: &'s Type, within: &'s str) -> Result<(Shape<'s>, &'s str), ValueError> {
        match ty {
            Type::Named(name) => self.resolve_name(name),
            other => Ok((Shape::Type(other), within)),
        }
    }

    fn resolve_name(&self, name: &str) -> Result<(Shape<'s>, &'s str), ValueError> {
        match self.resolved.get(name) {
            None => Err(ValueError::UnknownType(name.to_string())),
            Some(Err(Some(missing))) => Err(ValueError::UnknownType(missing.to_string())),
            Some(Err(None)) => Err(ValueError::AliasCycle(name.to_string())),
            Some(Ok(found)) => Ok(*found),
        }
    }

    /// Whether `ty` is `str`, possibly through aliases: such maps are JSON
    /// objects.
    fn is_str(&self, ty: &'s Type) -> bool {
        matches!(self.resolve(ty, ""), Ok((Shape::Type(Type::Str), _)))
    }
}

/// An enum member by value: binary search (members are ascending, as
/// [`parse`](crate::schema::parse) checks), then a scan in case a schema
/// built by hand is not sorted (only on the way to an error otherwise).
fn enum_member(members: &[EnumMember], value: u64) -> Option<&EnumMember> {
    match members.binary_search_by_key(&value, |m| m.value) {
        Ok(i) => members.get(i),
        Err(_) => members.iter().find(|m| m.value == value),
    }
}

/// A union member by tag, as [`enum_member`].
fn union_member(
    members: &[crate::schema::UnionMember],
    tag: u64,
) -> Option<&crate::schema::UnionMember> {
    match members.binary_search_by_key(&tag, |m| m.tag) {
        Ok(i) => members.get(i),
        Err(_) => members.iter().find(|m| m.tag == tag),
    }
}

#[cfg(test)]
mod tests;
