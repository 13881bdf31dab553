//! Bulk copies between typed slices and wire bytes.
//!
//! This is the only module of the wire codec with unsafe code. A type whose
//! [`Plain`] token says "plain" has memory that is exactly its BARE wire
//! bytes, so a list of it is encoded and decoded as one copy instead of a
//! loop. The token can only be made "plain" through an `unsafe` constructor,
//! so safe code can never claim it wrongly.

use alloc::vec::Vec;
use core::mem::{MaybeUninit, size_of};

use super::{Decode, Encode};

/// Proof that a type's memory is exactly its BARE wire bytes.
///
/// Used as the hidden `PLAIN` constant of [`Encode`] and [`Decode`]. The
/// default, [`Plain::NO`], is always correct; only an `unsafe` constructor can
/// say yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plain(bool);

impl Plain {
    /// Not plain: items are encoded and decoded one by one.
    pub const NO: Plain = Plain(false);

    /// Plain on little-endian targets: for the fixed-width numbers, whose
    /// memory is their little-endian wire bytes there.
    // SAFETY: (for the constant, not a block) the fixed-width integer and
    // float types have no padding, every bit pattern is a valid value, and on
    // a little-endian target their memory is their little-endian encoding.
    pub(crate) const LITTLE_ENDIAN: Plain = Plain(cfg!(target_endian = "little"));

    /// Says a type is plain when `plain` is true.
    ///
    /// # Safety
    ///
    /// `plain` may be true only when, for the type `T` whose constant this
    /// is, on the target being compiled for:
    /// 1. `T` has no padding bytes and no interior mutability;
    /// 2. the `size_of::<T>()` bytes of every value of `T` are exactly that
    ///    value's BARE encoding;
    /// 3. when used as [`Decode::PLAIN`]: every sequence of `size_of::<T>()`
    ///    bytes is a valid `T` and is the value those wire bytes encode;
    /// 4. when used as `Layout::PLAIN` (in [`crate::layout`]), "wire bytes"
    ///    above reads "in-place layout bytes": `size_of::<T>()` is
    ///    `Layout::SIZE` and the memory of every value is its inline part.
    #[inline]
    pub const unsafe fn new_unchecked(plain: bool) -> Plain {
        Plain(plain)
    }

    /// Whether the type is plain.
    #[inline]
    pub const fn is_plain(self) -> bool {
        self.0
    }
}

/// The memory of `items` as bytes, which for a plain type are their wire bytes.
///
/// Panics if `T` is not plain (a bug in the caller, never reached from input).
#[inline]
pub(crate) fn as_bytes<T: Encode>(items: &[T]) -> &[u8] {
    assert!(T::PLAIN.is_plain(), "as_bytes on a type that is not plain");
    // SAFETY:
    // 1. bounds: the pointer and `size_of_val(items)` describe exactly the
    //    memory of `items`, which lives as long as the returned borrow;
    // 2. alignment: `u8` has alignment 1;
    // 3. validity: `T::PLAIN` promises no padding (safety contract of
    //    `Plain::new_unchecked`), so every byte is initialized;
    // 4. aliasing: shared borrow of shared data; `T` has no interior
    //    mutability (same contract).
    unsafe { core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), size_of_val(items)) }
}

/// The memory of `items` as bytes, which for a type whose layout is plain
/// (`Layout::PLAIN`) are their in-place layout bytes.
///
/// Panics if `T`'s layout is not plain (a bug in the caller).
#[inline]
pub(crate) fn layout_as_bytes<T: crate::layout::Layout>(items: &[T]) -> &[u8] {
    assert!(
        T::PLAIN.is_plain(),
        "layout_as_bytes on a type that is not plain"
    );
    // SAFETY: as in `as_bytes`: (1) the pointer and length describe exactly
    // the memory of `items`; (2) `u8` has alignment 1; (3) `Layout::PLAIN`
    // carries the same contract as `Encode::PLAIN` (no padding, no interior
    // mutability; see `Plain::new_unchecked`), so every byte is initialized;
    // (4) a shared borrow of shared data.
    unsafe { core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), size_of_val(items)) }
}

