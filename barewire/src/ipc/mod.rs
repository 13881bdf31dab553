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
//! The file is a 512-byte header and a ring of `capacity` bytes (a multiple
//! of 64). The header holds, 128 bytes apart (out of reach of the
//! adjacent-line prefetcher), the sender's `head` and the receiver's
//! `tail`: byte counts that only grow, written only by their owner, with
//! `Release` stores, and read by the other side with `Acquire` loads. Each
//! end keeps the last value it loaded of the other's word and loads it
//! again only when that value is used up (the sender: no room behind it;
//! the receiver: every record before it received), so a busy channel does
//! not move a header line between the cores at every message. The words
//! written only at attach and close (each end's state and process id) and
//! the doorbells (below) have lines of their own. A message is a record at a 64-aligned position:
//! an 8-byte length word, padding to 64, then the image (so the image is
//! 64-aligned), padded to 64. A record that would not fit before the end of
//! the ring is preceded by a wrap marker and placed at the ring's start.
//!
//! The sender writes the whole record, length word included, into space
//! past `head`, which the receiver never reads, and then publishes it with
//! one `Release` store of the new `head`. A sender that crashes before that
//! store has published nothing; one that crashes after it has published a
//! whole record. The receiver sees whole messages or none. It releases
//! messages by storing the new `tail` (`Release`): at once when it has
//! received every message it knows of, otherwise once a quarter of the
//! ring is released, and always before it waits (so a receiver working
//! through a backlog does not move `tail`'s line at every message, and a
//! waiting sender always gets its room); the sender reuses space
//! only behind a `tail` it has loaded (`Acquire`), so a committed message is
//! never overwritten before it is released.
//!
//! A message may be at most half the ring less 64 bytes
//! ([`Sender::max_message`]), so it always fits once the ring drains,
//! wherever the ring's positions are; a larger one is
//! [`Error::MessageTooLarge`], not a hang. A full ring blocks
//! [`Sender::reserve`] (back-pressure) or makes [`Sender::try_reserve`]
//! return `None`.
//!
//! # Waiting
//!
//! How an end waits is its [`WaitPolicy`], set with
//! [`Sender::set_wait_policy`] and [`Receiver::set_wait_policy`]: busy-spin,
//! spin-then-block (the default, spinning 50 µs) or block. A blocked end
//! sleeps on a futex word in the header's last line (Linux): it reads the
//! word, sets its waiting flag, fences (`SeqCst`), polls once more and
//! sleeps only if that poll found nothing; the peer, after each commit or
//! release, fences and reads the flag, and only if it is set bumps the word
//! and calls `FUTEX_WAKE`. So a wake-up is never lost, and a peer that is
//! not asleep costs a fence and a load of a line that stays in the cache.
//! Other Unixes (and Miri) have no futex here: a blocked end sleep-polls in
//! steps from 50 µs to 1 ms instead.
//!
//! # A dead peer
//!
//! Each end stores its process id in the header when it attaches. A
//! waiting end checks every [`LIVENESS_CHECK`] (25 ms) that the peer's
//! process still exists (`kill(pid, 0)`, and on Linux that
//! `/proc/<pid>/stat` is not a zombie's); a blocked end wakes that often to
//! do it. When the peer has died, [`Receiver::recv`] hands out what it had
//! committed, then returns [`Error::ChannelClosed`], and
//! [`Sender::reserve`] returns [`Error::ChannelClosed`], within about
//! 50 ms. The non-blocking calls ([`Receiver::try_recv`],
//! [`Sender::try_reserve`]) make no system call and do not check. A process
//! id is not trusted for anything but this check (a value that is no
//! process id is "unknown": alive), and the check is only as good as the
//! ids: a peer in another pid namespace, or a pid reused after the peer
//! died, reads as alive; timeouts still end every wait. Outside Unix a
//! dead peer is not detected.
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
//!    header words other than its own (`head`, the sender's state and pid
//!    for a sender, `tail`, the receiver's state and pid for a receiver)
//!    and the doorbell line; it writes header words only as whole, aligned
//!    8-byte atomic stores, and the doorbell line only as aligned 4-byte
//!    atomics.
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
//! A dropped [`Sender`] closes the channel: the receiver gets the remaining
//! messages, then [`Error::ChannelClosed`]; a dropped [`Receiver`] makes
//! sending fail with [`Error::ChannelClosed`]. A crashed peer is detected
//! by a waiting end (see [A dead peer](#a-dead-peer)).

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
            other than its own and the doorbells, and it writes header words\n\
            only as whole, aligned 8-byte atomic stores (4-byte atomics for\n\
            the doorbells).\n\n\
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
// `ring` (positions and records, pure functions), `wait` (the wait
// policies and the one wait loop both ends use), `sender` and `receiver` (the two ends and what they hand
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
pub use self::wait::{LIVENESS_CHECK, WaitPolicy};

/// For the links of the module docs.
#[cfg(doc)]
use crate::error::Error;
