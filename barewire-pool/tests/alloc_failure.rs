//! A global allocator that can be switched to fail every request (as
//! bumpalo's `tests/try_alloc.rs` does): every `try_` method of a growing
//! arena and of its regions returns `Err` when it needs the system, and
//! never panics or aborts; what fits in a chunk already held still
//! succeeds without asking. `Pool::try_with_capacity` returns `Err` too,
//! and a capacity no pool can have fails before any request (the panicking
//! `Pool::with_capacity` is checked in `tests/capacity.rs`).
//!
//! Its own test binary, because it installs the global allocator. The
//! switch is per thread, so the tests can run in parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use barewire_pool::{Arena, CapacityError, Pool};

thread_local! {
    /// While set, every request of this thread fails (returns null).
    static FAIL: Cell<bool> = const { Cell::new(false) };
    /// Requests of this thread, granted or not.
    static REQUESTS: Cell<u64> = const { Cell::new(0) };
    /// Requests of this thread refused while `FAIL` was set.
    static REFUSED: Cell<u64> = const { Cell::new(0) };
}

struct Switchable;

// SAFETY: forwards to `System` unchanged, or returns null (a valid answer of
// `alloc`, `alloc_zeroed` and `realloc`, which then leave the block as it
// was); the bookkeeping touches only const-initialized thread-locals without
// destructors, so it neither allocates nor unwinds.
unsafe impl GlobalAlloc for Switchable {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if refuse() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract for `alloc`, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if refuse() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract for `alloc_zeroed`, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if refuse() {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract for `realloc`, passed on (`ptr` came
        // from `System` through this allocator).
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with `layout`, through this
        // allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Counts a request; whether to refuse it.
fn refuse() -> bool {
    let _ = REQUESTS.try_with(|r| r.set(r.get() + 1));
    let fail = FAIL.try_with(Cell::get).unwrap_or(false);
    if fail {
        let _ = REFUSED.try_with(|r| r.set(r.get() + 1));
    }
    fail
}

#[global_allocator]
static ALLOCATOR: Switchable = Switchable;

/// Runs `f` with every request of this thread refused. Returns what it
/// returned (a panic fails the test with its message) and how many requests
/// it made.
fn failing<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = REFUSED.with(Cell::get);
    FAIL.with(|x| x.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    FAIL.with(|x| x.set(false));
    let refused = REFUSED.with(Cell::get) - before;
    match r {
        Ok(r) => (r, refused),
        Err(_) => panic!("a `try_` method panicked while the system had no memory"),
    }
}

/// The `try_` methods that can need a new chunk, by name.
const METHODS: [&str; 6] = [
    "try_alloc",
    "try_alloc_mut",
    "try_alloc_slice_copy",
    "try_alloc_layout",
    "try_alloc_zeroed",
    "try_alloc_image_bytes",
];

/// Each of [`METHODS`] asked for `data.len()` bytes (values of 8 KiB);
/// whether each returned `Err`. Allocates nothing itself, so that it can run
/// with every request refused.
fn try_everything(arena: &Arena, data: &[u8]) -> [bool; 6] {
    let layout = Layout::from_size_align(data.len(), 8).unwrap();
    [
        arena.try_alloc([0u8; 8192]).is_err(),
        arena.try_alloc_mut([0u8; 8192]).is_err(),
        arena.try_alloc_slice_copy(data).is_err(),
        arena.try_alloc_layout(layout).is_err(),
        arena.try_alloc_zeroed(layout).is_err(),
        arena.try_alloc_image_bytes(data).is_err(),
    ]
}

fn assert_all_err(results: [bool; 6]) {
    for (method, err) in METHODS.iter().zip(results) {
        assert!(err, "{method} succeeded with no memory");
    }
}

#[test]
fn every_try_method_of_a_growing_arena_returns_err_without_memory() {
    // No chunk yet: every request needs the system.
    let arena = Arena::new();
    let small = vec![7u8; 8192];
    let (results, refused) = failing(|| try_everything(&arena, &small));
    assert_all_err(results);
    assert!(refused >= 6, "{refused} requests refused");
    assert_eq!(arena.capacity(), 0);
    // With a chunk partly used, a request past it needs the system too.
    let _ = arena.alloc_slice_copy(&[1u8; 100]);
    let big = vec![7u8; 1 << 20];
    let (results, refused) = failing(|| try_everything(&arena, &big));
    assert_all_err(results);
    assert!(refused >= 6, "{refused} requests refused");
    // Memory back: the arena works again.
    assert_eq!(arena.alloc_slice_copy(&[2u8; 1 << 20]).len(), 1 << 20);
}

#[test]
fn what_fits_in_a_held_chunk_needs_no_memory() {
    let arena = Arena::with_capacity(1 << 16);
    let (results, refused) = failing(|| {
        let a = arena.try_alloc(5u64).map(|v| *v);
        let b = arena.try_alloc_mut(6u32).map(|v| *v);
        let c = arena.try_alloc_slice_copy(&[1u16, 2, 3]).map(|s| s.len());
        let d = arena
            .try_alloc_zeroed(Layout::from_size_align(64, 64).unwrap())
            .map(|s| s.len());
        (a, b, c, d)
    });
    assert_eq!(results, (Ok(5), Ok(6), Ok(3), Ok(64)));
    // With `track`, each new call site asks for a diagnostics entry, which
    // is skipped when refused; the allocations themselves ask for nothing.
    if !cfg!(feature = "track") {
        assert_eq!(refused, 0);
    }
}

#[test]
fn every_try_method_of_a_region_returns_err_without_memory() {
    let mut arena = Arena::new();
    let region = arena.region();
    let data = vec![3u8; 8192];
    let layout = Layout::from_size_align(8192, 8).unwrap();
    let (results, refused) = failing(|| {
        [
            region.try_alloc([0u8; 8192]).is_err(),
            region.try_alloc_mut([0u8; 8192]).is_err(),
            region.try_alloc_slice_copy(&data).is_err(),
            region.try_alloc_layout(layout).is_err(),
            region.try_alloc_zeroed(layout).is_err(),
            region.try_alloc_image_bytes(&data).is_err(),
        ]
    });
    assert_eq!(results, [true; 6]);
    assert!(refused >= 6);
    assert_eq!(region.alloc_slice_copy(&data).len(), 8192);
}

#[test]
fn pool_try_with_capacity_returns_err_without_memory() {
    let (r, refused) = failing(|| Pool::<u64>::try_with_capacity(1000).map(|p| p.capacity()));
    assert!(matches!(r, Err(CapacityError::OutOfMemory { .. })), "{r:?}");
    assert!(refused > 0);
    // A capacity no pool can have fails before any request.
    let before = REQUESTS.with(Cell::get);
    let r = Pool::<u8>::try_with_capacity(usize::MAX).map(|p| p.capacity());
    assert_eq!(
        r,
        Err(CapacityError::TooManyValues {
            requested: usize::MAX,
            max: Pool::<u8>::MAX_CAPACITY
        })
    );
    let r = Pool::<u8>::try_with_capacity(Pool::<u8>::MAX_CAPACITY + 1).map(|p| p.capacity());
    assert!(
        matches!(r, Err(CapacityError::TooManyValues { .. })),
        "{r:?}"
    );
    assert_eq!(REQUESTS.with(Cell::get), before, "no request was made");
    // Memory back: the same request succeeds.
    assert!(Pool::<u64>::try_with_capacity(1000).unwrap().capacity() >= 1000);
}
