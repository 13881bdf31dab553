//! The pool section's cases: `barewire_pool` beside the allocators it
//! stands in for, each case 1000 operations on 8- or 32-byte values.
//!
//! * arena allocation, through `Arena::alloc` (an `Owned` handle, dropped at
//!   once) and `Arena::alloc_mut` (a plain `&mut T`), then a reset, beside
//!   `bumpalo::Bump::alloc` and its reset;
//! * `Pool::alloc` + drop of `[u64; 4]` beside `Box::new` + drop;
//! * a checked `Handle` lookup (`Pool::get`) beside `slotmap::SlotMap::get`.

use std::hint::black_box;

use barewire_pool::{Arena, Pool};

use super::Case;

/// Operations per run of each case.
pub const OPS: usize = 1000;

/// Case names (the "format" column of the report).
pub mod name {
    /// `Arena::alloc`: an `Owned` per value.
    pub const ARENA_OWNED: &str = "barewire_pool Arena::alloc (Owned)";
    /// `Arena::alloc_mut`: a plain `&mut T` per value.
    pub const ARENA_MUT: &str = "barewire_pool Arena::alloc_mut";
    /// `bumpalo::Bump::alloc`.
    pub const BUMPALO: &str = "bumpalo Bump::alloc";
    /// `Pool::alloc` and the `Owned`'s drop.
    pub const POOL: &str = "barewire_pool Pool::alloc + drop";
    /// `Box::new` and drop.
    pub const BOX: &str = "Box::new + drop";
    /// `Pool::get` through a `Handle`.
    pub const HANDLE: &str = "barewire_pool Pool::get (Handle)";
    /// `slotmap::SlotMap::get`.
    pub const SLOTMAP: &str = "slotmap SlotMap::get";
}

/// The operation column of every pool case.
pub const OP: &str = "1000 ops";

/// Every case of the pool section, each checked once.
pub fn pool_cases() -> Vec<Case> {
    let bytes = OPS * 8;
    let mut out = Vec::new();
    let mut arena = Arena::with_capacity(64 << 10);
    out.push(Case::new(name::ARENA_OWNED, OP, bytes, move || {
        let mut sum = 0u64;
        for i in 0..OPS as u64 {
            sum = sum.wrapping_add(*black_box(&*arena.alloc(i)));
        }
        arena.reset();
        sum as usize
    }));
    let mut arena = Arena::with_capacity(64 << 10);
    out.push(Case::new(name::ARENA_MUT, OP, bytes, move || {
        let mut sum = 0u64;
        for i in 0..OPS as u64 {
            sum = sum.wrapping_add(*black_box(&*arena.alloc_mut(i)));
        }
        arena.reset();
        sum as usize
    }));
    let mut bump = bumpalo::Bump::with_capacity(64 << 10);
    out.push(Case::new(name::BUMPALO, OP, bytes, move || {
        let mut sum = 0u64;
        for i in 0..OPS as u64 {
            sum = sum.wrapping_add(*black_box(&*bump.alloc(i)));
        }
        bump.reset();
        sum as usize
    }));
    let pool = Pool::with_capacity(16);
    out.push(Case::new(name::POOL, OP, OPS * 32, move || {
        let mut sum = 0u64;
        for i in 0..OPS as u64 {
            let v = pool.alloc([i; 4]);
            sum = sum.wrapping_add(black_box(&*v)[3]);
        }
        assert!(pool.is_empty());
        sum as usize
    }));
    out.push(Case::new(name::BOX, OP, OPS * 32, move || {
        let mut sum = 0u64;
        for i in 0..OPS as u64 {
            let v = Box::new([i; 4]);
            sum = sum.wrapping_add(black_box(&*v)[3]);
        }
        sum as usize
    }));
    let pool = Pool::new();
    let handles: Vec<_> = (0..OPS as u64).map(|i| pool.insert(i)).collect();
    out.push(Case::new(name::HANDLE, OP, bytes, move || {
        let mut sum = 0u64;
        for h in &handles {
            sum = sum.wrapping_add(*pool.get(black_box(*h)).unwrap());
        }
        sum as usize
    }));
    let mut map = slotmap::SlotMap::new();
    let keys: Vec<_> = (0..OPS as u64).map(|i| map.insert(i)).collect();
    out.push(Case::new(name::SLOTMAP, OP, bytes, move || {
        let mut sum = 0u64;
        for k in &keys {
            sum = sum.wrapping_add(*map.get(black_box(*k)).unwrap());
        }
        sum as usize
    }));
    let expected = OPS * (OPS - 1) / 2;
    for case in &mut out {
        assert_eq!((case.run)(), expected, "{case:?}");
    }
    out
}

/// The pool targets of issue 14: `(case, reference, max ratio)`.
pub const TARGETS: [(&str, &str, f64); 4] = [
    (name::ARENA_OWNED, name::BUMPALO, 1.2),
    (name::ARENA_MUT, name::BUMPALO, 1.2),
    (name::POOL, name::BOX, 0.25),
    (name::HANDLE, name::SLOTMAP, 2.0),
];

#[cfg(test)]
mod tests {
    use crate::cases::pool::{TARGETS, pool_cases};

    #[test]
    fn every_pool_case_runs_and_every_target_names_cases() {
        // `pool_cases` runs and checks each case once.
        let cases = pool_cases();
        for (case, reference, _) in TARGETS {
            assert!(cases.iter().any(|c| c.format == case), "{case}");
            assert!(cases.iter().any(|c| c.format == reference), "{reference}");
        }
    }
}
