//! `Pool<T>`: typed fixed-size slots with an O(1) free list.
//!
//! One of the crate's few unsafe modules: slots hold `MaybeUninit<T>` whose
//! state (free, owned by an `Owned`, held for a `Handle`, retired) is tracked
//! beside it.

use core::cell::{Cell, UnsafeCell};
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr::{self, NonNull};

use crate::Owned;
use crate::diag::{Counters, Report, Site, Stats, caller_site};
use crate::drop_queue::DropQueue;
use crate::handle::{Handle, HandleError, next_pool_id};

/// Chunk `k` holds `FIRST << k` slots; chunks never move once made.
const FIRST_SHIFT: u32 = 4;
const FIRST: usize = 1 << FIRST_SHIFT;
/// "No slot" in the free list; also one past the largest slot index.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Free,
    /// Held by an `Owned` (or leaked from one).
    Owned,
    /// Held for `Handle`s of the slot's current generation.
    Handle,
    /// Its generation is spent; never reused.
    Retired,
}

struct Slot<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    generation: Cell<u32>,
    state: Cell<State>,
    next_free: Cell<u32>,
}

/// Typed slots of one size with an O(1) free list.
///
/// Two ways in:
///
/// * [`Pool::alloc`] gives an [`Owned`] that borrows the pool: move-only,
///   dropped at the end of its owner's scope, when its slot is free again at
///   once.
/// * [`Pool::insert`] gives a [`Handle`]: a `'static`, `Copy` key checked at
///   every use ([`get`](Pool::get), [`get_mut`](Pool::get_mut),
///   [`free`](Pool::free), [`remove`](Pool::remove)).
///
/// Slots live in chunks that never move (each twice the size of the last), so
/// growing never invalidates a reference. Freed slots go on a free list; a slot
/// whose generation counter is spent is retired rather than reused.
///
/// A `Pool<T>` is `Send` when `T` is, and not `Sync`: one pool per thread.
///
/// ```
/// use barewire_pool::Pool;
///
/// let mut pool = Pool::new();
/// {
///     let a = pool.alloc(1u64);
///     let b = pool.alloc(2u64);
///     assert_eq!(*a + *b, 3);
/// } // both slots are free again here
/// let h = pool.insert(10u64);
/// *pool.get_mut(h).unwrap() += 1;
/// assert_eq!(pool.remove(h), Ok(11));
/// assert_eq!(pool.stats().frees, 3);
/// ```
pub struct Pool<T> {
    id: u64,
    /// Chunk `k` starts at `chunks[k]` and has `FIRST << k` slots.
    chunks: UnsafeCell<Vec<NonNull<Slot<T>>>>,
    /// Slots in all chunks.
    slots: Cell<u32>,
    /// Slots at or after this index have never been used.
    fresh: Cell<u32>,
    free_head: Cell<u32>,
    live: Cell<usize>,
    peak_live: Cell<usize>,
    retired: Cell<u32>,
    counters: Counters,
    drops: DropQueue<u32>,
    _own: PhantomData<T>,
}

// SAFETY: 1. A pool exclusively owns its chunks and the `T`s in them, so
// sending it sends those `T`s, which needs `T: Send`. 2. Nothing borrowed from
// it (`Owned`, `&T`) can exist while it moves. 3. It is not `Sync` (its `Cell`s
// are not), so it is never used from two threads at once.
unsafe impl<T: Send> Send for Pool<T> {}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool::new()
    }
}

impl<T> Pool<T> {
    /// An empty pool with a new identity; no memory until the first value.
    ///
    /// ```
    /// let a = barewire_pool::Pool::<u8>::new();
    /// let b = barewire_pool::Pool::<u8>::new();
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn new() -> Pool<T> {
        Pool {
            id: next_pool_id(),
            chunks: UnsafeCell::new(Vec::new()),
            slots: Cell::new(0),
            fresh: Cell::new(0),
            free_head: Cell::new(NONE),
            live: Cell::new(0),
            peak_live: Cell::new(0),
            retired: Cell::new(0),
            counters: Counters::default(),
            drops: DropQueue::new(),
            _own: PhantomData,
        }
    }

    /// A pool with room for at least `n` values before it grows.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::<u32>::with_capacity(100);
    /// assert!(pool.capacity() >= 100);
    /// ```
    pub fn with_capacity(n: usize) -> Pool<T> {
        let pool = Pool::new();
        while (pool.slots.get() as usize) < n {
            pool.grow();
        }
        pool
    }

