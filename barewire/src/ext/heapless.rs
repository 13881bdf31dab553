//! `heapless::Vec` as a BARE `list` and `heapless::String` as `str`, of at
//! most their capacity (more is [`Error::TooManyItems`]). They need no
//! allocator of their own; barewire's encoder still writes to an
//! `alloc::vec::Vec<u8>`, so the core needs `alloc` (a build without it is
//! not available yet).

use heapless::{String, Vec};

use super::bounded::{decode_list, decode_str};
use crate::error::Error;
use crate::schema::{Builder, Describe, Type};
use crate::wire::{Decode, Encode, MapKey, Reader};

impl<T: Encode, const N: usize> Encode for Vec<T, N> {
    #[inline]
    fn encode(&self, out: &mut alloc::vec::Vec<u8>) {
        self[..].encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self[..].size_hint()
    }
}

impl<'de, T: Decode<'de>, const N: usize> Decode<'de> for Vec<T, N> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let mut out = Vec::new();
        // `decode_list` checked the count against the capacity.
        decode_list(r, N, |item| {
            let _ = out.push(item);
        })?;
        Ok(out)
    }
}

impl<T: Describe, const N: usize> Describe for Vec<T, N> {
    fn describe(b: &mut Builder) -> Type {
        <alloc::vec::Vec<T>>::describe(b)
    }
}

impl<const N: usize> Encode for String<N> {
    #[inline]
    fn encode(&self, out: &mut alloc::vec::Vec<u8>) {
        self.as_str().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_str().size_hint()
    }
}

impl<'de, const N: usize> Decode<'de> for String<N> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let offset = r.position();
        let s = decode_str(r, N)?;
        let mut out = String::new();
        out.push_str(s).map_err(|()| Error::TooManyItems {
            offset,
            count: s.len() as u64,
            limit: N as u64,
        })?;
        Ok(out)
    }
}

impl<const N: usize> Describe for String<N> {
    fn describe(b: &mut Builder) -> Type {
        str::describe(b)
    }
}

/// `str` is a BARE map key.
impl<const N: usize> MapKey for String<N> {}

/// Too many items for the capacity, in an image.
fn over_capacity(at: usize) -> Error {
    Error::InvalidLayout {
        offset: at,
        reason: "list longer than the capacity of its type",
    }
}

impl<'a, T: crate::layout::FromLayout<'a>, const N: usize> crate::layout::FromLayout<'a>
    for Vec<T, N>
{
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        if crate::layout::SpanView::<T>::new(buf, at).len() > N {
            return Err(over_capacity(at));
        }
        let items: alloc::vec::Vec<T> = crate::layout::impls::list_from_layout(buf, at, cx)?;
        let mut out = Vec::new();
        for item in items {
            out.push(item).map_err(|_| over_capacity(at))?;
        }
        Ok(out)
    }
}

string_layout!(impl[const N: usize] String<N>, N, |s| {
    let mut out = String::new();
    out.push_str(s).ok().map(|()| out)
});

#[cfg(test)]
mod tests {
    use heapless::{String, Vec};

    #[test]
    fn fixed_capacity_lists_and_strings() {
        let mut v: Vec<u16, 4> = Vec::new();
        v.extend_from_slice(&[1, 2]).unwrap();
        let bytes = crate::to_vec(&v);
        assert_eq!(bytes, [2, 1, 0, 2, 0]);
        assert_eq!(crate::from_slice::<Vec<u16, 4>>(&bytes).unwrap(), v);
        assert!(crate::from_slice::<Vec<u16, 1>>(&bytes).is_err());
        let s: String<8> = String::try_from("héllo").unwrap();
        let bytes = crate::to_vec(&s);
        assert_eq!(crate::from_slice::<String<8>>(&bytes).unwrap(), s);
        assert!(matches!(
            crate::from_slice::<String<3>>(&bytes),
            Err(crate::Error::TooManyItems { limit: 3, .. })
        ));
        assert_eq!(crate::ext::type_of::<Vec<String<8>, 2>>(), "list<str>");
    }
}
