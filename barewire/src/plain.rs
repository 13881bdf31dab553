//! Plain data: the capabilities that let the codec and the layout treat a
//! type's memory as bytes.
//!
//! A type is *plain* for a purpose when its memory can stand for its bytes in
//! that purpose, so a list of it is one copy instead of a loop. There are
//! three purposes, and they differ (`bool` is one byte that is its wire
//! byte, but not every byte is a `bool`), so each is its own capability:
//!
//! | capability | claimed through | says |
//! |---|---|---|
//! | [`IntoWire`] | [`Encode::PLAIN`](crate::Encode::PLAIN) | the memory of every value is its BARE wire bytes |
//! | [`FromWire`] | [`Decode::PLAIN`](crate::Decode::PLAIN) | and every byte string of the type's size is a valid value, the one those wire bytes encode |
//! | [`IntoLayout`] | [`Layout::PLAIN`](crate::Layout::PLAIN) | the memory of every value is its inline layout bytes |
//! | [`ReadInPlace`] | [`Layout::IN_PLACE`](crate::Layout::IN_PLACE) | and every byte string of the type's size is a valid value: a list of it in an image reads as `&[T]` |
//!
//! A claim is a [`Plain<T, C>`]: a token bound to the type `T` it speaks
//! of. [`Plain::NO`] (never plain) is safe and always correct; a token that
//! says "plain" is made only by the `unsafe` [`Plain::new_unchecked`], whose
//! contract is the capability's. Because the token names its type, a safe
//! impl cannot borrow another type's claim: `<u64 as Decode>::PLAIN` is a
//! `Plain<u64, FromWire>` and does not type-check as the `PLAIN` of any
//! other type. `#[derive(Bare)]` makes its claims in an `unsafe` block, after
//! checking in const code that every field is plain and that the fields lie
//! back to back with no padding.
//!
//! ```compile_fail
//! struct Evil(Box<u64>);
//! impl<'de> barewire::Decode<'de> for Evil {
//!     fn decode(r: &mut barewire::Reader<'de>) -> Result<Self, barewire::Error> {
//!         Ok(Evil(Box::new(u64::decode(r)?)))
//!     }
//!     // Another type's claim does not fit: mismatched types.
//!     const PLAIN: barewire::plain::Plain<Self, barewire::plain::FromWire> =
//!         <u64 as barewire::Decode<'de>>::PLAIN;
//! }
//! ```

use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{MaybeUninit, size_of, size_of_val};

/// A claim that `T`'s memory stands for its bytes, for the purpose `C`
/// ([`IntoWire`], [`FromWire`] or [`IntoLayout`]).
///
/// See the [module docs](self): only [`Plain::NO`] is safe to make.
pub struct Plain<T: ?Sized, C: Capability> {
    plain: bool,
    _type: PhantomData<fn() -> *const T>,
    _capability: PhantomData<C>,
}

/// The capability "the memory of every value is its BARE wire bytes".
///
/// For a type `T` on the target being compiled for: (1) `T` has no padding
/// bytes and no interior mutability (no `UnsafeCell` anywhere in it), so all
/// `size_of::<T>()` bytes of a value are initialized and stay put while
/// borrowed; (2) those bytes are exactly the value's BARE encoding.
#[derive(Debug)]
pub enum IntoWire {}

/// The capability "any bytes of the right size are a valid value, whose
/// memory is its wire bytes".
///
/// Everything [`IntoWire`] says, and: (3) every sequence of
/// `size_of::<T>()` bytes is a valid `T` (no references, boxes, `bool`s,
/// enums or other types with invalid bit patterns), and it is the value that
/// those bytes decode to as BARE.
#[derive(Debug)]
pub enum FromWire {}

/// The capability "the memory of every value is its inline layout bytes".
///
/// For a type `T: Layout` on the target being compiled for: (1) `T` has no
/// padding bytes and no interior mutability; (2) `size_of::<T>()` equals
/// `Layout::SIZE`, and the memory of every value is exactly the inline part
/// `Layout::write` would write for it, with nothing out of line.
#[derive(Debug)]
pub enum IntoLayout {}