    /// This pool's identity (never shared with another pool).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::<()>::new();
    /// assert!(pool.id() > 0);
    /// ```
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Values held (by `Owned`s or for handles).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let _a = pool.alloc(1);
    /// assert_eq!(pool.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.live.get()
    }

    /// Whether no value is held.
    ///
    /// ```
    /// assert!(barewire_pool::Pool::<i8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.live.get() == 0
    }

    /// Slots made so far.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// pool.alloc(0u8);
    /// assert_eq!(pool.capacity(), 16);
    /// ```
    pub fn capacity(&self) -> usize {
        self.slots.get() as usize
    }

    /// Moves `value` into a slot and returns its one owner.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let mut v = pool.alloc(vec![1]);
    /// v.push(2);
    /// assert_eq!(*v, [1, 2]);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn alloc(&self, value: T) -> Owned<'_, T> {
        let (index, ptr) = self.put(value, State::Owned, caller_site());
        // SAFETY: `ptr` is the valid `T` just written to slot `index`, which is
        // in the owned state and known to no one else.
        unsafe { Owned::from_pool(ptr, self, index) }
    }

    /// Moves `value` into a slot and returns a checked handle to it.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert("x");
    /// assert_eq!(pool.get(h), Ok(&"x"));
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn insert(&self, value: T) -> Handle<T> {
        let (index, _) = self.put(value, State::Handle, caller_site());
        Handle::new(self.id, index, self.slot(index).generation.get())
    }

    /// The value behind `h`.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::UseAfterFree`].
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert(3.5f64);
    /// assert_eq!(pool.get(h), Ok(&3.5));
    /// ```
    #[inline]
    pub fn get(&self, h: Handle<T>) -> Result<&T, HandleError> {
        let slot = self.check(h, false)?;
        // SAFETY: 1. the slot is in the handle state at the handle's
        // generation, so it holds a valid `T`; 2. the value can only be
        // mutated or freed through `&mut self`, which this shared borrow
        // excludes.
        Ok(unsafe { &*slot.value.get().cast::<T>() })
    }

    /// The value behind `h`, mutably.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::UseAfterFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(1);
    /// *pool.get_mut(h).unwrap() = 2;
    /// assert_eq!(pool.get(h), Ok(&2));
    /// ```
    #[inline]
    pub fn get_mut(&mut self, h: Handle<T>) -> Result<&mut T, HandleError> {
        let slot = self.check(h, false)?;
        // SAFETY: 1. as in `get`, the slot holds a valid `T`; 2. `&mut self`
        // excludes every other reference into the pool, and `Owned`s hold
        // other slots only.
        Ok(unsafe { &mut *slot.value.get().cast::<T>() })
    }

    /// Drops the value behind `h` and frees its slot.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::DoubleFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(String::from("gone"));
    /// assert!(pool.free(h).is_ok());
    /// assert!(pool.free(h).is_err());
    /// ```
    pub fn free(&mut self, h: Handle<T>) -> Result<(), HandleError> {
        self.remove(h).map(drop)
    }

    /// Moves the value behind `h` out and frees its slot.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::DoubleFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(vec![7]);
    /// assert_eq!(pool.remove(h), Ok(vec![7]));
    /// ```
    pub fn remove(&mut self, h: Handle<T>) -> Result<T, HandleError> {
        let slot = self.check(h, true)?;
        // SAFETY: 1. the slot holds a valid `T` (checked handle); 2. it is
        // marked free right after, so the value is read out exactly once.
        let value = unsafe { slot.value.get().cast::<T>().read() };
        self.release_slot(h.index);
        Ok(value)
    }

    /// Whether `h` still refers to a value of this pool.
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(());
    /// assert!(pool.contains(h));
    /// pool.free(h).unwrap();
    /// assert!(!pool.contains(h));
    /// ```
    pub fn contains(&self, h: Handle<T>) -> bool {
        self.check(h, false).is_ok()
    }

    /// The counters (bytes are slots times `size_of::<T>()`).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// drop(pool.alloc(1u32));
    /// let s = pool.stats();
    /// assert_eq!((s.allocations, s.frees, s.peak_bytes), (1, 1, 4));
    /// ```
    pub fn stats(&self) -> Stats {
        let size = mem::size_of::<T>();
        let c = &self.counters;
        Stats {
            bytes_in_use: self.live.get() * size,
            peak_bytes: self.peak_live.get() * size,
            capacity: self.slots.get() as usize * size,
            fixed: false,
            allocations: c.allocations.get(),
            frees: c.frees.get(),
            resets: 0,
            regions: 0,
            exhaustions: 0,
        }
    }

    /// A readable report (see [`Report`]).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// pool.insert(1u8);
    /// assert!(pool.report().to_string().starts_with("pool of u8"));
    /// ```
    pub fn report(&self) -> Report {
        let mut title = format!("pool of {}", core::any::type_name::<T>());
        if self.retired.get() > 0 {
            title.push_str(&format!(", {} slots retired", self.retired.get()));
        }
        self.counters.report(title, self.stats())
    }

    // ---- crate-internal ------------------------------------------------

    #[inline]
    fn slot(&self, index: u32) -> &Slot<T> {
        debug_assert!(index < self.slots.get());
        let i = index as usize + FIRST;
        let k = (usize::BITS - 1 - i.leading_zeros() - FIRST_SHIFT) as usize;
        let offset = i - (FIRST << k);
        // SAFETY: 1. `index < slots` (callers: handles of this pool and free
        // list entries are below it), so chunk `k` exists and has
        // `FIRST << k > offset` slots; 2. the `&Vec` lives only for this
        // expression and `grow` (the only writer) never runs meanwhile; 3. a
        // chunk's slots are initialized `Slot`s, never moved or freed before
        // the pool is dropped, so the reference is valid for `&self`.
        unsafe {
            let chunks: &Vec<NonNull<Slot<T>>> = &*self.chunks.get();
            let chunk = *chunks.get_unchecked(k);
            &*chunk.as_ptr().add(offset)
        }
    }

    fn grow(&self) {
        // SAFETY: no reference to the vector is live: `slot` borrows it only
        // within one expression, and this is the only other access.
        let chunks = unsafe { &mut *self.chunks.get() };
        let len = FIRST << chunks.len();
        let total = self.slots.get() as usize + len;
        assert!(
            total < NONE as usize,
            "pool is full ({} slots)",
            self.slots.get()
        );
        let chunk: Box<[Slot<T>]> = (0..len)
            .map(|_| Slot {
                value: UnsafeCell::new(MaybeUninit::uninit()),
                generation: Cell::new(0),
                state: Cell::new(State::Free),
                next_free: Cell::new(NONE),
            })
            .collect();
        let raw = Box::into_raw(chunk).cast::<Slot<T>>();
        // SAFETY: `Box::into_raw` never returns null.
        chunks.push(unsafe { NonNull::new_unchecked(raw) });
        self.slots.set(total as u32);
    }

    /// Writes `value` into a free slot in `state` and returns the slot.
    #[inline]
    fn put(&self, value: T, state: State, site: Option<Site>) -> (u32, NonNull<T>) {
        let _ = site;
        #[cfg(feature = "track")]
        if let Some(site) = site {
            self.counters.note_site(site, mem::size_of::<T>());
        }
        let index = match self.free_head.get() {
            NONE => {
                if self.fresh.get() == self.slots.get() {
                    self.grow();
                }
                let i = self.fresh.get();
                self.fresh.set(i + 1);
                i
            }
            i => {
                self.free_head.set(self.slot(i).next_free.get());
                i
            }
        };
        let slot = self.slot(index);
        let ptr = slot.value.get().cast::<T>();
        // SAFETY: 1. the slot is free: it holds no value and no reference to
        // it exists; 2. `ptr` is aligned and valid for a `T`.
        unsafe { ptr.write(value) };
        slot.state.set(state);
        Counters::bump(&self.counters.allocations);
        let live = self.live.get() + 1;
        self.live.set(live);
        if live > self.peak_live.get() {
            self.peak_live.set(live);
        }
        // SAFETY: derived from an `UnsafeCell` inside a live chunk: non-null.
        (index, unsafe { NonNull::new_unchecked(ptr) })
    }

    #[inline]
    fn check(&self, h: Handle<T>, freeing: bool) -> Result<&Slot<T>, HandleError> {
        if h.pool == self.id && h.index < self.slots.get() {
            let slot = self.slot(h.index);
            if slot.generation.get() == h.generation && slot.state.get() == State::Handle {
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
        // A handle of this pool always has `index < slots`; checked anyway so
        // no lookup can go out of bounds.
        let stale = |slot: u32| {
            let (index, handle) = (h.index, h.generation);
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
        };
        if h.index >= self.slots.get() {
            return stale(0);
        }
        stale(self.slot(h.index).generation.get())
    }

    /// Marks slot `index` free (its value already dropped or moved out).
    fn release_slot(&self, index: u32) {
        let slot = self.slot(index);
        let generation = slot.generation.get();
        if generation == u32::MAX {
            slot.state.set(State::Retired);
            self.retired.set(self.retired.get() + 1);
        } else {
            slot.generation.set(generation + 1);
            slot.state.set(State::Free);
            slot.next_free.set(self.free_head.get());
            self.free_head.set(index);
        }
        self.live.set(self.live.get() - 1);
        Counters::bump(&self.counters.frees);
    }

    /// Drops the value of an owned slot (now, or queued inside another drop
    /// of this pool's values) and frees the slot.
    ///
    /// # Safety
    ///
    /// Slot `index` is in the owned state, holds a valid `T`, and its one
    /// `Owned` is going away.
    pub(crate) unsafe fn release_owned(&self, index: u32) {
        if !mem::needs_drop::<T>() {
            // Nothing to drop, so nothing nested to queue.
            self.release_slot(index);
            return;
        }
        self.drops.drop_or_defer(index, |i| self.drop_owned(i));
    }

    fn drop_owned(&self, index: u32) {
        let slot = self.slot(index);
        debug_assert_eq!(slot.state.get(), State::Owned);
        // SAFETY: 1. entries reach here only from `release_owned`, whose
        // caller guarantees a valid `T` given up by its owner; 2. the queue
        // runs each entry once.
        unsafe { ptr::drop_in_place(slot.value.get().cast::<T>()) };
        self.release_slot(index);
    }

    /// Frees an owned slot whose value was moved out.
    ///
    /// # Safety
    ///
    /// Slot `index` is in the owned state and its value has been moved out.
    pub(crate) unsafe fn release_moved_out(&self, index: u32) {
        self.release_slot(index);
    }

    #[cfg(test)]
    pub(crate) fn set_generation(&self, h: Handle<T>, generation: u32) -> Handle<T> {
        self.slot(h.index).generation.set(generation);
        Handle::new(self.id, h.index, generation)
    }
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        self.drops.drain(|i| self.drop_owned(i));
        let chunks = mem::take(self.chunks.get_mut());
        for (k, chunk) in chunks.into_iter().enumerate() {
            let len = FIRST << k;
            for offset in 0..len {
                // SAFETY: 1. chunk `k` has `len` initialized slots; 2. a slot in
                // the handle state holds a valid `T` that only the pool owns
                // (handles do not own), so it is dropped here once. Owned-state
                // slots belong to forgotten or leaked `Owned`s and are leaked.
                unsafe {
                    let slot = &*chunk.as_ptr().add(offset);
                    if slot.state.get() == State::Handle {
                        ptr::drop_in_place(slot.value.get().cast::<T>());
                    }
                }
            }
            // SAFETY: `chunk` came from `Box::<[Slot<T>]>::into_raw` with
            // `len` elements and is freed once (the vector was taken).
            drop(unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(chunk.as_ptr(), len)) });
        }
    }
}

impl<T> core::fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pool")
            .field("id", &self.id)
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spent_generation_retires_the_slot() {
        let mut pool = Pool::new();
        let h = pool.insert(1u8);
        let h = pool.set_generation(h, u32::MAX);
        assert_eq!(pool.get(h), Ok(&1));
        pool.free(h).unwrap();
        assert!(pool.get(h).is_err());
        // The retired slot is not reused: the next value goes elsewhere.
        let next = pool.insert(2u8);
        assert_ne!(next.index(), h.index());
        assert!(pool.report().title.contains("1 slots retired"));
    }

    #[test]
    fn slot_index_maps_across_chunks() {
        let pool = Pool::new();
        let handles: Vec<_> = (0..1000u32).map(|i| pool.insert(i)).collect();
        for (i, h) in handles.iter().enumerate() {
            assert_eq!(pool.get(*h), Ok(&(i as u32)));
        }
        assert_eq!(pool.capacity(), 16 + 32 + 64 + 128 + 256 + 512);
    }
}
