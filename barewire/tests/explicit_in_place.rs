//! Level 3 with pointers: explicit `#[derive(Layout)]` structs written with
//! the in-place field types (`BarePtr`, `BareSpan`, `BareStr`,
//! `BareOption`), their twins under `#[derive(Bare)]`, reading in place,
//! and hostile images.

use barewire::layout::{InPlace, LayoutBuf, LayoutTable};
use barewire::{Bare, BareOption, BarePtr, BareSpan, BareStr, Layout};

// ---- the founding example -----------------------------------------------------

/// A document of the founding example. The 8-aligned pointer leaves 4
/// bytes at the end, which an explicit layout spells out.
#[derive(Layout)]
#[repr(C)]
struct Document {
    #[bare(field = 0, align = 8)]
    id: BareStr,
    #[bare(field = 1, align = 8)]
    text: BareStr,
    #[bare(field = 2, align = 8)]
    metadata: BarePtr<MetadataMap>,
    #[bare(padding)]
    _pad: [u8; 4],
}

#[derive(Layout)]
#[repr(C)]
struct MetadataMap {
    #[bare(field = 0)]
    count: i32,
    #[bare(field = 1)]
    entries: BareSpan<MetadataEntry>,
}

#[derive(Layout, Debug)]
#[repr(C)]
struct MetadataEntry {
    #[bare(field = 0)]
    key: BareStr,
    #[bare(field = 1)]
    value: BareStr,
}

/// The twins: the same fields as owned types, in declaration order.
#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared", rename = "Document")]
struct OwnedDocument {
    #[bare(align = 8)]
    id: String,
    #[bare(align = 8)]
    text: String,
    #[bare(align = 8)]
    metadata: Box<OwnedMetadataMap>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared", rename = "MetadataMap")]
struct OwnedMetadataMap {
    count: i32,
    entries: Vec<OwnedMetadataEntry>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared", rename = "MetadataEntry")]
struct OwnedMetadataEntry {
    key: String,
    value: String,
}

fn sample() -> OwnedDocument {
    OwnedDocument {
        id: "doc-0001".into(),
        text: "the quick brown fox jumps over the lazy dog".into(),
        metadata: Box::new(OwnedMetadataMap {
            count: 2,
            entries: vec![
                OwnedMetadataEntry {
                    key: "status".into(),
                    value: "active".into(),
                },
                OwnedMetadataEntry {
                    key: "keywords".into(),
                    value: "fox, dog, a rather long list of keywords".into(),
                },
            ],
        }),
    }
}

#[test]
fn explicit_and_derived_twins_have_the_same_layout_and_schema() {
    for (explicit, twin) in [
        (
            LayoutTable::of::<Document>(),
            LayoutTable::of::<OwnedDocument>(),
        ),
        (
            LayoutTable::of::<MetadataMap>(),
            LayoutTable::of::<OwnedMetadataMap>(),
        ),
        (
            LayoutTable::of::<MetadataEntry>(),
            LayoutTable::of::<OwnedMetadataEntry>(),
        ),
    ] {
        assert_eq!((explicit.size, explicit.align), (twin.size, twin.align));
        for f in twin.fields.iter() {
            let e = explicit.fields.iter().find(|e| e.name == f.name).unwrap();
            assert_eq!((e.offset, e.size, e.align), (f.offset, f.size, f.align));
        }
    }
    assert_eq!(size_of::<Document>(), 24);
    assert_eq!(
        barewire::schema::<Document>(),
        barewire::schema::<OwnedDocument>()
    );
    assert_eq!(
        barewire::schema::<MetadataMap>(),
        "type MetadataEntry struct {\n  key: str\n  value: str\n}\n\ntype MetadataMap struct {\n  count: i32\n  entries: list<MetadataEntry>\n}\n"
    );
}

#[test]
fn explicit_records_read_in_place_from_the_image_of_the_twin() -> Result<(), barewire::Error> {
    let owned = sample();
    let image = barewire::to_layout(&owned);

    let view = barewire::view::<Document>(&image)?;
    // Plain fields by reference, no copies: the record is in the image.
    let doc: &Document = view.get()?;
    assert_eq!(doc as *const Document as *const u8, image.as_ptr());
    assert_eq!(view.str(&doc.id)?, "doc-0001");
    assert_eq!(view.str(&doc.text)?, owned.text);
    let metadata: &MetadataMap = view.resolve(&doc.metadata)?;
    assert_eq!(metadata.count, 2);
    // A span of explicit records is a slice, in safe code.
    let entries: &[MetadataEntry] = view.span(&metadata.entries)?;
    assert_eq!(entries.len(), 2);
    let pairs: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| Ok((view.str(&e.key)?, view.str(&e.value)?)))
        .collect::<Result<_, barewire::Error>>()?;
    assert_eq!(
        pairs,
        [
            ("status", "active"),
            ("keywords", "fox, dog, a rather long list of keywords")
        ]
    );

