//! The zero-copy layout: the same data at fixed, aligned offsets, read in
//! place from any byte buffer.
//!
//! Every type with [`Layout`] (all std types of the BARE mapping, and every
//! `#[derive(Bare)]` type) has an *inline* part of [`Layout::SIZE`] bytes at
//! [`Layout::ALIGN`]; variable-sized data (strings, lists, boxes) lives
//! elsewhere in the image and is reached through a 32-bit relative offset.
//! Images are position-independent: the same bytes mean the same thing at any
//! address, in any process, after `mmap`. `docs/format.md` states the bytes.
//!
//! ```
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Log { address: [u8; 4], request: String, code: u16, size: u64 }
//!
//! let log = Log { address: [10, 0, 0, 1], request: "GET /index.html".into(), code: 200, size: 512 };
//! let image = barewire::to_layout(&log);
//! let view = barewire::view::<Log>(&image)?;
//! assert_eq!(view.code(), 200);
//! assert_eq!(view.request().as_str()?, "GET /index.html");
//! assert_eq!(barewire::layout::to_owned::<Log>(&image)?, log);
//!
//! let mut image = image;
//! let mut edit = barewire::view_mut::<Log>(&mut image)?;
//! edit.code_mut().set(404);
//! assert_eq!(barewire::view::<Log>(&image)?.code(), 404);
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Checking
//!
//! [`view`] checks the structure of the whole image before it
//! returns: every list, map and pointer target in bounds and aligned, every
//! `bool` 0 or 1, every enum value and union tag known, map keys sorted.
//! Strings are checked when they are read: a [`StrView`] checks that its bytes
//! lie in the image (`as_bytes`) and are UTF-8 (`as_str`), so viewing a large
//! image and reading a few numbers never pays for its strings; the view
//! trusts the structure it checked ([`Trust::Structure`]), so a number is
//! read without a bounds check. [`check_full`] checks every string up front
//! as well, and its view trusts that check ([`Trust::Full`]): a string's
//! `as_str` then locates it without checks and skips a second UTF-8
//! pass. Validate once with [`check_full`] to read most of an
//! image; [`view`] to read a little of it. The work of a check is bounded by
//! the image size and [`Limits::max_depth`](crate::Limits), even for a
//! hostile image whose offsets overlap or form cycles.

mod buf;
mod builder;
pub(crate) mod check;
pub(crate) mod derived;
pub(crate) mod facts;
pub(crate) mod impls;
pub(crate) mod inline_str;
pub(crate) mod inplace;
pub(crate) mod map;
mod string;
mod table;
mod tuples;
mod views;

pub(crate) use check::{Check, check_inline, follow, follow_unchecked, read4};
pub(crate) use derived::{StructLayout, from_boxed};
use facts::LayoutFacts;
pub use table::LayoutTable;

use crate::plain::{CheckedInPlace, IntoLayout, Plain, ReadInPlace};

use crate::error::Error;
use crate::limits::Limits;

pub use buf::{LayoutBuf, MAX_ALIGN, MAX_IMAGE_SIZE, Writer};
pub use builder::{At, Builder, Slots, StringPool};
pub use impls::write_list;
pub use inline_str::{InlineStr, InlineStrView};
pub use inplace::{BareArray, BareOption, BarePtr, BareSpan, BareStr, InPlace};
pub use map::{LayoutKey, MapView};
pub use string::{INLINE_STR, MAX_STR_LEN, StrView};
pub use views::{ArrayView, Scalar, ScalarLayout, SpanView, SpanViewMut};

