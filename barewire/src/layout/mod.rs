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
//! Strings are checked when they are read: a [`BareStr`] checks that its bytes
//! lie in the image (`as_bytes`) and are UTF-8 (`as_str`), so viewing a large
//! image and reading a few numbers never pays for its strings. [`check_full`]
//! checks every string up front as well. The work of a check is bounded by the
//! image size and [`Limits::max_depth`](crate::Limits), even for a hostile
//! image whose offsets overlap or form cycles.

mod buf;
pub(crate) mod facts;
mod impls;
mod map;
mod string;
mod table;
mod views;

use facts::LayoutFacts;
pub use impls::{check_boxed, write_boxed};
pub use table::LayoutTable;

use crate::plain::{IntoLayout, Plain};
use alloc::collections::BTreeMap;

use crate::error::Error;
use crate::limits::{Limits, Nesting};

pub use buf::{LayoutBuf, MAX_ALIGN, MAX_IMAGE_SIZE, Writer};
pub use map::{BareMap, LayoutKey};
pub use string::{BareStr, INLINE_STR, MAX_STR_LEN};
pub use views::{BareArray, BareSpan, BareSpanMut, Scalar, ScalarLayout};

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
    /// view (such as [`BareStr`] or a derived `FooLayout`) otherwise.
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

    /// Checks the value whose inline part is at `at`. The caller has checked
    /// that `at..at + SIZE` is inside `buf` and aligned.
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error>;

    /// The view of the checked value whose inline part is at `at`.
    fn view(buf: &[u8], at: usize) -> Self::View<'_>;

    /// The mutable view of the checked value whose inline part is at `at`.
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_>;
}

/// Types that can be rebuilt from their in-place form: the way back from a
/// view to an owned value (or a value that borrows from the image, such as
/// `&str`).
pub trait FromLayout<'a>: Layout + Sized {
    /// Rebuilds the checked value whose inline part is at `at`.
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error>;
}

/// The state of a check or a rebuild: nesting depth and work budgets that
/// bound the work any image can cause.
#[derive(Debug)]
pub struct Check {
    nesting: Nesting,
    /// Nodes still allowed to be visited.
    budget: u64,
    /// Bytes of strings and data still allowed to be copied out.
    output: u64,
    /// Whether strings are checked up front (bounds and UTF-8) rather than
    /// when read.
    strings: bool,
    /// Bytes of strings still allowed to be validated or compared: twice
    /// the image size, as an image [`to_layout`] writes never needs more
    /// (each string's bytes are validated once and compared with at most
    /// its two neighbours in a map), while one whose strings overlap or are
    /// referenced again and again runs out instead of taking quadratic time.
    work: u64,
    /// Long strings already found to be UTF-8 during this check: start
    /// position to validated length. Interned strings (one copy referenced
    /// from many places) are validated once.
    validated: BTreeMap<usize, usize>,
}

/// Strings up to this long are validated at each reference without a
/// lookup (the lookup would cost about as much); their work is bounded by
/// the node budget.
const SHORT_STR: usize = 64;

impl Check {
    /// A check of an image of `len` bytes under `limits`.
    ///
    /// The node budget is the image length: an image written by
    /// [`to_layout`] never needs more, because each visited
    /// node has inline bytes of its own. One whose offsets alias the same
    /// bytes again and again runs out of budget instead of running for ever.
    /// With `strings`, every string is checked too (its bytes in bounds and
    /// UTF-8), as [`check_full`] does; otherwise strings are left to be
    /// checked when read.
    pub fn new(len: usize, limits: Limits, strings: bool) -> Self {
        Check {
            nesting: Nesting::new(&limits),
            budget: len as u64 + 16,
            output: limits.max_size,
            strings,
            work: (len as u64).saturating_mul(2).saturating_add(64),
            validated: BTreeMap::new(),
        }
    }

    /// Spends `bytes` of the string work budget (string bytes validated or
    /// compared).
    #[inline]
    pub(crate) fn work(
        &mut self,
        bytes: usize,
        at: usize,
        what: &'static str,
    ) -> Result<(), Error> {
        match self.work.checked_sub(bytes as u64) {
            Some(left) => {
                self.work = left;
                Ok(())
            }
            None => Err(Error::WorkLimit { offset: at, what }),
        }
    }

