//! The error returned when a fixed-capacity arena cannot satisfy a request.

use core::fmt;

/// An [`Arena`](crate::Arena) (or a region of one) could not satisfy an
/// allocation: a fixed arena ran out, or a growing one could not grow (the
/// request, with its alignment, is over `isize::MAX` bytes, or the system had
/// no memory for a new chunk).
///
/// Says how much was asked, how much was left and how large the arena is, so
/// the message alone tells the caller what capacity to set.
///
/// ```
/// use barewire_pool::Arena;
///
/// let arena = Arena::with_capacity_fixed(16);
/// let err = arena.try_alloc([0u64; 4]).unwrap_err();
/// assert_eq!(err.requested, 32);
/// assert_eq!(err.remaining, 16);
/// assert_eq!(err.capacity, 16);
/// assert_eq!(
///     err.to_string(),
///     "arena exhausted: requested 32 bytes (align 8), 16 bytes remaining of a 16-byte fixed capacity"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError {
    /// Bytes asked for.
    pub requested: usize,
    /// Alignment asked for.
    pub align: usize,
    /// Bytes still free in the arena's current chunk when the request failed
    /// (before alignment padding).
    pub remaining: usize,
    /// The arena's capacity in bytes: the fixed capacity, or for a growing
    /// arena the bytes reserved so far.
    pub capacity: usize,
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arena exhausted: requested {} bytes (align {}), {} bytes remaining of a {}-byte fixed capacity",
            self.requested, self.align, self.remaining, self.capacity
        )
    }
}

impl std::error::Error for AllocError {}
