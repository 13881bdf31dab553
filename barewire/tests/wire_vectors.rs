//! The published primitive vectors (`../shared/bare-vectors/primitive-vectors.json`):
//! every valid entry decodes to its value and re-encodes to exactly its bytes;
//! every `expect: reject` entry fails with the error a reader would expect.
//!
//! The vectors belong to another project and are read in place at test time.
//! When the folder is missing the test says so and passes, unless
//! `BAREWIRE_REQUIRE_VECTORS=1` is set.

use std::borrow::Cow;
use std::path::Path;

use barewire::{Error, Int, Uint, from_slice};

const VECTORS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/bare-vectors");
const EXPECTED_VECTORS: usize = 92;
const EXPECTED_REJECTS: usize = 21;

// ---- a tiny JSON reader ------------------------------------------------------

/// A JSON value; numbers keep their source text so big integers and floats are
/// parsed by the test into the exact Rust type.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// A number's text, or a string's text (the vectors write big integers as
    /// decimal strings).
    fn number_text(&self) -> &str {
        match self {
            Json::Number(s) | Json::String(s) => s,
            other => panic!("expected a number, found {other:?}"),
        }
    }
}

struct JsonParser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> JsonParser<'a> {
    fn parse(text: &'a str) -> Result<Json, String> {
        let mut p = JsonParser { text, pos: 0 };
        let value = p.value()?;
        p.skip_ws();
        if p.pos != text.len() {
            return Err(format!("trailing characters at {}", p.pos));
        }
        Ok(value)
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start_matches([' ', '\t', '\n', '\r']);
        self.pos = self.text.len() - trimmed.len();
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_ws();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(format!("expected {c:?} at {}", self.pos))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.skip_ws();
        let rest = self.rest();
        match rest.chars().next() {
            Some('{') => self.object(),
            Some('[') => self.array(),
            Some('"') => self.string().map(Json::String),
            Some('t') if rest.starts_with("true") => {
                self.pos += 4;
                Ok(Json::Bool(true))
            }
            Some('f') if rest.starts_with("false") => {
                self.pos += 5;
                Ok(Json::Bool(false))
            }
            Some('n') if rest.starts_with("null") => {
                self.pos += 4;
                Ok(Json::Null)
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                    .unwrap_or(rest.len());
                self.pos += len;
                Ok(Json::Number(rest[..len].to_string()))
            }
            _ => Err(format!("unexpected input at {}", self.pos)),
        }
    }

    fn object(&mut self) -> Result<Json, String> {
        self.expect('{')?;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.rest().starts_with('}') {
            self.pos += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.expect(':')?;
            entries.push((key, self.value()?));
            self.skip_ws();
            if self.rest().starts_with(',') {
                self.pos += 1;
            } else {
                self.expect('}')?;
                return Ok(Json::Object(entries));
            }
        }
    }

    fn array(&mut self) -> Result<Json, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.rest().starts_with(']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            if self.rest().starts_with(',') {
                self.pos += 1;
            } else {
                self.expect(']')?;
                return Ok(Json::Array(items));
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.rest().get(..4).ok_or("short \\u escape")?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|e| e.to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let c = self.rest().chars().next().ok_or("unterminated string")?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let e = self.rest().chars().next().ok_or("unterminated escape")?;
                    self.pos += 1;
                    match e {
                        '"' | '\\' | '/' => out.push(e),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let mut code = self.hex4()?;
                            if (0xd800..0xdc00).contains(&code) && self.rest().starts_with("\\u") {
                                self.pos += 2;
                                let low = self.hex4()?;
                                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                            }
                            out.push(char::from_u32(code).ok_or("bad \\u escape")?);
                        }
                        _ => return Err(format!("bad escape at {}", self.pos)),
                    }
                }
                _ => out.push(c),
            }
        }
    }
}

#[test]
fn json_reader_sanity() {
    let j = JsonParser::parse(
        r#" {"a": [1, -2.5e3, "x\"\u00e9\ud83c\udf88", true, false, null], "b": {}} "#,
    )
    .unwrap();
    let a = match j.get("a") {
        Some(Json::Array(items)) => items.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(a[0], Json::Number("1".into()));
    assert_eq!(a[1], Json::Number("-2.5e3".into()));
    assert_eq!(a[2], Json::String("x\"é🎈".into()));
    assert_eq!(a[3..], [Json::Bool(true), Json::Bool(false), Json::Null]);
    assert_eq!(j.get("b"), Some(&Json::Object(vec![])));
    assert!(JsonParser::parse("[1,").is_err());
    assert!(JsonParser::parse("[1] x").is_err());
}

// ---- the vectors -------------------------------------------------------------

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|e| panic!("{s}: {e}")))
        .collect()
}

