//! Wire decoding of borrowing types (`&str`, `&[u8]`) from arbitrary bytes.
//!
//! Properties: borrowed strings and data point into the input; what decodes
//! re-encodes to the same length (maps reorder) and decodes again to the same
//! bytes; the owned and borrowed forms of go-bare's `Person` agree.
#![no_main]

use std::collections::BTreeMap;

use barewire::{Decode, Encode, Limits};
use barewire_fuzz::{Borrowed, Shape, bytes_of, go_bare};
use libfuzzer_sys::fuzz_target;

fn inside(data: &[u8], part: &[u8]) {
    if part.is_empty() {
        return;
    }
    let range = data.as_ptr_range();
    let p = part.as_ptr_range();
    assert!(
        range.start <= p.start && p.end <= range.end,
        "a borrowed field does not point into the input"
    );
}

fn same_length<'de, T: Decode<'de> + Encode + std::fmt::Debug>(data: &'de [u8]) -> Option<T> {
    let value = barewire::from_slice::<T>(data).ok()?;
    let again = bytes_of(&value);
    assert_eq!(
        again.len(),
        data.len(),
        "re-encoding changed the length: {value:?}"
    );
    Some(value)
}

fn check_borrowed(data: &[u8], b: &Borrowed<'_>) {
    inside(data, b.name.as_bytes());
    inside(data, b.data);
    for w in &b.words {
        inside(data, w.as_bytes());
    }
    if let Some(blob) = b.blob {
        inside(data, blob);
    }
    for (k, v) in &b.map {
        inside(data, k.as_bytes());
        inside(data, v);
    }
    match b.shape {
        Shape::Label(s) => inside(data, s.as_bytes()),
        Shape::Blob { data: d, .. } => inside(data, d),
        Shape::Empty => {}
    }
    if let Some(next) = &b.next {
        check_borrowed(data, next);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(b) = same_length::<Borrowed<'_>>(data) {
        check_borrowed(data, &b);
        let again = bytes_of(&b);
        let back: Borrowed<'_> = barewire::from_slice(&again).expect("re-encoding decodes");
        assert_eq!(bytes_of(&back), again);
    }
    if let Some(p) = same_length::<go_bare::Person<'_>>(data) {
        if let go_bare::Person::Employee(e) = &p {
            inside(data, e.name.as_bytes());
            inside(data, e.hire_date.as_bytes());
        }
    }
    if let Some(words) = same_length::<Vec<&str>>(data) {
        for w in &words {
            inside(data, w.as_bytes());
        }
        // Map-free: exact bytes.
        assert_eq!(bytes_of(&words), data);
    }
    if let Some(map) = same_length::<BTreeMap<&str, Option<&[u8]>>>(data) {
        for (k, v) in &map {
            inside(data, k.as_bytes());
            inside(data, v.unwrap_or_default());
        }
    }
    let shallow = Limits::DEFAULT.with_max_depth(2);
    let _ = barewire::from_slice_with::<Borrowed<'_>>(data, shallow);
});
