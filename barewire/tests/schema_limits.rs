//! The schema parser and checks on hostile text: nesting is bounded (an
//! error, not a stack overflow), and the time is linear in the text.
//!
//! The time tests do not measure speed: each runs in a child process with a
//! generous timeout, on sizes where a quadratic pass takes many minutes and
//! a linear one well under a second.

use std::process::Command;
use std::time::{Duration, Instant};

use barewire::Error;
use barewire::schema::{MAX_NESTING, ParseOptions, parse, parse_with};

/// The environment variable that tells a test it is the child.
const CHILD: &str = "BAREWIRE_SCHEMA_LIMITS_CHILD";

/// Runs `body` in a child process (this test binary, running only `test`),
/// failing if it fails or takes longer than `limit`. In the child, runs
/// `body` itself.
fn in_child(test: &str, limit: Duration, body: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        body();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{test} failed in the child: {status}");
            return;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{test} took over {limit:?}: super-linear work");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn schema_error(text: &str, options: ParseOptions) -> (u32, u32, String) {
    match parse_with(text, options) {
        Err(Error::Schema {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("must fail with a schema error, got {other:?}"),
    }
}

/// `wrappers` nested types of one kind the parser recurses through, around
/// `u8`, and the column of the first type nested deeper than
/// [`MAX_NESTING`] levels, if one is (every type counts a level, so
/// `MAX_NESTING - 1` wrappers is as deep as it goes).
fn nested(kind: &str, wrappers: usize) -> (String, Option<u32>) {
    let (open, close) = match kind {
        "optional" => ("optional<", ">"),
        "list" => ("list<", ">"),
        "fixed" => ("list<", ">[2]"),
        "map" => ("map<str><", ">"),
        "union" => ("union { ", " }"),
        "struct" => ("struct { a: ", " }"),
        "legacy list" => ("[]", ""),
        "legacy union" => ("(", ")"),
        "legacy struct" => ("{ a: ", " }"),
        _ => unreachable!(),
    };
    let prefix = "type A ";
    let text = format!(
        "{prefix}{}u8{}",
        open.repeat(wrappers),
        close.repeat(wrappers)
    );
    let limit = MAX_NESTING as usize;
    let column = if kind == "map" {
        // The key of the map at the last level.
        (wrappers >= limit).then(|| prefix.len() + open.len() * (limit - 1) + "map<".len() + 1)
    } else {
        (wrappers >= limit).then(|| prefix.len() + open.len() * limit + 1)
    };
    (text, column.map(|c| c as u32))
}

const KINDS: [&str; 9] = [
    "optional",
    "list",
    "fixed",
    "map",
    "union",
    "struct",
    "legacy list",
    "legacy union",
    "legacy struct",
];

/// Before the fix, 100,000 nested `optional<` (1 MB of text) overflowed an
/// 8 MiB stack: the parser recursed once per level without a bound.
#[test]
fn deep_nesting_is_an_error_at_the_type_past_the_limit() {
    for kind in KINDS {
        let options = if kind.starts_with("legacy") {
            ParseOptions::legacy()
        } else {
            ParseOptions::default()
        };
        for depth in [MAX_NESTING as usize, 100_000] {
            let (text, column) = nested(kind, depth);
            let (line, col, message) = schema_error(&text, options);
            assert_eq!(
                (line, Some(col)),
                (1, column),
                "{kind} x {depth}: {message}"
            );
            assert!(
                message.contains(&format!("more than {MAX_NESTING} levels")),
                "{message}"
            );
        }
    }
}

/// At the limit, parsing, checking, printing, parsing the printed text,
/// comparing and dropping all fit in a small stack (512 KiB, a quarter of a
/// test thread's, and without optimizations): the stack is bounded in bytes,
/// not only in levels.
#[test]
fn nesting_at_the_limit_fits_in_a_small_stack() {
    let run = || {
        for kind in KINDS {
            let options = if kind.starts_with("legacy") {
                ParseOptions::legacy()
            } else {
                ParseOptions::default()
            };
            let (text, _) = nested(kind, MAX_NESTING as usize - 1);
            let schema = parse_with(&text, options).unwrap_or_else(|e| panic!("{kind}: {e}"));
            let printed = schema.to_string();
            let again = parse(&printed).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(again, schema);
            assert!(format!("{schema:?}").len() > MAX_NESTING as usize);
        }
    };
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

/// Before the fix, the "terminable" check went over every definition until
/// nothing changed, one round per link of an alias chain: 134 KB of aliases
/// took 3.2 s, and the 1.9 MB here would take about ten minutes.
#[test]
fn a_long_alias_chain_checks_in_linear_time() {
    in_child(
        "a_long_alias_chain_checks_in_linear_time",
        Duration::from_secs(60),
        || {
            let n = 100_000;
            // Each alias refers to the next, defined later: a round per link.
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!("type A{i} A{}\n", i + 1));
            }
            text.push_str(&format!("type A{n} u8\n"));
            assert_eq!(parse(&text).unwrap().defs.len(), n + 1);
            // The same chain ending in a cycle is refused, at its first link.
            let cyclic = text.replace(&format!("type A{n} u8"), &format!("type A{n} A0"));
            let (line, column, message) = schema_error(&cyclic, ParseOptions::default());
            assert_eq!((line, column), (1, 6), "{message}");
            assert!(message.contains("non-terminable"), "{message}");
        },
    );
}

/// Map keys resolve through alias chains once per definition: before the
/// fix, each of n maps followed the whole chain of n aliases.
#[test]
fn many_map_keys_through_a_long_alias_chain_check_in_linear_time() {
    in_child(
        "many_map_keys_through_a_long_alias_chain_check_in_linear_time",
        Duration::from_secs(60),
        || {
            let n = 50_000;
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&format!("type K{i} K{}\n", i + 1));
            }
            text.push_str(&format!("type K{n} str\ntype M struct {{\n"));
            for i in 0..n {
                text.push_str(&format!("  m{i}: map<K0><u8>\n"));
            }
            text.push_str("}\n");
            assert_eq!(parse(&text).unwrap().defs.len(), n + 2);
            let bad = text.replace(&format!("type K{n} str"), &format!("type K{n} f64"));
            let (line, column, message) = schema_error(&bad, ParseOptions::default());
            assert_eq!((line, column), (n as u32 + 3, 11), "{message}");
        },
    );
}

