//! Diagnostics for any allocation: a tracking global allocator and named
//! scopes.
//!
//! The pools count their own allocations; this module counts everyone's:
//! `Box`, `Vec`, `String`, decoding, the pools' own chunks. Install
//! [`TrackingAllocator`] as the global allocator, wrap the code to look at in
//! [`measure`], and read [`report`]:
//!
//! ```
//! use barewire_pool::diag::global::{self, TrackingAllocator};
//!
//! #[global_allocator]
//! static ALLOC: TrackingAllocator = TrackingAllocator::system();
//!
//! let frames: Vec<Vec<u8>> = (0..100u8).map(|i| vec![i; 16]).collect();
//! for frame in &frames {
//!     global::measure("doctest_loop", || {
//!         let copy = frame.to_vec(); // one allocation per call, freed in it
//!         copy.len()
//!     });
//! }
//! let report = global::report();
//! let scope = report.scope("doctest_loop").unwrap();
//! assert_eq!(scope.calls, 100);
//! assert_eq!(scope.allocations, 100);
//! assert_eq!(scope.bytes, 1600);
//! println!("{report}");
//! ```
//!
//! # What is counted, and where
//!
//! * **Scopes, exactly.** Every allocation, reallocation and free made on a
//!   thread while a [`measure`] call runs on it is counted for that scope (the
//!   innermost one; an outer scope's totals include its inner scopes). Scopes
//!   are per thread: work a scope hands to another thread is not counted.
//! * **Call sites through `#[track_caller]`.** The pools' allocation entry
//!   points carry their caller's location (with the `track` feature); when
//!   one of them takes memory from the global allocator (a new arena chunk,
//!   a new pool chunk), that memory is counted at the user's line. So are
//!   barewire's decodes (`from_slice`, `from_slice_with`, `SliceDecoder`,
//!   `IoDecoder`, `layout::to_owned`): what a decode allocates is counted at
//!   the line that called it (`decode_sites` in the report), once a scope
//!   has been measured (before that, barewire does not record the site).
//! * **Other call sites, sampled.** [`sample_backtraces`]`(n)` captures a
//!   backtrace for one allocation in `n` inside scopes and keeps the first
//!   frame outside the standard library and barewire (a barewire decode is
//!   noted as such). Off by default.
//!
//! # Cost
//!
//! Without [`TrackingAllocator`] installed, nothing here runs. Installed,
//! with no scope live and sampling off, each allocation and free pays one
//! relaxed atomic load on top of the wrapped allocator. Inside a scope, it
//! pays a thread-local access and a few counter updates; it never takes a
//! lock or allocates (sampling aside). The figures are in the crate's
//! `examples/diag_overhead.rs` (`cargo run --release -p barewire-pool
//! --example diag_overhead`).
//!
//! # Re-entrancy
//!
//! The allocator's own bookkeeping never allocates. What does allocate
//! (recording a finished scope, a sampled backtrace, building a report) runs
//! with a per-thread guard set, so its allocations go straight to the
//! wrapped allocator, uncounted and without recursing into the tracker.
//!
//! Sampling captures a `std::backtrace::Backtrace` inside the allocator,
//! which takes the standard library's backtrace lock: do not capture or
//! print backtraces yourself inside a scope while sampling is on (the two
//! would wait for each other). Sampling pauses while the thread panics.

use core::cell::Cell;
use core::panic::Location;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;

mod report;
mod sample;

use super::Site;
pub use report::{Advice, PoolSite, SampledSite, ScopeReport, ScopeSummary};
use sample::maybe_sample;

/// A global allocator that forwards every request to `A` (the system
/// allocator by default) and counts what happens inside [`measure`] scopes.
///
/// ```
/// use barewire_pool::diag::global::TrackingAllocator;
///
/// #[global_allocator]
/// static ALLOC: TrackingAllocator = TrackingAllocator::system();
/// # fn main() { let v = vec![1u8]; assert_eq!(v.len(), 1); }
/// ```
#[derive(Debug, Default)]
pub struct TrackingAllocator<A = System> {
    inner: A,
}

impl TrackingAllocator<System> {
    /// The tracker over the system allocator.
    ///
    /// ```
    /// let _ = barewire_pool::diag::global::TrackingAllocator::system();
    /// ```
    pub const fn system() -> Self {
        TrackingAllocator { inner: System }
    }
}

