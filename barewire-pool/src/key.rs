//! Slot keys of a [`Pool`](crate::Pool): a slot is named by its chunk and
//! its offset in the chunk, `chunk << OFFSET_BITS | offset`, so finding it is
//! a shift, a mask and one load (no logarithm). Chunk `k` has
//! `min(FIRST << k, MAX_CHUNK_LEN)` slots and never moves once made.
//! [`index`] turns a key into the slot's position in the pool (0, 1, 2, ...
//! across chunks) for users. A [`Handle`](crate::Handle) carries a key.

/// Slots of chunk 0; each next chunk doubles, up to `MAX_CHUNK_LEN`.
pub(crate) const FIRST_SHIFT: u32 = 4;
pub(crate) const FIRST: usize = 1 << FIRST_SHIFT;
/// Bits of a key that hold the offset in the chunk.
pub(crate) const OFFSET_BITS: u32 = 27;
pub(crate) const OFFSET_MASK: u32 = (1 << OFFSET_BITS) - 1;
/// The largest chunk (reached at chunk 23; later chunks stay this size).
pub(crate) const MAX_CHUNK_LEN: usize = 1 << OFFSET_BITS;
const DOUBLING: u32 = OFFSET_BITS - FIRST_SHIFT;
/// Chunks a pool can have: 31, so that no key is `u32::MAX` (`NONE`).
pub(crate) const MAX_CHUNKS: usize = (1 << (32 - OFFSET_BITS)) - 1;
/// "No slot" in the free list.
pub(crate) const NONE: u32 = u32::MAX;
/// Slots a pool can ever have: every key of every chunk.
pub(crate) const MAX_SLOTS: usize = before(MAX_CHUNKS);

/// The number of chunks that hold at least `n` slots, if any number can.
pub(crate) const fn chunks_for(n: usize) -> Option<usize> {
    let mut k = 0;
    while k <= MAX_CHUNKS {
        if before(k) >= n {
            return Some(k);
        }
        k += 1;
    }
    None
}

/// Slots in chunk `k`.
pub(crate) const fn chunk_len(k: usize) -> usize {
    if k as u32 >= DOUBLING {
        MAX_CHUNK_LEN
    } else {
        FIRST << k
    }
}

/// Slots in the chunks before chunk `k` (`k <= MAX_CHUNKS`).
pub(crate) const fn before(k: usize) -> usize {
    if k as u32 >= DOUBLING {
        // 16 + 32 + ... + 2^26 = 2^27 - 16, then full chunks.
        MAX_CHUNK_LEN - FIRST + (k - DOUBLING as usize) * MAX_CHUNK_LEN
    } else {
        (FIRST << k) - FIRST
    }
}

pub(crate) const fn make(k: usize, offset: usize) -> u32 {
    ((k as u32) << OFFSET_BITS) | offset as u32
}

/// The slot's position in the pool, counting across chunks.
pub(crate) const fn index(key: u32) -> u32 {
    let k = (key >> OFFSET_BITS) as usize;
    (before(k) + (key & OFFSET_MASK) as usize) as u32
}

#[cfg(test)]
mod tests {
    use crate::key::{self, NONE};

    #[test]
    fn keys_and_positions() {
        assert_eq!(key::chunk_len(0), 16);
        assert_eq!(key::chunk_len(22), 1 << 26);
        assert_eq!(key::chunk_len(23), 1 << 27);
        assert_eq!(key::chunk_len(30), 1 << 27);
        assert_eq!(key::index(key::make(0, 5)), 5);
        assert_eq!(key::index(key::make(1, 0)), 16);
        assert_eq!(key::index(key::make(23, 0)), (1 << 27) - 16);
        assert_eq!(key::index(key::make(24, 1)), (1 << 28) - 16 + 1);
        // The last slot's key is not the free list's `NONE`.
        let last = key::make(key::MAX_CHUNKS - 1, key::chunk_len(key::MAX_CHUNKS - 1) - 1);
        assert_ne!(last, NONE);
    }
}