/// Appends `count` items of a plain type, read from their wire bytes.
///
/// `bytes` must hold exactly `count * size_of::<T>()` bytes; otherwise
/// nothing is appended and `Err(())` is returned.
#[inline]
pub(crate) fn extend_from_bytes<'de, T: Decode<'de>>(
    out: &mut Vec<T>,
    bytes: &[u8],
    count: usize,
) -> Result<(), ()> {
    assert!(
        T::PLAIN.is_plain(),
        "extend_from_bytes on a type that is not plain"
    );
    if count.checked_mul(size_of::<T>()) != Some(bytes.len()) {
        return Err(());
    }
    out.reserve(count);
    let len = out.len();
    // SAFETY:
    // 1. bounds: `reserve(count)` made room for `count` more items after
    //    `len`, that is `count * size_of::<T>() == bytes.len()` bytes, and
    //    `bytes` holds that many;
    // 2. alignment: the copy is bytewise, and the destination is the
    //    vector's own (aligned) buffer;
    // 3. validity: `T::PLAIN` promises every byte sequence of the right size
    //    is a valid `T` (contract of `Plain::new_unchecked`), so the `count`
    //    new items are initialized before `set_len` exposes them;
    // 4. aliasing: `bytes` is a shared borrow that cannot overlap the
    //    vector's buffer, which `out: &mut Vec<T>` borrows exclusively.
    unsafe {
        let dst = out.as_mut_ptr().add(len).cast::<u8>();
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
        out.set_len(len + count);
    }
    Ok(())
}

/// Builds `[T; N]` from a fallible function of the index, dropping the items
/// already made if one fails.
pub(crate) fn try_array_from_fn<T, E, const N: usize>(
    mut f: impl FnMut(usize) -> Result<T, E>,
) -> Result<[T; N], E> {
    /// Drops the initialized prefix if the array is abandoned.
    struct Guard<'a, T, const N: usize> {
        array: &'a mut [MaybeUninit<T>; N],
        initialized: usize,
    }
    impl<T, const N: usize> Drop for Guard<'_, T, N> {
        fn drop(&mut self) {
            for slot in &mut self.array[..self.initialized] {
                // SAFETY: 1. the first `initialized` slots were written and
                // not yet moved out; 2. each is dropped once, here, and the
                // guard is only dropped when the array is abandoned.
                unsafe { slot.assume_init_drop() };
            }
        }
    }

    let mut array: [MaybeUninit<T>; N] = [const { MaybeUninit::uninit() }; N];
    let mut guard = Guard {
        array: &mut array,
        initialized: 0,
    };
    while guard.initialized < N {
        let item = f(guard.initialized)?;
        guard.array[guard.initialized].write(item);
        guard.initialized += 1;
    }
    core::mem::forget(guard);
    // SAFETY: 1. all `N` slots were written by the loop above (it only exits
    // normally when `initialized == N`); 2. `[MaybeUninit<T>; N]` and
    // `[T; N]` have the same size and layout; 3. the guard was forgotten, so
    // nothing else drops these items.
    Ok(unsafe { core::mem::transmute_copy::<[MaybeUninit<T>; N], [T; N]>(&array) })
}

/// Reads a `[T; N]` of a plain type from exactly `N * size_of::<T>()` bytes.
#[inline]
pub(crate) fn array_from_bytes<'de, T: Decode<'de>, const N: usize>(bytes: &[u8]) -> [T; N] {
    assert!(
        T::PLAIN.is_plain(),
        "array_from_bytes on a type that is not plain"
    );
    assert_eq!(bytes.len(), N * size_of::<T>(), "array_from_bytes length");
    let mut array = MaybeUninit::<[T; N]>::uninit();
    // SAFETY:
    // 1. bounds: the destination is `size_of::<[T; N]>() == N *
    //    size_of::<T>()` bytes, and the assertion above checked `bytes` has
    //    exactly that many;
    // 2. alignment: bytewise copy into a properly aligned `MaybeUninit`;
    // 3. validity: `T::PLAIN` promises any bytes of the right size are a
    //    valid `T`, so the array is initialized after the copy;
    // 4. aliasing: `array` is a fresh local, `bytes` a shared borrow.
    unsafe {
        core::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            array.as_mut_ptr().cast::<u8>(),
            bytes.len(),
        );
        array.assume_init()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_round_trip_of_floats() {
        let items = [1.5f32, -0.0, f32::from_bits(0x7fc0_0001)];
        let bytes = as_bytes(&items);
        assert_eq!(&bytes[..4], &1.5f32.to_le_bytes());
        let mut out: Vec<f32> = Vec::new();
        extend_from_bytes(&mut out, bytes, 3).unwrap();
        assert_eq!(out[0], 1.5);
        assert_eq!(out[2].to_bits(), 0x7fc0_0001);
        assert!(extend_from_bytes(&mut out, bytes, 2).is_err());
        assert_eq!(out.len(), 3);
        let arr: [f32; 3] = array_from_bytes(bytes);
        assert_eq!(arr[1].to_bits(), (-0.0f32).to_bits());
    }

    #[test]
    fn partial_array_drops_what_was_made() {
        use alloc::string::{String, ToString};
        let r: Result<[String; 4], ()> =
            try_array_from_fn(|i| if i < 2 { Ok(i.to_string()) } else { Err(()) });
        assert!(r.is_err());
        let ok: Result<[String; 3], ()> = try_array_from_fn(|i| Ok(i.to_string()));
        assert_eq!(ok.unwrap(), ["0", "1", "2"]);
    }
}
