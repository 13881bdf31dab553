//! A strict serde data format for BARE (feature `serde`): any
//! `Serialize`/`Deserialize` type reads and writes BARE bytes.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Log<'a> { address: [u8; 4], request: &'a str, code: u16, size: u64 }
//!
//! let log = Log { address: [10, 0, 0, 1], request: "GET /", code: 200, size: 512 };
//! let bytes = barewire::serde::to_vec(&log)?;
//! assert_eq!(bytes, [10, 0, 0, 1, 5, b'G', b'E', b'T', b' ', b'/', 200, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
//! let back: Log<'_> = barewire::serde::from_slice(&bytes)?; // `request` borrows from `bytes`
//! assert_eq!(back, log);
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! The bytes are BARE's, the same as [`barewire::to_vec`](crate::to_vec)
//! writes for a `#[derive(Bare)]` type of the same shape, and the same as
//! serde_bare writes wherever serde_bare accepts the value. This is its own
//! implementation, not a wrapper of serde_bare, and it reads as strictly as
//! the derived decoders.
//!
//! # Serde's data model in BARE
//!
//! | serde | BARE |
//! |---|---|
//! | `bool` | `bool` (one byte, 0 or 1) |
//! | `i8`…`i64`, `u8`…`u64`, `f32`, `f64` | the same fixed-width type, little-endian |
//! | `i128`, `u128` | `data[16]`, little-endian (as serde_bare) |
//! | `char` | `u32` (its code point; not a code point is an error on reading) |
//! | `str`, `String` | `str` |
//! | bytes (`serde_bytes`, `&[u8]`) | `data` |
//! | `Option<T>` | `optional<T>` |
//! | unit, unit struct | `void` (nothing) |
//! | newtype struct | its inner value |
//! | sequence (`Vec<T>`, sets) | `list<T>`: a `uint` count, then the items |
//! | tuple, tuple struct, `[T; N]` | the fields in order (a struct; `[T; N]` is `list<T>[N]`) |
//! | map | `map<K><V>`: a `uint` count, then key, value, key, value |
//! | struct | `struct`: the fields in order, no names |
//! | enum variant | union member: its **variant index** as a `uint` tag, then its fields (nothing for a unit variant) |
//!
//! A field-less enum is therefore a BARE `enum` whose values are the
//! variant indexes 0, 1, 2… in declaration order, as serde_bare writes it.
//! `#[derive(Bare)]` writes a field-less enum's *discriminant* instead, and
//! a union's `#[bare(tag = N)]`: the two agree when discriminants and tags
//! are left at their defaults (declaration order from 0). serde has no
//! notion of `uint`/`int`: use `u64`/`i64` (fixed width), or serde_bare's
//! `Uint`/`Int` (they serialize as the varint's bytes, which this format
//! reads; their own `Deserialize` accepts non-canonical varints).
//!
//! # Strictness
//!
//! Reading is as strict as the derived decoders: canonical varints only,
//! `bool` and `optional` bytes 0 or 1, UTF-8 checked, union tags past the
//! last variant rejected ([`Error::UnknownUnionTag`](crate::Error)), a map
//! key repeated is [`Error::DuplicateMapKey`](crate::Error) (keys are compared by
//! their bytes, which canonical encoding makes the same as comparing
//! values), trailing bytes are an error, and [`Limits`] bound the size,
//! the depth and the stack (a length prefix never makes it preallocate
//! more items than the input could hold). Options (`Some`), enums, lists
//! and maps each count one level of [`Limits::max_depth`] and are checked
//! against the stack budget, where the derive counts lists, maps and boxes:
//! serde cannot see a `Box`, but every recursive type that has values
//! recurses through an option, an enum, a list or a map (a cycle of structs
//! alone, such as `struct S(Box<S>)`, has no finite value), so the stack a
//! message can take between two checks is bounded by its type, as with the
//! derive. Structs and tuples do not count.
//!
//! # What BARE cannot express
//!
//! These are [`Error::Unsupported`](crate::Error) with a message that says why:
//!
//! - `deserialize_any` and `deserialize_ignored_any`: BARE bytes carry no
//!   types, so untagged and internally or adjacently tagged enums,
//!   `#[serde(flatten)]`, `serde_json::Value` and unknown fields cannot be
//!   read;
//! - sequences and maps of unknown length when writing (an iterator
//!   serialized with `collect_seq` of unknown size, `#[serde(flatten)]`):
//!   BARE writes the count first;
//! - `#[serde(skip_serializing_if = ...)]` when it skips: BARE has no field
//!   names, so a reader could not tell the field is missing (serde_bare
//!   writes such bytes silently; they then fail to read back);
//! - a `Serialize` or `Deserialize` impl that writes or reads another
//!   number of items than the length it announced.
//!
//! Errors raised by the types' own impls (such as a
//! `#[serde(try_from)]` conversion) are [`Error::Serde`](crate::Error).

mod de;
mod ser;

use alloc::vec::Vec;

pub use de::Deserializer;
pub use ser::Serializer;

use crate::error::Error;
use crate::limits::Limits;

/// Serializes `value` into a new vector of BARE bytes.
///
/// ```
/// #[derive(serde::Serialize)]
/// enum Shape { Point, Circle { r: f32 } }
///
/// assert_eq!(barewire::serde::to_vec(&Shape::Point)?, [0]);
/// assert_eq!(barewire::serde::to_vec(&Shape::Circle { r: 1.0 })?, [1, 0, 0, 0x80, 0x3f]);
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn to_vec<T: ::serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut ser = Serializer::new(Vec::new());
    value.serialize(&mut ser)?;
    Ok(ser.into_inner())
}

/// Deserializes one value from the whole of `bytes` with the default
/// [`Limits`]; trailing bytes are an error.
///
/// ```
/// let v: Vec<u16> = barewire::serde::from_slice(&[2, 1, 0, 0xff, 0xff])?;
/// assert_eq!(v, [1, 0xffff]);
/// assert!(matches!(
///     barewire::serde::from_slice::<bool>(&[2]),
///     Err(barewire::Error::InvalidBool { offset: 0, byte: 2 })
/// ));
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn from_slice<'de, T: ::serde::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, Error> {
    from_slice_with(bytes, Limits::DEFAULT)
}

/// Deserializes one value from the whole of `bytes` under `limits`.
///
/// ```
/// use barewire::Limits;
/// let bytes = barewire::serde::to_vec(&vec![vec![1u8]])?;
/// assert!(matches!(
///     barewire::serde::from_slice_with::<Vec<Vec<u8>>>(&bytes, Limits::DEFAULT.with_max_depth(1)),
///     Err(barewire::Error::DepthLimit { limit: 1, .. })
/// ));
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn from_slice_with<'de, T: ::serde::Deserialize<'de>>(
    bytes: &'de [u8],
    limits: Limits,
) -> Result<T, Error> {
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::SizeLimit {
            size: bytes.len() as u64,
            limit: limits.max_size,
        });
    }
    let mut de = Deserializer::new(bytes, limits);
    let value = T::deserialize(&mut de)?;
    de.finish()?;
    Ok(value)
}