    /// Checks that the `len` bytes at `start` in `buf`, a string that the
    /// repr at `at` points to (already found inside `buf`), are UTF-8: once
    /// per string start, charged to the work budget.
    pub(crate) fn check_utf8(
        &mut self,
        buf: &[u8],
        start: usize,
        len: usize,
        at: usize,
    ) -> Result<(), Error> {
        let invalid = |valid: usize| Error::InvalidUtf8 {
            offset: start + valid,
        };
        let Some(bytes) = buf.get(start..start.saturating_add(len)) else {
            return Err(Error::InvalidLayout {
                offset: at,
                reason: "string runs past the end of the image",
            });
        };
        if len <= SHORT_STR {
            return crate::utf8::to_str(bytes).map(|_| ()).map_err(invalid);
        }
        let done = self.validated.get(&start).copied().unwrap_or(0);
        if len <= done {
            // A prefix of a validated string is UTF-8 when it ends on a
            // character boundary: at the end, or before a byte that is not
            // a continuation byte (`start + done <= buf.len()`, so the byte
            // at `start + len < start + done` exists).
            return match buf.get(start + len) {
                Some(&next) if len < done && next & 0xc0 == 0x80 => Err(invalid(len)),
                _ => Ok(()),
            };
        }
        // Validate what lies beyond the validated prefix (which ends on a
        // character boundary, so the rest validates on its own).
        self.work(len - done, at, "checking the UTF-8 of strings")?;
        crate::utf8::to_str(&bytes[done..]).map_err(|valid| invalid(done + valid))?;
        self.validated.insert(start, len);
        Ok(())
    }

    /// Whether this check includes every string (bounds and UTF-8).
    #[inline]
    pub fn strings(&self) -> bool {
        self.strings
    }

    /// Spends `nodes` of the node budget.
    #[inline]
    pub fn visit(&mut self, nodes: u64, at: usize) -> Result<(), Error> {
        match self.budget.checked_sub(nodes) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(Error::InvalidLayout {
                offset: at,
                reason: "offsets revisit the same data more than the image size allows (aliased or cyclic image)",
            }),
        }
    }

    /// Spends `bytes` of the output budget of a rebuild.
    #[inline]
    pub fn output(&mut self, bytes: u64, at: usize) -> Result<(), Error> {
        match self.output.checked_sub(bytes) {
            Some(left) => {
                self.output = left;
                Ok(())
            }
            None => Err(Error::InvalidLayout {
                offset: at,
                reason: "rebuilding the value would exceed the output size limit",
            }),
        }
    }

    /// Enters one level of pointers or lists: fails past
    /// [`Limits::max_depth`] levels, or past [`Limits::max_stack`] bytes of
    /// stack since the outermost level.
    #[inline]
    pub fn enter(&mut self, at: usize) -> Result<(), Error> {
        self.nesting.enter(at)
    }

    /// Leaves a level entered with [`enter`](Self::enter).
    #[inline]
    pub fn leave(&mut self) {
        self.nesting.leave();
    }
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
}

/// The layout of a derived struct: what `Foo::LAYOUT` (generated by the
/// derive) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructLayout<const N: usize> {
    /// Field offsets, in declaration order.
    pub offsets: [usize; N],
    /// The order fields sit in memory: indices into the declaration order.
    pub order: [usize; N],
    /// The inline size, padded to the alignment.
    pub size: usize,
    /// The alignment.
    pub align: usize,
}

