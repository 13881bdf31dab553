//! The channel file: creating, opening and mapping it, and its header
//! words (magic, version, capacity, fingerprint, and each end's position and
//! state word).

use core::sync::atomic::{AtomicBool, Ordering, fence};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use memmap2::MmapOptions;

use crate::error::Error;
use crate::fingerprint::fingerprint;
use crate::ipc::ring::{self, MIN_CAPACITY};
use crate::ipc::shared::{self, HEADER_BYTES, SharedRegion};
use crate::layout::Layout;
use crate::mmap::atomic_file;
use crate::schema::Describe;

/// The first header word of a channel file: `"BAREIPC\0"` little-endian.
const MAGIC: u64 = u64::from_le_bytes(*b"BAREIPC\0");
/// The channel format version this build speaks (2: the 512-byte header
/// with process ids and doorbells).
const VERSION: u64 = 2;

/// Header words (index = byte offset / 8), each group in its own pair of
/// cache lines.
const W_MAGIC: usize = 0;
const W_VERSION: usize = 1;
const W_CAPACITY: usize = 2;
const W_FINGERPRINT: usize = 3;
/// Byte 128: the sender's position, alone (written at every commit).
pub(super) const W_HEAD: usize = 16;
/// Byte 256: the receiver's position, alone (written at every release).
pub(super) const W_TAIL: usize = 32;
/// Byte 384: words written only when an end attaches or closes (read on
/// every reserve and every empty poll, so they stay in both caches).
pub(super) const W_SENDER: usize = 48;
pub(super) const W_SENDER_PID: usize = 49;
pub(super) const W_RECEIVER: usize = 50;
pub(super) const W_RECEIVER_PID: usize = 51;

/// Doorbell slots (32-bit, byte 448): for each end, a flag it sets while
/// it sleeps and the futex word it sleeps on, which the peer bumps.
pub(super) const B_RX_WAITING: usize = 0;
pub(super) const B_RX_BELL: usize = 1;
pub(super) const B_TX_WAITING: usize = 2;
pub(super) const B_TX_BELL: usize = 3;

/// States of the role words.
const ABSENT: u64 = 0;
const ATTACHED: u64 = 1;
pub(super) const CLOSED: u64 = 2;

/// A path for a channel file named `name`: in `/dev/shm` (memory-backed, so
/// the kernel never writes the ring to disk) where that directory exists,
/// else in the temporary directory.
///
/// ```
/// let path = barewire::ipc::shm_path("my-channel");
/// assert!(path.ends_with("my-channel"));
/// ```
pub fn shm_path(name: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join(name)
    } else {
        std::env::temp_dir().join(name)
    }
}

/// What both ends hold: the mapping and the ring's size.
pub(super) struct Channel {
    pub(super) region: SharedRegion,
    /// The ring's size in bytes: a multiple of 64, at least
    /// [`MIN_CAPACITY`], and equal to `region.data_len()` (checked when the
    /// channel is made), so every ring offset below it is inside the mapping.
    pub(super) capacity: u64,
    /// The creator removes the file when it is dropped.
    remove_on_drop: Option<PathBuf>,
    /// The role word this end owns.
    role_word: usize,
    /// Set once the peer's process was found dead: later waits end at once.
    peer_dead: AtomicBool,
}

/// The error for a ring that cannot be made this large.
fn too_large() -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "channel capacity too large for this address space",
    ))
}

/// Writes `len` zero bytes at the file's current position: unlike
/// `set_len`, which leaves a hole, this allocates the storage now, so a
/// full file system (`/dev/shm` included) is an error here and not a
/// `SIGBUS` at the first touch of a page of the mapping.
fn allocate(mut file: &File, len: usize) -> std::io::Result<()> {
    use std::io::Write;
    let zeros = vec![0u8; len.min(64 * 1024)];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len());
        file.write_all(&zeros[..n])?;
        left -= n;
    }
    file.flush()
}

