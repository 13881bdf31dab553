//! The memory of a [`Pool`]: slots in chunks that never move, the free list,
//! and every raw access to a slot (by key, by handle, or from an `Owned`).

use core::cell::{Cell, UnsafeCell};
use core::mem::{self, MaybeUninit};
use core::ptr::{self, NonNull};

use super::Pool;
use crate::diag::{Counters, Site};
use crate::error::CapacityError;
use crate::handle::{Handle, HandleError};
use crate::key::{self, NONE};
use crate::stamp;

/// One slot. `repr(C)` with the value first, so a pointer to the value is a
/// pointer to the slot (`Owned`s give back their slot without a lookup).
#[repr(C)]
pub(super) struct Slot<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    pub(super) stamp: Cell<u32>,
    next_free: Cell<u32>,
}

impl<T> Pool<T> {
    /// The slot named `key`: a shift, a mask and one load.
    ///
    /// # Safety
    ///
    /// `key` names a slot of this pool: it came from the free list, from
    /// `take_fresh`, from an `Owned` of this pool, or from a `Handle` whose
    /// pool identity is this pool's. (Identities never repeat and chunks are
    /// only freed when the pool is dropped, so such a key stays valid for
    /// the pool's whole life.)
    #[inline(always)]
    unsafe fn slot_ptr(&self, key: u32) -> *mut Slot<T> {
        let k = (key >> key::OFFSET_BITS) as usize;
        let offset = (key & key::OFFSET_MASK) as usize;
        debug_assert!(k < self.nchunks.get() && offset < key::chunk_len(k));
        // SAFETY: chunk `k` exists and has more than `offset` slots (caller),
        // so the result is in bounds of the chunk's allocation. (`k < 32`
        // always, so the array index is in bounds too.)
        unsafe { self.chunks[k].get().add(offset) }
    }

    /// The memory of chunk `k`, if its size fits in `isize::MAX`.
    pub(super) fn chunk_layout(k: usize) -> Option<core::alloc::Layout> {
        core::alloc::Layout::array::<Slot<T>>(key::chunk_len(k)).ok()
    }

    /// Makes the next chunk.
    ///
    /// # Panics
    ///
    /// As [`Pool::try_grow`] fails, with its error's message.
    #[cold]
    #[inline(never)]
    pub(super) fn grow(&self) {
        if let Err(e) = self.try_grow() {
            super::capacity_panic(e)
        }
    }

    /// Makes the next chunk, or says why it cannot: the pool has all the
    /// chunks its keys can name, the chunk would be over `isize::MAX` bytes,
    /// or the system has no memory for it. Nothing changes on an error, and
    /// nothing is allocated but the chunk itself.
    pub(super) fn try_grow(&self) -> Result<(), CapacityError> {
        let k = self.nchunks.get();
        if k >= key::MAX_CHUNKS {
            return Err(CapacityError::TooManyValues {
                requested: (self.slots.get() as usize).saturating_add(1),
                max: key::MAX_SLOTS,
            });
        }
        let len = key::chunk_len(k);
        let Some(layout) = Self::chunk_layout(k) else {
            return Err(CapacityError::TooManyBytes {
                slots: len,
                slot_size: mem::size_of::<Slot<T>>(),
            });
        };
        let mut chunk: Vec<Slot<T>> = Vec::new();
        if chunk.try_reserve_exact(len).is_err() {
            return Err(CapacityError::OutOfMemory {
                slots: len,
                bytes: layout.size(),
            });
        }
        chunk.extend((0..len).map(|_| Slot {
            value: UnsafeCell::new(MaybeUninit::uninit()),
            stamp: Cell::new(stamp::make(0, stamp::FREE)),
            next_free: Cell::new(NONE),
        }));
        let chunk: Box<[Slot<T>]> = chunk.into_boxed_slice();
        debug_assert_eq!(chunk.len(), len);
        self.chunks[k].set(Box::into_raw(chunk).cast::<Slot<T>>());
        self.nchunks.set(k + 1);
        // At most 2^27 - 16 + 8 * 2^27 slots in all: fits in `u32`.
        self.slots.set(self.slots.get() + len as u32);
        Ok(())
    }

    /// The key of a never-used slot, growing the pool when there is none.
    /// Taken only when the free list is empty, so then every used slot that
    /// is not retired is live: the place to raise the peak.
    #[inline(never)]
    fn take_fresh(&self, site: Option<Site>) -> u32 {
        let key = self.fresh.get();
        let k = (key >> key::OFFSET_BITS) as usize;
        if k == self.nchunks.get() {
            // The chunk's memory comes from the global allocator: a
            // `diag::TrackingAllocator` attributes it to the caller's site.
            crate::diag::global::at_site(site, || self.grow());
        }
        let offset = (key & key::OFFSET_MASK) as usize;
        self.fresh.set(if offset + 1 == key::chunk_len(k) {
            key::make(k + 1, 0)
        } else {
            key + 1
        });
        let used = self.used.get() + 1;
        self.used.set(used);
        let live = (used - self.retired.get()) as usize;
        if live > self.peak_live.get() {
            self.peak_live.set(live);
        }
        key
    }

