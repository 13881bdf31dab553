//! The `barewire` binary run as a user runs it: arguments, standard input
//! and output, exit status.
//!
//! go-bare's example messages are read at test time from
//! `../shared/bare-vectors/go-bare-example/` beside the checkout (skipped if
//! absent, unless `BAREWIRE_REQUIRE_VECTORS=1`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn barewire(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_barewire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run barewire");
    // The command may exit (bad input) before it reads all of stdin: a
    // broken pipe here is not the test's failure.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("wait for barewire")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch directory for this test, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, name: &str, contents: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write scratch file");
    path.to_str().expect("UTF-8 path").to_string()
}

fn vectors_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/bare-vectors/go-bare-example"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("BAREWIRE_REQUIRE_VECTORS").is_some_and(|v| v == "1") {
        panic!(
            "BAREWIRE_REQUIRE_VECTORS=1 but {} is missing",
            dir.display()
        );
    }
    eprintln!("bare-vectors not found at {}, skipping", dir.display());
    None
}

const ADDRESS: &str = r#"{"address":["123 Main St","","",""],"city":"Philadelphia","state":"PA","country":"United States"}"#;

#[test]
fn go_bare_messages_decode_to_their_documented_values_and_re_encode_byte_for_byte() {
    let Some(dir) = vectors_dir() else { return };
    let schema = dir.join("schema.bare");
    let schema = schema.to_str().unwrap();
    let expected = [
        (
            "customer.bin",
            format!(
                r#"{{"Customer":{{"name":"James Smith","email":"jsmith@example.org","address":{ADDRESS},"orders":[{{"orderId":4242424242,"quantity":5}}],"metadata":{{}}}}}}"#
            ),
        ),
        (
            "employee.bin",
            format!(
                r#"{{"Employee":{{"name":"Tiffany Doe","email":"tiffanyd@acme.corp","address":{ADDRESS},"department":"ADMINISTRATION","hireDate":"2020-06-21T21:18:05+00:00","publicKey":null,"metadata":{{}}}}}}"#
            ),
        ),
        (
            "terminated.bin",
            r#"{"TerminatedEmployee":null}"#.to_string(),
        ),
    ];
    let mut all_json = String::new();
    for (file, json) in &expected {
        let path = dir.join(file);
        let bytes = std::fs::read(&path).unwrap();
        // The schema is in the legacy syntax: detected, and with --legacy.
        for legacy in [&[][..], &["--legacy"][..]] {
            let mut args = vec!["decode", "--schema", schema, "--type", "Person"];
            args.extend_from_slice(legacy);
            args.push(path.to_str().unwrap());
            let out = barewire(&args, b"");
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            assert_eq!(stdout(&out), format!("{json}\n"));
        }
        // From standard input too, and back to the same bytes.
        let out = barewire(&["decode", "-s", schema, "-t", "Person", "-"], &bytes);
        assert_eq!(stdout(&out), format!("{json}\n"));
        let back = barewire(&["encode", "-s", schema, "-t", "Person"], json.as_bytes());
        assert_eq!(code(&back), 0, "{}", stderr(&back));
        assert_eq!(back.stdout, bytes, "{file}");
        all_json.push_str(json);
        all_json.push('\n');
    }
    // people.bin: the three messages back to back.
    let people = std::fs::read(dir.join("people.bin")).unwrap();
    let out = barewire(
        &["decode", "-s", schema, "-t", "Person", "--stream"],
        &people,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), all_json);
    let back = barewire(
        &["encode", "-s", schema, "-t", "Person", "--stream"],
        all_json.as_bytes(),
    );
    assert_eq!(back.stdout, people);
    // As frames: encode, then decode.
    let framed = barewire(
        &["encode", "-s", schema, "-t", "Person", "--frames"],
        all_json.as_bytes(),
    );
    assert_eq!(code(&framed), 0, "{}", stderr(&framed));
    assert_eq!(framed.stdout.len(), people.len() + 3 * 4);
    assert_eq!(framed.stdout[..4], 91u32.to_le_bytes());
    let out = barewire(
        &["decode", "-s", schema, "-t", "Person", "--frames"],
        &framed.stdout,
    );
    assert_eq!(stdout(&out), all_json);
    // Without --stream, the concatenation has trailing bytes: bad input.
    let out = barewire(&["decode", "-s", schema, "-t", "Person"], &people);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("trailing bytes"), "{}", stderr(&out));
}

