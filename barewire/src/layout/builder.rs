//! The builder of explicit images: records, spans and strings appended in
//! any order, the relative offsets between them computed by the library.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::fmt;
use core::marker::PhantomData;

use super::inplace::{BarePtr, BareSpan, BareStr};
use super::{INLINE_STR, Layout, LayoutBuf, MAX_STR_LEN, Writer};

/// Where a record of type `T` is in the image a [`Builder`] writes.
pub struct At<T> {
    pos: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> At<T> {
    fn new(pos: usize) -> Self {
        At {
            pos,
            _type: PhantomData,
        }
    }

    /// The record's position in the image.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<T> Clone for At<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for At<T> {}
impl<T> fmt::Debug for At<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("At").field(&self.pos).finish()
    }
}

/// Where the items of a span of `T` are in the image a [`Builder`] writes:
/// `len` slots, filled with [`Builder::put_item`].
pub struct Slots<T> {
    start: usize,
    len: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Slots<T> {
    /// The number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no items.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T> Clone for Slots<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Slots<T> {}
impl<T> fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slots")
            .field("start", &self.start)
            .field("len", &self.len)
            .finish()
    }
}

/// The strings of an image, each distinct one stored once: a string
/// appended again points to the bytes of the first copy.
#[derive(Default)]
pub struct StringPool {
    positions: BTreeMap<Box<[u8]>, usize>,
    shared: usize,
    saved: usize,
}

impl StringPool {
    /// The number of distinct strings stored out of line.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether no string is stored out of line.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// How many strings were found already stored.
    pub fn shared(&self) -> usize {
        self.shared
    }

    /// The bytes not written because they were found already stored.
    pub fn bytes_saved(&self) -> usize {
        self.saved
    }
}

impl fmt::Debug for StringPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StringPool")
            .field("strings", &self.len())
            .field("shared", &self.shared)
            .field("bytes_saved", &self.saved)
            .finish()
    }
}

/// Writes the image of an explicit layout whose root is an `R`: reserve the
/// root, append records, spans and strings, and write each record with the
/// [`BarePtr`], [`BareSpan`] and [`BareStr`] values the builder hands out.
/// Those values hold *positions* in the image until they are written by
/// [`put`](Self::put) or [`put_item`](Self::put_item), which turns each
/// into the offset relative to where it lands: no offset arithmetic and no
/// `unsafe` in user code. Strings longer than 8 bytes go through a
/// [`StringPool`], which stores equal strings once.
///
/// Everything is placed as `to_layout` places it (each part at the next
/// multiple of its alignment after everything written so far, every byte
/// not written zero), so appending in the order `to_layout` writes the
/// derived twin gives the very same bytes.
///
/// ```
/// use barewire::layout::Builder;
/// use barewire::{BarePtr, BareSpan, BareStr};
///
/// #[derive(barewire::Layout)]
/// #[repr(C)]
/// struct Shelf { name: BareStr, books: BareSpan<Book>, best: Option<BarePtr<Book>> }
///
/// #[derive(barewire::Layout, Debug)]
/// #[repr(C)]
/// struct Book { title: BareStr, pages: u32 }
///
/// let mut b = Builder::<Shelf>::new();
/// let books = b.reserve_span::<Book>(2);
/// for (i, (title, pages)) in [("Dune", 412), ("The Left Hand of Darkness", 304)].into_iter().enumerate() {
///     let book = Book { title: b.str(title), pages };
///     b.put_item(books, i, &book);
/// }
/// let shelf = Shelf { name: b.str("science fiction"), books: b.span_of(books), best: Some(b.item_ptr(books, 1)) };
/// b.put(b.root(), &shelf);
/// let image = b.finish();
///
/// let view = barewire::view::<Shelf>(&image)?;
/// let shelf: &Shelf = view.get()?;
/// let books: &[Book] = view.span(&shelf.books)?;
/// assert_eq!(books[0].pages, 412);
/// let best = view.resolve(shelf.best.as_ref().unwrap())?;
/// assert_eq!(view.str(&best.title)?, "The Left Hand of Darkness");
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct Builder<R> {
    w: Writer,
    pool: StringPool,
    _root: PhantomData<fn() -> R>,
}

impl<R: Layout> Default for Builder<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R> fmt::Debug for Builder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("len", &self.w.len())
            .field("pool", &self.pool)
            .finish()
    }
}

impl<R: Layout> Builder<R> {
    /// A builder whose image starts with the root's inline part (zeroed,
    /// at position 0).
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// [`new`](Self::new) with room for about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut w = Writer::with_capacity(capacity);
        w.alloc(R::SIZE, R::ALIGN);
        Builder {
            w,
            pool: StringPool::default(),
            _root: PhantomData,
        }
    }

    /// Where the root is: position 0.
    #[inline]
    pub fn root(&self) -> At<R> {
        At::new(0)
    }
}

impl<R> Builder<R> {
    /// Appends the zeroed inline part of a `T`, to be written with
    /// [`put`](Self::put).
    ///
    /// # Panics
    ///
    /// If the image would grow past [`MAX_IMAGE_SIZE`](super::MAX_IMAGE_SIZE).
    pub fn reserve<T: Layout>(&mut self) -> At<T> {
        // Size at least 1, so that a pointer to it is never the pointer's
        // own place, as `to_layout` writes a box.
        At::new(self.w.alloc(T::SIZE.max(1), T::ALIGN))
    }

    /// Appends `value` as a new record: [`reserve`](Self::reserve) then
    /// [`put`](Self::put).
    pub fn record<T: Layout>(&mut self, value: &T) -> At<T> {
        let at = self.reserve::<T>();
        self.put(at, value);
        at
    }

