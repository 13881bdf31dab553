//! The in-place views: each carries the whole image and a position, so
//! following an offset never leaves the slice it was made from.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Bound, RangeBounds};

use super::{Check, Layout, Trust, Writer, check_inline, follow, follow_unchecked, read4};
use crate::error::Error;

// ---- SpanView -----------------------------------------------------------------

/// Reads the `(start, len)` of a span repr at `at` in a checked image.
#[inline]
pub(crate) fn span_range(buf: &[u8], at: usize) -> (usize, usize) {
    let len = u32::from_le_bytes(read4(buf, at + 4)) as usize;
    if len == 0 {
        return (0, 0);
    }
    (follow_unchecked(buf, at), len)
}

/// Writes the span repr at `at` for `len` items that start at `start`.
pub(crate) fn write_span(w: &mut Writer, at: usize, start: usize, len: usize) {
    let len32 = u32::try_from(len).expect("a list in a layout holds at most 2^32 - 1 items");
    w.put_offset(at, start);
    w.put(at + 4, &len32.to_le_bytes());
}

/// Checks a span repr at `at` and every item it holds.
pub(crate) fn check_span<T: Layout>(
    buf: &[u8],
    at: usize,
    cx: &mut Check,
) -> Result<(usize, usize), Error> {
    let len = u32::from_le_bytes(read4(buf, at + 4)) as usize;
    if len == 0 {
        return Ok((0, 0));
    }
    let start = follow(buf, at)?;
    let size = len.checked_mul(T::SIZE).ok_or(Error::InvalidLayout {
        offset: at,
        reason: "list length overflows",
    })?;
    check_inline(buf, start, size, T::ALIGN).map_err(|_| Error::InvalidLayout {
        offset: at,
        reason: "list items are misaligned or run past the end of the image",
    })?;
    cx.claim(start, size)?;
    check_items::<T>(buf, start, len, cx)?;
    Ok((start, len))
}

/// Checks `len` items of `T` from `start` (in bounds, aligned).
pub(crate) fn check_items<T: Layout>(
    buf: &[u8],
    start: usize,
    len: usize,
    cx: &mut Check,
) -> Result<(), Error> {
    if T::TRIVIAL || (T::TRIVIAL_VIEW && !cx.strings()) {
        return Ok(());
    }
    cx.enter(start)?;
    cx.visit(len as u64, start)?;
    for i in 0..len {
        T::check(buf, start + i * T::SIZE, cx)?;
    }
    cx.leave();
    Ok(())
}

/// A view of a list in an image: a relative offset and a length (8 bytes,
/// aligned to 4), its items stored back to back at `T`'s alignment.
///
/// A view holds the image's bytes and positions only, so it is `Copy`,
/// `Send` and `Sync` whatever `T` is, as are its items' views: threads can
/// share one image and split its lists ([`slice`](Self::slice),
/// [`split_at`](Self::split_at)).
///
/// ```
/// let image = barewire::to_layout(&vec![1.5f32, 2.5, 3.5]);
/// let list = barewire::view::<Vec<f32>>(&image)?;
/// assert_eq!(list.len(), 3);
/// assert_eq!(list.get(1), Some(2.5));
/// assert_eq!(list.as_slice(), &[1.5, 2.5, 3.5]);
/// assert_eq!(list.iter().sum::<f32>(), 7.5);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct SpanView<'a, T> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    /// What the items' views trust (see [`Layout::view`]).
    trust: Trust,
    _items: PhantomData<fn() -> T>,
}

impl<T> Clone for SpanView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SpanView<'_, T> {}