/// Repeated names and member types are found with sets: before the fix,
/// each member was compared with every earlier one (a union of n distinct
/// list types compared whole types n^2 / 2 times).
#[test]
fn wide_structs_enums_and_unions_check_in_linear_time() {
    in_child(
        "wide_structs_enums_and_unions_check_in_linear_time",
        Duration::from_secs(60),
        || {
            let n = 100_000;
            let mut text = String::from("type S struct {\n");
            for i in 0..n {
                text.push_str(&format!("  f{i}: u8\n"));
            }
            text.push_str("}\ntype E enum {\n");
            for i in 0..n {
                text.push_str(&format!("  V{i}\n"));
            }
            text.push_str("}\ntype U union {\n");
            for i in 0..n {
                text.push_str(&format!("  | list<optional<list<u8>[{}]>>\n", i + 1));
            }
            text.push_str("}\n");
            let schema = parse(&text).unwrap();
            assert_eq!(schema.defs.len(), 3);
            let dup = text.replace("list<u8>[77]>>", "list<u8>[7]>>");
            let (_, _, message) = schema_error(&dup, ParseOptions::default());
            assert!(message.contains("cannot be repeated"), "{message}");
        },
    );
}

/// Names for anonymous enums that share a path: before the fix, the k-th
/// tried every number from 2 up (quadratic).
#[test]
fn many_anonymous_enums_on_one_path_name_in_linear_time() {
    in_child(
        "many_anonymous_enums_on_one_path_name_in_linear_time",
        Duration::from_secs(60),
        || {
            let n = 50_000;
            let mut text = String::from("type T struct {\n  kind: union {\n");
            for _ in 0..n {
                text.push_str("    | enum { A }\n");
            }
            text.push_str("  }\n}\n");
            let schema = parse(&text).unwrap();
            assert_eq!(schema.defs.len(), n + 1);
            assert_eq!(schema.defs[0].name, "TKind");
            assert_eq!(schema.defs[1].name, "TKind2");
            assert_eq!(schema.defs[n - 1].name, format!("TKind{n}"));
        },
    );
}

/// The name made for an anonymous enum holds the whole path to it; past 256
/// bytes it is an error, so that a long field name over many anonymous enums
/// cannot multiply the memory the model takes.
#[test]
fn names_made_for_anonymous_enums_are_bounded() {
    let long = "a".repeat(300);
    let text = format!("type T struct {{\n  {long}: union {{ enum {{ A }} | enum {{ B }} }}\n}}");
    let (line, column, message) = schema_error(&text, ParseOptions::default());
    assert_eq!((line, column), (2, 313), "{message}");
    assert!(message.contains("longer than 256 bytes"), "{message}");
    let fits = format!("type T struct {{\n  {}: enum {{ A }}\n}}", "a".repeat(254));
    let schema = parse(&fits).unwrap();
    assert_eq!(schema.defs[0].name.len(), 255);
}