    /// Writes `value` into a free slot, puts the slot in `state`, and returns
    /// its key and address. The address has the chunk's provenance and stays
    /// valid until the pool is dropped.
    #[inline(always)]
    pub(super) fn put(&self, value: T, state: u32, site: Option<Site>) -> (u32, *mut Slot<T>) {
        let _ = site;
        #[cfg(feature = "track")]
        if let Some(site) = site {
            self.counters.note_site(
                site,
                mem::size_of::<T>(),
                crate::diag::SiteKind::value::<T>(),
            );
        }
        let mut key = self.free_head.get();
        let slot = if key != NONE {
            // SAFETY: free-list keys name slots of this pool.
            let slot = unsafe { self.slot_ptr(key) };
            // SAFETY: `slot` is a live slot; `next_free` is a `Cell`.
            self.free_head.set(unsafe { &(*slot).next_free }.get());
            slot
        } else {
            key = self.take_fresh(site);
            // SAFETY: `take_fresh` returns the key of a slot it made sure
            // exists.
            unsafe { self.slot_ptr(key) }
        };
        // SAFETY: 1. the slot is free (off the free list, or never used): it
        // holds no value and nothing refers to its value; 2. the value is at
        // the slot's address (`repr(C)`, value first) and aligned for `T`.
        unsafe { slot.cast::<T>().write(value) };
        if state != stamp::FREE {
            // SAFETY: as above; `stamp` is a `Cell`. A free slot's state bits
            // are zero, so adding the state sets it and keeps the generation.
            // (An add, not an `|`: the compiler would narrow `| 2` to a
            // one-byte store, and the 4-byte load of the stamp when the slot
            // is freed again could not be forwarded from it, a stall of about
            // a dozen cycles.) A slot taken by an `Owned` keeps its stamp
            // (`stamp::FREE`).
            let stamp = unsafe { &(*slot).stamp };
            stamp.set(stamp.get() + state);
        }
        Counters::bump(&self.counters.allocations);
        (key, slot)
    }

    /// The slot of a live handle: one identity comparison, one slot lookup,
    /// one stamp comparison (generation and state at once).
    #[inline(always)]
    pub(super) fn check(&self, h: Handle<T>, freeing: bool) -> Result<*mut Slot<T>, HandleError> {
        if h.pool == self.id {
            // SAFETY: `h` was made by `insert` of this pool (identities never
            // repeat, and handles cannot be built outside the crate), so its
            // key names a slot of this pool.
            let slot = unsafe { self.slot_ptr(h.key) };
            // SAFETY: `slot` is a live slot; `stamp` is a `Cell`. A handle's
            // stamp is always in the handle state, so equality means the slot
            // holds this handle's value.
            if unsafe { &(*slot).stamp }.get() == h.stamp {
                return Ok(slot);
            }
        }
        Err(self.refuse(h, freeing))
    }

    /// Why `check` refused `h` (the cold path).
    #[cold]
    #[inline(never)]
    fn refuse(&self, h: Handle<T>, freeing: bool) -> HandleError {
        if h.pool != self.id {
            return HandleError::WrongPool {
                expected: self.id,
                found: h.pool,
            };
        }
        // SAFETY: as in `check`, the handle is of this pool.
        let slot = unsafe { &(*self.slot_ptr(h.key)).stamp }.get();
        let (index, handle, slot) = (
            key::index(h.key),
            stamp::generation(h.stamp),
            stamp::generation(slot),
        );
        if freeing {
            HandleError::DoubleFree {
                index,
                handle,
                slot,
            }
        } else {
            HandleError::UseAfterFree {
                index,
                handle,
                slot,
            }
        }
    }

    /// Gives back a slot taken by an `Owned`: on the free list, its stamp
    /// unchanged (`stamp::FREE`: no handle refers to it).
    ///
    /// # Safety
    ///
    /// `slot` is the live slot of this pool named `key`, taken by `alloc`
    /// for one `Owned` that is going away, and its value has already been
    /// dropped or moved out.
    #[inline(always)]
    unsafe fn release_owned_slot(&self, slot: *mut Slot<T>, key: u32) {
        // SAFETY: `slot` is a live slot (caller); `next_free` is a `Cell`.
        let next_free = unsafe { &(*slot).next_free };
        debug_assert_eq!(
            // SAFETY: as above; `stamp` is a `Cell`.
            stamp::state(unsafe { &(*slot).stamp }.get()),
            stamp::FREE
        );
        next_free.set(self.free_head.get());
        self.free_head.set(key);
        Counters::bump(&self.counters.frees);
    }

