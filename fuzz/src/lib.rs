//! Types and checks shared by the fuzz targets (and by the seed generator).
//!
//! The types are the integration tests' fixtures
//! (`barewire/tests/fixtures/mod.rs`, included here), so a regression a
//! fuzzer finds is replayed in `barewire/tests/fuzz_regressions.rs` against
//! the same types. Maps are `BTreeMap`s, which encode in key order, so a
//! re-encoding is deterministic.

use std::io::{self, Read};

use barewire::Encode;

#[path = "../../barewire/tests/fixtures/mod.rs"]
mod fixtures;
pub use fixtures::*;

/// A string read as `str`: checks that it is UTF-8 indeed, whether the
/// view checked it when read or trusted a full check, and returns whether
/// it read.
pub fn utf8(read: Result<&str, barewire::Error>) -> bool {
    if let Ok(s) = read {
        assert!(
            std::str::from_utf8(s.as_bytes()).is_ok(),
            "a string read as str is not UTF-8"
        );
    }
    read.is_ok()
}

/// Reads every part of a checked view of a [`Canon`], as a user would.
pub fn read_canon(view: &CanonLayout<&[u8]>, depth: u32) {
    let _ = (view.id(), view.delta(), view.flag(), view.kind());
    let _ = (
        view.small(),
        view.short(),
        view.word(),
        view.wide(),
        view.ratio(),
    );
    utf8(view.name().as_str());
    let _ = view.name().as_bytes().map(<[u8]>::len);
    let _ = view.bytes().as_bytes();
    let _: f64 = view.floats().iter().sum();
    let _ = view.floats().as_slice().len();
    let _: u32 = view.fixed().iter().map(u32::from).sum();
    let _ = view.tag().as_array();
    let _ = view.maybe();
    for item in view.items().iter() {
        read_item(&item, 0);
    }
    for list in view.nested().iter() {
        let _: i64 = list.iter().map(i64::from).sum();
        let _ = list.as_slice();
    }
    let _ = view.unit();
    let _ = format!("{view:?}");
    if let Some(next) = view.next() {
        if depth < 64 {
            read_canon(&next, depth + 1);
        }
    }
}

/// Reads every part of a checked view of an [`Item`].
pub fn read_item(item: &ItemLayout<&[u8]>, depth: u32) {
    let _ = item.tag();
    let _ = item.as_number();
    let _ = item.as_text().map(|t| utf8(t.as_str()));
    let _ = item.is_nothing();
    if let Some(f) = item.as_floats() {
        let _: f32 = f.iter().sum();
    }
    if let Some((left, right)) = item.as_pair() {
        let _ = left;
        if let Some(right) = right {
            if depth < 300 {
                read_item(&right, depth + 1);
            }
        }
    }
    let _ = format!("{item:?}");
}

/// Reads every part of a checked view of a [`Rich`].
pub fn read_rich(view: &RichLayout<&[u8]>, depth: u32) {
    read_canon(&view.head(), 0);
    for (k, v) in view.map().iter() {
        let _ = (utf8(k.as_str()), v);
        if let Ok(k) = k.as_str() {
            assert!(view.map().get(k).is_some(), "a key the map lists is found");
        }
    }
    let _ = view.map().get("a");
    let _ = view.map().len();
    for (k, v) in view.counts().iter() {
        assert_eq!(view.counts().get(&k), Some(v));
    }
    let _ = view.counts().get(&Kind::C);
    for (k, v) in view.by_id().iter() {
        let _ = v.map(|s| utf8(s.as_str()));
        assert!(view.by_id().get(&k).is_some());
    }
    let _ = format!("{view:?}");
    if let Some(next) = view.next() {
        if depth < 64 {
            read_rich(&next, depth + 1);
        }
    }
}

/// The wire bytes of a value (compares floats by bits, NaN included).
pub fn bytes_of<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    barewire::to_vec(value)
}

