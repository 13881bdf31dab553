//! Regression tests for faults found by an audit of the codec and the
//! layout checks: work and memory bounded by the input's size, alignment
//! checked where it is relied on. Each builds the hostile input by hand.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

use barewire::layout::LayoutBuf;
use barewire::{Bare, Error};

/// Runs `f` on its own thread and fails the test if it has not finished
/// after a generous minute: the quadratic paths these tests guard against
/// take minutes to hours on these sizes, the linear ones milliseconds.
fn finishes<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("still running after 60 s: quadratic work on hostile input")
}

fn put_u32(image: &mut [u8], at: usize, v: u32) {
    image[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes an out-of-line string repr at `at` for `len` bytes at `target`.
fn put_str(image: &mut [u8], at: usize, len: usize, target: usize) {
    assert!(len > 8 && len < 1 << 30);
    image[at] = 0x80 | (len & 0x3f) as u8;
    image[at + 1] = (len >> 6) as u8;
    image[at + 2] = (len >> 14) as u8;
    image[at + 3] = (len >> 22) as u8;
    let rel = target as i64 - (at + 4) as i64;
    put_u32(image, at + 4, rel as i32 as u32);
}

/// `map<str><u8>` whose `n` keys are prefixes of one run of `a`s, of
/// lengths 9, 10, 11, ...: strictly ascending, each key in bounds, but
/// comparing neighbours reads O(n^2) bytes from an O(n) image.
fn overlapping_keys(n: usize) -> LayoutBuf {
    let entries = 8;
    let run = entries + 12 * n;
    let mut image = LayoutBuf::zeroed(run + n + 9);
    put_u32(&mut image, 0, entries as u32); // relative offset from 0
    put_u32(&mut image, 4, n as u32);
    for i in 0..n {
        put_str(&mut image, entries + 12 * i, 9 + i, run);
    }
    image[run..].fill(b'a');
    image
}

#[test]
fn map_key_order_checks_are_linear_in_the_image() {
    // A small one is an ordinary, valid map.
    let small = overlapping_keys(3);
    let view = barewire::view::<BTreeMap<String, u8>>(&small).unwrap();
    assert_eq!(view.len(), 3);
    assert_eq!(view.get("aaaaaaaaaa"), Some(0));
    // 40,000 keys: 320 KB of image, 800 MB of comparisons.
    let image = overlapping_keys(40_000);
    let results = finishes(move || {
        (
            barewire::view::<BTreeMap<String, u8>>(&image).map(|_| ()),
            barewire::layout::check_full::<BTreeMap<String, u8>>(&image).map(|_| ()),
            barewire::layout::to_owned::<BTreeMap<String, u8>>(&image).map(|_| ()),
        )
    });
    for r in [results.0, results.1, results.2] {
        assert!(
            matches!(
                r,
                Err(Error::WorkLimit {
                    what: "comparing map keys",
                    ..
                })
            ),
            "{r:?}"
        );
    }
}

/// `list<str>` of `refs` strings of `len` bytes, all pointing at the same
/// bytes (as `#[bare(intern)]` writes repeated strings) when `shift` is 0,
/// or each starting one byte later than the one before.
fn aliased_strings(refs: usize, len: usize, shift: usize) -> LayoutBuf {
    let items = 8;
    let data = items + 8 * refs;
    let mut image = LayoutBuf::zeroed(data + len + refs * shift);
    put_u32(&mut image, 0, items as u32);
    put_u32(&mut image, 4, refs as u32);
    for i in 0..refs {
        put_str(&mut image, items + 8 * i, len, data + i * shift);
    }
    image[data..].fill(b'z');
    image
}

#[test]
fn full_checks_validate_a_shared_string_once() {
    // 100,000 references to one 1 MB string: 100 GB of UTF-8 checking if
    // each reference is checked again.
    let image = aliased_strings(100_000, 1 << 20, 0);
    let image = finishes(move || {
        let list = barewire::layout::check_full::<Vec<String>>(&image).unwrap();
        assert_eq!(list.len(), 100_000);
        assert_eq!(list.get(99_999).unwrap().len(), 1 << 20);
        image
    });
    // Rebuilding it would copy 100 GB: over the output limit, not a hang.
    let r = finishes(move || barewire::layout::to_owned::<Vec<String>>(&image).map(|_| ()));
    assert!(matches!(r, Err(Error::InvalidLayout { .. })), "{r:?}");
}

#[test]
fn overlapping_strings_run_out_of_work_budget() {
    // 20,000 strings of 100 KB, each starting one byte after the last:
    // 2 GB of UTF-8 checking in a 260 KB image.
    let image = aliased_strings(20_000, 100_000, 1);
    let results = finishes(move || {
        (
            barewire::layout::check_full::<Vec<String>>(&image).map(|_| ()),
            barewire::layout::to_owned::<Vec<&str>>(&image).map(|_| ()),
        )
    });
    for r in [results.0, results.1] {
        assert!(
            matches!(
                r,
                Err(Error::WorkLimit {
                    what: "checking the UTF-8 of strings",
                    ..
                })
            ),
            "{r:?}"
        );
    }
}

#[test]
fn a_prefix_of_a_checked_string_must_end_on_a_character() {
    // Two references to one string: the whole of it, then all but its last
    // byte, which cuts a two-byte character in half.
    let mut image = LayoutBuf::zeroed(8 + 16 + 100);
    put_u32(&mut image, 0, 8);
    put_u32(&mut image, 4, 2);
    let data = 24;
    put_str(&mut image, 8, 100, data);
    put_str(&mut image, 16, 99, data);
    image[data..data + 98].fill(b'x');
    image[data + 98..].copy_from_slice("é".as_bytes());
    let r = barewire::layout::check_full::<Vec<String>>(&image);
    assert!(
        matches!(r, Err(Error::InvalidUtf8 { offset }) if offset == data + 99),
        "{r:?}"
    );
}

#[derive(Bare, Debug, Clone, PartialEq)]
#[bare(align = 16)]
struct Wide {
    x: u64,
}

#[test]
fn every_target_is_checked_for_alignment_not_only_the_root() {
    let items: Vec<Wide> = (0..4).map(|x| Wide { x }).collect();
    let image = barewire::to_layout(&items);
    assert_eq!(barewire::view::<Vec<Wide>>(&image).unwrap().len(), 4);
    // The same image 8 bytes into a 64-aligned buffer: aligned for the
    // root (a list repr, 4-aligned), not for the 16-aligned items.
    let mut shifted = LayoutBuf::zeroed(image.len() + 8);
    shifted[8..].copy_from_slice(&image);
    let r = barewire::view::<Vec<Wide>>(&shifted[8..]).map(|_| ());
    assert!(matches!(r, Err(Error::InvalidLayout { .. })), "{r:?}");
}

#[derive(Bare, Debug, Default, PartialEq)]
struct AllSkipped {
    #[bare(skip)]
    block: [[u64; 32]; 2],
}

#[test]
fn items_without_wire_bytes_are_charged_by_their_memory() {
    // 2^26 `Box<()>` (8 bytes each) from 4 bytes of input: 512 MiB.
    let r = barewire::from_slice::<Vec<Box<()>>>(&[0x80, 0x80, 0x80, 0x20]);
    assert!(matches!(r, Err(Error::TooManyItems { .. })), "{r:?}");
    // 2^20 structs of 512 bytes whose fields are all skipped: 512 MiB.
    let r = barewire::from_slice::<Vec<AllSkipped>>(&[0x80, 0x80, 0x40]);
    assert!(matches!(r, Err(Error::TooManyItems { .. })), "{r:?}");
    // Within the limit they decode.
    let units: Vec<()> = barewire::from_slice(&[0xe8, 0x07]).unwrap();
    assert_eq!(units.len(), 1000);
    let boxes: Vec<Box<()>> = barewire::from_slice(&[0x80, 0x08]).unwrap();
    assert_eq!(boxes.len(), 1024);
}
