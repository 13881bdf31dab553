//! The shared mapping of a channel: the one place in `ipc` with `unsafe`.
//!
//! The mapping is split in two parts that never overlap:
//!
//! - the **header**, bytes `0..HEADER_BYTES`, touched only as atomics: its
//!   first `BELL_BYTE` bytes as [`AtomicU64`] words through
//!   [`SharedRegion::word`], its last cache line as [`AtomicU32`] doorbell
//!   slots through [`SharedRegion::bell`] (the futex words), never both
//!   sizes on the same bytes, in this process and (by the protocol) in the
//!   peer;
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
//!
//! The two system calls of the channel live here as well, as they are
//! `unsafe` FFI: the futex that a waiting end sleeps on (Linux), and the
//! liveness check of the peer's process (`kill(pid, 0)`, Unix).

use core::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Duration;

use memmap2::MmapRaw;

use crate::error::Error;

/// Bytes of header before the data ring: eight cache lines, so that the
/// words each end writes often (`head`, `tail`) sit 128 bytes apart, out of
/// reach of the adjacent-line prefetcher, and away from the words written
/// rarely (states, process ids, doorbells).
pub(crate) const HEADER_BYTES: usize = 512;

/// The header's last cache line: 32-bit doorbell slots (futex words).
pub(crate) const BELL_BYTE: usize = HEADER_BYTES - 64;

/// Header words (8 bytes each) before the doorbell line.
pub(crate) const HEADER_WORDS: usize = BELL_BYTE / 8;

/// Doorbell slots (4 bytes each) in the last line.
pub(crate) const BELL_SLOTS: usize = 64 / 4;

/// Whether [`futex_wait`] really sleeps on the word (Linux, outside Miri);
/// elsewhere a waiter sleep-polls in bounded steps instead.
pub(crate) const FUTEX: bool = cfg!(all(target_os = "linux", not(miri)));

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
        // 3. no non-atomic or other-sized access to these bytes while the
        //    reference lives: in this process the words before `BELL_BYTE`
        //    are reached only through this function (`index <
        //    HEADER_WORDS`; the doorbell slots of `bell` start at
        //    `BELL_BYTE`, data slices at `HEADER_BYTES`, see `data_range`),
        //    and the peer writes header words only as
        //    aligned 8-byte atomic stores (the channel contract). Any value
        //    it stores is a valid `u64`, and every reader checks the values
        //    before it uses them;
        // 4. the file is not truncated while the mapping lives (the
        //    channel contract), so touching the page raises no `SIGBUS`.
        unsafe { AtomicU64::from_ptr(ptr.cast::<u64>()) }
    }

    /// Doorbell slot `index` (byte offset `BELL_BYTE + 4 * index`), as a
    /// 32-bit atomic: the word a futex sleeps on.
    #[inline]
    pub(crate) fn bell(&self, index: usize) -> &AtomicU32 {
        assert!(index < BELL_SLOTS, "doorbell slot out of range");
        let ptr = self.map.as_mut_ptr().wrapping_add(BELL_BYTE + index * 4);
        // SAFETY: `AtomicU32::from_ptr` requires:
        // 1. alignment to 4: the mapping starts 64-aligned (checked in
        //    `new`) and the offset `BELL_BYTE + 4 * index` is a multiple of
        //    4;
        // 2. validity for reads and writes for the returned lifetime: the
        //    four bytes lie in the header's last line (`index <
        //    BELL_SLOTS`), inside the mapping (`new` checked its length);
        //    the mapping is read-write, shared, and unmapped only when
        //    `self` drops, which the borrow of `self` prevents;
        // 3. no non-atomic and no other-sized access to these bytes: in this
        //    process the doorbell line is reached only through this
        //    function (`word` stops before `BELL_BYTE`, data starts at
        //    `HEADER_BYTES`), and the peer writes it only with 4-byte
        //    atomics (the channel contract). Any value is a valid `u32`,
        //    and a doorbell's value is never trusted: it only decides
        //    whether a futex sleeps;
        // 4. the file is not truncated (the channel contract): no `SIGBUS`.
        unsafe { AtomicU32::from_ptr(ptr.cast::<u32>()) }
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
        let src = self.data_range(at, 8);
        if src as usize % 8 != 0 {
            let mut bytes = [0u8; 8];
            self.copy_out(at, &mut bytes);
            return u64::from_le_bytes(bytes);
        }
        // SAFETY: `ptr::read_volatile` requires: 1. bounds: `data_range`
        // checked `at..at + 8` is inside the ring; 2. alignment: `src` is
        // 8-aligned (just checked); 3. validity: the mapping is live for
        // `&self`, its file is not truncated (the channel contract), and any
        // bit pattern is a valid `u64`; 4. no reference is made, so a word
        // that changes meanwhile gives a value that is checked like any
        // other. (The length words are at 64-aligned ring offsets: this is
        // the path they take.)
        u64::from_le(unsafe { core::ptr::read_volatile(src.cast::<u64>()) })
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

/// Sleeps on `bell` while it holds `expected`, for at most `timeout`
/// (`FUTEX_WAIT` on a shared mapping: the key is the file page, so the peer
/// process wakes it with [`futex_wake`]). Returns at once if the value
/// differs; may return early (a signal, a spurious wake-up): callers look
/// again at what they wait for. Without a futex (see [`FUTEX`]) it sleeps
/// `timeout`.
pub(crate) fn futex_wait(bell: &AtomicU32, expected: u32, timeout: Duration) {
    #[cfg(all(target_os = "linux", not(miri)))]
    {
        let ts = libc::timespec {
            tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
            // Below 10^9: fits every `c_long`.
            tv_nsec: timeout.subsec_nanos() as libc::c_long,
        };
        // SAFETY: `futex(FUTEX_WAIT)` requires:
        // 1. `uaddr` points to a 4-byte-aligned `u32` that stays mapped
        //    during the call: `bell.as_ptr()` of a live `&AtomicU32`
        //    (alignment is the atomic's; the borrow keeps the mapping);
        // 2. `timeout` points to a valid `timespec` (a local, alive across
        //    the call; `tv_nsec < 10^9`);
        // 3. the other arguments are unused by `FUTEX_WAIT`. The kernel
        //    reads the word atomically and only compares it; whatever it
        //    holds, the call returns (woken, timed out, `EAGAIN`, `EINTR`),
        //    and its result is not needed: callers re-check the channel.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                bell.as_ptr(),
                libc::FUTEX_WAIT,
                expected,
                &ts as *const libc::timespec,
                core::ptr::null::<u32>(),
                0u32,
            );
        }
    }
    #[cfg(not(all(target_os = "linux", not(miri))))]
    {
        let _ = (bell, expected);
        std::thread::sleep(timeout);
    }
}

