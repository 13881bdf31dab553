//! `Arena`: bump allocation over chunks of bytes.
//!
//! One of the crate's few unsafe modules: it owns raw chunks from the global
//! allocator and hands out aligned, non-overlapping pieces of them.

use core::alloc::Layout;
use core::cell::{Cell, RefCell};
use core::mem;
use core::ptr::{self, NonNull};
use std::alloc;

use crate::diag::{Counters, Report, Site, Stats, caller_site};
use crate::drop_queue::DropQueue;
use crate::{AllocError, Owned, Region};

/// Smallest chunk a growing arena asks the system for.
const FIRST_CHUNK: usize = 4096;
/// Largest chunk a growing arena doubles up to (bigger requests get their own).
const MAX_CHUNK: usize = 64 << 20;
/// Alignment of the top of every chunk (requests with larger alignment get
/// their own): a cache line, and barewire's image alignment, so the first
/// image in a fixed arena needs no padding.
const CHUNK_ALIGN: usize = barewire::layout::MAX_ALIGN;
const NO_CHUNK: usize = usize::MAX;

/// One block from the global allocator. Its usable bytes are `[lo, hi)`,
/// handed out from `hi` downwards; `hi` is aligned to the block's alignment.
struct Chunk {
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
    /// [`AllocError`].
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

