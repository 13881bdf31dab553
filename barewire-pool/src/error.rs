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

/// A [`Pool`](crate::Pool) could not be made with the capacity asked for,
/// or could not grow ([`Pool::try_with_capacity`](crate::Pool::try_with_capacity);
/// the panicking forms panic with this message).
///
/// ```
/// use barewire_pool::{CapacityError, Pool};
///
/// let err = Pool::<u8>::try_with_capacity(usize::MAX).unwrap_err();
/// assert_eq!(
///     err,
///     CapacityError::TooManyValues { requested: usize::MAX, max: Pool::<u8>::MAX_CAPACITY }
/// );
/// assert_eq!(
///     err.to_string(),
///     format!("a pool holds at most {} values (its slot keys are u32); {} were asked for",
///         Pool::<u8>::MAX_CAPACITY, usize::MAX)
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CapacityError {
    /// More values than a pool's `u32` slot keys can name
    /// ([`Pool::MAX_CAPACITY`](crate::Pool::MAX_CAPACITY)).
    TooManyValues {
        /// Values asked for.
        requested: usize,
        /// The most a pool holds.
        max: usize,
    },
    /// The slots would take more than `isize::MAX` bytes.
    TooManyBytes {
        /// Slots needed.
        slots: usize,
        /// Bytes of one slot (the value and its bookkeeping).
        slot_size: usize,
    },
    /// The system had no memory for a chunk of slots.
    OutOfMemory {
        /// Slots in the chunk.
        slots: usize,
        /// Bytes of the chunk.
        bytes: usize,
    },
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CapacityError::TooManyValues { requested, max } => write!(
                f,
                "a pool holds at most {max} values (its slot keys are u32); {requested} were asked for"
            ),
            CapacityError::TooManyBytes { slots, slot_size } => write!(
                f,
                "pool cannot grow: {slots} slots of {slot_size} bytes are more than isize::MAX bytes"
            ),
            CapacityError::OutOfMemory { slots, bytes } => write!(
                f,
                "pool cannot grow: no memory for {slots} slots ({bytes} bytes)"
            ),
        }
    }
}

impl std::error::Error for CapacityError {}
