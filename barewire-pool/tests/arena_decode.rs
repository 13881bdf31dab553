//! Decoding into an arena (`from_slice_in`): the arena types give the bytes,
//! schema and layout of their std twins; every failure is an `Err` (no
//! arena, a full arena, hostile lengths), never a panic; a stream of
//! messages reuses one region; `Owned` links give a `Box` list's bytes.
//! Runs under Miri (`cargo +nightly miri test -p barewire-pool --test
//! arena_decode`), which also checks that nothing leaks.

use std::cell::Cell;

use barewire::{Bare, Error, Limits, Reader};
use barewire_pool::{Arena, ArenaString, ArenaVec, Owned, from_slice_in, from_slice_in_with};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Entry {
    key: String,
    values: Vec<u32>,
    blob: Vec<u8>,
    note: Option<String>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(rename = "Entry")]
struct EntryIn<'a> {
    key: ArenaString<'a>,
    values: ArenaVec<'a, u32>,
    blob: ArenaVec<'a, u8>,
    note: Option<ArenaString<'a>>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Batch {
    id: u64,
    entries: Vec<Entry>,
    names: Vec<String>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(rename = "Batch")]
struct BatchIn<'a> {
    id: u64,
    entries: ArenaVec<'a, EntryIn<'a>>,
    names: ArenaVec<'a, ArenaString<'a>>,
}

fn batch() -> Batch {
    Batch {
        id: 0x0102_0304_0506,
        entries: vec![
            Entry {
                key: "first key, longer than eight bytes".into(),
                values: vec![1, 2, 300_000],
                blob: vec![9; 20],
                note: Some("noted".into()),
            },
            Entry {
                key: "k".into(),
                values: vec![],
                blob: vec![],
                note: None,
            },
        ],
        names: vec!["ab".into(), String::new(), "ünïcödé".into()],
    }
}

/// The arena twin of a decoded batch, compared field by field.
fn same(a: &BatchIn<'_>, b: &Batch) -> bool {
    a.id == b.id
        && a.names.len() == b.names.len()
        && a.names.iter().zip(&b.names).all(|(x, y)| x == y)
        && a.entries.len() == b.entries.len()
        && a.entries.iter().zip(&b.entries).all(|(x, y)| {
            x.key == y.key
                && x.values == y.values
                && x.blob == y.blob
                && x.note.map(|n| n.as_str()) == y.note.as_deref()
        })
}

#[test]
fn twins_have_the_same_bytes_schema_and_layout() {
    let owned = batch();
    let bytes = barewire::to_vec(&owned);
    let arena = Arena::new();
    let decoded: BatchIn<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert!(same(&decoded, &owned));
    // Wire bytes, both ways.
    assert_eq!(barewire::to_vec(&decoded), bytes);
    // Schema, text and model.
    assert_eq!(
        barewire::schema::<BatchIn<'_>>(),
        barewire::schema::<Batch>()
    );
    assert_eq!(
        barewire::schema_model::<BatchIn<'_>>(),
        barewire::schema_model::<Batch>()
    );
    // Layout: the same image bytes, read in place with the same view types.
    let image = barewire::to_layout(&decoded);
    assert_eq!(&image[..], &barewire::to_layout(&owned)[..]);
    let view = barewire::view::<BatchIn<'_>>(&image).unwrap();
    let twin = barewire::view::<Batch>(&image).unwrap();
    let names: barewire::layout::SpanView<'_, ArenaString<'_>> = view.names();
    assert_eq!(names.len(), 3);
    let first = view.entries().get(0).unwrap();
    let key: barewire::layout::StrView<'_> = first.key();
    assert_eq!(key.as_str().unwrap(), "first key, longer than eight bytes");
    assert_eq!(first.values().iter().collect::<Vec<_>>(), [1, 2, 300_000]);
    assert_eq!(twin.entries().get(1).unwrap().key().as_str().unwrap(), "k");
    assert_eq!(
        <BatchIn<'_> as barewire::Layout>::FIELDS,
        <Batch as barewire::Layout>::FIELDS
    );
    // Rebuilding an arena type from an image needs an arena.
    assert!(matches!(
        barewire::layout::to_owned::<BatchIn<'_>>(&image),
        Err(Error::NoArena { .. })
    ));
    assert_eq!(barewire::layout::to_owned::<Batch>(&image).unwrap(), owned);
}

