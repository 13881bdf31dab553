//! A single-producer single-consumer channel of layout images between
//! processes, over a shared file mapping (feature `ipc`).
//!
//! One process creates the channel file (in `/dev/shm` where it exists, see
//! [`shm_path`]), the other opens it; each side maps it and they exchange
//! messages through a ring of bytes in it, without a system call per message
//! and without copying on the receiving side: the receiver views each message
//! in place.
//!
//! ```
//! use barewire::ipc::{Receiver, Sender, shm_path};
//!
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Tick { seq: u64, note: String }
//!
//! let path = shm_path(&format!("barewire-doc-{}", std::process::id()));
//! // SAFETY: 1. the file is new and private to this program, which never
//! // truncates it; 2. both ends are barewire's own `Sender` and `Receiver`,
//! // which write the channel only as the protocol allows.
//! let mut rx = unsafe { Receiver::<Tick>::create(&path, 64 * 1024)? }; // usually in one process...
//! // SAFETY: as above.
//! let mut tx = unsafe { Sender::<Tick>::open(&path)? };                 // ...and this in another
//!
//! tx.send(&Tick { seq: 1, note: "hello".into() })?;
//! let message = rx.recv()?;                 // blocks until a message is committed
//! let tick = message.view()?;               // checked, then read in place
//! assert_eq!((tick.seq(), tick.note().as_str()?), (1, "hello"));
//! drop(message);                            // releases its space to the sender
//! assert!(rx.try_recv()?.is_none());        // non-blocking
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Sending in place
//!
//! [`Sender::reserve`] hands out a 64-byte-aligned slice of the ring; the
//! caller writes an image into it and [`Reservation::commit`]s it. For
//! fixed-size types, zero the slice and set fields through
//! [`barewire::view_mut`](crate::view_mut): the message is built where the
//! receiver will read it. [`Sender::send`] writes the image of a value with
//! [`to_layout`](crate::to_layout) and copies it in (one copy).
//!
//! # The ring and the commit protocol
//!
//! The file is a 256-byte header and a ring of `capacity` bytes (a multiple
//! of 64). The header holds, each in its own cache line, the sender's
//! `head` and the receiver's `tail`: byte counts that only grow, written
//! only by their owner, with `Release` stores, and read by the other side
//! with `Acquire` loads. A message is a record at a 64-aligned position:
//! an 8-byte length word, padding to 64, then the image (so the image is
//! 64-aligned), padded to 64. A record that would not fit before the end of
//! the ring is preceded by a wrap marker and placed at the ring's start.
//!
//! The sender writes the whole record, length word included, into space
//! past `head`, which the receiver never reads, and then publishes it with
//! one `Release` store of the new `head`. A sender that crashes before that
//! store has published nothing; one that crashes after it has published a
//! whole record. The receiver sees whole messages or none. It releases a
//! message by storing the new `tail` (`Release`); the sender reuses space
//! only behind a `tail` it has loaded (`Acquire`), so a committed message is
//! never overwritten before it is released.
//!
//! A message may be at most half the ring less 64 bytes
//! ([`Sender::max_message`]), so it always fits once the ring drains,
//! wherever the ring's positions are; a larger one is
//! [`Error::MessageTooLarge`], not a hang. A full ring blocks
//! [`Sender::reserve`] (back-pressure) or makes [`Sender::try_reserve`]
//! return `None`. A waiter spins for about 2 µs, then yields the CPU until
//! about 1 ms has passed, then sleeps in steps of up to 1 ms: a busy channel
//! has microsecond latency, an idle one costs little CPU (but a message that
//! arrives during the sleeps waits up to a millisecond).
//!
//! # Mapped files that other processes can change
//!
//! One policy for every file barewire maps, here and in
//! [`mmap`](crate::mmap#mapped-files-that-other-processes-can-change):
//!
#![doc = include_str!("../mmap/policy.md")]
//!
//! For a channel the promise is the **channel contract**, the `# Safety`
//! section of [`Sender::create`], [`Sender::open`], [`Receiver::create`]
//! and [`Receiver::open`]: while the returned end lives,
//!
//! 1. no process truncates or shrinks the channel file;
//! 2. no process writes the file except the two ends of the channel, and
//!    the peer end follows the protocol: it does not write a published
//!    message (between `tail` and `head`), space it did not reserve, or the
//!    header words other than its own (`head` and the sender's state for a
//!    sender, `tail` and the receiver's state for a receiver), and it writes
//!    header words only as whole, aligned 8-byte atomic stores.
//!
//! barewire's own [`Sender`] and [`Receiver`] follow the protocol, so two
//! programs that use only them, on a file in a directory only they can
//! reach, keep the contract. What it protects: the `&[u8]`, `&str` and
//! views that [`Message`] hands out point into the ring, and so does a
//! [`Reservation`]'s `&mut [u8]`; a peer that rewrote them would change
//! bytes behind a Rust reference.
//!
//! What it does not ask for: sensible values. `head`, `tail`, length words
//! and wrap markers are checked against the capacity and the reader's own
//! position before use, so a peer that stores garbage there (or a stale
//! file) makes the channel report [`Error::ChannelCorrupt`]: never a panic,
//! an access outside the ring, or a wait that [`Receiver::recv_timeout`]
//! does not end. Each message is checked by [`Message::view`] (the
//! structural check of [`barewire::view`](crate::view)) before it is read.
//! [`Message::to_buf`] copies with volatile reads, never through a
//! reference to shared bytes.
//!
//! The creator allocates the whole file when it creates it (it writes
//! every byte), so a full `/dev/shm` is an [`Error::Io`] at creation, not a
//! `SIGBUS` at the first message. A channel file is created with the
//! default permissions of the process (`0o644` less the umask): anyone who
//! can open it can join or disturb the channel. Put it in a directory only
//! the peers can reach.
//!
//! A crashed peer is not detected by itself: a receiver waits for ever on a
//! sender that died without closing. Use [`Receiver::recv_timeout`] where
//! that matters. A dropped [`Sender`] closes the channel: the receiver gets
//! the remaining messages, then [`Error::ChannelClosed`]; a dropped
//! [`Receiver`] makes sending fail with [`Error::ChannelClosed`].

