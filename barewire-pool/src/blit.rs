//! `Blit`: plain data that copies freely.

/// Plain data: copying its bytes is a complete, independent copy (Carp's
/// `blit`), so linear ownership does not apply to it.
///
/// Implemented for the primitive numbers, `bool`, `char`, `()` and arrays of
/// `Blit` types. Its byte view ([`Blit::as_bytes`]) is what a zero-copy image
/// or another process receives.
///
/// # Safety
///
/// An implementer guarantees that the type
///
/// 1. is `Copy` and `'static` (no drop, no borrowed data: the trait bounds);
/// 2. has no padding bytes, so every byte of a value is initialized and may be
///    read as `u8`;
/// 3. holds no pointers, references or interior mutability, so its bytes mean
///    the same thing after they are copied anywhere (another address, file or
///    process).
///
/// `as_bytes` relies on 2.
///
/// ```
/// use barewire_pool::Blit;
///
/// assert_eq!(0x0102u16.to_le().as_bytes(), 0x0102u16.to_le_bytes());
/// assert_eq!([1u8, 2, 3].as_bytes(), [1, 2, 3]);
/// ```
pub unsafe trait Blit: Copy + 'static {
    /// The value's bytes, in memory order.
    ///
    /// ```
    /// use barewire_pool::Blit;
    /// assert_eq!(true.as_bytes(), [1]);
    /// ```
    fn as_bytes(&self) -> &[u8] {
        // SAFETY: 1. `self` is valid for `size_of::<Self>()` reads; 2. every
        // one of those bytes is initialized (no padding: the trait's
        // obligation 2); 3. `u8` has alignment 1; 4. the slice borrows `self`,
        // which has no interior mutability (obligation 3), so the bytes do not
        // change while it lives.
        unsafe {
            core::slice::from_raw_parts(
                (self as *const Self).cast::<u8>(),
                core::mem::size_of::<Self>(),
            )
        }
    }
}

macro_rules! blit {
    ($($t:ty),*) => {$(
        // SAFETY: a primitive: `Copy + 'static`, no padding, no pointers or
        // interior mutability.
        unsafe impl Blit for $t {}
    )*};
}

blit!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    bool,
    char,
    ()
);

// SAFETY: an array has no padding between elements (its size is `N` times the
// element's, which includes the element's own trailing padding, of which a
// `Blit` element has none), and inherits 1 and 3 from `T`.
unsafe impl<T: Blit, const N: usize> Blit for [T; N] {}
