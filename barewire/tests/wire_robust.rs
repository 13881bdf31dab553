//! Robustness: arbitrary bytes never panic a decoder, what decodes is
//! canonical (re-encodes to the same bytes), and every strict prefix of a
//! valid message is an error.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::io;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use barewire::{
    Decode, DecodeOwned, Encode, Error, Int, IoDecoder, Limits, SliceDecoder, Uint, from_slice,
    from_slice_with, to_vec,
};

type Tree = Vec<(Option<Box<Vec<u8>>>, BTreeMap<u8, Vec<Option<bool>>>)>;

/// Decodes `bytes` as `T`; if that succeeds the bytes must be canonical: the
/// value re-encodes to exactly the input. (Not for map types: a map may be
/// decoded from any key order.)
fn canonical<'de, T: Decode<'de> + Encode + Debug>(bytes: &'de [u8]) -> Result<(), TestCaseError> {
    canonical_with::<T>(bytes, Limits::DEFAULT)
}

fn canonical_with<'de, T: Decode<'de> + Encode + Debug>(
    bytes: &'de [u8],
    limits: Limits,
) -> Result<(), TestCaseError> {
    if let Ok(v) = from_slice_with::<T>(bytes, limits) {
        prop_assert_eq!(to_vec(&v), bytes, "non-canonical input accepted as {:?}", v);
    }
    Ok(())
}

/// Decodes `bytes` as `T`, which must not panic; a success re-encodes to a
/// message of the same length (maps may reorder, never resize).
fn same_length<'de, T: Decode<'de> + Encode>(bytes: &'de [u8]) -> Result<(), TestCaseError> {
    if let Ok(v) = from_slice::<T>(bytes) {
        prop_assert_eq!(to_vec(&v).len(), bytes.len());
    }
    Ok(())
}

/// Every decoder this crate has, over the same bytes.
fn decode_everything(bytes: &[u8]) -> Result<(), TestCaseError> {
    canonical::<u8>(bytes)?;
    canonical::<u64>(bytes)?;
    canonical::<Uint>(bytes)?;
    canonical::<Int>(bytes)?;
    canonical::<bool>(bytes)?;
    canonical::<f32>(bytes)?;
    canonical::<f64>(bytes)?;
    canonical::<()>(bytes)?;
    canonical::<&str>(bytes)?;
    canonical::<String>(bytes)?;
    canonical::<Box<str>>(bytes)?;
    canonical::<&[u8]>(bytes)?;
    canonical::<Vec<u8>>(bytes)?;
    canonical::<Vec<String>>(bytes)?;
    canonical::<Vec<&str>>(bytes)?;
    canonical::<Vec<u32>>(bytes)?;
    canonical::<Vec<f64>>(bytes)?;
    canonical::<Vec<bool>>(bytes)?;
    canonical::<Vec<Uint>>(bytes)?;
    canonical::<Vec<Option<Int>>>(bytes)?;
    canonical::<Option<Box<(Uint, Int, bool)>>>(bytes)?;
    canonical::<[u32; 3]>(bytes)?;
    canonical::<[u8; 4]>(bytes)?;
    canonical::<[String; 2]>(bytes)?;
    canonical::<[Option<u8>; 3]>(bytes)?;
    canonical::<(u8, (Uint, (bool, (&str, Option<u16>))))>(bytes)?;
    canonical::<((), (Vec<u16>, [Int; 2]), Option<Option<&[u8]>>)>(bytes)?;
    canonical::<Box<[Box<str>]>>(bytes)?;
    same_length::<BTreeMap<String, Vec<u8>>>(bytes)?;
    same_length::<BTreeMap<Uint, ()>>(bytes)?;
    same_length::<BTreeMap<bool, Option<Uint>>>(bytes)?;
    same_length::<HashMap<i64, String>>(bytes)?;
    same_length::<HashMap<&str, &[u8]>>(bytes)?;
    same_length::<Tree>(bytes)?;
    // Lists of `void` may legitimately hold up to `max_size` items, which a
    // debug build loops over slowly: keep that total small here.
    let small = Limits::DEFAULT.with_max_size(4096);
    canonical_with::<Vec<()>>(bytes, small)?;
    canonical_with::<Vec<Vec<()>>>(bytes, small)?;
    canonical_with::<(u8, Vec<Box<()>>)>(bytes, small)?;
    // Tight limits take other error paths.
    let tight = Limits::DEFAULT.with_max_depth(2).with_max_size(16);
    let _ = from_slice_with::<Vec<Vec<Vec<u8>>>>(bytes, tight);
    let _ = from_slice_with::<Vec<Vec<()>>>(bytes, tight);
    let _ = from_slice_with::<Tree>(bytes, tight);
    stream_everything(bytes)
}

