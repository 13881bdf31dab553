//! Exact wire bytes of every type, the error variants and their offsets,
//! hostile inputs (lengths, depth), limits and the streaming decoders.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use barewire::{
    Decode, Encode, Error, Int, IoDecoder, Limits, Reader, SliceDecoder, Uint, encode_into,
    from_slice, from_slice_with, to_vec,
};

// ---- allocation tracking -------------------------------------------------------

/// The system allocator, recording the largest single allocation each thread
/// makes, so tests can prove a hostile length prefix allocates nothing big.
struct TrackingAlloc;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: allocations during thread teardown are not tracked.
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are ours; the bookkeeping touches only a
// const-initialized thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for TrackingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every
        // allocation goes through this type).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: TrackingAlloc = TrackingAlloc;

/// Runs `f` and returns its result with the largest allocation it made on this
/// thread, and how long it took.
fn measured<R>(f: impl FnOnce() -> R) -> (R, usize, Duration) {
    LARGEST.with(|l| l.set(0));
    let start = Instant::now();
    let r = f();
    let elapsed = start.elapsed();
    (r, LARGEST.with(Cell::get), elapsed)
}

// ---- helpers -------------------------------------------------------------------

/// `value` encodes to exactly `bytes` and `bytes` decodes back to `value`.
#[track_caller]
fn exact<T>(value: T, bytes: &[u8])
where
    T: Encode + for<'de> Decode<'de> + PartialEq + Debug,
{
    assert_eq!(to_vec(&value), bytes, "encoding of {value:?}");
    let back: T = from_slice(bytes).unwrap_or_else(|e| panic!("decoding {bytes:02x?}: {e}"));
    assert_eq!(back, value, "decoding of {bytes:02x?}");
    let mut buf = vec![0xee];
    encode_into(&value, &mut buf);
    assert_eq!(&buf[1..], bytes, "encode_into appends");
}

