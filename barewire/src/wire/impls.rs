//! [`Encode`] and [`Decode`] for the std types of the BARE type mapping.

use alloc::borrow::{Cow, ToOwned};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::mem::size_of;

use super::varint::{uint_len, write_int, write_uint};
use super::{Decode, Encode, Int, Reader, Uint};
use crate::array::try_array_from_fn;
use crate::error::Error;
use crate::plain::{FromWire, IntoWire, Plain};

/// Types that may be BARE map keys.
///
/// The rule, shared by the codec, the layout ([`LayoutKey`]) and the schema
/// checker: any primitive type except `f32`, `f64` and `void`, that is the
/// integers, `uint`, `int`, `bool`, `str`, `data`, `data[N]`, and enums.
/// `#[derive(Bare)]` implements it for field-less enums.
///
/// [`LayoutKey`]: crate::layout::LayoutKey
///
/// ```
/// use std::collections::BTreeMap;
/// let map = BTreeMap::from([(vec![1u8, 2], 3u8), (vec![0u8], 4)]);
/// let bytes = barewire::to_vec(&map);
/// assert_eq!(bytes, [2, 1, 0, 4, 2, 1, 2, 3]);
/// assert_eq!(barewire::from_slice::<BTreeMap<Vec<u8>, u8>>(&bytes)?, map);
/// # Ok::<(), barewire::Error>(())
/// ```
pub trait MapKey {}

macro_rules! map_keys {
    ($($t:ty),*) => { $(impl MapKey for $t {})* };
}
map_keys!(
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    bool,
    Uint,
    Int,
    String,
    str,
    Box<str>
);
impl MapKey for &str {}
impl MapKey for Cow<'_, str> {}
impl MapKey for Vec<u8> {}
impl MapKey for Box<[u8]> {}
impl MapKey for &[u8] {}
impl MapKey for Cow<'_, [u8]> {}
impl<const N: usize> MapKey for [u8; N] {}

macro_rules! fixed_width {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            const PLAIN: Plain<Self, IntoWire> = Plain::<$t, IntoWire>::NUMBER;
            #[inline]
            fn size_hint(&self) -> usize {
                size_of::<$t>()
            }
        }

        impl<'de> Decode<'de> for $t {
            #[inline]
            fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
                Ok(<$t>::from_le_bytes(r.take_array()?))
            }
            const MIN_SIZE: usize = size_of::<$t>();
            const PLAIN: Plain<Self, FromWire> = Plain::<$t, FromWire>::NUMBER;
        }
    )*};
}
// Floats go through `to_le_bytes`/`from_le_bytes`, which keep every bit: a
// NaN, payload included, decodes and re-encodes unchanged.
fixed_width!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

impl Encode for bool {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    // SAFETY: (1) a `bool` is one byte, no padding, no interior
    // mutability; (2) that byte is 0 or 1, exactly its wire byte. (Not
    // `FromWire`: other bytes are not valid `bool`s.)
    const PLAIN: Plain<Self, IntoWire> = unsafe { Plain::new_unchecked(true) };
    #[inline]
    fn size_hint(&self) -> usize {
        1
    }
}

impl<'de> Decode<'de> for bool {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.bool()
    }
}

impl Encode for Uint {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_uint(out, self.0);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        uint_len(self.0)
    }
}

impl<'de> Decode<'de> for Uint {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.uint().map(Uint)
    }
}

impl Encode for Int {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_int(out, self.0);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        uint_len(((self.0 << 1) ^ (self.0 >> 63)) as u64)
    }
}

impl<'de> Decode<'de> for Int {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.int().map(Int)
    }
}

impl Encode for () {
    #[inline]
    fn encode(&self, _out: &mut Vec<u8>) {}
}

impl<'de> Decode<'de> for () {
    #[inline]
    fn decode(_r: &mut Reader<'de>) -> Result<Self, Error> {
        Ok(())
    }
    const MIN_SIZE: usize = 0;
}

impl<T: ?Sized> Encode for PhantomData<T> {
    #[inline]
    fn encode(&self, _out: &mut Vec<u8>) {}
}

impl<'de, T: ?Sized> Decode<'de> for PhantomData<T> {
    #[inline]
    fn decode(_r: &mut Reader<'de>) -> Result<Self, Error> {
        Ok(PhantomData)
    }
    const MIN_SIZE: usize = 0;
}

