//! barewire: zero-copy BARE serialization with memory management by choice.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

extern crate alloc;

mod error;
pub mod schema;
pub mod wire;

pub use error::Error;
#[cfg(feature = "std")]
pub use wire::IoDecoder;
pub use wire::{
    Decode, DecodeOwned, Encode, Int, Limits, MapKey, Reader, SliceDecoder, Uint, encode_into,
    from_slice, from_slice_with, to_vec,
};
