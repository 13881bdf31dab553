//! `arrayvec::ArrayVec` as a BARE `list` and `ArrayString` as `str`, of at
//! most their capacity (more is [`Error::TooManyItems`]).

use alloc::vec::Vec;

use arrayvec::{ArrayString, ArrayVec};

use super::bounded::{decode_list, decode_str};
use crate::error::Error;
use crate::schema::{Builder, Describe, Type};
use crate::wire::{Decode, Encode, MapKey, Reader};

impl<T: Encode, const CAP: usize> Encode for ArrayVec<T, CAP> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self[..].encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self[..].size_hint()
    }
}

impl<'de, T: Decode<'de>, const CAP: usize> Decode<'de> for ArrayVec<T, CAP> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let mut out = ArrayVec::new();
        // `decode_list` checked the count against the capacity.
        decode_list(r, CAP, |item| {
            let _ = out.try_push(item);
        })?;
        Ok(out)
    }
}

impl<T: Describe, const CAP: usize> Describe for ArrayVec<T, CAP> {
    fn describe(b: &mut Builder) -> Type {
        <Vec<T>>::describe(b)
    }
}

impl<const CAP: usize> Encode for ArrayString<CAP> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_str().size_hint()
    }
}

impl<'de, const CAP: usize> Decode<'de> for ArrayString<CAP> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let offset = r.position();
        let s = decode_str(r, CAP)?;
        ArrayString::from(s).map_err(|_| Error::TooManyItems {
            offset,
            count: s.len() as u64,
            limit: CAP as u64,
        })
    }
}

impl<const CAP: usize> Describe for ArrayString<CAP> {
    fn describe(b: &mut Builder) -> Type {
        str::describe(b)
    }
}

/// `str` is a BARE map key.
impl<const CAP: usize> MapKey for ArrayString<CAP> {}

/// Too many items for the capacity, in an image.
fn over_capacity(at: usize) -> Error {
    Error::InvalidLayout {
        offset: at,
        reason: "list longer than the capacity of its type",
    }
}

impl<'a, T: crate::layout::FromLayout<'a>, const CAP: usize> crate::layout::FromLayout<'a>
    for ArrayVec<T, CAP>
{
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        if crate::layout::SpanView::<T>::new(buf, at).len() > CAP {
            return Err(over_capacity(at));
        }
        let items: Vec<T> = crate::layout::impls::list_from_layout(buf, at, cx)?;
        let mut out = ArrayVec::new();
        for item in items {
            out.try_push(item).map_err(|_| over_capacity(at))?;
        }
        Ok(out)
    }
}

string_layout!(impl[const CAP: usize] ArrayString<CAP>, CAP, |s| ArrayString::from(s).ok());

#[cfg(test)]
mod tests {
    use arrayvec::{ArrayString, ArrayVec};

    #[test]
    fn bounded_lists_and_strings() {
        let v: ArrayVec<u8, 3> = ArrayVec::from([1, 2, 3]);
        let bytes = crate::to_vec(&v);
        assert_eq!(bytes, [3, 1, 2, 3]);
        assert_eq!(crate::from_slice::<ArrayVec<u8, 3>>(&bytes).unwrap(), v);
        assert!(matches!(
            crate::from_slice::<ArrayVec<u8, 2>>(&bytes),
            Err(crate::Error::TooManyItems {
                count: 3,
                limit: 2,
                ..
            })
        ));
        let s = ArrayString::<4>::from("abc").unwrap();
        let bytes = crate::to_vec(&s);
        assert_eq!(crate::from_slice::<ArrayString<4>>(&bytes).unwrap(), s);
        assert!(crate::from_slice::<ArrayString<2>>(&bytes).is_err());
        assert_eq!(
            crate::ext::type_of::<ArrayVec<ArrayString<4>, 2>>(),
            "list<str>"
        );
    }
}
