//! `hashbrown::HashMap` as a BARE map: entries in the map's iteration order
//! on the wire, like `std::collections::HashMap` (two equal maps may give
//! different bytes; collect into a `BTreeMap` for sorted, canonical bytes).
//! A repeated key is an error.

use hashbrown::HashMap;

hashed_map!(HashMap);

#[cfg(test)]
mod tests {
    use hashbrown::HashMap;
    use std::hash::RandomState;

    #[test]
    fn a_map_of_pairs() {
        let mut map: HashMap<u8, u8, RandomState> = HashMap::default();
        map.insert(9, 1);
        let bytes = crate::to_vec(&map);
        assert_eq!(bytes, [1, 9, 1]);
        let back: HashMap<u8, u8, RandomState> = crate::from_slice(&bytes).unwrap();
        assert_eq!(back, map);
        assert!(matches!(
            crate::from_slice::<HashMap<u8, u8, RandomState>>(&[2, 1, 1, 1, 2]),
            Err(crate::Error::DuplicateMapKey { offset: 3 })
        ));
        assert_eq!(
            crate::ext::type_of::<HashMap<String, u8, RandomState>>(),
            "map<str><u8>"
        );
    }
}
