//! Every valid schema of bare-ts's corpus, generated into Rust by the build
//! script and compiled with this crate: the schema of the generated types
//! (`barewire::schema_model`) equals the parsed input, up to the names the
//! generator and the derive give to anonymous types; and the generated code
//! is as rustfmt would write it.
//!
//! When the vectors are absent the test prints a message and passes, unless
//! `BAREWIRE_REQUIRE_VECTORS=1` (set in CI), which makes it fail.

use std::collections::{BTreeMap, BTreeSet};

use barewire::schema::{DefKind, ParseOptions, Type, parse_with};

fn found() -> bool {
    if codegen_tests::FOUND {
        return true;
    }
    if std::env::var("BAREWIRE_REQUIRE_VECTORS").as_deref() == Ok("1") {
        panic!("bare-vectors not found beside the checkout and BAREWIRE_REQUIRE_VECTORS=1");
    }
    eprintln!("bare-vectors not found beside the checkout, skipping");
    false
}

/// `ty` with every name that is not one of the input's definitions replaced
/// by what it names in the generated schema (the anonymous types).
fn inline(ty: &Type, generated: &BTreeMap<String, DefKind>, input: &BTreeSet<String>) -> Type {
    let go = |t: &Type| Box::new(inline(t, generated, input));
    match ty {
        Type::Named(n) if !input.contains(n) => match generated.get(n) {
            Some(DefKind::Type(t)) => inline(t, generated, input),
            _ => ty.clone(),
        },
        Type::Optional(t) => Type::Optional(go(t)),
        Type::List(t) => Type::List(go(t)),
        Type::ListFixed(t, n) => Type::ListFixed(go(t), *n),
        Type::Map(k, v) => Type::Map(go(k), go(v)),
        Type::Struct(fields) => Type::Struct(
            fields
                .iter()
                .map(|f| barewire::schema::Field {
                    name: f.name.clone(),
                    ty: inline(&f.ty, generated, input),
                })
                .collect(),
        ),
        Type::Union(members) => Type::Union(
            members
                .iter()
                .map(|m| barewire::schema::UnionMember {
                    ty: inline(&m.ty, generated, input),
                    tag: m.tag,
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn generated_types_describe_their_schema() {
    if !found() {
        return;
    }
    let cases = codegen_tests::cases();
    assert!(cases.len() >= 2 * 70, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case.path).unwrap();
        let input = parse_with(
            &text,
            ParseOptions {
                legacy: case.legacy,
            },
        )
        .unwrap();
        let names: BTreeSet<String> = input.defs.iter().map(|d| d.name.clone()).collect();
        let mut generated: BTreeMap<String, DefKind> = BTreeMap::new();
        for model in &case.models {
            for def in &model.defs {
                generated.insert(def.name.clone(), def.kind.clone());
            }
        }
        for def in &input.defs {
            let Some(kind) = generated.get(&def.name) else {
                failures.push(format!("{}: no generated type {}", case.name, def.name));
                continue;
            };
            let kind = match kind {
                DefKind::Type(t) => DefKind::Type(inline(t, &generated, &names)),
                enum_kind => enum_kind.clone(),
            };
            if kind != def.kind {
                failures.push(format!(
                    "{}: {}\n  schema:    {:?}\n  generated: {:?}",
                    case.name, def.name, def.kind, kind
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generated_code_is_formatted() {
    if !found() {
        return;
    }
    let Ok(status) = std::process::Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(codegen_tests::FILES)
        .status()
    else {
        eprintln!("rustfmt not found, skipping");
        return;
    };
    assert!(
        status.success(),
        "rustfmt would change the generated code (diff above)"
    );
}
