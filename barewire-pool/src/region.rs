//! `Region`: a nested scope of an arena whose allocations all go at once.

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::arena::Arena;
use crate::arena::chunk::Mark;
use crate::blit::Blit;
use crate::diag::{Counters, Site, Stats, caller_site};
use crate::error::AllocError;
use crate::owned::{Destination, Owned, sealed};

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
/// Allocate through it as through the arena: it has the arena's allocation
/// methods ([`alloc`](Region::alloc), [`try_alloc`](Region::try_alloc),
/// [`alloc_slice_copy`](Region::alloc_slice_copy),
/// [`alloc_image`](Region::alloc_image), ...), each the arena's method of the
/// same name. Values borrow the region, so none outlive it. Regions nest with
/// [`Region::region`].
///
/// A region is not an arena (it does not deref to one): its figures are its
/// own. [`Region::bytes_in_use`] and [`Region::stats`] count what was
/// allocated since the region began; the whole arena's bytes are
/// [`Region::arena_bytes_in_use`], and its counters are the arena's
/// [`stats`](Arena::stats) once the region has ended.
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
    /// The arena's figures when the region began (its `regions` count
    /// includes this region); the region's are the differences.
    start: Stats,
    /// The parent's peak window, restored when the region ends.
    saved_window: usize,
    /// [`Region::reset`] calls.
    resets: u64,
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
            start: arena.stats(),
            arena,
            saved_window,
            resets: 0,
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
    /// assert_eq!(region.stats().resets, 3);
    /// ```
    pub fn reset(&mut self) {
        self.arena.counters.observe(self.arena.bytes_in_use());
        self.resets += 1;
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
        self.arena.bytes_in_use() - self.start.bytes_in_use
    }

    /// The arena the region allocates from, for the decode into a region
    /// (`crate::decode`): what is allocated there through this borrow is
    /// given back when the region ends or is reset, as the region's own
    /// allocations are.
    pub(crate) fn arena_ref(&self) -> &Arena {
        self.arena
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

    /// The region's own counters (see [`Stats`]), counted since it began,
    /// regions inside it included:
    ///
    /// * `bytes_in_use` and `peak_bytes`: the bytes it holds, and the most it
    ///   held at once (across its resets);
    /// * `allocations`, `frees`, `regions` (opened inside it) and
    ///   `exhaustions`: made while it was open;
    /// * `resets`: its own [`reset`](Region::reset) calls;
    /// * `capacity` and `fixed`: the arena's, the memory it draws from.
    ///
    /// ```
    /// let mut arena = barewire_pool::Arena::with_capacity_fixed(4096);
    /// arena.alloc_slice_copy(&[0u8; 100]);
    /// {
    ///     let mut region = arena.region();
    ///     region.alloc_slice_copy(&[0u8; 50]);
    ///     region.reset();
    ///     region.alloc_slice_copy(&[0u8; 8]);
    ///     let s = region.stats();
    ///     assert_eq!((s.bytes_in_use, s.peak_bytes), (8, 50));
    ///     assert_eq!((s.resets, s.regions), (1, 0));
    ///     if cfg!(feature = "count") {
    ///         assert_eq!(s.allocations, Some(2));
    ///     }
    ///     assert_eq!((s.capacity, s.fixed), (4096, true));
    /// }
    /// // The arena's figures include what came before the region.
    /// let s = arena.stats();
    /// assert_eq!((s.peak_bytes, s.regions), (150, 1));
    /// assert_eq!(s.allocations, cfg!(feature = "count").then_some(3));
    /// ```
    pub fn stats(&self) -> Stats {
        let now = self.arena.stats();
        let start = &self.start;
        Stats {
            bytes_in_use: now.bytes_in_use - start.bytes_in_use,
            peak_bytes: self.peak(),
            allocations: now
                .allocations
                .zip(start.allocations)
                .map(|(now, start)| now.wrapping_sub(start)),
            frees: now.frees.wrapping_sub(start.frees),
            resets: self.resets,
            regions: now.regions.wrapping_sub(start.regions),
            exhaustions: now.exhaustions.wrapping_sub(start.exhaustions),
            ..now
        }
    }

    /// The most bytes the region held at once, as of the last time the
    /// arena's peaks were raised: the peak window, which this region (the
    /// innermost live one whenever it can be asked) opened at its start.
    fn peak(&self) -> usize {
        self.arena.counters.window_peak.get() - self.start.bytes_in_use
    }
}

/// The allocation methods of a [`Region`]: each is the [`Arena`] method of
/// the same name, called on the region's arena, with a result that borrows
/// the region. One line per method: its generics in brackets, its arguments
/// after `&self`, its result.
macro_rules! allocate_in_arena {
    ($(fn $name:ident[$($generics:tt)*]($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        impl Region<'_> {
            $(
                #[doc = concat!(
                    "[`Arena::", stringify!($name), "`] in this region: given back when ",
                    "the region ends or is reset."
                )]
                #[inline]
                #[cfg_attr(feature = "track", track_caller)]
                #[allow(clippy::mut_from_ref)]
                pub fn $name<$($generics)*>(&self, $($arg: $ty),*) -> $ret {
                    self.arena.$name($($arg),*)
                }
            )*
        }
    };
}

allocate_in_arena! {
    fn alloc[T](value: T) -> Owned<'_, T>;
    fn try_alloc[T](value: T) -> Result<Owned<'_, T>, AllocError>;
    fn alloc_mut[T](value: T) -> &mut T;
    fn try_alloc_mut[T](value: T) -> Result<&mut T, AllocError>;
    fn alloc_slice_copy[T: Blit](src: &[T]) -> &mut [T];
    fn try_alloc_slice_copy[T: Blit](src: &[T]) -> Result<&mut [T], AllocError>;
    fn alloc_slice_fill_copy[T: Blit](len: usize, value: T) -> &mut [T];
    fn alloc_slice_fill_with[T, F: FnMut(usize) -> T](len: usize, f: F) -> &mut [T];
    fn alloc_str[](s: &str) -> &mut str;
    fn alloc_layout[](layout: Layout) -> NonNull<u8>;
    fn try_alloc_layout[](layout: Layout) -> Result<NonNull<u8>, AllocError>;
    fn alloc_zeroed[](layout: Layout) -> &mut [u8];
    fn try_alloc_zeroed[](layout: Layout) -> Result<&mut [u8], AllocError>;
    fn alloc_image[T: barewire::Layout + ?Sized](value: &T) -> &mut [u8];
    fn try_alloc_image[T: barewire::Layout + ?Sized](value: &T) -> Result<&mut [u8], AllocError>;
    fn alloc_image_bytes[](image: &[u8]) -> &mut [u8];
    fn try_alloc_image_bytes[](image: &[u8]) -> Result<&mut [u8], AllocError>;
}

impl Drop for Region<'_> {
    fn drop(&mut self) {
        let c = &self.arena.counters;
        c.observe(self.arena.bytes_in_use());
        c.note_region(self.site, self.peak());
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

impl sealed::Sealed for Region<'_> {}

impl<T> Destination<T> for Region<'_> {
    #[cfg_attr(feature = "track", track_caller)]
    fn place(&self, value: T) -> Owned<'_, T> {
        self.alloc(value)
    }
}
