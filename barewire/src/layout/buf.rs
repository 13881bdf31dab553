//! The aligned image buffer and the writer that fills it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::ops::{Deref, DerefMut};

/// The alignment of every image buffer barewire allocates, and the largest
/// alignment a layout may ask for.
pub const MAX_ALIGN: usize = 64;

/// The largest image: offsets are 32-bit signed, relative to the field that
/// holds them, so every position must fit in `i32`.
pub const MAX_IMAGE_SIZE: usize = i32::MAX as usize;

/// One cache line of zeroed, 64-byte-aligned storage.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Block([u8; MAX_ALIGN]);

// SAFETY: `Block` is `repr(C)` around a byte array: (1) it has no padding
// (size 64 == the array's size, alignment 64 adds none); (2) every bit
// pattern is a valid `[u8; 64]`; (3) it holds no pointers or interior
// mutability. So it is plain old data and all-zero is a valid value.
unsafe impl bytemuck::Zeroable for Block {}
// SAFETY: see the `Zeroable` impl above; `Block` is also `Copy` and
// `'static`, as `Pod` requires.
unsafe impl bytemuck::Pod for Block {}

/// A layout image: bytes whose start is aligned to 64 (see
/// [`MAX_ALIGN`]), as [`to_layout`](crate::to_layout) returns it.
///
/// Dereferences to `[u8]`; write it to a file or a socket as it is, and view
/// it in place with [`view`](crate::view).
#[derive(Clone, Default)]
pub struct LayoutBuf {
    blocks: Vec<Block>,
    len: usize,
}

impl LayoutBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        LayoutBuf::default()
    }

    /// A zeroed buffer of `len` bytes, for reading an image into (from a file
    /// or a socket) before viewing it.
    ///
    /// ```
    /// let mut buf = barewire::layout::LayoutBuf::zeroed(3);
    /// buf.copy_from_slice(&[1, 2, 3]);
    /// assert_eq!(&buf[..], &[1, 2, 3]);
    /// ```
    pub fn zeroed(len: usize) -> Self {
        let mut buf = LayoutBuf::new();
        buf.resize(len);
        buf
    }

    /// A copy of `bytes` in an aligned buffer.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut buf = LayoutBuf::zeroed(bytes.len());
        buf.copy_from_slice(bytes);
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

    /// Grows or shrinks to `len` bytes; new bytes are zero.
    ///
    /// Invariant: every byte of `blocks` past `len` is zero, so growing
    /// within the blocks only moves `len`.
    #[inline]
    fn resize(&mut self, len: usize) {
        if len <= self.blocks.len() * MAX_ALIGN {
            if len < self.len {
                let old = self.len;
                self.bytes_mut_all()[len..old].fill(0);
            }
            self.len = len;
        } else {
            self.grow(len);
        }
    }

    /// Makes room for `len` bytes: at least doubles, so a writer's many
    /// small allocations cost amortized constant time.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, len: usize) {
        let blocks = len.div_ceil(MAX_ALIGN).max(self.blocks.len() * 2).max(4);
        if self.blocks.is_empty() {
            // Zeroed straight from the allocator (calloc): fresh pages cost
            // nothing until written.
            self.blocks = bytemuck::allocation::zeroed_vec(blocks);
        } else {
            self.blocks.resize(blocks, Block([0; MAX_ALIGN]));
        }
        self.len = len;
    }

    fn reserve(&mut self, capacity: usize) {
        if self.blocks.is_empty() && capacity > 0 {
            self.blocks = bytemuck::allocation::zeroed_vec(capacity.div_ceil(MAX_ALIGN));
        }
    }

    /// Drops the blocks past the end, for a finished image.
    fn shrink(&mut self) {
        self.blocks.truncate(self.len.div_ceil(MAX_ALIGN));
    }

    #[inline]
    fn bytes_mut_all(&mut self) -> &mut [u8] {
        bytemuck::cast_slice_mut(&mut self.blocks)
    }
}

impl Deref for LayoutBuf {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        &bytemuck::cast_slice(&self.blocks)[..self.len]
    }
}

impl DerefMut for LayoutBuf {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        &mut self.bytes_mut_all()[..len]
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
}

impl Writer {
    /// An empty writer with room for about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buf = LayoutBuf::new();
        buf.reserve(capacity);
        Writer {
            buf,
            interned: BTreeMap::new(),
        }
    }

    /// Allocates `size` zeroed bytes aligned to `align` (a power of two up to
    /// [`MAX_ALIGN`]) after everything written so far; returns their position.
    ///
    /// # Panics
    ///
    /// If the image would grow past [`MAX_IMAGE_SIZE`] (2 GiB - 1), which
    /// relative 32-bit offsets cannot address.
    #[inline]
    pub fn alloc(&mut self, size: usize, align: usize) -> usize {
        debug_assert!(align.is_power_of_two() && align <= MAX_ALIGN);
        let start = (self.buf.len + align - 1) & !(align - 1);
        let end = start.checked_add(size).filter(|&e| e <= MAX_IMAGE_SIZE);
        let Some(end) = end else {
            panic!(
                "layout image larger than {MAX_IMAGE_SIZE} bytes: 32-bit offsets cannot address it"
            );
        };
        self.buf.resize(end);
        start
    }

    /// The bytes `at..at + len`, to fill.
    #[inline]
    pub fn bytes(&mut self, at: usize, len: usize) -> &mut [u8] {
        &mut self.buf[at..at + len]
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

    /// Remembers that `bytes` are at `at`, for later interned strings.
    pub fn intern(&mut self, bytes: &[u8], at: usize) {
        self.interned.insert(bytes.into(), at);
    }

    /// The finished image.
    pub fn finish(mut self) -> LayoutBuf {
        self.buf.shrink();
        self.buf
    }
}
