//! The aligned image buffer and the writer that fills it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

/// The alignment of every image buffer barewire allocates, and the largest
/// alignment a layout may ask for.
pub const MAX_ALIGN: usize = 64;

/// The largest image: offsets are 32-bit signed, relative to the field that
/// holds them, so every position must fit in `i32`.
pub const MAX_IMAGE_SIZE: usize = i32::MAX as usize;

/// A layout image: bytes whose start is aligned to 64 (see
/// [`MAX_ALIGN`]), as [`to_layout`](crate::to_layout) returns it.
///
/// Dereferences to `[u8]`; write it to a file or a socket as it is, and view
/// it in place with [`view`](crate::view).
pub struct LayoutBuf {
    /// Start of the allocation (aligned to `MAX_ALIGN`), or a dangling but
    /// aligned pointer when `cap` is 0.
    ptr: NonNull<u8>,
    /// Bytes allocated.
    cap: usize,
    /// Bytes in use; every byte below `len` is initialized.
    len: usize,
}

// SAFETY: a `LayoutBuf` owns its bytes exclusively, like a `Vec<u8>`: no
// other handle to the allocation exists, so moving it to another thread
// (`Send`) or sharing `&LayoutBuf`, which only gives `&[u8]` (`Sync`), is as
// safe as for `Vec<u8>`.
unsafe impl Send for LayoutBuf {}
// SAFETY: see `Send` above.
unsafe impl Sync for LayoutBuf {}

/// A type aligned like every image buffer, for the dangling pointer of an
/// empty one.
#[repr(C, align(64))]
struct CacheLine([u8; MAX_ALIGN]);

/// Panics for a buffer that no allocation can hold.
#[cold]
#[inline(never)]
fn capacity_overflow(total: usize) -> ! {
    panic!("layout buffer of {total} bytes is larger than any allocation (capacity overflow)")
}

/// The allocation layout of `cap` bytes at `MAX_ALIGN`.
fn alloc_layout(cap: usize) -> core::alloc::Layout {
    match core::alloc::Layout::from_size_align(cap, MAX_ALIGN) {
        Ok(layout) => layout,
        Err(_) => panic!("layout buffer of {cap} bytes is too large"),
    }
}

impl LayoutBuf {
    /// An empty buffer.
    pub const fn new() -> Self {
        LayoutBuf {
            // Dangling but aligned to `MAX_ALIGN`, like the allocations.
            ptr: NonNull::<CacheLine>::dangling().cast(),
            cap: 0,
            len: 0,
        }
    }

    /// A zeroed buffer of `len` bytes, for reading an image into (from a file
    /// or a socket) before viewing it.
    ///
    /// # Panics
    ///
    /// If `len` is larger than any allocation can be (over `isize::MAX`),
    /// or aborts if the allocator cannot provide it, as `vec![0; len]` does.
    ///
    /// ```
    /// let mut buf = barewire::layout::LayoutBuf::zeroed(3);
    /// buf.copy_from_slice(&[1, 2, 3]);
    /// assert_eq!(&buf[..], &[1, 2, 3]);
    /// ```
    pub fn zeroed(len: usize) -> Self {
        let mut buf = LayoutBuf::new();
        buf.push_zeros(len);
        buf
    }

    /// A copy of `bytes` in an aligned buffer.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut buf = LayoutBuf::new();
        buf.push_bytes(bytes);
        buf
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the image is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Makes room for `total` bytes in all: at least doubles the capacity,
    /// so appending many small parts costs amortized constant time.
    #[inline]
    fn reserve_total(&mut self, total: usize) {
        if total > self.cap {
            self.grow(total);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, total: usize) {
        // Checked: rounding a request near `usize::MAX` up to `MAX_ALIGN`
        // must not wrap to a small (or zero) capacity that the caller then
        // writes `total` bytes into.
        let cap = match total
            .max(self.cap.saturating_mul(2))
            .max(256)
            .checked_next_multiple_of(MAX_ALIGN)
        {
            Some(cap) if cap <= isize::MAX as usize => cap,
            _ => capacity_overflow(total),
        };
        debug_assert!(cap >= total);
        let new = alloc_layout(cap);
        let ptr = if self.cap == 0 {
            // SAFETY: `new` has a nonzero size (at least 256 bytes).
            unsafe { alloc::alloc::alloc(new) }
        } else {
            // SAFETY: (1) `self.ptr` was allocated by this allocator with
            // `alloc_layout(self.cap)` (the only way `cap` becomes nonzero);
            // (2) `cap` is nonzero and, rounded to `MAX_ALIGN`, does not
            // overflow `isize` (`alloc_layout` checked it).
            unsafe { alloc::alloc::realloc(self.ptr.as_ptr(), alloc_layout(self.cap), cap) }
        };
        match NonNull::new(ptr) {
            Some(ptr) => {
                self.ptr = ptr;
                self.cap = cap;
            }
            None => alloc::alloc::handle_alloc_error(new),
        }
    }

    /// Appends `n` zero bytes.
    #[inline]
    fn push_zeros(&mut self, n: usize) {
        let total = self
            .len
            .checked_add(n)
            .expect("layout buffer length overflows");
        self.reserve_total(total);
        // SAFETY: (1) bounds: `reserve_total` made `cap >= len + n`, so the
        // `n` bytes from `len` lie inside the allocation; (2) alignment: `u8`;
        // (3) after the write they are initialized, so raising `len` keeps
        // the invariant that every byte below `len` is initialized.
        unsafe { self.ptr.as_ptr().add(self.len).write_bytes(0, n) };
        self.len = total;
    }

    /// Appends a copy of `bytes`.
    #[inline]
    fn push_bytes(&mut self, bytes: &[u8]) {
        let total = self
            .len
            .checked_add(bytes.len())
            .expect("layout buffer length overflows");
        self.reserve_total(total);
        // SAFETY: (1) bounds: `cap >= len + bytes.len()` after
        // `reserve_total`; (2) alignment: `u8`; (3) `bytes` cannot overlap
        // the spare capacity, which no reference points into; (4) the copied
        // bytes are initialized, keeping the invariant below `len`.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.ptr.as_ptr().add(self.len),
                bytes.len(),
            );
        }
        self.len = total;
    }
}