impl<'a, T: Layout> SpanView<'a, T> {
    /// The view of the list whose span repr is at `at`; its reads check
    /// what they read.
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        let (start, len) = span_range(buf, at);
        Self::from_parts(buf, start, len)
    }

    /// The view of the list whose span repr is at `at`, trusting the image
    /// as far as `trust` says.
    ///
    /// # Safety
    ///
    /// [`Layout::view`]'s, for the list at `at`.
    #[inline]
    pub(crate) unsafe fn trusting(buf: &'a [u8], at: usize, trust: Trust) -> Self {
        let (start, len) = span_range(buf, at);
        // SAFETY: the check of a list (`check_span`) checked its `len`
        // items from where its span leads (read the same way); the rest is
        // the caller's.
        unsafe { Self::from_trusted_parts(buf, start, len, trust) }
    }

    /// The view of `len` items from `start`; its reads check what they
    /// read.
    #[inline]
    pub(crate) fn from_parts(buf: &'a [u8], start: usize, len: usize) -> Self {
        // SAFETY: `Trust::Lazy` asks nothing.
        unsafe { Self::from_trusted_parts(buf, start, len, Trust::Lazy) }
    }

    /// The view of `len` items from `start`, trusting the image as far as
    /// `trust` says.
    ///
    /// # Safety
    ///
    /// With [`Trust::Full`], [`Layout::view`]'s for each of the `len` items
    /// of `T` from `start`.
    #[inline]
    pub(crate) unsafe fn from_trusted_parts(
        buf: &'a [u8],
        start: usize,
        len: usize,
        trust: Trust,
    ) -> Self {
        SpanView {
            buf,
            start,
            len,
            trust,
            _items: PhantomData,
        }
    }

    /// The number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The view of item `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T::View<'a>> {
        // SAFETY: item `index < len` is one this view's contract covers
        // (`from_trusted_parts`).
        (index < self.len)
            .then(|| unsafe { T::view(self.buf, self.start + index * T::SIZE, self.trust) })
    }

    /// The views of all items, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = T::View<'a>> + 'a {
        let (buf, start, trust) = (self.buf, self.start, self.trust);
        // SAFETY: as in `get`: `i < len`.
        (0..self.len).map(move |i| unsafe { T::view(buf, start + i * T::SIZE, trust) })
    }

    /// The items' bytes.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        &self.buf[self.start..self.start + self.len * T::SIZE]
    }

    /// The view of the items in `range`, a list of its own over the same
    /// image (no copy), or `None` when the range is out of bounds or its
    /// start is after its end, as [`slice::get`] does.
    ///
    /// ```
    /// let image = barewire::to_layout(&vec![10u32, 20, 30, 40]);
    /// let list = barewire::view::<Vec<u32>>(&image)?;
    /// let middle = list.slice(1..3).unwrap();
    /// assert_eq!(middle.iter().collect::<Vec<_>>(), [20, 30]);
    /// assert_eq!(list.slice(2..).map(|tail| tail.len()), Some(2));
    /// assert_eq!(list.slice(..=3).map(|all| all.len()), Some(4));
    /// assert!(list.slice(3..5).is_none());
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Option<Self> {
        let start = match range.start_bound() {
            Bound::Included(&i) => i,
            Bound::Excluded(&i) => i.checked_add(1)?,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&i) => i.checked_add(1)?,
            Bound::Excluded(&i) => i,
            Bound::Unbounded => self.len,
        };
        if start > end || end > self.len {
            return None;
        }
        // Within the list's bytes on a checked view; checked all the same,
        // so an unchecked view's nonsense gives `None`, not an overflow.
        let at = start
            .checked_mul(T::SIZE)
            .and_then(|offset| self.start.checked_add(offset))?;
        // SAFETY: items `start..end` of this view, `end <= len`, are items
        // its contract covers.
        Some(unsafe { Self::from_trusted_parts(self.buf, at, end - start, self.trust) })
    }

    /// The list split in two at `mid`: items `..mid` and `mid..`, or `None`
    /// when `mid > len()`.
    ///
    /// ```
    /// let image = barewire::to_layout(&vec![1u8, 2, 3]);
    /// let list = barewire::view::<Vec<u8>>(&image)?;
    /// let (head, tail) = list.split_at(1).unwrap();
    /// assert_eq!((head.len(), tail.get(0)), (1, Some(2)));
    /// assert!(list.split_at(4).is_none());
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn split_at(&self, mid: usize) -> Option<(Self, Self)> {
        Some((self.slice(..mid)?, self.slice(mid..)?))
    }
}

impl<'a, T: Layout> SpanView<'a, T> {
    /// The items as a slice, for items whose layout is their memory and
    /// that any bytes make valid: little-endian numbers (`&[f32]`,
    /// `&[u64]`, ...) on little-endian targets, arrays of them, and derived
    /// structs of them that the derive proves plain (`Layout::IN_PLACE`).
    /// No `unsafe` and no bytemuck in user code.
    ///
    /// Calling it for another item type (or on a big-endian target) is a
    /// compile error when the program is built: the claim is checked in
    /// const code. A record holding a `bool` is such a type, as not every
    /// byte is a valid `bool`:
    ///
    /// ```compile_fail
    /// #[derive(barewire::Bare, Clone, Copy)]
    /// struct Flagged { value: u32, on: bool }
    ///
    /// let image = barewire::to_layout(&vec![Flagged { value: 1, on: true }]);
    /// let view = barewire::view::<Vec<Flagged>>(&image).unwrap();
    /// let _ = view.as_slice(); // error: as_slice needs items that read in place
    /// ```
    ///
    /// Records of numbers read in place:
    ///
    /// ```
    /// #[derive(barewire::Bare, Clone, Copy, Debug, PartialEq)]
    /// #[bare(order = "declared")]
    /// struct Sample { at: u64, value: f64 }
    ///
    /// let samples = vec![Sample { at: 1, value: 0.5 }, Sample { at: 2, value: 1.5 }];
    /// let image = barewire::to_layout(&samples);
    /// let view = barewire::view::<Vec<Sample>>(&image)?;
    /// let slice: &[Sample] = view.as_slice();
    /// assert_eq!(slice, &samples[..]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn as_slice(&self) -> &'a [T] {
        const {
            assert!(
                T::IN_PLACE.is_plain(),
                "as_slice needs items that read in place (`Layout::IN_PLACE`): plain numbers, arrays of them, or structs the derive proves plain"
            );
        }
        // Cannot fail on a checked view: the check found the items' address
        // a multiple of `T::ALIGN`, at least `align_of::<T>()` (the claim's
        // condition 4), and their length is `len * T::SIZE`, a multiple of
        // `size_of::<T>()` (condition 2).
        match T::IN_PLACE.slice_of(self.as_bytes()) {
            Some(items) => items,
            None => panic!("as_slice on an image that was not checked (see `view_unchecked`)"),
        }
    }
}