impl<A> TrackingAllocator<A> {
    /// The tracker over `inner`.
    ///
    /// ```
    /// let _ = barewire_pool::diag::global::TrackingAllocator::new(std::alloc::System);
    /// ```
    pub const fn new(inner: A) -> Self {
        TrackingAllocator { inner }
    }
}

// SAFETY: the `GlobalAlloc` contract is met by forwarding each call to
// `inner`, itself a `GlobalAlloc`:
// 1. Layouts are forwarded exactly: every method passes the `layout` (and
//    `new_size`) it received, unchanged, to the same method of `inner`, and
//    returns `inner`'s pointer unchanged, so `inner`'s guarantees (size,
//    alignment, null on failure, zeroed memory for `alloc_zeroed`) are ours.
// 2. Pointers are forwarded exactly: `dealloc` and `realloc` receive a
//    pointer this allocator returned, which `inner` returned (point 1), with
//    the layout it was allocated with (the caller's obligation), and pass
//    both to `inner` unchanged.
// 3. The bookkeeping (`note`) never unwinds: it only reads and writes
//    atomics and thread-local `Cell`s with wrapping or saturating
//    arithmetic and checked indexing, and the sampled backtrace path runs
//    under `catch_unwind`. It never allocates through `self` recursively:
//    whatever it allocates runs under the thread's guard, so those nested
//    calls only forward (point 1) and note nothing.
unsafe impl<A: GlobalAlloc> GlobalAlloc for TrackingAllocator<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` (non-zero size) is
        // passed on unchanged with the same `layout`.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            note(Event::Alloc(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`, the same `layout` forwarded.
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        if !p.is_null() {
            note(Event::Alloc(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from `inner`, with
        // `layout` (caller's contract); both forwarded unchanged.
        unsafe { self.inner.dealloc(ptr, layout) };
        note(Event::Free(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `inner` with `layout`, and `new_size` meets
        // `realloc`'s contract (caller's); all forwarded unchanged.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(Event::Realloc {
                old: layout.size(),
                new: new_size,
            });
        }
        p
    }
}

/// Live scopes on all threads, plus one while sampling is on: when zero, the
/// allocator's bookkeeping is this one load.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Whether an allocation was ever noted by a `TrackingAllocator` (to tell
/// "allocated nothing" from "no tracker installed").
static SEEN: AtomicBool = AtomicBool::new(false);
/// Sample one allocation in this many (0: off).
static SAMPLE_EVERY: AtomicU32 = AtomicU32::new(0);
/// Finished scopes.
static SCOPES: Mutex<Vec<ScopeSummary>> = Mutex::new(Vec::new());

/// Scopes nested deeper than this on one thread count for the deepest one
/// kept.
const MAX_DEPTH: usize = 8;
/// Pool call sites kept per scope frame.
const SITES: usize = 8;
/// Allocation sizes kept per scope frame.
const SIZES: usize = 4;

enum Event {
    Alloc(usize),
    Free(usize),
    Realloc { old: usize, new: usize },
}

/// One live scope's counters: plain `Cell`s, so updating them never
/// allocates.
struct Frame {
    name: Cell<&'static str>,
    site: Cell<Option<Site>>,
    allocations: Cell<u64>,
    bytes: Cell<u64>,
    frees: Cell<u64>,
    freed_bytes: Cell<u64>,
    reallocs: Cell<u64>,
    /// Bytes allocated minus bytes freed since the scope began.
    live: Cell<i64>,
    peak: Cell<i64>,
    /// Allocations made inside a pool entry point (`at_site`), by site.
    pool: SiteCounts,
    /// Allocations made inside a barewire decode, by the decode's call site.
    decode: SiteCounts,
    /// The first sizes seen, with their counts (allocations outside pools).
    sizes: [Cell<(usize, u64)>; SIZES],
}

impl Frame {
    const fn new() -> Frame {
        Frame {
            name: Cell::new(""),
            site: Cell::new(None),
            allocations: Cell::new(0),
            bytes: Cell::new(0),
            frees: Cell::new(0),
            freed_bytes: Cell::new(0),
            reallocs: Cell::new(0),
            live: Cell::new(0),
            peak: Cell::new(0),
            pool: SiteCounts::new(),
            decode: SiteCounts::new(),
            sizes: [const { Cell::new((0, 0)) }; SIZES],
        }
    }

