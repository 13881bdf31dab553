//! The in-place field types of explicit layouts: Rust types whose memory is
//! exactly the inline layout bytes of a pointer, a list, a string, an array
//! and an optional value (`docs/format.md`, part 2), so that a
//! `#[derive(Layout)]` `#[repr(C)]` struct written with them *is* its record
//! in an image, and a checked image reads as `&T`.
//!
//! Their offsets are relative to their own position in the image, so they
//! mean something only inside the image that holds them: they are read
//! through [`InPlace`] (or the view of an explicit struct, which leads to
//! it), which finds a field's position from its address in the image's
//! bytes and never follows an offset from a reference alone.
//!
//! For the same reason an explicit struct with in-place fields has a schema
//! and a layout but no wire codec: encode its derived twin.
//!
//! ```compile_fail
//! use barewire::{BarePtr, BareStr};
//!
//! #[derive(barewire::Layout)]
//! #[repr(C)]
//! struct Node { name: BareStr, next: Option<BarePtr<Node>> }
//!
//! let image = barewire::layout::Builder::<Node>::new().finish();
//! let view = barewire::view_unchecked::<Node>(&image);
//! let _ = barewire::to_vec(view.get().unwrap()); // error: `Node` has no BARE encoding
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroI32;

use super::facts::LayoutFacts;
use super::string::{StrView, check_str};
use super::views::{SpanView, SpanViewMut, span_range};
use super::{Check, Layout, Trust, Writer, check_inline, follow, read4};
use crate::error::Error;
use crate::plain::{CheckedInPlace, IntoLayout, NicheOption, Plain, ReadInPlace};
use crate::schema::{Builder, Describe, Type};

/// The error of a field that does not lie inside the image it is read
/// through.
const NOT_IN_IMAGE: Error = Error::InvalidLayout {
    offset: 0,
    reason: "the field does not lie inside this image",
};

/// Whether `T`'s inline bytes can be read as a `&T` at all: any bytes are
/// a value ([`ReadInPlace`]), or those its validity test accepts
/// ([`CheckedInPlace`]).
#[inline]
pub const fn readable<T: Layout>() -> bool {
    T::IN_PLACE.is_plain() || T::IN_PLACE_CHECKED.is_plain()
}

/// Whether the `size_of::<T>()` bytes at `at` of `buf` are a valid `T`
/// under one of `T`'s claims (false when `T` has neither, or they do not
/// lie inside `buf`).
#[inline]
pub fn valid_at<T: Layout>(buf: &[u8], at: usize) -> bool {
    match at.checked_add(core::mem::size_of::<T>()) {
        Some(end) if end <= buf.len() => {}
        _ => return false,
    }
    T::IN_PLACE.is_plain() || (T::IN_PLACE_CHECKED.is_plain() && T::valid_inline(buf, at))
}

/// The `len` items of `T` from position `start` of `buf` as `&[T]`, when
/// `T` reads in place ([`readable`]), the items lie inside `buf` at an
/// address aligned for `T`, and each item is valid ([`valid_at`]). `None`
/// otherwise. The work is one validity test per item, none for types any
/// bytes make valid.
#[inline]
pub(crate) fn slice_in_place<T: Layout>(buf: &[u8], start: usize, len: usize) -> Option<&[T]> {
    if core::mem::size_of::<T>() != T::SIZE {
        return None;
    }
    T::IN_PLACE.slice_in_place(T::IN_PLACE_CHECKED, T::valid_inline, buf, start, len)
}

/// The record at `at` of `buf` as `&T`, checked as [`InPlace::get`] checks
/// it, for the `get` of derived views: an error rather than a build failure
/// when `T` does not read in place (a view type is generated whether or not
/// its `get` is ever called).
pub fn record_in_place<T: Layout>(buf: &[u8], at: usize) -> Result<&T, Error> {
    if !readable::<T>() {
        return Err(Error::InvalidLayout {
            offset: at,
            reason: "this record's type does not read in place (a field's memory is not its layout)",
        });
    }
    check_inline(buf, at, T::SIZE, T::ALIGN)?;
    ref_in_place::<T>(buf, at).ok_or(Error::InvalidLayout {
        offset: at,
        reason: "the record holds an invalid value (a bool, an enum value or a null pointer)",
    })
}

