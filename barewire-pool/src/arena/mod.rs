//! `Arena`: bump allocation over chunks of bytes.
//!
//! One of the crate's few unsafe modules: it owns raw chunks from the global
//! allocator and hands out aligned, non-overlapping pieces of them. By
//! concern:
//!
//! * this file: the `Arena` type, its constructors, reset and counters, and
//!   the drops of its values;
//! * `chunk`: raw chunks from the system and the bump pointer, where every
//!   allocation is carved, and the rewind regions and resets use;
//! * `alloc`: the allocation methods (values, slices, raw layouts);
//! * `image`: zero-copy barewire images.
//!
//! Every panicking allocation method is its `try_` method plus the panic
//! (`chunk::or_panic`). `Arena::region` lives with `Region`, in `region.rs`.

mod alloc;
pub(crate) mod chunk;
mod image;

use core::cell::{Cell, RefCell};
use core::ptr::{self, NonNull};

use crate::diag::{Counters, Report, Stats};
use crate::drop_queue::DropQueue;

use chunk::{CHUNK_ALIGN, Chunk, FIRST_CHUNK, Mark, NO_CHUNK};

/// A deferred drop of one arena value: its address and its type's drop.
type ArenaPending = (NonNull<u8>, unsafe fn(*mut u8));

/// A bump allocator: values, slices and raw layouts are carved from chunks of
/// bytes one after another and given back all at once, by [`Arena::reset`] or
/// when a [`Region`] ends.
///
/// * [`Arena::new`] grows: when a chunk is full it asks the system for one
///   twice as large (chunks are kept across resets and reused).
/// * [`Arena::with_capacity_fixed`] never grows: a request that does not fit
///   is an [`AllocError`] from the `try_` methods (the others panic with it).
///
/// A growing arena's `try_` methods also return an [`AllocError`], never
/// panic or abort, when a request cannot be met: a size that, with its
/// alignment, is over `isize::MAX`, or a chunk the system cannot provide.
///
/// Values come back as [`Owned`] handles: dropping one runs the value's drop,
/// and the bytes return when the arena is reset or the region ends. Nothing
/// borrowed from the arena can outlive it, or survive a reset.
/// [`Arena::alloc_mut`] returns a plain `&mut T` instead (as
/// `bumpalo::Bump::alloc` does; the value's drop never runs), and
/// [`Arena::alloc_image`] holds a zero-copy barewire image.
///
/// Allocation bumps a pointer *down* from the top of the current chunk (as
/// bumpalo does): the fast path is a subtraction, a mask, one bounds check
/// and one counter increment; a new chunk or an exhaustion error is a cold,
/// out-of-line call.
///
/// An `Arena` is `Send` but not `Sync`: use one per thread (see the crate
/// docs, "Threads"). It holds values of any type, `!Send` ones included; it
/// can move to another thread only when nothing borrows it, and then no drop
/// of its values is pending (even after a value's drop panicked), so no value
/// is ever dropped on a thread other than the one it was used on.
///
/// ```
/// use barewire_pool::Arena;
///
/// let mut arena = Arena::new();
/// let mut a = arena.alloc(String::from("hello"));
/// a.push_str(", world");
/// let nums = arena.alloc_slice_copy(&[1u32, 2, 3]);
/// nums[0] = 10;
/// assert_eq!(*a, "hello, world");
/// assert_eq!(nums, &[10, 2, 3]);
/// drop(a); // runs String's drop now
/// arena.reset(); // and gives every byte back
/// assert_eq!(arena.bytes_in_use(), 0);
/// ```
///
/// [`AllocError`]: crate::AllocError
/// [`Owned`]: crate::Owned
/// [`Region`]: crate::Region
pub struct Arena {
    /// The bump pointer: the lowest byte handed out from the current chunk.
    /// Allocation moves it down; everything in `[start, ptr)` is free (null
    /// when there is no chunk).
    ptr: Cell<*mut u8>,
    /// The lowest usable byte of the current chunk (null when there is none).
    start: Cell<*mut u8>,
    /// Index of the current chunk in `chunks`, or `NO_CHUNK`.
    current: Cell<usize>,
    chunks: RefCell<Vec<Chunk>>,
    /// `Some(capacity)` for a fixed arena.
    fixed: Option<usize>,
    next_chunk: Cell<usize>,
    pub(crate) counters: Counters,
    drops: DropQueue<ArenaPending>,
}