impl Default for LayoutBuf {
    fn default() -> Self {
        LayoutBuf::new()
    }
}

impl Drop for LayoutBuf {
    fn drop(&mut self) {
        if self.cap > 0 {
            // SAFETY: `self.ptr` was allocated with `alloc_layout(self.cap)`
            // and is freed once, here.
            unsafe { alloc::alloc::dealloc(self.ptr.as_ptr(), alloc_layout(self.cap)) };
        }
    }
}

impl Clone for LayoutBuf {
    fn clone(&self) -> Self {
        LayoutBuf::from_bytes(self)
    }
}

impl Deref for LayoutBuf {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        // SAFETY: (1) `ptr` is valid for `len` bytes (inside the allocation,
        // or dangling and aligned with `len == 0`); (2) they are initialized
        // (the invariant of `len`); (3) the shared borrow of `self` keeps
        // them from being written or freed while the slice lives.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl DerefMut for LayoutBuf {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`, and the exclusive borrow of `self` makes
        // this the only reference to the bytes while it lives.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl AsRef<[u8]> for LayoutBuf {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl AsMut<[u8]> for LayoutBuf {
    fn as_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl core::fmt::Debug for LayoutBuf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LayoutBuf")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl PartialEq for LayoutBuf {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

/// Writes a layout image: hands out zeroed, aligned space and fills it.
///
/// Positions are byte offsets from the start of the image; the writer never
/// hands out a position twice. `Layout::write` impls use it; most users call
/// [`to_layout`](crate::to_layout) instead.
pub struct Writer {
    buf: LayoutBuf,
    interned: BTreeMap<Vec<u8>, usize>,
    /// Inside [`interning`](Self::interning): every string written is
    /// stored once per distinct content.
    interning: bool,
    /// Inside a [`Builder`](super::Builder)'s `put`: the in-place field
    /// types hold positions in the image, which their `write` turns into
    /// offsets relative to where they are written.
    placing: bool,
}

impl Writer {
    /// An empty writer with room for about `capacity` bytes. The capacity
    /// is a hint: it is capped at [`MAX_IMAGE_SIZE`], the largest image.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer::reusing(LayoutBuf::new(), capacity)
    }

    /// A writer into `buf`'s allocation: its bytes are dropped (not freed)
    /// and it grows to about `capacity` bytes if it is smaller.
    pub(crate) fn reusing(mut buf: LayoutBuf, capacity: usize) -> Self {
        buf.len = 0;
        buf.reserve_total(capacity.min(MAX_IMAGE_SIZE));
        Writer {
            buf,
            interned: BTreeMap::new(),
            interning: false,
            placing: false,
        }
    }

    /// Allocates `size` zeroed bytes aligned to `align` (a power of two up to
    /// [`MAX_ALIGN`]) after everything written so far; returns their position.
    ///
    /// # Panics
    ///
    /// If the image would grow past [`MAX_IMAGE_SIZE`] (2 GiB - 1), which
    /// relative 32-bit offsets cannot address, or if `align` is not a power
    /// of two up to [`MAX_ALIGN`].
    #[inline]
    pub fn alloc(&mut self, size: usize, align: usize) -> usize {
        let start = self.start(size, align);
        self.buf.push_zeros(start - self.buf.len + size);
        start
    }

    /// Appends a copy of `bytes` at the next multiple of `align` (the bytes
    /// before it zeroed); returns their position. Like [`alloc`](Self::alloc)
    /// followed by [`put`](Self::put), without zeroing what is overwritten.
    ///
    /// # Panics
    ///
    /// As [`alloc`](Self::alloc).
    #[inline]
    pub fn alloc_bytes(&mut self, bytes: &[u8], align: usize) -> usize {
        let start = self.start(bytes.len(), align);
        self.buf.push_zeros(start - self.buf.len);
        self.buf.push_bytes(bytes);
        start
    }