/// The capability "any inline layout bytes are a valid value, whose memory
/// is its layout": what reading a list of it in place as `&[T]` needs.
///
/// Everything [`IntoLayout`] says, and: (3) every sequence of
/// `size_of::<T>()` bytes is a valid `T` (no `bool`s, enums, references or
/// other types with invalid bit patterns), the value those layout bytes
/// hold; (4) `align_of::<T>()` is at most `Layout::ALIGN`, so a place the
/// layout check found aligned for the layout is aligned for `T`.
#[derive(Debug)]
pub enum ReadInPlace {}

/// The capability "inline bytes that pass the type's validity test are a
/// valid value, whose memory is its layout": what reading a record of an
/// explicit layout in place as `&T` needs when not every byte string is a
/// value (a `bool`, an enum, a pointer that is never zero).
///
/// For a type `T: Layout` on the target being compiled for: (1) `T` has no
/// interior mutability; (2) `size_of::<T>()` equals `Layout::SIZE`, and the
/// memory of a value holds each of its parts where its inline layout does
/// (bytes that are padding in `T` are never part of the value); (3) every
/// sequence of `size_of::<T>()` bytes for which `Layout::valid_inline`
/// returns true is a valid `T`, the value that inline layout holds; (4)
/// `align_of::<T>()` is at most `Layout::ALIGN`.
#[derive(Debug)]
pub enum CheckedInPlace {}

impl<T: ?Sized, C: Capability> Plain<T, C> {
    /// Not plain: items are encoded, decoded or written one by one. Always
    /// correct.
    pub const NO: Self = Plain {
        plain: false,
        _type: PhantomData,
        _capability: PhantomData,
    };

    /// Claims that `T` is plain for the purpose `C` when `plain` is true.
    ///
    /// # Safety
    ///
    /// When `plain` is true, `T` must meet every numbered condition of the
    /// capability `C` ([`IntoWire`], [`FromWire`] or [`IntoLayout`]) on the
    /// target being compiled for. `false` is always safe.
    #[inline]
    pub const unsafe fn new_unchecked(plain: bool) -> Self {
        Plain {
            plain,
            _type: PhantomData,
            _capability: PhantomData,
        }
    }

    /// Whether the claim says plain.
    #[inline]
    pub const fn is_plain(self) -> bool {
        self.plain
    }
}

impl<T, C: Capability> Plain<T, C> {
    /// The claim for an array of `T`: an array is its items back to back
    /// (no padding between them, as `size_of::<T>()` is a multiple of the
    /// alignment), and the BARE encoding and the inline layout of `[T; N]`
    /// are the items' one after another, so each capability carries over.
    #[inline]
    pub const fn array<const N: usize>(self) -> Plain<[T; N], C> {
        Plain {
            plain: self.plain,
            _type: PhantomData,
            _capability: PhantomData,
        }
    }
}

impl<T: ?Sized, C: Capability> Clone for Plain<T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized, C: Capability> Copy for Plain<T, C> {}

impl<T: ?Sized, C: Capability> fmt::Debug for Plain<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Plain").field(&self.plain).finish()
    }
}

