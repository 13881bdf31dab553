//! The shared mapping of a channel: the one place in `ipc` with `unsafe`.
//!
//! The mapping is split in two parts that never overlap:
//!
//! - the **header**, bytes `0..HEADER_BYTES`, touched only as [`AtomicU64`]
//!   words through [`SharedRegion::word`], in this process and (by the
//!   protocol) in the peer;
//! - the **data ring**, bytes `HEADER_BYTES..`, read and written as bytes at
//!   positions the channel protocol hands to one side at a time.
//!
//! No reference to the whole mapping is ever made, so a reference to data
//! bytes never covers a header word that the peer updates concurrently.
//!
//! The mapping is of a file another process can write and truncate. Every
//! `SharedRegion` belongs to a `Channel` made by one of the `unsafe`
//! constructors of `Sender` and `Receiver`, whose caller promised the
//! **channel contract** (module docs of `ipc`): the file is not truncated,
//! and the peer writes only what the protocol gives it (header words as
//! aligned 8-byte atomic stores; ring space it reserved and has not yet
//! published). The proofs below cite it; the rest they prove here.

use core::sync::atomic::AtomicU64;

use memmap2::MmapRaw;

use crate::error::Error;

/// Bytes of header before the data ring (four cache lines: static fields,
/// the sender's words, the receiver's words, reserved).
pub(crate) const HEADER_BYTES: usize = 256;

/// Header words.
pub(crate) const HEADER_WORDS: usize = HEADER_BYTES / 8;

/// A read-write shared mapping of a channel file.
pub(crate) struct SharedRegion {
    map: MmapRaw,
    data_len: usize,
}

impl SharedRegion {
    /// Wraps a mapping of at least [`HEADER_BYTES`] bytes whose start is
    /// aligned to 64 (every mapping is page-aligned; checked anyway).
    pub(crate) fn new(map: MmapRaw) -> Result<Self, Error> {
        if map.len() < HEADER_BYTES {
            return Err(Error::ChannelCorrupt {
                reason: "shared file is smaller than the channel header",
            });
        }
        if map.as_ptr() as usize % 64 != 0 {
            return Err(Error::Misaligned { align: 64 });
        }
        let data_len = map.len() - HEADER_BYTES;
        Ok(SharedRegion { map, data_len })
    }

    /// Header word `index` (byte offset `8 * index`), as an atomic.
    #[inline]
    pub(crate) fn word(&self, index: usize) -> &AtomicU64 {
        assert!(index < HEADER_WORDS, "header word out of range");
        let ptr = self.map.as_mut_ptr().wrapping_add(index * 8);
        // SAFETY: `AtomicU64::from_ptr` requires:
        // 1. alignment to 8: the mapping starts 64-aligned (checked in
        //    `new`) and the offset `8 * index` is a multiple of 8;
        // 2. validity for reads and writes for the returned lifetime: the
        //    bytes `8 * index .. 8 * index + 8` lie inside the header, which
        //    `new` checked is inside the mapping; the mapping is read-write
        //    and shared, and is unmapped only when `self` drops, which the
        //    returned borrow of `self` prevents while it lives;
        // 3. no non-atomic access to these bytes while the reference lives:
        //    in this process the header is reached only through this
        //    function (data slices start at `HEADER_BYTES`, see
        //    `data_range`), and the peer writes header words only as
        //    aligned 8-byte atomic stores (the channel contract). Any value
        //    it stores is a valid `u64`, and every reader checks the values
        //    before it uses them;
        // 4. the file is not truncated while the mapping lives (the
        //    channel contract), so touching the page raises no `SIGBUS`.
        unsafe { AtomicU64::from_ptr(ptr.cast::<u64>()) }
    }

    /// Length of the data ring in bytes.
    #[inline]
    pub(crate) fn data_len(&self) -> usize {
        self.data_len
    }

    /// A pointer to data bytes `at..at + len`, after checking they are inside
    /// the ring.
    #[inline]
    fn data_range(&self, at: usize, len: usize) -> *mut u8 {
        assert!(
            at <= self.data_len && len <= self.data_len - at,
            "data range outside the ring"
        );
        self.map.as_mut_ptr().wrapping_add(HEADER_BYTES + at)
    }

    /// Copies data bytes `at..at + out.len()` into `out` with volatile reads,
    /// never holding a reference to the shared bytes: defined whatever the
    /// peer writes meanwhile (the copy may then be torn, and is checked
    /// afterwards like any untrusted input).
    pub(crate) fn copy_out(&self, at: usize, out: &mut [u8]) {
        let src = self.data_range(at, out.len());
        let aligned = src as usize % 8 == 0;
        let mut words = out.chunks_exact_mut(8);
        let mut i = 0;
        if aligned {
            for chunk in &mut words {
                // SAFETY: `ptr::read_volatile` requires:
                // 1. bounds: `src + i .. src + i + 8` is inside the range
                //    `data_range` checked (`i + 8 <= out.len()`);
                // 2. alignment: `src` is 8-aligned and `i` a multiple of 8;
                // 3. validity: the mapping is live for `&self`, its file is
                //    not truncated (the channel contract), and any bit
                //    pattern is a valid `u64`;
                // 4. no reference is made, so bytes that change during the
                //    read (outside the contract) give a torn copy, checked
                //    afterwards like any untrusted input, not a broken
                //    aliasing rule.
                let word = unsafe { core::ptr::read_volatile(src.wrapping_add(i).cast::<u64>()) };
                chunk.copy_from_slice(&word.to_ne_bytes());
                i += 8;
            }
        }
        for byte in out[i..].iter_mut() {
            // SAFETY: `ptr::read_volatile` requires: 1. bounds: `i <
            // out.len()`, inside the range `data_range` checked; 2. a byte
            // needs no alignment; 3. validity: as above (live mapping, file
            // not truncated, any byte valid); 4. no reference is made.
            *byte = unsafe { core::ptr::read_volatile(src.wrapping_add(i)) };
            i += 1;
        }
    }

