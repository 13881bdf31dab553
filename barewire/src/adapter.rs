//! Field adapters: `#[bare(with = "module")]` on a field of a
//! `#[derive(Bare)]` type reads and writes that field with the functions
//! of `module` instead of its type's own impls, for a field type that has
//! no BARE impls of its own (a foreign type) or that should take another
//! shape on the wire.
//!
//! The module provides three functions, for the field's type `T`:
//!
//! ```text
//! pub fn encode(value: &T, out: &mut Vec<u8>);
//! pub fn decode(r: &mut barewire::Reader<'_>) -> Result<T, barewire::Error>;
//! pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type;
//! ```
//!
//! A module that lacks one of them is a compile error at the attribute.
//! `decode` must be as strict as any decoder (see [`Reader`]); it may
//! borrow from the input with `fn decode<'de>(r: &mut Reader<'de>) -> Result<T, Error>`.
//!
//! A type with an adapter field is **wire-only**: it has the wire codec and
//! the schema, but no zero-copy layout (an adapter has no in-place form), and
//! asking for its layout (`to_layout`, `view`, or using it as a field of a
//! type with a layout) is a compile error that names the field, through a
//! marker type called `field_<name>_of_<Type>_has_an_adapter_so_<Type>_is_wire_only`.
//!
//! ```
//! use std::net::Ipv4Addr;
//!
//! /// An `Ipv4Addr` as BARE `data[4]`.
//! mod ipv4 {
//!     use std::net::Ipv4Addr;
//!     use barewire::{Error, Reader};
//!
//!     pub fn encode(value: &Ipv4Addr, out: &mut Vec<u8>) {
//!         out.extend_from_slice(&value.octets());
//!     }
//!     pub fn decode(r: &mut Reader<'_>) -> Result<Ipv4Addr, Error> {
//!         Ok(Ipv4Addr::from(r.take_array::<4>()?))
//!     }
//!     pub fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
//!         s.of::<[u8; 4]>()
//!     }
//! }
//!
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Peer {
//!     #[bare(with = "ipv4")]
//!     address: Ipv4Addr,
//!     port: u16,
//! }
//!
//! let peer = Peer { address: Ipv4Addr::new(10, 0, 0, 1), port: 80 };
//! let bytes = barewire::to_vec(&peer);
//! assert_eq!(bytes, [10, 0, 0, 1, 80, 0]);
//! assert_eq!(barewire::from_slice::<Peer>(&bytes)?, peer);
//! assert_eq!(barewire::schema::<Peer>(), "type Peer struct {\n  address: data[4]\n  port: u16\n}\n");
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! [`Reader`]: crate::Reader

use crate::schema::{Builder, Describe, Type};

/// What an adapter's `describe` gets: the schema being built, to describe
/// the field's BARE type with.
///
/// ```
/// fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
///     s.of::<String>()
/// }
/// ```
pub struct Schema<'b> {
    builder: &'b mut Builder,
}

impl<'b> Schema<'b> {
    /// Wraps the builder of a `describe` call (generated code calls this).
    #[doc(hidden)]
    pub fn new(builder: &'b mut Builder) -> Self {
        Schema { builder }
    }

    /// The schema type of `T`, defining the named types it uses.
    ///
    /// ```
    /// fn describe(s: &mut barewire::adapter::Schema<'_>) -> barewire::schema::Type {
    ///     s.of::<Vec<u8>>()
    /// }
    /// ```
    pub fn of<T: Describe + ?Sized>(&mut self) -> Type {
        T::describe(self.builder)
    }
}

impl core::fmt::Debug for Schema<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Schema")
    }
}