/// The claims of a fixed-width number: for the integer and float types that
/// have no padding, accept every bit pattern, and whose memory on a
/// little-endian target is their little-endian bytes, which are both their
/// BARE encoding and their inline layout.
macro_rules! numbers_are_plain {
    ($($t:ty),*) => {$(
        impl Plain<$t, IntoWire> {
            pub(crate) const NUMBER: Self =
                // SAFETY: (1) a fixed-width number has no padding and no
                // interior mutability; (2) on a little-endian target (the
                // only one where this says plain) its memory is its
                // little-endian bytes, its BARE encoding.
                unsafe { Self::new_unchecked(cfg!(target_endian = "little")) };
        }
        impl Plain<$t, FromWire> {
            pub(crate) const NUMBER: Self =
                // SAFETY: (1) and (2) as for `IntoWire`; (3) every bit
                // pattern is a valid number, the one its little-endian bytes
                // encode.
                unsafe { Self::new_unchecked(cfg!(target_endian = "little")) };
        }
        impl Plain<$t, ReadInPlace> {
            pub(crate) const NUMBER: Self =
            // SAFETY: (1) and (2) as for `IntoLayout` below; (3) every bit
            // pattern is a valid number; (4) the layout aligns a number to
            // its size, at least its Rust alignment on every target.
            unsafe {
                Self::new_unchecked(
                    cfg!(target_endian = "little")
                        && core::mem::align_of::<$t>() <= core::mem::size_of::<$t>(),
                )
            };
        }
        impl Plain<$t, IntoLayout> {
            pub(crate) const NUMBER: Self =
            // SAFETY: (1) as for `IntoWire`; (2) a number's inline layout is
            // its `size_of` little-endian bytes and nothing out of line, so
            // on a little-endian target its memory is its layout, provided
            // its alignment is its size (as the layout places it; true for
            // every number type on common targets, checked here).
            unsafe {
                Self::new_unchecked(
                    cfg!(target_endian = "little")
                        && core::mem::align_of::<$t>() == core::mem::size_of::<$t>(),
                )
            };
        }
    )*};
}
numbers_are_plain!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

/// The capabilities a [`Plain`] claim can be for. Sealed: the contract of
/// [`Plain::new_unchecked`] is the capability's, and only these three have
/// one.
pub trait Capability: sealed::Sealed {}
impl Capability for IntoWire {}
impl Capability for FromWire {}
impl Capability for IntoLayout {}
impl Capability for ReadInPlace {}
impl Capability for CheckedInPlace {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::plain::IntoWire {}
    impl Sealed for crate::plain::FromWire {}
    impl Sealed for crate::plain::IntoLayout {}
    impl Sealed for crate::plain::ReadInPlace {}
    impl Sealed for crate::plain::CheckedInPlace {}
}

impl<T, C: Capability> Plain<T, C> {
    /// The memory of `items` as bytes, when the claim says plain: their wire
    /// bytes for [`IntoWire`] and [`FromWire`], their inline layout for
    /// [`IntoLayout`]. `None` when it does not.
    #[inline]
    pub(crate) fn bytes_of(self, items: &[T]) -> Option<&[u8]> {
        if !self.plain {
            return None;
        }
        // SAFETY:
        // 1. bounds: the pointer and `size_of_val(items)` describe exactly
        //    the memory of `items`, which lives as long as the returned
        //    borrow;
        // 2. alignment: `u8` has alignment 1;
        // 3. validity: the claim says plain, and every capability's
        //    condition 1 is "no padding", so every byte is initialized;
        // 4. aliasing: a shared borrow of shared data that cannot change
        //    while borrowed, as `T` has no interior mutability (condition 1).
        Some(unsafe {
            core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), size_of_val(items))
        })
    }
}

/// The capabilities whose claims say every byte string of the type's size
/// is a valid value: [`FromWire`] (the value those wire bytes encode) and
/// [`ReadInPlace`] (the value that inline layout holds).
pub trait AnyBytesValid: Capability {}
impl AnyBytesValid for FromWire {}
impl AnyBytesValid for ReadInPlace {}

impl<T, C: AnyBytesValid> Plain<T, C> {
    /// Appends the `bytes.len() / size_of::<T>()` items whose bytes (wire
    /// bytes for [`FromWire`], inline layouts for [`ReadInPlace`]) are
    /// `bytes`, as one copy. `false` (and nothing appended) when the claim
    /// does not say plain or `bytes` is not a whole number of items.
    #[inline]
    pub(crate) fn extend_from_bytes(self, out: &mut Vec<T>, bytes: &[u8]) -> bool {
        let size = size_of::<T>();
        if !self.plain || size == 0 || bytes.len() % size != 0 {
            return false;
        }
        let count = bytes.len() / size;
        out.reserve(count);
        let len = out.len();
        // SAFETY:
        // 1. bounds: `reserve(count)` made room for `count` more items after
        //    `len`, that is `count * size == bytes.len()` bytes, and `bytes`
        //    holds that many;
        // 2. alignment: the copy is bytewise, into the vector's own (aligned)
        //    buffer;
        // 3. validity: the claim is `FromWire` or `ReadInPlace` and says
        //    plain, so every byte sequence of `size` bytes is a valid `T`
        //    (condition 3 of both), and the `count` new items are
        //    initialized before `set_len` exposes them;
        // 4. aliasing: `bytes` is a shared borrow that cannot overlap the
        //    vector's buffer, which `out: &mut Vec<T>` borrows exclusively.
        unsafe {
            let dst = out.as_mut_ptr().add(len).cast::<u8>();
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
            out.set_len(len + count);
        }
        true
    }

