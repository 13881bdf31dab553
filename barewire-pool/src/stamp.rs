//! Slot stamps of a [`Pool`](crate::Pool): `generation << 2 | state`, in one
//! `u32` so that a handle check is one comparison (generation and state at
//! once). A [`Handle`](crate::Handle) carries the stamp of its slot.

/// Holds no handle's value: on the free list, or taken by an `Owned` (or
/// leaked from one). No handle can match this state, so a slot an `Owned`
/// takes and gives back keeps its stamp: no handle needs invalidating, and
/// the fast path of `Pool::alloc` and the `Owned`'s drop never touches it.
pub(crate) const FREE: u32 = 0;
/// Held for `Handle`s of the slot's current generation.
pub(crate) const HANDLE: u32 = 2;
/// Its generation is spent; never reused.
pub(crate) const RETIRED: u32 = 3;
pub(crate) const STATE: u32 = 3;
/// The last generation a slot reaches; freeing it then retires the slot,
/// so generations never wrap to a value a stale handle could match.
pub(crate) const MAX_GENERATION: u32 = u32::MAX >> 2;

pub(crate) const fn generation(stamp: u32) -> u32 {
    stamp >> 2
}

pub(crate) const fn state(stamp: u32) -> u32 {
    stamp & STATE
}

pub(crate) const fn make(generation: u32, state: u32) -> u32 {
    (generation << 2) | state
}
