//! Property tests of the layout: any value round-trips through `to_layout`,
//! `view` and back; damaged or arbitrary bytes give `Ok` or `Err`, never a
//! panic, and a view that checks out can be read in full.

use std::collections::BTreeMap;

use barewire::layout::{self, LayoutBuf};
use barewire::{Bare, Int, Uint};
use proptest::prelude::*;

mod fixtures;
use fixtures::{Item, Kind};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Record {
    id: Uint,
    delta: Int,
    flag: bool,
    kind: Kind,
    name: String,
    bytes: Vec<u8>,
    floats: Vec<f64>,
    fixed: [u16; 3],
    maybe: Option<u32>,
    items: Vec<Item>,
    map: BTreeMap<String, Kind>,
    next: Option<Box<Record>>,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::A), Just(Kind::B), Just(Kind::C)]
}

fn item() -> impl Strategy<Value = Item> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Item::Number),
        ".{0,20}".prop_map(Item::Text),
        Just(Item::Nothing),
    ];
    leaf.prop_recursive(3, 8, 2, |inner| {
        (any::<u8>(), proptest::option::of(inner.prop_map(Box::new)))
            .prop_map(|(left, right)| Item::Pair { left, right })
    })
}

fn record_leaf() -> impl Strategy<Value = Record> {
    (
        (any::<u64>(), any::<i64>(), any::<bool>(), kind(), ".{0,24}"),
        (
            proptest::collection::vec(any::<u8>(), 0..20),
            proptest::collection::vec(any::<f64>(), 0..5),
            any::<[u16; 3]>(),
            proptest::option::of(any::<u32>()),
            proptest::collection::vec(item(), 0..4),
            proptest::collection::btree_map(".{0,12}", kind(), 0..4),
        ),
    )
        .prop_map(
            |((id, delta, flag, kind, name), (bytes, floats, fixed, maybe, items, map))| Record {
                id: Uint(id),
                delta: Int(delta),
                flag,
                kind,
                name,
                bytes,
                floats,
                fixed,
                maybe,
                items,
                map,
                next: None,
            },
        )
}

fn record() -> impl Strategy<Value = Record> {
    (record_leaf(), proptest::option::of(record_leaf())).prop_map(|(mut r, next)| {
        r.next = next.map(Box::new);
        r
    })
}

/// Reads every part of a checked view, as a user would.
fn read_all(view: &RecordLayout<&[u8]>) {
    let _ = (view.id(), view.delta(), view.flag(), view.kind());
    let _ = view.name().as_str();
    let _ = view.bytes().as_bytes();
    let _: f64 = view.floats().iter().sum();
    let _ = view.fixed().iter().count();
    let _ = view.maybe();
    for item in view.items().iter() {
        let _ = (
            item.tag(),
            item.as_number(),
            item.as_text().map(|t| t.as_str().is_ok()),
            item.is_nothing(),
        );
        if let Some((_, right)) = item.as_pair() {
            let _ = right.map(|r| r.tag());
        }
    }
    for (k, v) in view.map().iter() {
        let _ = (k.as_str(), v);
    }
    let _ = view.map().get("key");
    if let Some(next) = view.next() {
        let _ = next.name().as_str();
        let _ = format!("{next:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]

    #[test]
    fn any_value_round_trips(value in record()) {
        let image = barewire::to_layout(&value);
        let view = barewire::view::<Record>(&image).unwrap();
        prop_assert_eq!(view.id(), value.id);
        prop_assert_eq!(view.name().as_str().unwrap(), value.name.as_str());
        prop_assert_eq!(view.floats().iter().map(f64::to_bits).collect::<Vec<_>>(),
            value.floats.iter().map(|f| f.to_bits()).collect::<Vec<_>>());
        prop_assert_eq!(view.map().len(), value.map.len());
        for (k, v) in &value.map {
            prop_assert_eq!(view.map().get(k.as_str()), Some(*v));
        }
        read_all(&view);
        let back: Record = layout::to_owned(&image).unwrap();
        // NaN != NaN: compare through the wire bytes, which keep every bit.
        prop_assert_eq!(barewire::to_vec(&back), barewire::to_vec(&value));
        layout::check_full::<Record>(&image).unwrap();
    }

    #[test]
    fn damaged_images_never_panic(value in record(), index in any::<prop::sample::Index>(), xor in 1u8..) {
        let image = barewire::to_layout(&value);
        let mut bad = image.clone();
        let i = index.index(bad.len());
        bad[i] ^= xor;
        if let Ok(view) = barewire::view::<Record>(&bad) {
            read_all(&view);
        }
        let _ = layout::to_owned::<Record>(&bad);
        let cut = LayoutBuf::from_bytes(&image[..i]);
        if let Ok(view) = barewire::view::<Record>(&cut) {
            read_all(&view);
        }
    }

    #[test]
    fn arbitrary_bytes_at_any_alignment_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), shift in 0usize..16) {
        let mut buf = LayoutBuf::zeroed(bytes.len() + shift);
        buf[shift..].copy_from_slice(&bytes);
        let slice = &buf[shift..];
        if let Ok(view) = barewire::view::<Record>(slice) {
            read_all(&view);
        }
        let _ = layout::to_owned::<Record>(slice);
        let _ = barewire::view::<Vec<Item>>(slice).map(|v| v.iter().map(|i| i.tag()).sum::<u64>());
        let _ = layout::to_owned::<BTreeMap<String, Vec<String>>>(slice);
    }
}