#[test]
fn the_value_borrows_the_arena_not_the_input() {
    let arena = Arena::new();
    let decoded: BatchIn<'_> = {
        let bytes = barewire::to_vec(&batch());
        from_slice_in(&arena, &bytes).unwrap()
    }; // the input is gone here
    assert!(same(&decoded, &batch()));
    assert!(arena.bytes_in_use() > 0);
}

#[test]
fn without_an_arena_it_is_an_error() {
    let bytes = barewire::to_vec(&batch());
    assert!(matches!(
        barewire::from_slice::<BatchIn<'_>>(&bytes),
        Err(Error::NoArena { offset: 8 })
    ));
    assert!(matches!(
        barewire::from_slice::<ArenaString<'_>>(&[1, b'a']),
        Err(Error::NoArena { offset: 0 })
    ));
    assert!(matches!(
        barewire::from_slice::<Owned<'_, u8>>(&[1]),
        Err(Error::NoArena { offset: 0 })
    ));
    // A context of another type is no arena either.
    let other = String::from("not an arena");
    let mut r = Reader::with_context(&bytes, Limits::DEFAULT, &other);
    assert!(matches!(
        barewire::Decode::decode(&mut r).map(|_: BatchIn<'_>| ()),
        Err(Error::NoArena { .. })
    ));
}

#[test]
fn a_reader_with_an_arena_copies_strings_into_it() {
    let arena = Arena::new();
    let bytes = barewire::to_vec(&("hello".to_string(), vec![7u16, 8]));
    let mut r = Reader::with_context(&bytes, Limits::DEFAULT, &arena);
    let (s, v): (ArenaString<'_>, ArenaVec<'_, u16>) = barewire::Decode::decode(&mut r).unwrap();
    r.finish().unwrap();
    assert_eq!((s.as_str(), v.as_slice()), ("hello", &[7u16, 8][..]));
    // The string is a copy in the arena, not a borrow of the input.
    let input = bytes.as_ptr_range();
    assert!(!input.contains(&s.as_ptr()));
    assert!(arena.bytes_in_use() >= 5 + 4);
}

#[test]
fn a_full_fixed_arena_is_an_error_at_every_capacity() {
    let bytes = barewire::to_vec(&batch());
    let needed = {
        let arena = Arena::new();
        let _: BatchIn<'_> = from_slice_in(&arena, &bytes).unwrap();
        arena.bytes_in_use()
    };
    let step = if cfg!(miri) { 37 } else { 1 };
    for capacity in (0..needed).step_by(step) {
        let arena = Arena::with_capacity_fixed(capacity);
        match from_slice_in::<BatchIn<'_>, _>(&arena, &bytes) {
            Err(Error::ArenaFull { requested, .. }) => assert!(requested > 0),
            // Less alignment padding in a fixed arena: it may fit early.
            Ok(decoded) if capacity >= bytes.len() => assert!(same(&decoded, &batch())),
            other => panic!("capacity {capacity}: {other:?}"),
        }
    }
    let arena = Arena::with_capacity_fixed(needed);
    let decoded: BatchIn<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert!(same(&decoded, &batch()));
}