impl<'a, T: Layout> fmt::Debug for SpanView<'a, T>
where
    T::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A mutable view of a list or array in an image: its scalars can be set in
/// place; its length cannot change.
pub struct SpanViewMut<'a, T> {
    buf: &'a mut [u8],
    start: usize,
    len: usize,
    _items: PhantomData<fn() -> T>,
}

impl<'a, T: Layout> SpanViewMut<'a, T> {
    #[inline]
    pub(crate) fn from_parts(buf: &'a mut [u8], start: usize, len: usize) -> Self {
        SpanViewMut {
            buf,
            start,
            len,
            _items: PhantomData,
        }
    }

    /// The number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The mutable view of item `index`, if there is one.
    #[inline]
    pub fn get_mut(&mut self, index: usize) -> Option<T::ViewMut<'_>> {
        (index < self.len).then(|| T::view_mut(self.buf, self.start + index * T::SIZE))
    }

    /// A read-only view of the same list (whose reads check what they
    /// read).
    #[inline]
    pub fn as_view(&self) -> SpanView<'_, T> {
        SpanView::from_parts(self.buf, self.start, self.len)
    }
}

// ---- ArrayView ----------------------------------------------------------------

/// A view of a fixed-length array in an image: its `N` items inline.
///
/// ```
/// let image = barewire::to_layout(&[7u16, 8, 9]);
/// let array = barewire::view::<[u16; 3]>(&image)?;
/// assert_eq!(array.get(2), Some(9));
/// assert_eq!(array.iter().collect::<Vec<_>>(), [7, 8, 9]);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct ArrayView<'a, T, const N: usize> {
    span: SpanView<'a, T>,
}

impl<T, const N: usize> Clone for ArrayView<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for ArrayView<'_, T, N> {}

impl<'a, T: Layout, const N: usize> ArrayView<'a, T, N> {
    #[inline]
    pub(crate) fn from_span(span: SpanView<'a, T>) -> Self {
        ArrayView { span }
    }

    /// The number of items, `N`.
    #[inline]
    pub fn len(&self) -> usize {
        N
    }

    /// Whether `N` is zero.
    #[inline]
    pub fn is_empty(&self) -> bool {
        N == 0
    }

    /// The view of item `index`, if `index < N`.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T::View<'a>> {
        self.span.get(index)
    }

    /// The views of all items.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = T::View<'a>> + 'a {
        self.span.iter()
    }

    /// The items' bytes.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.span.as_bytes()
    }
}

impl<'a, const N: usize> ArrayView<'a, u8, N> {
    /// The bytes as an array reference (`data[N]`).
    #[inline]
    pub fn as_array(&self) -> &'a [u8; N] {
        self.span
            .as_bytes()
            .try_into()
            .expect("array view of N bytes")
    }
}

impl<'a, T: Layout, const N: usize> ArrayView<'a, T, N> {
    /// The items as a slice, for plain little-endian numbers.
    #[inline]
    pub fn as_slice(&self) -> &'a [T] {
        self.span.as_slice()
    }
}

impl<'a, T: Layout, const N: usize> fmt::Debug for ArrayView<'a, T, N>
where
    T::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.span, f)
    }
}

// ---- Scalar -------------------------------------------------------------------

/// Scalars that can be read and set in place: numbers, `bool`, varint
/// newtypes and derived field-less enums.
pub trait ScalarLayout: Layout {
    /// Reads the checked value at `at`.
    fn get_at(buf: &[u8], at: usize) -> Self;
    /// Writes the value at `at` (which keeps the image valid).
    fn put_at(self, buf: &mut [u8], at: usize);
}

/// A scalar in a mutable view: read it with [`get`](Self::get), change it
/// in place with [`set`](Self::set).
pub struct Scalar<'a, T> {
    buf: &'a mut [u8],
    at: usize,
    _value: PhantomData<fn() -> T>,
}

impl<'a, T: ScalarLayout> Scalar<'a, T> {
    #[inline]
    pub(crate) fn new(buf: &'a mut [u8], at: usize) -> Self {
        Scalar {
            buf,
            at,
            _value: PhantomData,
        }
    }

    /// The current value.
    #[inline]
    pub fn get(&self) -> T {
        T::get_at(self.buf, self.at)
    }

    /// Sets the value in place.
    #[inline]
    pub fn set(&mut self, value: T) {
        value.put_at(self.buf, self.at);
    }
}

impl<T: ScalarLayout + fmt::Debug> fmt::Debug for Scalar<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}
