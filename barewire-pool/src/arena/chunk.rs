//! The memory of an [`Arena`]: raw chunks from the global allocator and the
//! bump pointer that carves them, from the top of the current chunk down.
//! Every allocation ends in [`Arena::raw_alloc`]; regions and resets give
//! memory back with [`Arena::rewind`].

use core::alloc::Layout;
use core::mem;
use core::ptr::{self, NonNull};
use std::alloc;

use super::Arena;
use crate::diag::{Site, SiteKind};
use crate::error::AllocError;

/// Smallest chunk a growing arena asks the system for.
pub(super) const FIRST_CHUNK: usize = 4096;
/// Largest chunk a growing arena doubles up to (bigger requests get their own).
const MAX_CHUNK: usize = 64 << 20;
/// Alignment of the top of every chunk (requests with larger alignment get
/// their own): a cache line, and barewire's image alignment, so the first
/// image in a fixed arena needs no padding.
pub(super) const CHUNK_ALIGN: usize = barewire::layout::MAX_ALIGN;
/// `Arena::current` when there is no chunk yet.
pub(super) const NO_CHUNK: usize = usize::MAX;

/// One block from the global allocator. Its usable bytes are `[lo, hi)`,
/// handed out from `hi` downwards; `hi` is aligned to the block's alignment.
pub(super) struct Chunk {
    /// What `alloc::alloc(layout)` returned.
    raw: NonNull<u8>,
    layout: Layout,
    lo: *mut u8,
    hi: *mut u8,
    /// Usable bytes of all chunks before this one.
    base: usize,
}

impl Chunk {
    fn size(&self) -> usize {
        self.hi.addr() - self.lo.addr()
    }
}

/// Where the bump pointer was; a region rewinds to it.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    current: usize,
    ptr: *mut u8,
    start: *mut u8,
}

impl Mark {
    /// Before every allocation: no chunk yet. Rewinding to it starts again
    /// at the first chunk.
    pub(super) const BEFORE_ALL: Mark = Mark {
        current: NO_CHUNK,
        ptr: ptr::null_mut(),
        start: ptr::null_mut(),
    };
}

impl Arena {
    /// Bytes handed out since the last reset (padding and skipped chunk tails
    /// included).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// arena.alloc(1u8);
    /// arena.alloc(1u32); // 3 bytes of padding before it
    /// assert_eq!(arena.bytes_in_use(), 8);
    /// ```
    pub fn bytes_in_use(&self) -> usize {
        let current = self.current.get();
        if current == NO_CHUNK {
            return 0;
        }
        let chunks = self.chunks.borrow();
        let chunk = &chunks[current];
        chunk.base + (chunk.hi.addr() - self.ptr.get().addr())
    }

    /// Bytes reserved from the system (the fixed capacity for a fixed arena).
    ///
    /// ```
    /// assert_eq!(barewire_pool::Arena::with_capacity_fixed(100).capacity(), 100);
    /// ```
    pub fn capacity(&self) -> usize {
        match self.fixed {
            Some(cap) => cap,
            None => self.chunks.borrow().iter().map(Chunk::size).sum(),
        }
    }

    /// The fast path: bumps `ptr` down by `layout.size()` and aligns it down,
    /// if that stays inside the current chunk. On success the returned
    /// pointer is aligned to `layout.align()` and valid for reads and writes
    /// of `layout.size()` bytes that no other live allocation overlaps.
    ///
    /// `layout.size()` must be non-zero (zero-sized requests never get here).
    #[inline(always)]
    fn bump(&self, layout: Layout) -> Option<NonNull<u8>> {
        debug_assert!(layout.size() > 0);
        let ptr = self.ptr.get();
        // With no chunk, `ptr` is null and the subtraction fails (size > 0).
        let new = ptr.addr().checked_sub(layout.size())? & !(layout.align() - 1);
        if new < self.start.get().addr() {
            return None;
        }
        // Keeps the chunk's provenance: `start <= new < ptr`, all in it.
        let new = ptr.with_addr(new);
        self.ptr.set(new);
        // SAFETY: `new >= start`, and `start` is the non-null start of the
        // current chunk whenever `ptr` is non-null (the subtraction above
        // fails when there is no chunk), so `new` is not null. Validity: the
        // bytes `[new, new + size)` lie in `[start, old ptr)`, the free part of
        // the current chunk, and `ptr` now excludes them from later requests.
        Some(unsafe { NonNull::new_unchecked(new) })
    }