mod shared;

use core::marker::PhantomData;
use core::sync::atomic::Ordering;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use memmap2::MmapOptions;

use self::shared::{HEADER_BYTES, SharedRegion};
use crate::error::Error;
use crate::layout::{FromLayout, Layout, LayoutBuf};
use crate::mmap::fingerprint;
use crate::schema::Describe;

/// The `# Safety` section of the four constructors: the channel contract of
/// the module docs, one text for all of them.
macro_rules! channel_contract {
    () => {
        "# Safety\n\n\
         While the returned end lives (the **channel contract**, see the\n\
         [module docs](self#mapped-files-that-other-processes-can-change)):\n\n\
         1. no process truncates or shrinks the channel file (a mapped page\n\
            past the end of the file raises `SIGBUS`);\n\
         2. no process writes the file except the two ends of this channel,\n\
            and the peer end follows the protocol: it does not write a\n\
            published message, space it did not reserve, or header words\n\
            other than its own, and it writes header words only as whole,\n\
            aligned 8-byte atomic stores.\n\n\
         barewire's [`Sender`] and [`Receiver`] follow the protocol. Values in\n\
         the header and the ring are not trusted either way: garbage there is\n\
         [`Error::ChannelCorrupt`] or a failed check, never undefined\n\
         behaviour. Copying messages out ([`Message::to_buf`]) does not lift\n\
         the contract: the copy reads the mapping too."
    };
}

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
const W_HEAD: usize = 8;
const W_SENDER: usize = 9;
/// Third cache line: the receiver's words.
const W_TAIL: usize = 16;
const W_RECEIVER: usize = 17;

/// States of the role words.
const ABSENT: u64 = 0;
const ATTACHED: u64 = 1;
const CLOSED: u64 = 2;

/// Record header size: the length word, padded so the image is 64-aligned.
const RECORD_HEADER: usize = 64;
/// The length word of a wrap marker.
const WRAP: u64 = u64::MAX;
/// The smallest ring.
const MIN_CAPACITY: usize = 256;

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
struct Channel {
    region: SharedRegion,
    /// The ring's size in bytes: a multiple of 64, at least
    /// [`MIN_CAPACITY`], and equal to `region.data_len()` (checked when the
    /// channel is made), so every ring offset below it is inside the mapping.
    capacity: u64,
    /// The creator removes the file when it is dropped.
    remove_on_drop: Option<PathBuf>,
    /// The role word this end owns.
    role_word: usize,
}

fn round64(n: u64) -> Option<u64> {
    n.checked_next_multiple_of(64)
}

