use alloc::string::ToString;
use alloc::vec::Vec;

use crate::compat::{Verdict, compat};
use crate::parse;

fn verdict(old: &str, new: &str) -> Verdict {
    let report = compat(&parse(old).unwrap(), &parse(new).unwrap());
    report.verdict
}

fn reasons(old: &str, new: &str) -> Vec<alloc::string::String> {
    compat(&parse(old).unwrap(), &parse(new).unwrap())
        .changes
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_rules_of_the_design() {
    use Verdict::*;
    let cases: &[(&str, &str, Verdict)] = &[
        // compatible
        (
            "type P struct { a: u8 }",
            "type P struct { b: u8 }",
            Compatible,
        ),
        ("type A u8 type B A", "type B A type A u8", Compatible),
        (
            "type Id u64 type P struct { id: Id }",
            "type Id u64 type P struct { id: u64 }",
            Compatible,
        ),
        ("type P data", "type P list<u8>", Compatible),
        ("type P data[4]", "type P list<u8>[4]", Compatible),
        ("type E enum { A B }", "type E enum { A B }", Compatible),
        ("type E enum { A B }", "type E enum { A C }", Compatible),
        (
            "type E enum { A } type F E type P F",
            "type E enum { A } type P E type F E",
            Compatible,
        ),
        // backward / forward
        (
            "type U union { u8 | str }",
            "type U union { u8 | str | bool }",
            Backward,
        ),
        (
            "type U union { u8 | str | bool }",
            "type U union { u8 | str }",
            Forward,
        ),
        (
            "type U union { u8 = 1 | str = 5 }",
            "type U union { u8 = 1 }",
            Forward,
        ),
        ("type E enum { A B }", "type E enum { A B C }", Backward),
        ("type E enum { A B C }", "type E enum { A B }", Forward),
        ("type P bool", "type P u8", Backward),
        ("type P u8", "type P bool", Forward),
        ("type P str", "type P data", Backward),
        ("type P data", "type P str", Forward),
        // breaking
        (
            "type P struct { a: u8 }",
            "type P struct { a: u8 b: u8 }",
            Breaking,
        ),
        (
            "type P struct { a: u8 b: u8 }",
            "type P struct { a: u8 }",
            Breaking,
        ),
        ("type P u32", "type P u64", Breaking),
        ("type P uint", "type P u64", Breaking),
        ("type P data[4]", "type P data[5]", Breaking),
        ("type P list<u8>[4]", "type P list<u8>[5]", Breaking),
        ("type P optional<u8>", "type P u8", Breaking),
        (
            "type U union { u8 | str }",
            "type U union { str | u8 }",
            Breaking,
        ),
        ("type E enum { A B }", "type E enum { B A }", Breaking),
        (
            "type P struct { x: i32 y: i32 }",
            "type P struct { y: i32 x: i32 }",
            Breaking,
        ),
        (
            "type U union { u8 | str }",
            "type U union { u8 | bool = 2 }",
            Breaking,
        ),
        (
            "type U union { H | R } type H void type R void",
            "type U union { R | H } type H void type R void",
            Breaking,
        ),
        ("type E enum { A B }", "type E u8", Breaking),
    ];
    for (old, new, expected) in cases {
        assert_eq!(
            verdict(old, new),
            *expected,
            "{old}  ->  {new}: {:?}",
            reasons(old, new)
        );
    }
}

#[test]
fn a_type_is_as_weak_as_what_it_uses_and_the_whole_as_its_weakest_type() {
    let old = "type A struct { b: B } type B u32 type C str";
    let new = "type A struct { b: B } type B u64 type C str";
    let report = compat(&parse(old).unwrap(), &parse(new).unwrap());
    assert_eq!(report.verdict, Verdict::Breaking);
    let by_name: Vec<(&str, Verdict)> = report
        .types
        .iter()
        .map(|t| (t.name.as_str(), t.verdict))
        .collect();
    assert_eq!(
        by_name,
        [
            ("A", Verdict::Breaking),
            ("B", Verdict::Breaking),
            ("C", Verdict::Compatible)
        ]
    );
    assert_eq!(reasons(old, new), ["breaking B: u32 changed to u64"]);
    // Backward in one type, forward in another: breaking as a whole.
    let old = "type U union { u8 | str } type V union { u8 | str }";
    let new = "type U union { u8 | str | bool } type V union { u8 }";
    assert_eq!(verdict(old, new), Verdict::Breaking);
}

#[test]
fn added_and_removed_types_do_not_change_the_whole() {
    let report = compat(
        &parse("type A u8 type Gone str").unwrap(),
        &parse("type A u8 type New str").unwrap(),
    );
    assert_eq!(report.verdict, Verdict::Compatible);
    assert_eq!(report.added, ["New"]);
    assert_eq!(report.removed, ["Gone"]);
}

#[test]
fn recursive_types_terminate_and_changes_inside_cycles_reach_every_type_on_them() {
    let old = "type X struct { y: optional<Y> } type Y struct { x: optional<X> a: u32 }";
    let new = "type X struct { y: optional<Y> } type Y struct { x: optional<X> a: u64 }";
    let report = compat(&parse(old).unwrap(), &parse(new).unwrap());
    assert_eq!(report.verdict, Verdict::Breaking);
    assert!(
        report.types.iter().all(|t| t.verdict == Verdict::Breaking),
        "{report}"
    );
    assert_eq!(report.changes.len(), 1, "{report}");
    assert_eq!(
        report.changes[0].to_string(),
        "breaking Y.a: u32 changed to u64"
    );
    let tree = "type T struct { kids: list<T> m: map<str><T> }";
    assert_eq!(verdict(tree, tree), Verdict::Compatible);
}

#[test]
fn renamed_references_compare_their_bodies() {
    let old = "type P struct { c: Customer } type Customer struct { name: str }";
    let new = "type P struct { c: Client } type Client struct { name: str age: u8 }";
    let report = compat(&parse(old).unwrap(), &parse(new).unwrap());
    assert_eq!(report.verdict, Verdict::Breaking);
    let text: Vec<_> = report.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "compatible P.c: now refers to Client instead of Customer",
            "breaking Customer -> Client.age: field age added (position 1): old data lacks it",
        ]
    );
}

