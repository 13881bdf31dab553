//! barewire: zero-copy BARE serialization with memory management by choice.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

extern crate alloc;

mod error;
pub mod schema;

pub use error::Error;