    /// Marks a handle's `slot` (named `key`) free at the next generation, or
    /// retires it when its generations are spent.
    ///
    /// # Safety
    ///
    /// `slot` is the live slot of this pool named `key`, held for handles,
    /// and its value has already been dropped or moved out.
    #[inline(always)]
    pub(super) unsafe fn release_slot(&self, slot: *mut Slot<T>, key: u32) {
        // SAFETY: `slot` is a live slot (caller); `stamp` is a `Cell`.
        let stamp_cell = unsafe { &(*slot).stamp };
        let old = stamp_cell.get();
        if stamp::generation(old) == stamp::MAX_GENERATION {
            stamp_cell.set(stamp::make(stamp::MAX_GENERATION, stamp::RETIRED));
            self.retired.set(self.retired.get() + 1);
        } else {
            // The next generation, in the free state.
            stamp_cell.set((old & !stamp::STATE) + stamp::make(1, stamp::FREE));
            // SAFETY: as above; `next_free` is a `Cell`.
            unsafe { &(*slot).next_free }.set(self.free_head.get());
            self.free_head.set(key);
        }
        Counters::bump(&self.counters.frees);
    }

    /// Drops the value of an owned slot (now, or queued inside another drop
    /// of this pool's values) and frees the slot.
    ///
    /// # Safety
    ///
    /// `value` points to the valid `T` of the owned slot named `key`, and the
    /// slot's one `Owned` (which `value` came from) is going away.
    #[inline]
    pub(crate) unsafe fn release_owned(&self, value: NonNull<T>, key: u32) {
        if !mem::needs_drop::<T>() {
            // Nothing to drop, so nothing nested to queue. The slot is at the
            // value's address (`repr(C)`), with the chunk's provenance (the
            // `Owned` got it from `put`): no lookup needed.
            // SAFETY: the value (nothing to drop) is given up by its owner.
            unsafe { self.release_owned_slot(value.as_ptr().cast::<Slot<T>>(), key) };
            return;
        }
        self.drops.drop_or_defer(key, |k| self.drop_owned(k));
    }

    fn drop_owned(&self, key: u32) {
        // SAFETY: entries reach here only from `release_owned`, with the key
        // of an owned slot of this pool.
        let slot = unsafe { self.slot_ptr(key) };
        /// Releases the slot when the value's drop is over, even if it
        /// panicked (`drop_in_place` then still dropped the value's fields,
        /// and the value counts as dropped).
        struct Release<'a, T> {
            pool: &'a Pool<T>,
            slot: *mut Slot<T>,
            key: u32,
        }
        impl<T> Drop for Release<'_, T> {
            fn drop(&mut self) {
                // SAFETY: `slot` is the live slot named `key` of an `Owned`
                // that is going away, and its value has just been dropped
                // (see `drop_owned`).
                unsafe { self.pool.release_owned_slot(self.slot, self.key) }
            }
        }
        let release = Release {
            pool: self,
            slot,
            key,
        };
        // SAFETY: 1. the caller of `release_owned` guarantees a valid `T`
        // given up by its owner; 2. the queue gives each entry to
        // `drop_owned` exactly once (even when a drop panics), so the value is
        // dropped once; 3. the slot is released once, by `release`, after the
        // drop (normally or while it unwinds), so no one reuses the slot while
        // its value is being dropped.
        unsafe { ptr::drop_in_place(slot.cast::<T>()) };
        drop(release);
    }

    /// Frees an owned slot whose value was moved out.
    ///
    /// # Safety
    ///
    /// `value` points to the owned slot named `key`, whose value has been
    /// moved out by its one `Owned`.
    pub(crate) unsafe fn release_moved_out(&self, value: NonNull<T>, key: u32) {
        // SAFETY: as in `release_owned`: the slot is at the value's address.
        unsafe { self.release_owned_slot(value.as_ptr().cast::<Slot<T>>(), key) };
    }

    #[cfg(test)]
    pub(crate) fn set_generation(&self, h: Handle<T>, generation: u32) -> Handle<T> {
        let stamp = stamp::make(generation, stamp::HANDLE);
        // SAFETY: `h` is a handle of this pool.
        unsafe { &(*self.slot_ptr(h.key)).stamp }.set(stamp);
        Handle::new(self.id, h.key, stamp)
    }
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        // Nothing borrows the pool, so no drop of its values is running or
        // queued (drop_queue docs): every owned slot's value has been dropped
        // or belongs to a forgotten `Owned`.
        debug_assert!(self.drops.is_idle());
        for k in 0..self.nchunks.get() {
            let chunk = self.chunks[k].replace(ptr::null_mut());
            let len = key::chunk_len(k);
            // The pool of `Pool::scope` leaks the values held for handles:
            // they may refer to each other (`scope` docs).
            if self.drop_held {
                for offset in 0..len {
                    // SAFETY: 1. chunk `k` has `len` initialized slots; 2. a slot in
                    // the handle state holds a valid `T` that only the pool owns
                    // (handles do not own), so it is dropped here once. Slots taken
                    // by forgotten or leaked `Owned`s are in no handle's state and
                    // are leaked.
                    unsafe {
                        let slot = chunk.add(offset);
                        if stamp::state((*slot).stamp.get()) == stamp::HANDLE {
                            ptr::drop_in_place(slot.cast::<T>());
                        }
                    }
                }
            }
            // SAFETY: `chunk` came from `Box::<[Slot<T>]>::into_raw` with
            // `len` elements and is freed once (its entry was nulled).
            drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(chunk, len)) });
        }
        self.nchunks.set(0);
    }
}