/// A type with a fixed-offset, aligned in-place form.
///
/// Implemented for the std types of the BARE type mapping and by
/// `#[derive(Bare)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no zero-copy layout",
    note = "derive it with `#[derive(barewire::Bare)]`, or use a type of the BARE type mapping"
)]
pub trait Layout {
    /// Size of the inline part, a multiple of [`ALIGN`](Self::ALIGN).
    const SIZE: usize;
    /// Alignment of the inline part: a power of two up to [`MAX_ALIGN`].
    const ALIGN: usize;
    /// Whether an inline part of all zero bytes is never a valid value, so
    /// that `Option<Self>` can use it for `None` (true for `Box<T>`).
    #[doc(hidden)]
    const ZERO_NICHE: bool = false;
    /// Whether `Self`'s memory is exactly its inline part, so that arrays and
    /// lists of it are written as one copy. Leave the default
    /// ([`Plain::NO`]): saying plain takes `unsafe` (see [`crate::plain`]),
    /// and the derives say it where they can prove it.
    const PLAIN: Plain<Self, IntoLayout> = Plain::NO;
    /// Whether any inline bytes are a valid value whose memory is its
    /// layout, so that a list of it in an image reads as `&[Self]`
    /// ([`SpanView::as_slice`]). Leave the default ([`Plain::NO`]); the
    /// derives prove it where it holds.
    const IN_PLACE: Plain<Self, ReadInPlace> = Plain::NO;
    /// Whether inline bytes that pass [`valid_inline`](Self::valid_inline)
    /// are a valid value whose memory is its layout, so that a checked
    /// record reads as `&Self` (records of explicit layouts that hold a
    /// `bool`, an enum or a [`BarePtr`]). Leave the default ([`Plain::NO`]);
    /// the derives prove it where it holds.
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = Plain::NO;
    /// The claim of `Option<Self>` when `Self` is a pointer whose optional
    /// form is its zero niche (`Option<BarePtr<T>>`: 4 bytes, all zero for
    /// absent, any bytes valid). `Option<T>`'s `IN_PLACE_CHECKED`.
    /// A claim about a [`NicheOption<Self>`](crate::plain::NicheOption)
    /// is a claim about `Option<Self>`.
    #[doc(hidden)]
    const NICHE_OPTION: Plain<crate::plain::NicheOption<Self>, CheckedInPlace> = Plain::NO;
    /// The layout table of a derived struct: each field's name, offset, size,
    /// alignment and the padding after it, in declaration order (empty for
    /// other types). [`LayoutTable`] prints it.
    const FIELDS: &'static [FieldLayout] = &[];

    /// Whether any inline bytes are a valid value and nothing lies out of
    /// line, so that checking a list of it needs no work per item.
    #[doc(hidden)]
    const TRIVIAL: bool = false;
    /// Whether [`view`]'s structural check has nothing to do for
    /// this type: true for strings (checked when read) and for structs and
    /// arrays of such fields; false where a tag, a `bool` or an offset must
    /// be checked before a view may trust it.
    #[doc(hidden)]
    const TRIVIAL_VIEW: bool = Self::TRIVIAL;

    /// What reading a value in place gives: the value itself for scalars, a
    /// view (such as [`StrView`] or a derived `FooLayout`) otherwise.
    type View<'a>;
    /// What reading a value in place through a mutable view gives: a
    /// [`Scalar`] for scalars, so they can be set; read-only views otherwise.
    type ViewMut<'a>;

    /// Writes the inline part at `at` (zeroed, `SIZE` bytes, aligned), and
    /// any out-of-line data through `w`.
    fn write(&self, w: &mut Writer, at: usize);

    /// A cheap estimate of the bytes this value writes out of line (beyond
    /// its inline part), used to size the image buffer up front.
    #[doc(hidden)]
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        0
    }

    /// Adds the layout facts of `Self` and of every type it holds to
    /// `facts`, for the type fingerprint (see `barewire::mmap::fingerprint`).
    /// The default adds `Self`'s own table; types that hold others (lists,
    /// boxes, derived structs) go on to them, so a layout change anywhere
    /// changes the fingerprint.
    #[doc(hidden)]
    fn layout_facts(facts: &mut LayoutFacts) {
        facts.enter::<Self>("");
    }

    /// Whether the inline bytes at `at..at + SIZE` of `buf` are a valid
    /// `Self` in memory: `bool`s 0 or 1, enum values known, pointers not
    /// null, and so on for every part. Only the inline bytes: what they
    /// point to is not looked at. False when the bytes are not inside
    /// `buf`. What [`IN_PLACE_CHECKED`](Self::IN_PLACE_CHECKED) relies on;
    /// the default says no.
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        let _ = (buf, at);
        false
    }

    /// Checks the value whose inline part is at `at`. The caller has checked
    /// that `at..at + SIZE` is inside `buf` and aligned.
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error>;

    /// The view of the value whose inline part is at `at`, whose reads
    /// trust the image as far as `trust` says.
    ///
    /// Library code calls it; users call [`view`], [`check_full`] and
    /// [`view_trusted`]. An implementation passes `trust` on to the views of
    /// the values it holds.
    ///
    /// # Safety
    ///
    /// With [`Trust::Lazy`], none: every read checks what it reads. With
    /// [`Trust::Structure`], `buf` is not changed while the view lives (a
    /// `&[u8]` sees to it) and the structural check, [`view`]'s, found a
    /// valid `Self` at `at` in `buf`: its inline part `at..at + SIZE`, and
    /// that of every value it reaches, lies inside `buf` (numbers are read
    /// there without a bounds check). With [`Trust::Full`], the same with
    /// the full check, [`check_full`]'s: every string it reaches is in
    /// bounds and UTF-8 as well, and is read without a second UTF-8 check.
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_>;

    /// The mutable view of the value whose inline part is at `at`. Its reads
    /// check what they read ([`Trust::Lazy`]); its writes set scalars where
    /// the image holds scalars, so they keep a checked image valid.
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_>;
}

