//! `ArenaVec`: a growable list whose items live in an arena. The decode
//! module's unsafe code: a buffer of arena memory, its first `len` items
//! initialized.

use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit, size_of};
use core::ops::{Deref, DerefMut};
use core::ptr::{self, NonNull};

use barewire::plain::{FromWire, Plain};

use crate::arena::Arena;
use crate::decode::ArenaLike;
use crate::error::AllocError;

/// A list whose items live in an [`Arena`] or a [`Region`](crate::Region):
/// what a `Vec<T>` field becomes in a type decoded with
/// [`from_slice_in`](crate::from_slice_in).
///
/// `#[derive(Bare)]` handles it as it handles `Vec<T>`: the same wire bytes,
/// the same schema (`list<T>`, or `data` for `u8`) and the same layout (read in place
/// as a `SpanView<T>`).
///
/// It grows like a `Vec` (to twice its capacity), in the arena: the old
/// buffer is not freed but given back with the arena's reset or the
/// region's end, so a list built by `push` takes up to about twice its
/// final size (a decoded list takes its final size: its length is known up
/// front). Dropping it drops its items; the memory comes back with the
/// arena.
///
/// Lists of plain numbers (and of derived records of them) decode as one
/// copy, as `Vec<T>`'s do. For `data`, a `&'a [u8]` field takes no copy at
/// all: under [`from_slice_in`](crate::from_slice_in) it borrows the
/// arena's copy of the message.
///
/// Decoding one needs an arena (a reader without one gives
/// [`barewire::Error::NoArena`]); a full fixed arena gives
/// [`barewire::Error::ArenaFull`], never a panic.
///
/// ```
/// use barewire_pool::{Arena, ArenaVec, from_slice_in};
///
/// let arena = Arena::new();
/// let mut v = ArenaVec::new_in(&arena);
/// v.push(1u32);
/// v.extend([2, 3]);
/// assert_eq!(v, [1, 2, 3]);
/// let bytes = barewire::to_vec(&v);
/// assert_eq!(bytes, barewire::to_vec(&vec![1u32, 2, 3]));
/// let back: ArenaVec<'_, u32> = from_slice_in(&arena, &bytes)?;
/// assert_eq!(back, v);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct ArenaVec<'a, T> {
    /// The buffer: `cap` slots of `T` in `arena`'s memory (dangling but
    /// aligned when nothing was allocated, or for a zero-sized `T`).
    ptr: NonNull<T>,
    /// Initialized items: `ptr[..len]`.
    len: usize,
    /// Slots in the buffer (`usize::MAX` for a zero-sized `T`).
    cap: usize,
    arena: &'a Arena,
    /// Owns its `T`s (for drop check and variance, as `Vec<T>`).
    _own: PhantomData<T>,
}

// The type invariant, which every unsafe block below relies on:
// 1. `ptr` is aligned for `T` and, unless `T` is zero-sized or `cap == 0`,
//    points to `cap * size_of::<T>()` bytes of `arena`'s memory that no
//    other allocation overlaps and that stay valid while `arena` is
//    borrowed for `'a` (the arena reuses them only after `reset(&mut)` or
//    the end of a region, which that borrow prevents);
// 2. `ptr[..len]` are initialized `T`s that this vector alone owns, and
//    `len <= cap`.

impl<'a, T> ArenaVec<'a, T> {
    /// An empty list in `arena` (an arena or a region): nothing is allocated
    /// until the first item.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let v: barewire_pool::ArenaVec<'_, u8> = barewire_pool::ArenaVec::new_in(&arena);
    /// assert!(v.is_empty());
    /// assert_eq!(arena.bytes_in_use(), 0);
    /// ```
    #[inline]
    pub fn new_in<A: ArenaLike + ?Sized>(arena: &'a A) -> Self {
        Self::empty(arena.arena())
    }

