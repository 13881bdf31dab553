//! `smallvec::SmallVec` as a BARE `list` (decoded through a `Vec`, then
//! moved inline when it fits).

use alloc::vec::Vec;

use smallvec::{Array, SmallVec};

use crate::error::Error;
use crate::schema::{Builder, Describe, Type};
use crate::wire::{Decode, Encode, Reader};

impl<A: Array> Encode for SmallVec<A>
where
    A::Item: Encode,
{
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self[..].encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self[..].size_hint()
    }
}

impl<'de, A: Array> Decode<'de> for SmallVec<A>
where
    A::Item: Decode<'de>,
{
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        Vec::<A::Item>::decode(r).map(SmallVec::from_vec)
    }
}

impl<A: Array> Describe for SmallVec<A>
where
    A::Item: Describe,
{
    fn describe(b: &mut Builder) -> Type {
        <Vec<A::Item>>::describe(b)
    }
}

impl<'a, A: Array> crate::layout::FromLayout<'a> for SmallVec<A>
where
    A::Item: crate::layout::FromLayout<'a>,
{
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        crate::layout::impls::list_from_layout(buf, at, cx).map(SmallVec::from_vec)
    }
}

#[cfg(test)]
mod tests {
    use smallvec::SmallVec;

    #[test]
    fn a_list() {
        let v: SmallVec<[u16; 2]> = SmallVec::from_slice(&[1, 2, 3]);
        let bytes = crate::to_vec(&v);
        assert_eq!(bytes, [3, 1, 0, 2, 0, 3, 0]);
        assert_eq!(crate::from_slice::<SmallVec<[u16; 2]>>(&bytes).unwrap(), v);
        assert_eq!(crate::ext::type_of::<SmallVec<[u16; 2]>>(), "list<u16>");
    }
}
