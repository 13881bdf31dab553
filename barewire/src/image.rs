//! Owned views: [`Image<T, B>`] keeps a checked layout image together with
//! the buffer that holds it, so the view can be kept, stored and sent
//! without a lifetime tied to a local.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::error::Error;
use crate::layout::{self, Check, FromLayout, Layout, LayoutBuf, Trust};
use crate::limits::Limits;

/// A buffer whose bytes cannot change while it is held: what [`Image`]
/// needs to check an image once and trust it afterwards.
///
/// Implemented for `Vec<u8>`, `Box<[u8]>`, `Rc<[u8]>`, `Arc<[u8]>`,
/// `&[u8]`, [`LayoutBuf`], `bytes::Bytes` (feature `bytes`) and
/// `memmap2::Mmap` (feature `mmap`).
///
/// ```
/// use barewire::image::StableBuffer;
/// let v = vec![1u8, 2, 3];
/// assert_eq!(v.stable_bytes(), &[1, 2, 3]);
/// ```
///
/// # Safety
///
/// An implementer guarantees that every call of
/// [`stable_bytes`](Self::stable_bytes) on a value returns a slice with the
/// same address, the same length and the same contents for as long as
/// the value lives and is reachable only through shared references (`&B`)
/// and moves: moving the value does not move its bytes (they live on the
/// heap, in a mapping or in borrowed memory), and nothing reachable from
/// `&B` can change them (no interior mutability over the bytes). For a
/// memory map, the promise made to `unsafe` constructors of the map (that no
/// process modifies or truncates the file) is part of this guarantee.
pub unsafe trait StableBuffer {
    /// The bytes, the same on every call (see the trait's `# Safety`).
    fn stable_bytes(&self) -> &[u8];
}

// SAFETY (for the impls below): each type owns or borrows its bytes
// outside of itself (heap allocation, reference-counted allocation,
// borrowed slice, aligned heap allocation), so moving the value keeps the
// address; through `&Self` none of them offers a way to change, grow or
// reallocate the bytes (no interior mutability over `[u8]`), so address,
// length and contents stay as they are while `Image` holds the value,
// which it never hands out as `&mut`.