/// The `T` at position `at` of `buf` as `&T`: [`slice_in_place`] of one
/// item.
#[inline]
pub(crate) fn ref_in_place<T: Layout>(buf: &[u8], at: usize) -> Option<&T> {
    slice_in_place::<T>(buf, at, 1)?.first()
}

// ---- BarePtr ------------------------------------------------------------------

/// A pointer to one `T` in an image: an `i32` offset, relative to the
/// pointer's own position, never zero (the layout of `Box<T>`). So
/// `Option<BarePtr<T>>` is 4 bytes, zero when absent: the layout of
/// `Option<Box<T>>`.
///
/// Follow it with [`InPlace::resolve`] (or `resolve` on the view of the
/// explicit struct that holds it); the check of [`view`](crate::view)
/// follows it too, rejecting targets out of bounds, misaligned, or
/// overlapping the record that holds the pointer.
#[repr(transparent)]
pub struct BarePtr<T> {
    offset: NonZeroI32,
    _target: PhantomData<fn() -> T>,
}

impl<T> BarePtr<T> {
    /// A pointer holding the relative `offset` (from the pointer's own
    /// position); `None` for 0. Meaningful only at the position it was
    /// computed for: the builder computes it.
    #[inline]
    pub const fn from_offset(offset: i32) -> Option<Self> {
        match NonZeroI32::new(offset) {
            Some(offset) => Some(BarePtr {
                offset,
                _target: PhantomData,
            }),
            None => None,
        }
    }

    /// The relative offset it holds.
    #[inline]
    pub const fn offset(&self) -> i32 {
        self.offset.get()
    }
}

impl<T> Clone for BarePtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for BarePtr<T> {}
impl<T> PartialEq for BarePtr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.offset == other.offset
    }
}
impl<T> Eq for BarePtr<T> {}
impl<T> fmt::Debug for BarePtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BarePtr").field(&self.offset()).finish()
    }
}

/// Checks the pointer at `at` to a `T` and the `T`: not null, in bounds,
/// aligned, not overlapping the record that holds the pointer.
fn check_ptr<T: Layout>(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
    if read4(buf, at) == [0; 4] {
        return Err(Error::InvalidLayout {
            offset: at,
            reason: "null pointer where a value is required",
        });
    }
    let target = follow(buf, at)?;
    check_inline(buf, target, T::SIZE, T::ALIGN)?;
    cx.claim(target, T::SIZE)?;
    let parent = cx.enter_record(at, 4, target, T::SIZE)?;
    cx.enter(at)?;
    cx.visit(1, at)?;
    T::check(buf, target, cx)?;
    cx.leave();
    cx.leave_record(parent);
    Ok(())
}

impl<T: Layout> Layout for BarePtr<T> {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const ZERO_NICHE: bool = true;
    // Not `PLAIN`: a builder's `put` writes a pointer as another value than
    // its memory (an offset for the position it holds), so no bulk copy may
    // stand for its `write`.
    // SAFETY: (1) no interior mutability; (2) `size_of` is 4 = `SIZE`, the
    // offset at 0, little-endian on the targets where this says yes;
    // (3) `valid_inline` accepts exactly the 4 bytes that are not all zero,
    // the valid `NonZeroI32`s; (4) `align_of` is 4 = `ALIGN`.
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = unsafe {
        Plain::new_unchecked(
            cfg!(target_endian = "little")
                && core::mem::size_of::<Self>() == 4
                && core::mem::align_of::<Self>() <= 4,
        )
    };
    // SAFETY: `Option<BarePtr<T>>` is `Option` of a `#[repr(transparent)]`
    // struct around a `NonZeroI32`, which Rust guarantees to be 4 bytes with
    // `None` all zero: (1) no interior mutability; (2) 4 bytes = `SIZE` of
    // the optional pointer, the layout of `Option<Box<T>>`, zero for absent;
    // (3) every 4 bytes are a valid value (`None` or a pointer), and
    // `Option`'s `valid_inline` accepts them only when they lie in the
    // buffer; (4) alignment 4 = `ALIGN`.
    const NICHE_OPTION: Plain<NicheOption<Self>, CheckedInPlace> = unsafe {
        Plain::new_unchecked(
            cfg!(target_endian = "little")
                && core::mem::size_of::<Option<Self>>() == 4
                && core::mem::align_of::<Option<Self>>() <= 4,
        )
    };
    type View<'a> = T::View<'a>;
    type ViewMut<'a> = T::ViewMut<'a>;

