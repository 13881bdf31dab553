//! `#[bare(inline = N)]` on a string field: the string's inline part is `N`
//! bytes instead of 8, so strings of up to `N` bytes live inside their
//! record (read with no pointer to follow, copied with the record), and
//! only longer ones go out of line.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

use super::string::{StrView, utf8_in, write_str};
use super::{Check, FromLayout, Layout, Trust, Writer};
use crate::error::Error;

/// A string written with an `N`-byte inline part (`#[bare(inline = N)]`):
/// the derive's stand-in for the field's `String`, `Box<str>` or `&str` in
/// the layout. `N` is a multiple of 4 from 12 to 256.
///
/// The `N` bytes at alignment 4: a string of at most `N` bytes is stored
/// there, followed by `0xff` bytes up to `N` (UTF-8 never contains `0xff`;
/// the empty string is all `0xff`). A longer string is stored out of line
/// exactly as an 8-byte [`StrView`] repr does it (its first byte a UTF-8
/// continuation byte, which never starts a string, then the length and a
/// relative offset), followed by `N - 8` zero bytes.
///
/// ```
/// #[derive(barewire::Bare, Debug, PartialEq)]
/// struct User {
///     #[bare(inline = 24)]
///     name: String,
///     id: u32,
/// }
///
/// let user = User { name: "Ada Lovelace".into(), id: 7 };
/// let image = barewire::to_layout(&user);
/// assert_eq!(image.len(), 28); // the name is inside the record
/// let view = barewire::view::<User>(&image)?;
/// assert_eq!(view.name().as_str()?, "Ada Lovelace");
/// assert_eq!(barewire::layout::to_owned::<User>(&image)?, user);
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct InlineStr<'s, const N: usize>(&'s str);

impl<'s, const N: usize> InlineStr<'s, N> {
    /// Proof that `N` is a size this layout allows.
    const VALID: () = assert!(
        N > 8 && N <= 256 && N % 4 == 0,
        "`inline = N` takes a multiple of 4 from 12 to 256"
    );

    /// The string `s`, to be written with an `N`-byte inline part.
    #[inline]
    pub fn new(s: &'s str) -> Self {
        let () = Self::VALID;
        InlineStr(s)
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &'s str {
        self.0
    }
}

impl<const N: usize> fmt::Debug for InlineStr<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl<'s, const N: usize> Layout for InlineStr<'s, N> {
    const SIZE: usize = {
        let () = Self::VALID;
        N
    };
    const ALIGN: usize = 4;
    const TRIVIAL_VIEW: bool = true;
    type View<'a> = InlineStrView<'a, N>;
    type ViewMut<'a> = InlineStrView<'a, N>;

    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        let bytes = self.0.as_bytes();
        if bytes.len() <= N {
            let part = &mut w.image_mut()[at..at + N];
            part[..bytes.len()].copy_from_slice(bytes);
            part[bytes.len()..].fill(0xff);
        } else {
            // The 8-byte out-of-line repr; the rest stays zero.
            write_str(w, at, bytes, false);
        }
    }

    #[inline]
    fn out_of_line_hint(&self) -> usize {
        if self.0.len() > N { self.0.len() } else { 0 }
    }

    /// Checked when read, as other strings are; [`check_full`] checks them
    /// up front.
    ///
    /// [`check_full`]: super::check_full
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        if !cx.strings() {
            return Ok(());
        }
        let view = InlineStrView::<N>::new(buf, at);
        let bytes = view.as_bytes()?;
        let start = bytes.as_ptr() as usize - buf.as_ptr() as usize;
        cx.check_utf8(buf, start, bytes.len(), at, view.is_out_of_line())
    }

    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> InlineStrView<'_, N> {
        InlineStrView { buf, at, trust }
    }

    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> InlineStrView<'_, N> {
        InlineStrView::new(buf, at)
    }
}

impl<'a, const N: usize> FromLayout<'a> for InlineStr<'a, N> {
    /// Borrows the string; its UTF-8 check is charged to the work budget,
    /// as for `&str`.
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        let view = InlineStrView::<N>::new(buf, at);
        cx.work(view.len(), at, "checking the UTF-8 of strings")?;
        cx.output(view.len() as u64, at)?;
        view.as_str().map(InlineStr)
    }
}

