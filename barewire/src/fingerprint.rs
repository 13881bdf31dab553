//! The type fingerprint: a stable 64-bit hash of everything that decides
//! how an image of a type is read, so that a file or a channel made for one
//! definition is never opened as another.
//!
//! Image files ([`crate::mmap`]) and channels ([`crate::ipc`]) store it and
//! compare it when they open. It covers the BARE schema of every named type
//! the root reaches, and the layout facts of every type it reaches: inline
//! size and alignment, each field's offset, size, alignment and padding, and
//! the hints that change how a field is stored (`align`, `out_of_line`,
//! `intern`, `order`), nested types included.

use alloc::string::String;
use core::fmt::Write as _;

use crate::layout::Layout;
use crate::layout::facts::LayoutFacts;
use crate::schema::{Builder, Describe};

/// The text a [`fingerprint`] hashes: the root type expression, the
/// canonical BARE schema of every named type it uses, and the layout facts
/// of the root and of every type it reaches (inline size and alignment,
/// each field's name, offset, size, alignment and padding, and the layout
/// hints), so a change of field order or of a layout hint anywhere changes
/// it even where the schema does not.
///
/// ```
/// #[derive(barewire::Bare)]
/// struct Point { x: i32, y: i32 }
/// let text = barewire::mmap::fingerprint_text::<Point>();
/// assert!(text.starts_with("root Point\n"));
/// assert!(text.contains("type Point struct"));
/// assert!(text.contains("layout #0 8 4 "));
/// assert!(text.contains("\nfield x 0 4 4 0\nfield y 4 4 4 0\n"));
/// ```
pub fn fingerprint_text<T: Layout + Describe + ?Sized>() -> String {
    let mut builder = Builder::new();
    let root = builder.describe::<T>();
    let schema = builder.finish();
    let mut facts = LayoutFacts::default();
    T::layout_facts(&mut facts);
    let mut text = String::new();
    let _ = write!(text, "root {root}\n{schema}{}", facts.text());
    text
}

/// The stable 64-bit fingerprint of `T`: FNV-1a 64 of
/// [`fingerprint_text`]. Equal across builds, platforms and processes for
/// the same definition (unlike `TypeId`); different when the schema or the
/// layout of any type it reaches changes.
///
/// ```
/// #[derive(barewire::Bare)]
/// struct A { x: u32, y: u64 }
/// use barewire::mmap::fingerprint;
/// assert_eq!(fingerprint::<A>(), fingerprint::<A>());
/// assert_ne!(fingerprint::<A>(), fingerprint::<u64>());
/// ```
pub fn fingerprint<T: Layout + Describe + ?Sized>() -> u64 {
    fnv1a64(fingerprint_text::<T>().as_bytes())
}

/// FNV-1a, 64 bits: the fingerprint hash (short inputs, stable, simple).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use crate::fingerprint::fnv1a64;

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
