//! Requests no allocator can meet: capacities past what slot keys or
//! `isize::MAX` can address fail at once, before any memory is asked for;
//! `try_` methods return `Err` (never panic or abort), also when the system
//! runs out of memory. A global allocator that counts what each thread asks
//! for, and refuses requests over a per-thread limit, shows both.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use barewire_pool::{Arena, Pool};

thread_local! {
    /// The largest request this thread made since the last `limited`.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    /// Requests larger than this fail (return null) on this thread.
    static LIMIT: Cell<usize> = const { Cell::new(usize::MAX) };
}

struct Limited;

// SAFETY: forwards to `System`, or returns null (a valid answer of `alloc`),
// and only touches const-initialized thread-locals without destructors.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if LIMIT.try_with(|l| layout.size() > l.get()).unwrap_or(false) {
            return std::ptr::null_mut();
        }
        let _ = LARGEST.try_with(|a| a.set(a.get().max(layout.size())));
        // SAFETY: the caller's contract for `alloc`, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc(layout)` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Limited = Limited;

/// Runs `f` with requests over `limit` bytes refused; returns its result and
/// the largest request it made that was granted. (The largest, not the sum:
/// the panic machinery allocates a little, and may capture a backtrace.)
fn limited<R>(limit: usize, f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    LIMIT.with(|l| l.set(limit));
    let r = f();
    LIMIT.with(|l| l.set(usize::MAX));
    (r, LARGEST.with(Cell::get))
}