/// A reader that hands out its bytes in chunks of the given sizes (cycled),
/// with an `Interrupted` or `WouldBlock` error now and then, as a socket
/// might.
pub struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl<'a> Chunked<'a> {
    /// A reader over `data` in chunks whose sizes `sizes` chooses (cycled;
    /// `sizes` may be empty: one byte at a time). A size byte `s` means:
    /// - `0xff`: one `Interrupted` error first, then 1 byte;
    /// - `0xfe`: one `WouldBlock` error first (the caller retries), then
    ///   1 byte;
    /// - `0xf0..=0xfd`: `32 << (s - 0xf0)` bytes (32 B to 256 KiB);
    /// - otherwise `s % 17 + 1` bytes.
    pub fn new(data: &'a [u8], sizes: &'a [u8]) -> Self {
        Chunked {
            data,
            sizes,
            turn: 0,
        }
    }
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = if self.sizes.is_empty() {
            0
        } else {
            self.sizes[self.turn % self.sizes.len()]
        };
        self.turn += 1;
        // An error at most every other read, so that a retry makes progress.
        if self.turn % 2 == 1 {
            match size {
                0xff => return Err(io::ErrorKind::Interrupted.into()),
                0xfe => return Err(io::ErrorKind::WouldBlock.into()),
                _ => {}
            }
        }
        let n = match size {
            0xf0..=0xfd => 32 << (size - 0xf0),
            _ => usize::from(size) % 17 + 1,
        };
        let n = n.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Whether an error is the `WouldBlock` a [`Chunked`] reader gives now and
/// then: the caller retries.
pub fn would_block(err: &barewire::Error) -> bool {
    matches!(err, barewire::Error::Io(e) if e.kind() == io::ErrorKind::WouldBlock)
}

/// The marker of a repetition in fuzz input (see [`expand`]).
pub const REPEAT: [u8; 2] = [0xfe, 0xfd];

/// The bytes of a repetition for [`expand`]: `fragment` (at most 255 bytes)
/// `count` times. Used to write seeds.
pub fn repeat(count: u16, fragment: &[u8]) -> Vec<u8> {
    let len = u8::try_from(fragment.len()).expect("a fragment of at most 255 bytes");
    let mut out = REPEAT.to_vec();
    out.extend_from_slice(&count.to_le_bytes());
    out.push(len);
    out.extend_from_slice(fragment);
    out
}

/// Expands repetitions in fuzz input, so that small inputs can stand for
/// the large ones that hangs need (a message of 100,000 bytes read one at a
/// time, 100,000 nested types, a long alias chain): `REPEAT`, a `u16`
/// count (little-endian), a length byte and that many bytes of fragment
/// stand for the fragment repeated `count` times. With `numbered`, a `$` in
/// a fragment becomes the repetition's index and a `%` the index plus one
/// (`type A$ A%` repeated makes an alias chain). Everything else is copied;
/// the output stops at `cap` bytes.
pub fn expand(input: &[u8], cap: usize, numbered: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() && out.len() < cap {
        if rest.len() >= 5 && rest[..2] == REPEAT {
            let count = u16::from_le_bytes([rest[2], rest[3]]);
            let len = usize::from(rest[4]).min(rest.len() - 5);
            let fragment = &rest[5..5 + len];
            rest = &rest[5 + len..];
            for i in 0..u32::from(count) {
                if out.len() >= cap {
                    break;
                }
                for &b in fragment {
                    match b {
                        b'$' if numbered => out.extend_from_slice(i.to_string().as_bytes()),
                        b'%' if numbered => out.extend_from_slice((i + 1).to_string().as_bytes()),
                        _ => out.push(b),
                    }
                }
            }
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out.truncate(cap);
    out
}

/// Parses `text` in both modes and checks the results: no panics; errors
/// carry a 1-based position inside the text; a schema that parses prints to
/// text that parses back to an equal model (the printer writes the current
/// syntax, so this holds for legacy input too); what the current syntax
/// accepts, legacy mode accepts the same way.
pub fn check_schema_text(text: &str) {
    use barewire::Error;
    use barewire::schema::{ParseOptions, parse, parse_with};

    fn position_inside(text: &str, err: &Error) {
        if let Error::Schema { line, column, .. } = err {
            let lines = text.split('\n').count().max(1);
            assert!(*line >= 1 && *column >= 1, "{err}");
            assert!(
                *line as usize <= lines + 1,
                "line {line} past the end ({lines} lines): {err}"
            );
        }
    }

    let current = parse(text);
    let legacy = parse_with(text, ParseOptions::legacy());
    for result in [&current, &legacy] {
        match result {
            Ok(schema) => {
                let printed = schema.to_string();
                let again = parse(&printed)
                    .unwrap_or_else(|e| panic!("printed schema does not parse: {e}\n{printed}"));
                assert_eq!(&again, schema, "print/parse changed the model:\n{printed}");
                assert_eq!(again.to_string(), printed, "printing is not stable");
            }
            Err(e) => position_inside(text, e),
        }
    }
    if let Ok(schema) = &current {
        assert_eq!(
            legacy.as_ref().ok(),
            Some(schema),
            "legacy mode disagrees with the current syntax"
        );
    }
}

/// Splits fuzz input into a control prefix of `n` bytes and the rest.
pub fn split(data: &[u8], n: usize) -> (&[u8], &[u8]) {
    data.split_at(n.min(data.len()))
}

// ---- explicit layouts with in-place fields ---------------------------------------

/// An explicit record with a string, a span of records and a nullable
/// pointer to its own type: the in-place field types of level 3.
#[derive(barewire::Layout)]
#[repr(C)]
pub struct ExplicitDoc {
    pub id: barewire::BareStr,
    pub entries: barewire::BareSpan<ExplicitEntry>,
    pub flag: bool,
    pub status: ExplicitStatus,
    #[bare(padding)]
    pub _pad: [u8; 2],
    pub next: Option<barewire::BarePtr<ExplicitDoc>>,
}

/// Items of [`ExplicitDoc::entries`]: strings and an optional number.
#[derive(barewire::Layout)]
#[repr(C)]
pub struct ExplicitEntry {
    pub key: barewire::BareStr,
    pub value: barewire::BareOption<u32>,
}

/// A field-less enum in an explicit record: its values are checked.
#[derive(barewire::Bare, Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
pub enum ExplicitStatus {
    Active,
    Inactive,
    Archived = 7,
}

/// The derived twin of [`ExplicitDoc`], for seeds.
#[derive(barewire::Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared")]
pub struct ExplicitDocTwin {
    pub id: String,
    pub entries: Vec<ExplicitEntryTwin>,
    pub flag: bool,
    pub status: ExplicitStatus,
    pub next: Option<Box<ExplicitDocTwin>>,
}

/// The derived twin of [`ExplicitEntry`].
#[derive(barewire::Bare, Debug, Clone, PartialEq)]
#[bare(order = "declared")]
pub struct ExplicitEntryTwin {
    pub key: String,
    pub value: Option<u32>,
}

/// A sample chain of explicit documents, as twins.
pub fn sample_explicit() -> ExplicitDocTwin {
    let entry = |key: &str, value| ExplicitEntryTwin {
        key: key.into(),
        value,
    };
    ExplicitDocTwin {
        id: "the first document".into(),
        entries: vec![
            entry("status", Some(1)),
            entry("a longer key than eight", None),
        ],
        flag: true,
        status: ExplicitStatus::Archived,
        next: Some(Box::new(ExplicitDocTwin {
            id: "2nd".into(),
            entries: vec![],
            flag: false,
            status: ExplicitStatus::Active,
            next: None,
        })),
    }
}

/// Reads an explicit image every way a reader can, through the view's
/// in-place accessors (which check each read), whether or not `view`
/// accepted it: never a panic. Follows at most `bytes.len()` pointers.
pub fn read_explicit(bytes: &[u8]) {
    let checked = barewire::view::<ExplicitDoc>(bytes);
    let view = barewire::view_unchecked::<ExplicitDoc>(bytes);
    let Ok(mut doc) = view.get() else {
        assert!(
            checked.is_err(),
            "view accepted a root that does not read in place"
        );
        return;
    };
    for _ in 0..bytes.len() {
        let _ = view.str(&doc.id);
        match view.span(&doc.entries) {
            Ok(entries) => {
                for e in entries {
                    let _ = view.str(&e.key);
                    let _ = e.value.get();
                }
            }
            Err(_) => assert!(checked.is_err(), "view accepted a span that does not read"),
        }
        match doc.next.as_ref().map(|p| view.resolve(p)) {
            Some(Ok(next)) => doc = next,
            Some(Err(_)) => {
                assert!(
                    checked.is_err(),
                    "view accepted a pointer that does not resolve"
                );
                break;
            }
            None => break,
        }
    }
    if let Ok(view) = checked {
        utf8(view.id().as_str());
        for e in view.entries().iter() {
            let _ = e.key().as_bytes();
            let _ = e.value();
        }
        let _ = view.status();
    }
}
