//! Types of common crates as fields of derived types: wire codec, schema and
//! layout (features `uuid`, `bytes`, `smallvec`, `arrayvec`, `indexmap`,
//! `hashbrown`, `heapless`).
#![cfg(all(
    feature = "uuid",
    feature = "bytes",
    feature = "smallvec",
    feature = "arrayvec",
    feature = "indexmap",
    feature = "hashbrown",
    feature = "heapless"
))]

use std::hash::RandomState;

use barewire::Bare;
use bytes::Bytes;

#[derive(Bare, Debug, PartialEq)]
struct Everything {
    id: uuid::Uuid,
    payload: Bytes,
    small: smallvec::SmallVec<[u32; 2]>,
    bounded: arrayvec::ArrayVec<u16, 4>,
    label: arrayvec::ArrayString<8>,
    ordered: indexmap::IndexMap<String, u8, RandomState>,
    hashed: hashbrown::HashMap<u8, bool, RandomState>,
    fixed: heapless::Vec<u8, 3>,
    name: heapless::String<5>,
}

fn sample() -> Everything {
    let mut ordered = indexmap::IndexMap::default();
    ordered.insert("z".to_string(), 1);
    ordered.insert("a".to_string(), 2);
    let mut hashed = hashbrown::HashMap::default();
    hashed.insert(7, true);
    Everything {
        id: uuid::Uuid::from_u128(42),
        payload: Bytes::from_static(b"payload"),
        small: smallvec::SmallVec::from_slice(&[1, 2, 3]),
        bounded: [5u16, 6].into_iter().collect(),
        label: arrayvec::ArrayString::from("label").unwrap(),
        ordered,
        hashed,
        fixed: heapless::Vec::from_slice(&[1, 2]).unwrap(),
        name: heapless::String::try_from("bare").unwrap(),
    }
}

#[test]
fn wire_layout_and_schema() {
    let value = sample();
    let bytes = barewire::to_vec(&value);
    assert_eq!(barewire::from_slice::<Everything>(&bytes).unwrap(), value);
    let shared = Bytes::from(bytes.clone());
    let back: Everything = barewire::from_bytes(&shared).unwrap();
    assert_eq!(back, value);
    assert!(shared.as_ptr_range().contains(&back.payload.as_ptr()));

    let image = barewire::to_layout(&value);
    assert_eq!(
        barewire::layout::to_owned::<Everything>(&image).unwrap(),
        value
    );
    let view = barewire::view::<Everything>(&image).unwrap();
    assert_eq!(view.id(), value.id);
    assert_eq!(view.name().as_str().unwrap(), "bare");
    assert_eq!(view.small().len(), 3);

    let schema = barewire::schema::<Everything>();
    assert!(schema.contains("id: data[16]"), "{schema}");
    assert!(schema.contains("payload: data"), "{schema}");
    assert!(schema.contains("ordered: map<str><u8>"), "{schema}");
    assert!(schema.contains("fixed: data"), "{schema}");

    // Every truncation and one-byte corruption: an error or a value.
    for cut in 0..bytes.len() {
        assert!(barewire::from_slice::<Everything>(&bytes[..cut]).is_err());
    }
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0xff;
        let _ = barewire::from_slice::<Everything>(&bad);
    }
}
