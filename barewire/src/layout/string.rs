//! `str` in a layout: the 8-byte `StrView` repr (short strings inline), its
//! view, and the `Layout` impls of the string types.

use alloc::boxed::Box;
use alloc::string::String;
use core::cmp::Ordering;
use core::fmt;

use super::map::LayoutKey;
use super::{Check, FromLayout, Layout, Trust, Writer, follow};
use crate::error::Error;

/// Strings of at most this many bytes are stored inline in a [`StrView`].
pub const INLINE_STR: usize = 8;

/// The largest string a [`StrView`] can hold out of line (2^30 - 1 bytes).
pub const MAX_STR_LEN: usize = (1 << 30) - 1;

/// A view of a `str` in an image: 8 bytes, aligned to 4.
///
/// Up to 8 bytes are stored inline (padded with `0xff`, which UTF-8 never
/// contains); longer strings are stored elsewhere and reached by a relative
/// offset. A string from [`view`](super::view) is checked when it is read,
/// not when the image is viewed: [`as_bytes`](Self::as_bytes) checks that its
/// bytes lie inside the image, [`as_str`](Self::as_str) also checks their
/// UTF-8. So viewing a large image and reading a few numbers never pays for
/// its strings. A string from [`check_full`](super::check_full) was checked
/// with the whole image: `as_str` reads it without checks.
///
/// ```
/// let image = barewire::to_layout(&String::from("a string longer than eight bytes"));
/// let s = barewire::view::<String>(&image)?;
/// assert_eq!(s.len(), 32);
/// assert_eq!(s.as_str()?, "a string longer than eight bytes");
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct StrView<'a> {
    buf: &'a [u8],
    at: usize,
    trust: Trust,
}

/// `bytes`, a part of `buf`, as a `str`; an error with its position in the
/// image if they are not UTF-8.
#[inline]
pub(crate) fn utf8_in<'a>(buf: &[u8], bytes: &'a [u8]) -> Result<&'a str, Error> {
    crate::utf8::to_str(bytes).map_err(|valid| Error::InvalidUtf8 {
        offset: bytes.as_ptr() as usize - buf.as_ptr() as usize + valid,
    })
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

impl<'a> StrView<'a> {
    /// A view that checks what it reads.
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        StrView {
            buf,
            at,
            trust: Trust::Lazy,
        }
    }

    /// A view whose reads trust the image as far as `trust` says.
    ///
    /// # Safety
    ///
    /// [`Layout::view`]'s, for a string at `at`.
    #[inline]
    pub(crate) unsafe fn trusting(buf: &'a [u8], at: usize, trust: Trust) -> Self {
        StrView { buf, at, trust }
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

    /// What [`as_bytes`](Self::as_bytes) returns, computed the same way
    /// without its checks: the repr read without a bounds check, the offset
    /// followed without one, the bytes sliced without one.
    ///
    /// # Safety
    ///
    /// `as_bytes` returns `Ok` for this view: the full check found this
    /// string (`check_str` calls `as_bytes`) in this unchanged `buf`.
    #[inline(always)]
    unsafe fn bytes_checked_before(&self) -> &'a [u8] {
        // SAFETY: `as_bytes` read the repr at `at..at + 8` through a
        // bounds-checked slice and returned `Ok`, so it lies inside `buf`.
        let repr = unsafe {
            self.buf
                .as_ptr()
                .add(self.at)
                .cast::<[u8; INLINE_STR]>()
                .read_unaligned()
        };
        let (start, len) = if is_out_of_line(repr[0]) {
            // `follow(buf, at + 4)`'s sum; it was in bounds there.
            let rel = i32::from_le_bytes([repr[4], repr[5], repr[6], repr[7]]);
            let start = (self.at as i64 + 4 + i64::from(rel)) as usize;
            (start, out_of_line_len([repr[0], repr[1], repr[2], repr[3]]))
        } else {
            // `Some` for a repr `as_bytes` accepted.
            (self.at, inline_len(repr).unwrap_or(0))
        };
        // SAFETY: `start..start + len` is the range `as_bytes` sliced with
        // a checked `get` and returned, so it lies inside `buf`.
        let bytes = unsafe { self.buf.get_unchecked(start..start + len) };
        debug_assert_eq!(self.as_bytes().ok(), Some(bytes));
        bytes
    }

    /// The string, after checking that its bytes lie inside the image and
    /// (unless the whole image passed [`check_full`](super::check_full))
    /// are UTF-8.
    #[inline(always)]
    pub fn as_str(&self) -> Result<&'a str, Error> {
        match self.trust {
            Trust::Full => {
                // SAFETY: `Trust::Full` is only given (`trusting`, under
                // `Layout::view`'s contract) to a view of a string the full
                // check found at `at` in this unchanged `buf`; that check
                // (`check_str`) had `as_bytes` return these very bytes, and
                // validated their UTF-8.
                let s = unsafe { core::str::from_utf8_unchecked(self.bytes_checked_before()) };
                Ok(s)
            }
            Trust::Lazy | Trust::Structure => self.as_str_checked(),
        }
    }

    /// [`as_str`](Self::as_str) of a view that checks what it reads: kept
    /// out of line, so that the reads of a fully checked view stay small
    /// enough to inline.
    #[inline(never)]
    fn as_str_checked(&self) -> Result<&'a str, Error> {
        utf8_in(self.buf, self.as_bytes()?)
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

