//! The 64-byte file header and the image checksum.
//!
//! Pure functions over bytes: no I/O, no `unsafe`, so they run under Miri.

use crate::error::Error;
use crate::fingerprint::fingerprint;
use crate::layout::Layout;
use crate::schema::Describe;

/// The first eight bytes of every barewire image file.
pub const MAGIC: [u8; 8] = *b"BAREIMG\0";

/// The file format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The header size; the image starts right after it, at file offset 64, so
/// a page-aligned mapping puts the image at a 64-byte-aligned address
/// (the largest alignment a layout may ask for).
pub const HEADER_LEN: usize = 64;

/// Offsets of the header fields (all little-endian).
mod at {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 8;
    pub const HEADER_LEN: usize = 12;
    pub const ROOT_ALIGN: usize = 14;
    pub const FINGERPRINT: usize = 16;
    pub const IMAGE_LEN: usize = 24;
    pub const CHECKSUM: usize = 32;
    pub const RESERVED: usize = 40;
    pub const HEADER_CHECK: usize = 56;
}

/// The decoded header of an image file.
///
/// ```text
/// offset size field
///      0    8 magic          "BAREIMG\0"
///      8    4 version        u32, 1
///     12    2 header length  u16, 64
///     14    2 root alignment u16, the root type's Layout::ALIGN
///     16    8 fingerprint    u64, see `fingerprint`
///     24    8 image length   u64, bytes after the header
///     32    8 checksum       u64, xxh64 (seed 0) of the image bytes
///     40   16 reserved       zero
///     56    8 header check   u64, xxh64 (seed 0) of bytes 0..56
/// ```
///
/// ```
/// use barewire::mmap::ImageHeader;
/// let image = barewire::to_layout(&7u64);
/// let header = ImageHeader::for_image::<u64>(&image);
/// let bytes = header.to_bytes();
/// assert_eq!(&bytes[..8], b"BAREIMG\0");
/// assert_eq!(ImageHeader::parse(&bytes)?, header);
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    /// Format version (see [`FORMAT_VERSION`]).
    pub version: u32,
    /// Alignment of the root type's inline part.
    pub root_align: u16,
    /// The root type's [`fingerprint`].
    pub fingerprint: u64,
    /// Length of the image in bytes.
    pub image_len: u64,
    /// [`checksum`] of the image bytes.
    pub checksum: u64,
}

impl ImageHeader {
    /// The header for `image`, an image of a `T`. Hashes the whole image
    /// once for the checksum.
    pub fn for_image<T: Layout + Describe + ?Sized>(image: &[u8]) -> Self {
        ImageHeader {
            version: FORMAT_VERSION,
            root_align: T::ALIGN as u16,
            fingerprint: fingerprint::<T>(),
            image_len: image.len() as u64,
            checksum: checksum(image),
        }
    }

