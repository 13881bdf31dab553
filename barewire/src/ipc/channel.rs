//! The channel file: creating, opening and mapping it, and its header
//! words (magic, version, capacity, fingerprint, and each end's position and
//! state word).

use core::sync::atomic::Ordering;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use memmap2::MmapOptions;

use crate::error::Error;
use crate::fingerprint::fingerprint;
use crate::ipc::ring::{self, MIN_CAPACITY};
use crate::ipc::shared::{HEADER_BYTES, SharedRegion};
use crate::layout::Layout;
use crate::mmap::atomic_file;
use crate::schema::Describe;

/// The first header word of a channel file: `"BAREIPC\0"` little-endian.
const MAGIC: u64 = u64::from_le_bytes(*b"BAREIPC\0");
/// The channel format version this build speaks.
const VERSION: u64 = 1;

/// Header words (index = byte offset / 8).
const W_MAGIC: usize = 0;
const W_VERSION: usize = 1;
const W_CAPACITY: usize = 2;
const W_FINGERPRINT: usize = 3;
/// Second cache line: the sender's words.
pub(super) const W_HEAD: usize = 8;
pub(super) const W_SENDER: usize = 9;
/// Third cache line: the receiver's words.
pub(super) const W_TAIL: usize = 16;
pub(super) const W_RECEIVER: usize = 17;

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
        region.word(W_MAGIC).store(MAGIC, Ordering::Release);
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
        Ok(Channel {
            region,
            capacity,
            remove_on_drop: None,
            role_word,
        })
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
        if let Some(path) = &self.remove_on_drop {
            let _ = std::fs::remove_file(path);
        }
    }
}
