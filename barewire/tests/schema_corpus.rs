//! The schema parser and printer against bare-ts's schema corpus (read in
//! place from `../../shared/bare-vectors`, never copied into the project),
//! the go-bare example schema, and hand-made models.
//!
//! When the vectors are absent the corpus tests print a message and pass,
//! unless `BAREWIRE_REQUIRE_VECTORS=1` (set in CI), which makes them fail.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

use barewire::{
    Error,
    schema::{
        DefKind, EnumMember, Field, ParseOptions, Schema, Type, TypeDef, UnionMember, parse,
        parse_with,
    },
};

/// Invalid in bare-ts, accepted by barewire in both modes: bare-ts
/// implementation limits, not spec rules (see the `schema` module docs).
const ACCEPTED_INVALID: &[(&str, &str)] = &[
    ("use-before-defined", "the spec does not order definitions"),
    ("enum-too-big-val", "values up to u64::MAX, not 2^53 - 1"),
    ("union-too-big-tag", "tags up to u64::MAX, not 2^53 - 1"),
    (
        "data-fixed-too-large",
        "fixed lengths up to u64::MAX, not u32::MAX",
    ),
    (
        "list-fixed-too-large",
        "fixed lengths up to u64::MAX, not u32::MAX",
    ),
    ("enum-pedantic-partial-val", "no pedantic mode"),
    ("union-pedantic-partial-tag", "no pedantic mode"),
];

/// Invalid in the default mode, valid with `ParseOptions::legacy()`.
const LEGACY_ONLY: &[&str] = &[
    "alias-anonymous-struct-legacy",
    "data-fixed-legacy",
    "enum-legacy",
    "list-fixed-legacy",
    "list-legacy",
    "map-legacy",
    "string-legacy",
    "struct-legacy",
    "union-legacy",
];

/// Pedantic-mode cases of bare-ts that barewire rejects in every mode:
/// tags and values must always ascend.
const PEDANTIC_REJECTED: &[&str] = &["enum-unsorted", "union-tag-unsorted"];

fn vectors() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bare-vectors");
    if dir.is_dir() {
        return Some(dir);
    }
    if env::var("BAREWIRE_REQUIRE_VECTORS").as_deref() == Ok("1") {
        panic!(
            "bare-vectors not found at {} and BAREWIRE_REQUIRE_VECTORS=1",
            dir.display()
        );
    }
    eprintln!("bare-vectors not found at {}, skipping", dir.display());
    None
}

struct Case {
    name: String,
    text: String,
    /// `config.json` with white space removed ("" if there is none).
    config: String,
    /// `offset` from `error.gen.json`, for invalid cases.
    offset: Option<usize>,
}

impl Case {
    fn flag(&self, key: &str) -> bool {
        self.config.contains(&format!("\"{key}\":true"))
    }
}

fn cases(kind: &str) -> Option<Vec<Case>> {
    let dir = vectors()?.join("bare-ts-schema-corpus").join(kind);
    let mut cases = Vec::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let read = |file: &str| fs::read_to_string(path.join(file)).ok();
        let Some(text) = read("schema.bare") else {
            continue;
        };
        let config: String = read("config.json")
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let offset = read("error.gen.json").and_then(|json| {
            let compact: String = json.split_whitespace().collect();
            let rest = &compact[compact.find("\"offset\":")? + 9..];
            rest[..rest.find(|c: char| !c.is_ascii_digit())?]
                .parse()
                .ok()
        });
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        cases.push(Case {
            name,
            text,
            config,
            offset,
        });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Some(cases)
}

fn legacy(ok: bool) -> ParseOptions {
    ParseOptions { legacy: ok }
}

/// The 1-based line and column of a character offset (bare-ts offsets count
/// UTF-16 units; the corpus is ASCII).
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before: Vec<char> = text.chars().take(offset).collect();
    let line = before.iter().filter(|&&c| c == '\n').count() + 1;
    let column = before.iter().rev().take_while(|&&c| c != '\n').count() + 1;
    (line as u32, column as u32)
}

#[test]
fn valid_corpus_parses_and_round_trips() {
    let Some(cases) = cases("valid") else { return };
    assert_eq!(cases.len(), 81, "the corpus has 81 valid cases");
    for case in &cases {
        let name = &case.name;
        let legacy_syntax = name.contains("legacy");
        let options = legacy(legacy_syntax || case.flag("legacy"));
        let schema = parse_with(&case.text, options)
            .unwrap_or_else(|e| panic!("valid/{name} must parse: {e}\n{}", case.text));
        assert_eq!(
            parse_with(&case.text, ParseOptions::legacy()).as_ref().ok(),
            Some(&schema)
        );
        // Current syntax parses in the default mode too, recursive types included.
        match parse(&case.text) {
            Ok(current) => assert!(!legacy_syntax && current == schema, "valid/{name}"),
            Err(e) => assert!(
                legacy_syntax,
                "valid/{name} must parse in the default mode: {e}"
            ),
        }
        let printed = schema.to_string();
        let back = parse(&printed)
            .unwrap_or_else(|e| panic!("printed valid/{name} must parse: {e}\n{printed}"));
        assert_eq!(back, schema, "valid/{name} round trip through\n{printed}");
        assert_eq!(
            back.to_string(),
            printed,
            "valid/{name}: printing is stable"
        );
    }
}

