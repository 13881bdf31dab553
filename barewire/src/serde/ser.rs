//! The serializer: serde's data model written as BARE bytes.

use alloc::vec::Vec;

use ::serde::ser::{self, Serialize};

use crate::error::Error;
use crate::wire::write_uint;

/// A serde [`Serializer`](ser::Serializer) that appends BARE bytes to the
/// vector it owns. [`to_vec`](super::to_vec) is the usual way in; use this
/// type to append several messages to one buffer, or to reuse a buffer.
///
/// (It owns the vector rather than borrowing it: one indirection less on
/// every byte written.)
///
/// ```
/// use serde::Serialize;
///
/// let mut ser = barewire::serde::Serializer::new(Vec::new());
/// (7u16, "hi").serialize(&mut ser)?;
/// 1u8.serialize(&mut ser)?;
/// assert_eq!(ser.into_inner(), [7, 0, 2, b'h', b'i', 1]);
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Serializer {
    out: Vec<u8>,
}

impl Serializer {
    /// A serializer that appends to `out`.
    ///
    /// ```
    /// let ser = barewire::serde::Serializer::new(vec![1]);
    /// assert_eq!(ser.into_inner(), [1]);
    /// ```
    pub fn new(out: Vec<u8>) -> Self {
        Serializer { out }
    }

    /// The bytes written (after those `out` held).
    ///
    /// ```
    /// use serde::Serialize;
    /// let mut ser = barewire::serde::Serializer::new(Vec::new());
    /// true.serialize(&mut ser)?;
    /// assert_eq!(ser.into_inner(), [1]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn into_inner(self) -> Vec<u8> {
        self.out
    }

    /// The items of `iter` with their count first: the count from an exact
    /// size hint (else `Unsupported { what: unknown }`), then each item
    /// written by `write`, counted in a register and checked against the
    /// hint at the end (the prefix is out when a lying iterator shows).
    #[inline(always)]
    fn write_counted<I: Iterator>(
        &mut self,
        iter: I,
        unknown: &'static str,
        mut write: impl FnMut(&mut Self, I::Item) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let len = match iter.size_hint() {
            (lower, Some(upper)) if lower == upper => lower,
            _ => return Err(Error::Unsupported { what: unknown }),
        };
        write_uint(&mut self.out, len as u64);
        let mut written = 0usize;
        for item in iter {
            write(self, item)?;
            written += 1;
        }
        if written == len {
            Ok(())
        } else {
            Err(Error::Unsupported {
                what: LYING_ITERATOR,
            })
        }
    }

    #[inline]
    fn tag(&mut self, variant_index: u32) {
        write_uint(&mut self.out, u64::from(variant_index));
    }
}

/// A sequence or map of announced length: counts what is written and
/// refuses a `Serialize` impl that writes another number of items than it
/// announced (the length prefix is already out).
#[derive(Debug)]
#[doc(hidden)]
pub struct Counted<'s> {
    ser: &'s mut Serializer,
    left: usize,
}

impl Counted<'_> {
    #[inline(always)]
    fn item(&mut self) -> Result<(), Error> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(Error::Unsupported {
                what: "a sequence or map with more items than its announced length",
            }),
        }
    }

    #[inline]
    fn end(self) -> Result<(), Error> {
        if self.left == 0 {
            Ok(())
        } else {
            Err(Error::Unsupported {
                what: "a sequence or map with fewer items than its announced length",
            })
        }
    }
}

const UNKNOWN_SEQ: &str = "a sequence of unknown length (BARE writes the length first: \
     collect the items into a Vec before serializing)";
const UNKNOWN_MAP: &str = "a map of unknown length (BARE writes the length first; \
     `#[serde(flatten)]` makes one: BARE structs have no field names to flatten into)";
const LYING_ITERATOR: &str = "a sequence or map whose iterator yielded another number of \
     items than its exact size hint announced (the length prefix is already out)";
const SKIPPED_FIELD: &str = "a field skipped at run time (`#[serde(skip_serializing_if)]`): \
     BARE has no field names, so every field must be written";

