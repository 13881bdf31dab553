//! `#[bare(capacity = N)]`: the decoded list, string or map has room for `N`
//! items up front; the bytes, the schema and the layout do not change.

use std::collections::HashMap;

use barewire::Bare;
use barewire::layout::LayoutTable;

#[derive(Bare, Debug, Clone, PartialEq)]
struct Hinted {
    #[bare(capacity = 32)]
    items: Vec<u16>,
    #[bare(capacity = 100)]
    name: String,
    #[bare(capacity = 16)]
    tags: Option<Vec<String>>,
    #[bare(capacity = 64)]
    index: HashMap<u32, u8>,
    plain: Vec<u16>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(rename = "Hinted")]
struct Twin {
    items: Vec<u16>,
    name: String,
    tags: Option<Vec<String>>,
    index: HashMap<u32, u8>,
    plain: Vec<u16>,
}

fn sample() -> Hinted {
    Hinted {
        items: vec![1, 2, 3],
        name: "ab".into(),
        tags: Some(vec!["x".into()]),
        index: [(7, 1)].into_iter().collect(),
        plain: vec![4, 5],
    }
}

fn twin(h: &Hinted) -> Twin {
    Twin {
        items: h.items.clone(),
        name: h.name.clone(),
        tags: h.tags.clone(),
        index: h.index.clone(),
        plain: h.plain.clone(),
    }
}

#[test]
fn decoded_fields_have_room_for_the_hinted_items() {
    let value = sample();
    let bytes = barewire::to_vec(&value);
    let back: Hinted = barewire::from_slice(&bytes).unwrap();
    assert_eq!(back, value);
    assert!(back.items.capacity() >= 32, "{}", back.items.capacity());
    assert!(back.name.capacity() >= 100, "{}", back.name.capacity());
    assert!(back.tags.as_ref().unwrap().capacity() >= 16);
    assert!(back.index.capacity() >= 64, "{}", back.index.capacity());
    // An unhinted field gets what the message holds.
    assert!(back.plain.capacity() < 32);
    // Longer than the hint: everything is decoded.
    let long = Hinted {
        items: (0..1000).collect(),
        ..value
    };
    let back: Hinted = barewire::from_slice(&barewire::to_vec(&long)).unwrap();
    assert_eq!(back.items.len(), 1000);
}

#[test]
fn the_hint_changes_neither_bytes_nor_schema_nor_layout() {
    let value = sample();
    let twin = twin(&value);
    assert_eq!(barewire::to_vec(&value), barewire::to_vec(&twin));
    assert_eq!(barewire::schema::<Hinted>(), barewire::schema::<Twin>());
    assert_eq!(
        barewire::to_layout(&value)[..],
        barewire::to_layout(&twin)[..]
    );
    let table = LayoutTable::of::<Hinted>();
    let hints: Vec<&str> = table.fields.iter().map(|f| f.hints).collect();
    assert_eq!(
        hints,
        [
            "capacity=32",
            "capacity=100",
            "capacity=16",
            "capacity=64",
            ""
        ]
    );
    // Only the table shows it: the offsets are the twin's.
    let offsets = |t: LayoutTable| t.fields.iter().map(|f| f.offset).collect::<Vec<_>>();
    assert_eq!(offsets(table), offsets(LayoutTable::of::<Twin>()));
}

#[test]
fn hostile_lengths_are_bounded_as_without_the_hint() {
    // A list claiming a billion items in a few bytes is an error, and the
    // reservation is the hint's, not the claim's.
    let mut bytes = barewire::to_vec(&sample());
    bytes[0] = 0xff;
    bytes.splice(1..1, [0xff, 0xff, 0x03]);
    assert!(barewire::from_slice::<Hinted>(&bytes).is_err());
}