/// How far the reads of a view trust its image: what the views of
/// [`view_unchecked`], [`view`] and [`check_full`] differ in, carried from a
/// view to the views it hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Every read checks what it reads: a number's bounds, a string's
    /// bounds and UTF-8, each time it is read. What [`view_unchecked`] and
    /// mutable views give.
    Lazy,
    /// The image passed [`view`]'s structural check: every value's inline
    /// part lies inside the image, so numbers are read without a bounds
    /// check; strings are checked (bounds and UTF-8) when read.
    Structure,
    /// The whole image passed [`check_full`]: numbers and strings are read
    /// without checks, strings without a second UTF-8 pass. Reached only
    /// through [`check_full`], `Image::new_full` or the `unsafe`
    /// [`view_trusted`].
    Full,
}

/// Types that can be rebuilt from their in-place form: the way back from a
/// view to an owned value (or a value that borrows from the image, such as
/// `&str`).
pub trait FromLayout<'a>: Layout + Sized {
    /// Rebuilds the checked value whose inline part is at `at`.
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error>;
}

/// Where one field sits in a layout: what [`Layout`] tables print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldLayout {
    /// The field's Rust name.
    pub name: &'static str,
    /// Its offset from the start of the inline part.
    pub offset: usize,
    /// Its inline size.
    pub size: usize,
    /// Its alignment.
    pub align: usize,
    /// Padding bytes after it (before the next field in memory, or the end).
    pub padding_after: usize,
    /// The field's `#[bare(...)]` hints and what the derive made of them,
    /// space-separated (empty if none): `align=N`, `out_of_line` (a 4-byte
    /// pointer in place of the value), `intern` (equal strings share bytes),
    /// `capacity=N` (decoders reserve; the image does not change), `with`
    /// (an adapter's layout), `padding` (explicit filler) and `tail` (a
    /// tail link, followed in a loop).
    pub hints: &'static str,
}

/// Checks the start of an image for the root type `T`: alignment of the
/// buffer's address and room for the root's inline part.
fn check_root<T: Layout>(bytes: &[u8]) -> Result<(), Error> {
    let align = T::ALIGN.max(8);
    if (bytes.as_ptr() as usize) % align != 0 {
        return Err(Error::Misaligned { align });
    }
    if bytes.len() > MAX_IMAGE_SIZE {
        return Err(Error::SizeLimit {
            size: bytes.len() as u64,
            limit: MAX_IMAGE_SIZE as u64,
        });
    }
    check_inline(bytes, 0, T::SIZE, T::ALIGN)
}

/// Writes the layout image of `value`: the root's inline part at position 0,
/// everything it points to after it.
///
/// # Panics
///
/// If the image would exceed [`MAX_IMAGE_SIZE`] (2 GiB - 1).
pub fn to_layout<T: Layout + ?Sized>(value: &T) -> LayoutBuf {
    let mut buf = LayoutBuf::new();
    to_layout_into(value, &mut buf);
    buf
}

/// Writes the layout image of `value` into `buf`, replacing what it held
/// and reusing its allocation: a loop that writes many images allocates
/// only when one is larger than every image before it.
///
/// ```
/// let mut buf = barewire::layout::LayoutBuf::new();
/// for n in 0..3u32 {
///     barewire::layout::to_layout_into(&vec![n; 4], &mut buf);
///     assert_eq!(barewire::view::<Vec<u32>>(&buf)?.get(3), Some(n));
/// }
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn to_layout_into<T: Layout + ?Sized>(value: &T, buf: &mut LayoutBuf) {
    let hint = T::SIZE
        .saturating_add(value.out_of_line_hint())
        .saturating_add(MAX_ALIGN);
    let mut w = Writer::reusing(core::mem::take(buf), hint.min(MAX_IMAGE_SIZE));
    let at = w.alloc(T::SIZE, T::ALIGN);
    value.write(&mut w, at);
    *buf = w.finish();
}

