//! `bytes::Bytes` and `BytesMut` as BARE `data`. A `Bytes` decoded by
//! [`from_bytes`] (or from a [`Reader::over_bytes`]) shares the input's
//! memory; from any other input it is a copy.

use alloc::vec::Vec;

use bytes::{Bytes, BytesMut};

use crate::error::Error;
use crate::limits::Limits;
use crate::schema::{Builder, Describe, Type};
use crate::wire::{Decode, Encode, MapKey, Reader, write_uint};

impl Encode for Bytes {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self[..].encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self[..].size_hint()
    }
}

impl Encode for BytesMut {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_uint(out, self.len() as u64);
        out.extend_from_slice(self);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self[..].size_hint()
    }
}

/// Shares the input's memory when it is a `Bytes` ([`from_bytes`]), else
/// copies.
impl<'de> Decode<'de> for Bytes {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let data = r.data()?;
        Ok(r.share(data))
    }
}

impl<'de> Decode<'de> for BytesMut {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.data().map(BytesMut::from)
    }
}

impl Describe for Bytes {
    fn describe(b: &mut Builder) -> Type {
        <Vec<u8>>::describe(b)
    }
}

impl Describe for BytesMut {
    fn describe(b: &mut Builder) -> Type {
        <Vec<u8>>::describe(b)
    }
}

/// `data` is a BARE map key.
impl MapKey for Bytes {}

/// Decodes one value from the whole of `input` (feature `bytes`), with the
/// default [`Limits`]: `Bytes` fields share `input`'s memory (no copy), and
/// `&str`/`&[u8]` fields borrow from it, as for
/// [`from_slice`](crate::from_slice).
///
/// ```
/// use bytes::Bytes;
///
/// #[derive(barewire::Bare, Debug, PartialEq)]
/// struct Chunk { seq: u32, payload: Bytes }
///
/// let input = Bytes::from(barewire::to_vec(&Chunk { seq: 1, payload: Bytes::from_static(b"hello") }));
/// let chunk: Chunk = barewire::from_bytes(&input)?;
/// assert_eq!(&chunk.payload[..], b"hello");
/// assert_eq!(chunk.payload.as_ptr(), input[5..].as_ptr()); // the same memory
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn from_bytes<'de, T: Decode<'de>>(input: &'de Bytes) -> Result<T, Error> {
    let limits = Limits::DEFAULT;
    if input.len() as u64 > limits.max_size {
        return Err(Error::SizeLimit {
            size: input.len() as u64,
            limit: limits.max_size,
        });
    }
    let mut r = Reader::over_bytes(input, limits);
    let value = T::decode(&mut r)?;
    r.finish()?;
    Ok(value)
}

impl<'a> crate::layout::FromLayout<'a> for Bytes {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        <&[u8]>::from_layout(buf, at, cx).map(Bytes::copy_from_slice)
    }
}

impl<'a> crate::layout::FromLayout<'a> for BytesMut {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        <&[u8]>::from_layout(buf, at, cx).map(BytesMut::from)
    }
}

#[cfg(test)]
mod tests {
    use bytes::{Bytes, BytesMut};

    #[test]
    fn data_shared_from_bytes_copied_from_slices() {
        let value = (Bytes::from_static(b"ab"), BytesMut::from(&b"c"[..]));
        let bytes = crate::wire::to_vec(&value);
        assert_eq!(bytes, [2, b'a', b'b', 1, b'c']);
        let input = Bytes::from(bytes.clone());
        let (a, c): (Bytes, BytesMut) = crate::ext::bytes::from_bytes(&input).unwrap();
        assert_eq!((&a[..], &c[..]), (&b"ab"[..], &b"c"[..]));
        assert_eq!(a.as_ptr(), input[1..].as_ptr());
        let (a, _): (Bytes, BytesMut) = crate::wire::from_slice(&bytes).unwrap();
        assert_ne!(a.as_ptr(), bytes[1..].as_ptr());
        assert!(crate::ext::bytes::from_bytes::<Bytes>(&Bytes::from_static(&[3, 1])).is_err());
        let empty: Bytes = crate::ext::bytes::from_bytes(&Bytes::from_static(&[0])).unwrap();
        assert!(empty.is_empty());
        assert_eq!(crate::ext::type_of::<Vec<Bytes>>(), "list<data>");
    }
}
