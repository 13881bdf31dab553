//! Wire decoding of owned types from arbitrary bytes.
//!
//! Property: what decodes is canonical. For map-free types it re-encodes to
//! exactly the input; for types with maps (which decode from any key order)
//! the re-encoding has the same length and decodes to the same value.
#![no_main]

use std::collections::BTreeMap;

use barewire::{Decode, Encode, Limits, Uint};
use barewire_fuzz::{Canon, Item, Rich, bytes_of, go_bare};
use libfuzzer_sys::fuzz_target;

fn exact<'de, T: Decode<'de> + Encode + std::fmt::Debug>(data: &'de [u8], limits: Limits) {
    if let Ok(value) = barewire::from_slice_with::<T>(data, limits) {
        assert_eq!(
            bytes_of(&value),
            data,
            "non-canonical input accepted: {value:?}"
        );
    }
}

fn same_length<T: for<'de> Decode<'de> + Encode + std::fmt::Debug>(data: &[u8], limits: Limits) {
    if let Ok(value) = barewire::from_slice_with::<T>(data, limits) {
        let again = bytes_of(&value);
        assert_eq!(
            again.len(),
            data.len(),
            "re-encoding changed the length: {value:?}"
        );
        let back: T = barewire::from_slice_with(&again, limits).expect("re-encoding decodes");
        assert_eq!(bytes_of(&back), again, "re-encoding is not stable");
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::DEFAULT;
    exact::<Canon>(data, limits);
    exact::<Item>(data, limits);
    exact::<Vec<Item>>(data, limits);
    exact::<(Uint, Option<Box<Canon>>)>(data, limits);
    same_length::<Rich>(data, limits);
    same_length::<go_bare::Customer>(data, limits);
    same_length::<BTreeMap<String, Vec<Option<Uint>>>>(data, limits);
    // Tight limits take the depth and size error paths.
    let tight = Limits::DEFAULT.with_max_depth(3).with_max_size(64);
    exact::<Canon>(data, tight);
    same_length::<Rich>(data, tight);
});
