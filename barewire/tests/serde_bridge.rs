//! The serde bridge (`barewire::serde`, feature `serde`): exact bytes,
//! strictness, what BARE cannot express, and differential property tests
//! against serde_bare and against `#[derive(Bare)]` on the same types.
#![cfg(feature = "serde")]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;

use barewire::{Bare, DecodeOwned, Encode, Error, Limits};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Bare, Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    user: String,
    request: String,
    code: u16,
    size: u64,
    tags: Vec<String>,
    flag: Option<bool>,
}

#[derive(Bare, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Debug,
    Info,
    Warn,
}

#[derive(Bare, Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Event {
    Start,
    Line(String),
    Pair(u16, i32),
    Moved { x: i64, y: i64 },
    Nested(Box<Event>),
}

#[derive(Bare, Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Record {
    level: Level,
    events: Vec<Event>,
    counts: BTreeMap<String, u32>,
    pair: (u8, i16),
    blob: [u8; 3],
    unit: (),
}

#[derive(Bare, Serialize, Deserialize, Debug, PartialEq)]
struct Borrowed<'a> {
    name: &'a str,
    #[serde(with = "serde_bytes_like")]
    data: &'a [u8],
    code: u32,
}

/// `&[u8]` as serde bytes (BARE `data`), without the serde_bytes crate.
mod serde_bytes_like {
    use serde::{Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub fn deserialize<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<&'a [u8], D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = &'de [u8];
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("borrowed bytes")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<&'de [u8], E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(V)
    }
}

/// Ours equals serde_bare's bytes and the derive's; each of the three reads
/// the others' bytes back to `value`.
fn agree<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Encode + DecodeOwned + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let ours = barewire::serde::to_vec(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let serde_bare = serde_bare::to_vec(value).expect("serde_bare encodes");
    let derived = barewire::to_vec(value);
    prop_assert_eq!(&ours, &serde_bare, "serde_bare bytes of {:?}", value);
    prop_assert_eq!(&ours, &derived, "derive bytes of {:?}", value);
    let back: T =
        barewire::serde::from_slice(&ours).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, value);
    let back: T = serde_bare::from_slice(&ours).expect("serde_bare reads ours");
    prop_assert_eq!(&back, value);
    Ok(())
}

/// On any bytes, the bridge and the derive agree on accepting and on the
/// value; serde_bare accepts at least what the bridge accepts.
fn same_verdict<T>(bytes: &[u8]) -> Result<(), TestCaseError>
where
    T: DecodeOwned + DeserializeOwned + PartialEq + Debug,
{
    let ours = barewire::serde::from_slice::<T>(bytes);
    let derived = barewire::from_slice::<T>(bytes);
    match (&ours, &derived) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => prop_assert!(
            false,
            "bridge {:?} vs derive {:?} on {:?}",
            ours,
            derived,
            bytes
        ),
    }
    if let Ok(a) = &ours {
        let theirs: T = serde_bare::from_slice(bytes).expect("serde_bare is laxer");
        prop_assert_eq!(a, &theirs);
    }
    Ok(())
}

fn short_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,6}",
        ".{0,12}",
        "[a-z]{120,140}"
    ]
}

fn any_event() -> impl Strategy<Value = Event> {
    let leaf = prop_oneof![
        Just(Event::Start),
        short_string().prop_map(Event::Line),
        (any::<u16>(), any::<i32>()).prop_map(|(a, b)| Event::Pair(a, b)),
        (any::<i64>(), any::<i64>()).prop_map(|(x, y)| Event::Moved { x, y }),
    ];
    leaf.prop_recursive(4, 16, 1, |inner| {
        inner.prop_map(|e| Event::Nested(Box::new(e)))
    })
}

fn any_log() -> impl Strategy<Value = Log> {
    (
        any::<[u8; 4]>(),
        short_string(),
        short_string(),
        any::<u16>(),
        any::<u64>(),
        vec(short_string(), 0..4),
        any::<Option<bool>>(),
    )
        .prop_map(|(address, user, request, code, size, tags, flag)| Log {
            address,
            user,
            request,
            code,
            size,
            tags,
            flag,
        })
}