    fn layout_facts(facts: &mut LayoutFacts) {
        if facts.enter::<Box<T>>("") {
            T::layout_facts(facts);
        }
    }
    /// Copies the offset as it is (it means something only at the position
    /// it was computed for), or, written by a [`Builder`](super::Builder),
    /// turns the position it holds into the offset from `at`.
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        if w.is_placing() {
            // The builder's pointers hold a position plus one.
            w.put_offset(at, self.offset() as usize - 1);
        } else {
            w.put(at, &self.offset().to_le_bytes());
        }
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        buf.get(at..at.wrapping_add(4)).is_some_and(|b| b != [0; 4])
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        check_ptr::<T>(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> T::View<'_> {
        // SAFETY: `check_ptr` checks what `Box<T>`'s check does (and more):
        // the target where the pointer leads holds a checked `T`; the rest
        // of the contract is the caller's.
        unsafe { <alloc::boxed::Box<T> as Layout>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> T::ViewMut<'_> {
        <alloc::boxed::Box<T> as Layout>::view_mut(buf, at)
    }
}

use alloc::boxed::Box;

impl<T: Describe> Describe for BarePtr<T> {
    fn describe(b: &mut Builder) -> Type {
        T::describe(b)
    }
}

// ---- BareSpan -----------------------------------------------------------------

/// A list of `T` in an image: an `i32` offset to the items (relative to the
/// span's own position) and a `u32` count, the layout of `Vec<T>` and
/// `list<T>`. The items lie back to back at `T`'s alignment.
///
/// Read the items with [`InPlace::span`] as `&[T]` (records of explicit
/// layouts and plain numbers), or through the view as a [`SpanView`].
#[repr(C)]
pub struct BareSpan<T> {
    offset: i32,
    len: u32,
    _items: PhantomData<fn() -> T>,
}

impl<T> BareSpan<T> {
    /// The empty span.
    pub const EMPTY: Self = BareSpan {
        offset: 0,
        len: 0,
        _items: PhantomData,
    };

    /// A span of `len` items at the relative `offset` (from the span's own
    /// position). Meaningful only at the position it was computed for: the
    /// builder computes it.
    #[inline]
    pub const fn from_parts(offset: i32, len: u32) -> Self {
        BareSpan {
            offset,
            len,
            _items: PhantomData,
        }
    }

    /// The number of items.
    #[inline]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the span holds no items.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The relative offset to the items.
    #[inline]
    pub const fn offset(&self) -> i32 {
        self.offset
    }
}

impl<T> Clone for BareSpan<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for BareSpan<T> {}
impl<T> PartialEq for BareSpan<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.offset, self.len) == (other.offset, other.len)
    }
}
impl<T> Eq for BareSpan<T> {}
impl<T> fmt::Debug for BareSpan<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BareSpan")
            .field("offset", &self.offset)
            .field("len", &self.len)
            .finish()
    }
}

impl<T: Layout> Layout for BareSpan<T> {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    // Not `PLAIN` nor `IN_PLACE`, as for `BarePtr`: a builder's `put`
    // writes a span as another value than its memory.
    // SAFETY: (1) `#[repr(C)]` of an `i32` at 0 and a `u32` at 4 (and a
    // zero-sized marker), no interior mutability; (2) 8 bytes = `SIZE`
    // (checked), the offset and the count little-endian where the layout
    // has them, on the little-endian targets where this says yes; (3)
    // `valid_inline` accepts bytes that lie in the buffer, and any 8 bytes
    // are an `i32` and a `u32`; (4) `align_of` is 4 = `ALIGN` (checked).
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = unsafe {
        Plain::new_unchecked(
            cfg!(target_endian = "little")
                && core::mem::size_of::<Self>() == 8
                && core::mem::align_of::<Self>() <= 4,
        )
    };
    type View<'a> = SpanView<'a, T>;
    type ViewMut<'a> = SpanViewMut<'a, T>;

