//! The deserializer: BARE bytes read strictly into serde's data model.

use alloc::collections::BTreeSet;

use ::serde::de::value::U32Deserializer;
use ::serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::error::Error;
use crate::limits::Limits;
use crate::wire::Reader;

/// A serde [`Deserializer`](de::Deserializer) over BARE bytes, as strict as
/// the derived decoders: canonical varints, `bool` and `optional` bytes 0 or
/// 1, UTF-8, known union tags, no duplicate map keys, and the [`Limits`].
/// Strings and `data` are borrowed from the input (`&'de str`,
/// `&'de [u8]` with `serde_bytes` or `#[serde(borrow)]`).
///
/// [`from_slice`](super::from_slice) is the usual way in; use this type to
/// read several messages from one buffer.
///
/// ```
/// use serde::Deserialize;
///
/// let bytes = [7, 0, 2, b'h', b'i', 1];
/// let mut de = barewire::serde::Deserializer::new(&bytes, barewire::Limits::DEFAULT);
/// let first = <(u16, &str)>::deserialize(&mut de)?;
/// let second = u8::deserialize(&mut de)?;
/// de.finish()?;
/// assert_eq!((first, second), ((7, "hi"), 1));
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug)]
pub struct Deserializer<'de> {
    r: Reader<'de>,
}

impl<'de> Deserializer<'de> {
    /// A deserializer over `input` under `limits` (the input's length is
    /// not checked against [`Limits::max_size`] here;
    /// [`from_slice_with`](super::from_slice_with) does).
    ///
    /// ```
    /// let de = barewire::serde::Deserializer::new(&[], barewire::Limits::DEFAULT);
    /// assert!(de.finish().is_ok());
    /// ```
    pub fn new(input: &'de [u8], limits: Limits) -> Self {
        Deserializer {
            r: Reader::with_limits(input, limits),
        }
    }

    /// Succeeds when every byte has been read; otherwise
    /// [`Error::TrailingBytes`].
    ///
    /// ```
    /// use serde::Deserialize;
    /// let mut de = barewire::serde::Deserializer::new(&[1, 2], barewire::Limits::DEFAULT);
    /// assert_eq!(u8::deserialize(&mut de)?, 1);
    /// assert!(matches!(de.finish(), Err(barewire::Error::TrailingBytes { offset: 1, .. })));
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn finish(&self) -> Result<(), Error> {
        self.r.finish()
    }

    /// Runs `f` one nesting level down (depth and stack budget).
    #[inline(always)]
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        self.r.enter()?;
        let value = f(self)?;
        self.r.leave();
        Ok(value)
    }
}

const ANY: &str = "a self-describing read (`deserialize_any`): BARE bytes carry no types, \
     so untagged or internally tagged enums, `#[serde(flatten)]`, `serde_json::Value` \
     and the like cannot be read from them";
const IGNORED: &str = "skipping a value of unknown type (`deserialize_ignored_any`): \
     BARE bytes carry no types, so every field must have a type";
const SHORT_READ: &str = "a sequence or map whose `Deserialize` impl read fewer items \
     than its length prefix announced";

macro_rules! fixed {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.$visit(<$t>::from_le_bytes(self.r.take_array()?))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::Unsupported { what: ANY })
    }

    #[inline]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(self.r.bool()?)
    }

    fixed!(
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_u128 visit_u128 u128,
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64
    );

    #[inline(always)]
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u8(self.r.byte()?)
    }

    #[inline]
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let offset = self.r.position();
        let code = u32::from_le_bytes(self.r.take_array()?);
        match char::from_u32(code) {
            Some(c) => visitor.visit_char(c),
            None => Err(Error::IntegerOutOfRange {
                offset,
                value: u64::from(code),
                target: "char",
            }),
        }
    }

    #[inline(always)]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.r.str()?)
    }

    #[inline(always)]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.r.str()?)
    }

    #[inline(always)]
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_bytes(self.r.data()?)
    }

    #[inline]
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_bytes(self.r.data()?)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.r.option_tag()? {
            self.nested(|de| visitor.visit_some(de))
        } else {
            visitor.visit_none()
        }
    }

    #[inline]
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    #[inline]
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.nested(|de| {
            let left = de.r.length_of_unknown_items()?;
            let mut seq = Items { de, left };
            let value = visitor.visit_seq(&mut seq)?;
            seq.finish()?;
            Ok(value)
        })
    }

    #[inline(always)]
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        fields(self, len, visitor)
    }

    #[inline(always)]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        fields(self, len, visitor)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.nested(|de| {
            let left = de.r.length_of_unknown_items()?;
            let mut map = Entries {
                de,
                left,
                keys: BTreeSet::new(),
            };
            let value = visitor.visit_map(&mut map)?;
            if map.left != 0 {
                return Err(Error::Unsupported { what: SHORT_READ });
            }
            Ok(value)
        })
    }

    #[inline(always)]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields_: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        fields(self, fields_.len(), visitor)
    }

    #[inline]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let offset = self.r.position();
        let tag = self.r.uint()?;
        if tag >= variants.len() as u64 {
            return Err(Error::UnknownUnionTag {
                offset,
                tag,
                type_name: name,
            });
        }
        // `variants.len()` is at most `u32::MAX + 1` (serde's variant
        // indexes are `u32`), so the tag fits.
        let index = tag as u32;
        self.nested(|de| visitor.visit_enum(Variant { de, index }))
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.r.uint()?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::Unsupported { what: IGNORED })
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// Reads `len` fields of a struct or tuple.
#[inline(always)]
fn fields<'de, V: Visitor<'de>>(
    de: &mut Deserializer<'de>,
    len: usize,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut seq = Items { de, left: len };
    let value = visitor.visit_seq(&mut seq)?;
    seq.finish()?;
    Ok(value)
}

/// The items of a list, or the fields of a struct or tuple.
struct Items<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    left: usize,
}

impl Items<'_, '_> {
    #[inline]
    fn finish(&self) -> Result<(), Error> {
        if self.left == 0 {
            Ok(())
        } else {
            Err(Error::Unsupported { what: SHORT_READ })
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    #[inline(always)]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        // Never more than the input could hold, whatever the prefix said:
        // callers preallocate this many.
        Some(self.left.min(self.de.r.remaining()))
    }
}

/// The entries of a map: each key's bytes are remembered, so a repeated key
/// is an error as in the derived decoders (canonical encoding makes equal
/// keys equal bytes).
struct Entries<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    left: usize,
    keys: BTreeSet<&'de [u8]>,
}

impl<'de> de::MapAccess<'de> for Entries<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let start = self.de.r.position();
        let key = seed.deserialize(&mut *self.de)?;
        let end = self.de.r.position();
        let bytes = self.de.r.input().get(start..end).unwrap_or_default();
        if !self.keys.insert(bytes) {
            return Err(Error::DuplicateMapKey { offset: start });
        }
        Ok(Some(key))
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        Some(self.left.min(self.de.r.remaining()))
    }
}

/// A union member whose tag has been read and checked.
struct Variant<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    index: u32,
}

impl<'a, 'de> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = Error;
    type Variant = &'a mut Deserializer<'de>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let index: U32Deserializer<Error> = self.index.into_deserializer();
        Ok((seed.deserialize(index)?, self.de))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Deserializer<'de> {
    type Error = Error;

    #[inline]
    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    #[inline]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    #[inline]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        fields(self, len, visitor)
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields_: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        fields(self, fields_.len(), visitor)
    }
}

impl de::Error for Error {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        use alloc::string::ToString;
        Error::Serde {
            message: msg.to_string(),
        }
    }
}