/// A ring offset or length as `usize`. Values checked to be at most the
/// capacity always fit (the ring is mapped); an error rather than a
/// truncating cast all the same.
fn ring_offset(n: u64) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| Error::ChannelCorrupt {
        reason: "ring offset outside the address space",
    })
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
    /// Creates the channel file at `path` and attaches as `role_word`.
    ///
    /// # Safety
    ///
    /// The channel contract (see the module docs) while the returned value
    /// lives: its `bytes` and `bytes_mut` calls rely on it.
    unsafe fn create(
        path: &Path,
        capacity: usize,
        fingerprint: u64,
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
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        let result = (|| {
            allocate(&file, file_len)?;
            let region = SharedRegion::new(MmapOptions::new().map_raw(&file)?)?;
            if region.data_len() != capacity {
                return Err(Error::ChannelCorrupt {
                    reason: "the new channel file changed size while it was made",
                });
            }
            // The file is new and not yet at `path`: nobody else has it.
            let channel = Channel {
                region,
                capacity: capacity as u64,
                remove_on_drop: None,
                role_word,
            };
            channel.init(fingerprint);
            std::fs::rename(&tmp, path)?;
            Ok(channel)
        })();
        match result {
            Ok(mut channel) => {
                channel.remove_on_drop = Some(path.to_path_buf());
                Ok(channel)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
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

    /// Opens the channel file at `path` and attaches as `role_word`.
    ///
    /// # Safety
    ///
    /// As for [`create`](Self::create).
    unsafe fn open(
        path: &Path,
        fingerprint: u64,
        type_name: &'static str,
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
        if found != fingerprint {
            return Err(Error::WrongType {
                type_name,
                expected: fingerprint,
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
    fn anonymous(capacity: usize, fingerprint: u64, role_word: usize) -> Channel {
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

    /// The largest image one message may hold: at most half the ring, so
    /// `RECORD_HEADER + round64(len)` never exceeds the capacity.
    fn max_message(&self) -> u64 {
        self.capacity / 2 - RECORD_HEADER as u64
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

/// Waiting with increasing patience: spin for about 2 µs, yield until
/// about 1 ms, then sleep in steps up to 1 ms.
struct Backoff {
    start: Option<Instant>,
    sleeps: u32,
}

/// How long a waiter spins before it yields, and yields before it sleeps.
const SPIN_FOR: Duration = Duration::from_micros(2);
const YIELD_UNTIL: Duration = Duration::from_millis(1);

impl Backoff {
    fn new() -> Self {
        Backoff {
            start: None,
            sleeps: 0,
        }
    }

    fn snooze(&mut self) {
        let elapsed = self.start.get_or_insert_with(Instant::now).elapsed();
        if elapsed < SPIN_FOR {
            for _ in 0..32 {
                core::hint::spin_loop();
            }
        } else if elapsed < YIELD_UNTIL {
            std::thread::yield_now();
        } else {
            let micros = 50u64 << self.sleeps.min(5);
            std::thread::sleep(Duration::from_micros(micros.min(1000)));
            self.sleeps = self.sleeps.saturating_add(1);
        }
    }
}

/// Where `poll_reserve` found room for a record.
struct Place {
    /// Ring offset of the record (its length word).
    record: usize,
    /// Ring offset of the image.
    image: usize,
    /// Bytes `head` advances by on commit.
    advance: u64,
    /// Where to write a wrap marker, if the record wraps.
    wrap_at: Option<usize>,
}

/// The sending end of a channel of `T` images.
pub struct Sender<T> {
    channel: Channel,
    /// Our `head`: the shared word is only ever a copy of this.
    head: u64,
    _type: PhantomData<fn(&T)>,
}

impl<T> core::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sender")
            .field("capacity", &self.channel.capacity)
            .field("head", &self.head)
            .finish()
    }
}

/// Space reserved in the ring by [`Sender::reserve`]: write the image into
/// [`bytes_mut`](Self::bytes_mut), then [`commit`](Self::commit). Dropping it
/// uncommitted publishes nothing.
pub struct Reservation<'a, T> {
    sender: &'a mut Sender<T>,
    /// Ring offset of the record.
    record: usize,
    /// Ring offset of the image: `record + 64`, with
    /// `image + len <= capacity`.
    image: usize,
    len: usize,
    /// Bytes `head` advances by on commit (the skipped tail of the ring
    /// included).
    advance: u64,
    /// Where to write a wrap marker, if the record wraps.
    wrap_at: Option<usize>,
}

impl<T: Layout + Describe> Sender<T> {
    /// Creates the channel file at `path` with a ring of `capacity` bytes
    /// (rounded up to a multiple of 64, at least 256), replacing any file
    /// there, and attaches as its sender. The file is removed when this
    /// sender is dropped (a receiver that has opened it keeps its mapping).
    ///
    /// Errors: [`Error::Io`] (including a capacity too large for the file
    /// system or the address space, and a full `/dev/shm`).
    ///
    #[doc = channel_contract!()]
    pub unsafe fn create(path: impl AsRef<Path>, capacity: usize) -> Result<Self, Error> {
        // SAFETY: `Channel::create`'s contract is the channel contract,
        // which our caller promises (this function's `# Safety`).
        let channel =
            unsafe { Channel::create(path.as_ref(), capacity, fingerprint::<T>(), W_SENDER) }?;
        Ok(Self::attach(channel))
    }

    /// Opens the channel file a receiver created at `path` and attaches as
    /// its sender. Errors: [`Error::WrongType`] if the receiver expects
    /// another type, [`Error::ChannelBusy`] if it has a sender already,
    /// [`Error::ChannelClosed`] if the channel had a sender that has gone,
    /// [`Error::FileHeader`], [`Error::UnsupportedVersion`] or
    /// [`Error::ChannelCorrupt`] if it is not a channel file this build can
    /// use.
    ///
    #[doc = channel_contract!()]
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        // SAFETY: `Channel::open`'s contract is the channel contract, which
        // our caller promises (this function's `# Safety`).
        let channel = unsafe {
            Channel::open(
                path.as_ref(),
                fingerprint::<T>(),
                core::any::type_name::<T>(),
                W_SENDER,
            )
        }?;
        Ok(Self::attach(channel))
    }

    fn attach(channel: Channel) -> Self {
        let head = channel.region.word(W_HEAD).load(Ordering::Acquire);
        Sender {
            channel,
            head,
            _type: PhantomData,
        }
    }

    /// The size of the ring in bytes.
    pub fn capacity(&self) -> usize {
        self.channel.capacity as usize
    }

    /// The largest image one message may hold: half the ring less 64 bytes.
    pub fn max_message(&self) -> usize {
        self.channel.max_message() as usize
    }

    /// Where a record of `len` image bytes can go now, if anywhere.
    fn poll_reserve(&mut self, len: usize) -> Result<Option<Place>, Error> {
        let max = self.channel.max_message();
        if len as u64 > max {
            return Err(Error::MessageTooLarge {
                size: len as u64,
                max,
            });
        }
        let region = &self.channel.region;
        if region.word(W_RECEIVER).load(Ordering::Acquire) == CLOSED {
            return Err(Error::ChannelClosed);
        }
        let capacity = self.channel.capacity;
        // `len <= max <= capacity / 2 - 64`, so neither step fails; checked
        // all the same, as every size on the way to `bytes_mut`.
        let record = round64(len as u64)
            .and_then(|n| n.checked_add(RECORD_HEADER as u64))
            .ok_or(Error::MessageTooLarge {
                size: len as u64,
                max,
            })?;
        // The receiver's word: anything a peer stored. Positions are
        // free-running counters that wrap, so `head - tail` is the data in
        // flight; it must be at most the capacity.
        let tail = region.word(W_TAIL).load(Ordering::Acquire);
        let used = self.head.wrapping_sub(tail);
        if used > capacity {
            return Err(Error::ChannelCorrupt {
                reason: "the receiver's position is ahead of the sender's or too far behind",
            });
        }
        if self.head % RECORD_HEADER as u64 != 0 {
            // Records start on 64-byte boundaries: a `head` elsewhere (the
            // shared word is read at attach) would put a wrap marker past
            // the ring.
            return Err(Error::ChannelCorrupt {
                reason: "the sender's position is not at a record boundary",
            });
        }
        // `used <= capacity` (checked above); `offset < capacity` and a
        // multiple of 64 (`head` and `capacity` are), so `contiguous >= 64`.
        let free = capacity - used;
        let offset = self.head % capacity;
        let contiguous = capacity - offset;
        // Ring offsets below `capacity` fit `usize`: the ring is mapped.
        let at = ring_offset(offset)?;
        let (record_at, advance, wrap_at) = if record <= contiguous {
            (at, record, None)
        } else {
            // The record goes to the ring's start; the rest of the ring is
            // skipped behind a wrap marker at `at`. `record <= capacity / 2`
            // and `contiguous <= capacity`, so the sum does not overflow.
            let Some(advance) = contiguous.checked_add(record) else {
                return Ok(None);
            };
            (0, advance, Some(at))
        };
        if free < advance {
            return Ok(None);
        }
        // `record_at + record <= capacity`, so the image is in the ring.
        let image = record_at
            .checked_add(RECORD_HEADER)
            .ok_or(Error::ChannelCorrupt {
                reason: "ring offset outside the address space",
            })?;
        Ok(Some(Place {
            record: record_at,
            image,
            advance,
            wrap_at,
        }))
    }

    fn reservation(&mut self, len: usize, place: Place) -> Reservation<'_, T> {
        Reservation {
            sender: self,
            record: place.record,
            image: place.image,
            len,
            advance: place.advance,
            wrap_at: place.wrap_at,
        }
    }

    /// Reserves room for an image of `len` bytes, or returns `None` at once
    /// if the ring is too full now.
    pub fn try_reserve(&mut self, len: usize) -> Result<Option<Reservation<'_, T>>, Error> {
        match self.poll_reserve(len)? {
            Some(place) => Ok(Some(self.reservation(len, place))),
            None => Ok(None),
        }
    }

    /// Reserves room for an image of `len` bytes, waiting while the ring is
    /// full (back-pressure). [`Error::MessageTooLarge`] if it can never fit,
    /// [`Error::ChannelClosed`] if the receiver is gone.
    pub fn reserve(&mut self, len: usize) -> Result<Reservation<'_, T>, Error> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(place) = self.poll_reserve(len)? {
                return Ok(self.reservation(len, place));
            }
            backoff.snooze();
        }
    }

    /// Like [`reserve`](Self::reserve), giving up with `None` after
    /// `timeout`.
    pub fn reserve_timeout(
        &mut self,
        len: usize,
        timeout: Duration,
    ) -> Result<Option<Reservation<'_, T>>, Error> {
        // A timeout too long for `Instant` (`Duration::MAX`) waits for ever.
        let deadline = Instant::now().checked_add(timeout);
        let mut backoff = Backoff::new();
        loop {
            if let Some(place) = self.poll_reserve(len)? {
                return Ok(Some(self.reservation(len, place)));
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Ok(None);
            }
            backoff.snooze();
        }
    }

    /// Sends a copy of `image`, which should be an image of a `T` (the
    /// receiver checks it either way), waiting while the ring is full.
    pub fn send_image(&mut self, image: &[u8]) -> Result<(), Error> {
        let mut reservation = self.reserve(image.len())?;
        reservation.bytes_mut().copy_from_slice(image);
        reservation.commit();
        Ok(())
    }

    /// Sends a copy of `image` if there is room now; `false` if not.
    pub fn try_send_image(&mut self, image: &[u8]) -> Result<bool, Error> {
        match self.try_reserve(image.len())? {
            Some(mut reservation) => {
                reservation.bytes_mut().copy_from_slice(image);
                reservation.commit();
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Sends the image of `value` ([`to_layout`](crate::to_layout)), waiting
    /// while the ring is full.
    pub fn send(&mut self, value: &T) -> Result<(), Error> {
        self.send_image(&crate::layout::to_layout(value))
    }
}

impl<T> core::fmt::Debug for Reservation<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reservation")
            .field("len", &self.len)
            .finish()
    }
}