// ---- str ------------------------------------------------------------------

impl Encode for str {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_uint(out, self.len() as u64);
        out.extend_from_slice(self.as_bytes());
    }
    #[inline]
    fn size_hint(&self) -> usize {
        uint_len(self.len() as u64) + self.len()
    }
}

impl Encode for String {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_str().size_hint()
    }
}

impl<'de: 'a, 'a> Decode<'de> for &'a str {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.str()
    }
}

impl<'de> Decode<'de> for String {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.str().map(String::from)
    }
}

impl<'de> Decode<'de> for Box<str> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.str().map(Box::from)
    }
}

impl<'de: 'a, 'a> Decode<'de> for Cow<'a, str> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.str().map(Cow::Borrowed)
    }
}

// ---- lists and data -------------------------------------------------------

impl<T: Encode> Encode for [T] {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        write_uint(out, self.len() as u64);
        T::encode_items(self, out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        let first = self.first().map_or(0, Encode::size_hint);
        uint_len(self.len() as u64) + first.saturating_mul(self.len())
    }
}

impl<T: Encode> Encode for Vec<T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_slice().size_hint()
    }
}

/// `data` borrowed from the input (BARE `list<u8>` has the same bytes).
impl<'de: 'a, 'a> Decode<'de> for &'a [u8] {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.data()
    }
}

impl<'de: 'a, 'a> Decode<'de> for Cow<'a, [u8]> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.data().map(Cow::Borrowed)
    }
}

/// Decodes a list body of `count` items, preallocating no more items than
/// the remaining input could hold.
#[inline]
fn decode_list<'de, T: Decode<'de>>(r: &mut Reader<'de>, count: usize) -> Result<Vec<T>, Error> {
    let fits = r.remaining() / size_of::<T>().max(1);
    let mut out = Vec::with_capacity(count.min(fits));
    T::decode_items(r, count, &mut out)?;
    Ok(out)
}

impl<'de, T: Decode<'de>> Decode<'de> for Vec<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        // Enter first, so a depth error points at the list's start.
        r.enter()?;
        let count = r.length_in_memory(T::MIN_SIZE, size_of::<T>())?;
        let out = decode_list(r, count)?;
        r.leave();
        Ok(out)
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Box<[T]> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        Vec::<T>::decode(r).map(Vec::into_boxed_slice)
    }
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        T::encode_items(self, out);
    }
    const PLAIN: Plain<Self, IntoWire> = T::PLAIN.array();
    #[inline]
    fn size_hint(&self) -> usize {
        self.first().map_or(0, Encode::size_hint).saturating_mul(N)
    }
}

impl<'de, T: Decode<'de>, const N: usize> Decode<'de> for [T; N] {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let claim = <T as Decode<'de>>::PLAIN;
        if claim.is_plain() {
            let bytes = r.take(size_of::<[T; N]>() as u64)?;
            if let Some(array) = claim.array_from_bytes(bytes) {
                return Ok(array);
            }
        }
        try_array_from_fn(|_| T::decode(r))
    }
    const MIN_SIZE: usize = T::MIN_SIZE.saturating_mul(N);
    const PLAIN: Plain<Self, FromWire> = <T as Decode<'de>>::PLAIN.array();
}

// ---- optional, box, references ---------------------------------------------

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode(out);
            }
        }
    }
    #[inline]
    fn size_hint(&self) -> usize {
        1 + self.as_ref().map_or(0, Encode::size_hint)
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Option<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        if r.option_tag()? {
            T::decode(r).map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Box<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        r.enter()?;
        let value = T::decode(r)?;
        r.leave();
        Ok(Box::new(value))
    }
    // Zero, not `T::MIN_SIZE`: a recursive type reaches itself through a
    // box, and its minimum size must not depend on itself.
    const MIN_SIZE: usize = 0;
}

