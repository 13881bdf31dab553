//! `#[bare(capacity = N)]`: a list, string or map field decoded with room
//! for `N` items up front, so that a value grown after decoding (items
//! pushed, text appended) does not reallocate until it passes `N`.

use alloc::string::String;
use alloc::vec::Vec;
use core::mem::size_of;

use super::{Decode, Reader};
use crate::error::Error;

/// The largest `N` of `#[bare(capacity = N)]` (the derive refuses more): a
/// reservation is made on every decode, so a typo must not reserve
/// gigabytes.
pub const MAX_CAPACITY_HINT: u64 = 1 << 24;

/// The field types `#[bare(capacity = N)]` applies to: lists (`Vec<T>`),
/// strings (`String`, in bytes), `HashMap`s, barewire_pool's `ArenaVec` and
/// `ArenaString`, and an `Option` of any of them. The value's bytes, schema
/// and layout do not change: only the capacity of what the decoder
/// allocates, which is at least `N` (and at least what the message holds).
#[diagnostic::on_unimplemented(
    message = "`#[bare(capacity = N)]` needs a list, string or map field; `{Self}` has no capacity to reserve",
    label = "no capacity to reserve"
)]
pub trait Reserving<'de>: Decode<'de> {
    /// Decodes a value with room for at least `capacity` items.
    fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error>;
}

impl<'de, T: Decode<'de>> Reserving<'de> for Vec<T> {
    #[inline]
    fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error> {
        r.enter()?;
        let count = r.length_in_memory(T::MIN_SIZE, size_of::<T>())?;
        // As `Vec<T>::decode`: no more than the remaining input could hold
        // for the message's own count, then the hint's room on top of that.
        let fits = r.remaining() / size_of::<T>().max(1);
        let mut out = Vec::with_capacity(count.min(fits).max(capacity));
        T::decode_items(r, count, &mut out)?;
        r.leave();
        Ok(out)
    }
}

impl<'de> Reserving<'de> for String {
    #[inline]
    fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error> {
        let s = r.str()?;
        let mut out = String::with_capacity(s.len().max(capacity));
        out.push_str(s);
        Ok(out)
    }
}

impl<'de, T: Reserving<'de>> Reserving<'de> for Option<T> {
    #[inline]
    fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error> {
        if r.option_tag()? {
            T::decode_reserving(r, capacity).map(Some)
        } else {
            Ok(None)
        }
    }
}
