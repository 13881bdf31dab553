//! `uuid::Uuid` as BARE `data[16]`: its 16 bytes in RFC 4122 order, on the
//! wire and in the layout.

use alloc::vec::Vec;

use uuid::Uuid;

use crate::error::Error;
use crate::layout::{Check, FromLayout, Layout, Writer};
use crate::plain::{FromWire, IntoWire, Plain};
use crate::schema::{Builder, Describe, Type};
use crate::wire::{Decode, Encode, MapKey, Reader};

impl Encode for Uuid {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
    #[inline]
    fn size_hint(&self) -> usize {
        16
    }
    // SAFETY: a `Uuid` is `repr(transparent)` over `[u8; 16]` (its bytes
    // in RFC 4122 order, which are its `data[16]` wire bytes): no padding,
    // no interior mutability.
    const PLAIN: Plain<Self, IntoWire> = unsafe { Plain::new_unchecked(true) };
}

impl<'de> Decode<'de> for Uuid {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        Ok(Uuid::from_bytes(r.take_array()?))
    }
    const MIN_SIZE: usize = 16;
    // SAFETY: as for `IntoWire`, and every 16 bytes are a valid `Uuid`.
    const PLAIN: Plain<Self, FromWire> = unsafe { Plain::new_unchecked(true) };
}

impl Describe for Uuid {
    fn describe(b: &mut Builder) -> Type {
        <[u8; 16]>::describe(b)
    }
}

/// `data[16]` is a BARE map key.
impl MapKey for Uuid {}

/// In place, a `Uuid` is its 16 bytes (`[u8; 16]`'s layout).
impl Layout for Uuid {
    const SIZE: usize = 16;
    const ALIGN: usize = 1;
    const TRIVIAL: bool = true;
    type View<'a> = Uuid;
    type ViewMut<'a> = Uuid;
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        w.put(at, self.as_bytes());
    }
    fn check(_buf: &[u8], _at: usize, _cx: &mut Check) -> Result<(), Error> {
        // The caller checked that the 16 bytes are in the image; any bytes
        // are a `Uuid`.
        Ok(())
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, _: crate::layout::Trust) -> Uuid {
        read(buf, at)
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Uuid {
        read(buf, at)
    }
}

/// The 16 bytes at `at` (checked in bounds by the caller; nil if not).
#[inline]
fn read(buf: &[u8], at: usize) -> Uuid {
    buf.get(at..at.saturating_add(16))
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map_or(Uuid::nil(), Uuid::from_bytes)
}

impl<'a> FromLayout<'a> for Uuid {
    fn from_layout(buf: &'a [u8], at: usize, _cx: &mut Check) -> Result<Self, Error> {
        Ok(read(buf, at))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    #[test]
    fn data_16_on_the_wire_in_the_schema_and_in_place() {
        let id = Uuid::from_u128(0x0011_2233_4455_6677_8899_aabb_ccdd_eeff);
        let bytes = crate::to_vec(&id);
        assert_eq!(bytes, id.as_bytes());
        assert_eq!(crate::from_slice::<Uuid>(&bytes).unwrap(), id);
        assert_eq!(crate::ext::type_of::<Vec<Uuid>>(), "list<data[16]>");
        let image = crate::to_layout(&(7u8, id));
        assert_eq!(crate::view::<(u8, Uuid)>(&image).unwrap().1, id);
        assert_eq!(
            crate::layout::to_owned::<(u8, Uuid)>(&image).unwrap(),
            (7, id)
        );
        assert!(crate::from_slice::<Uuid>(&bytes[..15]).is_err());
    }
}
