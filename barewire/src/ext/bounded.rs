//! Lists and strings of bounded capacity (`arrayvec`, `heapless`): decoding
//! more items or bytes than the capacity is [`Error::TooManyItems`], found
//! from the length prefix before anything is read.

use core::mem::size_of;

use crate::error::Error;
use crate::wire::{Decode, Reader};

/// Reads a list into a container of capacity `cap` with `push`.
#[inline]
pub(super) fn decode_list<'de, T: Decode<'de>>(
    r: &mut Reader<'de>,
    cap: usize,
    mut push: impl FnMut(T),
) -> Result<(), Error> {
    r.enter()?;
    let offset = r.position();
    let count = r.length_in_memory(T::MIN_SIZE, size_of::<T>())?;
    if count > cap {
        return Err(Error::TooManyItems {
            offset,
            count: count as u64,
            limit: cap as u64,
        });
    }
    for _ in 0..count {
        push(T::decode(r)?);
    }
    r.leave();
    Ok(())
}

/// Reads a `str` for a string of capacity `cap` bytes.
#[inline]
pub(super) fn decode_str<'de>(r: &mut Reader<'de>, cap: usize) -> Result<&'de str, Error> {
    let offset = r.position();
    let s = r.str()?;
    if s.len() > cap {
        return Err(Error::TooManyItems {
            offset,
            count: s.len() as u64,
            limit: cap as u64,
        });
    }
    Ok(s)
}
