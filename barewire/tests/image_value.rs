//! `Codec::read_image`: layout images of types generated from a schema,
//! read back by the schema alone. The layout rules it computes must match
//! what `#[derive(Bare)]` did for the generated types, so every image it
//! reads must give the value the wire codec decodes from `to_vec` of the
//! same Rust value; and damaged images give errors, never panics.
#![cfg(feature = "value")]

use std::collections::BTreeMap;

use barewire::schema::Schema;
use barewire::value::{Codec, Value};
use barewire::{Int, Uint};
use proptest::prelude::*;

barewire::include_schema!("tests/schemas/image_value.bare");

fn schema() -> Schema {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/schemas/image_value.bare"
    ))
    .unwrap();
    barewire::schema::parse(&text).unwrap()
}

fn leaf(value: i32) -> Node {
    Node {
        value,
        next: None,
        kids: vec![],
    }
}

fn everything(seed: u64) -> Everything {
    let n = seed as i32;
    Everything {
        flag: seed % 2 == 0,
        small: seed as u8,
        half: -(seed as i16) - 2,
        word: 0xdead_beef ^ seed as u32,
        big: u64::MAX - seed,
        neg: i64::MIN + seed as i64,
        single: 1.5 + seed as f32,
        double: -2.25 * seed as f64,
        count: Uint(u64::MAX - 1),
        delta: Int(-(seed as i64) * 1000),
        name: "short".into(),
        long_name: format!("a string longer than eight bytes, number {seed}, ünïcödé"),
        blob: (0..seed as u8 % 20).collect(),
        fixed: [1, 2, 3, 4, seed as u8],
        raw: vec![9, 8, 7],
        level: [Level::Low, Level::Mid, Level::High][seed as usize % 3],
        color: (seed % 4 != 0).then_some(Color::Blue),
        shapes: vec![
            Shape::Circle(Circle { r: 0.5 }),
            Shape::Square(Square(2.0)),
            Shape::Void,
            Shape::U8(200),
            Shape::Str("a long string member of a union".into()),
            Shape::Str("tiny".into()),
        ],
        maybe: Some("maybe, and longer than eight".into()),
        absent: None,
        pairs: BTreeMap::from([
            (Key("zeta".into()), 1),
            (Key("alpha, a long key".into()), 2),
            (Key("".into()), 3),
        ]),
        by_num: BTreeMap::from([
            (-300, "minus".into()),
            (5, "five".into()),
            (i16::MAX, "max".into()),
        ]),
        by_level: BTreeMap::from([(Level::High, true), (Level::Low, false)]),
        by_data: BTreeMap::from([
            (vec![], Square(0.0)),
            (vec![1, 2], Square(1.0)),
            (vec![1], Square(-1.0)),
        ]),
        tree: Node {
            value: n,
            next: Some(Box::new(Node {
                value: n + 1,
                next: Some(Box::new(leaf(n + 2))),
                kids: vec![leaf(7)],
            })),
            kids: vec![leaf(3), leaf(4)],
        },
        grid: [1, 2, u16::MAX],
        inner: EverythingInner {
            tag: 42,
            again: (seed < 3).then(|| Box::new(everything(seed + 10))),
        },
    }
}

/// Reads the image of `value` by the schema and decodes its wire bytes by
/// the schema: the two must agree.
fn same<T: barewire::Layout + barewire::Encode>(codec: &Codec<'_>, name: &str, value: &T) -> Value {
    let image = barewire::to_layout(value);
    let from_image = codec.read_image(name, &image).unwrap();
    let from_wire = codec.decode(name, &barewire::to_vec(value)).unwrap();
    assert_eq!(from_image, from_wire, "{name}");
    from_image
}

