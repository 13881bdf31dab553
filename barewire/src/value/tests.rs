use std::string::ToString;
use std::vec;
use std::vec::Vec;

use super::{Codec, Value, ValueError};
use crate::error::Error;
use crate::schema::parse;

const SCHEMA: &str = "
type Color enum { RED GREEN = 5 BLUE }
type Name str
type Shape union { Circle | Square = 3 | u8 }
type Circle struct { r: f64 }
type Square struct { side: f32 }
type All struct {
  u: uint
  i: int
  a: u8
  b: u16
  c: u32
  d: u64
  e: i8
  f: i16
  g: i32
  h: i64
  on: bool
  name: Name
  blob: data
  fixed: data[3]
  nothing: void
  color: Color
  maybe: optional<u16>
  items: list<i8>
  three: list<bool>[3]
  byName: map<Name><u8>
  byNumber: map<u32><str>
  shape: Shape
}
type Tree struct { kids: list<Tree> }
type Voids list<void>
type ManyVoids list<void>[18446744073709551615]
";

fn all_bytes() -> Vec<u8> {
    let mut b = vec![0xac, 0x02, 0x03]; // uint 300, int -2
    b.push(0xff); // a
    b.extend_from_slice(&0xfffe_u16.to_le_bytes());
    b.extend_from_slice(&7_u32.to_le_bytes());
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    b.push(0x80); // i8 -128
    b.extend_from_slice(&(-2_i16).to_le_bytes());
    b.extend_from_slice(&i32::MIN.to_le_bytes());
    b.extend_from_slice(&i64::MIN.to_le_bytes());
    b.push(1); // bool
    b.extend_from_slice(&[2, b'h', b'i']);
    b.extend_from_slice(&[2, 0xde, 0xad]);
    b.extend_from_slice(&[1, 2, 3]);
    b.push(6); // BLUE
    b.extend_from_slice(&[1, 9, 0]); // maybe 9
    b.extend_from_slice(&[2, 0xff, 1]); // items [-1, 1]
    b.extend_from_slice(&[1, 0, 1]); // three
    b.extend_from_slice(&[2, 1, b'x', 1, 1, b'y', 2]); // byName
    b.extend_from_slice(&[1, 5, 0, 0, 0, 1, b'z']); // byNumber
    b.push(3); // Square
    b.extend_from_slice(&f32::NAN.to_le_bytes());
    b
}

const ALL_JSON: &str = concat!(
    r#"{"u":300,"i":-2,"a":255,"b":65534,"c":7,"d":18446744073709551615,"e":-128,"f":-2,"#,
    r#""g":-2147483648,"h":-9223372036854775808,"on":true,"name":"hi","blob":"3q0=","#,
    r#""fixed":"AQID","nothing":null,"color":"BLUE","maybe":9,"items":[-1,1],"#,
    r#""three":[true,false,true],"byName":{"x":1,"y":2},"byNumber":[[5,"z"]],"#,
    r#""shape":{"Square":{"side":"NaN"}}}"#
);

#[test]
fn every_kind_decodes_encodes_and_maps_to_json_exactly() {
    let schema = parse(SCHEMA).unwrap();
    let codec = Codec::new(&schema);
    let bytes = all_bytes();
    let value = codec.decode("All", &bytes).unwrap();
    assert_eq!(codec.encode("All", &value).unwrap(), bytes);
    let json = codec.to_json("All", &value).unwrap();
    assert_eq!(json, ALL_JSON);
    let back = codec.from_json("All", &json).unwrap();
    assert_eq!(codec.encode("All", &back).unwrap(), bytes);
    // Pretty output parses to the same value.
    let pretty = codec.to_json_pretty("All", &value).unwrap();
    assert!(
        pretty.contains("\n  \"byNumber\": [\n    [\n      5,\n"),
        "{pretty}"
    );
    assert_eq!(
        codec
            .encode("All", &codec.from_json("All", &pretty).unwrap())
            .unwrap(),
        bytes
    );
}