#[test]
fn decode_and_encode_reject_bad_input_with_status_2() {
    let dir = scratch("bad_input");
    let schema = write(&dir, "s.bare", b"type P struct { id: u8 key: data[2] }\n");
    let cases: &[(&[&str], &[u8], &str)] = &[
        (
            &["decode", "-s", &schema, "-t", "P"],
            &[1, 2],
            "unexpected end",
        ),
        (
            &["decode", "-s", &schema, "-t", "Nope"],
            &[1, 2, 3],
            "no type named \"Nope\"",
        ),
        (
            &["encode", "-s", &schema, "-t", "P"],
            br#"{"id": 256, "key": "AQI="}"#,
            "JSON at $.id: 256 is out of range for u8",
        ),
        (
            &["encode", "-s", &schema, "-t", "P"],
            br#"{"id": 1, "key": "AQ=="}"#,
            "data[2] needs exactly 2 bytes",
        ),
        (&["encode", "-s", &schema, "-t", "P"], b"{", "not JSON"),
        (&["encode", "-s", &schema, "-t", "P"], b"", "no JSON value"),
        (
            &["decode", "-s", "/nonexistent.bare", "-t", "P"],
            b"",
            "/nonexistent.bare",
        ),
        (
            &["decode", "-s", &schema, "-t", "P", "--frames"],
            &[9, 0, 0, 0, 1],
            "frame 0",
        ),
        (&["decode", "-s", &schema], b"", "--type"),
        (&["frobnicate"], b"", "unrecognized subcommand"),
    ];
    for (args, stdin, message) in cases {
        let out = barewire(args, stdin);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = barewire(
        &["encode", "-s", &schema, "-t", "P"],
        br#"{"id": 255, "key": "AQI="}"#,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, [255, 1, 2]);
}

#[test]
fn schema_errors_point_at_file_line_and_column() {
    let dir = scratch("schema_errors");
    let bad = write(
        &dir,
        "bad.bare",
        b"type A u8\ntype B struct {\n  x: Nope\n}\n",
    );
    for args in [
        vec!["fmt", bad.as_str()],
        vec!["decode", "-s", &bad, "-t", "A"],
        vec!["compat", &bad, &bad],
        vec!["gen", &bad],
    ] {
        let out = barewire(&args, b"");
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(
            stderr(&out).contains(&format!("{bad}:3:6: ")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn fmt_prints_the_canonical_syntax() {
    let dir = scratch("fmt");
    let legacy = write(
        &dir,
        "old.bare",
        b"enum E { A B = 5 }\ntype P { names: []string m: map[string]E }\n",
    );
    let expected = "type E enum {\n  A\n  B = 5\n}\n\ntype P struct {\n  names: list<str>\n  m: map<str><E>\n}\n";
    for args in [vec!["fmt", &legacy], vec!["fmt", "--legacy", &legacy]] {
        let out = barewire(&args, b"");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(stdout(&out), expected);
    }
    let out = barewire(&["fmt", "-"], expected.as_bytes());
    assert_eq!(stdout(&out), expected);
}

#[test]
fn compat_prints_the_verdict_and_fails_only_when_required() {
    let dir = scratch("compat");
    let v1 = write(
        &dir,
        "v1.bare",
        b"type Msg union { Ping | Pong }\ntype Ping void\ntype Pong u32\n",
    );
    let v2 = write(
        &dir,
        "v2.bare",
        b"type Msg union { Ping | Pong | Data }\ntype Ping void\ntype Pong u32\ntype Data data\n",
    );
    let v3 = write(
        &dir,
        "v3.bare",
        b"type Msg union { Ping | Pong }\ntype Ping void\ntype Pong u64\n",
    );

    let out = barewire(&["compat", &v1, &v2], b"");
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        "backward\n  backward Msg (tag 2): member Data added\n  added Data\n"
    );
    assert_eq!(
        code(&barewire(
            &["compat", &v1, &v2, "--require", "backward"],
            b""
        )),
        0
    );
    let out = barewire(&["compat", &v1, &v2, "--require", "forward"], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("the change is backward, forward was required"));
    assert_eq!(
        code(&barewire(
            &["compat", &v2, &v1, "--require", "forward"],
            b""
        )),
        0
    );
    assert_eq!(
        code(&barewire(
            &["compat", &v1, &v1, "--require", "compatible"],
            b""
        )),
        0
    );

    let out = barewire(
        &["compat", &v1, &v3, "--json", "--require", "backward"],
        b"",
    );
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["verdict"], "breaking");
    assert_eq!(
        json["changes"],
        serde_json::json!([{"type": "Pong", "path": "", "verdict": "breaking", "reason": "u32 changed to u64"}])
    );
    assert_eq!(
        json["types"][0],
        serde_json::json!({"name": "Msg", "verdict": "breaking"})
    );

    let out = barewire(&["compat", &v1, &v2, "--require", "sideways"], b"");
    assert_eq!(code(&out), 2);
}

#[test]
fn inspect_reads_the_header_and_checks_the_checksum() {
    #[derive(barewire::Bare)]
    struct Rec {
        a: u64,
        b: u32,
    }
    let dir = scratch("inspect");
    let path = dir.join("rec.img");
    barewire::mmap::write_file(&path, &Rec { a: 1, b: 2 }).unwrap();
    let file = path.to_str().unwrap();
    let out = barewire(&["inspect", file], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let fp = format!("{:#018x}", barewire::mmap::fingerprint::<Rec>());
    assert!(text.contains(&format!("fingerprint:   {fp}")), "{text}");
    assert!(text.contains("checksum:      ok"), "{text}");
    assert!(text.contains("format:        version 1"), "{text}");

    // One flipped image byte: the check fails (1); a damaged header or a
    // file that is not an image is bad input (2).
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let flipped = write(&dir, "flipped.img", &bytes);
    let out = barewire(&["inspect", &flipped], b"");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("checksum:      MISMATCH"));
    bytes[last] ^= 1;
    bytes[20] ^= 1;
    let damaged = write(&dir, "damaged.img", &bytes);
    assert_eq!(code(&barewire(&["inspect", &damaged], b"")), 2);
    let not_image = write(&dir, "x.img", b"hello");
    let out = barewire(&["inspect", &not_image], b"");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad magic"), "{}", stderr(&out));
    let truncated = write(&dir, "short.img", &std::fs::read(&path).unwrap()[..70]);
    assert_eq!(code(&barewire(&["inspect", &truncated], b"")), 2);
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["fmt", "decode", "encode", "compat", "inspect", "gen"] {
        let out = barewire(&[sub, "--help"], b"");
        assert_eq!(code(&out), 0, "{sub}");
        assert!(
            stdout(&out).contains("Usage: barewire"),
            "{sub}: {}",
            stdout(&out)
        );
    }
    let out = barewire(&["--help"], b"");
    assert!(stdout(&out).contains("compat"));
}

#[test]
fn gen_writes_rust_types_and_checks_committed_files() {
    let dir = scratch("gen");
    let schema = write(
        &dir,
        "s.bare",
        b"## A point.\ntype Point struct {\n  x: i32\n  y: i32\n}\ntype Id u64\n",
    );
    let out = barewire(&["gen", &schema], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let code_text = stdout(&out);
    assert!(code_text.contains("/// A point."), "{code_text}");
    assert!(code_text.contains("pub struct Point"), "{code_text}");
    assert!(code_text.contains("pub struct Id(pub u64)"), "{code_text}");
    // `-o` writes the file; `--check` passes on it and fails once stale.
    let file = dir.join("types.rs");
    let file = file.to_str().unwrap();
    assert_eq!(code(&barewire(&["gen", &schema, "-o", file], b"")), 0);
    assert_eq!(code(&barewire(&["gen", &schema, "--check", file], b"")), 0);
    std::fs::write(file, "// edited by hand\n").unwrap();
    let out = barewire(&["gen", &schema, "--check", file], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("stale"), "{}", stderr(&out));
    // A schema error is bad input, with the line and column.
    let bad = write(&dir, "bad.bare", b"type A struct {\n  b: B\n}\n");
    let out = barewire(&["gen", &bad], b"");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad.bare:2:"), "{}", stderr(&out));
}

mod image_types {
    barewire::include_schema!("../barewire/tests/schemas/image_value.bare");
}

#[test]
fn inspect_with_a_schema_prints_the_value_the_wire_bytes_decode_to() {
    use image_types::{Circle, Color, Key, Level, Node, Shape};
    let node = Node {
        value: -5,
        next: Some(Box::new(Node {
            value: 6,
            next: None,
            kids: vec![],
        })),
        kids: vec![],
    };
    let value = image_types::Everything {
        flag: true,
        small: 1,
        half: -2,
        word: 3,
        big: u64::MAX,
        neg: i64::MIN,
        single: 0.5,
        double: -1.25,
        count: barewire::Uint(300),
        delta: barewire::Int(-300),
        name: "short".into(),
        long_name: "a name longer than eight bytes".into(),
        blob: vec![0, 1, 2, 255],
        fixed: [5, 4, 3, 2, 1],
        raw: vec![7],
        level: Level::High,
        color: Some(Color::Green),
        shapes: vec![Shape::Circle(Circle { r: 2.0 }), Shape::Void, Shape::U8(9)],
        maybe: None,
        absent: Some(11),
        pairs: [(Key("k".into()), 1), (Key("a longer key".into()), 2)].into(),
        by_num: [(-1, "minus one".into())].into(),
        by_level: [(Level::Mid, true)].into(),
        by_data: [(vec![1, 2, 3], image_types::Square(0.25))].into(),
        tree: node,
        grid: [1, 2, 3],
        inner: image_types::EverythingInner {
            tag: 1,
            again: None,
        },
    };
    let dir = scratch("inspect-schema");
    let path = dir.join("everything.img");
    barewire::mmap::write_file(&path, &value).unwrap();
    let file = path.to_str().unwrap();
    let schema_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../barewire/tests/schemas/image_value.bare"
    );
    let out = barewire(
        &[
            "inspect",
            file,
            "--schema",
            schema_path,
            "--type",
            "Everything",
        ],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let fp = format!(
        "{:#018x}",
        barewire::mmap::fingerprint::<image_types::Everything>()
    );
    assert!(text.contains(&format!("fingerprint:   {fp}")), "{text}");
    assert!(text.contains("checksum:      ok"), "{text}");
    assert!(text.contains("root type:     Everything"), "{text}");
    let layout = format!(
        "root layout:   {} bytes, align {}",
        <image_types::Everything as barewire::Layout>::SIZE,
        <image_types::Everything as barewire::Layout>::ALIGN
    );
    assert!(text.contains(&layout), "{text}");
    let json = text.split_once("value:\n").expect("a value").1;

    let schema = barewire::schema::parse(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let codec = barewire::value::Codec::new(&schema);
    let wire = codec
        .decode("Everything", &barewire::to_vec(&value))
        .unwrap();
    assert_eq!(
        json.trim_end(),
        codec.to_json_pretty("Everything", &wire).unwrap()
    );

    // The wrong root type: an error, exit status 2, the header still shown.
    let out = barewire(
        &["inspect", file, "--schema", schema_path, "--type", "Node"],
        b"",
    );
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("root layout:   MISMATCH"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("UNREADABLE"), "{}", stdout(&out));
    // A type the schema does not define; --type without --schema.
    let out = barewire(
        &["inspect", file, "--schema", schema_path, "--type", "Nope"],
        b"",
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no type named"), "{}", stderr(&out));
    assert_eq!(
        code(&barewire(&["inspect", file, "--type", "Node"], b"")),
        2
    );
}
