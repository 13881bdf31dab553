//! The BARE varints: `uint` (LEB128) and `int` (zig-zag LEB128).

use alloc::vec::Vec;

/// A BARE `uint`: an unsigned integer encoded as a LEB128 varint of 1 to 10
/// bytes.
///
/// ```
/// use barewire::Uint;
/// assert_eq!(barewire::to_vec(&Uint(127)), [0x7f]);
/// assert_eq!(barewire::to_vec(&Uint(128)), [0x80, 0x01]);
/// assert_eq!(barewire::from_slice::<Uint>(&[0xff, 0x01])?, Uint(255));
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(transparent)]
pub struct Uint(pub u64);

/// A BARE `int`: a signed integer, zig-zag mapped to unsigned and encoded as a
/// LEB128 varint.
///
/// ```
/// use barewire::Int;
/// assert_eq!(barewire::to_vec(&Int(-1)), [0x01]);
/// assert_eq!(barewire::to_vec(&Int(64)), [0x80, 0x01]);
/// assert_eq!(barewire::from_slice::<Int>(&[0x7f])?, Int(-64));
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[repr(transparent)]
pub struct Int(pub i64);

impl From<u64> for Uint {
    fn from(v: u64) -> Self {
        Uint(v)
    }
}

impl From<Uint> for u64 {
    fn from(v: Uint) -> Self {
        v.0
    }
}

impl From<i64> for Int {
    fn from(v: i64) -> Self {
        Int(v)
    }
}

impl From<Int> for i64 {
    fn from(v: Int) -> Self {
        v.0
    }
}

/// Appends `value` as a LEB128 varint.
#[inline]
pub(crate) fn write_uint(out: &mut Vec<u8>, value: u64) {
    if value < 0x80 {
        out.push(value as u8);
    } else {
        write_uint_multi_byte(out, value);
    }
}

#[inline(never)]
fn write_uint_multi_byte(out: &mut Vec<u8>, mut value: u64) {
    let mut buf = [0u8; 10];
    let mut len = 0;
    while value >= 0x80 {
        buf[len] = (value as u8) | 0x80;
        value >>= 7;
        len += 1;
    }
    buf[len] = value as u8;
    out.extend_from_slice(&buf[..=len]);
}

/// Appends `value` as a zig-zag LEB128 varint.
#[inline]
pub(crate) fn write_int(out: &mut Vec<u8>, value: i64) {
    write_uint(out, ((value << 1) ^ (value >> 63)) as u64);
}

/// The encoded length of a `uint`.
#[inline]
pub(crate) fn uint_len(value: u64) -> usize {
    // 1 byte per started group of 7 bits; 0 takes one byte.
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}
