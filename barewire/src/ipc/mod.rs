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
//! [`barewire::view_mut`](crate::layout::view_mut): the message is built where the
//! receiver will read it. [`Sender::send`] writes the image of a value with
//! [`to_layout`](crate::layout::to_layout) and copies it in (one copy).
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
//! structural check of [`barewire::view`](crate::layout::view)) before it is read.
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

/// The `# Safety` section of the four constructors: the channel contract of
/// the module docs, one text for all of them.
macro_rules! channel_contract {
    () => {
        "# Safety\n\n\
         While the returned end lives (the **channel contract**, see the\n\
         [module docs](crate::ipc#mapped-files-that-other-processes-can-change)):\n\n\
         1. no process truncates or shrinks the channel file (a mapped page\n\
            past the end of the file raises `SIGBUS`);\n\
         2. no process writes the file except the two ends of this channel,\n\
            and the peer end follows the protocol: it does not write a\n\
            published message, space it did not reserve, or header words\n\
            other than its own, and it writes header words only as whole,\n\
            aligned 8-byte atomic stores.\n\n\
         barewire's [`Sender`](crate::ipc::Sender) and\n\
         [`Receiver`](crate::ipc::Receiver) follow the protocol. Values in\n\
         the header and the ring are not trusted either way: garbage there is\n\
         [`Error::ChannelCorrupt`] or a failed check, never undefined\n\
         behaviour. Copying messages out\n\
         ([`Message::to_buf`](crate::ipc::Message::to_buf)) does not lift\n\
         the contract: the copy reads the mapping too."
    };
}

// The files by concern: `channel` (the file, its mapping and header words),
// `ring` (positions and records, pure functions), `wait` (the backoff loop
// both ends use), `sender` and `receiver` (the two ends and what they hand
// out), `shared` (the mapping's `unsafe`, and nothing else).
mod channel;
mod receiver;
mod ring;
mod sender;
mod shared;
#[cfg(test)]
mod tests;
mod wait;

pub use self::channel::shm_path;
pub use self::receiver::{Message, Receiver};
pub use self::sender::{Reservation, Sender};

/// For the links of the module docs.
#[cfg(doc)]
use crate::error::Error;