#[test]
fn invalid_corpus_is_rejected_except_documented_limits() {
    let Some(cases) = cases("invalid") else {
        return;
    };
    assert_eq!(cases.len(), 69, "the corpus has 69 invalid cases");
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let listed = ACCEPTED_INVALID
        .iter()
        .map(|(n, _)| n)
        .chain(LEGACY_ONLY)
        .chain(PEDANTIC_REJECTED);
    for name in listed {
        assert!(
            names.contains(name),
            "listed case {name} is not in the corpus"
        );
    }
    let (mut same_place, mut rejected) = (0, 0);
    for case in &cases {
        let name = case.name.as_str();
        let default = parse(&case.text);
        let old = parse_with(&case.text, ParseOptions::legacy());
        if let Some((_, why)) = ACCEPTED_INVALID.iter().find(|(n, _)| *n == name) {
            assert!(
                default.is_ok(),
                "invalid/{name} is accepted ({why}): {default:?}"
            );
            assert!(
                old.is_ok(),
                "invalid/{name} is accepted in legacy mode ({why}): {old:?}"
            );
            continue;
        }
        if LEGACY_ONLY.contains(&name) {
            assert!(
                default.is_err(),
                "invalid/{name} must fail in the default mode"
            );
            assert!(
                old.is_ok(),
                "invalid/{name} must parse in legacy mode: {old:?}"
            );
            continue;
        }
        assert!(
            !case.flag("pedantic") || PEDANTIC_REJECTED.contains(&name),
            "pedantic case invalid/{name} must be listed"
        );
        let err = default.expect_err(&format!("invalid/{name} must fail:\n{}", case.text));
        assert!(old.is_err(), "invalid/{name} must fail in legacy mode too");
        let Error::Schema {
            line,
            column,
            message,
        } = &err
        else {
            panic!("invalid/{name}: not a schema error: {err:?}")
        };
        assert!(*line >= 1 && *column >= 1 && !message.is_empty());
        rejected += 1;
        if case.offset.map(|o| line_column(&case.text, o)) == Some((*line, *column)) {
            same_place += 1;
        } else {
            println!("invalid/{name}: {err} (bare-ts offset {:?})", case.offset);
        }
    }
    println!("{rejected} invalid cases rejected, {same_place} at bare-ts's position");
}

#[test]
fn go_bare_example_parses_in_legacy_mode() {
    let Some(dir) = vectors() else { return };
    let text = fs::read_to_string(dir.join("go-bare-example/schema.bare")).unwrap();
    assert!(parse(&text).is_err(), "old syntax needs the legacy option");
    let schema = parse_with(&text, ParseOptions::legacy()).unwrap();
    let names: Vec<&str> = schema.defs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "PublicKey",
            "Time",
            "Department",
            "Customer",
            "Employee",
            "TerminatedEmployee",
            "Person",
            "Address"
        ]
    );
    assert_eq!(schema.defs[0].kind, DefKind::Type(Type::DataFixed(128)));
    let DefKind::Enum(members) = &schema.defs[2].kind else {
        panic!("Department is an enum")
    };
    assert_eq!(
        members.last(),
        Some(&EnumMember {
            name: "JSMITH".into(),
            value: 99
        })
    );
    let address = schema.def("Address").unwrap();
    let DefKind::Type(Type::Struct(fields)) = &address.kind else {
        panic!("Address is a struct")
    };
    assert_eq!(fields[0].ty, Type::ListFixed(Box::new(Type::Str), 4));
    let person = Type::Union(vec![
        UnionMember {
            ty: Type::Named("Customer".into()),
            tag: 0,
        },
        UnionMember {
            ty: Type::Named("Employee".into()),
            tag: 1,
        },
        UnionMember {
            ty: Type::Named("TerminatedEmployee".into()),
            tag: 2,
        },
    ]);
    assert_eq!(schema.def("Person").unwrap().kind, DefKind::Type(person));
    assert_eq!(parse(&schema.to_string()).unwrap(), schema);
}

fn def(name: &str, ty: Type) -> TypeDef {
    TypeDef {
        name: name.into(),
        kind: DefKind::Type(ty),
    }
}

fn field(name: &str, ty: Type) -> Field {
    Field {
        name: name.into(),
        ty,
    }
}

fn named(name: &str) -> Type {
    Type::Named(name.into())
}

