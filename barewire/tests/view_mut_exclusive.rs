//! Mutable views need images whose values share no bytes: `view_mut` and
//! `ImageMut` refuse images where setting a scalar could change another
//! value's tag, length or offset, and accept every image `to_layout` writes
//! (interned strings, which share bytes, included).

use std::collections::BTreeMap;

use barewire::layout::{self, LayoutBuf};
use barewire::{Bare, Error, ImageMut};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Tagged {
    #[bare(intern)]
    tags: Vec<String>,
    #[bare(intern)]
    label: Option<String>,
    count: u32,
    next: Option<Box<Tagged>>,
    extra: BTreeMap<u16, Vec<u8>>,
    boxed: Box<(u8, u64)>,
}

fn sample(n: u32) -> Tagged {
    let long = "a string long enough to be written out of line".to_string();
    Tagged {
        tags: vec![long.clone(), long.clone(), "short".into()],
        label: Some(long),
        count: n,
        next: (n > 0).then(|| Box::new(sample(n - 1))),
        extra: (0..n as u16).map(|k| (k, vec![k as u8; 3])).collect(),
        boxed: Box::new((1, 2)),
    }
}

/// The error of a check that must fail (views have no `Debug` to print).
fn refused<V>(result: Result<V, Error>) -> Error {
    match result {
        Ok(_) => panic!("the image was accepted"),
        Err(e) => e,
    }
}

fn shares_bytes(err: &Error) -> bool {
    matches!(err, Error::InvalidLayout { reason, .. } if reason.contains("share bytes"))
}

#[test]
fn images_written_by_to_layout_are_accepted_interned_strings_included() {
    let value = sample(4);
    let mut image = barewire::to_layout(&value);
    {
        let mut view = layout::view_mut::<Tagged>(&mut image).unwrap();
        view.count_mut().set(40);
    }
    let mut image = ImageMut::<Tagged, _>::new(image).unwrap();
    for _ in 0..3 {
        let c = image.view_mut().count_mut().get();
        image.view_mut().count_mut().set(c + 1);
    }
    assert_eq!(image.view().count(), 43);
    let back = layout::to_owned::<Tagged>(image.bytes()).unwrap();
    assert_eq!(back, Tagged { count: 43, ..value });
}

/// Two boxes pointing at the same `u32`: a valid image for reading, but
/// setting one would set the other.
#[test]
fn two_pointers_to_one_value_are_refused() {
    let mut bytes = [0u8; 12];
    bytes[0..4].copy_from_slice(&8i32.to_le_bytes()); // field 0 at 0 -> 8
    bytes[4..8].copy_from_slice(&4i32.to_le_bytes()); // field 1 at 4 -> 8
    bytes[8..12].copy_from_slice(&7u32.to_le_bytes());
    let mut image = LayoutBuf::from_bytes(&bytes);
    let view = barewire::view::<(Box<u32>, Box<u32>)>(&image).unwrap();
    assert_eq!((view.0, view.1), (7, 7));
    let err = refused(layout::view_mut::<(Box<u32>, Box<u32>)>(&mut image));
    assert!(shares_bytes(&err), "{err:?}");
    let err = refused(ImageMut::<(Box<u32>, Box<u32>), _>::new(image));
    assert!(shares_bytes(&err), "{err:?}");
}

/// A list whose items lie on its own root: setting an item would change
/// the list's length or offset.
#[test]
fn a_list_over_its_own_root_is_refused() {
    let mut bytes = [0u8; 16];
    bytes[0..4].copy_from_slice(&0i32.to_le_bytes()); // items at 0
    bytes[4..8].copy_from_slice(&2u32.to_le_bytes()); // two u32s: 0..8
    let mut image = LayoutBuf::from_bytes(&bytes);
    assert_eq!(barewire::view::<Vec<u32>>(&image).unwrap().len(), 2);
    let err = refused(layout::view_mut::<Vec<u32>>(&mut image));
    assert!(shares_bytes(&err), "{err:?}");
}

/// Two lists whose items overlap by one item.
#[test]
fn overlapping_lists_are_refused_and_disjoint_ones_accepted() {
    let image_of = |second_start: i32| {
        let mut bytes = [0u8; 48];
        // root: (Vec<u32>, Vec<u32>) at 0..16; items from 16.
        bytes[0..4].copy_from_slice(&16i32.to_le_bytes());
        bytes[4..8].copy_from_slice(&3u32.to_le_bytes()); // 16..28
        bytes[8..12].copy_from_slice(&(second_start - 8).to_le_bytes());
        bytes[12..16].copy_from_slice(&3u32.to_le_bytes());
        LayoutBuf::from_bytes(&bytes)
    };
    let mut apart = image_of(28);
    assert!(layout::view_mut::<(Vec<u32>, Vec<u32>)>(&mut apart).is_ok());
    let mut overlapping = image_of(24);
    assert!(barewire::view::<(Vec<u32>, Vec<u32>)>(&overlapping).is_ok());
    let err = refused(layout::view_mut::<(Vec<u32>, Vec<u32>)>(&mut overlapping));
    assert!(shares_bytes(&err), "{err:?}");
}

#[derive(Bare)]
struct Item {
    n: u32,
    boxed: Box<u64>,
}

/// The overlap check is linear: a large image with many values passes
/// quickly, and a borrowed buffer works as well as an owned one.
#[test]
#[cfg_attr(miri, ignore)] // 50,000 records: minutes under Miri
fn large_images_and_borrowed_buffers() {
    let values: Vec<Item> = (0..50_000)
        .map(|i| Item {
            n: i,
            boxed: Box::new(i as u64),
        })
        .collect();
    let mut bytes = barewire::to_layout(&values);
    let mut image = ImageMut::<Vec<Item>, &mut [u8]>::new(&mut bytes).unwrap();
    let mut view = image.view_mut();
    view.get_mut(49_999).unwrap().n_mut().set(7);
    let view = barewire::view::<Vec<Item>>(&bytes).unwrap();
    assert_eq!(view.get(49_999).unwrap().n(), 7);
    assert_eq!(view.get(49_999).unwrap().boxed(), 49_999);
}

/// A string whose out-of-line bytes lie on a number: setting the number
/// would change the string.
#[test]
fn a_string_over_a_value_is_refused() {
    // (u64, String): the u64 at 0..8, the string repr at 8..16 pointing at
    // the u64's 8 bytes ("abcdefgh"), from position 12.
    let mut bytes = [0u8; 16];
    bytes[0..8].copy_from_slice(b"abcdefgh");
    bytes[8..12].copy_from_slice(&[0x88, 0, 0, 0]); // out of line, 8 bytes
    bytes[12..16].copy_from_slice(&(-12i32).to_le_bytes());
    let mut image = LayoutBuf::from_bytes(&bytes);
    let view = barewire::layout::check_full::<(u64, String)>(&image).unwrap();
    assert_eq!(view.1.as_str().unwrap(), "abcdefgh");
    let err = refused(layout::view_mut::<(u64, String)>(&mut image));
    assert!(shares_bytes(&err), "{err:?}");
}

/// Mutable views check strings up front: a string that is not UTF-8 is an
/// error before any update.
#[test]
fn invalid_strings_are_refused() {
    let mut image =
        barewire::to_layout(&(1u8, "a string long enough to go out of line".to_string()));
    let at = image.len() - 3;
    image[at] = 0xff;
    assert!(barewire::view::<(u8, String)>(&image).is_ok());
    let err = refused(layout::view_mut::<(u8, String)>(&mut image));
    assert!(matches!(err, Error::InvalidUtf8 { .. }), "{err:?}");
}