impl<T> Reservation<'_, T> {
    /// The reserved bytes, 64-byte aligned, `len` long. Their contents are
    /// whatever an earlier message left: zero them first if you build an
    /// image field by field.
    ///
    /// These bytes are in the shared mapping; the channel contract (the
    /// `# Safety` of the constructor that made this sender) is what keeps
    /// the receiver from writing them while they are borrowed.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let region = &self.sender.channel.region;
        // SAFETY: `SharedRegion::bytes_mut`'s contract, for the returned
        // borrow of `self`:
        // 1. no other reference to these bytes in this process: the only
        //    code that makes references into the ring is this method,
        //    `commit` and `Message::bytes`. This reservation holds the only
        //    `&mut` to its sender, so no other reservation of this channel
        //    exists here, and `commit` consumes it. The bytes lie in free
        //    space past `head`; a `Message` covers only committed bytes,
        //    below a `head` that this sender stored (`Receiver::poll`
        //    checks it; this end is the channel's only sender, its role
        //    word taken by compare-and-swap, and the `head` word is ours by
        //    the channel contract);
        // 2. the peer does not read or write these bytes while the borrow
        //    lives: they are space this end reserved and has not
        //    published, which a peer that follows the protocol never
        //    touches: the channel contract, promised by the caller of
        //    `Sender::create` / `Sender::open`.
        // Bounds are checked by the callee.
        unsafe { region.bytes_mut(self.image, self.len) }
    }

    /// The reserved length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the reservation is for an empty image.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Publishes the message: writes its length word (and a wrap marker if
    /// it wrapped), then stores the new `head` with `Release` ordering, so
    /// the receiver sees all of it or nothing.
    pub fn commit(self) {
        let sender = self.sender;
        let region = &sender.channel.region;
        // SAFETY: as in `bytes_mut`: 1. the record's first 8 bytes are
        // inside this reservation's unpublished space, and the `&mut` that
        // `bytes_mut` returned (the image, from `record + 64`) is disjoint
        // and dead (`self` is consumed); 2. the peer does not touch
        // unpublished space (the channel contract). The temporary slice
        // lives for this statement only.
        unsafe { region.bytes_mut(self.record, 8) }
            .copy_from_slice(&(self.len as u64).to_le_bytes());
        if let Some(at) = self.wrap_at {
            // SAFETY: 1. the skipped space from `at` to the ring's end is
            // part of this reservation (`advance` covers it), so it is
            // unpublished and no reference of this process covers it (the
            // record is at 0, below `at`); 2. the peer does not touch it
            // (the channel contract). `at` is 64-aligned and below the
            // capacity, so 8 bytes fit; the callee checks it anyway.
            unsafe { region.bytes_mut(at, 8) }.copy_from_slice(&WRAP.to_le_bytes());
        }
        sender.head = sender.head.wrapping_add(self.advance);
        region.word(W_HEAD).store(sender.head, Ordering::Release);
    }
}

