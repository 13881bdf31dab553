//! The in-place views: each carries the whole image and a position, so
//! following an offset never leaves the slice it was made from.

use core::cmp::Ordering;
use core::fmt;
use core::marker::PhantomData;

use super::{Check, Layout, Writer, check_inline, follow, follow_unchecked, read4};
use crate::Error;

// ---- BareStr ----------------------------------------------------------------

/// Strings of at most this many bytes are stored inline in a [`BareStr`].
pub const INLINE_STR: usize = 8;

/// The largest string a [`BareStr`] can hold out of line (2^30 - 1 bytes).
pub const MAX_STR_LEN: usize = (1 << 30) - 1;

/// A view of a `str` in an image: 8 bytes, aligned to 4.
///
/// Up to 8 bytes are stored inline (padded with `0xff`, which UTF-8 never
/// contains); longer strings are stored elsewhere and reached by a relative
/// offset. A string is checked when it is read, not when the image is
/// viewed: [`as_bytes`](Self::as_bytes) checks that its bytes lie inside the
/// image, [`as_str`](Self::as_str) also checks their UTF-8. So viewing a
/// large image and reading a few numbers never pays for its strings.
///
/// ```
/// let image = barewire::to_layout(&String::from("a string longer than eight bytes"));
/// let s = barewire::view::<String>(&image)?;
/// assert_eq!(s.len(), 32);
/// assert_eq!(s.as_str()?, "a string longer than eight bytes");
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct BareStr<'a> {
    buf: &'a [u8],
    at: usize,
}

/// The length held in the head of an out-of-line string repr.
#[inline]
fn out_of_line_len(head: [u8; 4]) -> usize {
    (usize::from(head[0]) & 0x3f)
        | (usize::from(head[1]) << 6)
        | (usize::from(head[2]) << 14)
        | (usize::from(head[3]) << 22)
}

/// Whether a string repr starting with `first` is stored out of line: its
/// first byte is a UTF-8 continuation byte, which never starts a string.
#[inline]
fn is_out_of_line(first: u8) -> bool {
    first & 0xc0 == 0x80
}

/// The length of an inline string: the position of the first `0xff` (or 8);
/// `None` if a byte after it is not `0xff`. One word, no loop.
#[inline]
fn inline_len(repr: [u8; INLINE_STR]) -> Option<usize> {
    let word = u64::from_le_bytes(repr);
    // Bytes that were 0xff are zero in `!word`; the lowest zero byte of a
    // word is found exactly by the classic has-zero-byte test.
    let inverted = !word;
    let zeros = inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080;
    let len = if zeros == 0 {
        INLINE_STR
    } else {
        zeros.trailing_zeros() as usize / 8
    };
    // Everything from `len` on must be 0xff.
    let tail = if len == INLINE_STR {
        0
    } else {
        u64::MAX << (8 * len)
    };
    (word & tail == tail).then_some(len)
}