fn parse<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse()
        .unwrap_or_else(|e| panic!("cannot parse {text:?}: {e:?}"))
}

/// Decodes `bytes` as `T`, checks the value, re-encodes and checks the bytes.
fn round_trip<T>(bytes: &[u8], expected: &T)
where
    T: for<'de> barewire::Decode<'de> + barewire::Encode + PartialEq + std::fmt::Debug,
{
    let decoded: T = from_slice(bytes).unwrap_or_else(|e| panic!("decode {bytes:02x?}: {e}"));
    assert_eq!(&decoded, expected, "decoded value of {bytes:02x?}");
    assert_eq!(
        barewire::to_vec(expected),
        bytes,
        "encoding of {expected:?}"
    );
}

/// Checks a borrowed `&[u8]` (or the bytes of a `&str`) lies inside `input`.
fn assert_points_into(input: &[u8], borrowed: &[u8]) {
    let range = input.as_ptr_range();
    let b = borrowed.as_ptr_range();
    assert!(
        range.start <= b.start && b.end <= range.end,
        "borrowed value does not point into the input"
    );
}

macro_rules! float_vector {
    ($t:ty, $bits:ty, $bytes:expr, $value:expr, $note:expr) => {{
        let bytes: &[u8] = $bytes;
        let wire = <$bits>::from_le_bytes(bytes.try_into().expect("float width"));
        let decoded: $t = from_slice(bytes).unwrap();
        assert_eq!(decoded.to_bits(), wire, "bits of {bytes:02x?}");
        assert_eq!(barewire::to_vec(&decoded), bytes, "bit-exact re-encode");
        match $value {
            Json::String(s) if s.starts_with("NaN") => assert!(decoded.is_nan()),
            v if $note.contains("approximate") => {
                let approx: $t = parse(v.number_text());
                assert!((decoded - approx).abs() <= approx.abs() * 1e-6);
            }
            v => {
                let exact: $t = parse(v.number_text());
                assert_eq!(exact.to_bits(), wire, "value {exact} vs bytes {bytes:02x?}");
                assert_eq!(barewire::to_vec(&exact), bytes);
            }
        }
    }};
}

fn check_valid(ty: &str, value: &Json, note: &str, bytes: &[u8]) {
    match ty {
        "uint" => round_trip(bytes, &Uint(parse(value.number_text()))),
        "int" => round_trip(bytes, &Int(parse(value.number_text()))),
        "u8" => round_trip::<u8>(bytes, &parse(value.number_text())),
        "u16" => round_trip::<u16>(bytes, &parse(value.number_text())),
        "u32" => round_trip::<u32>(bytes, &parse(value.number_text())),
        "u64" => round_trip::<u64>(bytes, &parse(value.number_text())),
        "i8" => round_trip::<i8>(bytes, &parse(value.number_text())),
        "i16" => round_trip::<i16>(bytes, &parse(value.number_text())),
        "i32" => round_trip::<i32>(bytes, &parse(value.number_text())),
        "i64" => round_trip::<i64>(bytes, &parse(value.number_text())),
        "f32" => float_vector!(f32, u32, bytes, value, note),
        "f64" => float_vector!(f64, u64, bytes, value, note),
        "bool" => match value {
            Json::Bool(b) => round_trip(bytes, b),
            other => panic!("bool vector with value {other:?}"),
        },
        "str" => {
            let s = value.as_str().expect("str value");
            round_trip(bytes, &s.to_string());
            round_trip(bytes, &Box::<str>::from(s));
            let borrowed: &str = from_slice(bytes).unwrap();
            assert_eq!(borrowed, s);
            assert_points_into(bytes, borrowed.as_bytes());
            let cow: Cow<'_, str> = from_slice(bytes).unwrap();
            assert!(matches!(cow, Cow::Borrowed(_)));
            assert_eq!(barewire::to_vec(s), bytes);
        }
        "data" => {
            let d = hex(value.as_str().expect("data value as hex"));
            round_trip(bytes, &d);
            let borrowed: &[u8] = from_slice(bytes).unwrap();
            assert_eq!(borrowed, d);
            assert_points_into(bytes, borrowed);
            assert_eq!(barewire::to_vec(borrowed), bytes);
        }
        "data[2]" => round_trip::<[u8; 2]>(bytes, &parse_array(value)),
        "data[3]" => round_trip::<[u8; 3]>(bytes, &parse_array(value)),
        other => panic!("vector of unknown type {other}"),
    }
}

fn parse_array<const N: usize>(value: &Json) -> [u8; N] {
    hex(value.as_str().expect("data[N] value as hex"))
        .try_into()
        .expect("data[N] length")
}

