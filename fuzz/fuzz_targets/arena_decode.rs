//! Decoding into an arena (`barewire_pool::from_slice_in`) from arbitrary
//! bytes.
//!
//! Properties: no panic; what decodes into the arena decodes on the heap
//! too (and the other way round, limit errors aside) and re-encodes to the
//! input exactly (the types have no maps); a small fixed arena gives the
//! value, `ArenaFull`, or the error the growing arena gives.
#![no_main]

use barewire::{Bare, Error};
use barewire_fuzz::bytes_of;
use barewire_pool::{Arena, ArenaString, ArenaVec, Owned, from_slice_in};
use libfuzzer_sys::fuzz_target;

#[derive(Bare)]
enum Kind<'a> {
    Empty,
    Label(ArenaString<'a>),
    Pair(u16, Owned<'a, Rec<'a>>),
}

#[derive(Bare)]
struct Rec<'a> {
    name: ArenaString<'a>,
    nums: ArenaVec<'a, u32>,
    tags: ArenaVec<'a, ArenaString<'a>>,
    data: &'a [u8],
    kind: Kind<'a>,
    next: Option<Owned<'a, Rec<'a>>>,
}

#[derive(Bare)]
#[bare(rename = "Kind")]
enum KindHeap {
    Empty,
    Label(String),
    Pair(u16, Box<RecHeap>),
}

#[derive(Bare)]
#[bare(rename = "Rec")]
struct RecHeap {
    name: String,
    nums: Vec<u32>,
    tags: Vec<String>,
    data: Vec<u8>,
    kind: KindHeap,
    next: Option<Box<RecHeap>>,
}

fn limit(e: &Error) -> bool {
    matches!(e, Error::DepthLimit { .. } | Error::StackLimit { .. })
}

fuzz_target!(|data: &[u8]| {
    let heap = barewire::from_slice::<RecHeap>(data);
    let arena = Arena::new();
    let full = from_slice_in::<Rec<'_>, _>(&arena, data);
    match (&full, &heap) {
        (Ok(rec), Ok(twin)) => {
            assert_eq!(
                bytes_of(rec),
                data,
                "the arena value re-encodes differently"
            );
            assert_eq!(bytes_of(twin), data);
        }
        (Err(a), Err(b)) => assert!(
            std::mem::discriminant(a) == std::mem::discriminant(b) || limit(a) || limit(b),
            "arena: {a}, heap: {b}"
        ),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => assert!(limit(e), "only one decodes: {e}"),
    }
    let small = Arena::with_capacity_fixed(
        data.len() + 64 * usize::from(data.first().copied().unwrap_or(0) % 8),
    );
    match from_slice_in::<Rec<'_>, _>(&small, data) {
        Ok(_) => assert!(
            full.is_ok(),
            "a fixed arena decodes what a growing one does not"
        ),
        Err(Error::ArenaFull { requested, .. }) => assert!(requested > 0),
        Err(e) => assert!(full.is_err(), "only the fixed arena fails: {e}"),
    }
    let _ = from_slice_in::<ArenaVec<'_, ArenaVec<'_, ArenaString<'_>>>, _>(&arena, data);
});