    /// Moves `value` into the arena.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left), with the
    /// [`AllocError`] message.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let v = arena.alloc(vec![1, 2, 3]);
    /// assert_eq!(v.len(), 3);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn alloc<T>(&self, value: T) -> Owned<'_, T> {
        let ptr = self.alloc_or_panic(Layout::new::<T>(), caller_site());
        let ptr = ptr.cast::<T>();
        // SAFETY: as in `try_alloc`: `ptr` is fresh, aligned arena memory for
        // one `T`.
        unsafe { ptr.as_ptr().write(value) };
        // SAFETY: as in `try_alloc`.
        unsafe { Owned::from_arena(ptr, self) }
    }

    /// Moves `value` into the arena and returns a plain `&mut T`, the way
    /// `bumpalo::Bump::alloc` does: no [`Owned`] handle, so **`T`'s drop never
    /// runs** (the bytes still come back at [`reset`](Arena::reset) or the
    /// end of the region). The same as `arena.alloc(value).leak()`; meant for
    /// plain data (`Copy` types and the like), where nothing needs dropping.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left), with the
    /// [`AllocError`] message.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let x: &mut u64 = arena.alloc_mut(41);
    /// *x += 1;
    /// assert_eq!(*x, 42);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_mut<T>(&self, value: T) -> &mut T {
        let ptr = self.alloc_or_panic(Layout::new::<T>(), caller_site());
        let ptr = ptr.cast::<T>().as_ptr();
        // SAFETY: 1. `ptr` is fresh arena memory valid and aligned for one `T`
        // (`raw_alloc` contract; dangling but aligned for a zero-sized `T`),
        // so the write is valid; 2. the `&mut` is unique and valid for the
        // `&self` borrow: nothing else refers to those bytes, and they are
        // reused only after `reset(&mut self)` or a region rewind, which end
        // that borrow. The value is never dropped (documented), which is safe.
        unsafe {
            ptr.write(value);
            &mut *ptr
        }
    }

    /// Like [`Arena::alloc_mut`], but says why it does not fit (the value is
    /// dropped then).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(8);
    /// assert_eq!(arena.try_alloc_mut(1u64).map(|x| *x), Ok(1));
    /// assert!(arena.try_alloc_mut(2u64).is_err());
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn try_alloc_mut<T>(&self, value: T) -> Result<&mut T, AllocError> {
        let ptr = self.raw_alloc(Layout::new::<T>(), caller_site())?;
        let ptr = ptr.cast::<T>().as_ptr();
        // SAFETY: as in `alloc_mut`.
        unsafe {
            ptr.write(value);
            Ok(&mut *ptr)
        }
    }

    /// Moves `value` into the arena, or says why it does not fit (the value is
    /// dropped then).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(4);
    /// let err = arena.try_alloc(1u64).unwrap_err();
    /// assert_eq!((err.requested, err.remaining), (8, 4));
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_alloc<T>(&self, value: T) -> Result<Owned<'_, T>, AllocError> {
        let layout = Layout::new::<T>();
        let ptr = self.raw_alloc(layout, caller_site())?.cast::<T>();
        // SAFETY: 1. `ptr` is valid for writes of `size_of::<T>()` bytes and
        // aligned for `T` (`raw_alloc` contract, or dangling-but-aligned for a
        // zero-sized `T`); 2. nothing else refers to those bytes.
        unsafe { ptr.as_ptr().write(value) };
        // SAFETY: `ptr` holds a valid `T` that nothing else owns, in memory of
        // this arena that stays put until it is reset, which needs the borrow
        // the returned handle holds.
        Ok(unsafe { Owned::from_arena(ptr, self) })
    }

    /// Copies `src` into the arena.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let s = arena.alloc_slice_copy(b"bare");
    /// s[0] = b'B';
    /// assert_eq!(s, b"Bare");
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        match self.try_alloc_slice_copy(src) {
            Ok(v) => v,
            Err(e) => exhausted(e),
        }
    }

    /// Copies `src` into the arena, or says why it does not fit.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(2);
    /// assert!(arena.try_alloc_slice_copy(&[1u8, 2, 3]).is_err());
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let layout = Layout::array::<T>(src.len())
            .map_err(|_| self.too_big(usize::MAX, mem::align_of::<T>()))?;
        let dst = self.raw_alloc(layout, caller_site())?.cast::<T>();
        // SAFETY: 1. `src` is valid for `src.len()` reads; 2. `dst` is valid
        // for that many writes and aligned (`raw_alloc` contract); 3. they do
        // not overlap, `dst` being fresh arena memory; 4. `T: Copy`, so a
        // bitwise copy is a valid copy. The slice is then fully initialized
        // and exclusively ours for the lifetime of the `&self` borrow (the
        // bytes are reused only after `reset(&mut self)` or a region rewind,
        // which end that borrow).
        unsafe {
            ptr::copy_nonoverlapping(src.as_ptr(), dst.as_ptr(), src.len());
            Ok(core::slice::from_raw_parts_mut(dst.as_ptr(), src.len()))
        }
    }

    /// A slice of `len` copies of `value` in the arena.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let counts = arena.alloc_slice_fill_copy(4, 0u32);
    /// counts[2] += 1;
    /// assert_eq!(counts, &[0, 0, 1, 0]);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_slice_fill_copy<T: Copy>(&self, len: usize, value: T) -> &mut [T] {
        let layout = match Layout::array::<T>(len) {
            Ok(l) => l,
            Err(_) => exhausted(self.too_big(usize::MAX, mem::align_of::<T>())),
        };
        let dst = self.alloc_or_panic(layout, caller_site()).cast::<T>();
        for i in 0..len {
            // SAFETY: `dst` is valid and aligned for `len` `T`s (`raw_alloc`
            // contract) and `i < len`.
            unsafe { dst.as_ptr().add(i).write(value) };
        }
        // SAFETY: all `len` elements were just initialized; the memory is
        // exclusively ours for the `&self` borrow (as in
        // `try_alloc_slice_copy`).
        unsafe { core::slice::from_raw_parts_mut(dst.as_ptr(), len) }
    }

    /// Copies `s` into the arena.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let s = arena.alloc_str("bare");
    /// s.make_ascii_uppercase();
    /// assert_eq!(s, "BARE");
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_str(&self, s: &str) -> &mut str {
        let bytes = self.alloc_slice_copy(s.as_bytes());
        // SAFETY: the bytes are a copy of a `str`, so valid UTF-8.
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }

    /// Reserves bytes for `layout` and returns their (uninitialized) start.
    ///
    /// The memory is valid for `layout.size()` bytes until the arena is reset
    /// or the enclosing region ends; the pointer is dangling but aligned when
    /// the size is zero.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// use std::alloc::Layout;
    /// let arena = barewire_pool::Arena::new();
    /// let p = arena.alloc_layout(Layout::from_size_align(24, 8).unwrap());
    /// assert_eq!(p.as_ptr() as usize % 8, 0);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        self.alloc_or_panic(layout, caller_site())
    }

    /// Like [`Arena::alloc_layout`], but says why it does not fit.
    ///
    /// ```
    /// use std::alloc::Layout;
    /// let arena = barewire_pool::Arena::with_capacity_fixed(16);
    /// assert!(arena.try_alloc_layout(Layout::from_size_align(32, 8).unwrap()).is_err());
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.raw_alloc(layout, caller_site())
    }

    /// Reserves `layout.size()` zeroed bytes aligned to `layout.align()`:
    /// the place to write a zero-copy image into.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// use std::alloc::Layout;
    /// let arena = barewire_pool::Arena::new();
    /// let image = arena.alloc_zeroed(Layout::from_size_align(64, 16).unwrap());
    /// assert_eq!(image.len(), 64);
    /// assert_eq!(image.as_ptr() as usize % 16, 0);
    /// assert!(image.iter().all(|&b| b == 0));
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_zeroed(&self, layout: Layout) -> &mut [u8] {
        match self.try_alloc_zeroed(layout) {
            Ok(v) => v,
            Err(e) => exhausted(e),
        }
    }

    /// Like [`Arena::alloc_zeroed`], but says why it does not fit.
    ///
    /// ```
    /// use std::alloc::Layout;
    /// let arena = barewire_pool::Arena::with_capacity_fixed(8);
    /// assert!(arena.try_alloc_zeroed(Layout::from_size_align(9, 1).unwrap()).is_err());
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn try_alloc_zeroed(&self, layout: Layout) -> Result<&mut [u8], AllocError> {
        let p = self.raw_alloc(layout, caller_site())?;
        // SAFETY: 1. `p` is valid for `layout.size()` writes (`raw_alloc`
        // contract); 2. after `write_bytes` all of them are initialized; 3. the
        // bytes are exclusively ours for the `&self` borrow (as in
        // `try_alloc_slice_copy`).
        unsafe {
            ptr::write_bytes(p.as_ptr(), 0, layout.size());
            Ok(core::slice::from_raw_parts_mut(p.as_ptr(), layout.size()))
        }
    }

    /// Writes the zero-copy layout image of `value` into the arena and
    /// returns its bytes: what a file, another process or a socket would
    /// receive, and what [`barewire::view`] reads in place.
    ///
    /// The image starts at an address aligned to
    /// [`barewire::layout::MAX_ALIGN`] (64), so [`barewire::view`] and
    /// [`barewire::view_mut`] accept it for any root type. It lives until the
    /// arena is reset or the region it was allocated in ends.
    /// (Small images pay for the alignment: each starts on a 64-byte
    /// boundary, so up to 63 bytes of padding sit between two of them.)
    ///
    /// Cost: the image is built by [`barewire::to_layout`] (barewire's
    /// `Writer` owns its buffer) and then copied once into the arena, so this
    /// is one heap image, freed before returning, plus one `memcpy` of
    /// the image's length. To hold an image that already exists (read from a
    /// file or a socket), use [`Arena::alloc_image_bytes`].
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (or if [`barewire::to_layout`] panics:
    /// an image over 2 GiB).
    ///
    /// ```
    /// use barewire::Bare;
    ///
    /// #[derive(Bare)]
    /// struct Reading {
    ///     sensor: String,
    ///     celsius: f32,
    /// }
    ///
    /// let mut arena = barewire_pool::Arena::new();
    /// {
    ///     let region = arena.region();
    ///     let image = region.alloc_image(&Reading { sensor: "north".into(), celsius: 21.5 });
    ///     assert_eq!(image.as_ptr() as usize % 64, 0);
    ///     // Viewed in place: no copy, no decode.
    ///     let view = barewire::view::<Reading>(image).unwrap();
    ///     assert_eq!(view.sensor().as_str().unwrap(), "north");
    ///     assert_eq!(view.celsius(), 21.5);
    /// } // the region ends: the image's bytes are back
    /// assert_eq!(arena.bytes_in_use(), 0);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_image<T: barewire::Layout + ?Sized>(&self, value: &T) -> &mut [u8] {
        let image = barewire::to_layout(value);
        self.alloc_image_bytes(&image)
    }

    /// Like [`Arena::alloc_image`], but says why it does not fit.
    ///
    /// # Panics
    ///
    /// Only if [`barewire::to_layout`] does (an image over
    /// [`barewire::layout::MAX_IMAGE_SIZE`]); every arena failure is an `Err`.
    /// For an image that already exists, [`Arena::try_alloc_image_bytes`]
    /// never panics.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(64);
    /// let image = arena.try_alloc_image(&7u64).unwrap();
    /// assert_eq!(barewire::view::<u64>(image).unwrap(), 7);
    /// let err = arena.try_alloc_image(&vec![0u64; 100]).unwrap_err();
    /// assert_eq!(err.align, 64);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn try_alloc_image<T: barewire::Layout + ?Sized>(
        &self,
        value: &T,
    ) -> Result<&mut [u8], AllocError> {
        let image = barewire::to_layout(value);
        self.try_alloc_image_bytes(&image)
    }

    /// Copies an existing image (from a [`barewire::LayoutBuf`], a file, a
    /// socket) into 64-aligned arena memory, where [`barewire::view`] can read
    /// it in place.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left).
    ///
    /// ```
    /// let received = barewire::to_layout(&String::from("over the wire"));
    /// let arena = barewire_pool::Arena::new();
    /// let image = arena.alloc_image_bytes(&received);
    /// let view = barewire::view::<String>(image).unwrap();
    /// assert_eq!(view.as_str().unwrap(), "over the wire");
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_image_bytes(&self, image: &[u8]) -> &mut [u8] {
        let layout = match self.image_layout(image.len()) {
            Ok(l) => l,
            Err(e) => exhausted(e),
        };
        let dst = self.alloc_or_panic(layout, caller_site());
        // SAFETY: as in `try_alloc_image_bytes`.
        unsafe { copy_image(image, dst) }
    }

    /// Like [`Arena::alloc_image_bytes`], but says why it does not fit.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(100);
    /// assert!(arena.try_alloc_image_bytes(&[0u8; 64]).is_ok());
    /// assert!(arena.try_alloc_image_bytes(&[0u8; 64]).is_err());
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn try_alloc_image_bytes(&self, image: &[u8]) -> Result<&mut [u8], AllocError> {
        let layout = self.image_layout(image.len())?;
        let dst = self.raw_alloc(layout, caller_site())?;
        // SAFETY: `dst` is fresh arena memory valid for `image.len()` bytes
        // (`raw_alloc` contract for `layout`, whose size is `image.len()`).
        Ok(unsafe { copy_image(image, dst) })
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
        unsafe {
            self.rewind(Mark {
                current: NO_CHUNK,
                ptr: ptr::null_mut(),
                start: ptr::null_mut(),
            })
        };
    }

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

    /// The counters (see [`Stats`]).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// arena.alloc(0u16);
    /// assert_eq!(arena.stats().allocations, 1);
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
            allocations: c.allocations.get(),
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

    // ---- crate-internal ------------------------------------------------

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
    fn raw_alloc(&self, layout: Layout, site: Option<Site>) -> Result<NonNull<u8>, AllocError> {
        self.note_alloc(layout, site);
        if layout.size() == 0 {
            // A zero-sized access is valid at any non-null aligned address.
            return Ok(dangling(layout.align()));
        }
        match self.bump(layout) {
            Some(p) => Ok(p),
            None => self.alloc_slow(layout, site),
        }
    }

    /// [`Arena::raw_alloc`] for the panicking methods: the same contract, and
    /// the error is raised in the cold path so the fast path stays a bump.
    #[inline(always)]
    #[cfg_attr(feature = "track", track_caller)]
    fn alloc_or_panic(&self, layout: Layout, site: Option<Site>) -> NonNull<u8> {
        self.note_alloc(layout, site);
        if layout.size() == 0 {
            return dangling(layout.align());
        }
        match self.bump(layout) {
            Some(p) => p,
            None => self.alloc_slow_or_panic(layout, site),
        }
    }

    /// The per-call diagnostics: one counter, plus the call site with the
    /// `track` feature.
    #[inline(always)]
    fn note_alloc(&self, layout: Layout, site: Option<Site>) {
        let _ = (layout, site);
        Counters::bump(&self.counters.allocations);
        #[cfg(feature = "track")]
        if let Some(site) = site {
            self.counters.note_site(site, layout.size());
        }
    }

    #[cold]
    #[inline(never)]
    #[cfg_attr(feature = "track", track_caller)]
    fn alloc_slow_or_panic(&self, layout: Layout, site: Option<Site>) -> NonNull<u8> {
        match self.alloc_slow(layout, site) {
            Ok(p) => p,
            Err(e) => exhausted(e),
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
        self.push_chunk(size, layout.align().max(CHUNK_ALIGN))
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
    fn push_chunk(&self, size: usize, align: usize) -> Result<(), AllocError> {
        let layout = size
            .checked_next_multiple_of(align)
            .and_then(|rounded| Layout::from_size_align(rounded, align).ok());
        let Some(layout) = layout else {
            return Err(self.too_big(size, align));
        };
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

    /// Size and alignment of an image of `len` bytes in the arena.
    fn image_layout(&self, len: usize) -> Result<Layout, AllocError> {
        Layout::from_size_align(len, barewire::layout::MAX_ALIGN)
            .map_err(|_| self.too_big(len, barewire::layout::MAX_ALIGN))
    }

    /// Free bytes left in the current chunk (before alignment).
    fn remaining(&self) -> usize {
        self.ptr.get().addr() - self.start.get().addr()
    }

    fn too_big(&self, requested: usize, align: usize) -> AllocError {
        AllocError {
            requested,
            align,
            remaining: self.remaining(),
            capacity: self.capacity(),
        }
    }

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

/// Where `layout` fits in `[lo, hi)` when bumping down from `hi`, if it does.
fn fit(lo: *mut u8, hi: *mut u8, layout: Layout) -> Option<NonNull<u8>> {
    let new = hi.addr().checked_sub(layout.size())? & !(layout.align() - 1);
    if new < lo.addr() {
        return None;
    }
    NonNull::new(hi.with_addr(new))
}

/// Copies `image` to `dst` and returns the copy.
///
/// # Safety
///
/// `dst` is valid for writes of `image.len()` bytes, overlaps nothing else in
/// use (fresh arena memory, or dangling for an empty image), and stays valid
/// and unaliased for `'a`.
unsafe fn copy_image<'a>(image: &[u8], dst: NonNull<u8>) -> &'a mut [u8] {
    // SAFETY: 1. `image` is valid for `len` reads, `dst` for `len` writes
    // (caller); 2. they do not overlap, `dst` being fresh arena memory;
    // 3. afterwards all `len` bytes are initialized and exclusively ours for
    // `'a` (caller), so the slice is valid.
    unsafe {
        ptr::copy_nonoverlapping(image.as_ptr(), dst.as_ptr(), image.len());
        core::slice::from_raw_parts_mut(dst.as_ptr(), image.len())
    }
}

fn dangling(align: usize) -> NonNull<u8> {
    NonNull::<u8>::dangling().with_addr(core::num::NonZeroUsize::MIN.saturating_add(align - 1))
}

#[cold]
#[track_caller]
fn exhausted(e: AllocError) -> ! {
    panic!("{e}")
}

#[cold]
#[track_caller]
fn capacity_panic(bytes: usize) -> ! {
    panic!(
        "cannot make an arena of {bytes} bytes: a chunk (rounded up to 64 bytes) must fit in isize::MAX bytes, and the system must have the memory"
    )
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

impl core::fmt::Debug for Arena {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Arena")
            .field("bytes_in_use", &self.bytes_in_use())
            .field("capacity", &self.capacity())
            .field("fixed", &self.fixed.is_some())
            .finish()
    }
}
