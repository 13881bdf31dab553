//! The allocation methods of an [`Arena`]: values, slices, strings and raw
//! layouts. Each `try_` method is the one core of its pair: the panicking
//! form calls it and panics with its error's message.

use core::alloc::Layout;
use core::mem;
use core::ptr::{self, NonNull};

use super::Arena;
use super::chunk::or_panic;
use crate::blit::Blit;
use crate::diag::{SiteKind, caller_site};
use crate::error::AllocError;
use crate::owned::Owned;

impl Arena {
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
        or_panic(self.try_alloc(value))
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
        let ptr = self
            .raw_alloc(Layout::new::<T>(), caller_site(), SiteKind::value::<T>())?
            .cast::<T>();
        // SAFETY: 1. `ptr` is valid for writes of `size_of::<T>()` bytes and
        // aligned for `T` (`raw_alloc` contract, or dangling-but-aligned for a
        // zero-sized `T`); 2. nothing else refers to those bytes.
        unsafe { ptr.as_ptr().write(value) };
        // SAFETY: `ptr` holds a valid `T` that nothing else owns, in memory of
        // this arena that stays put until it is reset, which needs the borrow
        // the returned handle holds.
        Ok(unsafe { Owned::from_arena(ptr, self) })
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
        or_panic(self.try_alloc_mut(value))
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
        let ptr = self.raw_alloc(Layout::new::<T>(), caller_site(), SiteKind::value::<T>())?;
        let ptr = ptr.cast::<T>().as_ptr();
        // SAFETY: 1. `ptr` is fresh arena memory valid and aligned for one `T`
        // (`raw_alloc` contract; dangling but aligned for a zero-sized `T`),
        // so the write is valid; 2. the `&mut` is unique and valid for the
        // `&self` borrow: nothing else refers to those bytes, and they are
        // reused only after `reset(&mut self)` or a region rewind, which end
        // that borrow. The value is never dropped (documented), which is safe.
        unsafe {
            ptr.write(value);
            Ok(&mut *ptr)
        }
    }

    /// Copies `src` into the arena: plain data ([`Blit`]) in one copy.
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
    pub fn alloc_slice_copy<T: Blit>(&self, src: &[T]) -> &mut [T] {
        or_panic(self.try_alloc_slice_copy(src))
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
    pub fn try_alloc_slice_copy<T: Blit>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let () = T::ASSERT_PLAIN;
        let dst = self.raw_alloc_array::<T>(src.len())?;
        // SAFETY: 1. `src` is valid for `src.len()` reads; 2. `dst` is valid
        // for that many writes and aligned (`raw_alloc` contract); 3. they do
        // not overlap, `dst` being fresh arena memory; 4. `T: Blit` (so `Copy`),
        // so a bitwise copy is a valid copy. The slice is then fully initialized
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
    pub fn alloc_slice_fill_copy<T: Blit>(&self, len: usize, value: T) -> &mut [T] {
        let () = T::ASSERT_PLAIN;
        let dst = or_panic(self.raw_alloc_array::<T>(len));
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

    /// A slice of `len` values made by `f(0)`, `f(1)`, ... in the arena, for
    /// any type (as `bumpalo::Bump::alloc_slice_fill_with`): like
    /// [`Arena::alloc_mut`], **the values' drops never run** (the bytes come
    /// back at reset or the end of the region). For plain data
    /// ([`Blit`]) prefer [`Arena::alloc_slice_fill_copy`]; this is for
    /// `Copy` data that is not plain, such as a table of `(&str, u32)`.
    ///
    /// If `f` panics, the values made so far are not dropped and their bytes
    /// stay in use until the arena is reset or the region ends.
    ///
    /// # Panics
    ///
    /// When a fixed arena is exhausted, or a growing one cannot grow (a
    /// request near `isize::MAX` bytes, or no memory left); when `f` panics.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let table = arena.alloc_slice_fill_with(3, |i| ("", i as u32));
    /// table[0].0 = "zero";
    /// assert_eq!(table, &[("zero", 0), ("", 1), ("", 2)]);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    #[allow(clippy::mut_from_ref)]
    pub fn alloc_slice_fill_with<T, F>(&self, len: usize, mut f: F) -> &mut [T]
    where
        F: FnMut(usize) -> T,
    {
        let dst = or_panic(self.raw_alloc_array::<T>(len));
        for i in 0..len {
            // SAFETY: `dst` is valid and aligned for `len` `T`s (`raw_alloc`
            // contract) and `i < len`; nothing else refers to that memory.
            unsafe { dst.as_ptr().add(i).write(f(i)) };
        }
        // SAFETY: all `len` elements were just initialized (a panic in `f`
        // leaves this function before the slice is made); the memory is
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
        or_panic(self.try_alloc_layout(layout))
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
        self.raw_alloc(layout, caller_site(), SiteKind::Raw)
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
        or_panic(self.try_alloc_zeroed(layout))
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
        let p = self.raw_alloc(layout, caller_site(), SiteKind::Raw)?;
        // SAFETY: 1. `p` is valid for `layout.size()` writes (`raw_alloc`
        // contract); 2. after `write_bytes` all of them are initialized; 3. the
        // bytes are exclusively ours for the `&self` borrow (as in
        // `try_alloc_slice_copy`).
        unsafe {
            ptr::write_bytes(p.as_ptr(), 0, layout.size());
            Ok(core::slice::from_raw_parts_mut(p.as_ptr(), layout.size()))
        }
    }

    /// Room for `len` values of `T`: [`Arena::raw_alloc`] of
    /// `Layout::array::<T>(len)` (a length whose bytes overflow is an error).
    #[inline(always)]
    #[cfg_attr(feature = "track", track_caller)]
    fn raw_alloc_array<T>(&self, len: usize) -> Result<NonNull<T>, AllocError> {
        let layout =
            Layout::array::<T>(len).map_err(|_| self.too_big(usize::MAX, mem::align_of::<T>()))?;
        Ok(self
            .raw_alloc(layout, caller_site(), SiteKind::Slice)?
            .cast::<T>())
    }
}