thread_local! {
    /// Set while a panic is expected: the hook stays silent (printing it could
    /// capture a backtrace, whose large buffers would count as requests).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// The message of the panic `f` must raise.
fn panic_message(f: impl FnOnce()) -> String {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let caught = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    let payload = caught.expect_err("should panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast_ref::<&str>()
            .map_or_else(String::new, |s| s.to_string()),
    }
}

/// Before the fix this made chunk after chunk (about 16 GiB for `u8`) before
/// the key space ran out; under the 64 MiB limit, it aborted instead.
#[test]
fn pool_with_capacity_past_the_key_space_panics_before_allocating() {
    let (msg, asked) = limited(64 << 20, || {
        panic_message(|| drop(Pool::<u8>::with_capacity(usize::MAX)))
    });
    assert!(msg.contains("at most"), "{msg}");
    assert!(asked < 64 << 10, "a request of {asked} bytes");
    let (msg, asked) = limited(64 << 20, || {
        panic_message(|| drop(Pool::<u8>::with_capacity(Pool::<u8>::MAX_CAPACITY + 1)))
    });
    assert!(msg.contains("at most"), "{msg}");
    assert!(asked < 64 << 10, "a request of {asked} bytes");
}

// Not under AddressSanitizer (`scripts/sanitize.sh` sets `barewire_asan`):
// instrumenting code for a 1 TiB item type makes rustc run out of memory.
#[test]
#[cfg(not(barewire_asan))]
fn pool_with_capacity_past_isize_max_bytes_panics_before_allocating() {
    let (msg, asked) = limited(64 << 20, || {
        panic_message(|| drop(Pool::<[u8; 1 << 40]>::with_capacity(1 << 24)))
    });
    assert!(msg.contains("isize::MAX"), "{msg}");
    assert!(asked < 64 << 10, "a request of {asked} bytes");
}

/// Out of memory is a panic with a message, not an abort.
#[test]
fn pool_growth_without_memory_panics() {
    type Big = [u8; 1 << 12];
    // The first chunk is 16 slots of 4 KiB and more: over the 16 KiB limit.
    let (msg, _) = limited(16 << 10, || {
        panic_message(|| drop(Pool::<Big>::with_capacity(1)))
    });
    assert!(msg.contains("no memory"), "{msg}");
    let pool = Pool::<Big>::new();
    let (msg, _) = limited(16 << 10, || {
        panic_message(|| {
            pool.insert([0; 1 << 12]);
        })
    });
    assert!(msg.contains("no memory"), "{msg}");
    assert!(pool.is_empty());
}

#[test]
fn pool_with_capacity_in_range_is_exact_about_chunks() {
    let pool = Pool::<u8>::with_capacity(17);
    assert_eq!(pool.capacity(), 16 + 32);
    assert_eq!(Pool::<u8>::with_capacity(0).capacity(), 0);
    assert_eq!(Pool::<u8>::with_capacity(16).capacity(), 16);
}

/// Before the fix, the new chunk's size overflowed `isize::MAX` and the
/// `try_` method panicked.
#[test]
fn growing_arena_try_methods_refuse_sizes_past_isize_max() {
    let arena = Arena::new();
    for (size, align) in [
        (isize::MAX as usize, 1),
        (isize::MAX as usize - 63, 64),
        (isize::MAX as usize - 4095, 4096),
        (isize::MAX as usize / 2 + 1, 1 << 20),
    ] {
        let layout = Layout::from_size_align(size, align).unwrap();
        let (r, asked) = limited(64 << 20, || arena.try_alloc_layout(layout));
        let err = r.unwrap_err();
        assert_eq!((err.requested, err.align), (size, align));
        assert!(asked < 64 << 10, "a request of {asked} bytes");
        // (Under the limit too: a size just under `isize::MAX` may reach the
        // system, which must refuse it, and Miri cannot.)
        let (r, _) = limited(64 << 20, || arena.try_alloc_zeroed(layout).is_err());
        assert!(r);
    }
    // Still usable.
    assert_eq!(*arena.alloc(5u8), 5);
}

/// Before the fix, a chunk the system refused was `handle_alloc_error`: an
/// abort, from a `try_` method.
#[test]
fn growing_arena_try_methods_return_err_when_memory_runs_out() {
    let big = vec![7u8; 2 << 20];
    let arena = Arena::new();
    let (r, _) = limited(1 << 20, || {
        arena.try_alloc_slice_copy(&big).map(|s| s.len())
    });
    assert!(r.is_err());
    let (r, _) = limited(1 << 20, || {
        arena
            .try_alloc_layout(Layout::from_size_align(2 << 20, 8).unwrap())
            .is_err()
    });
    assert!(r);
    let (r, _) = limited(1 << 20, || arena.try_alloc_image_bytes(&big).is_err());
    assert!(r);
    // The panicking form panics (with the error) rather than aborting.
    let (msg, _) = limited(1 << 20, || {
        panic_message(|| {
            arena.alloc_slice_copy(&big);
        })
    });
    assert!(msg.contains("requested"), "{msg}");
    assert_eq!(arena.alloc_slice_copy(&big).len(), 2 << 20);
}

#[test]
fn arena_with_capacity_too_big_panics_at_once() {
    let (msg, asked) = limited(64 << 20, || {
        panic_message(|| drop(Arena::with_capacity(usize::MAX)))
    });
    assert!(msg.contains("isize::MAX"), "{msg}");
    assert!(asked < 64 << 10, "a request of {asked} bytes");
    let (msg, _) = limited(1 << 20, || {
        panic_message(|| drop(Arena::with_capacity_fixed(2 << 20)))
    });
    assert!(msg.contains("cannot make an arena"), "{msg}");
}

/// Before the fix, the report's suggestion (`(in use + requested) * 5 / 4`)
/// and, with `track`, the per-call-site byte counts overflowed after a huge
/// failed request, so `report()` panicked in debug builds.
#[test]
fn report_after_a_huge_failed_request_does_not_overflow() {
    for arena in [Arena::with_capacity_fixed(1024), Arena::new()] {
        let huge = Layout::from_size_align(isize::MAX as usize, 1).unwrap();
        for _ in 0..3 {
            assert!(arena.try_alloc_layout(huge).is_err());
        }
        let report = arena.report();
        let text = report.to_string();
        assert!(!text.is_empty());
        let _ = report.suggestions();
    }
}