/// The receiving end of a channel of `T` images.
pub struct Receiver<T> {
    channel: Channel,
    /// Our `tail`: the shared word is only ever a copy of this.
    tail: u64,
    _type: PhantomData<fn() -> T>,
}

impl<T> core::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Receiver")
            .field("capacity", &self.channel.capacity)
            .field("tail", &self.tail)
            .finish()
    }
}

/// A received message, in place in the ring until dropped; dropping it
/// releases its space to the sender.
pub struct Message<'a, T> {
    receiver: &'a mut Receiver<T>,
    /// Ring offset of the image.
    at: usize,
    len: usize,
    /// The receiver's position after this message.
    next: u64,
}

impl<T: Layout + Describe> Receiver<T> {
    /// Creates the channel file at `path` with a ring of `capacity` bytes
    /// (rounded up to a multiple of 64, at least 256), replacing any file
    /// there, and attaches as its receiver. The file is removed when this
    /// receiver is dropped (a sender that has opened it keeps its mapping).
    ///
    /// Errors: [`Error::Io`] (including a capacity too large for the file
    /// system or the address space, and a full `/dev/shm`).
    ///
    #[doc = channel_contract!()]
    pub unsafe fn create(path: impl AsRef<Path>, capacity: usize) -> Result<Self, Error> {
        // SAFETY: `Channel::create`'s contract is the channel contract,
        // which our caller promises (this function's `# Safety`).
        let channel =
            unsafe { Channel::create(path.as_ref(), capacity, fingerprint::<T>(), W_RECEIVER) }?;
        Ok(Self::attach(channel))
    }

