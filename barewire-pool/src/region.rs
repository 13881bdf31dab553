//! `Region`: a nested scope of an arena whose allocations all go at once.

use core::ops::Deref;

use crate::arena::Arena;
use crate::arena::chunk::Mark;
use crate::diag::{Counters, Site, caller_site};

/// A scope of an [`Arena`]: everything allocated through the region is given
/// back when it ends (is dropped) or is [reset](Region::reset).
///
/// A region holds its parent (the arena, or the enclosing region) by `&mut`
/// for as long as it lives, so:
///
/// * the parent cannot allocate, reset or open another region meanwhile (a
///   compile error), and
/// * ending or resetting the region only rewinds to where the parent stood
///   when the region began, so it can never free what the parent or a sibling
///   handed out.
///
/// Allocate through it as through the arena (it derefs to [`Arena`] for the
/// allocation methods); values borrow the region, so none outlive it. Regions
/// nest with [`Region::region`].
///
/// The flip side of the exclusive borrow: values allocated from the parent
/// cannot be in use while a region of it is open. Keep long-lived data in a
/// [`Pool`](crate::Pool) or another arena.
///
/// ```
/// use barewire_pool::Arena;
///
/// let mut arena = Arena::with_capacity_fixed(4096);
/// let mut outer = arena.region();
/// outer.alloc_slice_copy(&[1u8; 100]);
/// {
///     let inner = outer.region();
///     inner.alloc_slice_copy(&[2u8; 1000]);
///     assert_eq!(inner.bytes_in_use(), 1000);
///     assert_eq!(inner.arena_bytes_in_use(), 1100);
/// } // the inner 1000 bytes are given back here
/// assert_eq!(outer.bytes_in_use(), 100);
/// outer.reset();
/// assert_eq!(outer.bytes_in_use(), 0);
/// ```
pub struct Region<'a> {
    arena: &'a mut Arena,
    mark: Mark,
    /// Bytes in use when the region began.
    base: usize,
    /// The parent's peak window, restored when the region ends.
    saved_window: usize,
    site: Option<Site>,
}

impl Arena {
    /// Opens a region: everything allocated in it is given back when it ends
    /// (is dropped) or is reset, and nothing allocated before it is touched.
    /// The arena cannot be used directly while the region lives.
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// {
    ///     let region = arena.region();
    ///     region.alloc_slice_copy(&[0u8; 500]);
    ///     assert_eq!(region.bytes_in_use(), 500);
    /// }
    /// assert_eq!(arena.bytes_in_use(), 0);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn region(&mut self) -> Region<'_> {
        let site = caller_site();
        Region::enter(self, site)
    }
}

impl<'a> Region<'a> {
    pub(crate) fn enter(arena: &'a mut Arena, site: Option<Site>) -> Region<'a> {
        let base = arena.bytes_in_use();
        let c = &arena.counters;
        c.observe(base);
        Counters::bump(&c.regions);
        let saved_window = c.window_peak.replace(base);
        #[cfg(feature = "track")]
        if let Some(site) = site {
            c.region_stack.borrow_mut().push(site);
        }
        Region {
            mark: arena.mark(),
            arena,
            base,
            saved_window,
            site,
        }
    }

    /// Opens a region inside this one (see [`Arena::region`]).
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// let mut outer = arena.region();
    /// let inner = outer.region();
    /// let x = inner.alloc(5);
    /// assert_eq!(*x, 5);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn region(&mut self) -> Region<'_> {
        self.arena.region()
    }

    /// Gives back everything allocated in this region so far; the region
    /// stays open. What the parent allocated before the region is untouched.
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// let mut region = arena.region();
    /// for round in 0..3u8 {
    ///     let scratch = region.alloc_slice_copy(&[round; 64]);
    ///     assert_eq!(scratch.len(), 64);
    ///     region.reset();
    /// }
    /// assert_eq!(region.stats().peak_bytes, 64);
    /// ```
    pub fn reset(&mut self) {
        self.arena.counters.observe(self.arena.bytes_in_use());
        // SAFETY: `rewind`'s contract: 1. nothing allocated after the mark is
        // in use: everything allocated through this region (or regions inside
        // it) borrows it, and `&mut self` means those borrows have ended; the
        // values whose `Owned` was forgotten are never touched again; no drop
        // of an arena value is running or queued (the drop queue is empty
        // whenever the arena is not borrowed, even after a drop panicked:
        // drop_queue docs), so no queued entry points into the bytes given
        // back; 2. the mark was taken from this arena when the region began,
        // and the arena has not been rewound past it since: only this region
        // and regions inside it (which end first) could rewind it, and they
        // rewind to marks at or after this one.
        unsafe { self.arena.rewind(self.mark) };
    }

    /// Bytes allocated in this region (and regions inside it) that are still
    /// in use.
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// arena.alloc_slice_copy(&[0u8; 10]);
    /// let region = arena.region();
    /// region.alloc_slice_copy(&[0u8; 5]);
    /// assert_eq!(region.bytes_in_use(), 5);
    /// assert_eq!(region.arena_bytes_in_use(), 15);
    /// ```
    pub fn bytes_in_use(&self) -> usize {
        self.arena.bytes_in_use() - self.base
    }

    /// Bytes in use in the whole arena, the parent's included.
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::new();
    /// let region = arena.region();
    /// assert_eq!(region.arena_bytes_in_use(), 0);
    /// ```
    pub fn arena_bytes_in_use(&self) -> usize {
        self.arena.bytes_in_use()
    }
}

impl Deref for Region<'_> {
    type Target = Arena;

    fn deref(&self) -> &Arena {
        self.arena
    }
}

impl Drop for Region<'_> {
    fn drop(&mut self) {
        let c = &self.arena.counters;
        c.observe(self.arena.bytes_in_use());
        let peak = c.window_peak.get() - self.base;
        c.note_region(self.site, peak);
        c.window_peak
            .set(self.saved_window.max(c.window_peak.get()));
        #[cfg(feature = "track")]
        if self.site.is_some() {
            c.region_stack.borrow_mut().pop();
        }
        // SAFETY: as in `reset`: 1. the region is ending, so every
        // allocation made through it (which borrowed it) has ended, and no
        // drop is queued; 2. the mark is this arena's, not rewound past.
        unsafe { self.arena.rewind(self.mark) };
    }
}

impl core::fmt::Debug for Region<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Region")
            .field("bytes_in_use", &self.bytes_in_use())
            .finish()
    }
}