// SAFETY: the rule: an arena may cross threads only while no code can run on
// the values it holds, whatever their type (they may be `!Send`: an `Rc`, a
// guard). The proof that this holds whenever an `Arena` can be moved:
// 1. Memory: an `Arena` exclusively owns its chunks, and its raw pointers
//    point only into them, so moving it moves that ownership; its other
//    state (counters, the drop queue's flag and vector) is plain data with no
//    tie to a thread.
// 2. Live values: code runs on a value in the arena only through something
//    that borrows the arena (`Owned<'_, T>`, `&mut T`, slices: all carry the
//    arena's lifetime), and a borrowed arena cannot be moved or sent (the
//    borrow checker; `tests/ui/arena_pending_drop_not_send.rs`). So when it is
//    sent, every such access on the old thread has ended.
// 3. Pending drops: the arena runs a value's drop only from `Owned::drop`
//    (which borrows it), directly or from its drop queue, and the queue is
//    empty whenever the arena is not borrowed: the outermost drop neither
//    returns nor unwinds before it has run every entry, a panicking drop
//    included (drop_queue docs, "Panics"). So a sendable arena holds no
//    pending drop, of a `!Send` value or any other, and no drop of a value
//    allocated on one thread ever runs on another.
// 4. Values whose `Owned` was forgotten or leaked are never touched again:
//    their bytes are reused after a reset without running any code on them.
// It is not `Sync` (the `Cell`s are not), so it is never used from two
// threads at once.
unsafe impl Send for Arena {}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

impl Arena {
    fn build(fixed: Option<usize>, first: usize) -> Arena {
        let arena = Arena {
            ptr: Cell::new(ptr::null_mut()),
            start: Cell::new(ptr::null_mut()),
            current: Cell::new(NO_CHUNK),
            chunks: RefCell::new(Vec::new()),
            fixed,
            next_chunk: Cell::new(first.max(FIRST_CHUNK)),
            counters: Counters::default(),
            drops: DropQueue::new(),
        };
        if first > 0 {
            // Checked before anything is allocated: a size no allocation can
            // have (over `isize::MAX` once rounded) panics here at once.
            if arena.push_chunk(first, CHUNK_ALIGN).is_err() {
                capacity_panic(first)
            }
        }
        arena
    }

    /// A growing arena. No memory is asked for until the first allocation.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// assert_eq!(arena.capacity(), 0);
    /// let _x = arena.alloc(7u8);
    /// assert!(arena.capacity() >= 4096);
    /// ```
    pub fn new() -> Arena {
        Arena::build(None, 0)
    }

    /// A growing arena whose first chunk holds `bytes`.
    ///
    /// # Panics
    ///
    /// At once, before allocating, when `bytes` (rounded up to 64) is over
    /// `isize::MAX`; when the system cannot provide the chunk.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity(10_000);
    /// assert_eq!(arena.capacity(), 10_000);
    /// ```
    pub fn with_capacity(bytes: usize) -> Arena {
        Arena::build(None, bytes)
    }

    /// An arena of exactly `bytes` that never grows; running out is an
    /// [`AllocError`](crate::AllocError).
    ///
    /// # Panics
    ///
    /// As [`Arena::with_capacity`].
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(8);
    /// assert!(arena.try_alloc(1u64).is_ok());
    /// assert!(arena.try_alloc(2u64).is_err());
    /// ```
    pub fn with_capacity_fixed(bytes: usize) -> Arena {
        Arena::build(Some(bytes), bytes)
    }