    /// Opens the channel file a sender created at `path` and attaches as
    /// its receiver. Errors: [`Error::WrongType`] if the sender sends
    /// another type, [`Error::ChannelBusy`] if it has a receiver already,
    /// [`Error::ChannelClosed`] if the channel had a receiver that has gone,
    /// [`Error::FileHeader`], [`Error::UnsupportedVersion`] or
    /// [`Error::ChannelCorrupt`] if it is not a channel file this build can
    /// use.
    ///
    #[doc = channel_contract!()]
    pub unsafe fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        // SAFETY: `Channel::open`'s contract is the channel contract, which
        // our caller promises (this function's `# Safety`).
        let channel = unsafe {
            Channel::open(
                path.as_ref(),
                fingerprint::<T>(),
                core::any::type_name::<T>(),
                W_RECEIVER,
            )
        }?;
        Ok(Self::attach(channel))
    }

    fn attach(channel: Channel) -> Self {
        let tail = channel.region.word(W_TAIL).load(Ordering::Acquire);
        Receiver {
            channel,
            tail,
            _type: PhantomData,
        }
    }

    /// The size of the ring in bytes.
    pub fn capacity(&self) -> usize {
        self.channel.capacity as usize
    }

    /// The next committed message's `(image offset, length, next position)`,
    /// checked against the capacity and the committed range.
    fn poll(&mut self) -> Result<Option<(usize, usize, u64)>, Error> {
        let region = &self.channel.region;
        let capacity = self.channel.capacity;
        let mut head = region.word(W_HEAD).load(Ordering::Acquire);
        if head == self.tail {
            if region.word(W_SENDER).load(Ordering::Acquire) != CLOSED {
                return Ok(None);
            }
            // The sender's last `head` store came before its close: look
            // again, then the channel is drained.
            head = region.word(W_HEAD).load(Ordering::Acquire);
            if head == self.tail {
                return Err(Error::ChannelClosed);
            }
        }
        // From here on every value that came from shared memory (`head`,
        // the length word, our `tail` as loaded at attach) is checked before
        // it is used as an offset or a length.
        let corrupt = |reason| Err(Error::ChannelCorrupt { reason });
        // Positions are free-running counters that wrap: `head - tail` is
        // the committed data, at most the capacity.
        let used = head.wrapping_sub(self.tail);
        if used > capacity {
            return corrupt(
                "the sender's position is behind the receiver's or more than the capacity ahead",
            );
        }
        // Records start on 64-byte boundaries; a `tail` elsewhere (the shared
        // word is read at attach) would put the length word past the ring.
        if self.tail % RECORD_HEADER as u64 != 0 {
            return corrupt("the receiver's position is not at a record boundary");
        }
        // `offset < capacity` and a multiple of 64 (so are `tail` and
        // `capacity`): the 8-byte length word at `offset` is inside the ring.
        let mut position = self.tail;
        let mut offset = position % capacity;
        let mut len = region.read_u64(ring_offset(offset)?);
        if len == WRAP {
            // The rest of the ring is skipped; the record is at its start.
            let skip = capacity - offset;
            let needed = skip.checked_add(RECORD_HEADER as u64);
            if needed.is_none_or(|needed| used < needed) {
                return corrupt("wrap marker without a committed record after it");
            }
            position = position.wrapping_add(skip);
            offset = 0;
            len = region.read_u64(0);
        }
        if len > self.channel.max_message() {
            return corrupt("message length word exceeds the largest message");
        }
        // `len <= capacity / 2 - 64`: no step below overflows; checked
        // anyway, as every size on the way to `bytes`.
        let Some(record) = round64(len).and_then(|n| n.checked_add(RECORD_HEADER as u64)) else {
            return corrupt("message length word exceeds the largest message");
        };
        let committed = head.wrapping_sub(position);
        let end = offset.checked_add(record);
        if record > committed || end.is_none_or(|end| end > capacity) {
            return corrupt("message runs past the committed data or the ring's end");
        }
        // `offset + 64 + len <= offset + record <= capacity`: the image is
        // inside the ring, and below `head`: committed.
        let at = ring_offset(offset)?
            .checked_add(RECORD_HEADER)
            .ok_or(Error::ChannelCorrupt {
                reason: "ring offset outside the address space",
            })?;
        Ok(Some((at, ring_offset(len)?, position.wrapping_add(record))))
    }

    fn message(&mut self, found: (usize, usize, u64)) -> Message<'_, T> {
        let (at, len, next) = found;
        Message {
            receiver: self,
            at,
            len,
            next,
        }
    }

    /// The next message if one is committed, `None` if none is (without
    /// waiting); [`Error::ChannelClosed`] once the sender is gone and every
    /// message was received.
    pub fn try_recv(&mut self) -> Result<Option<Message<'_, T>>, Error> {
        match self.poll()? {
            Some(found) => Ok(Some(self.message(found))),
            None => Ok(None),
        }
    }

    /// The next message, waiting for one.
    pub fn recv(&mut self) -> Result<Message<'_, T>, Error> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(found) = self.poll()? {
                return Ok(self.message(found));
            }
            backoff.snooze();
        }
    }

    /// The next message, waiting at most `timeout` (`None` then).
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Option<Message<'_, T>>, Error> {
        // A timeout too long for `Instant` (`Duration::MAX`) waits for ever.
        // Each `poll` is O(1) whatever the shared words hold, so the wait
        // ends at the deadline (give or take one backoff sleep, <= 1 ms).
        let deadline = Instant::now().checked_add(timeout);
        let mut backoff = Backoff::new();
        loop {
            if let Some(found) = self.poll()? {
                return Ok(Some(self.message(found)));
            }
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Ok(None);
            }
            backoff.snooze();
        }
    }
}