    /// An empty list with room for `capacity` items.
    ///
    /// # Panics
    ///
    /// When a fixed arena has no room, or a growing one cannot grow.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let v: barewire_pool::ArenaVec<'_, u64> = barewire_pool::ArenaVec::with_capacity_in(4, &arena);
    /// assert_eq!(v.capacity(), 4);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn with_capacity_in<A: ArenaLike + ?Sized>(capacity: usize, arena: &'a A) -> Self {
        or_panic(Self::try_with_capacity_in(capacity, arena))
    }

    /// An empty list with room for `capacity` items, or why it does not fit.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(16);
    /// assert!(barewire_pool::ArenaVec::<u64>::try_with_capacity_in(2, &arena).is_ok());
    /// assert!(barewire_pool::ArenaVec::<u64>::try_with_capacity_in(3, &arena).is_err());
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_with_capacity_in<A: ArenaLike + ?Sized>(
        capacity: usize,
        arena: &'a A,
    ) -> Result<Self, AllocError> {
        Self::with_capacity_in_arena(capacity, arena.arena())
    }

    #[inline]
    pub(crate) fn empty(arena: &'a Arena) -> Self {
        ArenaVec {
            ptr: NonNull::dangling(),
            len: 0,
            cap: if size_of::<T>() == 0 { usize::MAX } else { 0 },
            arena,
            _own: PhantomData,
        }
    }

    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub(crate) fn with_capacity_in_arena(
        capacity: usize,
        arena: &'a Arena,
    ) -> Result<Self, AllocError> {
        let mut v = Self::empty(arena);
        if capacity > v.cap {
            v.grow_to(capacity)?;
        }
        Ok(v)
    }

    /// Items in the list.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.push('x');
    /// assert_eq!(v.len(), 1);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list has no items.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// assert!(barewire_pool::ArenaVec::<u8>::new_in(&arena).is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Items the list holds before it has to grow.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let v = barewire_pool::ArenaVec::<u32>::with_capacity_in(3, &arena);
    /// assert_eq!((v.len(), v.capacity()), (0, 3));
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// The items.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.extend([1, 2]);
    /// assert_eq!(v.as_slice(), &[1, 2]);
    /// ```
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        // SAFETY: 1. `ptr` is aligned and non-null, and `ptr[..len]` are
        // initialized `T`s in live memory (type invariant 1, 2); 2. shared
        // access for the borrow of `self`, the items' only owner.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The items, mutably.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.extend([1, 2]);
    /// v.as_mut_slice().reverse();
    /// assert_eq!(v, [2, 1]);
    /// ```
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: as in `as_slice`, and the access is unique because `self`
        // is borrowed mutably.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// Appends `value`, growing the list in the arena when it is full.
    ///
    /// # Panics
    ///
    /// When it must grow and a fixed arena has no room, or a growing one
    /// cannot grow.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.push("a");
    /// assert_eq!(v.as_slice(), ["a"]);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn push(&mut self, value: T) {
        or_panic(self.try_push(value));
    }

    /// Appends `value`, or says why the list cannot grow (the value is
    /// dropped then).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(8);
    /// let mut v = barewire_pool::ArenaVec::with_capacity_in(2, &arena);
    /// assert!(v.try_push(1u32).is_ok());
    /// assert!(v.try_push(2u32).is_ok());
    /// assert!(v.try_push(3u32).is_err());
    /// assert_eq!(v, [1, 2]);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_push(&mut self, value: T) -> Result<(), AllocError> {
        if self.len == self.cap {
            self.grow_for(1)?;
        }
        // SAFETY: 1. `len < cap` now, so slot `len` is inside the buffer
        // (type invariant 1), aligned and not initialized (invariant 2);
        // 2. writing it and then counting it keeps invariant 2.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        self.len += 1;
        Ok(())
    }

    /// Makes room for `additional` more items.
    ///
    /// # Panics
    ///
    /// As [`try_reserve`](Self::try_reserve) fails.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v: barewire_pool::ArenaVec<'_, u16> = barewire_pool::ArenaVec::new_in(&arena);
    /// v.reserve(10);
    /// assert!(v.capacity() >= 10);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn reserve(&mut self, additional: usize) {
        or_panic(self.try_reserve(additional));
    }

    /// Makes room for `additional` more items, or says why it cannot (a
    /// fixed arena without room, a size over `isize::MAX` bytes, no memory).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(64);
    /// let mut v: barewire_pool::ArenaVec<'_, u64> = barewire_pool::ArenaVec::new_in(&arena);
    /// assert!(v.try_reserve(8).is_ok());
    /// assert!(v.try_reserve(usize::MAX).is_err());
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), AllocError> {
        if self.cap - self.len >= additional {
            return Ok(());
        }
        self.grow_for(additional)
    }

    /// Removes the last item and returns it.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.push(String::from("x"));
    /// assert_eq!(v.pop().as_deref(), Some("x"));
    /// assert_eq!(v.pop(), None);
    /// ```
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: slot `len` (the old last) is initialized (invariant 2) and,
        // no longer counted, is read out exactly once.
        Some(unsafe { self.ptr.as_ptr().add(self.len).read() })
    }

    /// Drops the items after the first `len` (nothing when there are fewer).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.extend([1, 2, 3]);
    /// v.truncate(1);
    /// assert_eq!(v, [1]);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let tail = ptr::slice_from_raw_parts_mut(
            // SAFETY: `len < self.len <= cap`: inside the buffer.
            unsafe { self.ptr.as_ptr().add(len) },
            self.len - len,
        );
        // Uncount them first: a panicking drop leaves them neither counted
        // nor dropped twice.
        self.len = len;
        // SAFETY: `tail` is the initialized items `len..old len` (invariant
        // 2), which nothing reaches any more and are dropped once.
        unsafe { ptr::drop_in_place(tail) };
    }

    /// Drops every item; the capacity stays.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.push(1);
    /// v.clear();
    /// assert!(v.is_empty());
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Gives up ownership of the items without dropping them: a slice that
    /// lives as long as the arena borrow (as [`Owned::leak`](crate::Owned::leak);
    /// the items' drops never run, their bytes come back with the arena).
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let mut v = barewire_pool::ArenaVec::new_in(&arena);
    /// v.extend([1u8, 2]);
    /// let items: &mut [u8] = v.into_slice();
    /// items[0] = 9;
    /// assert_eq!(items, [9, 2]);
    /// ```
    pub fn into_slice(self) -> &'a mut [T] {
        let this = mem::ManuallyDrop::new(self);
        // SAFETY: 1. the items are initialized, aligned, in memory valid for
        // `'a` (invariants 1, 2); 2. unique: this vector was their only
        // owner and is gone without dropping them.
        unsafe { core::slice::from_raw_parts_mut(this.ptr.as_ptr(), this.len) }
    }

    /// Appends the items whose wire bytes are `bytes`, as one copy, when the
    /// claim says plain and `bytes` is a whole number of items: `Ok(true)`.
    /// `Ok(false)`, with nothing appended, otherwise.
    #[cfg_attr(feature = "track", track_caller)]
    pub(crate) fn extend_plain(
        &mut self,
        bytes: &[u8],
        claim: Plain<T, FromWire>,
    ) -> Result<bool, AllocError> {
        let size = size_of::<T>();
        if !claim.is_plain() || size == 0 || bytes.len() % size != 0 {
            return Ok(false);
        }
        let count = bytes.len() / size;
        self.try_reserve(count)?;
        // SAFETY: 1. `count <= cap - len` after the reserve, so the `count`
        // slots after `len` lie in the buffer (type invariant 1), aligned
        // for `T`; 2. they are not initialized items (invariant 2) and
        // nothing else refers to them, so a unique slice of `MaybeUninit`
        // over them is valid.
        let spare = unsafe {
            core::slice::from_raw_parts_mut(
                self.ptr.as_ptr().add(self.len).cast::<MaybeUninit<T>>(),
                count,
            )
        };
        match claim.init_from_bytes(bytes, spare) {
            Some(items) => {
                // `init_from_bytes` initialized all `count` slots (it
                // returns them only then): invariant 2 holds with them
                // counted.
                debug_assert_eq!(items.len(), count);
                self.len += count;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Grows the buffer to hold at least `additional` more items: to twice
    /// its capacity, or what is needed if that is more; when the arena has
    /// no room for that, to exactly what is needed.
    #[cold]
    #[cfg_attr(feature = "track", track_caller)]
    fn grow_for(&mut self, additional: usize) -> Result<(), AllocError> {
        let needed = self
            .len
            .checked_add(additional)
            .ok_or_else(|| self.too_big())?;
        let doubled = self.cap.saturating_mul(2).max(4);
        match self.grow_to(needed.max(doubled)) {
            Err(_) if doubled > needed => self.grow_to(needed),
            done => done,
        }
    }

    /// Moves the items to a new buffer of `cap` slots (`cap > self.cap`; for
    /// a non-zero-sized `T`). The old buffer is left to the arena.
    #[cfg_attr(feature = "track", track_caller)]
    fn grow_to(&mut self, cap: usize) -> Result<(), AllocError> {
        debug_assert!(size_of::<T>() != 0 && cap > self.cap);
        let layout = Layout::array::<T>(cap).map_err(|_| self.too_big())?;
        let new = self.arena.try_alloc_layout(layout)?.cast::<T>();
        // SAFETY: 1. the source is the `len` initialized items (invariant 2),
        // the destination fresh arena memory for `cap >= len` items, aligned
        // for `T` (`try_alloc_layout` of `Layout::array::<T>`); 2. they do not
        // overlap (fresh memory). The items are moved: the old slots are not
        // read or dropped again (the old buffer is abandoned).
        unsafe { ptr::copy_nonoverlapping(self.ptr.as_ptr(), new.as_ptr(), self.len) };
        // Invariant 1 for the new buffer: `cap` slots of arena memory, valid
        // for `'a`, that nothing else overlaps.
        self.ptr = new;
        self.cap = cap;
        Ok(())
    }

    fn too_big(&self) -> AllocError {
        AllocError {
            requested: usize::MAX,
            align: mem::align_of::<T>(),
            remaining: 0,
            capacity: self.arena.capacity(),
        }
    }
}

#[cold]
#[track_caller]
fn or_panic<T>(result: Result<T, AllocError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{e}"),
    }
}

impl<T> Drop for ArenaVec<'_, T> {
    fn drop(&mut self) {
        if mem::needs_drop::<T>() {
            self.clear();
        }
    }
}