#[track_caller]
fn decode_err<'de, T: Decode<'de> + Debug>(bytes: &'de [u8]) -> Error {
    match from_slice::<T>(bytes) {
        Ok(v) => panic!("{bytes:02x?} decoded to {v:?}; expected an error"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_inside(input: &[u8], part: &[u8], offset: usize) {
    let whole = input.as_ptr_range();
    let p = part.as_ptr_range();
    assert!(
        whole.start <= p.start && p.end <= whole.end,
        "not borrowed from the input"
    );
    assert_eq!(p.start as usize - whole.start as usize, offset, "offset");
}

// ---- primitives ----------------------------------------------------------------

#[test]
fn fixed_width_integers_are_little_endian() {
    exact(0u8, &[0]);
    exact(0xabu8, &[0xab]);
    exact(0x1234u16, &[0x34, 0x12]);
    exact(0x1234_5678u32, &[0x78, 0x56, 0x34, 0x12]);
    exact(0x0102_0304_0506_0708u64, &[8, 7, 6, 5, 4, 3, 2, 1]);
    exact(u64::MAX, &[0xff; 8]);
    exact(-1i8, &[0xff]);
    exact(i8::MIN, &[0x80]);
    exact(-2i16, &[0xfe, 0xff]);
    exact(i16::MAX, &[0xff, 0x7f]);
    exact(i32::MIN, &[0, 0, 0, 0x80]);
    exact(-2i32, &[0xfe, 0xff, 0xff, 0xff]);
    exact(i64::MIN, &[0, 0, 0, 0, 0, 0, 0, 0x80]);
    exact(i64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
}

#[test]
fn floats_are_ieee_little_endian_bit_for_bit() {
    exact(1.0f32, &[0, 0, 0x80, 0x3f]);
    exact(-2.5f64, &[0, 0, 0, 0, 0, 0, 0x04, 0xc0]);
    exact(f32::INFINITY, &[0, 0, 0x80, 0x7f]);
    assert_eq!(to_vec(&-0.0f32), [0, 0, 0, 0x80]);
    assert_eq!(
        from_slice::<f32>(&[0, 0, 0, 0x80]).unwrap().to_bits(),
        0x8000_0000
    );
    // NaNs keep their payload and sign, both ways.
    for bits in [0x7fc0_0000u32, 0x7fc0_0001, 0xffc0_1234, 0x7f80_0001] {
        let v = f32::from_bits(bits);
        assert_eq!(to_vec(&v), bits.to_le_bytes());
        assert_eq!(
            from_slice::<f32>(&bits.to_le_bytes()).unwrap().to_bits(),
            bits
        );
    }
    for bits in [0x7ff8_0000_0000_0001u64, 0xfff0_0000_dead_beef] {
        let v = f64::from_bits(bits);
        assert_eq!(to_vec(&v), bits.to_le_bytes());
        assert_eq!(
            from_slice::<f64>(&bits.to_le_bytes()).unwrap().to_bits(),
            bits
        );
    }
}

#[test]
fn uint_boundaries() {
    exact(Uint(0), &[0x00]);
    exact(Uint(1), &[0x01]);
    exact(Uint(127), &[0x7f]);
    exact(Uint(128), &[0x80, 0x01]);
    exact(Uint(300), &[0xac, 0x02]);
    exact(Uint(16383), &[0xff, 0x7f]);
    exact(Uint(16384), &[0x80, 0x80, 0x01]);
    exact(Uint(u64::from(u32::MAX)), &[0xff, 0xff, 0xff, 0xff, 0x0f]);
    exact(
        Uint(1 << 63),
        &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
    );
    exact(
        Uint(u64::MAX),
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    // Every group boundary: 2^(7k) - 1 takes k bytes, 2^(7k) takes k + 1.
    for k in 1..=9u32 {
        let below = (1u64 << (7 * k)) - 1;
        let at = 1u64 << (7 * k);
        let b = to_vec(&Uint(below));
        let a = to_vec(&Uint(at));
        assert_eq!(b.len(), k as usize, "{below}");
        assert_eq!(a.len(), k as usize + 1, "{at}");
        assert!(b[..b.len() - 1].iter().all(|&x| x == 0xff) && b[b.len() - 1] == 0x7f);
        assert!(a[..a.len() - 1].iter().all(|&x| x == 0x80) && a[a.len() - 1] == 0x01);
        assert_eq!(from_slice::<Uint>(&b).unwrap(), Uint(below));
        assert_eq!(from_slice::<Uint>(&a).unwrap(), Uint(at));
    }
}

#[test]
fn int_boundaries() {
    exact(Int(0), &[0x00]);
    exact(Int(-1), &[0x01]);
    exact(Int(1), &[0x02]);
    exact(Int(63), &[0x7e]);
    exact(Int(-64), &[0x7f]);
    exact(Int(64), &[0x80, 0x01]);
    exact(Int(-65), &[0x81, 0x01]);
    exact(
        Int(i64::MAX),
        &[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    exact(
        Int(i64::MIN),
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    exact(
        Int(i64::MIN + 1),
        &[0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
}

#[test]
fn varint_rejections() {
    assert!(matches!(
        decode_err::<Uint>(&[0x80, 0x00]),
        Error::NonCanonicalVarint { offset: 0 }
    ));
    assert!(matches!(
        decode_err::<Uint>(&[0xff, 0x80, 0x00]),
        Error::NonCanonicalVarint { offset: 0 }
    ));
    // Ten bytes with a zero last group are overlong too.
    let mut ten = [0x80u8; 10];
    ten[9] = 0;
    assert!(matches!(
        decode_err::<Uint>(&ten),
        Error::NonCanonicalVarint { offset: 0 }
    ));
    let mut over = [0xffu8; 10];
    over[9] = 0x02;
    assert!(matches!(
        decode_err::<Uint>(&over),
        Error::VarintOverflow { offset: 0 }
    ));
    assert!(matches!(
        decode_err::<Int>(&[0xff; 11]),
        Error::VarintOverflow { offset: 0 }
    ));
    assert!(matches!(
        decode_err::<Uint>(&[0xff, 0xff]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 3,
            available: 2
        }
    ));
    assert!(matches!(
        decode_err::<Uint>(&[]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 1,
            available: 0
        }
    ));
    // Offsets are where the varint starts, anywhere in the message.
    assert!(matches!(
        decode_err::<(u8, Uint)>(&[7, 0x80, 0x00]),
        Error::NonCanonicalVarint { offset: 1 }
    ));
    assert!(matches!(
        decode_err::<(u16, Int)>(&[
            1, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
        ]),
        Error::VarintOverflow { offset: 2 }
    ));
    // A non-canonical length prefix is rejected too.
    assert!(matches!(
        decode_err::<Vec<u8>>(&[0x81, 0x00, 1]),
        Error::NonCanonicalVarint { offset: 0 }
    ));
}

#[test]
fn bool_bytes() {
    exact(true, &[1]);
    exact(false, &[0]);
    for b in 2..=255u8 {
        assert!(
            matches!(decode_err::<bool>(&[b]), Error::InvalidBool { offset: 0, byte } if byte == b)
        );
    }
    assert!(matches!(
        decode_err::<(u8, bool)>(&[0, 2]),
        Error::InvalidBool { offset: 1, byte: 2 }
    ));
    assert!(matches!(
        decode_err::<Vec<bool>>(&[3, 1, 0, 0xff]),
        Error::InvalidBool {
            offset: 3,
            byte: 0xff
        }
    ));
    exact(vec![true, false, true], &[3, 1, 0, 1]);
}

#[test]
fn void_and_unit() {
    exact((), &[]);
    assert!(matches!(
        decode_err::<()>(&[0]),
        Error::TrailingBytes {
            offset: 0,
            remaining: 1
        }
    ));
    exact(vec![(), (), ()], &[3]);
    exact(((), 5u8, ()), &[5]);
}

// ---- strings and data ----------------------------------------------------------

#[test]
fn strings() {
    exact(String::new(), &[0]);
    exact("bare".to_string(), &[4, b'b', b'a', b'r', b'e']);
    exact("é".to_string(), &[2, 0xc3, 0xa9]);
    let long = "x".repeat(200);
    let mut bytes = vec![0xc8, 0x01];
    bytes.extend_from_slice(long.as_bytes());
    exact(long.clone(), &bytes);

    exact(Box::<str>::from("hi"), &[2, b'h', b'i']);
    assert_eq!(to_vec("hi"), [2, b'h', b'i']);
    assert_eq!(to_vec(&"hi"), [2, b'h', b'i']);
    assert_eq!(to_vec(&Cow::<str>::Borrowed("hi")), [2, b'h', b'i']);
    assert_eq!(to_vec(&Cow::<str>::Owned("hi".into())), [2, b'h', b'i']);
    let back: Cow<'_, str> = from_slice(&[2, b'h', b'i']).unwrap();
    assert!(matches!(back, Cow::Borrowed("hi")));
    let back: Box<str> = from_slice(&[2, b'h', b'i']).unwrap();
    assert_eq!(&*back, "hi");
}

#[test]
fn data_and_fixed_data() {
    exact(Vec::<u8>::new(), &[0]);
    exact(vec![1u8, 2, 3], &[3, 1, 2, 3]);
    assert_eq!(to_vec(&[1u8, 2, 3][..]), [3, 1, 2, 3]);
    assert_eq!(to_vec(&Cow::<[u8]>::Borrowed(&[9])), [1, 9]);
    let back: Cow<'_, [u8]> = from_slice(&[1, 9]).unwrap();
    assert!(matches!(back, Cow::Borrowed([9])));
    let back: Box<[u8]> = from_slice(&[2, 4, 5]).unwrap();
    assert_eq!(&*back, [4, 5]);
    // data[N]: no length prefix.
    exact([0xdeu8, 0xad, 0xbe, 0xef], &[0xde, 0xad, 0xbe, 0xef]);
    exact([0u8; 0], &[]);
    exact([7u8; 1], &[7]);
    assert!(matches!(
        decode_err::<[u8; 4]>(&[1, 2, 3]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 4,
            available: 3
        }
    ));
}

#[test]
fn borrowed_decode_points_into_the_input() {
    let input = [3, b'a', b'b', b'c', 2, 0xfe, 0xff, 5];
    let (s, d, n): (&str, &[u8], u8) = from_slice(&input).unwrap();
    assert_eq!((s, d, n), ("abc", &[0xfe, 0xff][..], 5));
    assert_inside(&input, s.as_bytes(), 1);
    assert_inside(&input, d, 5);

    let mut bytes = Vec::new();
    encode_into(&vec![("one", 1u8), ("three", 3)], &mut bytes);
    let items: Vec<(&str, u8)> = from_slice(&bytes).unwrap();
    assert_eq!(items, [("one", 1), ("three", 3)]);
    assert_inside(&bytes, items[0].0.as_bytes(), 2);
    assert_inside(&bytes, items[1].0.as_bytes(), 7);

    let map_bytes = to_vec(&BTreeMap::from([("k", &b"value"[..])]));
    let map: BTreeMap<&str, &[u8]> = from_slice(&map_bytes).unwrap();
    let (k, v) = map.iter().next().unwrap();
    assert_inside(&map_bytes, k.as_bytes(), 2);
    assert_inside(&map_bytes, v, 4);
    // An empty borrowed value still points at its place in the input.
    let (a, b): (&str, &[u8]) = from_slice(&[0, 0]).unwrap();
    assert_eq!((a, b), ("", &[][..]));
}

// ---- lists, arrays, optionals, boxes -------------------------------------------

#[test]
fn lists() {
    exact(Vec::<u16>::new(), &[0]);
    exact(vec![1u16, 0xffff], &[2, 1, 0, 0xff, 0xff]);
    exact(vec!["a".to_string(), String::new()], &[2, 1, b'a', 0]);
    exact(vec![Uint(1), Uint(128)], &[2, 1, 0x80, 0x01]);
    exact(vec![Int(-1), Int(64)], &[2, 1, 0x80, 0x01]);
    exact(vec![vec![1u8], vec![]], &[2, 1, 1, 0]);
    let back: Box<[u16]> = from_slice(&[1, 2, 0]).unwrap();
    assert_eq!(&*back, [2]);
    // 128 items: a two-byte count.
    let v: Vec<u8> = (0..128).map(|i| i as u8).collect();
    let mut bytes = vec![0x80, 0x01];
    bytes.extend(0..128u8);
    exact(v, &bytes);
}

#[test]
fn bulk_lists_of_plain_numbers() {
    exact(
        vec![1u32, 0xffff_ffff],
        &[2, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
    );
    exact(vec![1.0f32, -2.0], &[2, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    exact(
        vec![-1i64],
        &[1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    );
    // NaN payloads survive the bulk paths both ways.
    let nan = f32::from_bits(0x7fc0_0001);
    let bytes = to_vec(&vec![nan, 1.5]);
    assert_eq!(&bytes[1..5], &0x7fc0_0001u32.to_le_bytes());
    let back: Vec<f32> = from_slice(&bytes).unwrap();
    assert_eq!(back[0].to_bits(), 0x7fc0_0001);
    // A large list: the bulk copy equals the per-item bytes.
    for len in [0usize, 1, 3, 1000, 70_000] {
        let v: Vec<u32> = (0..len as u32)
            .map(|i| i.wrapping_mul(2_654_435_761))
            .collect();
        let mut expected = to_vec(&Uint(len as u64));
        for x in &v {
            expected.extend_from_slice(&x.to_le_bytes());
        }
        exact(v, &expected);
        let f: Vec<f64> = (0..len).map(|i| i as f64 * -0.5).collect();
        let mut expected = to_vec(&Uint(len as u64));
        for x in &f {
            expected.extend_from_slice(&x.to_le_bytes());
        }
        exact(f, &expected);
    }
    // A truncated bulk list.
    assert!(matches!(
        decode_err::<Vec<u32>>(&[2, 1, 0, 0, 0, 2, 0, 0]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 8,
            available: 7
        }
    ));
}

#[test]
fn fixed_length_arrays() {
    exact([1u16, 2, 3], &[1, 0, 2, 0, 3, 0]);
    exact([0.5f32; 2], &[0, 0, 0, 0x3f, 0, 0, 0, 0x3f]);
    exact(
        ["a".to_string(), "bc".to_string()],
        &[1, b'a', 2, b'b', b'c'],
    );
    exact([Uint(0), Uint(300)], &[0, 0xac, 0x02]);
    exact([true, false], &[1, 0]);
    exact([Some(1u8), None], &[1, 1, 0]);
    exact([[1u8, 2], [3, 4]], &[1, 2, 3, 4]);
    exact([vec![1u8], vec![]], &[1, 1, 0]);
    assert!(matches!(
        decode_err::<[String; 2]>(&[1, b'a', 3, b'x']),
        Error::UnexpectedEnd { offset: 2, .. }
    ));
    assert!(matches!(
        decode_err::<[u32; 3]>(&[0; 11]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 12,
            available: 11
        }
    ));
}

#[test]
fn optionals_and_boxes() {
    exact(None::<u8>, &[0]);
    exact(Some(5u8), &[1, 5]);
    exact(Some(None::<u8>), &[1, 0]);
    exact(Some(Some(())), &[1, 1]);
    exact(Some("x".to_string()), &[1, 1, b'x']);
    assert!(matches!(
        decode_err::<Option<u8>>(&[2, 5]),
        Error::InvalidOptionTag { offset: 0, byte: 2 }
    ));
    assert!(matches!(
        decode_err::<(u8, Option<u8>)>(&[0, 0xff]),
        Error::InvalidOptionTag {
            offset: 1,
            byte: 0xff
        }
    ));
    exact(Box::new(0x0102u16), &[2, 1]);
    exact(Box::new(Some(Box::new(7u8))), &[1, 7]);
    assert_eq!(to_vec(&Box::<[u8]>::from(&[1u8][..])), [1, 1]);
}

// ---- maps ----------------------------------------------------------------------

#[test]
fn btree_maps_encode_sorted() {
    let mut m = BTreeMap::new();
    m.insert("b".to_string(), 2u8);
    m.insert("a".to_string(), 1u8);
    m.insert("c".to_string(), 3u8);
    exact(m, &[3, 1, b'a', 1, 1, b'b', 2, 1, b'c', 3]);
    exact(BTreeMap::<u32, bool>::new(), &[0]);
    exact(
        BTreeMap::from([(Int(-1), vec![1u8]), (Int(1), vec![])]),
        &[2, 1, 1, 1, 2, 0],
    );
    // Decoding accepts any key order; encoding is sorted again.
    let unsorted = [2, 2, 0, 1, 1];
    let m: BTreeMap<u8, bool> = from_slice(&unsorted).unwrap();
    assert_eq!(m, BTreeMap::from([(1, true), (2, false)]));
    assert_eq!(to_vec(&m), [2, 1, 1, 2, 0]);
}

#[test]
fn hash_maps() {
    let m = HashMap::from([("key".to_string(), 0x0102u16)]);
    exact(m, &[1, 3, b'k', b'e', b'y', 2, 1]);
    exact(HashMap::<u8, u8>::new(), &[0]);
    let big: HashMap<u32, String> = (0..50).map(|i| (i, i.to_string())).collect();
    let back: HashMap<u32, String> = from_slice(&to_vec(&big)).unwrap();
    assert_eq!(back, big);
}

#[test]
fn duplicate_map_keys_are_rejected_at_the_repeated_key() {
    // {a: 1, b: 2, a: 3}: the repeated key starts at byte 7.
    let bytes = [3, 1, b'a', 1, 1, b'b', 2, 1, b'a', 3];
    for e in [
        decode_err::<BTreeMap<String, u8>>(&bytes),
        decode_err::<HashMap<String, u8>>(&bytes),
        decode_err::<BTreeMap<&str, u8>>(&bytes),
    ] {
        assert!(matches!(e, Error::DuplicateMapKey { offset: 7 }), "{e:?}");
        assert_eq!(e.to_string(), "duplicate map key at byte 7");
    }
    // Nested, after a prefix.
    let bytes = [9, 1, 2, 5, 1, 5, 1];
    assert!(matches!(
        decode_err::<(u8, Vec<BTreeMap<u8, bool>>)>(&bytes),
        Error::DuplicateMapKey { offset: 5 }
    ));
}

// ---- tuples and nesting --------------------------------------------------------

#[test]
fn tuples_are_structs() {
    exact((1u8,), &[1]);
    exact((1u8, 0x0203u16), &[1, 3, 2]);
    exact(
        (Uint(300), Int(-1), true, "x".to_string()),
        &[0xac, 0x02, 1, 1, 1, b'x'],
    );
    exact(
        (1u8, 2i8, 3u16, 4i16, 5u32, 6i32, 7u64, 8i64),
        &[
            1, 2, 3, 0, 4, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0,
            0,
        ],
    );
    exact(((1u8, (2u8,)), ()), &[1, 2]);
}

#[test]
fn nested_values() {
    let v: Vec<Option<Vec<(String, u8)>>> = vec![
        Some(vec![("ab".into(), 1), ("".into(), 2)]),
        None,
        Some(vec![]),
    ];
    exact(v, &[3, 1, 2, 2, b'a', b'b', 1, 0, 2, 0, 1, 0]);
    let m: BTreeMap<String, Vec<Option<u8>>> = BTreeMap::from([("k".into(), vec![Some(1), None])]);
    exact(m, &[1, 1, b'k', 2, 1, 1, 0]);
    exact(
        (Some(Box::new([Uint(1), Uint(2)])), vec![[1u16, 2]]),
        &[1, 1, 2, 1, 1, 0, 2, 0],
    );
}

// ---- error offsets -------------------------------------------------------------

#[test]
fn trailing_bytes() {
    assert!(matches!(
        decode_err::<u16>(&[1, 2, 3]),
        Error::TrailingBytes {
            offset: 2,
            remaining: 1
        }
    ));
    let e = decode_err::<Vec<u8>>(&[1, 9, 0, 0, 0]);
    assert!(matches!(
        e,
        Error::TrailingBytes {
            offset: 2,
            remaining: 3
        }
    ));
    assert_eq!(
        e.to_string(),
        "3 trailing bytes after the value, starting at byte 2"
    );
}

#[test]
fn invalid_utf8_offset_is_the_first_bad_byte() {
    // (u8, str): the string's bytes start at 2; "ab" is valid, 0xff is at 4.
    let bytes = [0, 4, b'a', b'b', 0xff, b'c'];
    for e in [
        decode_err::<(u8, String)>(&bytes),
        decode_err::<(u8, &str)>(&bytes),
        decode_err::<(u8, Box<str>)>(&bytes),
    ] {
        assert!(matches!(e, Error::InvalidUtf8 { offset: 4 }), "{e:?}");
        assert_eq!(e.to_string(), "invalid UTF-8 in string at byte 4");
    }
    // A truncated multi-byte sequence at the end of the string.
    assert!(matches!(
        decode_err::<String>(&[3, b'a', 0xe2, 0x82]),
        Error::InvalidUtf8 { offset: 2 }
    ));
    // Surrogates encoded in UTF-8 are not UTF-8.
    assert!(matches!(
        decode_err::<String>(&[3, 0xed, 0xa0, 0x80]),
        Error::InvalidUtf8 { offset: 1 }
    ));
}

#[test]
fn lengths_past_the_input() {
    let e = decode_err::<Vec<u8>>(&[5, 1, 2]);
    assert!(matches!(
        e,
        Error::UnexpectedEnd {
            offset: 0,
            needed: 5,
            available: 2
        }
    ));
    assert_eq!(
        e.to_string(),
        "unexpected end of input at byte 0: needed 5 bytes, 2 remain"
    );
    assert!(matches!(
        decode_err::<(u8, String)>(&[7, 4, b'a']),
        Error::UnexpectedEnd {
            offset: 1,
            needed: 4,
            available: 1
        }
    ));
    assert!(matches!(
        decode_err::<u32>(&[1, 2]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 4,
            available: 2
        }
    ));
    assert!(matches!(
        decode_err::<(u8, u64)>(&[1, 2]),
        Error::UnexpectedEnd {
            offset: 1,
            needed: 8,
            available: 1
        }
    ));
    // A list of u16 whose count needs more bytes than remain.
    assert!(matches!(
        decode_err::<Vec<u16>>(&[3, 1, 0, 2, 0, 3]),
        Error::UnexpectedEnd {
            offset: 0,
            needed: 6,
            available: 5
        }
    ));
}

// ---- hostile lengths -----------------------------------------------------------

fn uint_bytes(n: u64) -> Vec<u8> {
    to_vec(&Uint(n))
}

#[test]
fn hostile_length_prefixes_fail_fast_without_big_allocations() {
    /// The prefix, padded with `pad` zero bytes.
    fn claim(count: u64, pad: usize) -> Vec<u8> {
        let mut v = uint_bytes(count);
        v.resize(v.len() + pad, 0);
        v
    }
    /// A type's name, a hostile input, and its decoder.
    type Case = (&'static str, Vec<u8>, Box<dyn Fn(&[u8]) -> Error>);
    let huge = 1u64 << 62;
    let cases: Vec<Case> = vec![
        (
            "Vec<u64>",
            claim(huge, 2),
            Box::new(|b| decode_err::<Vec<u64>>(b)),
        ),
        (
            "Vec<u8>",
            claim(huge, 2),
            Box::new(|b| decode_err::<Vec<u8>>(b)),
        ),
        (
            "&[u8]",
            claim(u64::MAX, 2),
            Box::new(|b| decode_err::<&[u8]>(b)),
        ),
        (
            "String",
            claim(huge, 2),
            Box::new(|b| decode_err::<String>(b)),
        ),
        (
            "Vec<String>",
            claim(huge, 20),
            Box::new(|b| decode_err::<Vec<String>>(b)),
        ),
        (
            "Vec<Vec<u8>>",
            claim(1 << 40, 20),
            Box::new(|b| decode_err::<Vec<Vec<u8>>>(b)),
        ),
        (
            "BTreeMap<u32, u32>",
            claim(huge, 20),
            Box::new(|b| decode_err::<BTreeMap<u32, u32>>(b)),
        ),
        (
            "HashMap<u8, u8>",
            claim(huge, 20),
            Box::new(|b| decode_err::<HashMap<u8, u8>>(b)),
        ),
        (
            "Vec<()>",
            claim(u64::MAX, 0),
            Box::new(|b| decode_err::<Vec<()>>(b)),
        ),
        (
            "Vec<()> 2^62",
            claim(huge, 0),
            Box::new(|b| decode_err::<Vec<()>>(b)),
        ),
        (
            "Vec<Option<u8>>",
            claim(huge, 20),
            Box::new(|b| decode_err::<Vec<Option<u8>>>(b)),
        ),
    ];
    for (name, bytes, decode) in cases {
        assert!(bytes.len() <= 30);
        let (e, largest, elapsed) = measured(|| decode(&bytes));
        assert!(
            matches!(
                e,
                Error::UnexpectedEnd { offset: 0, .. } | Error::TooManyItems { offset: 0, .. }
            ),
            "{name}: {e:?}"
        );
        assert!(largest <= 1024, "{name}: allocated {largest} bytes");
        assert!(
            elapsed < Duration::from_millis(100),
            "{name}: took {elapsed:?}"
        );
    }
    // The exact numbers for the brief's example: list<u64> of 2^62 in 10 bytes.
    let bytes = claim(huge, 1);
    assert_eq!(bytes.len(), 10);
    assert!(matches!(
        decode_err::<Vec<u64>>(&bytes),
        Error::UnexpectedEnd { offset: 0, needed, available: 1 } if needed == u64::MAX // 2^62 * 8, saturated
    ));
    assert!(matches!(
        decode_err::<Vec<()>>(&claim(u64::MAX, 0)),
        Error::TooManyItems { offset: 0, count: u64::MAX, limit } if limit == Limits::DEFAULT.max_size
    ));
}

#[test]
fn zero_sized_items_are_bounded_by_the_size_limit() {
    let limits = Limits::DEFAULT.with_max_size(1000);
    // The bound is a total over the message: nested lists cannot multiply it.
    // (Before, each list of `()` could claim `max_size` items, so a few bytes
    // of `list<list<void>>` meant billions of iterations, and
    // `list<list<Box<()>>>` gigabytes of boxes.)
    let e = from_slice_with::<Vec<Vec<()>>>(&[2, 0xd8, 0x04, 0xd8, 0x04], limits).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TooManyItems {
                offset: 3,
                count: 600,
                limit: 1000
            }
        ),
        "{e:?}"
    );
    let ok: Vec<Vec<()>> = from_slice_with(&[2, 0xd8, 0x04, 0x90, 0x03], limits).unwrap();
    assert_eq!((ok[0].len(), ok[1].len()), (600, 400));
    // Each message of a stream has its own total.
    let bytes = [0xe8, 0x07, 0xe8, 0x07];
    let mut d = SliceDecoder::with_limits(&bytes, limits);
    assert_eq!(d.decode::<Vec<()>>().unwrap().map(|v| v.len()), Some(1000));
    assert_eq!(d.decode::<Vec<()>>().unwrap().map(|v| v.len()), Some(1000));
    // Eight lists of 2^15 boxes of `()` in 25 bytes: each box takes 8 bytes
    // of memory, so the first list already goes over a total of 2^16 bytes
    // (2^13 boxes).
    let mut bytes = uint_bytes(8);
    for _ in 0..8 {
        bytes.extend_from_slice(&uint_bytes(1 << 15));
    }
    let (e, largest, elapsed) = measured(|| {
        from_slice_with::<Vec<Vec<Box<()>>>>(&bytes, Limits::DEFAULT.with_max_size(1 << 16))
            .unwrap_err()
    });
    assert!(
        matches!(
            e,
            Error::TooManyItems {
                offset: 1,
                count: 32768,
                limit: 8192
            }
        ),
        "{e:?}"
    );
    assert!(largest <= (1 << 15) * size_of::<Box<()>>(), "{largest}");
    assert!(elapsed < Duration::from_millis(200), "{elapsed:?}");

    let ok: Vec<()> = from_slice_with(&uint_bytes(1000), limits).unwrap();
    assert_eq!(ok.len(), 1000);
    assert!(matches!(
        from_slice_with::<Vec<()>>(&uint_bytes(1001), limits),
        Err(Error::TooManyItems {
            offset: 0,
            count: 1001,
            limit: 1000
        })
    ));
    let e = from_slice_with::<(u8, Vec<()>)>(&[0, 0xe9, 0x07], limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "list at byte 1 claims 1001 items, over the limit of 1000"
    );
}

#[test]
fn the_output_buffer_is_not_preallocated_from_the_count() {
    // A count that fits the input exactly: the allocation is bounded by the
    // input, and the items are right.
    let bytes = to_vec(&vec![7u64; 1000]);
    let (v, largest, _) = measured(|| from_slice::<Vec<u64>>(&bytes).unwrap());
    assert_eq!(v, vec![7u64; 1000]);
    assert!(largest <= 8 * 1000 + 64, "{largest}");
    // Strings: a count of 1000 in 1001 bytes gives at most 1000 items.
    let mut bytes = uint_bytes(1000);
    bytes.resize(bytes.len() + 999, 0);
    let (e, largest, _) = measured(|| decode_err::<Vec<String>>(&bytes));
    assert!(matches!(e, Error::UnexpectedEnd { .. }), "{e:?}");
    assert!(largest <= 1000 * size_of::<String>() + 64, "{largest}");
}

// ---- depth ---------------------------------------------------------------------

/// A recursive list: `type Nest list<Nest>`.
#[derive(Debug, PartialEq)]
struct Nest(Vec<Nest>);

impl Encode for Nest {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
    }
}

impl<'de> Decode<'de> for Nest {
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        Vec::<Nest>::decode(r).map(Nest)
    }
}

impl Nest {
    fn deep(depth: usize) -> Nest {
        let mut n = Nest(vec![]);
        for _ in 0..depth {
            n = Nest(vec![n]);
        }
        n
    }
}

/// A linked list: `type Node struct { value: u8 next: optional<Node> }`.
#[derive(Debug, PartialEq)]
struct Node {
    value: u8,
    next: Option<Box<Node>>,
}

impl Encode for Node {
    fn encode(&self, out: &mut Vec<u8>) {
        self.value.encode(out);
        self.next.encode(out);
    }
}

impl<'de> Decode<'de> for Node {
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        Ok(Node {
            value: u8::decode(r)?,
            next: Option::<Box<Node>>::decode(r)?,
        })
    }
}

impl Drop for Node {
    // Iterative drop, so a long list cannot overflow the stack on drop.
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

#[test]
fn hostile_nesting_hits_the_depth_limit_without_overflowing_the_stack() {
    // Runs on the default test thread (2 MiB stack unless RUST_MIN_STACK is
    // set) in a debug build.
    const DEEP: usize = 1_000_000;
    let limit = Limits::DEFAULT.max_depth;

    // list<list<list<...>>>: a million `01` counts.
    let mut bytes = vec![1u8; DEEP];
    bytes.push(0);
    let e = decode_err::<Nest>(&bytes);
    assert!(
        matches!(e, Error::DepthLimit { limit: l, .. } if l == limit),
        "{e:?}"
    );
    // The list that went too deep is the (limit + 1)-th, at byte `limit`.
    assert!(
        matches!(e, Error::DepthLimit { offset, .. } if offset == limit as usize),
        "{e:?}"
    );

    // A linked list a million nodes long: value, then tag 1, ...
    let mut bytes = [7u8, 1].repeat(DEEP);
    bytes.extend_from_slice(&[7, 0]);
    let e = decode_err::<Node>(&bytes);
    assert!(
        matches!(e, Error::DepthLimit { limit: l, .. } if l == limit),
        "{e:?}"
    );
    // The Box that went too deep holds the node at byte 2 * (limit + 1).
    assert!(
        matches!(e, Error::DepthLimit { offset, .. } if offset == 2 * (limit as usize + 1)),
        "{e:?}"
    );

    // Box<Box<...>> through Option, and maps of maps, are limited too.
    let mut bytes = vec![1u8; DEEP];
    bytes.push(0);
    assert!(matches!(
        decode_err::<Option<Box<Nest>>>(&bytes),
        Error::DepthLimit { .. }
    ));
}

#[test]
fn legitimate_nesting_decodes() {
    let deep = Nest::deep(200);
    let bytes = to_vec(&deep);
    let mut expected = vec![1u8; 200];
    expected.push(0);
    assert_eq!(bytes, expected);
    assert_eq!(from_slice::<Nest>(&bytes).unwrap(), deep);

    let mut list = Node {
        value: 0,
        next: None,
    };
    for i in 1..200u8 {
        list = Node {
            value: i,
            next: Some(Box::new(list)),
        };
    }
    let bytes = to_vec(&list);
    assert_eq!(bytes.len(), 400);
    assert_eq!(from_slice::<Node>(&bytes).unwrap(), list);

    // Exactly at the limit decodes; one more does not.
    let limit = Limits::DEFAULT.max_depth as usize;
    let at = to_vec(&Nest::deep(limit - 1));
    assert!(from_slice::<Nest>(&at).is_ok());
    let over = to_vec(&Nest::deep(limit));
    assert!(matches!(
        decode_err::<Nest>(&over),
        Error::DepthLimit { .. }
    ));
}

#[test]
fn depth_limit_customization() {
    let v = vec![vec![vec![1u8]]];
    let bytes = to_vec(&v);
    assert_eq!(
        from_slice_with::<Vec<Vec<Vec<u8>>>>(&bytes, Limits::DEFAULT.with_max_depth(3)).unwrap(),
        v
    );
    let e = from_slice_with::<Vec<Vec<Vec<u8>>>>(&bytes, Limits::DEFAULT.with_max_depth(2))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::DepthLimit {
                offset: 2,
                limit: 2
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "nesting deeper than the limit of 2 at byte 2"
    );
    // Depth is nesting, not the number of lists: siblings do not add up.
    let wide = vec![vec![1u8]; 300];
    let bytes = to_vec(&wide);
    assert_eq!(
        from_slice_with::<Vec<Vec<u8>>>(&bytes, Limits::DEFAULT.with_max_depth(2)).unwrap(),
        wide
    );
    // Maps and boxes count.
    let m = BTreeMap::from([(1u8, BTreeMap::from([(2u8, 3u8)]))]);
    let bytes = to_vec(&m);
    assert!(
        from_slice_with::<BTreeMap<u8, BTreeMap<u8, u8>>>(
            &bytes,
            Limits::DEFAULT.with_max_depth(2)
        )
        .is_ok()
    );
    assert!(matches!(
        from_slice_with::<BTreeMap<u8, BTreeMap<u8, u8>>>(
            &bytes,
            Limits::DEFAULT.with_max_depth(1)
        ),
        Err(Error::DepthLimit {
            offset: 2,
            limit: 1
        })
    ));
    let b = Box::new(Box::new(5u8));
    assert!(from_slice_with::<Box<Box<u8>>>(&[5], Limits::DEFAULT.with_max_depth(2)).is_ok());
    assert_eq!(to_vec(&b), [5]);
    assert!(matches!(
        from_slice_with::<Box<Box<u8>>>(&[5], Limits::DEFAULT.with_max_depth(1)),
        Err(Error::DepthLimit {
            offset: 0,
            limit: 1
        })
    ));
    // Depth 0 admits only scalars.
    assert!(from_slice_with::<u32>(&[1, 0, 0, 0], Limits::DEFAULT.with_max_depth(0)).is_ok());
}

#[test]
fn limits_api() {
    assert_eq!(Limits::default(), Limits::DEFAULT);
    assert_eq!(Limits::DEFAULT.max_depth, 256);
    assert_eq!(Limits::DEFAULT.max_size, 64 << 20);
    let l = Limits::DEFAULT.with_max_depth(3).with_max_size(10);
    assert_eq!((l.max_depth, l.max_size), (3, 10));

    // from_slice_with checks the whole input's size.
    let bytes = to_vec(&vec![0u8; 9]);
    assert_eq!(bytes.len(), 10);
    assert!(from_slice_with::<Vec<u8>>(&bytes, l).is_ok());
    let e = from_slice_with::<Vec<u8>>(&bytes, Limits::DEFAULT.with_max_size(9)).unwrap_err();
    assert!(
        matches!(e, Error::SizeLimit { size: 10, limit: 9 }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "message of at least 10 bytes exceeds the size limit of 9 bytes"
    );
    // A Reader built with limits reports them.
    assert_eq!(Reader::with_limits(&[], l).limits(), l);
}

// ---- SliceDecoder --------------------------------------------------------------

#[test]
fn slice_decoder_reads_concatenated_messages_borrowed() {
    let mut bytes = Vec::new();
    encode_into(&("one", 1u8), &mut bytes);
    encode_into(&("", 2u8), &mut bytes);
    encode_into(&("three", 3u8), &mut bytes);
    let mut d = SliceDecoder::new(&bytes);
    assert_eq!(d.position(), 0);
    let first: (&str, u8) = d.decode().unwrap().unwrap();
    assert_eq!(first, ("one", 1));
    assert_inside(&bytes, first.0.as_bytes(), 1);
    assert_eq!(d.position(), 5);
    assert_eq!(d.remaining(), &bytes[5..]);
    let rest: Vec<(&str, u8)> = d.iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(rest, [("", 2), ("three", 3)]);
    assert_inside(&bytes, rest[1].0.as_bytes(), 8);
    assert_eq!(d.position(), bytes.len());
    assert!(d.remaining().is_empty());
    assert!(d.decode::<(&str, u8)>().unwrap().is_none());
    assert!(d.decode::<(&str, u8)>().unwrap().is_none());
    // Empty input: no messages.
    assert!(SliceDecoder::new(&[]).decode::<u8>().unwrap().is_none());
}

#[test]
fn slice_decoder_errors_keep_the_position_and_absolute_offsets() {
    // true, then a bad bool at byte 1, then more.
    let bytes = [1, 7, 0];
    let mut d = SliceDecoder::new(&bytes);
    assert_eq!(d.decode::<bool>().unwrap(), Some(true));
    let e = d.decode::<bool>().unwrap_err();
    assert!(
        matches!(e, Error::InvalidBool { offset: 1, byte: 7 }),
        "{e:?}"
    );
    assert_eq!(d.position(), 1, "stays at the start of the failed message");
    assert_eq!(d.remaining(), &[7, 0]);
    // Decoding it as another type works from the same place.
    assert_eq!(d.decode::<u16>().unwrap(), Some(7));
    assert_eq!(d.position(), 3);

    // A truncated last message.
    let mut bytes = to_vec("abc");
    bytes.extend_from_slice(&[5, b'x']);
    let mut d = SliceDecoder::new(&bytes);
    assert_eq!(d.decode::<String>().unwrap().as_deref(), Some("abc"));
    let e = d.decode::<String>().unwrap_err();
    assert!(
        matches!(
            e,
            Error::UnexpectedEnd {
                offset: 4,
                needed: 5,
                available: 1
            }
        ),
        "{e:?}"
    );
    assert_eq!(d.position(), 4);

    // The iterator yields the error once, then stops.
    let bytes = [1, 0, 9, 1];
    let mut d = SliceDecoder::new(&bytes);
    let all: Vec<Result<bool, Error>> = d.iter().collect();
    assert_eq!(all.len(), 3);
    assert!(matches!(
        all[2],
        Err(Error::InvalidBool { offset: 2, byte: 9 })
    ));
}

#[test]
fn slice_decoder_size_limit_is_per_message() {
    let limits = Limits::DEFAULT.with_max_size(8);
    let mut bytes = Vec::new();
    for s in ["1234567", "", "abc"] {
        encode_into(s, &mut bytes); // 8, 1 and 4 bytes
    }
    encode_into("123456789", &mut bytes); // 10 bytes
    encode_into("x", &mut bytes);
    let mut d = SliceDecoder::with_limits(&bytes, limits);
    assert_eq!(d.decode::<&str>().unwrap(), Some("1234567"));
    assert_eq!(d.decode::<&str>().unwrap(), Some(""));
    assert_eq!(d.decode::<&str>().unwrap(), Some("abc"));
    let pos = d.position();
    let e = d.decode::<&str>().unwrap_err();
    assert!(matches!(e, Error::SizeLimit { limit: 8, .. }), "{e:?}");
    assert_eq!(d.position(), pos);
    // Depth limits apply per message as well.
    let nested = to_vec(&vec![vec![0u8]]);
    let mut twice = nested.clone();
    twice.extend_from_slice(&nested);
    let mut d = SliceDecoder::with_limits(&twice, Limits::DEFAULT.with_max_depth(2));
    assert!(d.decode::<Vec<Vec<u8>>>().unwrap().is_some());
    assert!(d.decode::<Vec<Vec<u8>>>().unwrap().is_some());
    let mut d = SliceDecoder::with_limits(&twice, Limits::DEFAULT.with_max_depth(1));
    assert!(matches!(
        d.decode::<Vec<Vec<u8>>>(),
        Err(Error::DepthLimit {
            offset: 1,
            limit: 1
        })
    ));
}

// ---- IoDecoder -----------------------------------------------------------------

/// A reader that hands out one byte per `read`, and sometimes is interrupted.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    calls: usize,
}

impl Trickle {
    fn new(data: Vec<u8>) -> Self {
        Trickle {
            data,
            pos: 0,
            calls: 0,
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 3 == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        if self.pos == self.data.len() || buf.is_empty() {
            return Ok(0);
        }
        buf[0] = self.data[self.pos];
        self.pos += 1;
        Ok(1)
    }
}

/// A reader that fails after its data.
struct Failing(io::Cursor<Vec<u8>>);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(io::Error::other("link down")),
            n => Ok(n),
        }
    }
}

type Record = (String, Vec<u32>, Option<Uint>, BTreeMap<u8, bool>);

fn records() -> Vec<Record> {
    (0..40u32)
        .map(|i| {
            (
                "r".repeat(i as usize * 7),
                (0..i).collect(),
                (i % 2 == 0).then_some(Uint(u64::from(i) << (i % 60))),
                (0..(i % 4) as u8).map(|k| (k, k % 2 == 0)).collect(),
            )
        })
        .collect()
}

#[test]
fn io_decoder_over_a_one_byte_reader() {
    let recs = records();
    let mut bytes = Vec::new();
    for r in &recs {
        encode_into(r, &mut bytes);
    }
    let mut d = IoDecoder::new(Trickle::new(bytes));
    let mut got = Vec::new();
    while let Some(r) = d.decode::<Record>().unwrap() {
        got.push(r);
    }
    assert_eq!(got, recs);
    assert!(d.decode::<Record>().unwrap().is_none(), "stays at the end");
    assert_eq!(
        d.into_inner().pos,
        got.iter().map(|r| to_vec(r).len()).sum::<usize>()
    );
}

#[test]
fn io_decoder_clean_eof_and_truncation() {
    let mut d = IoDecoder::new(io::empty());
    assert!(d.decode::<u32>().unwrap().is_none());

    let mut bytes = to_vec(&"hello".to_string());
    bytes.extend_from_slice(&to_vec(&0x0102_0304u32)[..3]);
    let mut d = IoDecoder::new(Trickle::new(bytes));
    assert_eq!(d.decode::<String>().unwrap().as_deref(), Some("hello"));
    let e = d.decode::<u32>().unwrap_err();
    assert!(matches!(e, Error::TruncatedStream { received: 3 }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "stream ended in the middle of a message after 3 bytes"
    );

    // A length prefix promising far more than ever arrives.
    let mut bytes = uint_bytes(1 << 40);
    bytes.extend_from_slice(b"only this");
    let (e, largest, _) = measured(|| {
        IoDecoder::new(io::Cursor::new(bytes))
            .decode::<Vec<u8>>()
            .unwrap_err()
    });
    assert!(
        matches!(e, Error::TruncatedStream { received: 15 }),
        "{e:?}"
    );
    assert!(
        largest <= 64 * 1024,
        "buffered {largest} bytes for 15 received"
    );
}

#[test]
fn io_decoder_size_limit() {
    let limits = Limits::DEFAULT.with_max_size(16);
    let fits = "x".repeat(15); // 16 bytes on the wire
    let mut bytes = Vec::new();
    encode_into(&fits, &mut bytes);
    encode_into("ten bytes", &mut bytes); // 10
    encode_into("ten bytes", &mut bytes); // 10
    encode_into(&"y".repeat(16), &mut bytes); // 17: over the limit
    let mut d = IoDecoder::with_limits(io::Cursor::new(bytes.clone()), limits);
    assert_eq!(d.decode::<String>().unwrap(), Some(fits.clone()));
    assert_eq!(d.decode::<String>().unwrap().as_deref(), Some("ten bytes"));
    assert_eq!(d.decode::<String>().unwrap().as_deref(), Some("ten bytes"));
    let e = d.decode::<String>().unwrap_err();
    assert!(matches!(e, Error::SizeLimit { limit: 16, .. }), "{e:?}");

    // The same through a one-byte reader.
    let mut d = IoDecoder::with_limits(Trickle::new(bytes), limits);
    for _ in 0..3 {
        assert!(d.decode::<String>().unwrap().is_some());
    }
    assert!(matches!(
        d.decode::<String>(),
        Err(Error::SizeLimit { limit: 16, .. })
    ));

    // A huge claimed length with a small limit never buffers past the limit.
    let mut bytes = uint_bytes(1 << 50);
    bytes.resize(100_000, 0);
    let (e, largest, _) = measured(|| {
        IoDecoder::with_limits(io::Cursor::new(bytes), Limits::DEFAULT.with_max_size(1024))
            .decode::<Vec<u8>>()
            .unwrap_err()
    });
    assert!(matches!(e, Error::SizeLimit { limit: 1024, .. }), "{e:?}");
    assert!(largest <= 4096, "{largest}");
}

#[test]
fn io_decoder_passes_on_strictness_and_io_errors() {
    let mut d = IoDecoder::new(io::Cursor::new(vec![1, 3, 0]));
    assert_eq!(d.decode::<bool>().unwrap(), Some(true));
    assert!(matches!(
        d.decode::<bool>(),
        Err(Error::InvalidBool { byte: 3, .. })
    ));

    let mut d = IoDecoder::new(Failing(io::Cursor::new(vec![1, 0, 0, 0, 2])));
    assert_eq!(d.decode::<u32>().unwrap(), Some(1));
    let e = d.decode::<u32>().unwrap_err();
    assert!(
        matches!(&e, Error::Io(io) if io.to_string() == "link down"),
        "{e:?}"
    );
    assert_eq!(e.to_string(), "I/O error: link down");
}