impl<T: Layout> Message<'_, T> {
    /// The image's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the image is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The image bytes in the ring, 64-byte aligned, unchecked.
    ///
    /// They stay as they are while borrowed because the peer follows the
    /// protocol: that is the channel contract, promised when this receiver
    /// was made (see the [module docs](self#mapped-files-that-other-processes-can-change)).
    /// [`to_buf`](Self::to_buf) copies them out for keeping.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `SharedRegion::bytes`' contract, for the returned borrow
        // of `self`:
        // 1. no `&mut` to these bytes in this process: the only `&mut`s
        //    into the ring are a `Reservation`'s, in space past the
        //    sender's `head`; this message is committed (below `head`, as
        //    `Receiver::poll` checked) and not released (our `tail` moves
        //    past it only when this message drops, which the borrow of
        //    `self` prevents), and a sender reuses space only behind a
        //    released `tail`. That sender is the only one of this channel
        //    (its role word is taken by compare-and-swap);
        // 2. the peer does not write these bytes while they are borrowed:
        //    they are a published, unreleased message, which a peer that
        //    follows the protocol never writes: the channel contract,
        //    promised by the caller of `Receiver::create` /
        //    `Receiver::open`.
        // Bounds (`at + len` inside the ring) are checked by the callee.
        unsafe { self.receiver.channel.region.bytes(self.at, self.len) }
    }

    /// Checks the message (see [`barewire::view`](crate::view)) and views
    /// it in place.
    pub fn view(&self) -> Result<T::View<'_>, Error> {
        crate::layout::view::<T>(self.bytes())
    }

    /// A private copy of the image, read with volatile reads and never
    /// through a reference to shared memory: the way to keep a message
    /// after releasing it, and a copy that nothing the peer does later can
    /// change. It does not lift the channel contract (a truncated file
    /// raises `SIGBUS` during the copy too); see the
    /// [module docs](self#mapped-files-that-other-processes-can-change).
    pub fn to_buf(&self) -> LayoutBuf {
        let mut buf = LayoutBuf::zeroed(self.len);
        self.receiver.channel.region.copy_out(self.at, &mut buf);
        buf
    }

    /// Copies the image out ([`to_buf`](Self::to_buf)), checks it (UTF-8
    /// included) and rebuilds the value.
    pub fn to_owned(&self) -> Result<T, Error>
    where
        T: for<'b> FromLayout<'b>,
    {
        crate::layout::to_owned::<T>(&self.to_buf())
    }
}

impl<T> Drop for Message<'_, T> {
    fn drop(&mut self) {
        let receiver = &mut *self.receiver;
        receiver.tail = self.next;
        receiver
            .channel
            .region
            .word(W_TAIL)
            .store(self.next, Ordering::Release);
    }
}

impl<T> core::fmt::Debug for Message<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message").field("len", &self.len).finish()
    }
}

#[cfg(test)]
mod tests {
    //! The protocol's checks against a peer that stores anything in the
    //! shared words, on an anonymous mapping (so these run under Miri). The
    //! test plays the peer through the region.

    use super::*;

    const CAP: usize = 512;

    fn receiver() -> Receiver<u64> {
        Receiver::attach(Channel::anonymous(CAP, fingerprint::<u64>(), W_RECEIVER))
    }

    fn sender() -> Sender<u64> {
        Sender::attach(Channel::anonymous(CAP, fingerprint::<u64>(), W_SENDER))
    }

    /// Writes `value` at ring offset `at`, as the peer.
    fn put(region: &SharedRegion, at: usize, value: u64) {
        // SAFETY: 1. no reference into the ring exists in this process (no
        // message or reservation is alive when the tests call this); 2. the
        // mapping is anonymous: no other process has it.
        unsafe { region.bytes_mut(at, 8) }.copy_from_slice(&value.to_le_bytes());
    }

    /// Positions a peer might store: aligned and not, near the ring's size,
    /// near the ends of `u64`.
    const POSITIONS: [u64; 14] = [
        0,
        1,
        8,
        63,
        64,
        192,
        448,
        511,
        512,
        576,
        1 << 40,
        1 << 63,
        u64::MAX - 63,
        u64::MAX,
    ];

    /// Length words: small, at the record and message bounds, the wrap
    /// marker and values next to it.
    const LENGTHS: [u64; 10] = [0, 1, 64, 65, 191, 192, 193, 256, WRAP - 1, WRAP];