// SAFETY: see above (heap allocation; `&Vec<u8>` cannot change it).
unsafe impl StableBuffer for Vec<u8> {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (heap allocation).
unsafe impl StableBuffer for Box<[u8]> {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (shared allocation; `[u8]` has no interior mutability,
// and `Rc::get_mut` needs `&mut Rc`).
unsafe impl StableBuffer for Rc<[u8]> {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (as `Rc<[u8]>`).
unsafe impl StableBuffer for Arc<[u8]> {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (borrowed bytes are immutable for the borrow's life).
unsafe impl StableBuffer for &[u8] {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (aligned heap allocation; `&LayoutBuf` only derefs to
// `&[u8]`).
unsafe impl StableBuffer for LayoutBuf {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (`Bytes` is an immutable view of shared memory; its
// `Deref` returns the same pointer and length every time).
#[cfg(feature = "bytes")]
unsafe impl StableBuffer for bytes::Bytes {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (a mapping does not move with the `Mmap` value; its
// contents stay as they are by the promise made to `Mmap::map`, which is
// `unsafe`, and which this trait's contract includes).
#[cfg(feature = "mmap")]
unsafe impl StableBuffer for memmap2::Mmap {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}

/// A checked layout image of a `T` that owns its buffer `B`: checked once
/// by [`new`](Self::new), then viewed any number of times with
/// [`view`](Self::view) at no cost, from wherever the image is kept.
///
/// `B` is any [`StableBuffer`]: a `Vec<u8>`, a [`LayoutBuf`], a
/// `bytes::Bytes` from the network, an `Arc<[u8]>` cache entry, a memory
/// map. `Image<T, B>` is `Send` and `Sync` when `B` is.
///
/// ```
/// use std::sync::Arc;
/// use barewire::Image;
///
/// #[derive(barewire::Bare, Debug, PartialEq)]
/// struct Log { address: [u8; 4], request: String, code: u16 }
///
/// let log = Log { address: [10, 0, 0, 1], request: "GET /".into(), code: 200 };
/// let bytes: Arc<[u8]> = Arc::from(&barewire::to_layout(&log)[..]);
/// // An `Arc<[u8]>` is not necessarily aligned: copy into an aligned buffer
/// // if it is not (`copy_from` does exactly one copy).
/// let image = match Image::<Log, Arc<[u8]>>::new(bytes.clone()) {
///     Ok(image) => image.view().code(),
///     Err(barewire::Error::Misaligned { .. }) => Image::<Log, _>::copy_from(&bytes)?.view().code(),
///     Err(e) => return Err(e),
/// };
/// assert_eq!(image, 200);
///
/// // Keep it in a struct, send it to another thread: no borrow of a local.
/// let image = Image::<Log, _>::new(barewire::to_layout(&log))?;
/// let code = std::thread::spawn(move || image.view().code()).join().unwrap();
/// assert_eq!(code, 200);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct Image<T, B> {
    buffer: B,
    /// The limits the image was checked under, for the rebuild.
    limits: Limits,
    /// [`Trust::Structure`] after the structural check ([`new`](Image::new)),
    /// [`Trust::Full`] after the full one ([`new_full`](Image::new_full)):
    /// what its views may trust.
    trust: Trust,
    _type: PhantomData<fn() -> T>,
}

impl<T, B> core::fmt::Debug for Image<T, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Image")
            .field("type", &core::any::type_name::<T>())
            .field("buffer", &core::any::type_name::<B>())
            .finish()
    }
}

impl<T: Layout, B: StableBuffer> Image<T, B> {
    /// Checks `buffer` as an image of a `T` (as [`view`](crate::view)
    /// does: alignment, then the structure of everything reachable from
    /// the root) and keeps it.
    ///
    /// A buffer that does not start at an address aligned for `T` (at
    /// least 8) is [`Error::Misaligned`]; use
    /// [`copy_from`](Image::copy_from) for those.
    ///
    /// ```
    /// let image = barewire::Image::<Vec<u32>, _>::new(barewire::to_layout(&vec![1u32, 2]))?;
    /// assert_eq!(image.view().get(1), Some(2));
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn new(buffer: B) -> Result<Self, Error> {
        Self::with_limits(buffer, Limits::DEFAULT)
    }

    /// [`new`](Self::new) under the given limits.
    ///
    /// ```
    /// use barewire::{Image, Limits};
    /// let image = barewire::to_layout(&vec![vec![1u8]]);
    /// let image = Image::<Vec<Vec<u8>>, _>::with_limits(image, Limits::DEFAULT.with_max_depth(8))?;
    /// assert_eq!(image.view().len(), 1);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn with_limits(buffer: B, limits: Limits) -> Result<Self, Error> {
        layout::view_with::<T>(buffer.stable_bytes(), limits)?;
        Ok(Image {
            buffer,
            limits,
            trust: Trust::Structure,
            _type: PhantomData,
        })
    }

    /// The view of the root, read in place: no check, no copy, O(1).
    ///
    /// ```
    /// let image = barewire::Image::<(u16, String), _>::new(barewire::to_layout(&(7u16, "hi".to_string())))?;
    /// let view = image.view();
    /// assert_eq!(view.0, 7);
    /// assert_eq!(view.1.as_str()?, "hi");
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn view(&self) -> T::View<'_> {
        // SAFETY: `new` ran the structural check (`Trust::Structure`), or
        // `new_full` the full one (`Trust::Full`), on
        // `self.buffer.stable_bytes()`, and `B: StableBuffer` gives back the
        // same address, length and contents on every call (`Image` never
        // gives out `&mut B`), so the view is of the checked bytes,
        // unchanged.
        unsafe { T::view(self.buffer.stable_bytes(), 0, self.trust) }
    }

    /// Checks `buffer` as [`new`](Self::new) does and the bounds and UTF-8
    /// of every string as well (as [`check_full`](crate::layout::check_full)),
    /// and keeps it: its views then read strings without checking them
    /// again.
    ///
    /// ```
    /// let buf = barewire::to_layout(&"hi".to_string());
    /// let image = barewire::Image::<String, _>::new_full(buf)?;
    /// assert_eq!(image.view().as_str()?, "hi");
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn new_full(buffer: B) -> Result<Self, Error> {
        layout::check_full::<T>(buffer.stable_bytes())?;
        Ok(Image {
            buffer,
            limits: Limits::DEFAULT,
            trust: Trust::Full,
            _type: PhantomData,
        })
    }

    /// Checks the UTF-8 of every string as well, and returns the view.
    /// O(image).
    ///
    /// ```
    /// let image = barewire::Image::<String, _>::new(barewire::to_layout(&"hi".to_string()))?;
    /// assert_eq!(image.check_full()?.as_str()?, "hi");
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn check_full(&self) -> Result<T::View<'_>, Error> {
        layout::check_full::<T>(self.bytes())
    }

    /// Rebuilds the value (checking each string as it is copied out).
    ///
    /// ```
    /// let image = barewire::Image::<Vec<String>, _>::new(barewire::to_layout(&vec!["a".to_string()]))?;
    /// assert_eq!(image.to_owned()?, ["a"]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn to_owned<'a>(&'a self) -> Result<T, Error>
    where
        T: FromLayout<'a>,
    {
        rebuild(self.bytes(), self.limits)
    }

    /// The image bytes.
    ///
    /// ```
    /// let image = barewire::Image::<u32, _>::new(barewire::to_layout(&7u32))?;
    /// assert_eq!(&image.bytes()[..4], &[7, 0, 0, 0]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        self.buffer.stable_bytes()
    }

    /// The buffer.
    ///
    /// ```
    /// let image = barewire::Image::<u32, _>::new(barewire::to_layout(&7u32))?;
    /// assert_eq!(image.buffer().len(), image.bytes().len());
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn buffer(&self) -> &B {
        &self.buffer
    }

    /// Gives the buffer back.
    ///
    /// ```
    /// let buf = barewire::to_layout(&7u32);
    /// let image = barewire::Image::<u32, _>::new(buf)?;
    /// let buf: barewire::LayoutBuf = image.into_inner();
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn into_inner(self) -> B {
        self.buffer
    }
}

/// A buffer whose bytes can be changed in place but never moved or
/// resized while it is held: what [`ImageMut`] needs to check an image once
/// and keep trusting its structure while scalars are set.
///
/// Implemented for `Vec<u8>`, `Box<[u8]>`, `&mut [u8]` and [`LayoutBuf`].
///
/// ```
/// use barewire::image::StableBufferMut;
/// let mut v = vec![1u8, 2, 3];
/// v.stable_bytes_mut()[0] = 9;
/// assert_eq!(v, [9, 2, 3]);
/// ```
///
/// # Safety
///
/// As for [`StableBuffer`], and: every call of
/// [`stable_bytes_mut`](Self::stable_bytes_mut) returns a slice with the
/// same address and length as [`stable_bytes`](StableBuffer::stable_bytes),
/// and the contents change only through the slices it returns.
pub unsafe trait StableBufferMut: StableBuffer {
    /// The bytes, mutably: the same address and length on every call.
    fn stable_bytes_mut(&mut self) -> &mut [u8];
}

// SAFETY (for the impls below): each derefs to the bytes it owns or
// borrows outside of itself, the same slice as `stable_bytes`, and neither
// call can reallocate, grow or shrink them.

// SAFETY: see above (`&mut Vec` derefs to its heap allocation; only
// `ImageMut` holds the vector, and it never calls `push` or `reserve`).
unsafe impl StableBufferMut for Vec<u8> {
    #[inline]
    fn stable_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}
// SAFETY: see above (heap allocation of a fixed length).
unsafe impl StableBufferMut for Box<[u8]> {
    #[inline]
    fn stable_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}
// SAFETY: see above (aligned heap allocation; `DerefMut` gives its bytes).
unsafe impl StableBufferMut for LayoutBuf {
    #[inline]
    fn stable_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}
// SAFETY: borrowed bytes keep their address and length for the borrow;
// through `&&mut [u8]` they cannot change.
unsafe impl StableBuffer for &mut [u8] {
    #[inline]
    fn stable_bytes(&self) -> &[u8] {
        self
    }
}
// SAFETY: see above (the same borrowed slice, reborrowed).
unsafe impl StableBufferMut for &mut [u8] {
    #[inline]
    fn stable_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

/// A layout image of a `T` checked once for in-place updates, then updated
/// any number of times: [`view_mut`](Self::view_mut) and
/// [`view`](Self::view) cost nothing after [`new`](Self::new).
///
/// `new` runs the check of [`layout::view_mut`]: everything
/// [`check_full`](crate::layout::check_full) checks, and that no two values
/// of the image, and no value and a string, share bytes. Only scalars can
/// be set through a mutable view, so the image stays valid however they are
/// set, and the check never needs to run again.
///
/// ```
/// use barewire::ImageMut;
///
/// #[derive(barewire::Bare)]
/// struct Player { score: u32, name: String }
///
/// let image = barewire::to_layout(&vec![
///     Player { score: 1, name: "ann".into() },
///     Player { score: 2, name: "bob".into() },
/// ]);
/// let mut image = ImageMut::<Vec<Player>, _>::new(image)?; // checked once
/// for _ in 0..10 {
///     let mut players = image.view_mut(); // O(1)
///     let mut p = players.get_mut(1).unwrap();
///     let score = p.score_mut().get();
///     p.score_mut().set(score + 1);
/// }
/// assert_eq!(image.view().get(1).unwrap().score(), 12);
/// let image: barewire::LayoutBuf = image.into_inner();
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct ImageMut<T, B> {
    buffer: B,
    _type: PhantomData<fn() -> T>,
}

impl<T, B> core::fmt::Debug for ImageMut<T, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ImageMut")
            .field("type", &core::any::type_name::<T>())
            .field("buffer", &core::any::type_name::<B>())
            .finish()
    }
}

impl<T: Layout, B: StableBufferMut> ImageMut<T, B> {
    /// Checks `buffer` for in-place updates of a `T` (see the type's docs)
    /// and keeps it. O(image); two bits of scratch memory per image byte.
    ///
    /// ```
    /// let mut bytes = barewire::to_layout(&vec![1u16, 2]);
    /// let mut image = barewire::ImageMut::<Vec<u16>, &mut [u8]>::new(&mut bytes)?;
    /// image.view_mut().get_mut(0).unwrap().set(5);
    /// assert_eq!(image.view().get(0), Some(5));
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn new(buffer: B) -> Result<Self, Error> {
        layout::check_exclusive::<T>(buffer.stable_bytes(), Limits::DEFAULT)?;
        Ok(ImageMut {
            buffer,
            _type: PhantomData,
        })
    }

    /// The mutable view of the root: no check, O(1).
    #[inline]
    pub fn view_mut(&mut self) -> T::ViewMut<'_> {
        // `new` ran `view_mut`'s check on these bytes; `B: StableBufferMut`
        // gives back the same address and length on every call, and the
        // contents changed since only through mutable views, which set
        // scalars that share no bytes with any tag, length or offset.
        T::view_mut(self.buffer.stable_bytes_mut(), 0)
    }

    /// The view of the root: no check, O(1). Its reads check what they
    /// read, strings included: a mutable view's `Layout::view_mut` may be a
    /// type's own code, so the image is not trusted to be as checked once
    /// it was handed out mutably.
    #[inline]
    pub fn view(&self) -> T::View<'_> {
        // As in `view_mut`.
        layout::view_unchecked::<T>(self.buffer.stable_bytes())
    }

    /// The image bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        self.buffer.stable_bytes()
    }

