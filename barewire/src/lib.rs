#![doc = include_str!("../../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

extern crate alloc;

mod array;
mod error;
mod fingerprint;
#[cfg(feature = "std")]
pub mod frame;
#[cfg(feature = "ipc")]
pub mod ipc;
pub mod layout;
mod limits;
#[cfg(feature = "mmap")]
pub mod mmap;
pub mod plain;
pub mod schema;
mod utf8;
pub mod wire;

pub use barewire_derive::{Bare, Layout};
pub use error::Error;
pub use layout::{FromLayout, Layout, LayoutBuf, to_layout, view, view_mut, view_unchecked};
pub use limits::Limits;
#[cfg(feature = "std")]
pub use wire::IoDecoder;
pub use wire::{
    Decode, DecodeOwned, Encode, Int, MapKey, Reader, SliceDecoder, Uint, encode_into, from_slice,
    from_slice_with, to_vec,
};

/// The BARE schema text of `T` and of every named type it uses, each
/// defined before its first use (recursive types excepted).
///
/// See [`schema::Describe`] for how Rust types and names map to the schema.
///
/// ```
/// #[derive(barewire::Bare)]
/// struct Point { x: i32, y: i32 }
///
/// assert_eq!(barewire::schema::<Point>(), "type Point struct {\n  x: i32\n  y: i32\n}\n");
/// ```
pub fn schema<T: schema::Describe + ?Sized>() -> alloc::string::String {
    use alloc::string::ToString;
    let mut builder = schema::Builder::new();
    T::describe(&mut builder);
    builder.finish().to_string()
}

/// The schema model of `T`, as [`schema()`] prints it.
pub fn schema_model<T: schema::Describe + ?Sized>() -> schema::Schema {
    let mut builder = schema::Builder::new();
    T::describe(&mut builder);
    builder.finish()
}

/// What generated code needs, under paths that do not depend on the user's
/// prelude or imports. Not public API.
#[doc(hidden)]
pub mod __private {
    use alloc::string::String;

    pub use alloc::vec;
    pub use alloc::vec::Vec;
    pub use core::default::Default;
    pub use core::mem::{offset_of, size_of};
    pub use core::option::Option::{self, None, Some};
    pub use core::primitive::{i128, u8, u64, usize};
    pub use core::result::Result::{self, Err, Ok};
    pub use core::{assert, cfg};

    pub use crate::layout::facts::LayoutFacts;
    pub use crate::layout::{
        check_boxed, follow_unchecked, from_boxed, read_tag, write_boxed, write_tag,
    };
    pub use crate::plain::{FromWire, IntoLayout, IntoWire, Plain};
    pub use core::clone::Clone;
    pub use core::cmp::{Ord, Ordering};
    pub use core::convert::AsRef;
    pub use core::fmt::{Debug, Formatter, Result as FmtResult};
    pub use core::marker::Copy;
    pub use core::marker::PhantomData;
    pub use core::panic;

    /// The larger of two sizes, in const code.
    #[inline]
    pub const fn max(a: usize, b: usize) -> usize {
        if a > b { a } else { b }
    }

    /// Writes a string whose identical copies are stored once.
    #[inline]
    pub fn write_interned(w: &mut crate::layout::Writer, at: usize, s: &str) {
        crate::layout::write_interned_str(w, at, s.as_bytes());
    }

    /// An owned copy of `s`.
    #[inline]
    pub fn string(s: &str) -> String {
        alloc::string::ToString::to_string(s)
    }

    /// Appends a varint (union tags, enum values).
    #[inline]
    pub fn write_uint(out: &mut Vec<u8>, value: u64) {
        crate::wire::write_uint(out, value);
    }

    /// Appends the memory of a value whose `Encode::PLAIN` claim says
    /// plain: its wire bytes. `false` (nothing appended) when it does not.
    #[inline]
    pub fn encode_plain<T: crate::wire::Encode>(value: &T, out: &mut Vec<u8>) -> bool {
        match T::PLAIN.bytes_of(core::slice::from_ref(value)) {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                true
            }
            None => false,
        }
    }
}
