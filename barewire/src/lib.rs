#![doc = include_str!("../../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

extern crate alloc;

pub mod adapter;
mod array;
mod error;
mod ext;
#[cfg(feature = "mmap")]
mod fingerprint;
#[cfg(feature = "std")]
pub mod frame;
pub mod image;
#[cfg(feature = "ipc")]
pub mod ipc;
pub mod layout;
mod limits;
mod link;
#[cfg(feature = "mmap")]
pub mod mmap;
pub mod plain;
pub mod schema;
#[cfg(feature = "std")]
mod site;
/// Without `std` there is no thread-local to record a decode's call site in.
#[cfg(not(feature = "std"))]
mod site {
    #[inline]
    pub(crate) fn decoding<R>(decode: impl FnOnce() -> R) -> R {
        decode()
    }
}
#[cfg(feature = "serde")]
pub mod serde;
mod utf8;
#[cfg(feature = "value")]
pub mod value;
pub mod wire;

pub use barewire_derive::{Bare, Layout, include_schema};
pub use error::Error;
#[cfg(feature = "bytes")]
pub use ext::from_bytes;
pub use image::{Image, ImageMut};
pub use layout::{
    BareArray, BareOption, BarePtr, BareSpan, BareStr, FromLayout, Layout, LayoutBuf, to_layout,
    to_layout_into, view, view_mut, view_unchecked,
};
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
/// prelude or imports: the one home of derive plumbing. Not public API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
