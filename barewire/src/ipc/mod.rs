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
//! let mut rx = Receiver::<Tick>::create(&path, 64 * 1024)?; // usually in one process...
//! let mut tx = Sender::<Tick>::open(&path)?;                 // ...and this in another
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
//! one `Release` store of the new `head`. A sender that crashes before that store has published
//! nothing; one that crashes after it has published a whole record. The
//! receiver sees whole messages or none. It releases a message by storing
//! the new `tail` (`Release`); the sender reuses space only behind a `tail`
//! it has loaded (`Acquire`), so a committed message is never overwritten
//! before it is released.
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
//! # Trust model
//!
//! What the receiver relies on, and what a buggy or hostile peer can do:
//!
//! - **Nothing in shared memory is trusted.** `head`, length words and wrap
//!   markers are checked against the capacity and the receiver's own
//!   position before use (a bad one is [`Error::ChannelCorrupt`]); each
//!   message image is checked by [`Message::view`] (the structural check of
//!   [`barewire::view`](crate::view)) after the commit became visible. A
//!   malformed message is an error, never undefined behaviour.
//! - **What remains possible:** a peer that breaks the protocol can rewrite
//!   a message's bytes *after* the receiver checked it. Views read through
//!   safe, bounds-checked indexing (barewire's views contain no unchecked
//!   pointer reads), so the outcome is wrong values, an error, or an
//!   index-out-of-bounds panic, not a read outside the mapping; but a
//!   `&[u8]` whose bytes change is outside Rust's rules all the same.
//! - **What the API does about it:** for a peer you do not trust, call
//!   [`Message::to_buf`] (or [`Message::to_owned`]): it copies the message
//!   out with volatile reads, never holding a reference to shared bytes,
//!   into a private [`LayoutBuf`] that is then checked and cannot change.
//!   That costs one copy and is defined whatever the peer does.
//! - The sender trusts only the receiver's `tail`, which it checks is
//!   between its own `tail` bound and `head`; a hostile receiver can stall
//!   it or make it fail, and can read what it is sent, nothing more.
//! - A channel file is created with the default permissions of the
//!   process (`0o644` less the umask); anyone who can open it can join or
//!   disturb the channel. Put it in a directory only the peers can reach.
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
use crate::Error;
use crate::layout::{FromLayout, Layout, LayoutBuf};
use crate::mmap::fingerprint;
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
    capacity: u64,
    /// The creator removes the file when it is dropped.
    remove_on_drop: Option<PathBuf>,
    /// The role word this end owns.
    role_word: usize,
}

fn round64(n: u64) -> Option<u64> {
    n.checked_next_multiple_of(64)
}

impl Channel {
    fn create(
        path: &Path,
        capacity: usize,
        fingerprint: u64,
        role_word: usize,
    ) -> Result<Self, Error> {
        let capacity = capacity
            .max(MIN_CAPACITY)
            .checked_next_multiple_of(64)
            .ok_or(Error::MessageTooLarge {
                size: capacity as u64,
                max: u64::MAX,
            })?;
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
            file.set_len((HEADER_BYTES + capacity) as u64)?;
            let region = SharedRegion::new(MmapOptions::new().map_raw(&file)?)?;
            // The file is new and not yet at `path`: nobody else has it.
            region.word(W_VERSION).store(VERSION, Ordering::Relaxed);
            region
                .word(W_CAPACITY)
                .store(capacity as u64, Ordering::Relaxed);
            region
                .word(W_FINGERPRINT)
                .store(fingerprint, Ordering::Relaxed);
            region.word(role_word).store(ATTACHED, Ordering::Relaxed);
            region.word(W_MAGIC).store(MAGIC, Ordering::Release);
            std::fs::rename(&tmp, path)?;
            Ok(Channel {
                region,
                capacity: capacity as u64,
                remove_on_drop: Some(path.to_path_buf()),
                role_word,
            })
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn open(
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

    /// The largest image one message may hold.
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
            self.sleeps += 1;
        }
    }
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
    pub fn create(path: impl AsRef<Path>, capacity: usize) -> Result<Self, Error> {
        let channel = Channel::create(path.as_ref(), capacity, fingerprint::<T>(), W_SENDER)?;
        Ok(Self::attach(channel))
    }

