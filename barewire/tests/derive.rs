//! `#[derive(Bare)]`: exact bytes, round trips and schema text.

use std::collections::BTreeMap;

use barewire::{Bare, Error, Int, Uint};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    request: String,
    code: u16,
    size: u64,
}

#[derive(Bare, Debug, PartialEq)]
struct LogRef<'a> {
    address: [u8; 4],
    request: &'a str,
    code: u16,
    size: u64,
}

#[test]
fn struct_exact_bytes_and_round_trip() {
    let log = Log {
        address: [127, 0, 0, 1],
        request: "GET /".into(),
        code: 200,
        size: 1024,
    };
    let bytes = barewire::to_vec(&log);
    let mut expected = vec![127, 0, 0, 1, 5];
    expected.extend_from_slice(b"GET /");
    expected.extend_from_slice(&200u16.to_le_bytes());
    expected.extend_from_slice(&1024u64.to_le_bytes());
    assert_eq!(bytes, expected);
    assert_eq!(barewire::from_slice::<Log>(&bytes).unwrap(), log);

    let borrowed: LogRef<'_> = barewire::from_slice(&bytes).unwrap();
    assert_eq!(borrowed.request, "GET /");
    let range = bytes.as_ptr_range();
    assert!(
        range.contains(&borrowed.request.as_ptr()),
        "the string points into the input"
    );
    assert_eq!(barewire::to_vec(&borrowed), bytes);
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct Vec3([f32; 3]);

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct Triangle {
    a: Vec3,
    b: Vec3,
    c: Vec3,
    normal: Vec3,
}

#[test]
fn plain_structs_are_bulk_copied_and_exact() {
    assert!(<Triangle as barewire::Encode>::PLAIN.is_plain());
    assert!(<Triangle as barewire::Decode<'_>>::PLAIN.is_plain());
    assert!(!<Log as barewire::Encode>::PLAIN.is_plain());
    let tri = Triangle {
        a: Vec3([1.0, 2.0, 3.0]),
        b: Vec3([4.0, 5.0, 6.0]),
        c: Vec3([7.0, 8.0, 9.0]),
        normal: Vec3([0.0, 0.0, f32::from_bits(0x7fc0_0001)]),
    };
    let mesh = vec![tri; 3];
    let bytes = barewire::to_vec(&mesh);
    assert_eq!(bytes.len(), 1 + 3 * 48);
    assert_eq!(&bytes[1..5], &1.0f32.to_le_bytes());
    assert_eq!(&bytes[45..49], &0x7fc0_0001u32.to_le_bytes());
    let back: Vec<Triangle> = barewire::from_slice(&bytes).unwrap();
    assert_eq!(back[2].a, tri.a);
    assert_eq!(back[2].normal.0[2].to_bits(), 0x7fc0_0001);
}

#[derive(Bare, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Department {
    Accounting,
    Administration,
    CustomerService,
    Development,
    Jsmith = 99,
}

#[test]
fn enums_use_the_discriminant() {
    assert_eq!(barewire::to_vec(&Department::Administration), [1]);
    assert_eq!(barewire::to_vec(&Department::Jsmith), [99]);
    assert_eq!(
        barewire::from_slice::<Department>(&[99]).unwrap(),
        Department::Jsmith
    );
    let err = barewire::from_slice::<Department>(&[4]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownEnumValue {
                offset: 0,
                value: 4,
                type_name: "Department"
            }
        ),
        "{err}"
    );
    let mut map = BTreeMap::new();
    map.insert(Department::Development, "dev".to_string());
    let bytes = barewire::to_vec(&map);
    assert_eq!(bytes, [1, 3, 3, b'd', b'e', b'v']);
    assert_eq!(
        barewire::schema::<Department>(),
        "type Department enum {\n  ACCOUNTING\n  ADMINISTRATION\n  CUSTOMER_SERVICE\n  DEVELOPMENT\n  JSMITH = 99\n}\n"
    );
}

