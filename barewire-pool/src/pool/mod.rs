//! `Pool<T>`: typed fixed-size slots with an O(1) free list.
//!
//! One of the crate's few unsafe modules: slots hold `MaybeUninit<T>` whose
//! state (held for a `Handle`, retired, or neither: free or taken by an
//! `Owned`, which the free list tells apart) is tracked beside it, in the
//! slot's stamp. By concern:
//!
//! * this file: the `Pool` type, its constructors and counters;
//! * `slots`: the slots and the chunks that hold them, the free list, and
//!   every raw access to a slot;
//! * `values`: putting values in (`alloc`, `insert`) and reaching them
//!   through handles (`get`, `get_mut`, `free`, `remove`, `contains`);
//! * `scope`: `Pool::scope`, for values that own each other.
//!
//! Slot keys and stamps, which handles carry too, are in `key` and `stamp`.

mod scope;
mod slots;
mod values;

pub use scope::Scoped;

use core::cell::Cell;
use core::marker::PhantomData;
use core::mem;
use core::ptr;

use crate::diag::{Counters, Report, Stats};
use crate::drop_queue::DropQueue;
use crate::error::CapacityError;
use crate::handle::next_pool_id;
use crate::key::{self, NONE};

use slots::Slot;

/// Typed slots of one size with an O(1) free list.
///
/// Two ways in:
///
/// * [`Pool::alloc`] gives an [`Owned`](crate::Owned) that borrows the pool: move-only,
///   dropped at the end of its owner's scope, when its slot is free again at
///   once.
/// * [`Pool::insert`] gives a [`Handle`](crate::Handle): a `'static`, `Copy` key checked at
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
    /// Whether dropping the pool drops the values held for handles: false
    /// for the pool of [`Pool::scope`], whose values may refer to each other
    /// (see `scope`).
    drop_held: bool,
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
            drop_held: true,
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
    /// memory for them. [`Pool::try_with_capacity`] returns these as errors.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::<u32>::with_capacity(100);
    /// assert!(pool.capacity() >= 100);
    /// assert!(std::panic::catch_unwind(|| barewire_pool::Pool::<u8>::with_capacity(usize::MAX)).is_err());
    /// ```
    #[track_caller]
    pub fn with_capacity(n: usize) -> Pool<T> {
        match Pool::try_with_capacity(n) {
            Ok(pool) => pool,
            Err(e) => capacity_panic(e),
        }
    }

    /// A pool with room for at least `n` values before it grows, or why it
    /// cannot be made: too many values for a pool's slot keys, more than
    /// `isize::MAX` bytes of slots (both found before anything is
    /// allocated), or no memory from the system (what was allocated is
    /// given back). Never panics or aborts.
    ///
    /// # Errors
    ///
    /// [`CapacityError`](crate::CapacityError), whose message says which.
    ///
    /// ```
    /// use barewire_pool::{CapacityError, Pool};
    ///
    /// let pool = Pool::<u32>::try_with_capacity(100).unwrap();
    /// assert!(pool.capacity() >= 100);
    /// let err = Pool::<u8>::try_with_capacity(usize::MAX).unwrap_err();
    /// assert!(matches!(err, CapacityError::TooManyValues { .. }));
    /// assert!(err.to_string().contains("at most"));
    /// ```
    pub fn try_with_capacity(n: usize) -> Result<Pool<T>, CapacityError> {
        let Some(chunks) = key::chunks_for(n) else {
            return Err(CapacityError::TooManyValues {
                requested: n,
                max: Self::MAX_CAPACITY,
            });
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
            return Err(CapacityError::TooManyBytes {
                slots: key::before(chunks),
                slot_size: mem::size_of::<Slot<T>>(),
            });
        }
        let pool = Pool::new();
        while pool.nchunks.get() < chunks {
            // On an error the pool is dropped, and with it the chunks made.
            pool.try_grow()?;
        }
        Ok(pool)
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

    /// The counters (bytes are slots times `size_of::<T>()`).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// drop(pool.alloc(1u32));
    /// let s = pool.stats();
    /// assert_eq!((s.allocations, s.frees, s.peak_bytes), (Some(1), 1, 4));
    /// ```
    pub fn stats(&self) -> Stats {
        let size = mem::size_of::<T>();
        let c = &self.counters;
        Stats {
            bytes_in_use: self.len() * size,
            peak_bytes: self.peak_live.get() * size,
            capacity: self.slots.get() as usize * size,
            fixed: false,
            allocations: Some(c.allocations.get()),
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
}

/// The panic of [`Pool::with_capacity`] and of a pool that cannot grow.
#[cold]
#[track_caller]
fn capacity_panic(e: CapacityError) -> ! {
    panic!("{e}")
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
    use crate::pool::Pool;
    use crate::stamp;

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