#[test]
fn hand_built_schemas_with_cycles_or_missing_names_are_breaking_not_a_hang() {
    use crate::{DefKind, Schema, Type, TypeDef};
    let cyclic = Schema {
        defs: alloc::vec![
            TypeDef {
                name: "A".into(),
                kind: DefKind::Type(Type::Named("B".into()))
            },
            TypeDef {
                name: "B".into(),
                kind: DefKind::Type(Type::Named("A".into()))
            },
            TypeDef {
                name: "C".into(),
                kind: DefKind::Type(Type::Named("Missing".into()))
            },
        ],
    };
    let plain = parse("type A u8 type B u8 type C u8").unwrap();
    assert_eq!(compat(&cyclic, &plain).verdict, Verdict::Breaking);
    assert_eq!(compat(&plain, &cyclic).verdict, Verdict::Breaking);
    let _ = compat(&cyclic, &cyclic);
}

#[test]
fn long_chains_and_many_types_take_linear_time() {
    use alloc::format;
    use alloc::string::String;
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "type T{i} struct {{ v: u8 next: optional<T{}> }}\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "type T{n} struct {{ v: u8 back: optional<T0> }}\n"
    ));
    let schema = parse(&text).unwrap();
    let report = compat(&schema, &schema);
    assert_eq!(report.verdict, Verdict::Compatible);
    // One change at the end of the cycle reaches every type.
    let changed = text.replace(
        &format!("type T{n} struct {{ v: u8"),
        &format!("type T{n} struct {{ v: u16"),
    );
    let report = compat(&schema, &parse(&changed).unwrap());
    assert!(report.types.iter().all(|t| t.verdict == Verdict::Breaking));
    assert_eq!(report.changes.len(), 1);
}