#[test]
fn hostile_lengths_are_checked_before_anything_is_allocated() {
    let arena = Arena::new();
    // A list of u32 that claims 2^40 items in four bytes of input.
    let bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3, 4];
    assert!(matches!(
        from_slice_in::<ArenaVec<'_, u32>, _>(&arena, &bytes),
        Err(Error::UnexpectedEnd { offset: 0, .. })
    ));
    // Only the copy of the message was allocated.
    assert_eq!(arena.bytes_in_use(), bytes.len());
    // A string longer than the input.
    assert!(matches!(
        from_slice_in::<ArenaString<'_>, _>(&arena, &[0x7f, b'a']),
        Err(Error::UnexpectedEnd { .. })
    ));
    // Items that take no wire bytes are charged by their memory.
    assert!(matches!(
        from_slice_in::<ArenaVec<'_, Owned<'_, ()>>, _>(&arena, &[0x80, 0x80, 0x80, 0x20]),
        Err(Error::TooManyItems { .. })
    ));
    // A message over the size limit is refused before it is copied.
    let mut region_arena = Arena::new();
    let region = region_arena.region();
    let tight = Limits::DEFAULT.with_max_size(4);
    assert!(matches!(
        from_slice_in_with::<ArenaString<'_>, _>(&region, &[5, 1, 2, 3, 4, 5], tight),
        Err(Error::SizeLimit { size: 6, limit: 4 })
    ));
    assert_eq!(region.bytes_in_use(), 0);
}

#[test]
fn every_prefix_and_byte_flip_is_a_value_or_an_error() {
    let bytes = barewire::to_vec(&batch());
    let mut arena = Arena::with_capacity_fixed(4096);
    let step = if cfg!(miri) { 11 } else { 1 };
    for end in (0..bytes.len()).step_by(step) {
        assert!(from_slice_in::<BatchIn<'_>, _>(&arena, &bytes[..end]).is_err());
        arena.reset();
    }
    for i in (0..bytes.len()).step_by(step) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = bytes.clone();
            bad[i] ^= flip;
            let _ = from_slice_in::<BatchIn<'_>, _>(&arena, &bad);
            arena.reset();
        }
    }
}

#[test]
fn a_stream_of_messages_reuses_one_region() {
    let messages: Vec<Vec<u8>> = (0..20u64)
        .map(|i| {
            let mut b = batch();
            b.id = i;
            b.names.push("x".repeat(i as usize));
            barewire::to_vec(&b)
        })
        .collect();
    let mut arena = Arena::with_capacity_fixed(4096);
    let mut region = arena.region();
    let mut peak = 0;
    for (i, bytes) in messages.iter().enumerate() {
        let decoded: BatchIn<'_> = from_slice_in(&region, bytes).unwrap();
        assert_eq!(decoded.id, i as u64);
        assert_eq!(decoded.names[3].len(), i);
        peak = peak.max(region.bytes_in_use());
        drop(decoded); // (it has lists, which have a drop: end it first)
        region.reset();
        assert_eq!(region.bytes_in_use(), 0);
    }
    // The memory in use is one message's, not twenty.
    assert!(peak < 1024, "{peak}");
    assert_eq!(region.stats().resets, 20);
}

#[derive(Bare, Debug)]
enum List<'a> {
    Nil,
    Cons(u32, Owned<'a, List<'a>>),
}

#[derive(Bare, Debug, PartialEq)]
#[bare(rename = "List")]
enum BoxList {
    Nil,
    Cons(u32, Box<BoxList>),
}

#[derive(Bare, Debug)]
struct Node<'a> {
    value: ArenaString<'a>,
    next: Option<Owned<'a, Node<'a>>>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(rename = "Node")]
struct BoxNode {
    value: String,
    next: Option<Box<BoxNode>>,
}