    fn layout_facts(facts: &mut LayoutFacts) {
        if facts.enter::<alloc::vec::Vec<T>>("") {
            T::layout_facts(facts);
        }
    }
    /// Copies the offset and the count as they are (the offset means
    /// something only at the position it was computed for), or, written by
    /// a [`Builder`](super::Builder), turns the position it holds into the
    /// offset from `at`.
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        if w.is_placing() && self.len != 0 {
            w.put_offset(at, self.offset as usize);
        } else {
            w.put(at, &self.offset.to_le_bytes());
        }
        w.put(at + 4, &self.len.to_le_bytes());
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        at.checked_add(8).is_some_and(|end| end <= buf.len())
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        let len = u32::from_le_bytes(read4(buf, at + 4)) as usize;
        if len == 0 {
            return Ok(());
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
        let parent = cx.enter_record(at, 8, start, size)?;
        super::views::check_items::<T>(buf, start, len, cx)?;
        cx.leave_record(parent);
        Ok(())
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> SpanView<'_, T> {
        // SAFETY: the check above checked the span's items as a list's
        // check does; the rest of the contract is the caller's.
        unsafe { SpanView::trusting(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> SpanViewMut<'_, T> {
        let (start, len) = span_range(buf, at);
        SpanViewMut::from_parts(buf, start, len)
    }
}

impl<T: Describe> Describe for BareSpan<T> {
    fn describe(b: &mut Builder) -> Type {
        <[T]>::describe(b)
    }
}

// ---- BareStr ------------------------------------------------------------------

/// A string in an image: the 8-byte repr of `str` (`docs/format.md`):
/// up to 8 bytes inline, or a length and an offset to bytes elsewhere
/// in the image.
///
/// Read it with [`InPlace::str`] (or `str` on the view of the explicit
/// struct that holds it), which checks that its bytes lie in the image and
/// are UTF-8.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, align(4))]
pub struct BareStr {
    repr: [u8; 8],
}

impl BareStr {
    /// The empty string.
    pub const EMPTY: Self = BareStr { repr: [0xff; 8] };

    /// The repr of a string of at most 8 bytes, stored inline: meaningful
    /// anywhere. `None` for a longer string.
    pub fn inline(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        if bytes.len() > super::INLINE_STR {
            return None;
        }
        let mut repr = [0xff; 8];
        repr[..bytes.len()].copy_from_slice(bytes);
        Some(BareStr { repr })
    }

    /// The repr of `len` bytes at the relative `offset` (from position 4 of
    /// the repr, as the format says), stored out of line. Meaningful only at
    /// the position it was computed for: the builder computes it. `None` for
    /// a length over [`MAX_STR_LEN`](super::MAX_STR_LEN).
    pub fn out_of_line(len: usize, offset: i32) -> Option<Self> {
        if len > super::MAX_STR_LEN {
            return None;
        }
        let mut repr = [0u8; 8];
        repr[0] = 0x80 | (len & 0x3f) as u8;
        repr[1] = (len >> 6) as u8;
        repr[2] = (len >> 14) as u8;
        repr[3] = (len >> 22) as u8;
        repr[4..].copy_from_slice(&offset.to_le_bytes());
        Some(BareStr { repr })
    }

    /// The 8 bytes of the repr.
    #[inline]
    pub const fn repr(&self) -> [u8; 8] {
        self.repr
    }
}

impl fmt::Debug for BareStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BareStr").field(&self.repr).finish()
    }
}

impl Layout for BareStr {
    const SIZE: usize = 8;
    const ALIGN: usize = 4;
    const TRIVIAL_VIEW: bool = true;
    // Not `PLAIN` nor `IN_PLACE`, as for `BarePtr`: a builder's `put`
    // writes an out-of-line string as another value than its memory.
    // SAFETY: (1) a `[u8; 8]`, no interior mutability; (2) 8 bytes = `SIZE`
    // (checked), the repr itself; (3) `valid_inline` accepts bytes that lie
    // in the buffer, and any 8 bytes are a `[u8; 8]`; (4) `align_of` is 4 =
    // `ALIGN` (checked).
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = unsafe {
        Plain::new_unchecked(
            core::mem::size_of::<Self>() == 8 && core::mem::align_of::<Self>() <= 4,
        )
    };
    type View<'a> = StrView<'a>;
    type ViewMut<'a> = StrView<'a>;

