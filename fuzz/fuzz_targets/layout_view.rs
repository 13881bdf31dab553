//! Checked layout views of arbitrary bytes, at any alignment.
//!
//! Properties: `view` either fails or gives a view that can be read in full
//! without panics; an image that views at one aligned address views the
//! same at another (position independence); `check_full` accepts a subset of
//! what `view` accepts; if `to_owned` succeeds, the value's own image views
//! back and rebuilds to the same value; `view_mut` accepts only what
//! `check_full` accepts, and setting scalars through it leaves an image that
//! `check_full` still accepts (values and strings share no bytes); an
//! explicit record with in-place fields (`ExplicitDoc`) reads through its
//! view's checked accessors without panics, and whatever `view` accepted
//! reads in full.
#![no_main]

use std::collections::BTreeMap;

use barewire::Uint;
use barewire::layout::{self, LayoutBuf};
use barewire_fuzz::{
    Canon, Hinted, Item, Kind, Rich, bytes_of, read_canon, read_explicit, read_item, read_rich,
    split,
};
use libfuzzer_sys::fuzz_target;

fn rich(slice: &[u8], aligned: &[u8]) {
    let viewed = barewire::view::<Rich>(slice);
    let again = barewire::view::<Rich>(aligned);
    if slice.as_ptr() as usize % 8 == 0 {
        assert_eq!(
            viewed.is_ok(),
            again.is_ok(),
            "the check depends on the address"
        );
    }
    if let Ok(view) = &viewed {
        read_rich(view, 0);
    }
    let full = layout::check_full::<Rich>(slice);
    if full.is_ok() {
        assert!(viewed.is_ok(), "check_full accepted what view rejected");
    }
    if let Ok(view) = full {
        read_rich(&view, 0);
    }
    if let Ok(value) = layout::to_owned::<Rich>(slice) {
        assert!(viewed.is_ok(), "to_owned accepted what view rejected");
        let image = barewire::to_layout(&value);
        let view = barewire::view::<Rich>(&image).expect("a written image views");
        read_rich(&view, 0);
        layout::check_full::<Rich>(&image).expect("a written image passes check_full");
        let back: Rich = layout::to_owned(&image).expect("a written image rebuilds");
        assert_eq!(bytes_of(&back), bytes_of(&value));
    }
}

/// Records with `inline` strings: a view reads them or says why not, what
/// a full check passes reads, and what rebuilds writes an image that
/// rebuilds to the same records.
fn hinted(slice: &[u8]) {
    let Ok(view) = barewire::view::<Vec<Hinted>>(slice) else {
        return;
    };
    let mut readable = true;
    for r in view.iter() {
        let _ = r.id();
        readable &= r.name().as_str().is_ok() & r.label().as_str().is_ok();
    }
    if let Ok(full) = layout::check_full::<Vec<Hinted>>(slice) {
        for r in full.iter() {
            assert!(barewire_fuzz::utf8(r.name().as_str()) & barewire_fuzz::utf8(r.label().as_str()));
        }
    }
    // (A full check may also run out of its work budget where reads one by
    // one do not, so only this direction holds.)
    if layout::check_full::<Vec<Hinted>>(slice).is_ok() {
        assert!(readable, "check_full passed a string that does not read");
    }
    if let Ok(owned) = layout::to_owned::<Vec<Hinted>>(slice) {
        let image = barewire::to_layout(&owned);
        assert_eq!(layout::to_owned::<Vec<Hinted>>(&image).unwrap(), owned);
    }
}

fn mutate(aligned: &mut [u8]) {
    let Ok(mut view) = barewire::view_mut::<Canon>(aligned) else {
        return;
    };
    let word = view.word_mut().get();
    view.word_mut().set(word.wrapping_add(1));
    view.flag_mut().set(true);
    view.ratio_mut().set(f32::NAN);
    view.id_mut().set(Uint(u64::MAX));
    drop(view);
    // `view_mut` refused images whose values share bytes, so setting its
    // scalars keeps the image valid.
    let view = barewire::layout::check_full::<Canon>(aligned)
        .expect("setting scalars through a mutable view keeps the image valid");
    read_canon(&view, 0);
}

fuzz_target!(|data: &[u8]| {
    let (shift, bytes) = split(data, 1);
    let shift = usize::from(shift.first().copied().unwrap_or(0) % 72);
    let mut buf = LayoutBuf::zeroed(bytes.len() + shift);
    buf[shift..].copy_from_slice(bytes);
    let mut aligned = LayoutBuf::from_bytes(bytes);
    let slice = &buf[shift..];

    rich(slice, &aligned);
    read_explicit(slice);

    if let Ok(view) = barewire::view::<Canon>(slice) {
        read_canon(&view, 0);
    }
    let _ = layout::to_owned::<Canon>(slice);
    if let Ok(items) = barewire::view::<Vec<Item>>(slice) {
        for item in items.iter() {
            read_item(&item, 0);
        }
    }
    if let Ok(map) = barewire::view::<BTreeMap<String, Vec<String>>>(slice) {
        for (k, v) in map.iter() {
            let _ = k.as_str().map(|k| map.get(k));
            for s in v.iter() {
                let _ = s.as_str();
            }
        }
    }
    hinted(slice);
    let _ = layout::to_owned::<BTreeMap<Kind, Option<Box<Item>>>>(slice);
    let _ = layout::to_owned::<Vec<Option<(u8, String)>>>(slice);
    let _ = layout::to_owned::<&str>(slice);
    let _ = layout::to_owned::<&[u8]>(slice);
    mutate(&mut aligned);
});