    /// Fills `out` with the items whose bytes (wire bytes for [`FromWire`],
    /// inline layouts for [`ReadInPlace`]) are `bytes`, as one copy, and
    /// returns them initialized: for list types of other crates that decode
    /// plain items into memory of their own (`barewire_pool::ArenaVec`).
    /// `None`, with nothing written, when the claim does not say plain, `T`
    /// is zero-sized, or `bytes` is not exactly `out.len()` items.
    ///
    /// ```
    /// use core::mem::MaybeUninit;
    ///
    /// let claim = <u16 as barewire::Decode>::PLAIN;
    /// let mut slots = [MaybeUninit::<u16>::uninit(); 2];
    /// let items = claim.init_from_bytes(&[1, 0, 2, 1], &mut slots).unwrap();
    /// assert_eq!(items, [1, 0x0102]);
    /// assert!(claim.init_from_bytes(&[1, 0, 2], &mut slots).is_none());
    /// // Not plain: `bool`'s claim says no, whatever the bytes.
    /// let mut flags = [MaybeUninit::<bool>::uninit(); 1];
    /// assert!(<bool as barewire::Decode>::PLAIN.init_from_bytes(&[1], &mut flags).is_none());
    /// ```
    #[inline]
    pub fn init_from_bytes<'o>(
        self,
        bytes: &[u8],
        out: &'o mut [MaybeUninit<T>],
    ) -> Option<&'o mut [T]> {
        let size = size_of::<T>();
        if !self.plain || size == 0 || Some(bytes.len()) != out.len().checked_mul(size) {
            return None;
        }
        // SAFETY:
        // 1. bounds: `out` is `out.len() * size == bytes.len()` bytes
        //    (checked above), and `bytes` has that many;
        // 2. alignment: the copy is bytewise, and `out` is a slice of
        //    `MaybeUninit<T>`, aligned for `T`;
        // 3. validity: the claim is `FromWire` or `ReadInPlace` and says
        //    plain, so every `size` bytes are a valid `T` (condition 3 of
        //    both): after the copy every item of `out` is initialized, and
        //    `MaybeUninit<T>` has `T`'s layout, so `out` reads as `[T]`;
        // 4. aliasing: `bytes` is a shared borrow that cannot overlap `out`,
        //    an exclusive one; the result reborrows `out` for `'o`.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                out.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            );
            Some(core::slice::from_raw_parts_mut(
                out.as_mut_ptr().cast::<T>(),
                out.len(),
            ))
        }
    }

    /// The `[T; N]` whose wire bytes are `bytes`, as one copy. `None` when
    /// the claim does not say plain or `bytes` is not `N` items long.
    #[inline]
    pub(crate) fn array_from_bytes<const N: usize>(self, bytes: &[u8]) -> Option<[T; N]> {
        if !self.plain || bytes.len() != size_of::<[T; N]>() {
            return None;
        }
        let mut array = MaybeUninit::<[T; N]>::uninit();
        // SAFETY:
        // 1. bounds: the destination is `size_of::<[T; N]>()` bytes, and
        //    `bytes` has exactly that many (checked above);
        // 2. alignment: a bytewise copy into a properly aligned `MaybeUninit`;
        // 3. validity: the claim is `FromWire` or `ReadInPlace` and says
        //    plain, so any bytes of `T`'s size are a valid `T` (condition 3
        //    of both), and an array is its items back to back: the array is
        //    initialized after the copy;
        // 4. aliasing: `array` is a fresh local, `bytes` a shared borrow.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                array.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            );
            Some(array.assume_init())
        }
    }
}