    fn layout_facts(facts: &mut LayoutFacts) {
        facts.enter::<alloc::string::String>("");
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        at.checked_add(8).is_some_and(|end| end <= buf.len())
    }
    /// Copies the repr as it is (an out-of-line offset means something only
    /// at the position it was computed for), or, written by a
    /// [`Builder`](super::Builder), turns the position of the bytes it holds
    /// into the offset from `at + 4`.
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        w.put(at, &self.repr);
        if w.is_placing() && self.repr[0] & 0xc0 == 0x80 {
            let pos = i32::from_le_bytes([self.repr[4], self.repr[5], self.repr[6], self.repr[7]]);
            w.put_offset(at + 4, pos as usize);
        }
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        if cx.strings() {
            check_str(buf, at, true, cx)
        } else {
            Ok(())
        }
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> StrView<'_> {
        // SAFETY: the check above is a string's (`check_str`); the rest of
        // the contract is the caller's.
        unsafe { StrView::trusting(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> StrView<'_> {
        StrView::new(buf, at)
    }
}

impl Describe for BareStr {
    fn describe(b: &mut Builder) -> Type {
        str::describe(b)
    }
}

// ---- BareArray ----------------------------------------------------------------

/// `N` items inline: the layout of `[T; N]` (`list<T>[N]`, `data[N]`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct BareArray<T, const N: usize>(pub [T; N]);

impl<T, const N: usize> core::ops::Deref for BareArray<T, N> {
    type Target = [T; N];
    fn deref(&self) -> &[T; N] {
        &self.0
    }
}

impl<T: Layout, const N: usize> Layout for BareArray<T, N> {
    const SIZE: usize = <[T; N]>::SIZE;
    const ALIGN: usize = <[T; N]>::ALIGN;
    const TRIVIAL: bool = <[T; N]>::TRIVIAL;
    const TRIVIAL_VIEW: bool = <[T; N]>::TRIVIAL_VIEW;
    // SAFETY: `#[repr(transparent)]` over `[T; N]`: the same memory, so
    // each claim of `[T; N]` holds for it, with the same `write`, check
    // and `valid_inline`.
    const PLAIN: Plain<Self, IntoLayout> =
        unsafe { Plain::new_unchecked(<[T; N]>::PLAIN.is_plain()) };
    // SAFETY: as for `PLAIN`.
    const IN_PLACE: Plain<Self, ReadInPlace> =
        unsafe { Plain::new_unchecked(<[T; N]>::IN_PLACE.is_plain()) };
    // SAFETY: as for `PLAIN`.
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> =
        unsafe { Plain::new_unchecked(<[T; N]>::IN_PLACE_CHECKED.is_plain()) };
    type View<'a> = <[T; N] as Layout>::View<'a>;
    type ViewMut<'a> = <[T; N] as Layout>::ViewMut<'a>;

    fn layout_facts(facts: &mut LayoutFacts) {
        <[T; N]>::layout_facts(facts);
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        self.0.write(w, at);
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        <[T; N]>::valid_inline(buf, at)
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        <[T; N]>::check(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        // SAFETY: the check is the array's; the rest is the caller's.
        unsafe { <[T; N]>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        <[T; N]>::view_mut(buf, at)
    }
}

impl<T: Describe, const N: usize> Describe for BareArray<T, N> {
    fn describe(b: &mut Builder) -> Type {
        <[T; N]>::describe(b)
    }
}

// ---- BareOption ---------------------------------------------------------------

/// An optional `T` inline: a tag byte (0 absent, 1 present) and the `T` at
/// offset `T::ALIGN`, the layout of `Option<T>` for a `T` that is not a
/// pointer (an optional pointer is `Option<BarePtr<T>>`, 4 bytes).
///
/// The `T` is there even when absent (all zero, as the writer leaves it), so
/// a record holding one reads in place only if those bytes are a valid `T`
/// (zero is, for numbers, `bool`s, strings, spans and enums with a value 0).
#[repr(C)]
pub struct BareOption<T> {
    tag: u8,
    value: T,
}

impl<T> BareOption<T> {
    /// A present value.
    #[inline]
    pub const fn some(value: T) -> Self {
        BareOption { tag: 1, value }
    }

    /// An absent value, holding `zero`, which is not written: an absent
    /// value's bytes are zero in an image.
    #[inline]
    pub const fn none(zero: T) -> Self {
        BareOption {
            tag: 0,
            value: zero,
        }
    }

    /// The value, if present.
    #[inline]
    pub fn get(&self) -> Option<&T> {
        (self.tag == 1).then_some(&self.value)
    }

    /// Whether a value is present.
    #[inline]
    pub fn is_some(&self) -> bool {
        self.tag == 1
    }
}

impl<T: Clone> Clone for BareOption<T> {
    fn clone(&self) -> Self {
        BareOption {
            tag: self.tag,
            value: self.value.clone(),
        }
    }
}
impl<T: Copy> Copy for BareOption<T> {}
impl<T: fmt::Debug> fmt::Debug for BareOption<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BareOption").field(&self.get()).finish()
    }
}

impl<T: Layout> Layout for BareOption<T> {
    const SIZE: usize = <Option<T>>::SIZE;
    const ALIGN: usize = <Option<T>>::ALIGN;
    // SAFETY: `#[repr(C)]`: the tag at 0, the value at `T`'s Rust alignment,
    // checked here to be `T::ALIGN` (where the layout puts it), so:
    // (1) no interior mutability if `T` has none (its own claim);
    // (2) `size_of` is `SIZE` (checked), the tag byte at 0 and the `T` at
    // its layout offset; the padding between them is not part of the value;
    // (3) `valid_inline` accepts a tag of 0 or 1 (a valid `u8` in any case)
    // and a payload valid for `T` under `T`'s own claim (`valid_at`);
    // (4) `align_of` is at most `ALIGN` (checked). Not for `T`s with a zero
    // niche, whose optional form is the 4-byte pointer instead.
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = unsafe {
        Plain::new_unchecked(
            readable::<T>()
                && !T::ZERO_NICHE
                && core::mem::offset_of!(Self, value) == T::ALIGN
                && core::mem::size_of::<Self>() == Self::SIZE
                && core::mem::align_of::<Self>() <= Self::ALIGN,
        )
    };
    type View<'a> = Option<T::View<'a>>;
    type ViewMut<'a> = Option<T::ViewMut<'a>>;

