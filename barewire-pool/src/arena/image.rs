//! Zero-copy images in an [`Arena`]: a value's barewire layout image, or
//! one that already exists, copied once into 64-byte-aligned arena memory
//! where `barewire::view` reads it in place.

use core::alloc::Layout;
use core::ptr::{self, NonNull};

use super::Arena;
use super::chunk::or_panic;
use crate::diag::{SiteKind, caller_site};
use crate::error::AllocError;

impl Arena {
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
        or_panic(self.try_alloc_image(value))
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
    /// The one `try_` method that also uses the global heap: the image is
    /// built there first, and a system with no memory for it aborts the
    /// process (`handle_alloc_error`), as `Vec` does.
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
        or_panic(self.try_alloc_image_bytes(image))
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
        let layout = Layout::from_size_align(image.len(), barewire::layout::MAX_ALIGN)
            .map_err(|_| self.too_big(image.len(), barewire::layout::MAX_ALIGN))?;
        let dst = self.raw_alloc(layout, caller_site(), SiteKind::Slice)?;
        // SAFETY: `dst` is fresh arena memory valid for `image.len()` bytes
        // (`raw_alloc` contract for `layout`, whose size is `image.len()`).
        Ok(unsafe { copy_image(image, dst) })
    }
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