    /// Gives the buffer back.
    #[inline]
    pub fn into_inner(self) -> B {
        self.buffer
    }
}

/// Rebuilds the value of an image that passed the structural check (as
/// [`layout::to_owned`] does after its check).
fn rebuild<'a, T: FromLayout<'a>>(bytes: &'a [u8], limits: Limits) -> Result<T, Error> {
    T::from_layout(bytes, 0, &mut Check::new(bytes.len(), limits, false))
}

impl<'a, T: Layout> Image<T, &'a [u8]> {
    /// The view of the root, for as long as the borrowed bytes live (not
    /// only as long as this `Image`).
    ///
    /// ```
    /// let buf = barewire::to_layout(&vec![1u8, 2]);
    /// let view = barewire::Image::<Vec<u8>, &[u8]>::new(&buf)?.into_view();
    /// assert_eq!(view.as_slice(), &[1, 2]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    ///
    /// After [`new_full`](Image::new_full), its strings are read without a
    /// second check:
    ///
    /// ```
    /// let buf = barewire::to_layout(&"hi".to_string());
    /// let view = barewire::Image::<String, &[u8]>::new_full(&buf)?.into_view();
    /// assert_eq!(view.as_str()?, "hi");
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn into_view(self) -> T::View<'a> {
        // SAFETY: as in `view`: `new` or `new_full` checked these very bytes
        // (a shared borrow for `'a`, the same bytes at the same address for
        // all of `'a`), as far as `self.trust` says.
        unsafe { T::view(self.buffer, 0, self.trust) }
    }