impl<const N: usize> StructLayout<N> {
    /// Computes where fields of the given `(size, align)` go.
    ///
    /// With `declared`, fields keep declaration order (each at the next
    /// multiple of its alignment); otherwise they are ordered by descending
    /// alignment (stable), which leaves no padding between fields because
    /// each size is a multiple of its alignment. `min_align` raises the
    /// struct's alignment (`#[bare(align = N)]`).
    pub const fn compute(fields: [(usize, usize); N], declared: bool, min_align: usize) -> Self {
        let mut order = [0usize; N];
        let mut i = 0;
        while i < N {
            order[i] = i;
            i += 1;
        }
        if !declared {
            // Insertion sort by descending alignment; stable.
            let mut i = 1;
            while i < N {
                let mut j = i;
                while j > 0 && fields[order[j - 1]].1 < fields[order[j]].1 {
                    let t = order[j - 1];
                    order[j - 1] = order[j];
                    order[j] = t;
                    j -= 1;
                }
                i += 1;
            }
        }
        let mut offsets = [0usize; N];
        let mut offset: usize = 0;
        let mut align = if min_align > 1 { min_align } else { 1 };
        let mut k = 0;
        while k < N {
            let (size, field_align) = fields[order[k]];
            offset = offset.next_multiple_of(field_align);
            offsets[order[k]] = offset;
            offset += size;
            if field_align > align {
                align = field_align;
            }
            k += 1;
        }
        StructLayout {
            offsets,
            order,
            size: offset.next_multiple_of(align),
            align,
        }
    }

    /// The field table: names in declaration order with their offsets,
    /// sizes, alignments and the padding after each.
    pub const fn fields(
        &self,
        names: [&'static str; N],
        sizes: [(usize, usize); N],
    ) -> [FieldLayout; N] {
        let mut out = [FieldLayout {
            name: "",
            offset: 0,
            size: 0,
            align: 0,
            padding_after: 0,
        }; N];
        let mut k = 0;
        while k < N {
            let i = self.order[k];
            let end = self.offsets[i] + sizes[i].0;
            let next = if k + 1 < N {
                self.offsets[self.order[k + 1]]
            } else {
                self.size
            };
            out[i] = FieldLayout {
                name: names[i],
                offset: self.offsets[i],
                size: sizes[i].0,
                align: sizes[i].1,
                padding_after: next - end,
            };
            k += 1;
        }
        out
    }
}

/// The width in bytes of an enum value or union tag whose largest value is
/// `max`: 1, 2, 4 or 8.
pub const fn tag_width(max: u64) -> usize {
    if max <= u8::MAX as u64 {
        1
    } else if max <= u16::MAX as u64 {
        2
    } else if max <= u32::MAX as u64 {
        4
    } else {
        8
    }
}

/// Reads an unsigned little-endian integer of `width` bytes (1, 2, 4 or 8)
/// at `at`.
#[inline]
pub fn read_tag(buf: &[u8], at: usize, width: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes[..width].copy_from_slice(&buf[at..at + width]);
    u64::from_le_bytes(bytes)
}

/// Writes `value` as an unsigned little-endian integer of `width` bytes.
#[inline]
pub fn write_tag(w: &mut Writer, at: usize, width: usize, value: u64) {
    w.put(at, &value.to_le_bytes()[..width]);
}

/// Checks that `at..at + size` lies inside `buf` and that the value's
/// address in memory is a multiple of `align`.
///
/// The address, not only the position in the image: a buffer aligned for
/// the root type may be less aligned than a type it reaches (a list of
/// `#[bare(align = 16)]` items in an 8-aligned buffer), and views hand out
/// `&[T]` of such items.
#[inline]
pub fn check_inline(buf: &[u8], at: usize, size: usize, align: usize) -> Result<(), Error> {
    if (buf.as_ptr() as usize).wrapping_add(at) % align != 0 {
        return Err(Error::InvalidLayout {
            offset: at,
            reason: "misaligned value",
        });
    }
    match at.checked_add(size) {
        Some(end) if end <= buf.len() => Ok(()),
        _ => Err(Error::InvalidLayout {
            offset: at,
            reason: "value runs past the end of the image",
        }),
    }
}

/// Follows the 32-bit relative offset stored at `field`: the position it
/// points to, if inside `0..=buf.len()`.
#[inline]
pub fn follow(buf: &[u8], field: usize) -> Result<usize, Error> {
    let rel = i32::from_le_bytes(read4(buf, field));
    let target = field as i64 + i64::from(rel);
    if target < 0 || target > buf.len() as i64 {
        return Err(Error::InvalidLayout {
            offset: field,
            reason: "offset points outside the image",
        });
    }
    Ok(target as usize)
}

/// Follows a relative offset without checks, for views of checked images.
#[inline]
pub fn follow_unchecked(buf: &[u8], field: usize) -> usize {
    let rel = i32::from_le_bytes(read4(buf, field));
    (field as i64 + i64::from(rel)) as usize
}

#[inline]
pub(crate) fn read4(buf: &[u8], at: usize) -> [u8; 4] {
    let mut out = [0u8; 4];
    out.copy_from_slice(&buf[at..at + 4]);
    out
}

/// Rebuilds the `T` a checked relative pointer at `at` points to (the way
/// back for `Box<T>` and `#[bare(out_of_line)]` fields).
pub fn from_boxed<'a, T: FromLayout<'a>>(
    buf: &'a [u8],
    at: usize,
    cx: &mut Check,
) -> Result<T, Error> {
    cx.enter(at)?;
    cx.visit(1, at)?;
    let value = T::from_layout(buf, follow_unchecked(buf, at), cx)?;
    cx.leave();
    Ok(value)
}

/// Writes a string at `at`, sharing the bytes of an identical string written
/// before with this function (`#[bare(intern)]`).
pub(crate) fn write_interned_str(w: &mut Writer, at: usize, s: &[u8]) {
    string::write_str(w, at, s, true);
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
    let hint = T::SIZE
        .saturating_add(value.out_of_line_hint())
        .saturating_add(MAX_ALIGN);
    let mut w = Writer::with_capacity(hint.min(MAX_IMAGE_SIZE));
    let at = w.alloc(T::SIZE, T::ALIGN);
    value.write(&mut w, at);
    w.finish()
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
    T::check(bytes, 0, &mut Check::new(bytes.len(), limits, false))?;
    Ok(T::view(bytes, 0))
}

/// Checks everything [`view`] checks plus the UTF-8 of every string.
pub fn check_full<T: Layout>(bytes: &[u8]) -> Result<T::View<'_>, Error> {
    check_root::<T>(bytes)?;
    T::check(
        bytes,
        0,
        &mut Check::new(bytes.len(), Limits::DEFAULT, true),
    )?;
    Ok(T::view(bytes, 0))
}