#[test]
fn images_of_generated_types_read_as_the_wire_decodes() {
    let schema = schema();
    let codec = Codec::new(&schema);
    for seed in 0..6 {
        same(&codec, "Everything", &everything(seed));
    }
    same(&codec, "Node", &everything(1).tree);
    for shape in everything(0).shapes {
        same(&codec, "Shape", &shape);
    }
    same(&codec, "Level", &Level::High);
    same(&codec, "Square", &Square(3.5));
    same(&codec, "Key", &Key("a key longer than eight".into()));
    let value = same(&codec, "Circle", &Circle { r: 1.0 });
    assert_eq!(codec.to_json("Circle", &value).unwrap(), r#"{"r":1.0}"#);
}

#[test]
fn computed_layouts_are_the_derived_ones() {
    use barewire::Layout;
    let schema = schema();
    let codec = Codec::new(&schema);
    for (name, size, align) in [
        ("Everything", Everything::SIZE, Everything::ALIGN),
        (
            "EverythingInner",
            EverythingInner::SIZE,
            EverythingInner::ALIGN,
        ),
        ("Node", Node::SIZE, Node::ALIGN),
        ("Shape", Shape::SIZE, Shape::ALIGN),
        ("Level", Level::SIZE, Level::ALIGN),
        ("Color", Color::SIZE, Color::ALIGN),
        ("Key", Key::SIZE, Key::ALIGN),
        ("Square", Square::SIZE, Square::ALIGN),
        ("Circle", Circle::SIZE, Circle::ALIGN),
    ] {
        if name == "EverythingInner" {
            // An anonymous type: not a schema name.
            assert!(codec.image_layout(name).is_err());
            continue;
        }
        assert_eq!(codec.image_layout(name).unwrap(), (size, align), "{name}");
    }
}

#[test]
fn deep_recursion_reads_within_the_depth_limit() {
    let schema = schema();
    let codec = Codec::new(&schema);
    let deep = |levels: i32| {
        let mut tree = leaf(0);
        for i in 0..levels {
            tree = Node {
                value: i,
                next: Some(Box::new(tree)),
                kids: vec![],
            };
        }
        tree
    };
    same(&codec, "Node", &deep(50));
    // Two levels per node (the struct, the pointer), as the wire decoder
    // counts the struct and the optional: 100 nodes fit in 256 levels.
    let image = barewire::to_layout(&deep(100));
    assert!(codec.read_image("Node", &image).is_ok());
    let image = barewire::to_layout(&deep(300));
    assert!(codec.read_image("Node", &image).is_err());
    assert!(barewire::view::<Node>(&image).is_err());
}

#[test]
fn the_image_may_sit_at_any_address() {
    let schema = schema();
    let codec = Codec::new(&schema);
    let image = barewire::to_layout(&everything(2));
    let want = codec.read_image("Everything", &image).unwrap();
    let mut shifted = vec![0u8; image.len() + 1];
    shifted[1..].copy_from_slice(&image);
    assert_eq!(codec.read_image("Everything", &shifted[1..]).unwrap(), want);
}

#[test]
fn every_damaged_byte_gives_a_value_or_an_error_never_a_panic() {
    let schema = schema();
    let codec = Codec::new(&schema);
    let image = barewire::to_layout(&everything(1)).to_vec();
    let mut errors = 0;
    for i in 0..image.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut damaged = image.clone();
            damaged[i] ^= mask;
            errors += usize::from(codec.read_image("Everything", &damaged).is_err());
        }
    }
    assert!(errors > 0);
    for len in 0..image.len() {
        let _ = codec.read_image("Everything", &image[..len]);
    }
    assert!(codec.read_image("Everything", &[]).is_err());
}