impl<T> Plain<T, ReadInPlace> {
    /// `bytes` as the items they hold, when the claim says plain, `bytes`
    /// is a whole number of items and its address is aligned for `T`.
    /// `None` otherwise.
    #[inline]
    pub(crate) fn slice_of(self, bytes: &[u8]) -> Option<&[T]> {
        let size = size_of::<T>();
        if !self.plain
            || size == 0
            || bytes.len() % size != 0
            || (bytes.as_ptr() as usize) % core::mem::align_of::<T>() != 0
        {
            return None;
        }
        // SAFETY:
        // 1. bounds: `bytes.len() / size` items of `size` bytes are exactly
        //    the `bytes.len()` bytes of `bytes`, which outlive the result
        //    (same lifetime);
        // 2. alignment: checked above;
        // 3. validity: the claim is `ReadInPlace` and says plain, so every
        //    `size` bytes are a valid `T` (its condition 3);
        // 4. aliasing: a shared borrow of bytes that are not written while
        //    it lives (`&[u8]`), and `T` has no interior mutability
        //    (condition 1), so reading them as `&[T]` writes nothing.
        Some(unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), bytes.len() / size) })
    }
}

/// Stands for `Option<T>` in a claim: a `Plain<NicheOption<T>, C>` says
/// what the capability `C` says, of `Option<T>` (the type parameter of
/// [`Plain`] may be unsized, `Option<T>` may not). Made only by
/// `Layout::NICHE_OPTION` of an optional pointer. Never constructed.
pub struct NicheOption<T: ?Sized> {
    _never: core::convert::Infallible,
    _type: PhantomData<T>,
}

impl<T, C: Capability> Plain<NicheOption<T>, C> {
    /// The same claim, of `Option<T>`, which it speaks of.
    #[inline]
    pub(crate) const fn option(self) -> Plain<Option<T>, C> {
        Plain {
            plain: self.plain,
            _type: PhantomData,
            _capability: PhantomData,
        }
    }
}

impl<T> Plain<T, ReadInPlace> {
    /// The `len` items of `T` from position `start` of `buf` as `&[T]`,
    /// when this claim or `checked` says plain, the items lie inside `buf`
    /// at an address aligned for `T`, and (under `checked` alone) `valid`
    /// accepts each item. `None` otherwise.
    ///
    /// `valid` must be `T`'s `Layout::valid_inline`, which `checked`'s
    /// condition 3 speaks of (`crate::layout` passes it; this is not
    /// public).
    pub(crate) fn slice_in_place(
        self,
        checked: Plain<T, CheckedInPlace>,
        valid: fn(&[u8], usize) -> bool,
        buf: &[u8],
        start: usize,
        len: usize,
    ) -> Option<&[T]> {
        let size = size_of::<T>();
        if !(self.plain || checked.plain) || size == 0 {
            return None;
        }
        let bytes = buf.get(start..start.checked_add(len.checked_mul(size)?)?)?;
        if (bytes.as_ptr() as usize) % core::mem::align_of::<T>() != 0 {
            return None;
        }
        if !self.plain && !(0..len).all(|i| valid(bytes, i * size)) {
            return None;
        }
        // SAFETY:
        // 1. bounds: `bytes` is exactly `len * size` bytes of `buf` (a
        //    checked sub-slice), which outlive the result (same lifetime);
        // 2. alignment: the address is a multiple of `align_of::<T>()`,
        //    checked above, and the items follow at a stride of
        //    `size_of::<T>()`;
        // 3. validity: `self` says plain (`ReadInPlace`: every `size` bytes
        //    are a valid `T`, its condition 3), or `checked` does
        //    (`CheckedInPlace`: the bytes of each item, all of which passed
        //    `valid`, that is `Layout::valid_inline`, above, are a valid
        //    `T`, its condition 3);
        // 4. aliasing: a shared borrow of bytes that are not written while
        //    it lives (`&[u8]`), and `T` has no interior mutability
        //    (condition 1 of both), so reading them as `&[T]` writes
        //    nothing.
        Some(unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), len) })
    }
}

