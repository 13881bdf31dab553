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
//! the schema, but no zero-copy layout (the adapter does not say what the
//! field's in-place form is), and asking for its layout (`to_layout`,
//! `view`, or using it as a field of a type with a layout) is a compile
//! error that names the field, through a marker type called
//! `field_<name>_of_<Type>_has_an_adapter_so_<Type>_is_wire_only`.
//!
//! # Adapters with a layout
//!
//! With `#[bare(with = "module", with_layout)]` the module gives the
//! field's layout too, through a *proxy*: a type that has a layout and
//! stands for the field in images.
//!
//! ```text
//! pub type Layout = P;                  // P: barewire::Layout + FromLayout
//! pub fn to_layout(value: &T) -> P;     // when an image is written
//! pub fn from_layout(proxy: P) -> T;    // in layout::to_owned
//! ```
//!
//! The image holds the proxy's bytes, exactly as a field of type `P` would,
//! and the view's accessor returns `P`'s view; so `P` should describe the
//! same BARE type as `describe` does, or the image and the schema disagree
//! (the schema tools read images by the schema). Layout hints (`align`,
//! `out_of_line`, `intern`) do not apply to an adapter field, and a
//! `#[derive(Layout)]` struct takes no adapters (its fields are in the
//! layout as they are in memory). A missing item is an error at the
//! attribute.
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
//!     // The layout, through the proxy `[u8; 4]` (needs `with_layout`).
//!     pub type Layout = [u8; 4];
//!     pub fn to_layout(value: &Ipv4Addr) -> [u8; 4] {
//!         value.octets()
//!     }
//!     pub fn from_layout(octets: [u8; 4]) -> Ipv4Addr {
//!         Ipv4Addr::from(octets)
//!     }
//! }
//!
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Peer {
//!     #[bare(with = "ipv4", with_layout)]
//!     address: Ipv4Addr,
//!     port: u16,
//! }
//!
//! let peer = Peer { address: Ipv4Addr::new(10, 0, 0, 1), port: 80 };
//! let bytes = barewire::to_vec(&peer);
//! assert_eq!(bytes, [10, 0, 0, 1, 80, 0]);
//! assert_eq!(barewire::from_slice::<Peer>(&bytes)?, peer);
//! assert_eq!(barewire::schema::<Peer>(), "type Peer struct {\n  address: data[4]\n  port: u16\n}\n");
//!
//! let image = barewire::to_layout(&peer);
//! let view = barewire::view::<Peer>(&image)?;
//! assert_eq!(view.address().as_array(), &[10, 0, 0, 1]);
//! assert_eq!(barewire::layout::to_owned::<Peer>(&image)?, peer);
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