    fn layout_facts(facts: &mut LayoutFacts) {
        <Option<T>>::layout_facts(facts);
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        if self.tag == 1 {
            w.put(at, &[1]);
            self.value.write(w, at + T::ALIGN);
        }
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        matches!(buf.get(at), Some(0 | 1)) && valid_at::<T>(buf, at.wrapping_add(T::ALIGN))
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        <Option<T>>::check(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        // SAFETY: the check is the option's; the rest is the caller's.
        unsafe { <Option<T>>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        <Option<T>>::view_mut(buf, at)
    }
}

impl<T: Describe> Describe for BareOption<T> {
    fn describe(b: &mut Builder) -> Type {
        <Option<T>>::describe(b)
    }
}

// ---- InPlace ------------------------------------------------------------------

/// The bytes of an image, through which the records of explicit layouts
/// and their pointers, spans and strings are read in place.
///
/// Every read is checked where it happens: a field is found by its address
/// inside these bytes (a field that does not lie in them is an error, so an
/// offset is never followed from a copy), the target must lie inside the
/// image at an address aligned for its type, and a record handed out as
/// `&T` must be a valid `T` (`bool`s 0 or 1, enum values known, pointers
/// not null). Nothing here panics or reads out of bounds, whatever the
/// bytes; [`view`](crate::view) checks the whole image once, and these
/// checks keep holding for bytes that were never checked.
///
/// ```
/// use barewire::{BarePtr, BareStr};
///
/// #[derive(barewire::Layout)]
/// #[repr(C)]
/// struct Node { name: BareStr, next: Option<BarePtr<Node>> }
///
/// // The same layout, as owned types: its image is a `Node` image.
/// #[derive(barewire::Bare)]
/// #[bare(order = "declared")]
/// struct Owned { name: String, next: Option<Box<Owned>> }
///
/// let tail = Owned { name: "tail".into(), next: None };
/// let image = barewire::to_layout(&Owned { name: "the head of the list".into(), next: Some(Box::new(tail)) });
///
/// let view = barewire::view::<Node>(&image)?;
/// let head: &Node = view.get()?;
/// assert_eq!(view.str(&head.name)?, "the head of the list");
/// let tail: &Node = view.resolve(head.next.as_ref().unwrap())?;
/// assert_eq!(view.str(&tail.name)?, "tail");
/// assert!(tail.next.is_none());
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct InPlace<'a> {
    buf: &'a [u8],
}

impl fmt::Debug for InPlace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InPlace")
            .field("len", &self.buf.len())
            .finish()
    }
}