    /// Writes `value` at `at`, turning the positions its in-place fields
    /// hold (from [`ptr`](Self::ptr), [`span_of`](Self::span_of),
    /// [`str`](Self::str)) into relative offsets.
    ///
    /// # Panics
    ///
    /// If `at` is not a place of this builder's image (one from another
    /// builder).
    pub fn put<T: Layout>(&mut self, at: At<T>, value: &T) {
        self.check_place(at.pos, T::SIZE);
        self.w.placing(|w| value.write(w, at.pos));
    }

    /// Appends `len` zeroed slots for the items of a span of `T`, to be
    /// written with [`put_item`](Self::put_item).
    ///
    /// # Panics
    ///
    /// If the image would grow past [`MAX_IMAGE_SIZE`](super::MAX_IMAGE_SIZE)
    /// or `len` past `u32::MAX`.
    pub fn reserve_span<T: Layout>(&mut self, len: usize) -> Slots<T> {
        assert!(
            u32::try_from(len).is_ok(),
            "a list in a layout holds at most 2^32 - 1 items"
        );
        let size = len
            .checked_mul(T::SIZE)
            .expect("a list larger than a layout image can hold");
        let start = if len == 0 {
            0
        } else {
            self.w.alloc(size, T::ALIGN)
        };
        Slots {
            start,
            len,
            _type: PhantomData,
        }
    }

    /// Writes item `index` of `slots`, as [`put`](Self::put) writes a
    /// record.
    ///
    /// # Panics
    ///
    /// If `index` is not below `slots.len()`, or the slots are not this
    /// builder's.
    pub fn put_item<T: Layout>(&mut self, slots: Slots<T>, index: usize, value: &T) {
        assert!(
            index < slots.len,
            "item {index} of a span of {} items",
            slots.len
        );
        let at = slots.start + index * T::SIZE;
        self.check_place(at, T::SIZE);
        self.w.placing(|w| value.write(w, at));
    }

    /// Appends `items` as a span and returns the span to store in a record.
    pub fn span<T: Layout>(&mut self, items: &[T]) -> BareSpan<T> {
        let slots = self.reserve_span::<T>(items.len());
        for (i, item) in items.iter().enumerate() {
            self.put_item(slots, i, item);
        }
        self.span_of(slots)
    }

    /// A pointer to the record at `at`, to store in a record written with
    /// [`put`](Self::put).
    #[inline]
    pub fn ptr<T>(&self, at: At<T>) -> BarePtr<T> {
        placed_ptr(at.pos)
    }

    /// A pointer to item `index` of `slots`.
    ///
    /// # Panics
    ///
    /// If `index` is not below `slots.len()`.
    pub fn item_ptr<T: Layout>(&self, slots: Slots<T>, index: usize) -> BarePtr<T> {
        assert!(
            index < slots.len,
            "item {index} of a span of {} items",
            slots.len
        );
        placed_ptr(slots.start + index * T::SIZE)
    }

    /// The span of `slots`, to store in a record written with
    /// [`put`](Self::put).
    #[inline]
    pub fn span_of<T>(&self, slots: Slots<T>) -> BareSpan<T> {
        if slots.len == 0 {
            return BareSpan::EMPTY;
        }
        // Positions are below MAX_IMAGE_SIZE = i32::MAX, counts below 2^32.
        BareSpan::from_parts(slots.start as i32, slots.len as u32)
    }

    /// The string `s`, to store in a record written with
    /// [`put`](Self::put): inline if it has at most 8 bytes, otherwise its
    /// bytes appended once per distinct string (the [`StringPool`]).
    ///
    /// # Panics
    ///
    /// If `s` is longer than [`MAX_STR_LEN`] bytes or the image would grow
    /// past [`MAX_IMAGE_SIZE`](super::MAX_IMAGE_SIZE).
    pub fn str(&mut self, s: &str) -> BareStr {
        let bytes = s.as_bytes();
        if let Some(inline) = BareStr::inline(s) {
            return inline;
        }
        assert!(
            bytes.len() <= MAX_STR_LEN,
            "string of {} bytes is longer than a layout can hold",
            bytes.len()
        );
        debug_assert!(bytes.len() > INLINE_STR);
        let pos = match self.pool.positions.get(bytes) {
            Some(&pos) => {
                self.pool.shared += 1;
                self.pool.saved += bytes.len();
                pos
            }
            None => {
                let pos = self.w.alloc_bytes(bytes, 1);
                self.pool.positions.insert(bytes.into(), pos);
                pos
            }
        };
        // The position is below MAX_IMAGE_SIZE = i32::MAX.
        BareStr::out_of_line(bytes.len(), pos as i32).expect("length checked above")
    }

    /// The string pool: how many strings were stored, and shared.
    #[inline]
    pub fn pool(&self) -> &StringPool {
        &self.pool
    }

    /// The length of the image so far.
    #[inline]
    pub fn len(&self) -> usize {
        self.w.len()
    }

    /// Whether the image is empty (only for a root of size 0).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.w.len() == 0
    }

    /// The finished image.
    pub fn finish(self) -> LayoutBuf {
        self.w.finish()
    }

    fn check_place(&self, at: usize, size: usize) {
        assert!(
            at.checked_add(size).is_some_and(|end| end <= self.w.len()),
            "a place that is not in this builder's image"
        );
    }
}

/// A pointer holding the position `pos` (plus one, so the root's position 0
/// is not null) until written.
fn placed_ptr<T>(pos: usize) -> BarePtr<T> {
    // Positions are below MAX_IMAGE_SIZE = i32::MAX, so `pos + 1` is a
    // positive i32.
    BarePtr::from_offset(pos as i32 + 1).expect("a position plus one is never zero")
}