    /// Rebuilds the value, which may borrow from the bytes for `'a`.
    ///
    /// ```
    /// let buf = barewire::to_layout(&(1u8, "hi".to_string()));
    /// let (n, s): (u8, &str) = barewire::Image::<(u8, &str), &[u8]>::new(&buf)?.into_owned()?;
    /// assert_eq!((n, s), (1, "hi"));
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn into_owned(self) -> Result<T, Error>
    where
        T: FromLayout<'a>,
    {
        rebuild(self.buffer, self.limits)
    }
}

impl<T: Layout> Image<T, LayoutBuf> {
    /// Copies `bytes` once into an aligned [`LayoutBuf`] and checks it: for
    /// images in buffers of any alignment (a `Bytes` from the network, a
    /// slice of a larger message).
    ///
    /// ```
    /// let image = barewire::to_layout(&vec![1u64, 2, 3]);
    /// // The same bytes one byte off alignment.
    /// let mut shifted = barewire::LayoutBuf::zeroed(image.len() + 1); // 64-aligned
    /// shifted[1..].copy_from_slice(&image);
    /// assert!(matches!(
    ///     barewire::view::<Vec<u64>>(&shifted[1..]),
    ///     Err(barewire::Error::Misaligned { .. })
    /// ));
    /// let copied = barewire::Image::<Vec<u64>, _>::copy_from(&shifted[1..])?;
    /// assert_eq!(copied.view().get(2), Some(3));
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn copy_from(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > layout::MAX_IMAGE_SIZE {
            return Err(Error::SizeLimit {
                size: bytes.len() as u64,
                limit: layout::MAX_IMAGE_SIZE as u64,
            });
        }
        Self::new(LayoutBuf::from_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::String;
    use alloc::sync::Arc;
    use alloc::vec;
    use alloc::vec::Vec;

    use crate::error::Error;
    use crate::image::{Image, StableBuffer};
    use crate::layout::{LayoutBuf, to_layout};

    fn assert_send_sync<X: Send + Sync>() {}

    #[test]
    fn send_and_sync_when_the_buffer_is() {
        assert_send_sync::<Image<Vec<String>, LayoutBuf>>();
        assert_send_sync::<Image<Vec<String>, Arc<[u8]>>>();
        assert_send_sync::<Image<Vec<String>, Vec<u8>>>();
    }

    #[test]
    fn views_survive_moves_of_the_image() {
        let value = vec![String::from("a"), String::from("bc")];
        let image = Image::<Vec<String>, _>::new(to_layout(&value)).unwrap();
        let moved = vec![image];
        let boxed = alloc::boxed::Box::new(moved);
        let view = boxed[0].view();
        assert_eq!(view.get(1).unwrap().as_str().unwrap(), "bc");
        assert_eq!(boxed[0].to_owned().unwrap(), value);
        assert_eq!(boxed[0].check_full().unwrap().len(), 2);
    }

    #[test]
    fn misaligned_buffers_are_refused_and_copy_from_copies_once() {
        let buf = to_layout(&vec![1u64, 2, 3]);
        // One byte into a 64-aligned buffer: misaligned whatever the
        // allocator does.
        let mut shifted = LayoutBuf::zeroed(buf.len() + 1);
        shifted[1..].copy_from_slice(&buf);
        assert!(matches!(
            Image::<Vec<u64>, &[u8]>::new(&shifted[1..]),
            Err(Error::Misaligned { .. })
        ));
        let image = Image::<Vec<u64>, _>::copy_from(&shifted[1..]).unwrap();
        assert_eq!(image.view().as_slice(), &[1, 2, 3]);
        let arc: Arc<[u8]> = Arc::from(image.bytes());
        if let Ok(image) = Image::<Vec<u64>, Arc<[u8]>>::new(arc.clone()) {
            assert_eq!(image.view().as_slice(), &[1, 2, 3]);
        }
        assert_eq!(image.into_inner().stable_bytes(), &buf[..]);
    }

    #[test]
    fn every_one_byte_corruption_is_an_error_or_a_value() {
        let value = (7u32, vec![String::from("xyz")], Some(5u16));
        let buf = to_layout(&value);
        for i in 0..buf.len() {
            for byte in [0u8, 1, 0x7f, 0xff] {
                let mut bad = buf.clone();
                bad[i] = byte;
                if let Ok(image) = Image::<(u32, Vec<String>, Option<u16>), _>::new(bad) {
                    let view = image.view();
                    let _ = view.0;
                    for s in view.1.iter() {
                        let _ = s.as_str();
                    }
                    let _ = image.check_full();
                    let _ = image.to_owned();
                }
            }
        }
    }
}
