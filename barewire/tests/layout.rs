//! The zero-copy layout: write, view in place, mutate, and rebuild.

use std::collections::BTreeMap;

use barewire::layout::{self, LayoutTable};
use barewire::{Bare, Error, Int, Uint};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    request: String,
    code: u16,
    size: u64,
}

fn log(i: u16) -> Log {
    Log {
        address: [10, 0, (i >> 8) as u8, i as u8],
        request: format!("GET /item/{i}"),
        code: 200 + i % 3,
        size: u64::from(i) * 1000,
    }
}

#[test]
fn struct_round_trip_and_accessors() {
    let value = log(7);
    let image = barewire::to_layout(&value);
    let view = barewire::view::<Log>(&image).unwrap();
    assert_eq!(view.address().as_array(), &[10, 0, 0, 7]);
    assert_eq!(view.request().as_str().unwrap(), "GET /item/7");
    assert_eq!(view.code(), 201);
    assert_eq!(view.size(), 7000);
    assert_eq!(layout::to_owned::<Log>(&image).unwrap(), value);
    assert!(format!("{view:?}").contains("GET /item/7"));
}

#[test]
fn level_one_order_minimizes_padding() {
    let table = LayoutTable::of::<Log>();
    assert_eq!((table.size, table.align), (24, 8));
    let offsets: Vec<(&str, usize)> = table.fields.iter().map(|f| (f.name, f.offset)).collect();
    assert_eq!(
        offsets,
        [("address", 18), ("request", 8), ("code", 16), ("size", 0)]
    );
    // Only tail padding: 22 bytes of fields in a 24-byte, 8-aligned record.
    assert_eq!(
        table
            .fields
            .iter()
            .map(|f| f.padding_after)
            .collect::<Vec<_>>(),
        [2, 0, 0, 0]
    );
    let printed = table.to_string();
    assert!(printed.contains("24 bytes, align 8"), "{printed}");
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared", align = 16)]
struct Declared {
    flag: bool,
    #[bare(align = 8)]
    value: u32,
    small: u8,
}

#[test]
fn hints_steer_the_layout() {
    let t = LayoutTable::of::<Declared>();
    assert_eq!(t.align, 16);
    assert_eq!(
        t.fields.iter().map(|f| f.offset).collect::<Vec<_>>(),
        [0, 8, 12]
    );
    assert_eq!(t.fields[0].padding_after, 7);
    assert_eq!(t.size, 16);
    let v = Declared {
        flag: true,
        value: 9,
        small: 3,
    };
    let image = barewire::to_layout(&v);
    assert_eq!(
        &image[..16],
        &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 3, 0, 0, 0]
    );
    assert_eq!(layout::to_owned::<Declared>(&image).unwrap(), v);
}

#[test]
fn mutable_views_set_scalars_in_place() {
    let logs: Vec<Log> = (0..5).map(log).collect();
    let mut image = barewire::to_layout(&logs);
    {
        let mut list = barewire::view_mut::<Vec<Log>>(&mut image).unwrap();
        for i in 0..list.len() {
            let mut rec = list.get_mut(i).unwrap();
            rec.code_mut().set(404);
            let size = rec.size_mut().get();
            rec.size_mut().set(size + 1);
        }
    }
    let back = layout::to_owned::<Vec<Log>>(&image).unwrap();
    assert!(back.iter().all(|l| l.code == 404));
    assert_eq!(back[3].size, 3001);
    assert_eq!(back[3].request, "GET /item/3");
}

#[derive(Bare, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Low = 1,
    High = 300,
}

