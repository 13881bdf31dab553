//! One rule for map keys, shared by the codec, the layout and the schema
//! checker: any primitive type except `f32`, `f64` and `void` (`data` and
//! `data[N]` included), or an enum.

use std::collections::BTreeMap;

use barewire::Error;

#[test]
fn data_keys_round_trip_on_the_wire_and_in_place() {
    let map = BTreeMap::from([
        (b"beta".to_vec(), 2u32),
        (b"alpha".to_vec(), 1),
        (Vec::new(), 0),
        (b"a longer key than eight bytes".to_vec(), 3),
    ]);
    let bytes = barewire::to_vec(&map);
    assert_eq!(
        barewire::from_slice::<BTreeMap<Vec<u8>, u32>>(&bytes).unwrap(),
        map
    );
    let borrowed: BTreeMap<&[u8], u32> = barewire::from_slice(&bytes).unwrap();
    assert_eq!(borrowed[&b"beta"[..]], 2);
    // A repeated key is an error: a map is encoded as a count and pairs,
    // so a list of two pairs with the same key has the bytes of such a map.
    let dup = barewire::to_vec(&vec![(b"x".to_vec(), 1u32), (b"x".to_vec(), 2u32)]);
    assert!(matches!(
        barewire::from_slice::<BTreeMap<Vec<u8>, u32>>(&dup),
        Err(Error::DuplicateMapKey { .. })
    ));

    let image = barewire::to_layout(&map);
    let view = barewire::view::<BTreeMap<Vec<u8>, u32>>(&image).unwrap();
    assert_eq!(view.len(), 4);
    assert_eq!(view.get(&b"alpha"[..]), Some(1));
    assert_eq!(view.get(&b"a longer key than eight bytes"[..]), Some(3));
    assert_eq!(view.get(&b""[..]), Some(0));
    assert_eq!(view.get(&b"gamma"[..]), None);
    assert_eq!(
        barewire::layout::to_owned::<BTreeMap<Vec<u8>, u32>>(&image).unwrap(),
        map
    );
}

#[test]
fn fixed_data_keys_round_trip() {
    let map = BTreeMap::from([([9u8, 9], "x".to_string()), ([0, 1], "y".to_string())]);
    let bytes = barewire::to_vec(&map);
    assert_eq!(bytes, [2, 0, 1, 1, b'y', 9, 9, 1, b'x']);
    assert_eq!(
        barewire::from_slice::<BTreeMap<[u8; 2], String>>(&bytes).unwrap(),
        map
    );
    let image = barewire::to_layout(&map);
    let view = barewire::view::<BTreeMap<[u8; 2], String>>(&image).unwrap();
    assert_eq!(view.get(&[9, 9]).unwrap().as_str().unwrap(), "x");
}

#[test]
fn the_schema_checker_accepts_the_same_keys() {
    for key in ["data", "data[4]", "str", "uint", "int", "bool", "u8", "i64"] {
        let text = format!("type M map<{key}><u8>\n");
        assert!(barewire::schema::parse(&text).is_ok(), "{key} rejected");
    }
    for key in ["f32", "f64", "void"] {
        let text = format!("type M map<{key}><u8>\n");
        assert!(barewire::schema::parse(&text).is_err(), "{key} accepted");
    }
}
