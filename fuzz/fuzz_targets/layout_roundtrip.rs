//! Any value survives the layout: `to_layout`, then `view` (and
//! `check_full`) accept the image, every accessor reads back the value, and
//! `to_owned` rebuilds an equal value (compared through the wire bytes, which
//! keep every bit of NaNs). Values come from `arbitrary` on a mirror of the
//! fuzz types, or from the fuzz bytes through barewire's own wire decoder.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use barewire::layout;
use barewire::{Int, Uint};
use barewire_fuzz::{Canon, Item, Kind, Rich, bytes_of, read_rich};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum ArbKind {
    A,
    B,
    C,
}

#[derive(Arbitrary, Debug)]
enum ArbItem {
    Number(i64),
    Text(String),
    Pair {
        left: u8,
        right: Option<Box<ArbItem>>,
    },
    Nothing,
    Floats(Vec<f32>),
}

#[derive(Arbitrary, Debug)]
struct ArbCanon {
    id: u64,
    delta: i64,
    flag: bool,
    kind: ArbKind,
    small: i8,
    short: i16,
    word: u32,
    wide: u64,
    ratio: f32,
    name: String,
    bytes: Vec<u8>,
    floats: Vec<f64>,
    fixed: [u16; 3],
    tag: [u8; 4],
    maybe: Option<u32>,
    items: Vec<ArbItem>,
    nested: Vec<Vec<i16>>,
    next: Option<Box<ArbCanon>>,
}

#[derive(Arbitrary, Debug)]
struct ArbRich {
    head: ArbCanon,
    map: BTreeMap<String, ArbKind>,
    counts: Vec<(ArbKind, u64)>,
    by_id: BTreeMap<u16, Option<String>>,
    next: Option<Box<ArbRich>>,
}

fn kind(k: ArbKind) -> Kind {
    match k {
        ArbKind::A => Kind::A,
        ArbKind::B => Kind::B,
        ArbKind::C => Kind::C,
    }
}

fn item(i: ArbItem) -> Item {
    match i {
        ArbItem::Number(n) => Item::Number(n),
        ArbItem::Text(s) => Item::Text(s),
        ArbItem::Pair { left, right } => Item::Pair {
            left,
            right: right.map(|r| Box::new(item(*r))),
        },
        ArbItem::Nothing => Item::Nothing,
        ArbItem::Floats(f) => Item::Floats(f),
    }
}

fn canon(c: ArbCanon) -> Canon {
    Canon {
        id: Uint(c.id),
        delta: Int(c.delta),
        flag: c.flag,
        kind: kind(c.kind),
        small: c.small,
        short: c.short,
        word: c.word,
        wide: c.wide,
        ratio: c.ratio,
        name: c.name,
        bytes: c.bytes,
        floats: c.floats,
        fixed: c.fixed,
        tag: c.tag,
        maybe: c.maybe,
        items: c.items.into_iter().map(item).collect(),
        nested: c.nested,
        unit: (),
        next: c.next.map(|n| Box::new(canon(*n))),
    }
}

fn rich(r: ArbRich) -> Rich {
    Rich {
        head: canon(r.head),
        map: r.map.into_iter().map(|(k, v)| (k, kind(v))).collect(),
        counts: r
            .counts
            .into_iter()
            .map(|(k, v)| (kind(k), Uint(v)))
            .collect(),
        by_id: r.by_id,
        next: r.next.map(|n| Box::new(rich(*n))),
    }
}