#[test]
fn hostile_images_fail_with_errors() {
    let schema = barewire::schema::parse(
        "type L list<L>\ntype V list<void>\ntype P struct { p: optional<P> }\ntype B bool\n\
         type M map<str><u8>\ntype E enum { A B = 3 }\ntype S str",
    )
    .unwrap();
    let codec = Codec::new(&schema);
    // A list whose items are the list itself: a cycle, stopped by depth or
    // the node budget.
    let mut cyclic = vec![0u8; 8];
    cyclic[4] = 1;
    assert!(codec.read_image("L", &cyclic).is_err());
    // A list of four billion voids in eight bytes.
    let huge = [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
    assert!(codec.read_image("V", &huge).is_err());
    // A pointer to itself: `optional<P>` inside P is a box.
    let mut self_ptr = vec![0u8; 8];
    self_ptr[0] = 0xfc; // -4 from position 0: outside
    assert!(codec.read_image("P", &self_ptr).is_err());
    assert!(codec.read_image("B", &[2]).is_err());
    assert!(codec.read_image("E", &[1]).is_err());
    assert_eq!(
        codec.read_image("E", &[3]).unwrap(),
        Value::Enum("B".into())
    );
    // Invalid UTF-8 inline, and padding that is not 0xff.
    assert!(
        codec
            .read_image("S", &[0xc3, 0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
            .is_err()
    );
    assert!(
        codec
            .read_image("S", &[b'a', 0xff, b'b', 0xff, 0xff, 0xff, 0xff, 0xff])
            .is_err()
    );
    // Map keys out of order.
    let m = barewire::to_layout(&BTreeMap::from([
        ("a".to_string(), 1u8),
        ("b".to_string(), 2),
    ]));
    assert!(codec.read_image("M", &m).is_ok());
    let mut swapped = m.to_vec();
    let entries = swapped.len() - 24;
    let (first, second) = swapped[entries..].split_at_mut(12);
    first.swap_with_slice(second);
    assert!(codec.read_image("M", &swapped).is_err());
    assert!(codec.read_image("Nope", &m).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_trees_and_damage(values in proptest::collection::vec(any::<i32>(), 0..12),
                               at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let schema = schema();
        let codec = Codec::new(&schema);
        let mut tree = leaf(0);
        for (i, v) in values.iter().enumerate() {
            tree = if i % 2 == 0 {
                Node { value: *v, next: Some(Box::new(tree)), kids: vec![] }
            } else {
                Node { value: *v, next: None, kids: vec![tree, leaf(*v)] }
            };
        }
        same(&codec, "Node", &tree);
        let mut image = barewire::to_layout(&tree).to_vec();
        let i = at.index(image.len());
        image[i] = byte;
        let _ = codec.read_image("Node", &image);
    }
}

/// The schema of `tests/codegen.rs`: an alias map key, `list<u8>` kept
/// apart from `data` (a newtype in a map value), a recursive tree.
mod codegen_schema {
    barewire::include_schema!("tests/schemas/codegen.bare");
}

#[test]
fn the_codegen_schema_reads_too() {
    use codegen_schema::*;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/schemas/codegen.bare"
    ))
    .unwrap();
    let schema = barewire::schema::parse(&text).unwrap();
    let codec = Codec::new(&schema);
    same(
        &codec,
        "Names",
        &Names(BTreeMap::from([
            (Key("b".into()), "bee".to_string()),
            (Key("a long key, out of line".into()), "ay".to_string()),
        ])),
    );
    same(
        &codec,
        "Bytes",
        &Bytes {
            blob: vec![1, 2],
            raw: vec![3],
            fixed: [4; 4],
            fixed_list: [5; 2],
            both: BTreeMap::from([
                (vec![6], BytesBothList(vec![7, 8])),
                (vec![], BytesBothList(vec![])),
            ]),
        },
    );
    let leaf = |value| Tree {
        value,
        left: None,
        right: None,
        kids: vec![],
    };
    same(
        &codec,
        "Tree",
        &Tree {
            value: 1,
            left: Some(Box::new(leaf(2))),
            right: None,
            kids: vec![leaf(3), leaf(4)],
        },
    );
    for shape in [
        Shape::Circle(Circle { r: 1.0 }),
        Shape::Square(Square(2.0)),
        Shape::Void,
        Shape::U8(3),
    ] {
        same(&codec, "Shape", &shape);
    }
    assert_eq!(
        codec.image_layout("Level").unwrap(),
        (
            <Level as barewire::Layout>::SIZE,
            <Level as barewire::Layout>::ALIGN
        )
    );
}