/// Hand-made models that cover every variant of the model.
fn models() -> Vec<Schema> {
    use Type::*;
    let b = Box::new;
    let primitives = vec![
        Uint, Int, U8, U16, U32, U64, I8, I16, I32, I64, F32, F64, Bool, Str, Data, Void,
    ];
    let every = Schema {
        defs: primitives
            .into_iter()
            .enumerate()
            .map(|(i, ty)| def(&format!("P{i}"), ty))
            .chain([
                def("Fixed", DataFixed(u64::MAX)),
                def("Opt", Optional(b(Optional(b(named("P0")))))),
                def("Lst", List(b(ListFixed(b(Str), 3)))),
                def(
                    "Mp",
                    Map(b(named("Color")), b(Map(b(Data), b(DataFixed(1))))),
                ),
                TypeDef {
                    name: "Color".into(),
                    kind: DefKind::Enum(vec![
                        EnumMember {
                            name: "RED".into(),
                            value: 0,
                        },
                        EnumMember {
                            name: "GREEN_2".into(),
                            value: 1,
                        },
                        EnumMember {
                            name: "BLUE".into(),
                            value: 7,
                        },
                        EnumMember {
                            name: "MAX".into(),
                            value: u64::MAX,
                        },
                    ]),
                },
            ])
            .collect(),
    };
    let nested = Schema {
        defs: vec![
            def(
                "Node",
                Struct(vec![
                    field("value", I32),
                    field("next", Optional(b(named("Node")))),
                    field(
                        "meta",
                        Struct(vec![
                            field("tags", List(b(Str))),
                            field("inner", Struct(vec![field("deep", named("Leaf"))])),
                        ]),
                    ),
                ]),
            ),
            def(
                "Leaf",
                Union(vec![
                    UnionMember { ty: Void, tag: 1 },
                    UnionMember {
                        ty: Struct(vec![field("x_y", F64)]),
                        tag: 2,
                    },
                    UnionMember {
                        ty: named("Node"),
                        tag: 10,
                    },
                    UnionMember {
                        ty: List(b(named("Leaf"))),
                        tag: u64::MAX,
                    },
                ]),
            ),
            def(
                "Pair",
                ListFixed(
                    b(Union(vec![
                        UnionMember {
                            ty: named("Pair"),
                            tag: 0,
                        },
                        UnionMember { ty: U8, tag: 1 },
                    ])),
                    2,
                ),
            ),
        ],
    };
    vec![every, nested]
}

#[test]
fn hand_made_models_round_trip() {
    for model in models() {
        let printed = model.to_string();
        assert_eq!(parse(&printed).unwrap(), model, "printed as\n{printed}");
    }
    let text = models()[1].to_string();
    assert!(text.contains("union { void = 1 | struct {"), "{text}");
    assert!(
        text.contains("| Node = 10 | list<Leaf> = 18446744073709551615 }"),
        "{text}"
    );
    assert!(
        text.starts_with("type Node struct {\n  value: i32\n"),
        "{text}"
    );
    assert!(text.contains("    inner: struct {\n      deep: Leaf\n    }\n  }\n}\n\ntype Leaf"));
    let first = models()[0].to_string();
    assert!(first.contains(
        "type Color enum {\n  RED\n  GREEN_2\n  BLUE = 7\n  MAX = 18446744073709551615\n}\n"
    ));
}

fn error_at(text: &str) -> (u32, u32, String) {
    match parse(text) {
        Err(Error::Schema {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("expected a schema error for {text:?}, got {other:?}"),
    }
}

#[test]
fn errors_point_at_the_offending_token() {
    let (line, column, message) = error_at("type A struct {\n  a: u8\n  b: Missing\n}");
    assert_eq!((line, column), (3, 6));
    assert!(message.contains("'Missing' is not defined"), "{message}");

    let (line, column, message) = error_at("type A u8\n\n# twice\ntype A u16\n");
    assert_eq!((line, column), (4, 6));
    assert!(message.contains("already defined"), "{message}");

    let (line, column, message) = error_at("type U union {\n\tu8 = 3 | u16 = 2\n}");
    assert_eq!((line, column), (2, 17));
    assert!(message.contains("ascending"), "{message}");

    let (line, column, _) = error_at("type A struct {\n  a: u8,\n  b: u8\n}");
    assert_eq!((line, column), (2, 8));

    let (line, column, message) = error_at("type M map<f32><str>");
    assert_eq!((line, column), (1, 12));
    assert!(message.contains("key type"), "{message}");

    let (line, column, message) = error_at("type P struct { p: Q }\ntype Q P");
    assert_eq!((line, column), (1, 6));
    assert!(message.contains("non-terminable"), "{message}");

    let err = parse("type E enum { A = 18446744073709551616 }").unwrap_err();
    assert_eq!(
        err.to_string(),
        "schema error at line 1, column 19: the enum value 18446744073709551616 does not fit in 64 bits"
    );
}
