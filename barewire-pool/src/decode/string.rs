//! `ArenaString`: a string whose bytes live in an arena.

use core::borrow::Borrow;
use core::fmt;
use core::ops::Deref;

use crate::arena::Arena;
use crate::decode::ArenaLike;
use crate::error::AllocError;

/// A string whose bytes live in an [`Arena`](crate::Arena) or a
/// [`Region`](crate::Region): what a `String` field becomes in a type
/// decoded with [`from_slice_in`](crate::from_slice_in).
///
/// `#[derive(Bare)]` handles it as it handles `String`: the same wire bytes,
/// the same schema (`str`) and the same layout (read in place as a `StrView`), so a
/// type with `ArenaString` fields and its twin with `String` fields read and
/// write each other's messages and images.
///
/// It is a shared, immutable string (`Copy`, like `&str`): it derefs to
/// `str` and lives as long as the arena borrow `'a`. Its bytes are given
/// back with the arena's reset or the region's end; it has no drop.
///
/// Decoding one needs an arena: [`from_slice_in`](crate::from_slice_in)
/// borrows it from the arena's copy of the message (no copy per string); a
/// reader with an arena context that does not hold the input
/// ([`barewire::Reader::with_context`]) copies it into the arena; a reader
/// without one gives [`barewire::Error::NoArena`].
///
/// ```
/// use barewire_pool::{Arena, ArenaString, from_slice_in};
///
/// let arena = Arena::new();
/// let made = ArenaString::new_in("bare", &arena);
/// let bytes = barewire::to_vec(&made);
/// assert_eq!(bytes, barewire::to_vec(&String::from("bare")));
/// let back: ArenaString<'_> = from_slice_in(&arena, &bytes)?;
/// assert_eq!(back, made);
/// assert!(matches!(
///     barewire::from_slice::<ArenaString<'_>>(&bytes),
///     Err(barewire::Error::NoArena { offset: 0 })
/// ));
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ArenaString<'a>(&'a str);

impl<'a> ArenaString<'a> {
    /// A copy of `s` in `arena` (an arena or a region).
    ///
    /// # Panics
    ///
    /// When a fixed arena has no room, or a growing one cannot grow.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let s = barewire_pool::ArenaString::new_in("in the arena", &arena);
    /// assert_eq!(s.as_str(), "in the arena");
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn new_in<A: ArenaLike + ?Sized>(s: &str, arena: &'a A) -> Self {
        match Self::try_new_in(s, arena) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    /// A copy of `s` in `arena`, or why it does not fit.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::with_capacity_fixed(4);
    /// let err = barewire_pool::ArenaString::try_new_in("too long", &arena).unwrap_err();
    /// assert_eq!((err.requested, err.remaining), (8, 4));
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn try_new_in<A: ArenaLike + ?Sized>(s: &str, arena: &'a A) -> Result<Self, AllocError> {
        copy_str(arena.arena(), s).map(ArenaString)
    }

    /// The string, for as long as the arena borrow.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let s: &str = barewire_pool::ArenaString::new_in("x", &arena).as_str();
    /// assert_eq!(s, "x");
    /// ```
    #[inline]
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// Wraps a string that is already the arena's memory (or the arena's
    /// copy of a message): the decode's borrowing path.
    #[inline]
    pub(crate) fn in_arena(s: &'a str) -> Self {
        ArenaString(s)
    }
}

impl Deref for ArenaString<'_> {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for ArenaString<'_> {
    #[inline]
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl AsRef<[u8]> for ArenaString<'_> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Borrow<str> for ArenaString<'_> {
    #[inline]
    fn borrow(&self) -> &str {
        self.0
    }
}

impl fmt::Debug for ArenaString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for ArenaString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl PartialEq<str> for ArenaString<'_> {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ArenaString<'_> {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for ArenaString<'_> {
    #[inline]
    fn eq(&self, other: &String) -> bool {
        self.0 == other
    }
}

impl PartialEq<ArenaString<'_>> for str {
    #[inline]
    fn eq(&self, other: &ArenaString<'_>) -> bool {
        self == other.0
    }
}

impl PartialEq<ArenaString<'_>> for &str {
    #[inline]
    fn eq(&self, other: &ArenaString<'_>) -> bool {
        *self == other.0
    }
}

/// A copy of `s` in `arena`.
#[inline]
#[cfg_attr(feature = "track", track_caller)]
pub(crate) fn copy_str<'a>(arena: &'a Arena, s: &str) -> Result<&'a str, AllocError> {
    let bytes = arena.try_alloc_slice_copy(s.as_bytes())?;
    // SAFETY: the bytes are an exact copy of a `str`'s, so valid UTF-8.
    Ok(unsafe { core::str::from_utf8_unchecked(bytes) })
}