fn any_record() -> impl Strategy<Value = Record> {
    (
        prop_oneof![Just(Level::Debug), Just(Level::Info), Just(Level::Warn)],
        vec(any_event(), 0..6),
        btree_map(short_string(), any::<u32>(), 0..5),
        any::<(u8, i16)>(),
        any::<[u8; 3]>(),
    )
        .prop_map(|(level, events, counts, pair, blob)| Record {
            level,
            events,
            counts,
            pair,
            blob,
            unit: (),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn logs_agree_with_serde_bare_and_the_derive(logs in vec(any_log(), 0..8)) {
        agree(&logs)?;
    }

    #[test]
    fn records_agree_with_serde_bare_and_the_derive(r in any_record()) {
        agree(&r)?;
    }

    #[test]
    fn primitives_agree(
        a in any::<(u8, u16, u32, u64, i8, i16, i32, i64)>(),
        b in any::<(bool, Option<u8>, Option<Option<bool>>)>(),
        c in vec(any::<u8>(), 0..200),
    ) {
        agree(&a)?;
        agree(&b)?;
        agree(&c)?;
    }

    #[test]
    fn floats_keep_their_bits(x in any::<u32>(), y in any::<u64>()) {
        let v = (f32::from_bits(x), f64::from_bits(y));
        let bytes = barewire::serde::to_vec(&v).unwrap();
        prop_assert_eq!(&bytes, &barewire::to_vec(&v));
        let back: (f32, f64) = barewire::serde::from_slice(&bytes).unwrap();
        prop_assert_eq!((back.0.to_bits(), back.1.to_bits()), (x, y));
    }

    #[test]
    fn borrowed_fields_point_into_the_input(name in ".{0,20}", data in vec(any::<u8>(), 0..40), code in any::<u32>()) {
        let value = Borrowed { name: &name, data: &data, code };
        let bytes = barewire::serde::to_vec(&value).unwrap();
        prop_assert_eq!(&bytes, &barewire::to_vec(&value));
        let back: Borrowed<'_> = barewire::serde::from_slice(&bytes).unwrap();
        prop_assert_eq!(&back, &value);
        let range = bytes.as_ptr_range();
        prop_assert!(range.contains(&back.name.as_ptr()) || back.name.is_empty());
        prop_assert!(range.contains(&back.data.as_ptr()) || back.data.is_empty());
    }

    #[test]
    fn arbitrary_bytes_get_the_derives_verdict(bytes in vec(any::<u8>(), 0..64)) {
        same_verdict::<Record>(&bytes)?;
        same_verdict::<Vec<Log>>(&bytes)?;
        same_verdict::<(bool, Option<u8>, String)>(&bytes)?;
        same_verdict::<BTreeMap<u8, Level>>(&bytes)?;
    }

    #[test]
    fn corrupted_records_get_the_derives_verdict(r in any_record(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = barewire::to_vec(&r);
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        same_verdict::<Record>(&bytes)?;
        let mut longer = bytes.clone();
        longer.push(0);
        same_verdict::<Record>(&longer)?;
        same_verdict::<Record>(&bytes[..bytes.len() / 2])?;
    }
}

#[test]
fn exact_bytes() {
    use barewire::serde::to_vec;
    assert_eq!(to_vec(&5u8).unwrap(), [5]);
    assert_eq!(to_vec(&-2i16).unwrap(), [0xfe, 0xff]);
    assert_eq!(to_vec("bare").unwrap(), [4, b'b', b'a', b'r', b'e']);
    assert_eq!(to_vec(&Some(true)).unwrap(), [1, 1]);
    assert_eq!(to_vec(&None::<u8>).unwrap(), [0]);
    assert_eq!(to_vec(&'é').unwrap(), [0xe9, 0, 0, 0]);
    assert_eq!(
        to_vec(&1u128).unwrap(),
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(to_vec(&Level::Warn).unwrap(), [2]);
    assert_eq!(
        to_vec(&Event::Pair(1, -1)).unwrap(),
        [2, 1, 0, 0xff, 0xff, 0xff, 0xff]
    );
    assert_eq!(to_vec(&vec![0u8; 200]).unwrap()[..2], [0xc8, 0x01]);
    let map = BTreeMap::from([(1u8, 2u8)]);
    assert_eq!(to_vec(&map).unwrap(), [1, 1, 2]);
}

#[test]
fn strict_reads() {
    use barewire::serde::from_slice;
    assert!(matches!(
        from_slice::<bool>(&[2]),
        Err(Error::InvalidBool { offset: 0, byte: 2 })
    ));
    assert!(matches!(
        from_slice::<Option<u8>>(&[2, 0]),
        Err(Error::InvalidOptionTag { offset: 0, byte: 2 })
    ));
    // An overlong varint length.
    assert!(matches!(
        from_slice::<String>(&[0x80, 0x00]),
        Err(Error::NonCanonicalVarint { offset: 0 })
    ));
    assert!(matches!(
        from_slice::<String>(&[1, 0xff]),
        Err(Error::InvalidUtf8 { offset: 1 })
    ));
    assert!(matches!(
        from_slice::<u8>(&[1, 2]),
        Err(Error::TrailingBytes {
            offset: 1,
            remaining: 1
        })
    ));
    assert!(matches!(
        from_slice::<Level>(&[3]),
        Err(Error::UnknownUnionTag {
            offset: 0,
            tag: 3,
            type_name: "Level"
        })
    ));
    assert!(matches!(
        from_slice::<BTreeMap<u8, u8>>(&[2, 1, 1, 1, 2]),
        Err(Error::DuplicateMapKey { offset: 3 })
    ));
    assert!(matches!(
        from_slice::<HashMap<String, u8>>(&[2, 1, b'a', 1, 1, b'a', 2]),
        Err(Error::DuplicateMapKey { offset: 4 })
    ));
    assert!(matches!(
        from_slice::<char>(&[0, 0xd8, 0, 0]),
        Err(Error::IntegerOutOfRange { target: "char", .. })
    ));
    // A hostile length: no huge allocation, a clean error.
    assert!(from_slice::<Vec<u64>>(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    assert!(
        from_slice::<Vec<()>>(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
            .is_err()
    );
}

#[test]
fn limits_apply() {
    let nested = vec![vec![vec![1u8]]];
    let bytes = barewire::serde::to_vec(&nested).unwrap();
    let tight = Limits::DEFAULT.with_max_depth(2);
    assert!(matches!(
        barewire::serde::from_slice_with::<Vec<Vec<Vec<u8>>>>(&bytes, tight),
        Err(Error::DepthLimit { limit: 2, .. })
    ));
    assert!(matches!(
        barewire::serde::from_slice_with::<Vec<Vec<Vec<u8>>>>(
            &bytes,
            Limits::DEFAULT.with_max_size(2)
        ),
        Err(Error::SizeLimit { .. })
    ));
    // A deep recursive value stops at the depth limit, not the stack's end.
    let mut deep = vec![0u8; 100_000];
    deep.push(0);
    for b in deep.iter_mut().take(100_000) {
        *b = 4; // Event::Nested, again and again
    }
    assert!(matches!(
        barewire::serde::from_slice::<Event>(&deep),
        Err(Error::DepthLimit { .. } | Error::StackLimit { .. })
    ));
}

#[test]
fn what_bare_cannot_express_is_a_clear_error() {
    #[derive(Serialize, Deserialize, Debug)]
    #[serde(untagged)]
    enum Untagged {
        A(u8),
    }
    let err = barewire::serde::from_slice::<Untagged>(&[1]).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("deserialize_any"), "{err}");

    #[derive(Serialize, Deserialize, Debug)]
    struct Inner {
        a: u8,
    }
    #[derive(Serialize, Deserialize, Debug)]
    struct Flat {
        #[serde(flatten)]
        inner: Inner,
    }
    let err = barewire::serde::to_vec(&Flat {
        inner: Inner { a: 1 },
    })
    .unwrap_err();
    assert!(err.to_string().contains("flatten"), "{err}");
    assert!(barewire::serde::from_slice::<Flat>(&[1, 1]).is_err());

    #[derive(Serialize)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<u8>,
    }
    let err = barewire::serde::to_vec(&Skips { a: None }).unwrap_err();
    assert!(err.to_string().contains("skip_serializing_if"), "{err}");
    assert_eq!(
        barewire::serde::to_vec(&Skips { a: Some(1) }).unwrap(),
        [1, 1]
    );

    struct Unsized;
    impl Serialize for Unsized {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq((0..3u8).filter(|x| x % 2 == 0))
        }
    }
    let err = barewire::serde::to_vec(&Unsized).unwrap_err();
    assert!(err.to_string().contains("unknown length"), "{err}");

    struct Liar;
    impl Serialize for Liar {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = s.serialize_seq(Some(2))?;
            seq.serialize_element(&1u8)?;
            seq.end()
        }
    }
    assert!(matches!(
        barewire::serde::to_vec(&Liar),
        Err(Error::Unsupported { .. })
    ));

    // An iterator whose exact size hint is wrong: the length prefix is out
    // when the difference shows, so it is an error, for lists and maps.
    struct Lying(usize);
    impl Iterator for Lying {
        type Item = u8;
        fn next(&mut self) -> Option<u8> {
            self.0 = self.0.checked_sub(1)?;
            Some(7)
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (3, Some(3))
        }
    }
    struct LyingSeq(usize);
    impl Serialize for LyingSeq {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(Lying(self.0))
        }
    }
    struct LyingMap(usize);
    impl Serialize for LyingMap {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(Lying(self.0).map(|v| (v, v)))
        }
    }
    assert_eq!(barewire::serde::to_vec(&LyingSeq(3)).unwrap(), [3, 7, 7, 7]);
    assert_eq!(
        barewire::serde::to_vec(&LyingMap(3)).unwrap(),
        [3, 7, 7, 7, 7, 7, 7]
    );
    for n in [2, 4] {
        let err = barewire::serde::to_vec(&LyingSeq(n)).unwrap_err();
        assert!(err.to_string().contains("size hint"), "{err}");
        let err = barewire::serde::to_vec(&LyingMap(n)).unwrap_err();
        assert!(err.to_string().contains("size hint"), "{err}");
    }
    struct UnsizedMap;
    impl Serialize for UnsizedMap {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map((0..3u8).filter(|x| x % 2 == 0).map(|x| (x, x)))
        }
    }
    let err = barewire::serde::to_vec(&UnsizedMap).unwrap_err();
    assert!(err.to_string().contains("unknown length"), "{err}");
}