/// Compares a checked view with the value it was written from.
fn compare(view: &barewire_fuzz::RichLayout<&[u8]>, value: &Rich) {
    let head = view.head();
    let c = &value.head;
    assert_eq!(head.id(), c.id);
    assert_eq!(head.delta(), c.delta);
    assert_eq!(head.flag(), c.flag);
    assert_eq!(head.kind(), c.kind);
    assert_eq!(
        (head.small(), head.short(), head.word(), head.wide()),
        (c.small, c.short, c.word, c.wide)
    );
    assert_eq!(head.ratio().to_bits(), c.ratio.to_bits());
    assert_eq!(head.name().as_str().unwrap(), c.name);
    assert_eq!(head.bytes().as_bytes(), &c.bytes[..]);
    let floats: Vec<u64> = head.floats().iter().map(f64::to_bits).collect();
    assert_eq!(
        floats,
        c.floats.iter().map(|f| f.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(head.fixed().iter().collect::<Vec<_>>(), c.fixed);
    assert_eq!(head.tag().as_array(), &c.tag);
    assert_eq!(head.maybe(), c.maybe);
    assert_eq!(head.items().len(), c.items.len());
    for (v, i) in head.items().iter().zip(&c.items) {
        match i {
            Item::Number(n) => assert_eq!(v.as_number(), Some(*n)),
            Item::Text(s) => assert_eq!(v.as_text().unwrap().as_str().unwrap(), s),
            Item::Pair { left, right } => {
                let (l, r) = v.as_pair().unwrap();
                assert_eq!(l, *left);
                assert_eq!(r.is_some(), right.is_some());
            }
            Item::Nothing => assert!(v.is_nothing()),
            Item::Floats(f) => assert_eq!(v.as_floats().unwrap().len(), f.len()),
        }
    }
    let nested: Vec<Vec<i16>> = head.nested().iter().map(|l| l.iter().collect()).collect();
    assert_eq!(nested, c.nested);
    assert_eq!(head.next().is_some(), c.next.is_some());
    assert_eq!(view.map().len(), value.map.len());
    for (k, v) in &value.map {
        assert_eq!(view.map().get(k.as_str()), Some(*v));
    }
    for (k, v) in &value.counts {
        assert_eq!(view.counts().get(k), Some(*v));
    }
    for (k, v) in &value.by_id {
        let got = view.by_id().get(k).expect("key present");
        assert_eq!(got.map(|s| s.as_str().unwrap().to_string()), v.clone());
    }
    let keys: Vec<u16> = view.by_id().iter().map(|(k, _)| k).collect();
    assert_eq!(keys, value.by_id.keys().copied().collect::<Vec<_>>());
    assert_eq!(view.next().is_some(), value.next.is_some());
}

fn round_trip(value: &Rich) {
    let image = barewire::to_layout(value);
    let view = barewire::view::<Rich>(&image).expect("a written image views");
    compare(&view, value);
    read_rich(&view, 0);
    layout::check_full::<Rich>(&image).expect("a written image passes check_full");
    let back: Rich = layout::to_owned(&image).expect("a written image rebuilds");
    assert_eq!(bytes_of(&back), bytes_of(value));
    // Position independence: the same bytes elsewhere (still aligned).
    let copy = layout::LayoutBuf::from_bytes(&image);
    let back: Rich = layout::to_owned(&copy).expect("a copied image rebuilds");
    assert_eq!(bytes_of(&back), bytes_of(value));
    // Setting scalars through a mutable view keeps a written image valid.
    let mut image = image;
    if let Ok(mut view) = barewire::view_mut::<Rich>(&mut image) {
        let mut head = view.head_mut();
        let word = head.word_mut().get();
        head.word_mut().set(word ^ 0x5a5a);
        head.flag_mut().set(!value.head.flag);
        head.id_mut().set(Uint(u64::MAX));
        head.ratio_mut().set(f32::NAN);
    }
    let view = barewire::view::<Rich>(&image).expect("setting scalars keeps a written image valid");
    assert_eq!(view.head().word(), value.head.word ^ 0x5a5a);
    assert_eq!(view.head().id(), Uint(u64::MAX));
    read_rich(&view, 0);
    // Every strict prefix is rejected or, if it views, reads without panics.
    let cut = layout::LayoutBuf::from_bytes(&image[..image.len() / 2]);
    if let Ok(view) = barewire::view::<Rich>(&cut) {
        read_rich(&view, 0);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = barewire::from_slice::<Rich>(data) {
        round_trip(&value);
    }
    let mut u = Unstructured::new(data);
    if let Ok(value) = ArbRich::arbitrary(&mut u) {
        round_trip(&rich(value));
    }
});
