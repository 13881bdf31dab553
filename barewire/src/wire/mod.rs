//! The BARE wire codec: the published BARE message encoding.
//!
//! [`Encode`] writes a value's BARE bytes, [`Decode`] reads them back,
//! strictly: every non-canonical or malformed input is an [`Error`] that says
//! what went wrong and at which byte. `&str` and `&[u8]` decode without a
//! copy: they point into the input.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! let mut map = BTreeMap::new();
//! map.insert("answer".to_string(), 42u8);
//! let bytes = barewire::to_vec(&(map.clone(), barewire::Uint(300)));
//! assert_eq!(bytes, [1, 6, b'a', b'n', b's', b'w', b'e', b'r', 42, 0xac, 0x02]);
//! let back: (BTreeMap<String, u8>, barewire::Uint) = barewire::from_slice(&bytes)?;
//! assert_eq!(back, (map, barewire::Uint(300)));
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! The exact bytes of every type, the canonical rules and the limits are in
//! `docs/format.md`.

pub(crate) mod impls;
mod reader;
pub(crate) mod reserve;
mod stream;
mod varint;

use alloc::vec::Vec;

pub use crate::limits::Limits;
pub use impls::MapKey;
pub use reader::Reader;
#[cfg(feature = "std")]
pub use stream::IoDecoder;
pub use stream::SliceDecoder;
pub use varint::{Int, Uint};

use crate::error::Error;
use crate::plain::{FromWire, IntoWire, Plain};

/// A type with a BARE wire encoding.
///
/// Implemented for the std types of the BARE type mapping and by
/// `#[derive(Bare)]`. Encoding cannot fail: every value of the Rust type has
/// a BARE encoding.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no BARE encoding",
    label = "`{Self}` does not implement `barewire::Encode`",
    note = "derive it with `#[derive(barewire::Bare)]`, or use a type of the BARE type mapping (see the `barewire` docs)"
)]
pub trait Encode {
    /// Appends this value's BARE bytes to `out`.
    fn encode(&self, out: &mut Vec<u8>);

    /// Whether this type's memory is exactly its wire bytes, so that lists
    /// of it encode as one bulk copy. Leave the default ([`Plain::NO`]):
    /// saying plain takes `unsafe` (see [`crate::plain`]), and
    /// `#[derive(Bare)]` says it where it can prove it.
    const PLAIN: Plain<Self, IntoWire> = Plain::NO;

    /// Appends the BARE bytes of every item of `items`, one after another
    /// (the body of a list, without its length).
    #[inline]
    fn encode_items(items: &[Self], out: &mut Vec<u8>)
    where
        Self: Sized,
    {
        if let Some(bytes) = Self::PLAIN.bytes_of(items) {
            out.extend_from_slice(bytes);
        } else {
            for item in items {
                item.encode(out);
            }
        }
    }

    /// A cheap guess of the encoded size, used to reserve output space.
    #[inline]
    fn size_hint(&self) -> usize {
        0
    }
}

/// A type that decodes from BARE bytes borrowed for `'de`.
///
/// `'de` is the lifetime of the input: `&'de str` and `&'de [u8]` point into
/// it without a copy. Owned types implement `Decode<'de>` for every `'de`;
/// see [`DecodeOwned`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be decoded from BARE bytes",
    label = "`{Self}` does not implement `barewire::Decode`",
    note = "derive it with `#[derive(barewire::Bare)]`, or use a type of the BARE type mapping (see the `barewire` docs)"
)]
pub trait Decode<'de>: Sized {
    /// Reads one value from `r`, advancing it past the value.
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error>;

    /// The fewest wire bytes any value of this type takes (0 for `void`).
    /// Used to bound how many items a length prefix may claim.
    const MIN_SIZE: usize = 1;

    /// Whether every `size_of::<Self>()` bytes are a valid value whose memory
    /// is exactly its wire bytes, so that lists of it decode as one bulk
    /// copy. Leave the default ([`Plain::NO`]): saying plain takes `unsafe`
    /// (see [`crate::plain`]), and `#[derive(Bare)]` says it where it can
    /// prove it.
    const PLAIN: Plain<Self, FromWire> = Plain::NO;

    /// Reads `count` items, one after another, appending them to `out`.
    ///
    /// The caller has checked `count` against the remaining input.
    #[inline]
    fn decode_items(r: &mut Reader<'de>, count: usize, out: &mut Vec<Self>) -> Result<(), Error> {
        if <Self as Decode<'de>>::PLAIN.is_plain() {
            let size = core::mem::size_of::<Self>();
            let start = r.position();
            let bytes = r.take(count.saturating_mul(size) as u64)?;
            if <Self as Decode<'de>>::PLAIN.extend_from_bytes(out, bytes) {
                Ok(())
            } else {
                Err(Error::UnexpectedEnd {
                    offset: start,
                    needed: (count as u64).saturating_mul(size as u64),
                    available: bytes.len(),
                })
            }
        } else {
            for _ in 0..count {
                out.push(Self::decode(r)?);
            }
            Ok(())
        }
    }
}