/// Wakes the process sleeping on `bell` in [`futex_wait`], if any; nothing
/// without a futex.
pub(crate) fn futex_wake(bell: &AtomicU32) {
    #[cfg(all(target_os = "linux", not(miri)))]
    {
        // SAFETY: `futex(FUTEX_WAKE)` requires `uaddr` to be a 4-byte-aligned
        // address (1. `bell.as_ptr()` of a live `&AtomicU32`); 2. it does
        // not read or write user memory besides looking the word's page up,
        // and the remaining arguments are ignored. Waking nobody is fine.
        unsafe {
            libc::syscall(libc::SYS_futex, bell.as_ptr(), libc::FUTEX_WAKE, 1i32);
        }
    }
    #[cfg(not(all(target_os = "linux", not(miri))))]
    let _ = bell;
}

/// Whether the process `pid` (a value the peer stored: anything) may still
/// be running. `false` only when it is known to be gone: `kill(pid, 0)`
/// says no such process, or (Linux) `/proc/<pid>/stat` shows a zombie that
/// its parent has not reaped yet. A value that is no process id (0, above
/// `pid_t`'s range) is "unknown", so `true`, as is everything outside Unix
/// and under Miri. A pid reused by a new process after the peer died reads
/// as alive (timeouts still bound every wait).
pub(crate) fn process_alive(pid: u64) -> bool {
    #[cfg(all(unix, not(miri)))]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 || u32::try_from(pid).ok() == Some(std::process::id()) {
            return true;
        }
        // SAFETY: `kill` with signal 0 sends nothing: it only checks that
        // the process exists and may be signalled. 1. It takes plain
        // integers and touches no memory of ours; 2. `pid > 0`, so it names
        // one process, never a process group or every process.
        let result = unsafe { libc::kill(pid, 0) };
        if result != 0 {
            return std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH);
        }
        #[cfg(target_os = "linux")]
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // `pid (comm) S ...`: the state follows the last `)`.
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next());
            if matches!(state, Some('Z' | 'X')) {
                return false;
            }
        }
        true
    }
    #[cfg(not(all(unix, not(miri))))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use core::sync::atomic::Ordering;

    use memmap2::MmapRaw;

    use std::time::Duration;

    use crate::ipc::shared::{
        BELL_SLOTS, HEADER_BYTES, HEADER_WORDS, SharedRegion, futex_wait, futex_wake, process_alive,
    };

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
    fn doorbells_sit_in_the_last_header_line() {
        let region = region(HEADER_BYTES + 64);
        for i in 0..BELL_SLOTS {
            region.bell(i).store(i as u32 + 1, Ordering::Release);
        }
        for i in 0..HEADER_WORDS {
            assert_eq!(region.word(i).load(Ordering::Acquire), 0);
        }
        // A value that differs: no sleep. A value that holds: a timed one.
        let bell = region.bell(0);
        futex_wait(bell, 0, Duration::from_secs(60));
        let start = std::time::Instant::now();
        futex_wait(bell, 1, Duration::from_millis(2));
        assert!(start.elapsed() >= Duration::from_millis(1));
        futex_wake(bell);
    }

    #[test]
    #[cfg_attr(miri, ignore = "processes")]
    fn a_reaped_process_is_dead_and_this_one_alive() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = u64::from(child.id());
        child.wait().unwrap();
        assert!(!process_alive(pid));
        assert!(process_alive(u64::from(std::process::id())));
        // Values that are no process id are "unknown": alive.
        for pid in [0, 1 << 31, u64::MAX] {
            assert!(process_alive(pid), "{pid}");
        }
    }

    #[test]
    fn too_small_mappings_are_refused() {
        let map = memmap2::MmapOptions::new().len(64).map_anon().unwrap();
        assert!(SharedRegion::new(MmapRaw::from(map)).is_err());
    }
}