#[test]
fn an_owned_list_has_the_bytes_schema_and_layout_of_a_box_list() {
    let mut boxed = BoxList::Nil;
    for i in (0..5).rev() {
        boxed = BoxList::Cons(i, Box::new(boxed));
    }
    let bytes = barewire::to_vec(&boxed);
    let arena = Arena::new();
    let list: List<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(barewire::to_vec(&list), bytes);
    assert_eq!(
        barewire::schema::<List<'_>>(),
        barewire::schema::<BoxList>()
    );
    let image = barewire::to_layout(&list);
    assert_eq!(&image[..], &barewire::to_layout(&boxed)[..]);
    // Built by hand in the arena, too.
    let mut built = List::Nil;
    for i in (0..5).rev() {
        built = List::Cons(i, arena.alloc(built));
    }
    assert_eq!(barewire::to_vec(&built), bytes);
    let mut node = &list;
    let mut seen = Vec::new();
    while let List::Cons(v, next) = node {
        seen.push(*v);
        node = next;
    }
    assert_eq!(seen, [0, 1, 2, 3, 4]);

    let boxed = BoxNode {
        value: "head".into(),
        next: Some(Box::new(BoxNode {
            value: "tail".into(),
            next: None,
        })),
    };
    let bytes = barewire::to_vec(&boxed);
    let node: Node<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(barewire::to_vec(&node), bytes);
    assert_eq!(
        barewire::schema::<Node<'_>>(),
        barewire::schema::<BoxNode>()
    );
    let image = barewire::to_layout(&node);
    assert_eq!(&image[..], &barewire::to_layout(&boxed)[..]);
    assert_eq!(
        <Option<Owned<'_, Node<'_>>> as barewire::Layout>::SIZE,
        <Option<Box<BoxNode>> as barewire::Layout>::SIZE
    );
    let view = barewire::view::<Node<'_>>(&image).unwrap();
    assert_eq!(view.next().unwrap().value().as_str().unwrap(), "tail");

    // An `Owned` of a pool encodes and lays out as a box too.
    let pool = barewire_pool::Pool::new();
    let in_pool = pool.alloc(0x0102_0304u32);
    assert_eq!(
        barewire::to_vec(&in_pool),
        barewire::to_vec(&Box::new(0x0102_0304u32))
    );
    assert_eq!(
        &barewire::to_layout(&in_pool)[..],
        &barewire::to_layout(&Box::new(0x0102_0304u32))[..]
    );
}

#[test]
fn a_decoded_owned_list_drops_without_recursion_and_unended_input_is_an_error() {
    // Decoded, then dropped through the arena's drop queue (constant stack).
    let depth = if cfg!(miri) { 20 } else { 200 };
    let mut boxed = BoxList::Nil;
    for i in 0..depth {
        boxed = BoxList::Cons(i, Box::new(boxed));
    }
    let bytes = barewire::to_vec(&boxed);
    let arena = Arena::new();
    let list: List<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(barewire::to_vec(&list), bytes);
    drop(list);
    // The `Owned` link is a tail link, followed in a loop: 200,000 `Cons`
    // without an end are truncated input, not a stack overflow; with their
    // end they decode under the default limits.
    let nodes = if cfg!(miri) { 2_000 } else { 200_000 };
    let mut hostile: Vec<u8> = std::iter::repeat_n([1u8, 0, 0, 0, 0], nodes)
        .flatten()
        .collect();
    assert!(matches!(
        from_slice_in::<List<'_>, _>(&arena, &hostile),
        Err(Error::UnexpectedEnd { .. })
    ));
    hostile.push(0);
    let long: List<'_> = from_slice_in(&arena, &hostile).unwrap();
    assert!(barewire::to_vec(&long) == hostile);
    drop(long);
    let mut b = boxed;
    // (The heap twin's own drop recurses; take it apart in a loop.)
    while let BoxList::Cons(_, next) = b {
        b = *next;
    }
}

