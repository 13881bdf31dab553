//! The sending end: reserving room in the ring, writing a record there and
//! publishing it.

use core::marker::PhantomData;
use core::sync::atomic::Ordering;
use std::path::Path;
use std::time::Duration;

use crate::error::Error;
use crate::ipc::channel::{CLOSED, Channel, W_HEAD, W_RECEIVER, W_SENDER, W_TAIL};
use crate::ipc::ring::{self, Place, WRAP};
use crate::ipc::wait::{self, WaitPolicy};
use crate::layout::Layout;
use crate::schema::Describe;

/// The sending end of a channel of `T` images.
pub struct Sender<T> {
    pub(super) channel: Channel,
    /// Our `head`: the shared word is only ever a copy of this.
    pub(super) head: u64,
    /// The receiver's `tail` as last loaded: the shared word is read again
    /// only when this one leaves too little room, so a sender that keeps
    /// ahead does not pull the receiver's cache line at every message.
    pub(super) tail_seen: u64,
    policy: WaitPolicy,
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
    pub(super) image: usize,
    len: usize,
    /// Bytes `head` advances by on commit (the skipped tail of the ring
    /// included).
    pub(super) advance: u64,
    /// Where to write a wrap marker, if the record wraps.
    pub(super) wrap_at: Option<usize>,
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
        unsafe { Channel::create::<T>(path.as_ref(), capacity, W_SENDER) }.map(Self::attach)
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
        unsafe { Channel::open::<T>(path.as_ref(), W_SENDER) }.map(Self::attach)
    }

    pub(super) fn attach(channel: Channel) -> Self {
        let head = channel.region.word(W_HEAD).load(Ordering::Acquire);
        let tail_seen = channel.region.word(W_TAIL).load(Ordering::Acquire);
        Sender {
            channel,
            head,
            tail_seen,
            policy: WaitPolicy::default(),
            _type: PhantomData,
        }
    }

    /// How [`reserve`](Self::reserve) and the sends wait for room (the
    /// default: [`WaitPolicy::SpinThenBlock`] for 50 µs).
    ///
    /// ```
    /// # use barewire::ipc::{Sender, WaitPolicy, shm_path};
    /// # let path = shm_path(&format!("barewire-doc-policy-{}", std::process::id()));
    /// // SAFETY: a new file private to this program, never truncated; no
    /// // peer attaches.
    /// let mut tx = unsafe { Sender::<u64>::create(&path, 4096)? };
    /// tx.set_wait_policy(WaitPolicy::Block);
    /// assert_eq!(tx.wait_policy(), WaitPolicy::Block);
    /// # Ok::<(), barewire::Error>(())
    /// ```
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

    /// The largest image one message may hold: half the ring less 64 bytes.
    pub fn max_message(&self) -> usize {
        self.channel.max_message() as usize
    }

    /// Where a record of `len` image bytes can go now, if anywhere.
    fn poll_reserve(&mut self, len: usize) -> Result<Option<Place>, Error> {
        Self::poll_reserve_at(&self.channel, self.head, &mut self.tail_seen, len)
    }

    /// [`poll_reserve`](Self::poll_reserve) over the fields it needs, so a
    /// wait can hold the channel beside it.
    fn poll_reserve_at(
        channel: &Channel,
        head: u64,
        tail_seen: &mut u64,
        len: usize,
    ) -> Result<Option<Place>, Error> {
        let record = ring::record_len(len, channel.capacity)?;
        let region = &channel.region;
        // A line written only at attach and close: cached here.
        if region.word(W_RECEIVER).load(Ordering::Acquire) == CLOSED {
            return Err(Error::ChannelClosed);
        }
        // Room behind the `tail` seen last is room still (the receiver's
        // position only grows); only when it is not is the shared word
        // loaded again.
        if let Ok(Some(place)) = ring::place(head, *tail_seen, channel.capacity, record) {
            return Ok(Some(place));
        }
        // The receiver's word: anything a peer stored, checked by `place`.
        *tail_seen = region.word(W_TAIL).load(Ordering::Acquire);
        ring::place(head, *tail_seen, channel.capacity, record)
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
        let place = wait::poll_forever(&self.channel, self.policy, || {
            Self::poll_reserve_at(&self.channel, self.head, &mut self.tail_seen, len)
        })?;
        Ok(self.reservation(len, place))
    }

    /// Like [`reserve`](Self::reserve), giving up with `None` after
    /// `timeout`.
    pub fn reserve_timeout(
        &mut self,
        len: usize,
        timeout: Duration,
    ) -> Result<Option<Reservation<'_, T>>, Error> {
        let place = wait::poll_until(&self.channel, self.policy, Some(timeout), || {
            Self::poll_reserve_at(&self.channel, self.head, &mut self.tail_seen, len)
        })?;
        Ok(place.map(|place| self.reservation(len, place)))
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

    /// Sends the image of `value` ([`to_layout`](crate::layout::to_layout)), waiting
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
        sender.channel.wake_peer();
    }
}
