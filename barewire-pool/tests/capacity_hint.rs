//! `#[bare(capacity = N)]` on an `ArenaVec` field: the vector is made in the
//! arena with room for `N` items, so pushes after decoding stay in place; a
//! fixed arena without that room is an error, not a panic.

use barewire::{Bare, Error};
use barewire_pool::{Arena, ArenaVec, from_slice_in};

#[derive(Bare)]
struct Batch<'a> {
    id: u32,
    #[bare(capacity = 256)]
    readings: ArenaVec<'a, u64>,
}

#[derive(Bare)]
struct Owned {
    id: u32,
    readings: Vec<u64>,
}

#[test]
fn arena_vectors_are_made_with_the_hinted_room() {
    let bytes = barewire::to_vec(&Owned {
        id: 1,
        readings: vec![10, 20, 30],
    });
    let arena = Arena::new();
    let mut batch: Batch<'_> = from_slice_in(&arena, &bytes).unwrap();
    assert_eq!(batch.id, 1);
    assert_eq!(batch.readings.as_slice(), [10, 20, 30]);
    assert!(
        batch.readings.capacity() >= 256,
        "{}",
        batch.readings.capacity()
    );
    let used = arena.bytes_in_use();
    for i in 0..253 {
        batch.readings.push(i);
    }
    assert_eq!(
        arena.bytes_in_use(),
        used,
        "pushes within the hint take no arena memory"
    );
}

#[test]
fn a_fixed_arena_without_room_for_the_hint_is_an_error() {
    let bytes = barewire::to_vec(&Owned {
        id: 1,
        readings: vec![1],
    });
    // Room for the message's copy, not for 256 u64s.
    let arena = Arena::with_capacity_fixed(256);
    let Err(err) = from_slice_in::<Batch<'_>, _>(&arena, &bytes) else {
        panic!("the reservation cannot fit");
    };
    assert!(matches!(err, Error::ArenaFull { .. }), "{err:?}");
}