#[cfg(test)]
mod tests {
    use crate::plain::{FromWire, IntoLayout, IntoWire, Plain, ReadInPlace};
    use alloc::vec::Vec;

    #[test]
    fn plain_round_trip_of_floats() {
        let items = [1.5f32, -0.0, f32::from_bits(0x7fc0_0001)];
        let bytes = Plain::<f32, IntoWire>::NUMBER.bytes_of(&items).unwrap();
        assert_eq!(&bytes[..4], &1.5f32.to_le_bytes());
        let claim = Plain::<f32, FromWire>::NUMBER;
        let mut out: Vec<f32> = Vec::new();
        assert!(claim.extend_from_bytes(&mut out, bytes));
        assert_eq!(out[0], 1.5);
        assert_eq!(out[2].to_bits(), 0x7fc0_0001);
        assert!(!claim.extend_from_bytes(&mut out, &bytes[..5]));
        assert_eq!(out.len(), 3);
        let arr: [f32; 3] = claim.array_from_bytes(bytes).unwrap();
        assert_eq!(arr[1].to_bits(), (-0.0f32).to_bits());
        assert!(claim.array_from_bytes::<2>(bytes).is_none());
        let arrays = [[1u16, 2], [3, 4]];
        let claim = Plain::<u16, IntoLayout>::NUMBER.array::<2>();
        assert_eq!(claim.bytes_of(&arrays).unwrap(), [1, 0, 2, 0, 3, 0, 4, 0]);
    }

    #[test]
    fn items_initialized_from_bytes_only_when_plain_and_whole() {
        use core::mem::MaybeUninit;
        let claim = Plain::<u32, FromWire>::NUMBER;
        let bytes = [1u8, 0, 0, 0, 2, 0, 0, 0];
        let mut two = [MaybeUninit::<u32>::uninit(); 2];
        assert_eq!(
            claim.init_from_bytes(&bytes, &mut two),
            Some(&mut [1u32, 2][..])
        );
        let mut three = [MaybeUninit::<u32>::uninit(); 3];
        assert!(claim.init_from_bytes(&bytes, &mut three).is_none());
        assert!(claim.init_from_bytes(&bytes[..7], &mut two).is_none());
        assert!(
            Plain::<u32, FromWire>::NO
                .init_from_bytes(&bytes, &mut two)
                .is_none()
        );
        let mut none: [MaybeUninit<u32>; 0] = [];
        assert_eq!(
            claim.init_from_bytes(&[], &mut none).map(|s| s.len()),
            Some(0)
        );
        let mut units = [MaybeUninit::<()>::uninit(); 2];
        // SAFETY: `()` has no bytes: any (no) bytes are a valid `()`.
        let unit = unsafe { Plain::<(), FromWire>::new_unchecked(true) };
        assert!(unit.init_from_bytes(&[], &mut units).is_none());
    }

    #[test]
    fn lists_read_in_place_only_when_aligned_and_whole() {
        let words = [1u32, 2, 3];
        let bytes = Plain::<u32, IntoWire>::NUMBER.bytes_of(&words).unwrap();
        let claim = Plain::<u32, ReadInPlace>::NUMBER;
        assert_eq!(claim.slice_of(bytes), Some(&words[..]));
        assert_eq!(claim.slice_of(&bytes[..5]), None);
        assert_eq!(claim.slice_of(&bytes[1..9]), None);
        assert_eq!(Plain::<u32, ReadInPlace>::NO.slice_of(bytes), None);
    }

    #[test]
    fn claims_that_say_no_give_no_bytes() {
        let no = Plain::<u32, FromWire>::NO;
        assert!(no.array_from_bytes::<1>(&[0; 4]).is_none());
        assert!(Plain::<u32, IntoWire>::NO.bytes_of(&[1]).is_none());
        let mut out: Vec<u32> = Vec::new();
        assert!(!no.extend_from_bytes(&mut out, &[0; 4]));
        assert!(out.is_empty());
    }
}