    fn clear(&self, name: &'static str, site: Site) {
        self.name.set(name);
        self.site.set(Some(site));
        for c in [
            &self.allocations,
            &self.bytes,
            &self.frees,
            &self.freed_bytes,
            &self.reallocs,
        ] {
            c.set(0);
        }
        self.live.set(0);
        self.peak.set(0);
        self.pool.clear();
        self.decode.clear();
        for s in &self.sizes {
            s.set((0, 0));
        }
    }

    fn grow(&self, bytes: u64) {
        add(&self.bytes, bytes);
        let live = self.live.get().wrapping_add(bytes as i64);
        self.live.set(live);
        if live > self.peak.get() {
            self.peak.set(live);
        }
    }

    fn shrink(&self, bytes: u64) {
        add(&self.freed_bytes, bytes);
        self.live.set(self.live.get().wrapping_sub(bytes as i64));
    }

    fn note_size(&self, size: usize, count: u64) {
        for s in &self.sizes {
            let (at, n) = s.get();
            if n == 0 || at == size {
                s.set((size, n.wrapping_add(count)));
                return;
            }
        }
    }

    /// Adds a finished inner frame's counts to this one.
    fn absorb(&self, inner: &Frame) {
        add(&self.allocations, inner.allocations.get());
        add(&self.frees, inner.frees.get());
        add(&self.reallocs, inner.reallocs.get());
        let before = self.live.get();
        if before.wrapping_add(inner.peak.get()) > self.peak.get() {
            self.peak.set(before.wrapping_add(inner.peak.get()));
        }
        add(&self.bytes, inner.bytes.get());
        add(&self.freed_bytes, inner.freed_bytes.get());
        self.live.set(before.wrapping_add(inner.live.get()));
        self.pool.absorb(&inner.pool);
        self.decode.absorb(&inner.decode);
        for s in &inner.sizes {
            let (size, n) = s.get();
            if n > 0 {
                self.note_size(size, n);
            }
        }
    }
}

/// Allocations by call site, in fixed cells (updating them never
/// allocates): the first `SITES` sites seen, and the total.
struct SiteCounts {
    sites: [Cell<(Option<Site>, u64, u64)>; SITES],
    total: Cell<u64>,
}

impl SiteCounts {
    const fn new() -> SiteCounts {
        SiteCounts {
            sites: [const { Cell::new((None, 0, 0)) }; SITES],
            total: Cell::new(0),
        }
    }

    fn clear(&self) {
        for s in &self.sites {
            s.set((None, 0, 0));
        }
        self.total.set(0);
    }

    /// Counts `n` allocations of `bytes` in all at `site`.
    fn note(&self, site: Option<Site>, n: u64, bytes: u64) {
        add(&self.total, n);
        for s in &self.sites {
            let (at, m, b) = s.get();
            if m == 0 || at == site {
                s.set((site, m.wrapping_add(n), b.wrapping_add(bytes)));
                return;
            }
        }
    }

    fn absorb(&self, inner: &SiteCounts) {
        for s in &inner.sites {
            let (site, n, b) = s.get();
            if n > 0 {
                self.note(site, n, b);
            }
        }
    }

    /// Adds these counts to a summary's list of sites.
    fn record(&self, into: &mut Vec<PoolSite>) {
        for c in &self.sites {
            let (at, n, b) = c.get();
            if n == 0 {
                continue;
            }
            match into.iter_mut().find(|p| p.site == at) {
                Some(p) => {
                    p.allocations = p.allocations.saturating_add(n);
                    p.bytes = p.bytes.saturating_add(b);
                }
                None => into.push(PoolSite {
                    site: at,
                    allocations: n,
                    bytes: b,
                }),
            }
        }
    }
}

fn add(cell: &Cell<u64>, n: u64) {
    cell.set(cell.get().wrapping_add(n));
}

