//! `Blit`: plain data that copies freely.

/// Plain data that copies freely (Carp's `blit`): linear ownership does not
/// apply to it, as a copy of its bytes is a complete, independent value.
///
/// A marker with no unsafe obligation: `Blit` says nothing about memory
/// layout, so it is safe to implement for any `Copy + 'static` type. The
/// claims that let barewire treat a type's memory as bytes are
/// `barewire::plain::Plain` (see `SAFETY.md`): one notion of plain data,
/// not two.
///
/// Implemented for the primitive numbers, `bool`, `char`, `()` and arrays of
/// `Blit` types.
///
/// ```
/// use barewire_pool::Blit;
///
/// fn copy_twice<T: Blit>(value: T) -> (T, T) {
///     (value, value)
/// }
/// assert_eq!(copy_twice([1u8, 2]), ([1, 2], [1, 2]));
/// ```
pub trait Blit: Copy + 'static {}

macro_rules! blit {
    ($($t:ty),*) => {$(
        impl Blit for $t {}
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

impl<T: Blit, const N: usize> Blit for [T; N] {}