/// Checks the structure of the image `bytes` of a `T` and returns the view of
/// its root (see the module docs for what is checked).
///
/// `bytes` must start at an address aligned to at least 8 (and to
/// `T::ALIGN`): [`LayoutBuf`], memory maps and page-aligned buffers are.
pub fn view<T: Layout>(bytes: &[u8]) -> Result<T::View<'_>, Error> {
    view_with::<T>(bytes, Limits::DEFAULT)
}

/// [`view`] under the given limits.
pub fn view_with<T: Layout>(bytes: &[u8], limits: Limits) -> Result<T::View<'_>, Error> {
    check_root::<T>(bytes)?;
    let mut cx = Check::new(bytes.len(), limits, false).with_root(T::SIZE);
    T::check(bytes, 0, &mut cx)?;
    // SAFETY: the structural check of `bytes` just found a valid `T` at 0,
    // and the view borrows `bytes` immutably, so they do not change while
    // it lives.
    Ok(unsafe { T::view(bytes, 0, Trust::Structure) })
}

/// Checks everything [`view`] checks plus the bounds and UTF-8 of every
/// string, in one pass over the image, and returns a view whose reads do no
/// checks of their own ([`Trust::Full`]). It keeps [`view`]'s accessors, so
/// `as_str()` still returns a `Result`; here it cannot fail.
///
/// Use it to read most of an image, or the same strings more than once;
/// [`view`] costs less when a few fields of a large image are read.
///
/// ```
/// let image = barewire::to_layout(&vec!["alpha".to_string(), "a longer second string".into()]);
/// let names = barewire::layout::check_full::<Vec<String>>(&image)?;
/// let total: usize = names.iter().map(|s| s.as_str().map_or(0, str::len)).sum();
/// assert_eq!(total, 27);
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn check_full<T: Layout>(bytes: &[u8]) -> Result<T::View<'_>, Error> {
    check_full_with::<T>(bytes, Limits::DEFAULT)
}

/// [`check_full`] under the given limits.
pub fn check_full_with<T: Layout>(bytes: &[u8], limits: Limits) -> Result<T::View<'_>, Error> {
    check_root::<T>(bytes)?;
    T::check(
        bytes,
        0,
        &mut Check::new(bytes.len(), limits, true).with_root(T::SIZE),
    )?;
    // SAFETY: the full check of `bytes` just found a valid `T` at 0, and
    // the view borrows `bytes` immutably, so they do not change while it
    // lives.
    Ok(unsafe { T::view(bytes, 0, Trust::Full) })
}

/// The view [`check_full`] returns, without running its check: O(1), and
/// reads as fast as [`check_full`]'s. The counterpart of rkyv's
/// `access_unchecked`, for images this program wrote or checked before.
///
/// ```
/// let image = barewire::to_layout(&String::from("written just above"));
/// // SAFETY: `image` is what `to_layout` wrote for a `String`, unchanged.
/// let s = unsafe { barewire::layout::view_trusted::<String>(&image) };
/// assert_eq!(s.as_str()?, "written just above");
/// # Ok::<(), barewire::Error>(())
/// ```
///
/// # Safety
///
/// [`check_full::<T>`](check_full) would accept `bytes`: for example they
/// are what [`to_layout`] wrote for a `T`, unchanged, or an image that
/// passed [`check_full`] before and was not changed since. Otherwise a
/// string read through the view may be invalid UTF-8, which is undefined
/// behaviour. For bytes from elsewhere, use [`view`] or [`check_full`];
/// to skip the check without this obligation, [`view_unchecked`].
pub unsafe fn view_trusted<T: Layout>(bytes: &[u8]) -> T::View<'_> {
    // SAFETY: the caller promises what `Trust::Full` asks: the full check
    // would find a valid `T` at 0, and the view borrows `bytes` immutably.
    unsafe { T::view(bytes, 0, Trust::Full) }
}

