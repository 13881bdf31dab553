//! Decoding into an arena (`barewire_pool::from_slice_in`): the log dataset
//! decoded into its arena twin ([`ArenaLogs`]), beside the owned and
//! borrowed decodes.

use std::hint::black_box;

use barewire_pool::{Arena, from_slice_in};

use crate::cases::dataset::Dataset;
use crate::cases::{Case, format, op};
use crate::log::{ArenaLogs, Logs};

/// The "decode into arena" case of the log dataset: each run resets one
/// growing arena (its chunks are kept) and decodes the whole dataset into
/// it. Checked once first: the value reads as the data and re-encodes to
/// the same bytes.
pub fn arena_log_case() -> Case {
    let data = <Logs<String> as Dataset>::generate();
    let bytes = barewire::to_vec(&data);
    let mut arena = Arena::new();
    {
        let decoded: ArenaLogs<'_> = from_slice_in(&arena, &bytes).expect("decode into arena");
        assert_eq!(decoded.read(), data.read(), "log: decode into arena");
        assert!(
            barewire::to_vec(&decoded) == bytes,
            "log: the arena twin re-encodes differently"
        );
    }
    arena.reset();
    let n = bytes.len();
    Case::new(format::BAREWIRE, op::DECODE_ARENA, n, move || {
        arena.reset();
        let decoded: ArenaLogs<'_> =
            from_slice_in(&arena, black_box(&bytes)).expect("decode into arena");
        black_box(&decoded);
        bytes.len()
    })
}
