//! `Pool<T>`: typed fixed-size slots with an O(1) free list.
//!
//! One of the crate's few unsafe modules: slots hold `MaybeUninit<T>` whose
//! state (free, owned by an `Owned`, held for a `Handle`, retired) is tracked
//! beside it, in the slot's stamp.

use core::cell::{Cell, UnsafeCell};
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr::{self, NonNull};

use crate::Owned;
use crate::diag::{Counters, Report, Site, Stats, caller_site};
use crate::drop_queue::DropQueue;
use crate::handle::{Handle, HandleError, next_pool_id};

/// Slot keys: a slot is named by its chunk and its offset in the chunk,
/// `chunk << OFFSET_BITS | offset`, so finding it is a shift, a mask and one
/// load (no logarithm). Chunk `k` has `min(FIRST << k, MAX_CHUNK_LEN)` slots
/// and never moves once made. [`index`](key::index) turns a key into the
/// slot's position in the pool (0, 1, 2, ... across chunks) for users.
pub(crate) mod key {
    /// Slots of chunk 0; each next chunk doubles, up to `MAX_CHUNK_LEN`.
    pub(crate) const FIRST_SHIFT: u32 = 4;
    pub(crate) const FIRST: usize = 1 << FIRST_SHIFT;
    /// Bits of a key that hold the offset in the chunk.
    pub(crate) const OFFSET_BITS: u32 = 27;
    pub(crate) const OFFSET_MASK: u32 = (1 << OFFSET_BITS) - 1;
    /// The largest chunk (reached at chunk 23; later chunks stay this size).
    pub(crate) const MAX_CHUNK_LEN: usize = 1 << OFFSET_BITS;
    const DOUBLING: u32 = OFFSET_BITS - FIRST_SHIFT;
    /// Chunks a pool can have: 31, so that no key is `u32::MAX` (`NONE`).
    pub(crate) const MAX_CHUNKS: usize = (1 << (32 - OFFSET_BITS)) - 1;
    /// "No slot" in the free list.
    pub(crate) const NONE: u32 = u32::MAX;
    /// Slots a pool can ever have: every key of every chunk.
    pub(crate) const MAX_SLOTS: usize = before(MAX_CHUNKS);

    /// The number of chunks that hold at least `n` slots, if any number can.
    pub(crate) const fn chunks_for(n: usize) -> Option<usize> {
        let mut k = 0;
        while k <= MAX_CHUNKS {
            if before(k) >= n {
                return Some(k);
            }
            k += 1;
        }
        None
    }

    /// Slots in chunk `k`.
    pub(crate) const fn chunk_len(k: usize) -> usize {
        if k as u32 >= DOUBLING {
            MAX_CHUNK_LEN
        } else {
            FIRST << k
        }
    }

    /// Slots in the chunks before chunk `k` (`k <= MAX_CHUNKS`).
    pub(crate) const fn before(k: usize) -> usize {
        if k as u32 >= DOUBLING {
            // 16 + 32 + ... + 2^26 = 2^27 - 16, then full chunks.
            MAX_CHUNK_LEN - FIRST + (k - DOUBLING as usize) * MAX_CHUNK_LEN
        } else {
            (FIRST << k) - FIRST
        }
    }

    pub(crate) const fn make(k: usize, offset: usize) -> u32 {
        ((k as u32) << OFFSET_BITS) | offset as u32
    }

    /// The slot's position in the pool, counting across chunks.
    pub(crate) const fn index(key: u32) -> u32 {
        let k = (key >> OFFSET_BITS) as usize;
        (before(k) + (key & OFFSET_MASK) as usize) as u32
    }
}

/// Slot stamps: `generation << 2 | state`, in one `u32` so that a handle
/// check is one comparison (generation and state at once).
pub(crate) mod stamp {
    /// Holds no value; on the free list.
    pub(crate) const FREE: u32 = 0;
    /// Held by an `Owned` (or leaked from one).
    pub(crate) const OWNED: u32 = 1;
    /// Held for `Handle`s of the slot's current generation.
    pub(crate) const HANDLE: u32 = 2;
    /// Its generation is spent; never reused.
    pub(crate) const RETIRED: u32 = 3;
    pub(crate) const STATE: u32 = 3;
    /// The last generation a slot reaches; freeing it then retires the slot,
    /// so generations never wrap to a value a stale handle could match.
    pub(crate) const MAX_GENERATION: u32 = u32::MAX >> 2;