/// The view of the root of an image without the structural check: O(1).
///
/// Not `unsafe`: its reads check what they read ([`Trust::Lazy`]): every
/// read is bounds-checked and every string UTF-8 checked, so no image,
/// however malformed, makes a view read outside `bytes` or produce an
/// invalid value. What the check buys is
/// *meaningful* reads: on an image [`view`] would refuse, a read may return
/// a meaningless value (a string may be `Err`) or panic (an enum value out
/// of range, `as_slice` on misaligned items, an offset out of bounds). Use
/// it for images you wrote or checked before, for example one whose
/// checksum matched (`ImageFile::verify`); use [`view`] for bytes from
/// elsewhere.
///
/// ```
/// let image = barewire::to_layout(&(7u16, "hi".to_string()));
/// let view = barewire::view_unchecked::<(u16, String)>(&image);
/// assert_eq!(view.0, 7);
/// assert_eq!(view.1.as_str()?, "hi");
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn view_unchecked<T: Layout>(bytes: &[u8]) -> T::View<'_> {
    // SAFETY: `Trust::Lazy` asks nothing of the caller.
    unsafe { T::view(bytes, 0, Trust::Lazy) }
}

/// Checks the image like [`check_full`], and that no two of its values, and
/// no value and a string, share bytes, and returns a mutable view, through
/// which scalar fields can be set in place. Tags, lengths, offsets and
/// strings cannot be changed through it, and no scalar shares bytes with
/// any of them, so the image stays valid however its scalars are set.
/// Strings may share bytes with each other (`#[bare(intern)]` writes them
/// so).
///
/// The check is O(image) and allocates two bits per image byte. To update
/// one image many times, check it once with [`ImageMut`](crate::ImageMut)
/// and take its mutable view as often as needed at no cost.
///
/// ```
/// #[derive(barewire::Bare)]
/// struct Counter { hits: u64, name: String }
///
/// let mut image = barewire::to_layout(&Counter { hits: 1, name: "home".into() });
/// let mut view = barewire::layout::view_mut::<Counter>(&mut image)?;
/// view.hits_mut().set(2);
/// assert_eq!(barewire::view::<Counter>(&image)?.hits(), 2);
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn view_mut<T: Layout>(bytes: &mut [u8]) -> Result<T::ViewMut<'_>, Error> {
    check_exclusive::<T>(bytes, Limits::DEFAULT)?;
    Ok(T::view_mut(bytes, 0))
}

/// The mutable view of the root of an image without [`view_mut`]'s check:
/// O(1). For an image this program wrote or checked before, updated in a
/// loop where even [`ImageMut`](crate::ImageMut)'s one check is not wanted.
///
/// Not `unsafe`, for the reason [`view_unchecked`] is not: a mutable view's
/// reads check what they read ([`Trust::Lazy`]) and its writes are
/// bounds-checked stores of scalars, so no image, however malformed, makes
/// it read or write outside `bytes` or produce an invalid value. On an image
/// [`view_mut`] would refuse, a set may land on bytes another value or a
/// string uses, which makes the image wrong (a later check refuses it), and
/// a read may panic, as with [`view_unchecked`].
///
/// ```
/// let mut image = barewire::to_layout(&vec![1u32, 2, 3]);
/// let mut list = barewire::layout::view_mut_unchecked::<Vec<u32>>(&mut image);
/// list.get_mut(2).unwrap().set(30);
/// assert_eq!(barewire::view::<Vec<u32>>(&image)?.get(2), Some(30));
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn view_mut_unchecked<T: Layout>(bytes: &mut [u8]) -> T::ViewMut<'_> {
    T::view_mut(bytes, 0)
}

/// The check of [`view_mut`]: [`check_full`]'s, and that no two values
/// (the root, list items, map entries, pointer targets), and no value and a
/// string, share bytes.
pub(crate) fn check_exclusive<T: Layout>(bytes: &[u8], limits: Limits) -> Result<(), Error> {
    check_root::<T>(bytes)?;
    let mut cx = Check::exclusive(bytes.len(), limits).with_root(T::SIZE);
    cx.claim(0, T::SIZE)?;
    T::check(bytes, 0, &mut cx)
}

/// Checks the image and rebuilds the value: the way back from an image to an
/// owned value. Each string is checked (bounds and UTF-8) as it is copied
/// out, so the structural check before the rebuild leaves strings alone.
/// Bounded by [`Limits::max_size`] bytes of strings and data, however the
/// image's offsets alias.
#[track_caller]
pub fn to_owned<'a, T: FromLayout<'a>>(bytes: &'a [u8]) -> Result<T, Error> {
    crate::site::decoding(|| {
        check_root::<T>(bytes)?;
        let limits = Limits::DEFAULT;
        T::check(
            bytes,
            0,
            &mut Check::new(bytes.len(), limits, false).with_root(T::SIZE),
        )?;
        T::from_layout(bytes, 0, &mut Check::new(bytes.len(), limits, false))
    })
}