    /// The 64 header bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[at::MAGIC..at::MAGIC + 8].copy_from_slice(&MAGIC);
        out[at::VERSION..at::VERSION + 4].copy_from_slice(&self.version.to_le_bytes());
        out[at::HEADER_LEN..at::HEADER_LEN + 2].copy_from_slice(&(HEADER_LEN as u16).to_le_bytes());
        out[at::ROOT_ALIGN..at::ROOT_ALIGN + 2].copy_from_slice(&self.root_align.to_le_bytes());
        out[at::FINGERPRINT..at::FINGERPRINT + 8].copy_from_slice(&self.fingerprint.to_le_bytes());
        out[at::IMAGE_LEN..at::IMAGE_LEN + 8].copy_from_slice(&self.image_len.to_le_bytes());
        out[at::CHECKSUM..at::CHECKSUM + 8].copy_from_slice(&self.checksum.to_le_bytes());
        let check = xxh64(&out[..at::HEADER_CHECK], 0);
        out[at::HEADER_CHECK..].copy_from_slice(&check.to_le_bytes());
        out
    }

    /// Parses and checks the header at the start of `bytes` (at least the
    /// first 64 bytes of a file): magic, version, header length, the header
    /// check word and the reserved bytes. It does not look at the type or
    /// the file length; [`check_for`](Self::check_for) does.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let prefix = bytes.len().min(8);
        if bytes[..prefix] != MAGIC[..prefix] {
            return Err(Error::FileHeader {
                offset: 0,
                reason: "bad magic: not a barewire image file",
            });
        }
        if bytes.len() < HEADER_LEN {
            return Err(Error::TruncatedFile {
                expected: HEADER_LEN as u64,
                actual: bytes.len() as u64,
            });
        }
        let version = u32::from_le_bytes(array(bytes, at::VERSION));
        if version > FORMAT_VERSION {
            return Err(Error::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let stored = u64::from_le_bytes(array(bytes, at::HEADER_CHECK));
        if xxh64(&bytes[..at::HEADER_CHECK], 0) != stored {
            return Err(Error::FileHeader {
                offset: at::HEADER_CHECK,
                reason: "header check word does not match: the header is damaged",
            });
        }
        if version == 0 {
            return Err(Error::FileHeader {
                offset: at::VERSION,
                reason: "format version 0 does not exist",
            });
        }
        if u16::from_le_bytes(array(bytes, at::HEADER_LEN)) as usize != HEADER_LEN {
            return Err(Error::FileHeader {
                offset: at::HEADER_LEN,
                reason: "header length is not 64",
            });
        }
        let root_align = u16::from_le_bytes(array(bytes, at::ROOT_ALIGN));
        if !root_align.is_power_of_two() || usize::from(root_align) > HEADER_LEN {
            return Err(Error::FileHeader {
                offset: at::ROOT_ALIGN,
                reason: "root alignment is not a power of two up to 64",
            });
        }
        if bytes[at::RESERVED..at::HEADER_CHECK]
            .iter()
            .any(|&b| b != 0)
        {
            return Err(Error::FileHeader {
                offset: at::RESERVED,
                reason: "reserved header bytes are not zero",
            });
        }
        Ok(ImageHeader {
            version,
            root_align,
            fingerprint: u64::from_le_bytes(array(bytes, at::FINGERPRINT)),
            image_len: u64::from_le_bytes(array(bytes, at::IMAGE_LEN)),
            checksum: u64::from_le_bytes(array(bytes, at::CHECKSUM)),
        })
    }

    /// Checks that the header describes an image of a `T` in a file of
    /// `file_len` bytes: the fingerprint, the exact file length, and room
    /// for the root's inline part. O(1).
    pub fn check_for<T: Layout + Describe + ?Sized>(&self, file_len: u64) -> Result<(), Error> {
        let expected = fingerprint::<T>();
        if self.fingerprint != expected {
            return Err(Error::WrongType {
                type_name: core::any::type_name::<T>(),
                expected,
                found: self.fingerprint,
            });
        }
        let total = self.image_len.checked_add(HEADER_LEN as u64);
        match total {
            Some(total) if total > file_len => {
                return Err(Error::TruncatedFile {
                    expected: total,
                    actual: file_len,
                });
            }
            Some(total) if total == file_len => {}
            _ => {
                return Err(Error::FileHeader {
                    offset: at::IMAGE_LEN,
                    reason: "the file is longer than the header's image length",
                });
            }
        }
        if self.image_len > crate::layout::MAX_IMAGE_SIZE as u64 {
            return Err(Error::SizeLimit {
                size: self.image_len,
                limit: crate::layout::MAX_IMAGE_SIZE as u64,
            });
        }
        if (self.image_len as usize) < T::SIZE {
            return Err(Error::InvalidLayout {
                offset: 0,
                reason: "image too short for the root's inline part",
            });
        }
        Ok(())
    }

    /// Checks `image` against the header's checksum: O(image length).
    pub fn verify(&self, image: &[u8]) -> Result<(), Error> {
        let actual = checksum(image);
        if actual != self.checksum {
            return Err(Error::ChecksumMismatch {
                expected: self.checksum,
                actual,
            });
        }
        Ok(())
    }
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

/// The image checksum: XXH64 with seed 0 (the published xxHash 64-bit
/// algorithm), several GB/s, so verifying a large file is bound by the disk.
///
/// ```
/// assert_eq!(barewire::mmap::checksum(b""), 0xef46_db37_51d8_e999);
/// assert_eq!(barewire::mmap::checksum(b"abc"), 0x44bc_2cf5_ad77_0999);
/// ```
pub fn checksum(bytes: &[u8]) -> u64 {
    xxh64(bytes, 0)
}

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

#[inline(always)]
fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

#[inline(always)]
fn merge(acc: u64, value: u64) -> u64 {
    (acc ^ round(0, value)).wrapping_mul(P1).wrapping_add(P4)
}

#[inline(always)]
fn le64(bytes: &[u8]) -> u64 {
    let mut out = [0u8; 8];
    out.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(out)
}

/// XXH64 of `input` with `seed`.
fn xxh64(input: &[u8], seed: u64) -> u64 {
    let len = input.len() as u64;
    let mut rest = input;
    let mut hash = if input.len() >= 32 {
        let mut v = [
            seed.wrapping_add(P1).wrapping_add(P2),
            seed.wrapping_add(P2),
            seed,
            seed.wrapping_sub(P1),
        ];
        let mut stripes = input.chunks_exact(32);
        for stripe in &mut stripes {
            v[0] = round(v[0], le64(&stripe[0..]));
            v[1] = round(v[1], le64(&stripe[8..]));
            v[2] = round(v[2], le64(&stripe[16..]));
            v[3] = round(v[3], le64(&stripe[24..]));
        }
        rest = stripes.remainder();
        let mut h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for lane in v {
            h = merge(h, lane);
        }
        h
    } else {
        seed.wrapping_add(P5)
    };
    hash = hash.wrapping_add(len);
    let mut words = rest.chunks_exact(8);
    for word in &mut words {
        hash ^= round(0, le64(word));
        hash = hash.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
    }
    let mut rest = words.remainder();
    if rest.len() >= 4 {
        let mut four = [0u8; 4];
        four.copy_from_slice(&rest[..4]);
        hash ^= u64::from(u32::from_le_bytes(four)).wrapping_mul(P1);
        hash = hash.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        rest = &rest[4..];
    }
    for &b in rest {
        hash ^= u64::from(b).wrapping_mul(P5);
        hash = hash.rotate_left(11).wrapping_mul(P1);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(P2);
    hash ^= hash >> 29;
    hash = hash.wrapping_mul(P3);
    hash ^= hash >> 32;
    hash
}