impl<'a> BareStr<'a> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        BareStr { buf, at }
    }

    #[inline]
    fn repr(&self) -> [u8; INLINE_STR] {
        let mut repr = [0u8; INLINE_STR];
        repr.copy_from_slice(&self.buf[self.at..self.at + INLINE_STR]);
        repr
    }

    /// The string's bytes, after checking that they lie inside the image
    /// (not checked for UTF-8).
    #[inline]
    pub fn as_bytes(&self) -> Result<&'a [u8], Error> {
        let repr = self.repr();
        if is_out_of_line(repr[0]) {
            let len = out_of_line_len([repr[0], repr[1], repr[2], repr[3]]);
            let start = follow(self.buf, self.at + 4)?;
            match self.buf.get(start..start + len) {
                Some(bytes) => Ok(bytes),
                None => Err(Error::InvalidLayout {
                    offset: self.at,
                    reason: "string runs past the end of the image",
                }),
            }
        } else {
            match inline_len(repr) {
                Some(len) => Ok(&self.buf[self.at..self.at + len]),
                None => Err(Error::InvalidLayout {
                    offset: self.at,
                    reason: "inline string padding is not 0xff",
                }),
            }
        }
    }

    /// The string, after checking that its bytes lie inside the image and
    /// are UTF-8.
    #[inline]
    pub fn as_str(&self) -> Result<&'a str, Error> {
        let bytes = self.as_bytes()?;
        crate::utf8::to_str(bytes).map_err(|valid| Error::InvalidUtf8 {
            offset: bytes.as_ptr() as usize - self.buf.as_ptr() as usize + valid,
        })
    }

    /// The length in bytes that the repr claims (checked against the image
    /// only when the bytes are read).
    #[inline]
    pub fn len(&self) -> usize {
        let repr = self.repr();
        if is_out_of_line(repr[0]) {
            out_of_line_len([repr[0], repr[1], repr[2], repr[3]])
        } else {
            inline_len(repr).unwrap_or(0)
        }
    }

    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for BareStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_str(), self.as_bytes()) {
            (Ok(s), _) => fmt::Debug::fmt(s, f),
            (Err(_), Ok(bytes)) => write!(f, "BareStr(invalid UTF-8: {bytes:?})"),
            (Err(e), Err(_)) => write!(f, "BareStr({e})"),
        }
    }
}

impl PartialEq<str> for BareStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes().is_ok_and(|b| b == other.as_bytes())
    }
}

impl PartialEq<&str> for BareStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes().is_ok_and(|b| b == other.as_bytes())
    }
}

/// Writes the 8-byte repr of `s` at `at`, its bytes out of line if longer
/// than [`INLINE_STR`] (shared with an earlier copy when `intern`).
pub(crate) fn write_str(w: &mut Writer, at: usize, s: &[u8], intern: bool) {
    if s.len() <= INLINE_STR {
        let mut repr = [0xffu8; INLINE_STR];
        repr[..s.len()].copy_from_slice(s);
        w.put(at, &repr);
        return;
    }
    assert!(
        s.len() <= MAX_STR_LEN,
        "string of {} bytes is longer than a layout can hold",
        s.len()
    );
    let len = s.len();
    let head = [
        0x80 | (len & 0x3f) as u8,
        (len >> 6) as u8,
        (len >> 14) as u8,
        (len >> 22) as u8,
    ];
    let target = match intern.then(|| w.interned(s)).flatten() {
        Some(target) => target,
        None => {
            let target = w.alloc_bytes(s, 1);
            if intern {
                w.intern(s, target);
            }
            target
        }
    };
    // Both positions are below MAX_IMAGE_SIZE, so the difference fits i32.
    let rel = (target as i64 - (at + 4) as i64) as i32;
    let repr = &mut w.image_mut()[at..at + INLINE_STR];
    repr[..4].copy_from_slice(&head);
    repr[4..].copy_from_slice(&rel.to_le_bytes());
}

/// Checks the repr of a string at `at` (8 bytes, in bounds, aligned): its
/// bytes inside the image, and with `utf8` their UTF-8.
#[inline]
pub(crate) fn check_str(buf: &[u8], at: usize, utf8: bool) -> Result<(), Error> {
    let s = BareStr::new(buf, at);
    if utf8 {
        s.as_str().map(|_| ())
    } else {
        s.as_bytes().map(|_| ())
    }
}

// ---- BareSpan -----------------------------------------------------------------

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
    if T::TRIVIAL || (T::TRIVIAL_VIEW && !cx.utf8()) {
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
/// ```
/// let image = barewire::to_layout(&vec![1.5f32, 2.5, 3.5]);
/// let list = barewire::view::<Vec<f32>>(&image)?;
/// assert_eq!(list.len(), 3);
/// assert_eq!(list.get(1), Some(2.5));
/// assert_eq!(list.as_slice(), &[1.5, 2.5, 3.5]);
/// assert_eq!(list.iter().sum::<f32>(), 7.5);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct BareSpan<'a, T> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    _items: PhantomData<fn() -> T>,
}

impl<T> Clone for BareSpan<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for BareSpan<'_, T> {}