    /// Where `size` bytes aligned to `align` would start.
    #[inline]
    fn start(&self, size: usize, align: usize) -> usize {
        assert!(
            align.is_power_of_two() && align <= MAX_ALIGN,
            "layout alignment {align} is not a power of two up to {MAX_ALIGN}"
        );
        // `len <= MAX_IMAGE_SIZE` and `align <= MAX_ALIGN`: no overflow.
        let start = self.buf.len.next_multiple_of(align);
        match start.checked_add(size) {
            Some(end) if end <= MAX_IMAGE_SIZE => start,
            _ => panic!(
                "layout image larger than {MAX_IMAGE_SIZE} bytes: 32-bit offsets cannot address it"
            ),
        }
    }

    /// The whole image written so far, to fill several places at once.
    #[inline]
    pub fn image_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    /// Writes `bytes` at `at`.
    #[inline]
    pub fn put(&mut self, at: usize, bytes: &[u8]) {
        self.buf[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Writes the relative offset from `field` to `target` at `field`.
    #[inline]
    pub fn put_offset(&mut self, field: usize, target: usize) {
        // Both positions are below MAX_IMAGE_SIZE (checked by `alloc`), so
        // the difference fits in i32.
        let rel = target as i64 - field as i64;
        self.put(field, &(rel as i32).to_le_bytes());
    }

    /// The position of an earlier copy of `bytes` written with
    /// [`intern`](Self::intern), if any.
    pub fn interned(&self, bytes: &[u8]) -> Option<usize> {
        self.interned.get(bytes).copied()
    }

    /// Runs `write` with interning on: every string it writes (at any depth:
    /// list items, map keys and values, options, nested structs) whose
    /// bytes an interned string already holds points to those bytes instead
    /// of a copy. What `#[bare(intern)]` on a field does.
    ///
    /// ```
    /// use barewire::layout::{Layout, Writer};
    ///
    /// let names = vec!["a name longer than eight".to_string(); 3];
    /// let mut w = Writer::with_capacity(0);
    /// let at = w.alloc(<Vec<String>>::SIZE, <Vec<String>>::ALIGN);
    /// w.interning(|w| names.write(w, at));
    /// let image = w.finish();
    /// // One copy of the 24 bytes, not three.
    /// assert!(image.len() < barewire::to_layout(&names).len() - 40);
    /// assert_eq!(barewire::layout::to_owned::<Vec<String>>(&image)?, names);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn interning<R>(&mut self, write: impl FnOnce(&mut Writer) -> R) -> R {
        let outer = core::mem::replace(&mut self.interning, true);
        let result = write(self);
        self.interning = outer;
        result
    }

    /// Whether strings written now are interned (see
    /// [`interning`](Self::interning)).
    #[inline]
    pub(crate) fn is_interning(&self) -> bool {
        self.interning
    }

    /// Runs `write` with the in-place field types placing: see
    /// [`Builder`](super::Builder).
    pub(crate) fn placing<R>(&mut self, write: impl FnOnce(&mut Writer) -> R) -> R {
        let outer = core::mem::replace(&mut self.placing, true);
        let result = write(self);
        self.placing = outer;
        result
    }

    /// Whether in-place field types written now hold positions (see
    /// [`placing`](Self::placing)) rather than relative offsets.
    #[inline]
    pub(crate) fn is_placing(&self) -> bool {
        self.placing
    }

    /// The length of the image written so far.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.buf.len
    }

    /// Remembers that `bytes` are at `at`, for later interned strings.
    pub fn intern(&mut self, bytes: &[u8], at: usize) {
        self.interned.insert(bytes.into(), at);
    }

    /// The finished image.
    pub fn finish(self) -> LayoutBuf {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "capacity overflow")]
    fn a_buffer_near_usize_max_panics_before_writing() {
        // Rounding up to 64 used to wrap to a zero capacity, then the
        // buffer was written past its end (release builds).
        let _ = LayoutBuf::zeroed(usize::MAX - 10);
    }

    #[test]
    #[should_panic(expected = "capacity overflow")]
    fn a_buffer_over_isize_max_panics() {
        let _ = LayoutBuf::zeroed(isize::MAX as usize + 1);
    }

    #[test]
    #[cfg_attr(miri, ignore)] // reserves 2 GiB of address space
    fn a_huge_capacity_hint_is_capped() {
        let mut w = Writer::with_capacity(usize::MAX);
        let at = w.alloc(8, 8);
        w.put(at, &7u64.to_le_bytes());
        assert_eq!(&w.finish()[..], &7u64.to_le_bytes());
    }

    #[test]
    #[should_panic(expected = "not a power of two")]
    fn a_bad_alignment_is_refused() {
        Writer::with_capacity(0).alloc(8, 3);
    }

    #[test]
    fn the_writer_aligns_and_zeroes() {
        let mut w = Writer::with_capacity(0);
        assert_eq!(w.alloc_bytes(&[1, 2, 3], 1), 0);
        assert_eq!(w.alloc(4, 8), 8);
        let image = w.finish();
        assert_eq!(&image[..], &[1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(image.as_ptr() as usize % MAX_ALIGN, 0);
    }
}