    /// Reads the little-endian `u64` at data byte `at` with a volatile read.
    #[inline]
    pub(crate) fn read_u64(&self, at: usize) -> u64 {
        let mut bytes = [0u8; 8];
        self.copy_out(at, &mut bytes);
        u64::from_le_bytes(bytes)
    }

    /// Data bytes `at..at + len`, shared.
    ///
    /// # Safety
    ///
    /// While the returned slice lives: (1) no mutable reference to any of
    /// these bytes exists in this process, and (2) no process writes them:
    /// for a channel, they are a published, unreleased message, which the
    /// channel contract forbids the peer to write. Bounds are checked here
    /// (a panic, never an access outside the ring).
    #[inline]
    pub(crate) unsafe fn bytes(&self, at: usize, len: usize) -> &[u8] {
        let ptr = self.data_range(at, len);
        // SAFETY: `slice::from_raw_parts` requires:
        // 1. bounds: `data_range` checked `at..at + len` is inside the ring,
        //    which is inside the mapping (so `len <= isize::MAX` too);
        // 2. the mapping is live and readable for the borrow of `self` (it
        //    is unmapped only when `self` drops), and its file is not
        //    truncated (the channel contract), so no page raises `SIGBUS`;
        // 3. `u8` needs no alignment and any byte is valid;
        // 4. aliasing: no `&mut` overlaps and no process writes the bytes
        //    while the slice lives, by the caller's contract.
        unsafe { core::slice::from_raw_parts(ptr, len) }
    }

    /// Data bytes `at..at + len`, exclusive.
    ///
    /// # Safety
    ///
    /// While the returned slice lives, no other reference to any of these
    /// bytes exists in this process and no other process writes them: for
    /// a channel, they are space this sender reserved and has not
    /// published, which the channel contract forbids the peer to write.
    /// Bounds are checked here (a panic, never an access outside the ring).
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn bytes_mut(&self, at: usize, len: usize) -> &mut [u8] {
        let ptr = self.data_range(at, len);
        // SAFETY: `slice::from_raw_parts_mut` requires:
        // 1. bounds: `data_range` checked `at..at + len` is inside the ring,
        //    inside the mapping;
        // 2. the mapping is live and writable (mapped read-write, shared)
        //    for the borrow of `self`, and its file is not truncated (the
        //    channel contract), so no page raises `SIGBUS`;
        // 3. `u8` needs no alignment and any byte is valid;
        // 4. exclusivity: no other reference in this process and no writer
        //    in another, by the caller's contract. (A peer that reads the
        //    bytes meanwhile sees whatever is there; that is its concern.)
        unsafe { core::slice::from_raw_parts_mut(ptr, len) }
    }
}

#[cfg(test)]
mod tests {
    use core::sync::atomic::Ordering;

    use memmap2::MmapRaw;

    use crate::ipc::shared::{HEADER_BYTES, HEADER_WORDS, SharedRegion};

    /// An anonymous mapping: runs under Miri, which has no file mappings.
    fn region(len: usize) -> SharedRegion {
        let map = memmap2::MmapOptions::new().len(len).map_anon().unwrap();
        SharedRegion::new(MmapRaw::from(map)).unwrap()
    }

    #[test]
    fn header_words_and_data_are_disjoint() {
        let region = region(HEADER_BYTES + 256);
        assert_eq!(region.data_len(), 256);
        for i in 0..HEADER_WORDS {
            region.word(i).store(i as u64 * 3, Ordering::Release);
        }
        // SAFETY: 1. no other reference to the data exists in this test;
        // 2. the mapping is anonymous: no other process writes it.
        let data = unsafe { region.bytes_mut(0, 256) };
        data.fill(0xab);
        for i in 0..HEADER_WORDS {
            assert_eq!(region.word(i).load(Ordering::Acquire), i as u64 * 3);
        }
        assert_eq!(region.read_u64(8), u64::from_le_bytes([0xab; 8]));
        let mut out = [0u8; 13];
        region.copy_out(243, &mut out);
        assert_eq!(out, [0xab; 13]);
        // SAFETY: 1. the `&mut` above is no longer used; 2. the mapping is
        // anonymous: no other process writes it.
        let shared = unsafe { region.bytes(64, 64) };
        assert!(shared.iter().all(|&b| b == 0xab));
    }

    #[test]
    #[should_panic(expected = "data range outside the ring")]
    fn out_of_range_data_panics() {
        let region = region(HEADER_BYTES + 64);
        let mut out = [0u8; 8];
        region.copy_out(60, &mut out);
    }

    #[test]
    fn too_small_mappings_are_refused() {
        let map = memmap2::MmapOptions::new().len(64).map_anon().unwrap();
        assert!(SharedRegion::new(MmapRaw::from(map)).is_err());
    }
}
