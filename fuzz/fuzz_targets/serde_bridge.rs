//! The serde bridge (`barewire::serde`) from arbitrary bytes, into types
//! that derive both serde and `Bare`.
//!
//! Properties: no panics, bounded work; what the bridge accepts the derive
//! accepts with the same value, and the other way round; what decodes is
//! canonical: for map-free types it re-serializes to exactly the input.
#![no_main]

use std::collections::BTreeMap;

use barewire::{Bare, Limits};
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

#[derive(Bare, Serialize, Deserialize, Debug, PartialEq)]
enum Kind {
    A,
    B,
    C,
}

#[derive(Bare, Serialize, Deserialize, Debug, PartialEq)]
enum Node<'a> {
    Leaf(u16),
    Text(&'a str),
    Pair { left: Box<Node<'a>>, right: Option<Box<Node<'a>>> },
    List(Vec<Node<'a>>),
}

#[derive(Bare, Serialize, Deserialize, Debug, PartialEq)]
struct Record<'a> {
    kind: Kind,
    name: &'a str,
    flags: (bool, Option<u8>),
    values: Vec<i32>,
    fixed: [u8; 3],
    node: Node<'a>,
}

#[derive(Bare, Serialize, Deserialize, Debug, PartialEq)]
struct Mapped {
    map: BTreeMap<String, Vec<u8>>,
    count: u64,
}

fn agree<'de, T>(data: &'de [u8], limits: Limits, canonical: bool)
where
    T: barewire::Decode<'de> + barewire::Encode + Deserialize<'de> + Serialize + PartialEq + std::fmt::Debug,
{
    let bridge = barewire::serde::from_slice_with::<T>(data, limits);
    let derived = barewire::from_slice_with::<T>(data, limits);
    match (&bridge, &derived) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b);
            let again = barewire::serde::to_vec(a).expect("a decoded value serializes");
            if canonical {
                assert_eq!(again, data, "non-canonical input accepted: {a:?}");
            } else {
                assert_eq!(again.len(), data.len());
            }
        }
        (Err(_), Err(_)) => {}
        // Depth is counted at more places by the bridge (every compound
        // value), so only the bridge may stop at a limit the derive passes.
        (Err(barewire::Error::DepthLimit { .. } | barewire::Error::StackLimit { .. }), Ok(_)) => {}
        _ => panic!("bridge {bridge:?} vs derive {derived:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::DEFAULT.with_max_depth(64).with_max_size(1 << 20);
    agree::<Record<'_>>(data, limits, true);
    agree::<Node<'_>>(data, limits, true);
    agree::<Vec<Kind>>(data, limits, true);
    agree::<Mapped>(data, limits, false);
});