    /// Opens the channel file a receiver created at `path` and attaches as
    /// its sender. Errors: [`Error::WrongType`] if the receiver expects
    /// another type, [`Error::ChannelBusy`] if it has a sender already.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let channel = Channel::open(
            path.as_ref(),
            fingerprint::<T>(),
            core::any::type_name::<T>(),
            W_SENDER,
        )?;
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
    fn poll_reserve(&mut self, len: usize) -> Result<Option<(usize, u64, Option<usize>)>, Error> {
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
        let record = RECORD_HEADER as u64 + round64(len as u64).unwrap_or(u64::MAX);
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
        let free = capacity - used;
        let offset = self.head % capacity;
        let contiguous = capacity - offset;
        if record <= contiguous {
            Ok((free >= record).then_some((offset as usize, record, None)))
        } else {
            Ok((free >= contiguous + record).then_some((
                0,
                contiguous + record,
                Some(offset as usize),
            )))
        }
    }

    fn reservation(
        &mut self,
        len: usize,
        place: (usize, u64, Option<usize>),
    ) -> Reservation<'_, T> {
        let (record, advance, wrap_at) = place;
        Reservation {
            sender: self,
            record,
            len,
            advance,
            wrap_at,
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
        let deadline = Instant::now() + timeout;
        let mut backoff = Backoff::new();
        loop {
            if let Some(place) = self.poll_reserve(len)? {
                return Ok(Some(self.reservation(len, place)));
            }
            if Instant::now() >= deadline {
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
        self.send_image(&crate::to_layout(value))
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
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let region = &self.sender.channel.region;
        // SAFETY: `bytes_mut`'s contract: (1) no other reference to these
        // bytes in this process: the reservation holds the only `&mut` to
        // the sender, and the ring range it covers lies past `head`, which
        // no receiver view covers (`poll_reserve` checked the room is free
        // behind the loaded `tail`); (2) the receiver does not read or write
        // space past `head` (the protocol). Bounds are checked by the callee.
        unsafe { region.bytes_mut(self.record + RECORD_HEADER, self.len) }
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
        // SAFETY: as in `bytes_mut`: the record's first 8 bytes are inside
        // this reservation's free space, not yet published.
        unsafe { region.bytes_mut(self.record, 8) }
            .copy_from_slice(&(self.len as u64).to_le_bytes());
        if let Some(at) = self.wrap_at {
            // SAFETY: the skipped space from `at` to the ring's end is part
            // of this reservation (`advance` covers it), so it is free and
            // ours; `at` is 64-aligned and below the capacity, so 8 bytes fit.
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
    pub fn create(path: impl AsRef<Path>, capacity: usize) -> Result<Self, Error> {
        let channel = Channel::create(path.as_ref(), capacity, fingerprint::<T>(), W_RECEIVER)?;
        Ok(Self::attach(channel))
    }

    /// Opens the channel file a sender created at `path` and attaches as
    /// its receiver. Errors: [`Error::WrongType`] if the sender sends
    /// another type, [`Error::ChannelBusy`] if it has a receiver already.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let channel = Channel::open(
            path.as_ref(),
            fingerprint::<T>(),
            core::any::type_name::<T>(),
            W_RECEIVER,
        )?;
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
        let corrupt = |reason| Err(Error::ChannelCorrupt { reason });
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
        let mut position = self.tail;
        let mut offset = (position % capacity) as usize;
        let mut len = region.read_u64(offset);
        if len == WRAP {
            let skip = capacity - offset as u64;
            if used < skip + RECORD_HEADER as u64 {
                return corrupt("wrap marker without a committed record after it");
            }
            // Positions are free-running counters that wrap, like `head`.
            position = position.wrapping_add(skip);
            offset = 0;
            len = region.read_u64(0);
        }
        if len > self.channel.max_message() {
            return corrupt("message length word exceeds the largest message");
        }
        let record = RECORD_HEADER as u64 + round64(len).unwrap_or(u64::MAX);
        if record > head.wrapping_sub(position) || offset as u64 + record > capacity {
            return corrupt("message runs past the committed data or the ring's end");
        }
        Ok(Some((
            offset + RECORD_HEADER,
            len as usize,
            position.wrapping_add(record),
        )))
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
        let deadline = Instant::now() + timeout;
        let mut backoff = Backoff::new();
        loop {
            if let Some(found) = self.poll()? {
                return Ok(Some(self.message(found)));
            }
            if Instant::now() >= deadline {
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

    /// The image bytes in the ring, 64-byte aligned. See the trust model in
    /// the [module docs](self): if the peer breaks the protocol these bytes
    /// may change while borrowed; use [`to_buf`](Self::to_buf) for a peer
    /// you do not trust.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `bytes`' contract: (1) no `&mut` to these bytes in this
        // process: the only writer is a `Sender`, whose reservations lie
        // past `head`, while this message is behind `head` and before the
        // receiver's released `tail` (the sender cannot reuse it until the
        // drop of this message stores the new `tail`); (2) the peer does
        // not write a committed, unreleased message: that is the channel
        // protocol, and the module docs state what follows if a peer breaks
        // it (views read with bounds-checked indexing only).
        unsafe { self.receiver.channel.region.bytes(self.at, self.len) }
    }

    /// Checks the message (see [`barewire::view`](crate::view)) and views
    /// it in place.
    pub fn view(&self) -> Result<T::View<'_>, Error> {
        crate::view::<T>(self.bytes())
    }

    /// A private copy of the image, read with volatile reads and never
    /// through a reference to shared memory: what to check and view when
    /// the peer is not trusted (see the module docs).
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