impl<'s> ser::Serializer for &'s mut Serializer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Counted<'s>;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Counted<'s>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.push(u8::from(v));
        Ok(())
    }
    #[inline]
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline(always)]
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.out.push(v);
        Ok(())
    }
    #[inline(always)]
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline(always)]
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    #[inline]
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_u32(u32::from(v))
    }
    #[inline(always)]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.serialize_bytes(v.as_bytes())
    }
    #[inline(always)]
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        write_uint(&mut self.out, v.len() as u64);
        self.out.extend_from_slice(v);
        Ok(())
    }
    #[inline]
    fn serialize_none(self) -> Result<(), Error> {
        self.out.push(0);
        Ok(())
    }
    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        self.out.push(1);
        value.serialize(self)
    }
    #[inline]
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    #[inline]
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Ok(())
    }
    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<(), Error> {
        self.tag(variant_index);
        Ok(())
    }
    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    #[inline]
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.tag(variant_index);
        value.serialize(self)
    }
    #[inline(always)]
    fn serialize_seq(self, len: Option<usize>) -> Result<Counted<'s>, Error> {
        let len = len.ok_or(Error::Unsupported { what: UNKNOWN_SEQ })?;
        write_uint(&mut self.out, len as u64);
        Ok(Counted {
            ser: self,
            left: len,
        })
    }
    #[inline(always)]
    fn serialize_tuple(self, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }
    #[inline(always)]
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }
    #[inline(always)]
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.tag(variant_index);
        Ok(self)
    }
    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Counted<'s>, Error> {
        let len = len.ok_or(Error::Unsupported { what: UNKNOWN_MAP })?;
        write_uint(&mut self.out, len as u64);
        Ok(Counted {
            ser: self,
            left: len,
        })
    }
    #[inline(always)]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }
    #[inline(always)]
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.tag(variant_index);
        Ok(self)
    }
    fn is_human_readable(&self) -> bool {
        false
    }
    /// A sequence from an iterator (how serde writes `Vec`, slices and
    /// sets): the length from an exact size hint, then the items, counted
    /// and checked against that length at the end.
    #[inline]
    fn collect_seq<I>(self, iter: I) -> Result<(), Error>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        self.write_counted(iter.into_iter(), UNKNOWN_SEQ, |ser, item| {
            item.serialize(ser)
        })
    }
    /// A map from an iterator of entries, written as a sequence is.
    #[inline]
    fn collect_map<K, V, I>(self, iter: I) -> Result<(), Error>
    where
        K: Serialize,
        V: Serialize,
        I: IntoIterator<Item = (K, V)>,
    {
        self.write_counted(iter.into_iter(), UNKNOWN_MAP, |ser, (key, value)| {
            key.serialize(&mut *ser)?;
            value.serialize(ser)
        })
    }
}

impl ser::SerializeSeq for Counted<'_> {
    type Ok = ();
    type Error = Error;
    #[inline(always)]
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.item()?;
        value.serialize(&mut *self.ser)
    }
    #[inline]
    fn end(self) -> Result<(), Error> {
        Counted::end(self)
    }
}

impl ser::SerializeMap for Counted<'_> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.item()?;
        key.serialize(&mut *self.ser)
    }
    #[inline]
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.ser)
    }
    #[inline]
    fn end(self) -> Result<(), Error> {
        Counted::end(self)
    }
}

macro_rules! fields {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Serializer {
            type Ok = ();
            type Error = Error;
            #[inline]
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
                value.serialize(&mut **self)
            }
            #[inline]
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )*};
}
fields!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

macro_rules! named_fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Serializer {
            type Ok = ();
            type Error = Error;
            #[inline(always)]
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, _key: &'static str) -> Result<(), Error> {
                Err(Error::Unsupported { what: SKIPPED_FIELD })
            }
            #[inline]
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )*};
}
named_fields!(SerializeStruct, SerializeStructVariant);

impl ser::Error for Error {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        use alloc::string::ToString;
        Error::Serde {
            message: msg.to_string(),
        }
    }
}
