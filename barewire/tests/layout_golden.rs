//! Golden layout images: the exact bytes `to_layout` writes for a few
//! representative values, derived by hand from `docs/format.md` part 2, as
//! the wire side has exact-byte tests. A change to any of them changes the
//! image format: images written before would no longer read.

use std::collections::BTreeMap;

use barewire::Bare;

/// The image of `value`, checked against `expected`, and read back.
fn golden<T>(value: &T, expected: &[u8])
where
    T: barewire::Layout + for<'a> barewire::layout::FromLayout<'a> + PartialEq + std::fmt::Debug,
{
    let image = barewire::to_layout(value);
    assert_eq!(&image[..], expected, "image of {value:?}");
    assert_eq!(&barewire::layout::to_owned::<T>(&image).unwrap(), value);
}

#[derive(Bare, Debug, PartialEq)]
struct Record {
    a: u8,
    b: u32,
    name: String,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared")]
struct Declared {
    a: u8,
    b: u32,
}

#[derive(Bare, Debug, PartialEq)]
enum Shape {
    Circle(u32),
    Square(u8),
}

#[derive(Bare, Debug, PartialEq, Clone, Copy)]
enum Mode {
    Off,
    On,
    Auto = 300,
}

#[derive(Bare, Debug, PartialEq)]
struct Shared {
    #[bare(intern)]
    a: String,
    #[bare(intern)]
    b: String,
}

#[derive(Bare, Debug, PartialEq)]
struct Pointed {
    #[bare(out_of_line)]
    inner: u32,
    tail: u8,
}

#[test]
fn structs_in_decreasing_alignment_with_an_inline_string() {
    // b (align 4) at 0, name (8 bytes, align 4) at 4, a at 12; size 16.
    golden(
        &Record {
            a: 7,
            b: 42,
            name: "hello".into(),
        },
        &[
            42, 0, 0, 0, // b
            b'h', b'e', b'l', b'l', b'o', 0xff, 0xff, 0xff, // name, inline
            7, 0, 0, 0, // a, padding
        ],
    );
    // Declared order: a at 0, b at 4.
    golden(&Declared { a: 1, b: 2 }, &[1, 0, 0, 0, 2, 0, 0, 0]);
}

#[test]
fn a_string_out_of_line() {
    // 13 bytes: 0x80 | 13, then the offset from position 4 of the string
    // (position 8) to its bytes at 16.
    golden(
        &Record {
            a: 7,
            b: 42,
            name: "hello, world!".into(),
        },
        &[
            42, 0, 0, 0, // b
            0x8d, 0, 0, 0, 8, 0, 0, 0, // name: length 13, offset +8
            7, 0, 0, 0, // a, padding
            b'h', b'e', b'l', b'l', b'o', b',', b' ', b'w', b'o', b'r', b'l', b'd', b'!',
        ],
    );
}

#[test]
fn interned_strings_share_their_bytes() {
    let text = "a long repeated text";
    let mut expected = vec![
        0x80 | 20,
        0,
        0,
        0,
        12,
        0,
        0,
        0, // a: offset from 4 to 16
        0x80 | 20,
        0,
        0,
        0,
        4,
        0,
        0,
        0, // b: offset from 12 to the same 16
    ];
    expected.extend_from_slice(text.as_bytes());
    golden(
        &Shared {
            a: text.into(),
            b: text.into(),
        },
        &expected,
    );
}

#[test]
fn spans_options_pointers_and_maps() {
    // A span: offset to the items right after it, then the count.
    golden(
        &vec![1u16, 2, 3],
        &[8, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0],
    );
    // An empty span: offset 0, count 0.
    golden(&Vec::<u16>::new(), &[0, 0, 0, 0, 0, 0, 0, 0]);
    // An option: the tag byte, the value at its alignment.
    golden(&Some(5u32), &[1, 0, 0, 0, 5, 0, 0, 0]);
    golden(&None::<u32>, &[0, 0, 0, 0, 0, 0, 0, 0]);
    // A box: an offset to the value; an optional box: all zero when absent.
    golden(&Box::new(42u32), &[4, 0, 0, 0, 42, 0, 0, 0]);
    golden(&None::<Box<u32>>, &[0, 0, 0, 0]);
    // An out-of-line field: a pointer in the struct, the value after it.
    golden(
        &Pointed { inner: 9, tail: 3 },
        &[8, 0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0],
    );
    // A map: a span of (key, value) entries sorted by key, each a struct in
    // declaration order.
    let map = BTreeMap::from([(2u8, 20u16), (1, 10)]);
    golden(&map, &[8, 0, 0, 0, 2, 0, 0, 0, 1, 0, 10, 0, 2, 0, 20, 0]);
}

#[test]
fn unions_and_enums() {
    // Tag width 1, payload at 4 (the largest member alignment), size 8.
    golden(&Shape::Circle(9), &[0, 0, 0, 0, 9, 0, 0, 0]);
    golden(&Shape::Square(3), &[1, 0, 0, 0, 3, 0, 0, 0]);
    // An enum whose largest value is 300: two bytes.
    golden(&Mode::Auto, &[0x2c, 0x01]);
    golden(&Mode::On, &[1, 0]);
}

#[derive(Bare, Debug, PartialEq)]
struct Tagged {
    #[bare(intern)]
    tags: Vec<String>,
    #[bare(intern)]
    note: Option<String>,
    #[bare(intern)]
    labels: BTreeMap<String, String>,
}

#[test]
fn intern_reaches_strings_in_lists_options_and_maps() {
    let long = "a string longer than eight bytes";
    let value = Tagged {
        tags: vec![long.into(), long.into(), "short".into()],
        note: Some(long.into()),
        labels: BTreeMap::from([(long.to_string(), long.to_string())]),
    };
    let image = barewire::to_layout(&value);
    // Five out-of-line copies of `long` are written once.
    let copies = image
        .windows(long.len())
        .filter(|w| *w == long.as_bytes())
        .count();
    assert_eq!(copies, 1);
    assert_eq!(barewire::layout::to_owned::<Tagged>(&image).unwrap(), value);
    let view = barewire::layout::check_full::<Tagged>(&image).unwrap();
    assert_eq!(view.tags().get(1).unwrap().as_str().unwrap(), long);
    // Without the hint, each has its copy.
    let plain = barewire::to_layout(&(value.tags.clone(), value.note.clone()));
    let copies = plain
        .windows(long.len())
        .filter(|w| *w == long.as_bytes())
        .count();
    assert_eq!(copies, 3);
}

/// An explicit struct with pointers, a span and strings, written by the
/// builder, and its derived twin written by `to_layout`: the same bytes.
#[derive(barewire::Layout)]
#[repr(C)]
struct Folder {
    name: barewire::BareStr,
    files: barewire::BareSpan<File>,
    parent: Option<barewire::BarePtr<Folder>>,
}

#[derive(barewire::Layout)]
#[repr(C)]
struct File {
    size: u32,
    name: barewire::BareStr,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared")]
struct OwnedFolder {
    name: String,
    files: Vec<OwnedFile>,
    parent: Option<Box<OwnedFolder>>,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(order = "declared")]
struct OwnedFile {
    size: u32,
    name: String,
}

#[test]
fn an_explicit_struct_with_pointers_from_the_builder() {
    #[rustfmt::skip]
    let expected: &[u8] = &[
        // 0: Folder { name: "src" inline, files: span at 8 + 12 = 20 of 2,
        // parent: pointer at 16 + 44 = 60 }
        b's', b'r', b'c', 0xff, 0xff, 0xff, 0xff, 0xff,
        12, 0, 0, 0, 2, 0, 0, 0,
        44, 0, 0, 0,
        // 20: File { size: 7, name: "lib.rs" inline }
        7, 0, 0, 0, b'l', b'i', b'b', b'.', b'r', b's', 0xff, 0xff,
        // 32: File { size: 900, name: 14 bytes (0x80 | 14) out of line at
        // (36 + 4) + 4 = 44 }
        0x84, 3, 0, 0, 0x8e, 0, 0, 0, 4, 0, 0, 0,
        // 44: the long name's bytes, then padding to 4
        b'a', b'_', b'l', b'o', b'n', b'g', b'e', b'r', b'_', b'n', b'a', b'm', b'e', b'.', 0, 0,
        // 60: Folder { name: "project" inline, files: empty, parent: none }
        b'p', b'r', b'o', b'j', b'e', b'c', b't', 0xff,
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0,
    ];
    let owned = OwnedFolder {
        name: "src".into(),
        files: vec![
            OwnedFile {
                size: 7,
                name: "lib.rs".into(),
            },
            OwnedFile {
                size: 900,
                name: "a_longer_name.".into(),
            },
        ],
        parent: Some(Box::new(OwnedFolder {
            name: "project".into(),
            files: vec![],
            parent: None,
        })),
    };
    let twin = barewire::to_layout(&owned);

    // The builder, appending in the order `to_layout` writes.
    let mut b = barewire::layout::Builder::<Folder>::new();
    let files = b.reserve_span::<File>(2);
    let lib = File {
        size: 7,
        name: b.str("lib.rs"),
    };
    b.put_item(files, 0, &lib);
    let long = File {
        size: 900,
        name: b.str("a_longer_name."),
    };
    b.put_item(files, 1, &long);
    let parent = b.reserve::<Folder>();
    let project = Folder {
        name: b.str("project"),
        files: b.span(&[]),
        parent: None,
    };
    b.put(parent, &project);
    let root = Folder {
        name: b.str("src"),
        files: b.span_of(files),
        parent: Some(b.ptr(parent)),
    };
    b.put(b.root(), &root);
    let image = b.finish();

    assert_eq!(&image[..], expected);
    assert_eq!(&twin[..], expected);
    assert_eq!(
        barewire::layout::to_owned::<OwnedFolder>(&image).unwrap(),
        owned
    );
    let view = barewire::view::<Folder>(&twin).unwrap();
    let folder = view.get().unwrap();
    let files = view.span(&folder.files).unwrap();
    assert_eq!(view.str(&files[1].name).unwrap(), "a_longer_name.");
    assert_eq!(files[1].size, 900);
    let parent = view.resolve(folder.parent.as_ref().unwrap()).unwrap();
    assert_eq!(view.str(&parent.name).unwrap(), "project");
    assert!(parent.parent.is_none());
}