#[test]
fn floats_map_to_numbers_or_named_strings() {
    let schema = parse("type F f64 type G f32").unwrap();
    let codec = Codec::new(&schema);
    for (v, text) in [
        (f64::INFINITY, r#""inf""#),
        (f64::NEG_INFINITY, r#""-inf""#),
        (1e300, "1e300"),
        (-0.0, "-0.0"),
        (0.1, "0.1"),
        (5e-324, "5e-324"),
    ] {
        let json = codec.to_json("F", &Value::F64(v)).unwrap();
        assert_eq!(json, text);
        let back = codec.from_json("F", &json).unwrap();
        assert_eq!(codec.encode("F", &back).unwrap(), v.to_le_bytes());
    }
    assert_eq!(codec.from_json("G", "1").unwrap(), Value::F32(1.0));
    assert!(codec.from_json("G", "1e300").is_err());
    assert!(codec.from_json("G", r#""nan""#).is_err());
    assert_eq!(codec.to_json("G", &Value::F32(0.1)).unwrap(), "0.1");
}

#[test]
fn json_that_does_not_fit_is_rejected_with_its_path() {
    let schema = parse(SCHEMA).unwrap();
    let codec = Codec::new(&schema);
    let good: serde_json::Value = serde_json::from_str(ALL_JSON).unwrap();
    let cases: &[(&str, serde_json::Value, &str)] = &[
        ("a", 256.into(), "JSON at $.a: 256 is out of range for u8"),
        (
            "e",
            (-129).into(),
            "JSON at $.e: -129 is out of range for i8",
        ),
        ("d", (-1).into(), "JSON at $.d: -1 is out of range for u64"),
        (
            "h",
            serde_json::json!(9223372036854775808u64),
            "JSON at $.h: 9223372036854775808 is out of range for i64",
        ),
        (
            "u",
            serde_json::json!(1.5),
            "JSON at $.u: expected an integer, found a number",
        ),
        (
            "fixed",
            "AQI=".into(),
            "JSON at $.fixed: data[3] needs exactly 3 bytes, found 2",
        ),
        (
            "blob",
            "3q0".into(),
            "JSON at $.blob: invalid base64: Invalid padding",
        ),
        (
            "three",
            serde_json::json!([true]),
            "JSON at $.three: list<bool>[3] needs exactly 3 items, found 1",
        ),
        (
            "color",
            "PINK".into(),
            "JSON at $.color: enum Color has no member \"PINK\"",
        ),
        (
            "items",
            serde_json::json!([1, 200]),
            "JSON at $.items[1]: 200 is out of range for i8",
        ),
        (
            "shape",
            serde_json::json!({"Hexagon": 1}),
            "JSON at $.shape: no union member \"Hexagon\" (members: Circle, Square, u8)",
        ),
        (
            "shape",
            serde_json::json!({"u8": 1, "Circle": {"r": 1}}),
            "JSON at $.shape: a union is an object with one key, found 2 keys",
        ),
        (
            "shape",
            serde_json::json!({"Square": {"side": 1, "x": 2}}),
            "JSON at $.shape{Square}: unknown field \"x\"",
        ),
        (
            "byNumber",
            serde_json::json!([[1, "a"], [1, "b"]]),
            "JSON at $.byNumber[1][0]: the same map key twice",
        ),
        (
            "byNumber",
            serde_json::json!([[1]]),
            "JSON at $.byNumber[0]: expected a [key, value] pair, found an array",
        ),
        (
            "nothing",
            0.into(),
            "JSON at $.nothing: expected null, found an integer",
        ),
    ];
    for (field, bad, message) in cases {
        let mut json = good.clone();
        json[*field] = bad.clone();
        let err = codec.from_json_value("All", &json).unwrap_err();
        assert_eq!(err.to_string(), *message);
    }
    let mut json = good.clone();
    json.as_object_mut().unwrap().remove("on");
    assert_eq!(
        codec.from_json_value("All", &json).unwrap_err().to_string(),
        "JSON at $: missing field \"on\""
    );
    assert!(matches!(
        codec.from_json("All", "{"),
        Err(ValueError::Json { .. })
    ));
    assert!(matches!(
        codec.from_json("Nope", "1"),
        Err(ValueError::UnknownType(_))
    ));
}

#[test]
fn decoding_is_as_strict_as_the_typed_decoder() {
    let schema = parse(SCHEMA).unwrap();
    let codec = Codec::new(&schema);
    let bytes = all_bytes();
    // Every truncation fails; trailing bytes fail.
    for len in 0..bytes.len() {
        assert!(codec.decode("All", &bytes[..len]).is_err(), "{len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        codec.decode("All", &longer),
        Err(ValueError::Wire(Error::TrailingBytes { .. }))
    ));
    // Every one-byte corruption is an error or a value that re-encodes to itself.
    for i in 0..bytes.len() {
        for b in [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff] {
            let mut c = bytes.clone();
            c[i] = b;
            if let Ok(v) = codec.decode("All", &c) {
                assert_eq!(codec.encode("All", &v).unwrap(), c);
            }
        }
    }
    let check = |ty: &str, input: &[u8]| codec.decode(ty, input).unwrap_err();
    assert!(matches!(
        check("Color", &[1]),
        ValueError::UnknownEnumValue { value: 1, .. }
    ));
    assert!(matches!(
        check("Shape", &[1]),
        ValueError::UnknownUnionTag { tag: 1, .. }
    ));
    assert!(matches!(
        check("Name", &[1, 0xff]),
        ValueError::Wire(Error::InvalidUtf8 { .. })
    ));
    assert!(matches!(
        check("Color", &[0x80, 0x00]),
        ValueError::Wire(Error::NonCanonicalVarint { .. })
    ));
    let schema2 = parse("type M map<u8><bool> type O optional<u8> type B bool").unwrap();
    let codec2 = Codec::new(&schema2);
    assert!(matches!(
        codec2.decode("M", &[2, 1, 0, 1, 1]),
        Err(ValueError::Wire(Error::DuplicateMapKey { offset: 3 }))
    ));
    assert!(matches!(
        codec2.decode("O", &[2]),
        Err(ValueError::Wire(Error::InvalidOptionTag { .. }))
    ));
    assert!(matches!(
        codec2.decode("B", &[2]),
        Err(ValueError::Wire(Error::InvalidBool { .. }))
    ));
    assert_eq!(
        check("Color", &[9]).to_string(),
        "unknown value 9 for enum Color at byte 0"
    );
}

#[test]
fn limits_bound_depth_and_work() {
    let schema = parse(SCHEMA).unwrap();
    let codec = Codec::new(&schema);
    // 100k levels of Tree: a depth error, not a stack overflow.
    let deep = vec![1u8; 100_000];
    assert!(matches!(
        codec.decode("Tree", &deep),
        Err(ValueError::Wire(
            Error::DepthLimit { .. } | Error::StackLimit { .. }
        ))
    ));
    // A list of 2^62 voids claims no bytes: stopped by the budget.
    let err = codec
        .decode(
            "Voids",
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40],
        )
        .unwrap_err();
    assert!(
        matches!(err, ValueError::Wire(Error::WorkLimit { .. })),
        "{err}"
    );
    let err = codec.decode("ManyVoids", &[]).unwrap_err();
    assert!(
        matches!(err, ValueError::Wire(Error::WorkLimit { .. })),
        "{err}"
    );
    // A long claimed list of bytes with few bytes behind it.
    let err = Codec::new(&parse("type L list<u64>").unwrap())
        .decode("L", &[0xff, 0xff, 0xff, 0xff, 0x0f, 1])
        .unwrap_err();
    assert!(
        matches!(err, ValueError::Wire(Error::UnexpectedEnd { .. })),
        "{err}"
    );
    // Input over the size limit.
    let small = Codec::with_limits(&schema, crate::Limits::DEFAULT.with_max_size(2));
    assert!(matches!(
        small.decode("Name", &[2, b'a', b'b']),
        Err(ValueError::Wire(Error::SizeLimit { .. }))
    ));
}

#[test]
fn values_that_do_not_fit_do_not_encode() {
    let schema = parse(SCHEMA).unwrap();
    let codec = Codec::new(&schema);
    let v = codec.decode("All", &all_bytes()).unwrap();
    let Value::Struct(mut fields) = v else {
        panic!()
    };
    fields[2].1 = Value::Uint(256);
    let err = codec
        .encode("All", &Value::Struct(fields.clone()))
        .unwrap_err();
    assert_eq!(err.to_string(), "value at $.a: 256 is out of range for u8");
    fields[2].1 = Value::Str("x".into());
    let err = codec
        .encode("All", &Value::Struct(fields.clone()))
        .unwrap_err();
    assert_eq!(err.to_string(), "value at $.a: expected u8, found str");
    let m = Value::Map(vec![
        (Value::Uint(1), Value::Str("a".into())),
        (Value::Uint(1), Value::Str("b".into())),
    ]);
    let schema2 = parse("type M map<u32><str>").unwrap();
    let err = Codec::new(&schema2).encode("M", &m).unwrap_err();
    assert_eq!(err.to_string(), "value at ${key 1}: the same map key twice");
    // A value nested deeper than the depth limit is an error, not a crash.
    let mut deep = Value::List(vec![]);
    for _ in 0..1000 {
        deep = Value::Struct(vec![("kids".to_string(), Value::List(vec![deep]))]);
    }
    assert!(codec.encode("Tree", &deep).is_err());
    assert!(codec.to_json("Tree", &deep).is_err());
    // Drop iteratively-built deep values without overflowing: unwrap by hand.
    while let Value::Struct(mut f) = deep {
        let Some((_, Value::List(mut kids))) = f.pop() else {
            break;
        };
        deep = kids.pop().unwrap_or(Value::Void);
    }
}

#[test]
fn a_schema_built_by_hand_with_an_alias_cycle_is_an_error() {
    use crate::schema::{DefKind, Schema, Type, TypeDef};
    let schema = Schema {
        defs: vec![
            TypeDef {
                name: "A".into(),
                kind: DefKind::Type(Type::Named("B".into())),
            },
            TypeDef {
                name: "B".into(),
                kind: DefKind::Type(Type::Named("A".into())),
            },
            TypeDef {
                name: "C".into(),
                kind: DefKind::Type(Type::Named("Missing".into())),
            },
        ],
    };
    let codec = Codec::new(&schema);
    assert!(matches!(
        codec.decode("A", &[]),
        Err(ValueError::AliasCycle(_))
    ));
    assert!(matches!(
        codec.decode("C", &[]),
        Err(ValueError::UnknownType(_))
    ));
}