#[derive(Bare, Debug, Clone, PartialEq)]
enum Shape {
    Circle(f32),
    #[bare(tag = 5)]
    Rect {
        w: f32,
        h: f32,
    },
    Empty,
    Named(Log),
}

#[test]
fn unions_follow_tags() {
    assert_eq!(barewire::to_vec(&Shape::Circle(1.0)), [0, 0, 0, 0x80, 0x3f]);
    assert_eq!(
        barewire::to_vec(&Shape::Rect { w: 0.0, h: 0.0 }),
        [5, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(barewire::to_vec(&Shape::Empty), [6]);
    for shape in [
        Shape::Circle(2.5),
        Shape::Rect { w: 1.0, h: 2.0 },
        Shape::Empty,
    ] {
        let bytes = barewire::to_vec(&shape);
        assert_eq!(barewire::from_slice::<Shape>(&bytes).unwrap(), shape);
    }
    let err = barewire::from_slice::<Shape>(&[1]).unwrap_err();
    assert!(matches!(
        err,
        Error::UnknownUnionTag {
            offset: 0,
            tag: 1,
            type_name: "Shape"
        }
    ));
    let schema = barewire::schema::<Shape>();
    assert!(
        schema.ends_with("type Shape union { ShapeCircle | ShapeRect = 5 | ShapeEmpty | Log }\n"),
        "{schema}"
    );
    let parsed = barewire::schema::parse(&schema).unwrap();
    assert_eq!(parsed, barewire::schema_model::<Shape>());
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Wrapper<T> {
    inner: T,
    count: Uint,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Pair<'a, T> {
    name: &'a str,
    both: (Wrapper<T>, Wrapper<String>),
}

#[test]
fn generics_and_lifetimes() {
    let w = Wrapper {
        inner: 7u32,
        count: Uint(300),
    };
    assert_eq!(barewire::to_vec(&w), [7, 0, 0, 0, 0xac, 0x02]);
    let p = Pair {
        name: "p",
        both: (
            w.clone(),
            Wrapper {
                inner: "x".to_string(),
                count: Uint(0),
            },
        ),
    };
    let bytes = barewire::to_vec(&p);
    let back: Pair<'_, u32> = barewire::from_slice(&bytes).unwrap();
    assert_eq!(back, p);
    let schema = barewire::schema::<Pair<'_, u32>>();
    assert!(schema.contains("type WrapperU32 struct"), "{schema}");
    assert!(schema.contains("type WrapperStr struct"), "{schema}");
    assert!(schema.contains("type PairU32 struct"), "{schema}");
    assert_eq!(
        barewire::schema::parse(&schema).unwrap(),
        barewire::schema_model::<Pair<'_, u32>>()
    );
}

#[derive(Bare, Debug, PartialEq)]
struct Node {
    value: Int,
    next: Option<Box<Node>>,
}

#[derive(Bare, Debug, PartialEq)]
enum Expr {
    Lit(i64),
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
}

#[test]
fn recursive_types() {
    let list = Node {
        value: Int(-1),
        next: Some(Box::new(Node {
            value: Int(1),
            next: None,
        })),
    };
    let bytes = barewire::to_vec(&list);
    assert_eq!(bytes, [1, 1, 2, 0]);
    assert_eq!(barewire::from_slice::<Node>(&bytes).unwrap(), list);
    let e = Expr::Add(
        Box::new(Expr::Lit(1)),
        Box::new(Expr::Neg(Box::new(Expr::Lit(2)))),
    );
    let bytes = barewire::to_vec(&e);
    assert_eq!(barewire::from_slice::<Expr>(&bytes).unwrap(), e);
    assert_eq!(
        barewire::schema::<Node>(),
        "type Node struct {\n  value: int\n  next: optional<Node>\n}\n"
    );
    let schema = barewire::schema::<Expr>();
    assert_eq!(
        barewire::schema::parse(&schema).unwrap(),
        barewire::schema_model::<Expr>(),
        "{schema}"
    );
}

#[derive(Bare, Debug, PartialEq, Default)]
struct Renamed {
    #[bare(rename = "userId")]
    id: u32,
    #[bare(skip)]
    cache: Vec<u8>,
    order_count: u8,
}

#[derive(Bare, Debug, PartialEq)]
#[bare(rename = "Id")]
struct UserId(u64);

#[derive(Bare, Debug, PartialEq)]
struct Unit;

#[test]
fn renames_skips_newtypes_and_units() {
    let r = Renamed {
        id: 1,
        cache: vec![9],
        order_count: 2,
    };
    let bytes = barewire::to_vec(&r);
    assert_eq!(bytes, [1, 0, 0, 0, 2]);
    assert_eq!(
        barewire::from_slice::<Renamed>(&bytes).unwrap(),
        Renamed {
            id: 1,
            cache: vec![],
            order_count: 2
        }
    );
    assert_eq!(
        barewire::schema::<Renamed>(),
        "type Renamed struct {\n  userId: u32\n  orderCount: u8\n}\n"
    );
    assert_eq!(barewire::schema::<UserId>(), "type Id u64\n");
    assert_eq!(barewire::to_vec(&UserId(1)), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(barewire::to_vec(&Unit), Vec::<u8>::new());
    assert_eq!(barewire::from_slice::<Unit>(&[]).unwrap(), Unit);
    assert_eq!(barewire::schema::<Unit>(), "type Unit void\n");
}

#[derive(Bare, Debug, PartialEq)]
struct Defaulted<S = String> {
    name: S,
}

#[test]
fn default_type_parameters() {
    let d: Defaulted = Defaulted { name: "x".into() };
    let bytes = barewire::to_vec(&d);
    assert_eq!(barewire::from_slice::<Defaulted>(&bytes).unwrap(), d);
    let image = barewire::to_layout(&d);
    assert_eq!(
        barewire::view::<Defaulted>(&image)
            .unwrap()
            .name()
            .as_str()
            .unwrap(),
        "x"
    );
}

#[test]
fn streams_of_zero_byte_messages_end() {
    let mut decoder = barewire::SliceDecoder::new(&[1, 2]);
    assert!(matches!(
        decoder.decode::<()>(),
        Err(barewire::Error::TrailingBytes {
            offset: 0,
            remaining: 2
        })
    ));
    assert_eq!(
        barewire::SliceDecoder::new(&[]).decode::<()>().unwrap(),
        None
    );
    let mut io = barewire::IoDecoder::new(std::io::Cursor::new(vec![7u8]));
    assert!(io.decode::<()>().is_err());
}

/// A map keyed by a type parameter: the derive asks the caller for what the
/// key needs (`MapKey` for the wire, `LayoutKey` for the layout).
#[derive(Bare, Debug, PartialEq)]
struct Index<K: Ord> {
    entries: BTreeMap<K, u32>,
}

/// A recursive generic type: its recursive field gets no bound of its own.
#[derive(Bare, Debug, PartialEq)]
struct Tree<T> {
    value: T,
    children: Vec<Tree<T>>,
}

#[test]
fn generic_field_types_get_their_bounds() {
    let index = Index {
        entries: BTreeMap::from([("b".to_string(), 2), ("a".to_string(), 1)]),
    };
    let bytes = barewire::to_vec(&index);
    assert_eq!(
        barewire::from_slice::<Index<String>>(&bytes).unwrap(),
        index
    );
    let image = barewire::to_layout(&index);
    assert_eq!(
        barewire::view::<Index<String>>(&image)
            .unwrap()
            .entries()
            .get("b"),
        Some(2)
    );
    let tree = Tree {
        value: 1u8,
        children: vec![Tree {
            value: 2,
            children: vec![],
        }],
    };
    let bytes = barewire::to_vec(&tree);
    assert_eq!(barewire::from_slice::<Tree<u8>>(&bytes).unwrap(), tree);
    assert_eq!(
        barewire::layout::to_owned::<Tree<u8>>(&barewire::to_layout(&tree)).unwrap(),
        tree
    );
}