    pub(crate) const fn generation(stamp: u32) -> u32 {
        stamp >> 2
    }

    pub(crate) const fn state(stamp: u32) -> u32 {
        stamp & STATE
    }

    pub(crate) const fn make(generation: u32, state: u32) -> u32 {
        (generation << 2) | state
    }
}

use key::NONE;

/// One slot. `repr(C)` with the value first, so a pointer to the value is a
/// pointer to the slot (`Owned`s give back their slot without a lookup).
#[repr(C)]
struct Slot<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    stamp: Cell<u32>,
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
/// Slots live in chunks that never move (each twice the size of the last, up
/// to 2^27 slots), so growing never invalidates a reference. Freed slots go on a free list; a slot
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
    /// Chunk `k` starts at `chunks[k]` (for `k < nchunks`; null after) and
    /// has `key::chunk_len(k)` slots. 32 entries, so any `key >> OFFSET_BITS`
    /// indexes it without a bounds check; at most `MAX_CHUNKS` are used.
    chunks: [Cell<*mut Slot<T>>; 32],
    nchunks: Cell<usize>,
    /// Slots in all chunks.
    slots: Cell<u32>,
    /// The key of the first slot never used (it may be in a chunk not made
    /// yet: then `fresh >> OFFSET_BITS == nchunks`).
    fresh: Cell<u32>,
    /// Slots ever used (taken from `fresh`).
    used: Cell<u32>,
    free_head: Cell<u32>,
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
            chunks: [const { Cell::new(ptr::null_mut()) }; 32],
            nchunks: Cell::new(0),
            slots: Cell::new(0),
            fresh: Cell::new(0),
            used: Cell::new(0),
            free_head: Cell::new(NONE),
            peak_live: Cell::new(0),
            retired: Cell::new(0),
            counters: Counters::default(),
            drops: DropQueue::new(),
            _own: PhantomData,
        }
    }

    /// A pool with room for at least `n` values before it grows.
    ///
    /// # Panics
    ///
    /// At once, before allocating anything, when `n` is more than a pool can
    /// ever hold ([`Pool::MAX_CAPACITY`] values: slot keys are `u32`) or the
    /// slots would take more than `isize::MAX` bytes; when the system has no
    /// memory for them.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::<u32>::with_capacity(100);
    /// assert!(pool.capacity() >= 100);
    /// assert!(std::panic::catch_unwind(|| barewire_pool::Pool::<u8>::with_capacity(usize::MAX)).is_err());
    /// ```
    pub fn with_capacity(n: usize) -> Pool<T> {
        let Some(chunks) = key::chunks_for(n) else {
            panic!(
                "Pool::with_capacity({n}): a pool holds at most {} values (its slot keys are u32)",
                Self::MAX_CAPACITY
            )
        };
        // Every chunk's size, and their sum, checked before the first one is
        // made (a request that cannot be met fails at once).
        let mut bytes: usize = 0;
        for k in 0..chunks {
            bytes = match Self::chunk_layout(k) {
                Some(layout) => bytes.saturating_add(layout.size()),
                None => usize::MAX,
            };
        }
        if bytes > isize::MAX as usize {
            panic!(
                "Pool::with_capacity({n}): {} slots of {} bytes are more than isize::MAX bytes",
                key::before(chunks),
                mem::size_of::<Slot<T>>()
            );
        }
        let pool = Pool::new();
        while pool.nchunks.get() < chunks {
            pool.grow();
        }
        pool
    }

    /// The most values a pool can hold: 9 × 2^27 - 16 (slot keys are `u32`:
    /// 31 chunks of up to 2^27 slots, and the key `u32::MAX` means "no slot").
    ///
    /// ```
    /// assert_eq!(barewire_pool::Pool::<u8>::MAX_CAPACITY, 9 * (1 << 27) - 16);
    /// ```
    pub const MAX_CAPACITY: usize = key::MAX_SLOTS;

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
        // Every allocation takes a slot and every free gives one back (or
        // retires it), so the difference is the values held.
        let c = &self.counters;
        c.allocations.get().wrapping_sub(c.frees.get()) as usize
    }

    /// Whether no value is held.
    ///
    /// ```
    /// assert!(barewire_pool::Pool::<i8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn alloc(&self, value: T) -> Owned<'_, T> {
        let (key, slot) = self.put(value, stamp::OWNED, caller_site());
        // SAFETY: the slot's value (at the slot's address, `repr(C)`) is the
        // valid `T` just written to slot `key`, which is in the owned state
        // and known to no one else; the pointer has the chunk's provenance.
        unsafe { Owned::from_pool(NonNull::new_unchecked(slot.cast::<T>()), self, key) }
    }

    /// Moves `value` into a slot and returns a checked handle to it.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert("x");
    /// assert_eq!(pool.get(h), Ok(&"x"));
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn insert(&self, value: T) -> Handle<T> {
        let (key, slot) = self.put(value, stamp::HANDLE, caller_site());
        // SAFETY: `slot` is a live slot of this pool (`put` contract).
        Handle::new(self.id, key, unsafe { &(*slot).stamp }.get())
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
        // generation, so it holds a valid `T` (at the slot's address,
        // `repr(C)`); 2. the value can only be mutated or freed through
        // `&mut self`, which this shared borrow excludes.
        Ok(unsafe { &*slot.cast::<T>() })
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
        Ok(unsafe { &mut *slot.cast::<T>() })
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
        // marked free right after, so the value is read out exactly once;
        // 3. `slot` is the live slot of key `h.key` (checked handle).
        unsafe {
            let value = slot.cast::<T>().read();
            self.release_slot(slot, h.key);
            Ok(value)
        }
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
            bytes_in_use: self.len() * size,
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
    fn chunk_layout(k: usize) -> Option<core::alloc::Layout> {
        core::alloc::Layout::array::<Slot<T>>(key::chunk_len(k)).ok()
    }

    /// Makes the next chunk.
    ///
    /// # Panics
    ///
    /// When the pool has all the chunks its keys can name, when the chunk
    /// would be over `isize::MAX` bytes, or when the system has no memory for
    /// it; in each case before anything changes.
    #[cold]
    #[inline(never)]
    fn grow(&self) {
        let k = self.nchunks.get();
        assert!(
            k < key::MAX_CHUNKS,
            "pool is full ({} slots, the most its u32 slot keys can name)",
            self.slots.get()
        );
        let len = key::chunk_len(k);
        let Some(layout) = Self::chunk_layout(k) else {
            panic!(
                "pool cannot grow: {len} slots of {} bytes are more than isize::MAX bytes",
                mem::size_of::<Slot<T>>()
            )
        };
        let mut chunk: Vec<Slot<T>> = Vec::new();
        if chunk.try_reserve_exact(len).is_err() {
            panic!(
                "pool cannot grow: no memory for {len} slots ({} bytes)",
                layout.size()
            );
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
    }

    /// The key of a never-used slot, growing the pool when there is none.
    /// Taken only when the free list is empty, so then every used slot that
    /// is not retired is live: the place to raise the peak.
    #[inline(never)]
    fn take_fresh(&self) -> u32 {
        let key = self.fresh.get();
        let k = (key >> key::OFFSET_BITS) as usize;
        if k == self.nchunks.get() {
            self.grow();
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
    fn put(&self, value: T, state: u32, site: Option<Site>) -> (u32, *mut Slot<T>) {
        let _ = site;
        #[cfg(feature = "track")]
        if let Some(site) = site {
            self.counters.note_site(site, mem::size_of::<T>());
        }
        let mut key = self.free_head.get();
        let slot = if key != NONE {
            // SAFETY: free-list keys name slots of this pool.
            let slot = unsafe { self.slot_ptr(key) };
            // SAFETY: `slot` is a live slot; `next_free` is a `Cell`.
            self.free_head.set(unsafe { &(*slot).next_free }.get());
            slot
        } else {
            key = self.take_fresh();
            // SAFETY: `take_fresh` returns the key of a slot it made sure
            // exists.
            unsafe { self.slot_ptr(key) }
        };
        // SAFETY: 1. the slot is free (off the free list, or never used): it
        // holds no value and nothing refers to its value; 2. the value is at
        // the slot's address (`repr(C)`, value first) and aligned for `T`.
        unsafe { slot.cast::<T>().write(value) };
        // SAFETY: as above; `stamp` is a `Cell`. A free slot's state bits are
        // zero, so adding the state sets it and keeps the generation. (An add,
        // not an `|`: the compiler would narrow `| 1` to a one-byte store,
        // and the 4-byte load of the stamp when the slot is freed again could
        // not be forwarded from it, a stall of about a dozen cycles.)
        let stamp = unsafe { &(*slot).stamp };
        stamp.set(stamp.get() + state);
        Counters::bump(&self.counters.allocations);
        (key, slot)
    }

    /// The slot of a live handle: one identity comparison, one slot lookup,
    /// one stamp comparison (generation and state at once).
    #[inline(always)]
    fn check(&self, h: Handle<T>, freeing: bool) -> Result<*mut Slot<T>, HandleError> {
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

    /// Marks `slot` (named `key`) free, or retires it when its generations
    /// are spent.
    ///
    /// # Safety
    ///
    /// `slot` is the live slot of this pool named `key`, held (owned or for
    /// handles), and its value has already been dropped or moved out.
    #[inline(always)]
    unsafe fn release_slot(&self, slot: *mut Slot<T>, key: u32) {
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
            unsafe { self.release_slot(value.as_ptr().cast::<Slot<T>>(), key) };
            return;
        }
        self.drops.drop_or_defer(key, |k| self.drop_owned(k));
    }

    fn drop_owned(&self, key: u32) {
        // SAFETY: entries reach here only from `release_owned`, with the key
        // of an owned slot of this pool.
        let slot = unsafe { self.slot_ptr(key) };
        // SAFETY: `slot` is a live slot; `stamp` is a `Cell`.
        let state = stamp::state(unsafe { &(*slot).stamp }.get());
        debug_assert_eq!(state, stamp::OWNED);
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
                // SAFETY: `slot` is the live owned slot named `key`, and its
                // value has just been dropped (see `drop_owned`).
                unsafe { self.pool.release_slot(self.slot, self.key) }
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
        unsafe { self.release_slot(value.as_ptr().cast::<Slot<T>>(), key) };
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
            for offset in 0..len {
                // SAFETY: 1. chunk `k` has `len` initialized slots; 2. a slot in
                // the handle state holds a valid `T` that only the pool owns
                // (handles do not own), so it is dropped here once. Owned-state
                // slots belong to forgotten or leaked `Owned`s and are leaked.
                unsafe {
                    let slot = chunk.add(offset);
                    if stamp::state((*slot).stamp.get()) == stamp::HANDLE {
                        ptr::drop_in_place(slot.cast::<T>());
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
        let h = pool.set_generation(h, stamp::MAX_GENERATION);
        assert_eq!(pool.get(h), Ok(&1));
        pool.free(h).unwrap();
        assert!(pool.get(h).is_err());
        // The retired slot is not reused: the next value goes elsewhere.
        let next = pool.insert(2u8);
        assert_ne!(next.index(), h.index());
        assert!(pool.report().title.contains("1 slots retired"));
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn slot_index_maps_across_chunks() {
        let pool = Pool::new();
        let handles: Vec<_> = (0..1000u32).map(|i| pool.insert(i)).collect();
        for (i, h) in handles.iter().enumerate() {
            assert_eq!(pool.get(*h), Ok(&(i as u32)));
            assert_eq!(h.index(), i as u32, "positions count across chunks");
        }
        assert_eq!(pool.capacity(), 16 + 32 + 64 + 128 + 256 + 512);
    }

    #[test]
    fn keys_and_positions() {
        assert_eq!(key::chunk_len(0), 16);
        assert_eq!(key::chunk_len(22), 1 << 26);
        assert_eq!(key::chunk_len(23), 1 << 27);
        assert_eq!(key::chunk_len(30), 1 << 27);
        assert_eq!(key::index(key::make(0, 5)), 5);
        assert_eq!(key::index(key::make(1, 0)), 16);
        assert_eq!(key::index(key::make(23, 0)), (1 << 27) - 16);
        assert_eq!(key::index(key::make(24, 1)), (1 << 28) - 16 + 1);
        // The last slot's key is not the free list's `NONE`.
        let last = key::make(key::MAX_CHUNKS - 1, key::chunk_len(key::MAX_CHUNKS - 1) - 1);
        assert_ne!(last, NONE);
    }

    #[test]
    fn peak_counts_live_values() {
        let pool = Pool::new();
        {
            let _a: Vec<_> = (0..40u64).map(|i| pool.alloc(i)).collect();
        }
        let _b: Vec<_> = (0..10u64).map(|i| pool.alloc(i)).collect();
        let s = pool.stats();
        assert_eq!(s.peak_bytes, 40 * 8);
        assert_eq!(s.bytes_in_use, 10 * 8);
        assert_eq!(pool.len(), 10);
    }
}