/// Counts its drops.
struct Counted<'c>(&'c Cell<u32>, u32);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn arena_vec_grows_and_drops_its_items_once() {
    let drops = Cell::new(0);
    let arena = Arena::new();
    {
        let mut v = ArenaVec::new_in(&arena);
        for i in 0..100 {
            v.push(Counted(&drops, i));
        }
        assert_eq!(v.len(), 100);
        assert!(v.capacity() >= 100);
        assert_eq!(v.iter().map(|c| c.1).sum::<u32>(), 4950);
        let last = v.pop().unwrap();
        assert_eq!(last.1, 99);
        drop(last);
        assert_eq!(drops.get(), 1);
        v.truncate(50);
        assert_eq!(drops.get(), 50);
        v[0].1 = 7;
        assert_eq!(v[0].1, 7);
    }
    assert_eq!(drops.get(), 100);
    // Owned strings in an arena list are dropped (Miri sees no leak).
    let mut names = ArenaVec::new_in(&arena);
    names.extend(["a", "b"].map(String::from));
    assert_eq!(names, ["a", "b"]);
    // Zero-sized items take no memory.
    let before = arena.bytes_in_use();
    let mut units = ArenaVec::new_in(&arena);
    for _ in 0..1000 {
        units.push(());
    }
    assert_eq!((units.len(), arena.bytes_in_use()), (1000, before));
    let leaked: &mut [String] = names.into_slice();
    assert_eq!(leaked.len(), 2);
    // Given up: drop them by hand so that Miri sees no leak.
    for s in leaked {
        drop(std::mem::take(s));
    }
}

#[test]
fn a_failed_decode_drops_what_it_had_decoded() {
    // Items that own heap memory, then a bad byte: the decoded items are
    // dropped (Miri would report the leak).
    let mut bytes = barewire::to_vec(&vec![
        "one".to_string(),
        "two".to_string(),
        "three".to_string(),
    ]);
    let last = bytes.len() - 1;
    bytes[last] = 0xff; // invalid UTF-8 in the third string
    let arena = Arena::new();
    assert!(matches!(
        from_slice_in::<ArenaVec<'_, String>, _>(&arena, &bytes),
        Err(Error::InvalidUtf8 { .. })
    ));
    // And lists of `Owned` drop their values through the arena.
    let bytes = barewire::to_vec(&vec![Box::new("x".to_string()), Box::new("y".to_string())]);
    let boxes: ArenaVec<'_, Owned<'_, String>> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(boxes[1].as_str(), "y");
}

#[test]
fn arena_vec_capacity_errors_are_values() {
    let arena = Arena::with_capacity_fixed(16);
    let mut v: ArenaVec<'_, u64> = ArenaVec::new_in(&arena);
    assert!(v.try_reserve(usize::MAX).is_err());
    assert!(v.try_reserve(usize::MAX / 2).is_err());
    v.try_push(1).unwrap();
    assert!(v.try_reserve(3).is_err());
    assert_eq!(v, [1]);
    let err = ArenaString::try_new_in("seventeen bytes!!", &arena).unwrap_err();
    assert_eq!(err.requested, 17);
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

#[test]
fn lists_of_plain_items_decode_as_one_copy_with_the_same_values() {
    let arena = Arena::new();
    let numbers: Vec<u64> = (0..1000).map(|i| i * 0x0101_0101).collect();
    let bytes = barewire::to_vec(&numbers);
    let back: ArenaVec<'_, u64> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(back, numbers);
    let points: Vec<Point> = (0..50).map(|i| Point { x: i, y: -i }).collect();
    let bytes = barewire::to_vec(&points);
    let back: ArenaVec<'_, Point> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(back, points);
    let blobs = vec![vec![1u8, 2, 3], vec![], vec![255; 40]];
    let bytes = barewire::to_vec(&blobs);
    let back: ArenaVec<'_, ArenaVec<'_, u8>> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(back.len(), 3);
    assert!(back.iter().zip(&blobs).all(|(a, b)| a == b));
    // A count one item past the input is an error, before anything is read.
    let mut short = barewire::to_vec(&vec![7u32; 3]);
    short.truncate(short.len() - 1);
    assert!(matches!(
        from_slice_in::<ArenaVec<'_, u32>, _>(&arena, &short),
        Err(Error::UnexpectedEnd { offset: 0, .. })
    ));
}
