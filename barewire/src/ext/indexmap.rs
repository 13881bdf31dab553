//! `indexmap::IndexMap` as a BARE map: entries in **insertion order** on the
//! wire (and read back in wire order), so the bytes follow the map's order,
//! not the keys'. A repeated key is an error.

use alloc::vec::Vec;
use core::hash::{BuildHasher, Hash};

use indexmap::IndexMap;

use crate::error::Error;
use crate::schema::{Builder, Describe, Type};
use crate::wire::impls::{decode_map, encode_map};
use crate::wire::{Decode, Encode, MapKey, Reader};

impl<K: Encode + MapKey, V: Encode, S> Encode for IndexMap<K, V, S> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        encode_map(self.len(), self.iter(), out);
    }
}

impl<'de, K, V, S> Decode<'de> for IndexMap<K, V, S>
where
    K: Decode<'de> + MapKey + Eq + Hash,
    V: Decode<'de>,
    S: BuildHasher + Default,
{
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let mut map = IndexMap::with_hasher(S::default());
        decode_map(r, |k, v| map.insert(k, v).is_none())?;
        Ok(map)
    }
}

impl<K: Describe, V: Describe, S> Describe for IndexMap<K, V, S> {
    fn describe(b: &mut Builder) -> Type {
        let k = K::describe(b);
        Type::Map(
            alloc::boxed::Box::new(k),
            alloc::boxed::Box::new(V::describe(b)),
        )
    }
}

impl<'a, K, V, S> crate::layout::FromLayout<'a> for IndexMap<K, V, S>
where
    K: crate::layout::FromLayout<'a> + crate::layout::LayoutKey + Eq + Hash,
    V: crate::layout::FromLayout<'a>,
    S: BuildHasher + Default,
{
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut crate::layout::Check) -> Result<Self, Error> {
        let mut map = IndexMap::with_hasher(S::default());
        crate::layout::map::map_from_layout(buf, at, cx, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use std::hash::RandomState;

    #[test]
    fn insertion_order_on_the_wire() {
        let mut map: IndexMap<u8, u8, RandomState> = IndexMap::default();
        map.insert(9, 1);
        map.insert(2, 3);
        let bytes = crate::to_vec(&map);
        assert_eq!(bytes, [2, 9, 1, 2, 3]);
        let back: IndexMap<u8, u8, RandomState> = crate::from_slice(&bytes).unwrap();
        assert_eq!(back.keys().copied().collect::<Vec<_>>(), [9, 2]);
        assert!(matches!(
            crate::from_slice::<IndexMap<u8, u8, RandomState>>(&[2, 1, 1, 1, 2]),
            Err(crate::Error::DuplicateMapKey { offset: 3 })
        ));
        assert_eq!(
            crate::ext::type_of::<IndexMap<String, u8, RandomState>>(),
            "map<str><u8>"
        );
    }
}