    /// Gives every byte back at once. Chunks are kept for reuse.
    ///
    /// Takes `&mut self`, so no value or slice from the arena can still be in
    /// use (a compile error otherwise).
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// arena.alloc_slice_copy(&[0u8; 100]);
    /// arena.reset();
    /// assert_eq!(arena.bytes_in_use(), 0);
    /// assert_eq!(arena.stats().peak_bytes, 100);
    /// ```
    pub fn reset(&mut self) {
        self.counters.observe(self.bytes_in_use());
        Counters::bump(&self.counters.resets);
        // SAFETY: `rewind`'s contract: 1. `&mut self`: nothing allocated from
        // the arena is borrowed, and no drop of its values is running or
        // queued (drop_queue docs); 2. the "no chunk" mark is before every
        // allocation, so it is never after a later rewind.
        unsafe { self.rewind(Mark::BEFORE_ALL) };
    }

    /// The counters (see [`Stats`]).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// arena.alloc(0u16);
    /// assert_eq!(arena.stats().bytes_in_use, 2);
    /// // With the `count` feature (or `track`) only:
    /// assert_eq!(arena.stats().allocations, cfg!(feature = "count").then_some(1));
    /// ```
    pub fn stats(&self) -> Stats {
        let in_use = self.bytes_in_use();
        self.counters.observe(in_use);
        let c = &self.counters;
        Stats {
            bytes_in_use: in_use,
            peak_bytes: c.peak.get(),
            capacity: self.capacity(),
            fixed: self.fixed.is_some(),
            allocations: cfg!(feature = "count").then(|| c.allocations.get()),
            frees: c.frees.get(),
            resets: c.resets.get(),
            regions: c.regions.get(),
            exhaustions: c.exhaustions.get(),
        }
    }

    /// A readable report with suggestions (see [`Report`]).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// arena.alloc(1u64);
    /// println!("{}", arena.report());
    /// ```
    pub fn report(&self) -> Report {
        self.counters.report("arena".to_string(), self.stats())
    }

    /// Drops `ptr`'s value now or, inside another drop of this arena's
    /// values, queues it (non-recursive drop, see `drop_queue`).
    ///
    /// # Safety
    ///
    /// `ptr` points to a valid `T` in this arena that nothing else will use or
    /// drop again.
    pub(crate) unsafe fn drop_value<T>(&self, ptr: NonNull<T>) {
        /// # Safety
        ///
        /// `p` points to a valid `T` dropped by no one else.
        unsafe fn drop_erased<T>(p: *mut u8) {
            // SAFETY: 1. `p` was a `NonNull<T>`: aligned and non-null; 2. it
            // holds a valid `T` that nothing else drops (caller).
            unsafe { ptr::drop_in_place(p.cast::<T>()) }
        }
        self.drops
            .drop_or_defer((ptr.cast::<u8>(), drop_erased::<T>), run_pending);
    }
}

fn run_pending((p, f): ArenaPending) {
    // SAFETY: 1. entries are built by `drop_value` from a valid `T` that
    // nothing else drops, with `f = drop_erased::<T>`; 2. the queue gives each
    // entry to `run_pending` exactly once, even when a drop panics (it pops an
    // entry before running it); 3. the arena's memory is alive: entries exist
    // only during an `Owned` drop, which borrows the arena, and the queue is
    // empty before that drop returns or unwinds (drop_queue docs).
    unsafe { f(p.as_ptr()) }
}

#[cold]
#[track_caller]
fn capacity_panic(bytes: usize) -> ! {
    panic!(
        "cannot make an arena of {bytes} bytes: a chunk (rounded up to 64 bytes) must fit in isize::MAX bytes, and the system must have the memory"
    )
}

impl core::fmt::Debug for Arena {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Arena")
            .field("bytes_in_use", &self.bytes_in_use())
            .field("capacity", &self.capacity())
            .field("fixed", &self.fixed.is_some())
            .finish()
    }
}