impl<T> Deref for ArenaVec<'_, T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> DerefMut for ArenaVec<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T> AsRef<[T]> for ArenaVec<'_, T> {
    #[inline]
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T> Extend<T> for ArenaVec<'_, T> {
    #[cfg_attr(feature = "track", track_caller)]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for item in iter {
            self.push(item);
        }
    }
}

impl<'s, T> IntoIterator for &'s ArenaVec<'_, T> {
    type Item = &'s T;
    type IntoIter = core::slice::Iter<'s, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'s, T> IntoIterator for &'s mut ArenaVec<'_, T> {
    type Item = &'s mut T;
    type IntoIter = core::slice::IterMut<'s, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: fmt::Debug> fmt::Debug for ArenaVec<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq<U>, U> PartialEq<ArenaVec<'_, U>> for ArenaVec<'_, T> {
    fn eq(&self, other: &ArenaVec<'_, U>) -> bool {
        self[..] == other[..]
    }
}

impl<T: Eq> Eq for ArenaVec<'_, T> {}

impl<T: PartialEq<U>, U> PartialEq<[U]> for ArenaVec<'_, T> {
    fn eq(&self, other: &[U]) -> bool {
        self[..] == other[..]
    }
}

impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U; N]> for ArenaVec<'_, T> {
    fn eq(&self, other: &[U; N]) -> bool {
        self[..] == other[..]
    }
}

impl<T: PartialEq<U>, U> PartialEq<Vec<U>> for ArenaVec<'_, T> {
    fn eq(&self, other: &Vec<U>) -> bool {
        self[..] == other[..]
    }
}