impl fmt::Debug for StrView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_str(), self.as_bytes()) {
            (Ok(s), _) => fmt::Debug::fmt(s, f),
            (Err(_), Ok(bytes)) => write!(f, "StrView(invalid UTF-8: {bytes:?})"),
            (Err(e), Err(_)) => write!(f, "StrView({e})"),
        }
    }
}

impl PartialEq<str> for StrView<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes().is_ok_and(|b| b == other.as_bytes())
    }
}

impl PartialEq<&str> for StrView<'_> {
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
    let intern = intern || w.is_interning();
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
/// bytes inside the image, and with `utf8` their UTF-8 (through the check's
/// work budget, so aliased strings cost no more than the image's size).
#[inline]
pub(crate) fn check_str(buf: &[u8], at: usize, utf8: bool, cx: &mut Check) -> Result<(), Error> {
    let bytes = StrView::new(buf, at).as_bytes()?;
    if utf8 {
        let start = bytes.as_ptr() as usize - buf.as_ptr() as usize;
        // The repr's first byte tells an out-of-line string (see the format).
        let out_of_line = buf.get(at).is_some_and(|b| b & 0xc0 == 0x80);
        cx.check_utf8(buf, start, bytes.len(), at, out_of_line)
    } else {
        Ok(())
    }
}

macro_rules! strings {
    ($($t:ty),*) => {$(
        impl Layout for $t {
            const SIZE: usize = 8;
            const ALIGN: usize = 4;
            const TRIVIAL_VIEW: bool = true;
            type View<'a> = StrView<'a>;
            type ViewMut<'a> = StrView<'a>;
            #[inline]
            fn write(&self, w: &mut Writer, at: usize) {
                write_str(w, at, self.as_bytes(), false);
            }
            #[inline]
            fn out_of_line_hint(&self) -> usize {
                if self.len() > super::INLINE_STR { self.len() } else { 0 }
            }
            /// Strings are checked when read; only [`check_full`](super::check_full)
            /// checks them up front.
            #[inline]
            fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
                if cx.strings() { check_str(buf, at, true, cx) } else { Ok(()) }
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> StrView<'_> {
                // SAFETY: the caller's `Layout::view` contract is `trusting`'s.
                unsafe { StrView::trusting(buf, at, trust) }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> StrView<'_> {
                StrView::new(buf, at)
            }
        }

        impl LayoutKey for $t {
            type Query = str;
            // Keys were checked by `check_key`; an unchecked image compares
            // a key it cannot read as empty rather than panicking.
            #[inline]
            fn cmp_query(buf: &[u8], at: usize, query: &str) -> Ordering {
                key_bytes(buf, at).cmp(query.as_bytes())
            }
            #[inline]
            fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering {
                key_bytes(buf, a).cmp(key_bytes(buf, b))
            }
            #[inline]
            fn cmp_cost(buf: &[u8], a: usize, b: usize) -> usize {
                key_bytes(buf, a).len().min(key_bytes(buf, b).len())
            }
            #[inline]
            fn check_key(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
                check_str(buf, at, cx.strings(), cx)
            }
            #[inline]
            fn cmp_keys(a: &Self, b: &Self) -> Ordering {
                a.as_bytes().cmp(b.as_bytes())
            }
        }
    )*};
}
strings!(String, Box<str>, &str);

/// The bytes of a string key (empty if they do not lie inside the image).
#[inline]
fn key_bytes(buf: &[u8], at: usize) -> &[u8] {
    StrView::new(buf, at).as_bytes().unwrap_or(&[])
}

/// The string at `at`, UTF-8 checked, charged to the output budget.
fn str_from_layout<'a>(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<&'a str, Error> {
    let s = StrView::new(buf, at);
    cx.output(s.len() as u64, at)?;
    s.as_str()
}

impl<'a> FromLayout<'a> for String {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        str_from_layout(buf, at, cx).map(String::from)
    }
}

impl<'a> FromLayout<'a> for Box<str> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        str_from_layout(buf, at, cx).map(Box::from)
    }
}

impl<'a: 'b, 'b> FromLayout<'a> for &'b str {
    /// Borrows the string; its UTF-8 check is charged to the check's work
    /// budget, so an image that references one long string many times
    /// cannot make a rebuild take quadratic time.
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        let s = StrView::new(buf, at);
        cx.work(s.len(), at, "checking the UTF-8 of strings")?;
        s.as_str()
    }
}
