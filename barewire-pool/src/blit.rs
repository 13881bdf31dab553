//! `Blit`: plain data that copies freely.

/// Plain data that copies freely (Carp's `blit`): linear ownership does not
/// apply to it, as a copy of its bytes is a complete, independent value.
///
/// `Blit` is barewire's plain layout capability made nameable, not a second
/// notion of plain data: a `Blit` type is `Copy`, `'static`, has a barewire
/// [`Layout`](barewire::Layout), and its layout is plain
/// ([`Layout::PLAIN`](barewire::Layout::PLAIN): its memory is its inline
/// layout bytes, with no padding and nothing out of line). The trait is safe
/// to implement: it claims nothing about memory itself, the unsafe claim is
/// `Layout::PLAIN`, made by `#[derive(Bare)]` after its proof. Every use of a
/// `Blit` bound in this crate checks `Layout::PLAIN` at compile time
/// ([`Blit::ASSERT_PLAIN`]), so a type whose layout is not plain fails to
/// build where it is used as `Blit`.
///
/// What it buys in the pools:
///
/// * copies in and out without ownership: [`Arena::alloc_slice_copy`],
///   [`Arena::alloc_slice_fill_copy`] (whole slices in one copy),
///   [`Pool::get_copy`], [`Owned::get`];
/// * no drop bookkeeping: a `Blit` value has no drop (it is `Copy`), so
///   dropping its `Owned` never touches the allocator's drop queue (an arena
///   does nothing, a pool frees the slot at once);
/// * its memory is its layout image, so a slice of it is already the bytes
///   an image list of it holds.
///
/// Implemented for `u8`..`u64`, `i8`..`i64`, `f32`, `f64`, `bool` and arrays
/// of `Blit` types: the primitives with a barewire layout. Not for `usize`
/// and `isize`, whose size (and so the meaning of their bytes) changes from
/// one machine to another, nor for `u128`, `i128`, `char` or `()`, which have
/// no barewire layout.
///
/// ```
/// use barewire_pool::Blit;
///
/// fn copy_twice<T: Blit>(value: T) -> (T, T) {
///     (value, value)
/// }
/// assert_eq!(copy_twice([1u8, 2]), ([1, 2], [1, 2]));
/// ```
///
/// A user type derives its plain layout and says it is `Blit`:
///
/// ```
/// #[derive(Clone, Copy, barewire::Bare)]
/// struct Point {
///     x: i32,
///     y: i32,
/// }
/// impl barewire_pool::Blit for Point {}
///
/// let arena = barewire_pool::Arena::new();
/// let points = arena.alloc_slice_fill_copy(3, Point { x: 1, y: 2 });
/// assert_eq!(points[2].y, 2);
/// ```
///
/// A type whose layout is not plain (here, padding after `a`) fails to
/// build where it is used as `Blit` (the check is evaluated when the code is
/// generated, so `cargo check` alone does not see it):
///
/// ```compile_fail,E0080
/// #[derive(Clone, Copy, barewire::Bare)]
/// struct Padded {
///     a: u8,
///     b: u32,
/// }
/// impl barewire_pool::Blit for Padded {}
///
/// let arena = barewire_pool::Arena::new();
/// arena.alloc_slice_fill_copy(2, Padded { a: 1, b: 2 });
/// ```
///
/// [`Arena::alloc_slice_copy`]: crate::Arena::alloc_slice_copy
/// [`Arena::alloc_slice_fill_copy`]: crate::Arena::alloc_slice_fill_copy
/// [`Pool::get_copy`]: crate::Pool::get_copy
/// [`Owned::get`]: crate::Owned::get
///
/// `usize` is not `Blit` (`tests/ui/blit_usize.rs`):
///
/// ```compile_fail,E0277
/// let arena = barewire_pool::Arena::new();
/// arena.alloc_slice_copy(&[1usize, 2]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `Blit` (plain data that copies freely)",
    note = "`Blit` types are `Copy` with a plain barewire layout: the numbers up to 64 bits, `bool`, arrays of them, and structs of such fields that derive `barewire::Bare` and `impl Blit`",
    note = "`usize` and `isize` are not `Blit`, their size differs between machines: use `u32` or `u64`"
)]
pub trait Blit: Copy + 'static + barewire::Layout {
    /// Evaluates (at compile time, where a `Blit` bound is used) to `()` if
    /// `Self`'s layout is plain, and fails the build otherwise: the link
    /// that makes `Blit` imply `Layout::PLAIN`.
    const ASSERT_PLAIN: () = assert!(
        <Self as barewire::Layout>::PLAIN.is_plain(),
        "a Blit type must have a plain barewire layout (Layout::PLAIN)"
    );
}

macro_rules! blit {
    ($($t:ty),*) => {$(
        impl Blit for $t {}
        const _: () = <$t as Blit>::ASSERT_PLAIN;
    )*};
}

blit!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, bool);

impl<T: Blit, const N: usize> Blit for [T; N] {}

#[cfg(test)]
mod tests {
    use crate::blit::Blit;

    /// Every built-in `Blit` type has a plain layout, and those whose every
    /// bit pattern is a value (all but `bool`) also read in place.
    #[test]
    fn blit_primitives_have_plain_layouts() {
        fn plain<T: Blit>() -> (bool, bool) {
            (T::PLAIN.is_plain(), T::IN_PLACE.is_plain())
        }
        for (name, (layout, in_place)) in [
            ("u8", plain::<u8>()),
            ("u16", plain::<u16>()),
            ("u32", plain::<u32>()),
            ("u64", plain::<u64>()),
            ("i8", plain::<i8>()),
            ("i16", plain::<i16>()),
            ("i32", plain::<i32>()),
            ("i64", plain::<i64>()),
            ("f32", plain::<f32>()),
            ("f64", plain::<f64>()),
            ("[u32; 4]", plain::<[u32; 4]>()),
        ] {
            assert!(layout && in_place, "{name}");
        }
        assert_eq!(plain::<bool>(), (true, false), "not every byte is a bool");
    }
}