impl<'a, T: Layout> BareSpan<'a, T> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        let (start, len) = span_range(buf, at);
        Self::from_parts(buf, start, len)
    }

    #[inline]
    pub(crate) fn from_parts(buf: &'a [u8], start: usize, len: usize) -> Self {
        BareSpan {
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

    /// The view of item `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T::View<'a>> {
        (index < self.len).then(|| T::view(self.buf, self.start + index * T::SIZE))
    }

    /// The views of all items, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = T::View<'a>> + 'a {
        let (buf, start) = (self.buf, self.start);
        (0..self.len).map(move |i| T::view(buf, start + i * T::SIZE))
    }

    /// The items' bytes.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        &self.buf[self.start..self.start + self.len * T::SIZE]
    }
}

impl<'a, T: Layout + bytemuck::Pod> BareSpan<'a, T> {
    /// The items as a slice, for plain little-endian numbers (`&[f32]`,
    /// `&[u64]`, ...) on little-endian targets.
    ///
    /// # Panics
    ///
    /// On a big-endian target, where the bytes are not the numbers.
    #[inline]
    pub fn as_slice(&self) -> &'a [T] {
        assert!(
            T::PLAIN.is_plain(),
            "as_slice needs items whose memory is their layout bytes"
        );
        bytemuck::cast_slice(self.as_bytes())
    }
}

impl<'a, T: Layout> fmt::Debug for BareSpan<'a, T>
where
    T::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A mutable view of a list or array in an image: its scalars can be set in
/// place; its length cannot change.
pub struct BareSpanMut<'a, T> {
    buf: &'a mut [u8],
    start: usize,
    len: usize,
    _items: PhantomData<fn() -> T>,
}

impl<'a, T: Layout> BareSpanMut<'a, T> {
    #[inline]
    pub(crate) fn from_parts(buf: &'a mut [u8], start: usize, len: usize) -> Self {
        BareSpanMut {
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

    /// A read-only view of the same list.
    #[inline]
    pub fn as_view(&self) -> BareSpan<'_, T> {
        BareSpan::from_parts(self.buf, self.start, self.len)
    }
}

// ---- BareArray ----------------------------------------------------------------

/// A view of a fixed-length array in an image: its `N` items inline.
///
/// ```
/// let image = barewire::to_layout(&[7u16, 8, 9]);
/// let array = barewire::view::<[u16; 3]>(&image)?;
/// assert_eq!(array.get(2), Some(9));
/// assert_eq!(array.iter().collect::<Vec<_>>(), [7, 8, 9]);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct BareArray<'a, T, const N: usize> {
    span: BareSpan<'a, T>,
}

impl<T, const N: usize> Clone for BareArray<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for BareArray<'_, T, N> {}

impl<'a, T: Layout, const N: usize> BareArray<'a, T, N> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        BareArray {
            span: BareSpan::from_parts(buf, at, N),
        }
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

impl<'a, const N: usize> BareArray<'a, u8, N> {
    /// The bytes as an array reference (`data[N]`).
    #[inline]
    pub fn as_array(&self) -> &'a [u8; N] {
        self.span
            .as_bytes()
            .try_into()
            .expect("array view of N bytes")
    }
}

impl<'a, T: Layout + bytemuck::Pod, const N: usize> BareArray<'a, T, N> {
    /// The items as a slice, for plain little-endian numbers.
    #[inline]
    pub fn as_slice(&self) -> &'a [T] {
        self.span.as_slice()
    }
}