#[derive(Bare, Debug, Clone, PartialEq)]
enum Shape {
    Circle(f32),
    #[bare(tag = 5)]
    Rect {
        w: f32,
        h: f64,
    },
    Empty,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Scene {
    shapes: Vec<Shape>,
    level: Level,
    name: Option<String>,
    parent: Option<Box<Scene>>,
    tags: BTreeMap<String, Uint>,
    by_level: BTreeMap<Level, Int>,
    #[bare(out_of_line)]
    big: [u64; 4],
    #[bare(intern)]
    kind: String,
}

fn scene(depth: u32) -> Scene {
    Scene {
        shapes: vec![
            Shape::Circle(1.5),
            Shape::Rect { w: 2.0, h: 3.0 },
            Shape::Empty,
        ],
        level: if depth % 2 == 0 {
            Level::High
        } else {
            Level::Low
        },
        name: (depth > 0).then(|| format!("scene number {depth}")),
        parent: (depth > 0).then(|| Box::new(scene(depth - 1))),
        tags: BTreeMap::from([("zeta".into(), Uint(1)), ("alpha".into(), Uint(u64::MAX))]),
        by_level: BTreeMap::from([(Level::High, Int(-5)), (Level::Low, Int(7))]),
        big: [1, 2, 3, u64::from(depth)],
        kind: "a shared kind of scene".into(),
    }
}

#[test]
fn unions_enums_options_boxes_maps_and_hints() {
    let value = scene(3);
    let image = barewire::to_layout(&value);
    let view = barewire::view::<Scene>(&image).unwrap();
    let shapes = view.shapes();
    assert_eq!(shapes.len(), 3);
    assert_eq!(shapes.get(0).unwrap().as_circle(), Some(1.5));
    assert_eq!(shapes.get(1).unwrap().as_rect(), Some((2.0, 3.0)));
    assert_eq!(shapes.get(1).unwrap().tag(), 5);
    assert!(shapes.get(2).unwrap().is_empty());
    assert_eq!(view.level(), Level::Low);
    assert_eq!(view.name().unwrap().as_str().unwrap(), "scene number 3");
    let parent = view.parent().unwrap();
    assert_eq!(parent.level(), Level::High);
    assert_eq!(
        parent
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .parent()
            .map(|p| p.level()),
        None
    );
    assert_eq!(view.tags().get("alpha"), Some(Uint(u64::MAX)));
    assert_eq!(view.tags().get("beta"), None);
    assert_eq!(view.by_level().get(&Level::High), Some(Int(-5)));
    assert_eq!(view.big().as_slice(), &[1, 2, 3, 3]);
    assert_eq!(view.kind().as_str().unwrap(), "a shared kind of scene");
    assert_eq!(layout::to_owned::<Scene>(&image).unwrap(), value);
    // Interned: the four copies of `kind` share one copy of the bytes.
    let text = b"a shared kind of scene";
    let copies = image.windows(text.len()).filter(|w| w == text).count();
    assert_eq!(copies, 1);
    let full = layout::check_full::<Scene>(&image).unwrap();
    assert_eq!(full.level(), Level::Low);
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Borrowing<'a> {
    name: &'a str,
    data: &'a [u8],
}

#[test]
fn borrowed_types_rebuild_without_copies() {
    let value = Borrowing {
        name: "a name that is long",
        data: &[1, 2, 3],
    };
    let image = barewire::to_layout(&value);
    let back: Borrowing<'_> = layout::to_owned(&image).unwrap();
    assert_eq!(back, value);
    assert!(image.as_ptr_range().contains(&back.name.as_ptr()));
}

#[test]
fn plain_lists_are_copied_and_read_as_slices() {
    #[derive(Bare, Debug, Clone, Copy, PartialEq)]
    struct Tri {
        a: [f32; 3],
        b: [f32; 3],
        c: [f32; 3],
        n: [f32; 3],
    }
    assert!(<Tri as barewire::Layout>::PLAIN.is_plain());
    const { assert!(<Tri as barewire::Layout>::TRIVIAL) };
    let mesh: Vec<Tri> = (0..100)
        .map(|i| Tri {
            a: [i as f32; 3],
            b: [1.0; 3],
            c: [2.0; 3],
            n: [0.0, 0.0, 1.0],
        })
        .collect();
    let image = barewire::to_layout(&mesh);
    let view = barewire::view::<Vec<Tri>>(&image).unwrap();
    assert_eq!(view.len(), 100);
    assert_eq!(view.get(42).unwrap().a().as_slice(), &[42.0; 3]);
    assert_eq!(layout::to_owned::<Vec<Tri>>(&image).unwrap(), mesh);
}

#[test]
fn bad_images_are_errors() {
    let image = barewire::to_layout(&scene(2));
    // Truncated anywhere: an error or (for a cut in unused tail) fine, never a panic.
    for len in 0..image.len() {
        let cut = barewire::layout::LayoutBuf::from_bytes(&image[..len]);
        let _ = barewire::view::<Scene>(&cut);
        let _ = layout::to_owned::<Scene>(&cut);
    }
    assert!(barewire::view::<Scene>(&image[..10]).is_err());
    // Every single-byte change: Ok or Err, never a panic, and a checked view reads in full.
    for i in 0..image.len() {
        let mut bad = image.clone();
        bad[i] ^= 0xa5;
        if let Ok(view) = barewire::view::<Scene>(&bad) {
            let _ = format!("{view:?}");
            let _: u64 = view.shapes().iter().map(|s| s.tag()).sum();
            let _ = layout::to_owned::<Scene>(&bad);
        }
    }
    // A misaligned buffer is an error.
    let mut shifted = barewire::layout::LayoutBuf::zeroed(image.len() + 1);
    shifted[1..].copy_from_slice(&image);
    assert!(matches!(
        barewire::view::<Scene>(&shifted[1..]),
        Err(Error::Misaligned { .. })
    ));
}

#[test]
fn cyclic_and_aliased_images_terminate() {
    #[derive(Bare, Debug, PartialEq)]
    struct Node {
        next: Option<Box<Node>>,
        items: Vec<Node>,
    }
    // A node whose `next` points back at itself: a cycle.
    let image = barewire::to_layout(&Node {
        next: Some(Box::new(Node {
            next: None,
            items: vec![],
        })),
        items: vec![],
    });
    let mut bad = image.clone();
    // Point the inner node's `next` back at the root.
    let next_at = LayoutTable::of::<Node>().fields[0].offset;
    let inner =
        next_at + i32::from_le_bytes(image[next_at..next_at + 4].try_into().unwrap()) as usize;
    let field = inner + next_at;
    bad[field..field + 4].copy_from_slice(&(-(field as i32)).to_le_bytes());
    let err = barewire::view::<Node>(&bad).unwrap_err();
    assert!(
        matches!(err, Error::DepthLimit { .. } | Error::InvalidLayout { .. }),
        "{err}"
    );
    assert!(layout::to_owned::<Node>(&bad).is_err());

    // A list whose items all alias one list of the same shape: exponential if unbounded.
    let mut w = layout::Writer::with_capacity(256);
    let root = w.alloc(8, 4);
    let items = w.alloc(2 * 12, 4);
    for (field, target, len) in [
        (root, items, 2u32),
        (items + 4, items, 2),
        (items + 16, items, 2),
    ] {
        w.put_offset(field, target);
        w.put(field + 4, &len.to_le_bytes());
    }
    let aliased = w.finish();
    assert!(barewire::view::<Vec<Node>>(&aliased).is_err());
}

#[test]
fn strings_are_checked_when_read() {
    let logs: Vec<Log> = (0..3).map(log).collect();
    let image = barewire::to_layout(&logs);
    // Point the second record's request past the end of the image.
    let view = barewire::view::<Vec<Log>>(&image).unwrap();
    let request_field = LayoutTable::of::<Log>().fields[1].offset;
    let record = view.get(1).unwrap();
    assert_eq!(record.request().as_str().unwrap(), "GET /item/1");
    let mut bad = image.clone();
    // Find the record's request repr: scan for the out-of-line head of "GET /item/1" (11 bytes).
    let head = [0x80 | 11u8, 0, 0, 0];
    let at = bad.windows(4).position(|w| w == head).unwrap();
    assert_eq!((at - request_field) % 8, 0);
    bad[at + 4..at + 8].copy_from_slice(&i32::MAX.to_le_bytes());
    let view = barewire::view::<Vec<Log>>(&bad).expect("strings are not checked by view");
    let broken = (0..3)
        .map(|i| view.get(i).unwrap().request().as_str())
        .filter(Result::is_err)
        .count();
    assert_eq!(broken, 1);
    assert_eq!(view.get(0).unwrap().code(), 200);
    assert!(layout::check_full::<Vec<Log>>(&bad).is_err());
    assert!(layout::to_owned::<Vec<Log>>(&bad).is_err());
    // Map keys are checked up front, so lookups never read out of bounds.
    let map = std::collections::BTreeMap::from([("a key longer than 8".to_string(), 1u8)]);
    let mut image = barewire::to_layout(&map);
    let at = image
        .windows(4)
        .position(|w| w == [0x80 | 19u8, 0, 0, 0])
        .unwrap();
    image[at + 4..at + 8].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(barewire::view::<std::collections::BTreeMap<String, u8>>(&image).is_err());
}

#[test]
fn empty_buffers_are_aligned_too() {
    let empty = barewire::layout::LayoutBuf::new();
    assert_eq!(empty.as_ptr() as usize % barewire::layout::MAX_ALIGN, 0);
    assert!(barewire::view::<()>(&empty).is_ok());
    let image = barewire::to_layout(&());
    assert_eq!(image.len(), 0);
    assert!(barewire::view::<()>(&image).is_ok());
}

/// Union members named with acronyms and digits: one case converter names
/// the accessors (acronyms are words, as in heck's `snake_case`) and the
/// schema's enum members.
#[derive(Bare, Debug, Clone, PartialEq)]
enum Endpoint {
    HTTPServer(u16),
    IOError,
    Vec3D([u8; 3]),
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
enum Fault {
    IOError,
    HTTPTimeout,
}

#[test]
fn accessors_treat_acronyms_as_words() {
    let values = vec![
        Endpoint::HTTPServer(8080),
        Endpoint::IOError,
        Endpoint::Vec3D([1, 2, 3]),
    ];
    let image = barewire::to_layout(&values);
    let view = barewire::view::<Vec<Endpoint>>(&image).unwrap();
    assert_eq!(view.get(0).unwrap().as_http_server(), Some(8080));
    assert!(view.get(1).unwrap().is_io_error());
    assert!(!view.get(0).unwrap().is_io_error());
    assert_eq!(
        view.get(2)
            .unwrap()
            .as_vec3_d()
            .map(|v| v.as_slice().to_vec()),
        Some(vec![1, 2, 3])
    );
    let schema = barewire::schema::<Fault>();
    assert!(schema.contains("IO_ERROR"), "{schema}");
    assert!(schema.contains("HTTP_TIMEOUT"), "{schema}");
}

/// A field-less enum without `Debug` (nor `Clone`/`Copy`).
#[derive(barewire::Bare, PartialEq)]
enum Mode {
    Off,
    On,
    Auto = 300,
}

#[derive(barewire::Bare)]
struct Device {
    id: u32,
    mode: Mode,
}

#[test]
fn enum_fields_are_set_in_place_and_views_debug_without_enum_debug() {
    let mut image = barewire::to_layout(&Device {
        id: 7,
        mode: Mode::On,
    });
    {
        let mut view = layout::view_mut::<Device>(&mut image).unwrap();
        let mut mode = view.mode_mut();
        assert!(mode.get() == Mode::On);
        mode.set(Mode::Auto);
        assert!(mode.get() == Mode::Auto);
    }
    let view = barewire::view::<Device>(&image).unwrap();
    assert!(view.mode() == Mode::Auto);
    let debug = format!("{view:?}");
    assert!(debug.contains("id: 7"), "{debug}");
    assert!(debug.contains("Mode"), "{debug}");
    let back = layout::to_owned::<Device>(&image).unwrap();
    assert!(back.mode == Mode::Auto && back.id == 7);
}