    #[test]
    fn garbage_positions_and_lengths_are_errors_or_messages_inside_the_ring() {
        let mut rx = receiver();
        let max = rx.channel.max_message();
        let (mut messages, mut errors) = (0, 0);
        for &tail in &POSITIONS {
            for &head in &POSITIONS {
                for &len in &LENGTHS {
                    // The length word where the receiver looks, and at the
                    // ring's start (where a wrap marker sends it).
                    let region = &rx.channel.region;
                    put(region, (tail % CAP as u64 / 64 * 64) as usize, len);
                    put(region, 0, len.min(192));
                    region.word(W_HEAD).store(head, Ordering::Release);
                    rx.tail = tail;
                    match rx.try_recv() {
                        Ok(Some(message)) => {
                            messages += 1;
                            assert!(message.len() as u64 <= max);
                            let end = message.at + message.len;
                            assert!(end <= CAP, "message past the ring");
                            assert_eq!(message.bytes().len(), message.len());
                            assert_eq!(message.bytes(), &message.to_buf()[..]);
                        }
                        Ok(None) => assert_eq!(head, tail),
                        Err(Error::ChannelCorrupt { .. }) => errors += 1,
                        Err(e) => panic!("unexpected error {e}"),
                    }
                }
            }
        }
        // Both outcomes occur: the values reach past the first checks.
        assert!(messages > 0 && errors > 0, "{messages} {errors}");
    }

    #[test]
    fn a_closed_sender_with_garbage_head_is_an_error_not_a_hang() {
        let mut rx = receiver();
        let region = &rx.channel.region;
        region.word(W_SENDER).store(CLOSED, Ordering::Release);
        region.word(W_HEAD).store(12345, Ordering::Release);
        assert!(matches!(
            rx.recv_timeout(Duration::from_millis(5)),
            Err(Error::ChannelCorrupt { .. })
        ));
        // A sender state word that is no state: treated as attached.
        let region = &rx.channel.region;
        region.word(W_SENDER).store(u64::MAX, Ordering::Release);
        region.word(W_HEAD).store(rx.tail, Ordering::Release);
        assert!(rx.recv_timeout(Duration::from_millis(5)).unwrap().is_none());
    }

    #[test]
    fn timeouts_too_long_for_an_instant_do_not_panic() {
        let mut rx = receiver();
        let region = &rx.channel.region;
        put(region, 0, 8);
        region.word(W_HEAD).store(128, Ordering::Release);
        let message = rx.recv_timeout(Duration::MAX).unwrap().unwrap();
        assert_eq!(message.len(), 8);
        drop(message);

        let mut tx = sender();
        let reservation = tx.reserve_timeout(8, Duration::MAX).unwrap().unwrap();
        reservation.commit();
        assert_eq!(tx.head, 128);
    }

    #[test]
    fn garbage_receiver_positions_are_errors_or_room_inside_the_ring() {
        let mut tx = sender();
        let max = tx.max_message();
        let (mut reserved, mut errors) = (0, 0);
        for &head in &POSITIONS {
            for &tail in &POSITIONS {
                for len in [0, 1, 64, max] {
                    tx.head = head;
                    let region = &tx.channel.region;
                    region.word(W_TAIL).store(tail, Ordering::Release);
                    match tx.try_reserve(len) {
                        Ok(Some(mut reservation)) => {
                            reserved += 1;
                            assert!(reservation.image + len <= CAP);
                            assert_eq!(reservation.image % 64, 0);
                            assert!(reservation.advance <= CAP as u64);
                            if let Some(at) = reservation.wrap_at {
                                assert!(at + 8 <= CAP);
                            }
                            reservation.bytes_mut().fill(0x5a);
                            reservation.commit();
                        }
                        Ok(None) => {}
                        Err(Error::ChannelCorrupt { .. }) => errors += 1,
                        Err(e) => panic!("unexpected error {e}"),
                    }
                }
            }
        }
        assert!(reserved > 0 && errors > 0, "{reserved} {errors}");
        // Too large is its own error, whatever the positions.
        assert!(matches!(
            tx.try_reserve(max + 1),
            Err(Error::MessageTooLarge { .. })
        ));
        // A receiver that has gone.
        let region = &tx.channel.region;
        region.word(W_RECEIVER).store(CLOSED, Ordering::Release);
        assert!(matches!(tx.try_reserve(8), Err(Error::ChannelClosed)));
    }

    #[test]
    fn a_record_written_by_the_peer_is_received_and_released() {
        let mut rx = receiver();
        let image = crate::layout::to_layout(&0x0102_0304_0506_0708u64);
        let region = &rx.channel.region;
        put(region, 0, image.len() as u64);
        put(
            region,
            64,
            u64::from_le_bytes(image[..8].try_into().unwrap()),
        );
        region.word(W_HEAD).store(128, Ordering::Release);
        {
            let message = rx.try_recv().unwrap().unwrap();
            assert_eq!(message.view().unwrap(), 0x0102_0304_0506_0708);
            assert_eq!(message.to_owned().unwrap(), 0x0102_0304_0506_0708);
        }
        assert_eq!(rx.channel.region.word(W_TAIL).load(Ordering::Acquire), 128);
        assert!(rx.try_recv().unwrap().is_none());
    }
}