/// A type that decodes without borrowing from the input.
///
/// Blanket-implemented for every `T: for<'de> Decode<'de>`; this is the bound
/// for decoders that reuse their buffer, such as [`IoDecoder`].
pub trait DecodeOwned: for<'de> Decode<'de> {}
impl<T> DecodeOwned for T where T: for<'de> Decode<'de> {}

/// Encodes `value` into a new vector of BARE bytes.
///
/// ```
/// assert_eq!(barewire::to_vec(&5u8), [0x05]);
/// assert_eq!(barewire::to_vec("bare"), [4, b'b', b'a', b'r', b'e']);
/// ```
#[inline]
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.size_hint());
    value.encode(&mut out);
    out
}

/// Appends the BARE bytes of `value` to `out`, reusing its allocation.
///
/// Several calls in a row write concatenated messages, which a
/// [`SliceDecoder`] reads back one at a time.
///
/// ```
/// let mut buf = Vec::new();
/// barewire::encode_into(&1u16, &mut buf);
/// barewire::encode_into(&true, &mut buf);
/// assert_eq!(buf, [1, 0, 1]);
/// ```
#[inline]
pub fn encode_into<T: Encode + ?Sized>(value: &T, out: &mut Vec<u8>) {
    out.reserve(value.size_hint());
    value.encode(out);
}

/// Decodes one value from the whole of `bytes`, with the default [`Limits`].
///
/// Strict: trailing bytes after the value are an error, as is any
/// non-canonical or malformed input.
///
/// ```
/// let v: Vec<u16> = barewire::from_slice(&[2, 1, 0, 0xff, 0xff])?;
/// assert_eq!(v, [1, 0xffff]);
/// assert!(matches!(
///     barewire::from_slice::<u8>(&[1, 2]),
///     Err(barewire::Error::TrailingBytes { offset: 1, remaining: 1 })
/// ));
/// # Ok::<(), barewire::Error>(())
/// ```
#[inline]
#[track_caller]
pub fn from_slice<'de, T: Decode<'de>>(bytes: &'de [u8]) -> Result<T, Error> {
    from_slice_with(bytes, Limits::DEFAULT)
}

/// Decodes one value from the whole of `bytes` under the given [`Limits`].
///
/// ```
/// use barewire::Limits;
/// let nested: Vec<Vec<u8>> = vec![vec![1, 2], vec![3]];
/// let bytes = barewire::to_vec(&nested);
/// let tight = Limits::DEFAULT.with_max_depth(1);
/// assert!(matches!(
///     barewire::from_slice_with::<Vec<Vec<u8>>>(&bytes, tight),
///     Err(barewire::Error::DepthLimit { limit: 1, .. })
/// ));
/// assert_eq!(barewire::from_slice_with::<Vec<Vec<u8>>>(&bytes, Limits::DEFAULT)?, nested);
/// # Ok::<(), barewire::Error>(())
/// ```
#[track_caller]
pub fn from_slice_with<'de, T: Decode<'de>>(bytes: &'de [u8], limits: Limits) -> Result<T, Error> {
    crate::site::decoding(|| decode_whole(bytes, limits))
}

/// [`from_slice_with`] without recording its call site.
fn decode_whole<'de, T: Decode<'de>>(bytes: &'de [u8], limits: Limits) -> Result<T, Error> {
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::SizeLimit {
            size: bytes.len() as u64,
            limit: limits.max_size,
        });
    }
    let mut r = Reader::with_limits(bytes, limits);
    let value = T::decode(&mut r)?;
    r.finish()?;
    Ok(value)
}

pub(crate) use varint::write_uint;