/// The streaming decoders over arbitrary bytes: they terminate, never panic,
/// and consume exactly what they decode.
fn stream_everything(bytes: &[u8]) -> Result<(), TestCaseError> {
    fn slices<'de, T: Decode<'de> + Encode>(
        bytes: &'de [u8],
        limits: Limits,
    ) -> Result<(), TestCaseError> {
        let mut d = SliceDecoder::with_limits(bytes, limits);
        let mut consumed = 0;
        // Every message of these types takes at least one byte, so this ends.
        for item in d.iter::<T>() {
            match item {
                Ok(v) => consumed += to_vec(&v).len(),
                Err(_) => break,
            }
        }
        prop_assert_eq!(d.position(), consumed);
        prop_assert_eq!(d.remaining(), &bytes[consumed..]);
        Ok(())
    }
    fn streams<T: DecodeOwned + Encode>(bytes: &[u8], limits: Limits) -> Result<(), TestCaseError> {
        let mut d = IoDecoder::with_limits(io::Cursor::new(bytes), limits);
        let mut consumed = 0;
        loop {
            match d.decode::<T>() {
                Ok(Some(v)) => consumed += to_vec(&v).len(),
                Ok(None) => {
                    prop_assert_eq!(consumed, bytes.len());
                    break;
                }
                Err(Error::TruncatedStream { received }) => {
                    prop_assert_eq!(consumed + received, bytes.len());
                    break;
                }
                Err(_) => break,
            }
        }
        Ok(())
    }
    for limits in [
        Limits::DEFAULT,
        Limits::DEFAULT.with_max_size(5).with_max_depth(1),
    ] {
        slices::<u8>(bytes, limits)?;
        slices::<&str>(bytes, limits)?;
        slices::<Vec<Uint>>(bytes, limits)?;
        slices::<(bool, Option<&[u8]>)>(bytes, limits)?;
        slices::<Option<Box<(Uint, Int, bool)>>>(bytes, limits)?;
        streams::<Uint>(bytes, limits)?;
        streams::<String>(bytes, limits)?;
        streams::<Vec<Option<u16>>>(bytes, limits)?;
        streams::<[u32; 3]>(bytes, limits)?;
        streams::<(Int, Vec<String>)>(bytes, limits)?;
    }
    Ok(())
}

/// Bytes that look like BARE: mostly small numbers (counts, tags, bools).
fn bare_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            4 => 0u8..4,
            2 => any::<u8>(),
            1 => 0x80u8..=0x81,
            1 => b'a'..=b'z',
        ],
        0..48,
    )
}

type Message = (
    Vec<String>,
    BTreeMap<String, Vec<u8>>,
    Option<Box<(Uint, Int, bool)>>,
    [u32; 3],
    Vec<Option<f64>>,
    (u8, (i16, Option<(Uint, String)>)),
);

fn message() -> impl Strategy<Value = Message> {
    (
        vec(".{0,6}", 0..4),
        btree_map("[a-c]{0,3}", vec(any::<u8>(), 0..6), 0..4),
        any::<Option<(u64, i64, bool)>>().prop_map(|o| {
            o.map(|(u, i, b)| Box::new((Uint(u >> (u % 64)), Int(i >> (i as u64 % 64)), b)))
        }),
        any::<[u32; 3]>(),
        vec(any::<Option<f64>>(), 0..4),
        (any::<u8>(), (any::<i16>(), any::<Option<(u64, String)>>()))
            .prop_map(|(a, (b, c))| (a, (b, c.map(|(u, s)| (Uint(u), s))))),
    )
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..64)) {
        decode_everything(&bytes)?;
    }

    #[test]
    fn bare_like_bytes_never_panic(bytes in bare_like_bytes()) {
        decode_everything(&bytes)?;
    }

    #[test]
    fn mutated_messages_never_panic(
        m in message(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = to_vec(&m);
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        decode_everything(&bytes)?;
        let _ = from_slice::<Message>(&bytes);
    }

    #[test]
    fn valid_messages_round_trip_and_every_strict_prefix_fails(m in message()) {
        let bytes = to_vec(&m);
        let back: Message = from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(to_vec(&back), bytes.clone());
        for len in 0..bytes.len() {
            let prefix = &bytes[..len];
            match from_slice::<Message>(prefix) {
                Err(Error::UnexpectedEnd { offset, needed, available }) => {
                    prop_assert!(offset <= len);
                    // For a length prefix, `available` counts the bytes after it.
                    prop_assert!(available <= len - offset);
                    prop_assert!(needed > available as u64);
                }
                other => prop_assert!(false, "prefix of {} bytes gave {:?}", len, other),
            }
            // A stream cut there is truncated, or empty.
            match IoDecoder::new(io::Cursor::new(prefix)).decode::<Message>() {
                Ok(None) => prop_assert_eq!(len, 0),
                Err(Error::TruncatedStream { received }) => prop_assert_eq!(received, len),
                other => prop_assert!(false, "stream prefix of {} bytes gave {:?}", len, other),
            }
        }
        // The same holds for a message followed by another one.
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        let mut d = SliceDecoder::new(&two);
        prop_assert!(d.decode::<Message>().unwrap().is_some());
        prop_assert!(d.decode::<Message>().unwrap().is_some());
        prop_assert!(d.decode::<Message>().unwrap().is_none());
    }

    #[test]
    fn strict_prefixes_of_small_types_fail(
        s in vec(".{0,4}", 0..4),
        m in btree_map(any::<i64>(), ".{0,4}", 0..4),
        u in any::<u64>(),
        i in any::<i64>(),
    ) {
        fn check<T: DecodeOwned + Encode + Debug>(value: &T) -> Result<(), TestCaseError> {
            let bytes = to_vec(value);
            for len in 0..bytes.len() {
                let r = from_slice::<T>(&bytes[..len]);
                prop_assert!(matches!(r, Err(Error::UnexpectedEnd { .. })), "{:?}", r);
            }
            Ok(())
        }
        check(&s)?;
        check(&m)?;
        check(&m.into_iter().collect::<HashMap<_, _>>())?;
        check(&Uint(u))?;
        check(&Int(i))?;
        check(&(Uint(u >> 30), Some(Int(i >> 40)), [u as u16; 2]))?;
    }
}