/// The view of the root of an image without checking it.
///
/// # Safety
///
/// `bytes` must be an image of a `T` that [`view`] would accept (for example
/// one written by [`to_layout`] for a `T` and not changed since). The views
/// never read outside `bytes` even then, but they may panic or return
/// meaningless values on an image that would fail the check.
pub unsafe fn view_unchecked<T: Layout>(bytes: &[u8]) -> T::View<'_> {
    T::view(bytes, 0)
}

/// Checks the image like [`view`] and returns a mutable view, through which
/// scalar fields can be set in place. Tags, lengths and offsets cannot be
/// changed through it, so an image written by [`to_layout`] stays valid.
///
/// The check does not reject images whose parts overlap (a hostile image
/// may place one value's scalar on the bytes of another's offset or tag), so
/// setting a scalar in such an image can make it invalid: reads stay in
/// bounds, but may panic or return meaningless values, and the next check
/// fails. Edit only images you wrote, or check again before trusting it.
pub fn view_mut<T: Layout>(bytes: &mut [u8]) -> Result<T::ViewMut<'_>, Error> {
    check_root::<T>(bytes)?;
    T::check(
        bytes,
        0,
        &mut Check::new(bytes.len(), Limits::DEFAULT, false),
    )?;
    Ok(T::view_mut(bytes, 0))
}

/// Checks the image and rebuilds the value: the way back from an image to an
/// owned value. Each string is checked (bounds and UTF-8) as it is copied
/// out, so the structural check before the rebuild leaves strings alone.
/// Bounded by [`Limits::max_size`] bytes of strings and data, however the
/// image's offsets alias.
pub fn to_owned<'a, T: FromLayout<'a>>(bytes: &'a [u8]) -> Result<T, Error> {
    check_root::<T>(bytes)?;
    let limits = Limits::DEFAULT;
    T::check(bytes, 0, &mut Check::new(bytes.len(), limits, false))?;
    T::from_layout(bytes, 0, &mut Check::new(bytes.len(), limits, false))
}