/// The per-thread state: the guard, the scope stack, the pool site being
/// served and the sampling countdown. `const`-initialized and without drop
/// glue, so reaching it never allocates or registers a destructor.
struct ThreadState {
    guard: Cell<bool>,
    depth: Cell<usize>,
    frames: [Frame; MAX_DEPTH],
    /// `Some(site)` while a pool entry point takes memory for the caller at
    /// `site` (`None` inside: the `track` feature is off).
    pool_site: Cell<Option<Option<Site>>>,
    countdown: Cell<u32>,
}

thread_local! {
    static THREAD: ThreadState = const {
        ThreadState {
            guard: Cell::new(false),
            depth: Cell::new(0),
            frames: [const { Frame::new() }; MAX_DEPTH],
            pool_site: Cell::new(None),
            countdown: Cell::new(0),
        }
    };
}

/// The allocator's bookkeeping for one event.
#[inline(always)]
fn note(event: Event) {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return;
    }
    note_active(event);
}

#[inline(never)]
fn note_active(event: Event) {
    // `try_with`: during thread teardown the state may be gone; then the
    // event is not counted.
    let _ = THREAD.try_with(|t| {
        let depth = t.depth.get();
        if t.guard.get() || depth == 0 {
            return;
        }
        let Some(frame) = t.frames.get(depth.min(MAX_DEPTH) - 1) else {
            return;
        };
        t.guard.set(true);
        match event {
            Event::Alloc(size) => {
                add(&frame.allocations, 1);
                frame.grow(size as u64);
                match t.pool_site.get() {
                    Some(site) => frame.pool.note(site, 1, size as u64),
                    None => {
                        if let Some(site) = barewire::__private::decode_site() {
                            frame.decode.note(Some(site), 1, size as u64);
                        }
                        frame.note_size(size, 1);
                        maybe_sample(t, frame);
                    }
                }
            }
            Event::Free(size) => {
                add(&frame.frees, 1);
                frame.shrink(size as u64);
            }
            Event::Realloc { old, new } => {
                add(&frame.reallocs, 1);
                if new >= old {
                    frame.grow((new - old) as u64);
                } else {
                    frame.shrink((old - new) as u64);
                }
                if t.pool_site.get().is_none() {
                    maybe_sample(t, frame);
                }
            }
        }
        t.guard.set(false);
    });
    if !SEEN.load(Ordering::Relaxed) {
        SEEN.store(true, Ordering::Relaxed);
    }
}

/// Runs `f` with this thread's guard set: what it allocates is not counted.
fn guarded<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            let was = self.0;
            let _ = THREAD.try_with(|t| t.guard.set(was));
        }
    }
    let was = THREAD.try_with(|t| t.guard.replace(true)).unwrap_or(true);
    let _reset = Reset(was);
    f()
}

/// Runs `f` on the summary of scope `(name, site)`, made if new.
fn with_scope(name: &'static str, site: Site, f: impl FnOnce(&mut ScopeSummary)) {
    let mut scopes = SCOPES.lock().unwrap_or_else(|e| e.into_inner());
    let i = match scopes
        .iter()
        // Sites compare by value: the same `#[track_caller]` location need
        // not be the same `&'static` (Miri makes one per evaluation).
        .position(|s| s.name == name && s.site == site)
    {
        Some(i) => i,
        None => {
            scopes.push(ScopeSummary::new(name, site));
            scopes.len() - 1
        }
    };
    f(&mut scopes[i]);
}

/// Runs `f` as the scope `name` and returns its result, counting every
/// allocation this thread makes meanwhile (see the [module docs](self)).
/// The scope is also named by the caller's location.
///
/// Without a [`TrackingAllocator`] installed, `f` runs and nothing is
/// counted (the report says so).
///
/// ```
/// use barewire_pool::diag::global;
///
/// let len = global::measure("build_string", || String::from("counted").len());
/// assert_eq!(len, 7);
/// ```
#[track_caller]
pub fn measure<R>(name: &'static str, f: impl FnOnce() -> R) -> R {
    let site = Location::caller();
    // barewire's decode entry points name their caller from now on.
    barewire::__private::record_decode_sites(true);
    let pushed = THREAD
        .try_with(|t| {
            let depth = t.depth.get();
            if let Some(frame) = t.frames.get(depth) {
                frame.clear(name, site);
            }
            t.depth.set(depth + 1);
        })
        .is_ok();
    if !pushed {
        return f();
    }
    ACTIVE.fetch_add(1, Ordering::Relaxed);
    /// Ends the scope when `f` returns or unwinds.
    struct End;
    impl Drop for End {
        fn drop(&mut self) {
            ACTIVE.fetch_sub(1, Ordering::Relaxed);
            let _ = THREAD.try_with(|t| {
                let depth = t.depth.get();
                t.depth.set(depth.saturating_sub(1));
                if depth > MAX_DEPTH {
                    // Too deep: counted in the deepest frame kept.
                    return;
                }
                let Some(frame) = depth.checked_sub(1).and_then(|d| t.frames.get(d)) else {
                    return;
                };
                if let Some(outer) = depth.checked_sub(2).and_then(|d| t.frames.get(d)) {
                    outer.absorb(frame);
                }
                guarded(|| record(frame));
            });
        }
    }
    let _end = End;
    f()
}