/// The string types `#[bare(inline = N)]` applies to: `String`,
/// `Box<str>` and `&str`.
#[diagnostic::on_unimplemented(
    message = "`#[bare(inline = N)]` needs a `String`, `Box<str>` or `&str` field, not `{Self}`",
    label = "not a string"
)]
pub trait InlineText<'a>: Sized {
    /// The string to write.
    fn inline_str(&self) -> &str;
    /// The field rebuilt from the string read in place.
    fn from_inline(s: &'a str) -> Self;
}

impl<'a> InlineText<'a> for String {
    #[inline]
    fn inline_str(&self) -> &str {
        self
    }
    #[inline]
    fn from_inline(s: &'a str) -> Self {
        String::from(s)
    }
}

impl<'a> InlineText<'a> for Box<str> {
    #[inline]
    fn inline_str(&self) -> &str {
        self
    }
    #[inline]
    fn from_inline(s: &'a str) -> Self {
        Box::from(s)
    }
}

impl<'a: 'b, 'b> InlineText<'a> for &'b str {
    #[inline]
    fn inline_str(&self) -> &str {
        self
    }
    #[inline]
    fn from_inline(s: &'a str) -> Self {
        s
    }
}

/// The view of a string with an `N`-byte inline part (see [`InlineStr`]):
/// the same accessors as [`StrView`], each checking what it reads.
#[derive(Clone, Copy)]
pub struct InlineStrView<'a, const N: usize> {
    buf: &'a [u8],
    at: usize,
    trust: Trust,
}

impl<'a, const N: usize> InlineStrView<'a, N> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        InlineStrView {
            buf,
            at,
            trust: Trust::Lazy,
        }
    }

    /// The `N` bytes of the inline part (empty if they lie outside the
    /// image, which a checked view rules out).
    #[inline]
    fn part(&self) -> &'a [u8] {
        self.buf
            .get(self.at..self.at.saturating_add(N))
            .unwrap_or(&[])
    }

    /// Whether the string is stored out of line.
    #[inline]
    fn is_out_of_line(&self) -> bool {
        self.part().first().is_some_and(|b| b & 0xc0 == 0x80)
    }

    /// The string's bytes, after checking the inline part's form (`0xff`
    /// after an inline string, zero after an out-of-line repr) and that
    /// they lie inside the image (not checked for UTF-8).
    #[inline]
    pub fn as_bytes(&self) -> Result<&'a [u8], Error> {
        let part = self.part();
        let invalid = |reason| Error::InvalidLayout {
            offset: self.at,
            reason,
        };
        if part.len() != N {
            return Err(invalid("string runs past the end of the image"));
        }
        if self.is_out_of_line() {
            if part[8..].iter().any(|&b| b != 0) {
                return Err(invalid(
                    "bytes after an out-of-line string repr are not zero",
                ));
            }
            let bytes = StrView::new(self.buf, self.at).as_bytes()?;
            if bytes.len() <= N {
                return Err(invalid("a string that fits inline is stored out of line"));
            }
            return Ok(bytes);
        }
        let len = part.iter().position(|&b| b == 0xff).unwrap_or(N);
        if part[len..].iter().any(|&b| b != 0xff) {
            return Err(invalid("inline string padding is not 0xff"));
        }
        Ok(&part[..len])
    }

    /// The string, after checking that its bytes lie inside the image and
    /// are UTF-8.
    #[inline]
    pub fn as_str(&self) -> Result<&'a str, Error> {
        let bytes = self.as_bytes()?;
        match self.trust {
            // SAFETY: `Trust::Full` is only set by `Layout::view`, whose
            // contract says the full check found this string at `at` in this
            // unchanged `buf`; that check validated exactly the bytes
            // `as_bytes` returns (`InlineStr::check` reads them through it).
            Trust::Full => Ok(unsafe { core::str::from_utf8_unchecked(bytes) }),
            Trust::Lazy | Trust::Structure => utf8_in(self.buf, bytes),
        }
    }

    /// The length in bytes (0 if the repr is malformed).
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().map_or(0, <[u8]>::len)
    }

    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<const N: usize> fmt::Debug for InlineStrView<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.as_str(), self.as_bytes()) {
            (Ok(s), _) => fmt::Debug::fmt(s, f),
            (Err(_), Ok(bytes)) => write!(f, "InlineStrView(invalid UTF-8: {bytes:?})"),
            (Err(e), Err(_)) => write!(f, "InlineStrView({e})"),
        }
    }
}
