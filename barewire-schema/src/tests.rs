//! Unit tests of the schema parser, checks and printer.

use alloc::{borrow::ToOwned, boxed::Box, string::String, string::ToString, vec, vec::Vec};

use super::*;
use crate::error::Error;

fn ok(text: &str) -> Schema {
    parse(text).unwrap_or_else(|e| panic!("{text:?} must parse: {e}"))
}

fn ok_legacy(text: &str) -> Schema {
    parse_with(text, ParseOptions::legacy()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// Line, column and message of the error for `text` in `options`.
fn err_with(text: &str, options: ParseOptions) -> (u32, u32, String) {
    match parse_with(text, options) {
        Err(Error {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("{text:?} must fail, got {other:?}"),
    }
}

fn err(text: &str) -> (u32, u32, String) {
    err_with(text, ParseOptions::default())
}

fn assert_err(text: &str, at: (u32, u32), needle: &str) {
    let (line, column, message) = err(text);
    assert_eq!((line, column), at, "{text:?}: {message}");
    assert!(
        message.contains(needle),
        "{text:?}: {message:?} lacks {needle:?}"
    );
}

fn only_type(schema: &Schema) -> &Type {
    match &schema.defs[0].kind {
        DefKind::Type(ty) => ty,
        DefKind::Enum(_) => panic!("not a type"),
    }
}

#[test]
fn every_primitive_keyword() {
    let words = [
        "uint", "int", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool",
        "str", "data", "void",
    ];
    for word in words {
        let schema = ok(&alloc::format!("type T {word}"));
        assert_eq!(only_type(&schema).to_string(), word);
    }
}

#[test]
fn implicit_tags_and_values_follow_the_previous_one() {
    let schema = ok("type U union { u8 | u16 = 5 | u32 }\ntype E enum { A = 2 B C = 9 D }");
    let tags: Vec<u64> = match only_type(&schema) {
        Type::Union(ms) => ms.iter().map(|m| m.tag).collect(),
        _ => panic!(),
    };
    assert_eq!(tags, [0, 5, 6]);
    let DefKind::Enum(members) = &schema.defs[1].kind else {
        panic!()
    };
    let values: Vec<u64> = members.iter().map(|m| m.value).collect();
    assert_eq!(values, [2, 3, 9, 10]);
    // Written tags equal to the implicit ones give the same model.
    assert_eq!(
        schema,
        ok("type U union { u8 = 0 | u16 = 5 | u32 = 6 }\ntype E enum { A = 2 B = 3 C = 9 D = 10 }")
    );
    assert_eq!(
        schema.to_string(),
        "type U union { u8 | u16 = 5 | u32 }\n\ntype E enum {\n  A = 2\n  B\n  C = 9\n  D\n}\n"
    );
}

#[test]
fn implicit_tag_after_u64_max_overflows() {
    assert_err(
        "type E enum { A = 18446744073709551615 B }",
        (1, 40),
        "does not fit",
    );
    assert_err(
        "type U union { u8 = 18446744073709551615 | u16 }",
        (1, 44),
        "does not fit",
    );
    assert_err(
        "type U union { u8 = 18446744073709551616 }",
        (1, 21),
        "does not fit",
    );
}

#[test]
fn comments_tabs_and_layout() {
    let text = "# head\n\ttype A struct { # trailing\n\t\tx: u8 # more\n\t}\n#tail";
    assert_eq!(ok(text), ok("type A struct { x: u8 }"));
    assert_err("type A u8\n\t\ttype b u8", (2, 8), "PascalCase");
    assert_err("type A u8 @", (1, 11), "unexpected character '@'");
}

#[test]
fn fields_may_be_keywords_and_snake_case() {
    let schema =
        ok("type Op struct { type: str struct: u8 enum: bool snake__case__: u8 camelCASE: u8 }");
    let Type::Struct(fields) = only_type(&schema) else {
        panic!()
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["type", "struct", "enum", "snake__case__", "camelCASE"]
    );
}

#[test]
fn anonymous_enums_become_definitions_before_their_user() {
    let schema = ok(
        "type Person struct { home_town: struct { kind: enum { BIG SMALL } } }\n\
                     type PersonHomeTownKind u8\ntype X list<enum { A }>",
    );
    let names: Vec<&str> = schema.defs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "PersonHomeTownKind2",
            "Person",
            "PersonHomeTownKind",
            "XEnum",
            "X"
        ]
    );
    assert_eq!(
        ok("type U union { enum { A } | u8 }").to_string(),
        "type UEnum enum {\n  A\n}\n\ntype U union { UEnum | u8 }\n"
    );
    // Anonymous enums are valid map keys.
    ok("type M map<enum { A B }><str>");
    let printed = schema.to_string();
    assert_eq!(ok(&printed), schema);
}

#[test]
fn map_keys_resolve_through_aliases() {
    ok("type K str\ntype L K\ntype M map<L><str>");
    ok("type M map<E><str>\ntype E enum { A }");
    ok("type M map<data[4]><str>\ntype N map<data><bool>\ntype O map<uint><int>");
    assert_err(
        "type K f64\ntype L K\ntype M map<L><str>",
        (3, 12),
        "key type",
    );
    assert_err("type M map<void><str>", (1, 12), "key type");
    assert_err("type M map<list<u8>><str>", (1, 12), "key type");
    assert_err(
        "type M map<S><str>\ntype S struct { a: u8 }",
        (1, 12),
        "key type",
    );
}

#[test]
fn recursion_must_terminate() {
    ok("type Node struct { value: i32 next: optional<Node> }");
    ok("type A struct { b: B }\ntype B struct { a: optional<A> }");
    ok("type T union { T2 | u8 }\ntype T2 struct { t: T }");
    ok("type L list<optional<L>>[2]\ntype M map<str><M>\ntype N list<N>");
    assert_err(
        "type A struct { b: B }\ntype B struct { a: A }",
        (1, 6),
        "non-terminable",
    );
    assert_err(
        "type A union { B | C }\ntype B A\ntype C A",
        (1, 6),
        "non-terminable",
    );
    assert_err("type Ok u8\ntype L list<L>[3]", (2, 6), "non-terminable");
    assert_err(
        "type S struct { x: u8 y: union { S } }",
        (1, 6),
        "non-terminable",
    );
}

#[test]
fn syntax_errors() {
    assert_err("", (1, 1), "cannot be empty");
    assert_err("  # only a comment\n", (2, 1), "cannot be empty");
    assert_err("typo A u8", (1, 1), "'type' is expected");
    assert_err("type A", (1, 7), "a type is expected");
    assert_err("type A = u8", (1, 8), "cannot be separated by '='");
    assert_err("type A u8;", (1, 10), "separated by ';'");
    assert_err("type A u8 | u16", (1, 11), "enclosed by 'union");
    assert_err("type A optional<u8", (1, 19), "'>' is expected");
    assert_err("type A list<u8>[4", (1, 18), "']' is expected");
    assert_err("type A list<u8>[0x4]", (1, 17), "an unsigned integer");
    assert_err("type A data[0]", (1, 13), "strictly greater than 0");
    assert_err("type A map<str, str>", (1, 15), "enclosed with '<>'");
    assert_err("type A union { u8, u16 }", (1, 18), "separated with '|'");
    assert_err("type A union { u8 u16 }", (1, 19), "'}' is expected");
    assert_err("type A union { u8 | u8 }", (1, 21), "repeated");
    assert_err("type A union {}", (1, 14), "at least one member");
    assert_err(
        "type A struct {\n  a: u8\n  a: u16\n}",
        (3, 3),
        "'a' is already defined",
    );
    assert_err("type A struct { Name: str }", (1, 17), "camelCase");
    assert_err("type A struct { name str }", (1, 22), "':' is expected");
    assert_err("type A struct { name: str", (1, 26), "'}' is expected");
    assert_err("type E enum { A B A }", (1, 19), "'A' is already defined");
    assert_err("type E enum { A Bc }", (1, 17), "CONSTANT_CASE");
    assert_err("type E enum { A = 2 B = 1 }", (1, 25), "ascending");
    assert_err("type E enum { A = X }", (1, 19), "an unsigned integer");
    assert_err("type E enum {}", (1, 13), "at least one member");
    assert_err("type E enum A }", (1, 13), "'{' is expected");
    assert_err("type a_b u8", (1, 6), "PascalCase");
    assert_err("type A_b u8", (1, 6), "PascalCase");
    assert_err("type A b", (1, 8), "'b' is not defined");
}

#[test]
fn legacy_syntax() {
    let cases = [
        ("type A string", "type A str\n"),
        ("type A data<8>", "type A data[8]\n"),
        ("type A []u8", "type A list<u8>\n"),
        ("type A [2][]string", "type A list<list<str>>[2]\n"),
        ("type A map[string][]u8", "type A map<str><list<u8>>\n"),
        ("type A (u8 | str = 4)", "type A union { u8 | str = 4 }\n"),
        ("type A { a: u8 }", "type A struct {\n  a: u8\n}\n"),
        (
            "struct A { a: []{ b: u8 } }",
            "type A struct {\n  a: list<struct {\n    b: u8\n  }>\n}\n",
        ),
        ("enum A { X Y = 3 }", "type A enum {\n  X\n  Y = 3\n}\n"),
    ];
    for (old, current) in cases {
        let schema = ok_legacy(old);
        assert_eq!(schema.to_string(), current, "{old}");
        assert_eq!(ok(current), schema, "{current}");
        assert!(parse(old).is_err(), "{old} needs the legacy option");
        // The current syntax is accepted in legacy mode too.
        assert_eq!(ok_legacy(current), schema);
    }
    let (line, column, message) = err("type A string");
    assert_eq!((line, column), (1, 8));
    assert!(
        message.contains("use 'str' or allow 'string' with the legacy option"),
        "{message}"
    );
    let (_, _, message) = err("struct A { a: u8 }");
    assert!(message.contains("use 'type A struct { ... }'"), "{message}");
    // Legacy mode keeps every other rule.
    let legacy = ParseOptions::legacy();
    assert!(
        err_with("type A [0]u8", legacy)
            .2
            .contains("greater than 0")
    );
    assert!(
        err_with("type A (u8 u16)", legacy)
            .2
            .contains("')' is expected")
    );
    assert!(err_with("enum a { X }", legacy).2.contains("PascalCase"));
}

#[test]
fn printer_round_trips_nested_and_extreme_models() {
    let deep = (0..20).fold(Type::U8, |t, i| match i % 4 {
        0 => Type::Optional(Box::new(t)),
        1 => Type::List(Box::new(t)),
        2 => Type::ListFixed(Box::new(t), u64::MAX),
        _ => Type::Map(Box::new(Type::Str), Box::new(t)),
    });
    let schema = Schema {
        defs: vec![
            TypeDef {
                name: "Deep".to_owned(),
                kind: DefKind::Type(deep),
            },
            TypeDef {
                name: "S".to_owned(),
                kind: DefKind::Type(Type::Struct(vec![Field {
                    name: "u".to_owned(),
                    ty: Type::Union(vec![UnionMember {
                        ty: Type::Struct(vec![Field {
                            name: "v".to_owned(),
                            ty: Type::Named("Deep".to_owned()),
                        }]),
                        tag: 42,
                    }]),
                }])),
            },
        ],
    };
    let printed = schema.to_string();
    assert!(
        printed.contains("u: union { struct {\n    v: Deep\n  } = 42 }\n}"),
        "{printed}"
    );
    assert_eq!(ok(&printed), schema);
    assert_eq!(ok(&printed).to_string(), printed);
}

#[test]
fn from_str_is_parse() {
    let schema: Schema = "type A u8".parse().unwrap();
    assert_eq!(schema, ok("type A u8"));
    assert!("type a u8".parse::<Schema>().is_err());
}