    // The generated accessors read the same image.
    assert_eq!(view.id().as_str()?, "doc-0001");
    assert_eq!(view.metadata().count(), 2);
    assert_eq!(view.metadata().entries().len(), 2);
    assert_eq!(
        view.metadata().entries().get(0).unwrap().value().as_str()?,
        "active"
    );
    // Every string, checked up front.
    barewire::layout::check_full::<Document>(&image)?;
    Ok(())
}

#[test]
fn in_place_reads_refuse_fields_outside_the_image() {
    let image = barewire::to_layout(&sample());
    let view = barewire::view::<Document>(&image).unwrap();
    let doc = view.get().unwrap();
    // A copy of a pointer, string or span is not in the image: its offset
    // means nothing there, and it is never followed.
    let ptr = doc.metadata;
    assert!(view.resolve(&ptr).is_err());
    let id = doc.id;
    assert!(view.str(&id).is_err());
    let metadata = view.resolve(&doc.metadata).unwrap();
    let entries = metadata.entries;
    assert!(view.span(&entries).is_err());
    // Another image's fields neither.
    let other = barewire::to_layout(&sample());
    let other_doc = barewire::view::<Document>(&other).unwrap().get().unwrap();
    assert!(view.str(&other_doc.id).is_err());
    assert!(InPlace::new(&image[..8]).str(&doc.text).is_err());
}

// ---- a generic, self-referential list -----------------------------------------

/// The founding design's other explicit example: generic, and
/// self-referential through an optional pointer; no wire positions, so the
/// wire follows the declaration order, and implicit padding (which a
/// generic struct cannot spell) is allowed.
#[derive(Layout)]
#[repr(C)]
struct LinkedListNode<T> {
    is_empty: bool,
    value: BareOption<T>,
    next: Option<BarePtr<Self>>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared", rename = "LinkedListNode")]
struct OwnedNode {
    is_empty: bool,
    value: Option<u32>,
    next: Option<Box<OwnedNode>>,
}

fn list(values: &[Option<u32>]) -> Option<Box<OwnedNode>> {
    values.iter().rev().fold(None, |next, &value| {
        Some(Box::new(OwnedNode {
            is_empty: value.is_none(),
            value,
            next,
        }))
    })
}

#[test]
fn a_generic_self_referential_list_reads_in_place() -> Result<(), barewire::Error> {
    assert_eq!(size_of::<Option<BarePtr<LinkedListNode<u32>>>>(), 4);
    assert_eq!(<LinkedListNode<u32> as Layout>::SIZE, 16);
    assert_eq!(<LinkedListNode<u64> as Layout>::SIZE, 32);
    assert_eq!(
        <LinkedListNode<u32> as Layout>::SIZE,
        <OwnedNode as Layout>::SIZE
    );
    let head = *list(&[Some(1), None, Some(3)]).unwrap();
    let image = barewire::to_layout(&head);
    let view = barewire::view::<LinkedListNode<u32>>(&image)?;
    let mut node: &LinkedListNode<u32> = view.get()?;
    let mut seen = Vec::new();
    loop {
        seen.push((node.is_empty, node.value.get().copied()));
        match &node.next {
            Some(next) => node = view.resolve(next)?,
            None => break,
        }
    }
    assert_eq!(seen, [(false, Some(1)), (true, None), (false, Some(3))]);
    assert_eq!(view.value(), Some(1));
    assert!(!view.is_empty());
    Ok(())
}

// ---- hostile images ---------------------------------------------------------------

fn aligned(bytes: &[u8]) -> LayoutBuf {
    LayoutBuf::from_bytes(bytes)
}

/// Everything a reader may call, on any bytes: errors, never a panic.
fn read_document(bytes: &[u8]) -> usize {
    let mut n = 0;
    let view = barewire::view_unchecked::<Document>(bytes);
    if let Ok(doc) = view.get() {
        n += view.str(&doc.id).map_or(0, str::len);
        n += view.str(&doc.text).map_or(0, str::len);
        if let Ok(m) = view.resolve(&doc.metadata) {
            if let Ok(entries) = view.span(&m.entries) {
                for e in entries {
                    n += view.str(&e.key).map_or(0, str::len);
                    n += view.str(&e.value).map_or(0, str::len);
                }
            }
        }
    }
    if let Ok(view) = barewire::view::<Document>(bytes) {
        n += view.metadata().entries().len();
    }
    let _ = barewire::layout::check_full::<Document>(bytes);
    n
}

fn read_list(bytes: &[u8]) -> usize {
    let mut n = 0;
    let view = barewire::view_unchecked::<LinkedListNode<u32>>(bytes);
    if let Ok(mut node) = view.get() {
        // Bounded by the image: at most one node per 16 bytes, or a cycle.
        for _ in 0..bytes.len() {
            n += 1;
            match node.next.as_ref().map(|p| view.resolve(p)) {
                Some(Ok(next)) => node = next,
                _ => break,
            }
        }
    }
    let _ = barewire::view::<LinkedListNode<u32>>(bytes);
    n
}

/// Under Miri, every fifth byte and two values (the full sweep takes
/// minutes there).
fn positions(len: usize) -> impl Iterator<Item = usize> {
    (0..len).step_by(if cfg!(miri) { 5 } else { 1 })
}

fn values(all: &'static [u8]) -> &'static [u8] {
    if cfg!(miri) { &all[..2] } else { all }
}

#[test]
fn every_one_byte_corruption_is_an_error_or_a_value() {
    let image = barewire::to_layout(&sample());
    let honest = read_document(&image);
    assert!(honest > 0);
    let mut bytes = image.to_vec();
    for i in positions(bytes.len()) {
        for &v in values(&[0x02, 0x80, 0x00, 0x01, 0x7f, 0xff]) {
            let old = bytes[i];
            bytes[i] = v;
            read_document(&aligned(&bytes));
            bytes[i] = old;
        }
    }
    let image = barewire::to_layout(&*list(&[Some(1), None, Some(3)]).unwrap());
    let mut bytes = image.to_vec();
    for i in positions(bytes.len()) {
        for &v in values(&[0x02, 0x80, 0x00, 0x01, 0x7f, 0xf0, 0xff]) {
            let old = bytes[i];
            bytes[i] = v;
            read_list(&aligned(&bytes));
            bytes[i] = old;
        }
    }
}

#[test]
fn hostile_explicit_images_are_errors() {
    let image = barewire::to_layout(&*list(&[Some(1), Some(2)]).unwrap());
    let ok = |b: &[u8]| barewire::view::<LinkedListNode<u32>>(&aligned(b)).is_ok();
    assert!(ok(&image));

    // A bad bool: the check refuses it, and so does reading the record.
    let mut bad = image.to_vec();
    bad[0] = 2;
    assert!(!ok(&bad));
    let buf = aligned(&bad);
    assert!(
        barewire::view_unchecked::<LinkedListNode<u32>>(&buf)
            .get()
            .is_err()
    );

    // A bad optional tag.
    let mut bad = image.to_vec();
    bad[4] = 7;
    assert!(!ok(&bad));
    assert!(
        barewire::view_unchecked::<LinkedListNode<u32>>(&aligned(&bad))
            .get()
            .is_err()
    );

    // A pointer out of bounds, and one to a misaligned target.
    let next_at = 12;
    for offset in [i32::MAX, -100, 1000, 6] {
        let mut bad = image.to_vec();
        bad[next_at..next_at + 4].copy_from_slice(&offset.to_le_bytes());
        assert!(!ok(&bad), "offset {offset}");
        let buf = aligned(&bad);
        let view = barewire::view_unchecked::<LinkedListNode<u32>>(&buf);
        let node = view.get().unwrap();
        assert!(view.resolve(node.next.as_ref().unwrap()).is_err());
    }

    // A cycle: the node points to itself (a record overlapping its parent),
    // or the second node back to the first.
    let mut bad = image.to_vec();
    bad[next_at..next_at + 4].copy_from_slice(&(-12i32).to_le_bytes());
    assert!(!ok(&bad));
    let mut bad = image.to_vec();
    bad[16 + next_at..16 + next_at + 4].copy_from_slice(&(-(16 + 12i32)).to_le_bytes());
    assert!(!ok(&bad));

    // A target overlapping its parent record without being it.
    let mut bad = image.to_vec();
    bad[next_at..next_at + 4].copy_from_slice(&(-8i32).to_le_bytes());
    assert!(!ok(&bad));

    // A span whose items overlap the record that holds it.
    let doc = barewire::to_layout(&sample());
    let ok = |b: &[u8]| barewire::view::<Document>(&aligned(b)).is_ok();
    assert!(ok(&doc));
    let view = barewire::view::<Document>(&doc).unwrap();
    let map_at = InPlace::new(&doc)
        .position_of(view.resolve(&view.get().unwrap().metadata).unwrap())
        .unwrap();
    let span_at = map_at + 4;
    let mut bad = doc.to_vec();
    bad[span_at..span_at + 4].copy_from_slice(&(-4i32).to_le_bytes());
    assert!(!ok(&bad));
}

#[test]
fn a_pointer_cycle_through_the_view_ends() {
    // Two nodes pointing at each other: `view` refuses, and a reader that
    // walks the pointers itself is bounded by its own loop.
    let image = barewire::to_layout(&*list(&[Some(1), Some(2)]).unwrap());
    let mut bad = image.to_vec();
    bad[16 + 12..16 + 16].copy_from_slice(&(-(16 + 12i32)).to_le_bytes());
    let buf = aligned(&bad);
    assert!(barewire::view::<LinkedListNode<u32>>(&buf).is_err());
    assert_eq!(read_list(&buf), buf.len());
}

// ---- the builder --------------------------------------------------------------

/// The image of `sample()` written with the builder, appending in the order
/// `to_layout` writes the twin.
fn build_sample(owned: &OwnedDocument) -> LayoutBuf {
    use barewire::layout::Builder;
    let mut b = Builder::<Document>::new();
    let id = b.str(&owned.id);
    let text = b.str(&owned.text);
    let map = b.reserve::<MetadataMap>();
    let slots = b.reserve_span::<MetadataEntry>(owned.metadata.entries.len());
    for (i, e) in owned.metadata.entries.iter().enumerate() {
        let entry = MetadataEntry {
            key: b.str(&e.key),
            value: b.str(&e.value),
        };
        b.put_item(slots, i, &entry);
    }
    let metadata = MetadataMap {
        count: owned.metadata.count,
        entries: b.span_of(slots),
    };
    b.put(map, &metadata);
    let doc = Document {
        id,
        text,
        metadata: b.ptr(map),
        _pad: [0; 4],
    };
    b.put(b.root(), &doc);
    b.finish()
}

#[test]
fn the_builder_writes_the_image_of_the_twin_and_each_reads_the_other() {
    let owned = sample();
    let built = build_sample(&owned);
    assert_eq!(&built[..], &barewire::to_layout(&owned)[..]);
    // The twin reads the explicit image, and rebuilds it.
    let twin = barewire::view::<OwnedDocument>(&built).unwrap();
    assert_eq!(
        twin.metadata()
            .entries()
            .get(1)
            .unwrap()
            .key()
            .as_str()
            .unwrap(),
        "keywords"
    );
    assert_eq!(
        barewire::layout::to_owned::<OwnedDocument>(&built).unwrap(),
        owned
    );
    // And the explicit type reads it in place.
    let view = barewire::view::<Document>(&built).unwrap();
    let doc = view.get().unwrap();
    let entries = view
        .span(&view.resolve(&doc.metadata).unwrap().entries)
        .unwrap();
    assert_eq!(view.str(&entries[0].value).unwrap(), "active");
}

#[test]
fn the_string_pool_stores_equal_strings_once() {
    use barewire::layout::Builder;
    let long = "a keyword long enough to be out of line";
    let mut b = Builder::<MetadataMap>::new();
    let slots = b.reserve_span::<MetadataEntry>(3);
    for i in 0..3 {
        let entry = MetadataEntry {
            key: b.str(long),
            value: b.str(if i == 1 {
                "another long value, stored once"
            } else {
                long
            }),
        };
        b.put_item(slots, i, &entry);
    }
    let map = MetadataMap {
        count: 3,
        entries: b.span_of(slots),
    };
    b.put(b.root(), &map);
    assert_eq!(b.pool().len(), 2);
    assert_eq!(b.pool().shared(), 4);
    assert_eq!(b.pool().bytes_saved(), 4 * long.len());
    let image = b.finish();
    // 12 bytes of root, 48 of entries, and each distinct string once.
    assert_eq!(
        image.len(),
        12 + 48 + long.len() + "another long value, stored once".len()
    );
    let view = barewire::layout::check_full::<MetadataMap>(&image).unwrap();
    let entries = view.span(&view.get().unwrap().entries).unwrap();
    for e in entries {
        assert_eq!(view.str(&e.key).unwrap(), long);
    }
    assert_eq!(
        view.str(&entries[1].value).unwrap(),
        "another long value, stored once"
    );
}

#[test]
fn a_list_built_in_place_reads_as_its_twin() {
    use barewire::layout::Builder;
    let mut b = Builder::<LinkedListNode<u32>>::new();
    // Nodes appended after the root, each pointing to the next.
    let second = b.reserve::<LinkedListNode<u32>>();
    let third = b.reserve::<LinkedListNode<u32>>();
    b.put(
        third,
        &LinkedListNode {
            is_empty: false,
            value: BareOption::some(3),
            next: None,
        },
    );
    b.put(
        second,
        &LinkedListNode {
            is_empty: true,
            value: BareOption::none(0),
            next: Some(b.ptr(third)),
        },
    );
    b.put(
        b.root(),
        &LinkedListNode {
            is_empty: false,
            value: BareOption::some(1),
            next: Some(b.ptr(second)),
        },
    );
    let image = b.finish();
    assert_eq!(
        &image[..],
        &barewire::to_layout(&*list(&[Some(1), None, Some(3)]).unwrap())[..]
    );
    assert_eq!(
        barewire::layout::to_owned::<OwnedNode>(&image).unwrap(),
        *list(&[Some(1), None, Some(3)]).unwrap()
    );
}

// ---- enums and bools in explicit records --------------------------------------

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
enum Status {
    Active,
    Inactive,
    Archived = 9,
}

#[derive(Layout)]
#[repr(C)]
struct Flags {
    status: Status,
    on: bool,
    #[bare(padding)]
    _pad: [u8; 2],
    tags: BareSpan<Status>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared")]
struct OwnedFlags {
    status: Status,
    on: bool,
    tags: Vec<Status>,
}

#[test]
fn enums_and_bools_read_in_place_and_bad_values_are_errors() {
    let owned = OwnedFlags {
        status: Status::Archived,
        on: true,
        tags: vec![Status::Inactive, Status::Active, Status::Archived],
    };
    let image = barewire::to_layout(&owned);
    let view = barewire::view::<Flags>(&image).unwrap();
    let flags = view.get().unwrap();
    assert_eq!((flags.status, flags.on), (Status::Archived, true));
    assert_eq!(
        view.span(&flags.tags).unwrap(),
        [Status::Inactive, Status::Active, Status::Archived]
    );

    for (at, byte) in [(0, 2u8), (1, 2), (12, 3)] {
        let mut bad = image.to_vec();
        bad[at] = byte;
        let buf = LayoutBuf::from_bytes(&bad);
        assert!(barewire::view::<Flags>(&buf).is_err(), "byte {at} = {byte}");
        let view = barewire::view_unchecked::<Flags>(&buf);
        match view.get() {
            Ok(flags) => assert!(view.span(&flags.tags).is_err()),
            Err(_) => assert!(at < 2),
        }
    }
}

// ---- editing in place ---------------------------------------------------------

#[derive(Layout)]
#[repr(C)]
struct Tree {
    size: u32,
    kids: BareSpan<Tree>,
    pick: Option<BarePtr<Tree>>,
}

#[test]
fn records_of_an_image_edited_in_place_share_no_bytes() {
    use barewire::layout::Builder;
    let leaf = |size| Tree {
        size,
        kids: BareSpan::EMPTY,
        pick: None,
    };
    // A tree whose root also points at its first child: two ways to the
    // same record, fine to read.
    let mut b = Builder::<Tree>::new();
    let kids = b.reserve_span::<Tree>(2);
    b.put_item(kids, 0, &leaf(1));
    b.put_item(kids, 1, &leaf(2));
    let root = Tree {
        size: 3,
        kids: b.span_of(kids),
        pick: Some(b.item_ptr(kids, 0)),
    };
    b.put(b.root(), &root);
    let mut shared = b.finish();
    let view = barewire::view::<Tree>(&shared).unwrap();
    let root = view.get().unwrap();
    assert_eq!(view.resolve(root.pick.as_ref().unwrap()).unwrap().size, 1);
    // But not to edit: setting the one would change the other.
    assert!(barewire::view_mut::<Tree>(&mut shared).is_err());

    // Without the second way, the image is edited in place.
    let mut b = Builder::<Tree>::new();
    let kids = b.reserve_span::<Tree>(2);
    b.put_item(kids, 0, &leaf(1));
    b.put_item(kids, 1, &leaf(2));
    let picked = b.record(&leaf(9));
    let root = Tree {
        size: 3,
        kids: b.span_of(kids),
        pick: Some(b.ptr(picked)),
    };
    b.put(b.root(), &root);
    let mut image = b.finish();
    let mut edit = barewire::view_mut::<Tree>(&mut image).unwrap();
    edit.size_mut().set(4);
    edit.kids_mut().get_mut(1).unwrap().size_mut().set(5);
    let view = barewire::view::<Tree>(&image).unwrap();
    let root = view.get().unwrap();
    assert_eq!(root.size, 4);
    assert_eq!(view.span(&root.kids).unwrap()[1].size, 5);
    assert_eq!(view.resolve(root.pick.as_ref().unwrap()).unwrap().size, 9);
}