impl<'a, T: Layout, const N: usize> fmt::Debug for BareArray<'a, T, N>
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
pub trait ScalarLayout: Layout + Copy {
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

// ---- BareMap ------------------------------------------------------------------

/// Map keys in a layout: compared in place the same way the writer sorts
/// them (numbers by value, strings by bytes, enums by value).
pub trait LayoutKey: Layout {
    /// What a lookup takes (`str` for string keys, the key itself otherwise).
    type Query: ?Sized;
    /// Compares the key at `at` with `query`.
    fn cmp_query(buf: &[u8], at: usize, query: &Self::Query) -> Ordering;
    /// Compares two keys in place.
    fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering;
    /// Compares two owned keys the way `cmp_at` compares their layouts.
    fn cmp_keys(a: &Self, b: &Self) -> Ordering;
    /// Checks a key fully enough for `cmp_at` and `cmp_query` to compare it
    /// (string keys are checked here, not lazily).
    #[inline]
    fn check_key(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        Self::check(buf, at, cx)
    }
}

/// The offset of the value in a map entry `(K, V)`, and the entry's size and
/// alignment.
pub(crate) const fn entry_layout<K: Layout, V: Layout>() -> (usize, usize, usize) {
    let align = if K::ALIGN > V::ALIGN {
        K::ALIGN
    } else {
        V::ALIGN
    };
    let value_at = K::SIZE.next_multiple_of(V::ALIGN);
    (
        value_at,
        (value_at + V::SIZE).next_multiple_of(align),
        align,
    )
}

/// A view of a map in an image: a span of `(key, value)` entries sorted by
/// key, looked up by binary search in place.
///
/// ```
/// use std::collections::BTreeMap;
/// let map = BTreeMap::from([("b".to_string(), 2u32), ("a".to_string(), 1)]);
/// let image = barewire::to_layout(&map);
/// let view = barewire::view::<BTreeMap<String, u32>>(&image)?;
/// assert_eq!(view.get("b"), Some(2));
/// assert_eq!(view.get("c"), None);
/// assert_eq!(view.len(), 2);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct BareMap<'a, K, V> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    _entries: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Clone for BareMap<'_, K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for BareMap<'_, K, V> {}

impl<'a, K: LayoutKey, V: Layout> BareMap<'a, K, V> {
    const ENTRY: (usize, usize, usize) = entry_layout::<K, V>();

    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        let (start, len) = span_range(buf, at);
        BareMap {
            buf,
            start,
            len,
            _entries: PhantomData,
        }
    }

    /// The number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of `key`, found by binary search.
    pub fn get(&self, key: &K::Query) -> Option<V::View<'a>> {
        let (value_at, size, _) = Self::ENTRY;
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let entry = self.start + mid * size;
            match K::cmp_query(self.buf, entry, key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(V::view(self.buf, entry + value_at)),
            }
        }
        None
    }

    /// The entries, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (K::View<'a>, V::View<'a>)> + 'a {
        let (value_at, size, _) = Self::ENTRY;
        let (buf, start) = (self.buf, self.start);
        (0..self.len).map(move |i| {
            let entry = start + i * size;
            (K::view(buf, entry), V::view(buf, entry + value_at))
        })
    }
}

impl<'a, K: LayoutKey, V: Layout> fmt::Debug for BareMap<'a, K, V>
where
    K::View<'a>: fmt::Debug,
    V::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Checks a map repr at `at`: its span, every entry, and strictly ascending
/// keys.
pub(crate) fn check_map<K: LayoutKey, V: Layout>(
    buf: &[u8],
    at: usize,
    cx: &mut Check,
) -> Result<(), Error> {
    let (value_at, size, align) = entry_layout::<K, V>();
    let len = u32::from_le_bytes(read4(buf, at + 4)) as usize;
    if len == 0 {
        return Ok(());
    }
    let start = follow(buf, at)?;
    let total = len.checked_mul(size).ok_or(Error::InvalidLayout {
        offset: at,
        reason: "map length overflows",
    })?;
    check_inline(buf, start, total, align).map_err(|_| Error::InvalidLayout {
        offset: at,
        reason: "map entries are misaligned or run past the end of the image",
    })?;
    cx.enter(start)?;
    cx.visit(len as u64, start)?;
    for i in 0..len {
        let entry = start + i * size;
        K::check_key(buf, entry, cx)?;
        V::check(buf, entry + value_at, cx)?;
        if i > 0 && K::cmp_at(buf, entry - size, entry) != Ordering::Less {
            return Err(Error::InvalidLayout {
                offset: entry,
                reason: "map keys are not strictly ascending",
            });
        }
    }
    cx.leave();
    Ok(())
}