    /// The bump, or the slow path. On success the returned pointer is aligned
    /// to `layout.align()` and valid for reads and writes of `layout.size()`
    /// bytes that no other live allocation overlaps, until the arena is reset
    /// or rewound past it. Zero-sized requests get a dangling aligned pointer.
    #[inline(always)]
    #[cfg_attr(feature = "track", track_caller)]
    pub(super) fn raw_alloc(
        &self,
        layout: Layout,
        site: Option<Site>,
        kind: SiteKind,
    ) -> Result<NonNull<u8>, AllocError> {
        self.note_alloc(layout, site, kind);
        if layout.size() == 0 {
            // A zero-sized access is valid at any non-null aligned address.
            return Ok(dangling(layout.align()));
        }
        match self.bump(layout) {
            Some(p) => Ok(p),
            None => self.alloc_slow(layout, site),
        }
    }

    /// The per-call diagnostics: nothing by default; one counter with the
    /// `count` feature, plus the call site with the `track` feature.
    #[inline(always)]
    fn note_alloc(&self, layout: Layout, site: Option<Site>, kind: SiteKind) {
        let _ = (layout, site, kind);
        #[cfg(feature = "count")]
        crate::diag::Counters::bump(&self.counters.allocations);
        #[cfg(feature = "track")]
        if let Some(site) = site {
            self.counters.note_site(site, layout.size(), kind);
        }
    }

    /// Moves to the next chunk that fits, or grows, or fails (a fixed arena,
    /// a size no chunk can have, or no memory). Same contract as
    /// [`Arena::raw_alloc`], for a non-zero size; never panics.
    #[cold]
    #[inline(never)]
    fn alloc_slow(&self, layout: Layout, site: Option<Site>) -> Result<NonNull<u8>, AllocError> {
        let start_at = self.current.get().wrapping_add(1);
        let found = {
            let chunks = self.chunks.borrow();
            (start_at..chunks.len()).find_map(|i| {
                let c = &chunks[i];
                fit(c.lo, c.hi, layout).map(|p| (i, p, c.lo))
            })
        };
        if let Some((i, p, lo)) = found {
            self.current.set(i);
            self.start.set(lo);
            self.ptr.set(p.as_ptr());
            return Ok(p);
        }
        if let Some(capacity) = self.fixed {
            let in_use = self.bytes_in_use();
            self.counters.observe(in_use);
            self.counters.note_exhaustion(layout.size(), in_use, site);
            return Err(AllocError {
                requested: layout.size(),
                align: layout.align(),
                remaining: self.remaining(),
                capacity,
            });
        }
        let size = self.next_chunk.get().max(
            layout
                .size()
                .checked_add(layout.align())
                .ok_or_else(|| self.too_big(layout.size(), layout.align()))?,
        );
        // An error (a size over `isize::MAX`, or the system out of memory)
        // comes back as a value: the `try_` methods never panic or abort.
        // The chunk comes from the global allocator: a
        // `diag::TrackingAllocator` attributes it to the caller's site.
        crate::diag::global::at_site(site, || {
            self.push_chunk(size, layout.align().max(CHUNK_ALIGN))
        })
        .map_err(|_| self.too_big(layout.size(), layout.align()))?;
        self.next_chunk.set(
            size.saturating_mul(2)
                .min(MAX_CHUNK)
                .max(self.next_chunk.get()),
        );
        // The new chunk fits the request: its top is aligned to at least
        // `layout.align()` and it has at least `size + align` bytes. Checked
        // all the same, as an error rather than a panic.
        let fitted = {
            let chunks = self.chunks.borrow();
            chunks.last().and_then(|c| fit(c.lo, c.hi, layout))
        };
        let Some(p) = fitted else {
            return Err(self.too_big(layout.size(), layout.align()));
        };
        self.ptr.set(p.as_ptr());
        Ok(p)
    }

