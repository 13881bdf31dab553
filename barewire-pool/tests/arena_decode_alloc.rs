//! With a counting global allocator installed: a decode into an arena that
//! has room makes no global allocation, and one into a full fixed arena
//! fails with an error, also without one. (Its own test binary: the
//! allocator is global. The count is per thread, so tests running at the
//! same time do not disturb each other.)
//!
//! With the `track` feature, an arena's diagnostics keep a table of call
//! sites, which takes an entry (a global allocation) the first time a site
//! allocates in that arena; the counts are then asserted once each site is
//! known.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use barewire::{Bare, Error};
use barewire_pool::{Arena, ArenaString, ArenaVec, Owned, from_slice_in};

/// Counts the allocations of the current thread while `COUNTING` is on.
struct Counting;

std::thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the thread-locals may be gone while a thread ends.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNT.try_with(|c| c.set(c.get() + 1));
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the bookkeeping
// (two const-initialized thread-locals without destructors) neither
// allocates nor unwinds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The global allocations `f` makes on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    let r = f();
    COUNTING.with(|c| c.set(false));
    (r, COUNT.with(Cell::get))
}

#[derive(Bare, Debug, PartialEq)]
struct Log {
    address: [u8; 4],
    user: String,
    request: String,
    tags: Vec<String>,
    next: Option<Box<Log>>,
    code: u16,
}

#[derive(Bare, Debug)]
#[bare(rename = "Log")]
struct LogIn<'a> {
    address: [u8; 4],
    user: ArenaString<'a>,
    request: ArenaString<'a>,
    tags: ArenaVec<'a, ArenaString<'a>>,
    next: Option<Owned<'a, LogIn<'a>>>,
    code: u16,
}

fn logs() -> Vec<Log> {
    (0..50u16)
        .map(|i| Log {
            address: [10, 0, 0, i as u8],
            user: format!("user{i}"),
            request: format!("GET /page/{i}.html HTTP/1.1"),
            tags: (0..i % 4).map(|t| format!("tag{t}")).collect(),
            next: (i % 3 == 0).then(|| {
                Box::new(Log {
                    address: [0; 4],
                    user: "-".into(),
                    request: "linked".into(),
                    tags: vec![],
                    next: None,
                    code: 0,
                })
            }),
            code: 200 + i,
        })
        .collect()
}

#[test]
fn a_decode_into_an_arena_with_room_makes_no_global_allocation() {
    let bytes = barewire::to_vec(&logs());
    let mut arena = Arena::with_capacity(1 << 20);
    for round in 0..3 {
        let (decoded, count) =
            allocations(|| from_slice_in::<ArenaVec<'_, LogIn<'_>>, _>(&arena, &bytes));
        let decoded = decoded.unwrap();
        if round > 0 || !cfg!(feature = "track") {
            assert_eq!(count, 0, "global allocations while decoding into the arena");
        }
        assert_eq!(decoded.len(), 50);
        assert_eq!(decoded[7].request, "GET /page/7.html HTTP/1.1");
        assert_eq!(decoded[3].next.as_ref().unwrap().request, "linked");
        assert_eq!(barewire::to_vec(&decoded), bytes);
        drop(decoded);
        arena.reset();
    }
    // The owned twin, for contrast, allocates for every string and list.
    let (owned, count) = allocations(|| barewire::from_slice::<Vec<Log>>(&bytes));
    assert_eq!(owned.unwrap(), logs());
    assert!(count > 100, "{count}");
}

#[test]
fn a_full_fixed_arena_fails_without_a_global_allocation_or_panic() {
    let bytes = barewire::to_vec(&logs());
    for capacity in [0, 64, bytes.len(), bytes.len() + 512, 2 * bytes.len()] {
        let arena = Arena::with_capacity_fixed(capacity);
        let (result, count) = allocations(|| {
            from_slice_in::<ArenaVec<'_, LogIn<'_>>, _>(&arena, &bytes).map(|v| v.len())
        });
        assert!(
            matches!(result, Err(Error::ArenaFull { .. })),
            "capacity {capacity}: {result:?}"
        );
        // (A new arena's sites are new to `track`'s table.)
        if !cfg!(feature = "track") {
            assert_eq!(count, 0, "capacity {capacity}");
        }
    }
    // With room, the same decode succeeds.
    let arena = Arena::with_capacity_fixed(16 * bytes.len());
    let decode = || from_slice_in::<ArenaVec<'_, LogIn<'_>>, _>(&arena, &bytes).map(|v| v.len());
    if cfg!(feature = "track") {
        let _ = decode();
    }
    let (result, count) = allocations(decode);
    assert_eq!((result.unwrap(), count), (50, 0));
}