/// Adds one finished call of a scope to its summary.
fn record(frame: &Frame) {
    let Some(site) = frame.site.get() else { return };
    with_scope(frame.name.get(), site, |s| {
        s.calls = s.calls.saturating_add(1);
        s.allocations = s.allocations.saturating_add(frame.allocations.get());
        s.bytes = s.bytes.saturating_add(frame.bytes.get());
        s.frees = s.frees.saturating_add(frame.frees.get());
        s.freed_bytes = s.freed_bytes.saturating_add(frame.freed_bytes.get());
        s.reallocs = s.reallocs.saturating_add(frame.reallocs.get());
        s.peak_bytes = s.peak_bytes.max(frame.peak.get().max(0) as u64);
        s.pool_allocations = s.pool_allocations.saturating_add(frame.pool.total.get());
        frame.pool.record(&mut s.pool_sites);
        frame.decode.record(&mut s.decode_sites);
        for c in &frame.sizes {
            let (size, n) = c.get();
            if n == 0 {
                continue;
            }
            match s.sizes.iter_mut().find(|(at, _)| *at == size) {
                Some((_, m)) => *m = m.saturating_add(n),
                None => s.sizes.push((size, n)),
            }
        }
    });
}

/// Marks the allocations `f` makes as taken by a pool entry point for the
/// caller at `site` (crate-internal: the arena's and pool's growth).
#[inline]
pub(crate) fn at_site<R>(site: Option<Site>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Option<Site>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let old = self.0;
            let _ = THREAD.try_with(|t| t.pool_site.set(old));
        }
    }
    let old = THREAD
        .try_with(|t| t.pool_site.replace(Some(site)))
        .unwrap_or(None);
    let _restore = Restore(old);
    f()
}

/// Samples one allocation in `every` inside scopes with a backtrace, to name
/// the call sites `#[track_caller]` does not reach; `0` turns it off.
/// Sampling costs a backtrace per sample (tens of microseconds and more):
/// use it while looking, not in production.
///
/// ```
/// use barewire_pool::diag::global;
/// global::sample_backtraces(1000);
/// global::sample_backtraces(0);
/// ```
pub fn sample_backtraces(every: u32) {
    let was = SAMPLE_EVERY.swap(every, Ordering::Relaxed);
    match (was, every) {
        (0, 1..) => {
            ACTIVE.fetch_add(1, Ordering::Relaxed);
        }
        (1.., 0) => {
            ACTIVE.fetch_sub(1, Ordering::Relaxed);
        }
        _ => {}
    }
}

/// Whether a [`TrackingAllocator`] has counted anything in this process.
///
/// ```
/// let _ = barewire_pool::diag::global::installed();
/// ```
pub fn installed() -> bool {
    SEEN.load(Ordering::Relaxed)
}

/// What every finished scope did so far.
///
/// ```
/// let report = barewire_pool::diag::global::report();
/// println!("{report}");
/// ```
pub fn report() -> ScopeReport {
    guarded(|| ScopeReport {
        scopes: SCOPES.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        installed: installed(),
    })
}

/// Forgets every finished scope (live ones are recorded when they end).
///
/// ```
/// barewire_pool::diag::global::reset();
/// assert!(barewire_pool::diag::global::report().scopes.is_empty());
/// ```
pub fn reset() {
    guarded(|| SCOPES.lock().unwrap_or_else(|e| e.into_inner()).clear());
}