impl<T: Encode + ?Sized> Encode for &T {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

impl<T: Encode + ?Sized + ToOwned> Encode for Cow<'_, T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

// ---- maps -----------------------------------------------------------------

/// Writes a map: the count, then each key and value, in iteration order.
#[inline]
pub(crate) fn encode_map<'a, K: Encode + 'a, V: Encode + 'a>(
    len: usize,
    entries: impl Iterator<Item = (&'a K, &'a V)>,
    out: &mut Vec<u8>,
) {
    write_uint(out, len as u64);
    for (k, v) in entries {
        k.encode(out);
        v.encode(out);
    }
}

/// Reads a map, rejecting a repeated key at the offset where it starts.
#[inline]
pub(crate) fn decode_map<'de, K: Decode<'de>, V: Decode<'de>>(
    r: &mut Reader<'de>,
    mut insert: impl FnMut(K, V) -> bool,
) -> Result<(), Error> {
    r.enter()?;
    let count = r.length_in_memory(K::MIN_SIZE + V::MIN_SIZE, size_of::<(K, V)>())?;
    for _ in 0..count {
        let offset = r.position();
        let key = K::decode(r)?;
        let value = V::decode(r)?;
        if !insert(key, value) {
            return Err(Error::DuplicateMapKey { offset });
        }
    }
    r.leave();
    Ok(())
}

/// Encodes in key order, so equal maps always give equal bytes.
impl<K: Encode + MapKey, V: Encode> Encode for BTreeMap<K, V> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        encode_map(self.len(), self.iter(), out);
    }
}

impl<'de, K: Decode<'de> + MapKey + Ord, V: Decode<'de>> Decode<'de> for BTreeMap<K, V> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        decode_map(r, |k, v| map.insert(k, v).is_none())?;
        Ok(map)
    }
}

#[cfg(feature = "std")]
mod hash_map {
    use std::collections::HashMap;
    use std::hash::{BuildHasher, Hash};

    use super::*;

    /// Encodes in the map's iteration order, as serde_bare does: two equal
    /// `HashMap`s may give different bytes. Use a `BTreeMap` (or collect into
    /// one before encoding) for sorted, canonical bytes.
    impl<K: Encode + MapKey, V: Encode, S> Encode for HashMap<K, V, S> {
        #[inline]
        fn encode(&self, out: &mut Vec<u8>) {
            encode_map(self.len(), self.iter(), out);
        }
    }

    impl<'de, K, V, S> Decode<'de> for HashMap<K, V, S>
    where
        K: Decode<'de> + MapKey + Eq + Hash,
        V: Decode<'de>,
        S: BuildHasher + Default,
    {
        #[inline]
        fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
            decode_hash_map(r, 0)
        }
    }

    impl<'de, K, V, S> crate::wire::reserve::Reserving<'de> for HashMap<K, V, S>
    where
        Self: Decode<'de>,
        K: Decode<'de> + MapKey + Eq + Hash,
        V: Decode<'de>,
        S: BuildHasher + Default,
    {
        #[inline]
        fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error> {
            decode_hash_map(r, capacity)
        }
    }

    /// A map made with room for `capacity` entries, then filled from `r`.
    #[inline]
    fn decode_hash_map<'de, K, V, S>(
        r: &mut Reader<'de>,
        capacity: usize,
    ) -> Result<HashMap<K, V, S>, Error>
    where
        K: Decode<'de> + MapKey + Eq + Hash,
        V: Decode<'de>,
        S: BuildHasher + Default,
    {
        let mut map = HashMap::with_capacity_and_hasher(capacity, S::default());
        decode_map(r, |k, v| map.insert(k, v).is_none())?;
        Ok(map)
    }
}

// ---- tuples ---------------------------------------------------------------

macro_rules! tuples {
    ($(($($name:ident $idx:tt),+))*) => {$(
        /// A tuple encodes as a struct of its fields, in order.
        impl<$($name: Encode),+> Encode for ($($name,)+) {
            #[inline]
            fn encode(&self, out: &mut Vec<u8>) {
                $(self.$idx.encode(out);)+
            }
            #[inline]
            fn size_hint(&self) -> usize {
                0 $(+ self.$idx.size_hint())+
            }
        }

        impl<'de, $($name: Decode<'de>),+> Decode<'de> for ($($name,)+) {
            #[inline]
            fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
                Ok(($($name::decode(r)?,)+))
            }
            const MIN_SIZE: usize = 0 $(+ $name::MIN_SIZE)+;
        }
    )*};
}
tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}