/// Decodes `bytes` as the vector's type, every way this crate can, and
/// returns the error (all ways must agree).
fn decode_error(ty: &str, bytes: &[u8]) -> Error {
    fn err<'de, T: barewire::Decode<'de> + std::fmt::Debug>(bytes: &'de [u8]) -> Error {
        match from_slice::<T>(bytes) {
            Ok(v) => panic!("{bytes:02x?} decoded to {v:?}, must be rejected"),
            Err(e) => e,
        }
    }
    let all = match ty {
        "uint" => vec![err::<Uint>(bytes)],
        "int" => vec![err::<Int>(bytes)],
        "bool" => vec![err::<bool>(bytes)],
        "str" => vec![
            err::<String>(bytes),
            err::<&str>(bytes),
            err::<Box<str>>(bytes),
            err::<Cow<'_, str>>(bytes),
        ],
        "data" => vec![err::<Vec<u8>>(bytes), err::<&[u8]>(bytes)],
        other => panic!("reject vector of unexpected type {other}"),
    };
    let first = format!("{:?}", all[0]);
    for e in &all[1..] {
        assert_eq!(format!("{e:?}"), first, "decoders disagree on {bytes:02x?}");
    }
    all.into_iter().next().unwrap()
}

/// The error a careful reader expects for a must-reject vector, from its type,
/// bytes and the vector's own description of the fault.
fn check_reject(ty: &str, why: &str, bytes: &[u8]) {
    let e = decode_error(ty, bytes);
    let ok = match ty {
        "uint" | "int" if why.contains("non-canonical") => {
            matches!(e, Error::NonCanonicalVarint { offset: 0 })
        }
        "uint" | "int" if why.contains("10th byte") || why.contains("11 bytes") => {
            matches!(e, Error::VarintOverflow { offset: 0 })
        }
        "uint" | "int" if why.contains("truncated") => matches!(
            e,
            Error::UnexpectedEnd {
                offset: 0,
                available,
                ..
            } if available == bytes.len()
        ),
        "bool" => matches!(e, Error::InvalidBool { offset: 0, byte } if byte == bytes[0]),
        "str" | "data" => {
            // One-byte length prefix in every vector.
            let len = usize::from(bytes[0]);
            let payload = &bytes[1..];
            if len > payload.len() {
                matches!(
                    e,
                    Error::UnexpectedEnd { offset: 0, needed, available }
                        if needed == len as u64 && available == payload.len()
                )
            } else {
                let bad = std::str::from_utf8(payload).expect_err("vector is valid UTF-8");
                matches!(e, Error::InvalidUtf8 { offset } if offset == 1 + bad.valid_up_to())
            }
        }
        _ => false,
    };
    assert!(ok, "{ty} {bytes:02x?} ({why}): unexpected error {e:?}");
    // Display is a readable log line naming the byte offset.
    assert!(e.to_string().contains("at byte"), "{e}");
}

#[test]
fn primitive_vectors() {
    let dir = Path::new(VECTORS_DIR);
    let path = dir.join("primitive-vectors.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            if std::env::var("BAREWIRE_REQUIRE_VECTORS").as_deref() == Ok("1") {
                panic!(
                    "bare-vectors required but not readable at {}: {e}",
                    path.display()
                );
            }
            eprintln!(
                "bare-vectors not found at {}, skipping ({e})",
                dir.display()
            );
            return;
        }
    };
    let json = JsonParser::parse(&text).expect("primitive-vectors.json parses");
    let Some(Json::Array(vectors)) = json.get("vectors") else {
        panic!("no \"vectors\" array");
    };

    let (mut valid, mut rejected) = (0, 0);
    for (i, v) in vectors.iter().enumerate() {
        let ty = v.get("type").and_then(Json::as_str).expect("type");
        let bytes = hex(v.get("hex").and_then(Json::as_str).expect("hex"));
        let note = v.get("note").and_then(Json::as_str).unwrap_or("");
        let rejects = match v.get("expect").and_then(Json::as_str) {
            None => false,
            Some("reject") => true,
            Some(other) => panic!("vector {i}: unknown expect {other:?}"),
        };
        if rejects {
            let why = v.get("error").and_then(Json::as_str).unwrap_or("");
            check_reject(ty, why, &bytes);
            rejected += 1;
        } else {
            let value = v
                .get("value")
                .unwrap_or_else(|| panic!("vector {i}: no value"));
            check_valid(ty, value, note, &bytes);
            valid += 1;
        }
    }
    assert_eq!(valid + rejected, EXPECTED_VECTORS, "vector count");
    assert_eq!(rejected, EXPECTED_REJECTS, "must-reject vector count");
    assert_eq!(valid, EXPECTED_VECTORS - EXPECTED_REJECTS);
}