impl Channel {
    /// Creates the channel file at `path` for messages of `T` and attaches
    /// as `role_word`.
    ///
    /// # Safety
    ///
    /// The channel contract (see the
    /// [module docs](crate::ipc#mapped-files-that-other-processes-can-change))
    /// while the returned value lives: its `bytes` and `bytes_mut` calls rely
    /// on it.
    pub(super) unsafe fn create<T: Layout + Describe>(
        path: &Path,
        capacity: usize,
        role_word: usize,
    ) -> Result<Self, Error> {
        let capacity = capacity
            .max(MIN_CAPACITY)
            .checked_next_multiple_of(64)
            .ok_or_else(too_large)?;
        // A mapping is at most `isize::MAX` bytes.
        let file_len = capacity
            .checked_add(HEADER_BYTES)
            .filter(|&len| isize::try_from(len).is_ok())
            .ok_or_else(too_large)?;
        // The file is new and not yet at `path` while `atomic_file::replace`
        // lets us fill it: nobody else has it.
        let mut channel = atomic_file::replace(path, |file| {
            allocate(file, file_len)?;
            let region = SharedRegion::new(MmapOptions::new().map_raw(file)?)?;
            if region.data_len() != capacity {
                return Err(Error::ChannelCorrupt {
                    reason: "the new channel file changed size while it was made",
                });
            }
            let channel = Channel {
                region,
                capacity: capacity as u64,
                remove_on_drop: None,
                role_word,
                peer_dead: AtomicBool::new(false),
            };
            channel.init(fingerprint::<T>());
            Ok(channel)
        })?;
        channel.remove_on_drop = Some(path.to_path_buf());
        Ok(channel)
    }

    /// Writes the static header words and this end's role word of a new
    /// channel, magic last (`Release`), so an opener that sees the magic
    /// sees the rest.
    fn init(&self, fingerprint: u64) {
        let region = &self.region;
        region.word(W_VERSION).store(VERSION, Ordering::Relaxed);
        region
            .word(W_CAPACITY)
            .store(self.capacity, Ordering::Relaxed);
        region
            .word(W_FINGERPRINT)
            .store(fingerprint, Ordering::Relaxed);
        region
            .word(self.role_word)
            .store(ATTACHED, Ordering::Relaxed);
        self.publish_pid();
        region.word(W_MAGIC).store(MAGIC, Ordering::Release);
    }

    /// Stores this process's id in this end's pid word, for the peer's
    /// liveness checks.
    fn publish_pid(&self) {
        let word = if self.role_word == W_SENDER {
            W_SENDER_PID
        } else {
            W_RECEIVER_PID
        };
        self.region
            .word(word)
            .store(u64::from(std::process::id()), Ordering::Release);
    }

    fn is_sender(&self) -> bool {
        self.role_word == W_SENDER
    }

    /// Whether the peer was found dead by an earlier liveness check.
    pub(super) fn peer_known_dead(&self) -> bool {
        self.peer_dead.load(Ordering::Relaxed)
    }

    /// Whether the peer's process may still be running: `false` once its
    /// pid word names a process that is gone (see
    /// [`shared::process_alive`]); remembered, so later waits end at once.
    /// A system call or two: waiters call it every [`LIVENESS_CHECK`] of
    /// waiting, never per message.
    ///
    /// [`LIVENESS_CHECK`]: crate::ipc::LIVENESS_CHECK
    pub(super) fn peer_alive(&self) -> bool {
        if self.peer_dead.load(Ordering::Relaxed) {
            return false;
        }
        let word = if self.is_sender() {
            W_RECEIVER_PID
        } else {
            W_SENDER_PID
        };
        let alive = shared::process_alive(self.region.word(word).load(Ordering::Acquire));
        if !alive {
            self.peer_dead.store(true, Ordering::Relaxed);
        }
        alive
    }

    /// This end's doorbell slots: (waiting flag, futex word).
    fn own_bell(&self) -> (usize, usize) {
        if self.is_sender() {
            (B_TX_WAITING, B_TX_BELL)
        } else {
            (B_RX_WAITING, B_RX_BELL)
        }
    }

    /// The value of this end's futex word, read before it announces that it
    /// sleeps (see [`announce_sleep`](Self::announce_sleep)).
    pub(super) fn bell_value(&self) -> u32 {
        self.region.bell(self.own_bell().1).load(Ordering::Acquire)
    }

    /// Sets or clears this end's waiting flag. Setting it is followed by a
    /// `SeqCst` fence, the waiter's half of the handshake in
    /// [`wake_peer`](Self::wake_peer): after it, the waiter polls once more
    /// and then sleeps only if that poll found nothing; the peer stores its
    /// position, fences, and then reads the flag. One of the two sees the
    /// other's store, so a wake-up is never lost.
    pub(super) fn announce_sleep(&self, waiting: bool) {
        self.region
            .bell(self.own_bell().0)
            .store(u32::from(waiting), Ordering::Relaxed);
        if waiting {
            fence(Ordering::SeqCst);
        }
    }

