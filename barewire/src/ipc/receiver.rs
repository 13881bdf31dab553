//! The receiving end: finding the next committed record, viewing it in
//! place, and releasing it.

use core::marker::PhantomData;
use core::sync::atomic::Ordering;
use std::path::Path;
use std::time::Duration;

use crate::error::Error;
use crate::image::Image;
use crate::ipc::channel::{CLOSED, Channel, W_HEAD, W_RECEIVER, W_SENDER, W_TAIL};
use crate::ipc::ring::{self, Found};
use crate::ipc::wait::{self, WaitPolicy};
use crate::layout::{FromLayout, Layout, LayoutBuf};
use crate::schema::Describe;

/// The receiving end of a channel of `T` images.
pub struct Receiver<T> {
    pub(super) channel: Channel,
    /// Our `tail`: the shared word is only ever a copy of this.
    pub(super) tail: u64,
    /// The sender's `head` as last loaded (a value the peer stored: checked
    /// at every use). The shared word is read again only once every record
    /// below this one is received, so a receiver that is behind does not
    /// pull the sender's cache line at every message.
    pub(super) head_seen: u64,
    /// The last `tail` stored in the shared word. Releases are published in
    /// batches: when this receiver has caught up with `head_seen`, when a
    /// quarter of the ring is released but unpublished, and before it
    /// waits, so a sender that streams into a backlog does not have its
    /// polls of `tail` and this end's stores fight over one line.
    tail_published: u64,
    policy: WaitPolicy,
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
    pub(super) at: usize,
    pub(super) len: usize,
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
        unsafe { Channel::create::<T>(path.as_ref(), capacity, W_RECEIVER) }.map(Self::attach)
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
        unsafe { Channel::open::<T>(path.as_ref(), W_RECEIVER) }.map(Self::attach)
    }

    pub(super) fn attach(channel: Channel) -> Self {
        let tail = channel.region.word(W_TAIL).load(Ordering::Acquire);
        Receiver {
            channel,
            tail,
            head_seen: tail,
            tail_published: tail,
            policy: WaitPolicy::default(),
            _type: PhantomData,
        }
    }

    /// How [`recv`](Self::recv) and [`recv_timeout`](Self::recv_timeout)
    /// wait for a message (the default: [`WaitPolicy::SpinThenBlock`] for
    /// 50 µs).
    pub fn set_wait_policy(&mut self, policy: WaitPolicy) {
        self.policy = policy;
    }

    /// The wait policy of this end.
    pub fn wait_policy(&self) -> WaitPolicy {
        self.policy
    }

    /// The size of the ring in bytes.
    pub fn capacity(&self) -> usize {
        self.channel.capacity as usize
    }

    /// The next committed message's place, checked against the capacity
    /// and the committed range.
    fn poll(&mut self) -> Result<Option<Found>, Error> {
        Self::poll_at(
            &self.channel,
            self.tail,
            &mut self.head_seen,
            &mut self.tail_published,
        )
    }

    /// [`poll`](Self::poll) over the fields it needs, so a wait can hold the
    /// channel beside it.
    fn poll_at(
        channel: &Channel,
        tail: u64,
        head_seen: &mut u64,
        tail_published: &mut u64,
    ) -> Result<Option<Found>, Error> {
        let region = &channel.region;
        let capacity = channel.capacity;
        let read_len = |at| region.read_u64(at);
        if *head_seen != tail {
            // Records below a `head` seen before: no shared word to load.
            // (A value that fails the checks is loaded afresh below.)
            if let Ok(found) = ring::next_record(tail, *head_seen, capacity, read_len) {
                return Ok(Some(found));
            }
        }
        let mut head = region.word(W_HEAD).load(Ordering::Acquire);
        if head == tail {
            *head_seen = tail;
            if region.word(W_SENDER).load(Ordering::Acquire) != CLOSED {
                // Nothing to receive: every release is published before
                // this end waits (a sender may wait for that room).
                if *tail_published != tail {
                    publish_tail(channel, tail, tail_published);
                }
                return Ok(None);
            }
            // The sender's last `head` store came before its close: look
            // again, then the channel is drained.
            head = region.word(W_HEAD).load(Ordering::Acquire);
            if head == tail {
                return Err(Error::ChannelClosed);
            }
        }
        // From here on every value that came from shared memory (`head`,
        // the length words, our `tail` as loaded at attach) is checked by
        // `next_record` before it is used as an offset or a length; a value
        // that fails is not remembered.
        let found = ring::next_record(tail, head, capacity, read_len);
        *head_seen = if found.is_ok() { head } else { tail };
        found.map(Some)
    }

    fn message(&mut self, found: Found) -> Message<'_, T> {
        let Found { at, len, next } = found;
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
        let found = wait::poll_forever(&self.channel, self.policy, || {
            Self::poll_at(
                &self.channel,
                self.tail,
                &mut self.head_seen,
                &mut self.tail_published,
            )
        })?;
        Ok(self.message(found))
    }

    /// The next message, waiting at most `timeout` (`None` then).
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Option<Message<'_, T>>, Error> {
        let found = wait::poll_until(&self.channel, self.policy, Some(timeout), || {
            Self::poll_at(
                &self.channel,
                self.tail,
                &mut self.head_seen,
                &mut self.tail_published,
            )
        })?;
        Ok(found.map(|found| self.message(found)))
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
    /// was made (see the [module docs](crate::ipc#mapped-files-that-other-processes-can-change)).
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

    /// Checks the message (see [`barewire::view`](crate::layout::view)) and views
    /// it in place.
    pub fn view(&self) -> Result<T::View<'_>, Error> {
        self.image().map(Image::into_view)
    }

    /// The message as a checked [`Image`] over its bytes in the ring: the
    /// same type image files and owned buffers use, so `view`, `check_full`
    /// and `to_owned` are the ones every image has.
    pub fn image(&self) -> Result<Image<T, &[u8]>, Error> {
        Image::new(self.bytes())
    }

    /// A private copy of the image, read with volatile reads and never
    /// through a reference to shared memory: the way to keep a message
    /// after releasing it, and a copy that nothing the peer does later can
    /// change. It does not lift the channel contract (a truncated file
    /// raises `SIGBUS` during the copy too); see the
    /// [module docs](crate::ipc#mapped-files-that-other-processes-can-change).
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
        Image::<T, LayoutBuf>::new(self.to_buf())?.to_owned()
    }
}

impl<T> Drop for Message<'_, T> {
    fn drop(&mut self) {
        let receiver = &mut *self.receiver;
        receiver.tail = self.next;
        let unpublished = self.next.wrapping_sub(receiver.tail_published);
        if self.next == receiver.head_seen || unpublished >= receiver.channel.capacity / 4 {
            publish_tail(&receiver.channel, self.next, &mut receiver.tail_published);
        }
    }
}

/// Stores `tail` in the shared word (releasing everything before it to the
/// sender) and wakes the sender if it sleeps.
fn publish_tail(channel: &Channel, tail: u64, tail_published: &mut u64) {
    channel.region.word(W_TAIL).store(tail, Ordering::Release);
    *tail_published = tail;
    channel.wake_peer();
}

impl<T> core::fmt::Debug for Message<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message").field("len", &self.len).finish()
    }
}