impl<'a> InPlace<'a> {
    /// The image `buf`.
    #[inline]
    pub fn new(buf: &'a [u8]) -> Self {
        InPlace { buf }
    }

    /// The image's bytes.
    #[inline]
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The record at position `at` as `&T`: in bounds, aligned, and valid.
    ///
    /// `T` must read in place (`Layout::IN_PLACE` or
    /// `Layout::IN_PLACE_CHECKED`, which `#[derive(Layout)]` proves for
    /// explicit structs of in-place fields): checked when the program is
    /// built.
    pub fn get<T: Layout>(&self, at: usize) -> Result<&'a T, Error> {
        const {
            assert!(
                readable::<T>(),
                "reading a record as `&T` needs a type whose memory is its layout (`Layout::IN_PLACE` or `IN_PLACE_CHECKED`): an explicit #[derive(Layout)] struct, a number, an array of them"
            );
        }
        record_in_place::<T>(self.buf, at)
    }

    /// The position in the image of the field `field` refers to, if it lies
    /// inside the image's bytes.
    pub fn position_of<F>(&self, field: &F) -> Result<usize, Error> {
        let base = self.buf.as_ptr() as usize;
        let addr = field as *const F as usize;
        let at = addr.checked_sub(base).ok_or(NOT_IN_IMAGE)?;
        match at.checked_add(core::mem::size_of::<F>()) {
            Some(end) if end <= self.buf.len() => Ok(at),
            _ => Err(NOT_IN_IMAGE),
        }
    }

    /// The `T` that the pointer `ptr` (a field inside this image) points
    /// to, as `&T`: the target in bounds, aligned, and valid.
    pub fn resolve<T: Layout>(&self, ptr: &BarePtr<T>) -> Result<&'a T, Error> {
        let at = self.position_of(ptr)?;
        let target = follow(self.buf, at)?;
        self.get::<T>(target)
    }

    /// The string `s` (a field inside this image): its bytes in the image
    /// and UTF-8.
    pub fn str(&self, s: &BareStr) -> Result<&'a str, Error> {
        self.str_view(s)?.as_str()
    }

    /// The view of the string `s` (a field inside this image), to read its
    /// length or bytes.
    pub fn str_view(&self, s: &BareStr) -> Result<StrView<'a>, Error> {
        let at = self.position_of(s)?;
        Ok(StrView::new(self.buf, at))
    }

    /// The items of the span `span` (a field inside this image) as `&[T]`:
    /// in bounds, aligned, each item valid (one test per item: its `bool`s,
    /// enum values and pointers, its strings and spans in the buffer; none
    /// for types any bytes make valid, such as numbers).
    ///
    /// `T` must read in place, as for [`get`](Self::get): a span of records
    /// holding a `String` does not compile.
    ///
    /// ```compile_fail
    /// #[derive(barewire::Bare)]
    /// struct Owned { name: String }
    ///
    /// #[derive(barewire::Layout)]
    /// #[repr(C)]
    /// struct List { items: barewire::BareSpan<Owned> }
    ///
    /// let image = barewire::layout::Builder::<List>::new().finish();
    /// let view = barewire::view_unchecked::<List>(&image);
    /// let list = view.get().unwrap();
    /// let _ = view.span(&list.items); // error: needs items whose memory is their layout
    /// ```
    pub fn span<T: Layout>(&self, span: &BareSpan<T>) -> Result<&'a [T], Error> {
        const {
            assert!(
                readable::<T>(),
                "reading a span as `&[T]` needs items whose memory is their layout (`Layout::IN_PLACE` or `IN_PLACE_CHECKED`): explicit #[derive(Layout)] structs, numbers, arrays of them"
            );
        }
        let at = self.position_of(span)?;
        let len = u32::from_le_bytes(read4(self.buf, at + 4)) as usize;
        if len == 0 {
            return Ok(&[]);
        }
        let start = follow(self.buf, at)?;
        let size = len.checked_mul(T::SIZE).ok_or(Error::InvalidLayout {
            offset: at,
            reason: "list length overflows",
        })?;
        check_inline(self.buf, start, size, T::ALIGN)?;
        slice_in_place::<T>(self.buf, start, len).ok_or(Error::InvalidLayout {
            offset: at,
            reason: "a list item holds an invalid value (a bool, an enum value or a null pointer)",
        })
    }
}