    /// Appends a chunk with `size` usable bytes whose top is aligned to
    /// `align` (a power of two), and makes it current; or says why it cannot
    /// (the size rounded up to `align` is over `isize::MAX`, or the system
    /// has no memory for it), having changed nothing.
    pub(super) fn push_chunk(&self, size: usize, align: usize) -> Result<(), AllocError> {
        let layout = size
            .checked_next_multiple_of(align)
            .and_then(|rounded| Layout::from_size_align(rounded, align).ok());
        let Some(layout) = layout else {
            return Err(self.too_big(size, align));
        };
        // Room for the chunk's entry first, so that a full system is an
        // error here and not an abort in `push` below.
        if self.chunks.borrow_mut().try_reserve(1).is_err() {
            return Err(self.too_big(size, align));
        }
        // SAFETY: `layout` has a non-zero size (callers ask for at least one
        // byte: `with_capacity*` only call this for `bytes > 0`, the slow path
        // for `size + align > 0`), and `Layout::from_size_align` checked the
        // rest (power-of-two alignment, size at most `isize::MAX`).
        let raw = unsafe { alloc::alloc(layout) };
        let Some(raw) = NonNull::new(raw) else {
            return Err(self.too_big(size, align));
        };
        // `hi` is aligned to `align` (the block is, and its size is a multiple
        // of it) and `lo = hi - size >= raw`: both stay inside the block.
        let hi = raw.as_ptr().wrapping_add(layout.size());
        let lo = hi.wrapping_sub(size);
        let mut chunks = self.chunks.borrow_mut();
        let base = chunks.last().map_or(0, |c| c.base + c.size());
        // Does not allocate: room was reserved above.
        chunks.push(Chunk {
            raw,
            layout,
            lo,
            hi,
            base,
        });
        self.current.set(chunks.len() - 1);
        self.ptr.set(hi);
        self.start.set(lo);
        Ok(())
    }

    /// Free bytes left in the current chunk (before alignment).
    fn remaining(&self) -> usize {
        self.ptr.get().addr() - self.start.get().addr()
    }

    /// The error for a request of `requested` bytes aligned to `align` that
    /// no chunk can hold.
    pub(super) fn too_big(&self, requested: usize, align: usize) -> AllocError {
        AllocError {
            requested,
            align,
            remaining: self.remaining(),
            capacity: self.capacity(),
        }
    }

    /// Where the bump pointer is now (see [`Arena::rewind`]).
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            current: self.current.get(),
            ptr: self.ptr.get(),
            start: self.start.get(),
        }
    }

    /// Sets the bump pointer back to `mark`, giving back everything
    /// allocated after it.
    ///
    /// # Safety
    ///
    /// Nothing allocated after `mark` is in use any more, and `mark` was
    /// taken from this arena after its last rewind to an earlier point.
    pub(crate) unsafe fn rewind(&self, mark: Mark) {
        // No drop of this arena's values is running or queued: the callers
        // hold the arena (or the region) by `&mut`, and the drop queue is
        // empty whenever the arena is not borrowed (drop_queue docs), so no
        // entry can point into the memory given back here.
        debug_assert!(self.drops.is_idle());
        if mark.current == NO_CHUNK {
            // Rewinding to "no chunk yet": start again at the first chunk.
            let chunks = self.chunks.borrow();
            match chunks.first() {
                Some(c) => {
                    self.current.set(0);
                    self.ptr.set(c.hi);
                    self.start.set(c.lo);
                }
                None => {
                    self.current.set(NO_CHUNK);
                    self.ptr.set(ptr::null_mut());
                    self.start.set(ptr::null_mut());
                }
            }
        } else {
            self.current.set(mark.current);
            self.ptr.set(mark.ptr);
            self.start.set(mark.start);
        }
    }
}

/// Where `layout` fits in `[lo, hi)` when bumping down from `hi`, if it does.
fn fit(lo: *mut u8, hi: *mut u8, layout: Layout) -> Option<NonNull<u8>> {
    let new = hi.addr().checked_sub(layout.size())? & !(layout.align() - 1);
    if new < lo.addr() {
        return None;
    }
    NonNull::new(hi.with_addr(new))
}

fn dangling(align: usize) -> NonNull<u8> {
    NonNull::<u8>::dangling().with_addr(core::num::NonZeroUsize::MIN.saturating_add(align - 1))
}

/// What the panicking allocation methods make of their `try_` method's
/// result: the value, or a panic with the error's message.
#[inline(always)]
#[track_caller]
pub(super) fn or_panic<T>(result: Result<T, AllocError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => exhausted(e),
    }
}

#[cold]
#[track_caller]
fn exhausted(e: AllocError) -> ! {
    panic!("{e}")
}

impl Drop for Arena {
    fn drop(&mut self) {
        // Nothing borrows the arena, so no drop of its values is running or
        // queued (drop_queue docs): no entry points into the chunks freed here.
        debug_assert!(self.drops.is_idle());
        for c in mem::take(self.chunks.get_mut()) {
            // SAFETY: 1. `c.raw` came from `alloc::alloc(c.layout)`; 2. it is
            // freed once (the vector is emptied); 3. nothing borrows the arena
            // while it is dropped, so no allocation is in use.
            unsafe { alloc::dealloc(c.raw.as_ptr(), c.layout) }
        }
    }
}
