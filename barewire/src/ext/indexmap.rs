//! `indexmap::IndexMap` as a BARE map: entries in **insertion order** on the
//! wire (and read back in wire order), so the bytes follow the map's order,
//! not the keys'. A repeated key is an error.

use indexmap::IndexMap;

hashed_map!(IndexMap);

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