    /// Sleeps on this end's futex word while it still holds `seen`, for at
    /// most `timeout`.
    pub(super) fn sleep(&self, seen: u32, timeout: std::time::Duration) {
        shared::futex_wait(self.region.bell(self.own_bell().1), seen, timeout);
    }

    /// After storing this end's position (or state): wakes the peer if it
    /// announced that it sleeps. The fast path is a fence and a load of a
    /// line the peer writes only when it goes to sleep.
    #[inline]
    pub(super) fn wake_peer(&self) {
        fence(Ordering::SeqCst);
        let (flag, bell) = if self.is_sender() {
            (B_RX_WAITING, B_RX_BELL)
        } else {
            (B_TX_WAITING, B_TX_BELL)
        };
        if self.region.bell(flag).load(Ordering::Relaxed) != 0 {
            self.ring_bell(bell);
        }
    }

    #[cold]
    fn ring_bell(&self, bell: usize) {
        let bell = self.region.bell(bell);
        bell.fetch_add(1, Ordering::Release);
        shared::futex_wake(bell);
    }

    /// Opens the channel file at `path`, checks that it carries messages of
    /// `T`, and attaches as `role_word`.
    ///
    /// # Safety
    ///
    /// As for [`create`](Self::create).
    pub(super) unsafe fn open<T: Layout + Describe>(
        path: &Path,
        role_word: usize,
    ) -> Result<Self, Error> {
        let file: File = OpenOptions::new().read(true).write(true).open(path)?;
        let region = SharedRegion::new(MmapOptions::new().map_raw(&file)?)?;
        if region.word(W_MAGIC).load(Ordering::Acquire) != MAGIC {
            return Err(Error::FileHeader {
                offset: 0,
                reason: "bad magic: not a barewire channel file",
            });
        }
        let version = region.word(W_VERSION).load(Ordering::Relaxed);
        if version != VERSION {
            return Err(Error::UnsupportedVersion {
                found: u32::try_from(version).unwrap_or(u32::MAX),
                supported: VERSION as u32,
            });
        }
        let capacity = region.word(W_CAPACITY).load(Ordering::Relaxed);
        if capacity != region.data_len() as u64
            || capacity % 64 != 0
            || capacity < MIN_CAPACITY as u64
        {
            return Err(Error::ChannelCorrupt {
                reason: "capacity in the header does not match the file",
            });
        }
        let found = region.word(W_FINGERPRINT).load(Ordering::Relaxed);
        let expected = fingerprint::<T>();
        if found != expected {
            return Err(Error::WrongType {
                type_name: core::any::type_name::<T>(),
                expected,
                found,
            });
        }
        match region.word(role_word).compare_exchange(
            ABSENT,
            ATTACHED,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {}
            Err(CLOSED) => return Err(Error::ChannelClosed),
            Err(_) => {
                return Err(Error::ChannelBusy {
                    role: if role_word == W_SENDER {
                        "sender"
                    } else {
                        "receiver"
                    },
                });
            }
        }
        let channel = Channel {
            region,
            capacity,
            remove_on_drop: None,
            role_word,
            peer_dead: AtomicBool::new(false),
        };
        channel.publish_pid();
        Ok(channel)
    }

    /// A channel over an anonymous mapping, private to this process (so
    /// the channel contract holds trivially): for unit tests, which also
    /// run under Miri (it has no file mappings). The test plays the peer
    /// through `region`.
    #[cfg(test)]
    pub(super) fn anonymous(capacity: usize, fingerprint: u64, role_word: usize) -> Channel {
        assert!(capacity % 64 == 0 && capacity >= MIN_CAPACITY);
        let map = MmapOptions::new()
            .len(HEADER_BYTES + capacity)
            .map_anon()
            .unwrap();
        let channel = Channel {
            region: SharedRegion::new(memmap2::MmapRaw::from(map)).unwrap(),
            capacity: capacity as u64,
            remove_on_drop: None,
            role_word,
            peer_dead: AtomicBool::new(false),
        };
        channel.init(fingerprint);
        channel
    }

    /// The largest image one message may hold (see [`ring::max_message`]).
    pub(super) fn max_message(&self) -> u64 {
        ring::max_message(self.capacity)
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.region
            .word(self.role_word)
            .store(CLOSED, Ordering::Release);
        // A peer asleep waits for our position; wake it to see the close.
        fence(Ordering::SeqCst);
        self.ring_bell(if self.is_sender() {
            B_RX_BELL
        } else {
            B_TX_BELL
        });
        if let Some(path) = &self.remove_on_drop {
            let _ = std::fs::remove_file(path);
        }
    }
}
