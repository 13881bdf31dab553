//! Image files: header, fingerprint, checksum, mapping and its errors.
#![cfg(feature = "mmap")]

use std::io::{Seek, SeekFrom, Write};

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use barewire::mmap::{self, HEADER_LEN, ImageFile, ImageHeader};
use barewire::{Bare, Error};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    request: String,
    code: u16,
    size: u64,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Logs {
    name: String,
    entries: Vec<Log>,
}

fn log(i: u16) -> Log {
    Log {
        address: [10, 0, (i >> 8) as u8, i as u8],
        request: format!("GET /item/{i}"),
        code: 200 + i % 3,
        size: u64::from(i) * 1000,
    }
}

/// A fresh path in the temp dir, removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        TempPath(std::env::temp_dir().join(format!(
            "barewire-test-{}-{tag}-{n}.img",
            std::process::id()
        )))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---- pure parts (run under Miri) ------------------------------------------

#[test]
fn xxh64_matches_reference_vectors() {
    // Reference values from the xxHash reference implementation (python
    // `xxhash` package), covering the short, 4-byte, 8-byte and 32-byte
    // stripe paths.
    let cases: [(Vec<u8>, u64); 8] = [
        (vec![], 0xef46db3751d8e999),
        (b"a".to_vec(), 0xd24ec4f1a98c6e5b),
        (b"abc".to_vec(), 0x44bc2cf5ad770999),
        ((0..31).collect(), 0xc346d2b59b4d8ee1),
        ((0..32).collect(), 0xcbf59c5116ff32b4),
        ((0..37).collect(), 0xd93fa2dfee5c24c9),
        ((0..100).collect(), 0x6ac1e58032166597),
        (
            (0..1000u32).map(|i| (i * 7 % 251) as u8).collect(),
            0x023fd2ed1ff957d5,
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(mmap::checksum(&data), expected, "len {}", data.len());
    }
}

#[test]
fn header_bytes_are_exact() {
    let header = ImageHeader {
        version: 1,
        root_align: 8,
        fingerprint: 0x0102_0304_0506_0708,
        image_len: 24,
        checksum: 0xaabb_ccdd_eeff_0011,
    };
    let bytes = header.to_bytes();
    assert_eq!(&bytes[0..8], b"BAREIMG\0");
    assert_eq!(&bytes[8..12], &[1, 0, 0, 0]);
    assert_eq!(&bytes[12..14], &[64, 0]);
    assert_eq!(&bytes[14..16], &[8, 0]);
    assert_eq!(&bytes[16..24], &[8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(&bytes[24..32], &[24, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        &bytes[32..40],
        &[0x11, 0, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa]
    );
    assert_eq!(&bytes[40..56], &[0; 16]);
    assert_eq!(
        u64::from_le_bytes(bytes[56..64].try_into().unwrap()),
        mmap::checksum(&bytes[..56])
    );
    assert_eq!(ImageHeader::parse(&bytes).unwrap(), header);
}

#[test]
fn header_errors_are_specific() {
    let image = barewire::to_layout(&log(1));
    let good = ImageHeader::for_image::<Log>(&image).to_bytes();

    let err = ImageHeader::parse(b"PK\x03\x04 not an image").unwrap_err();
    assert!(matches!(err, Error::FileHeader { offset: 0, .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "invalid image file header at byte 0: bad magic: not a barewire image file"
    );

    let err = ImageHeader::parse(&good[..40]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TruncatedFile {
                expected: 64,
                actual: 40
            }
        ),
        "{err}"
    );

    let mut future = good;
    future[8] = 2;
    let err = ImageHeader::parse(&future).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnsupportedVersion {
                found: 2,
                supported: 1
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "unsupported format version 2: this barewire reads version 1 and older"
    );

    // Any single damaged byte after the magic and version is caught.
    for at in 12..HEADER_LEN {
        let mut damaged = good;
        damaged[at] ^= 0x10;
        let err = ImageHeader::parse(&damaged).unwrap_err();
        assert!(
            matches!(err, Error::FileHeader { offset: 56, .. }),
            "byte {at}: {err}"
        );
    }
}

#[test]
fn fingerprint_catches_type_and_field_order_changes() {
    mod v1 {
        #[derive(barewire::Bare)]
        pub struct Rec {
            pub a: u32,
            pub b: u64,
        }
    }
    mod v2 {
        // Same fields, other declaration order: the schema changes.
        #[derive(barewire::Bare)]
        pub struct Rec {
            pub b: u64,
            pub a: u32,
        }
    }
    mod v3 {
        // Same schema as v1, other layout (declared order puts `a` first).
        #[derive(barewire::Bare)]
        #[bare(order = "declared")]
        pub struct Rec {
            pub a: u32,
            pub b: u64,
        }
    }
    assert_eq!(barewire::schema::<v1::Rec>(), barewire::schema::<v3::Rec>());
    let [f1, f2, f3] = [
        mmap::fingerprint::<v1::Rec>(),
        mmap::fingerprint::<v2::Rec>(),
        mmap::fingerprint::<v3::Rec>(),
    ];
    assert_ne!(f1, f2);
    assert_ne!(f1, f3);
    assert_ne!(f2, f3);
    // Stable: the same definition always hashes the same.
    assert_eq!(f1, mmap::fingerprint::<v1::Rec>());
    assert_ne!(mmap::fingerprint::<Log>(), mmap::fingerprint::<Logs>());
    assert_ne!(mmap::fingerprint::<u32>(), mmap::fingerprint::<u64>());
    assert_ne!(mmap::fingerprint::<Vec<u32>>(), mmap::fingerprint::<u32>());
}

#[test]
fn header_check_for_type_and_length() {
    let image = barewire::to_layout(&log(2));
    let header = ImageHeader::for_image::<Log>(&image);
    let file_len = (HEADER_LEN + image.len()) as u64;
    header.check_for::<Log>(file_len).unwrap();
    let err = header.check_for::<Logs>(file_len).unwrap_err();
    assert!(matches!(err, Error::WrongType { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("image is of another type: fingerprint 0x"),
        "{err}"
    );
    let err = header.check_for::<Log>(file_len - 1).unwrap_err();
    assert!(matches!(err, Error::TruncatedFile { .. }), "{err}");
    let err = header.check_for::<Log>(file_len + 1).unwrap_err();
    assert!(matches!(err, Error::FileHeader { offset: 24, .. }), "{err}");
}

#[test]
fn header_parse_never_panics() {
    // A cheap deterministic sweep (Miri-friendly): prefixes of a good
    // header and single-byte corruptions of each position.
    let image = barewire::to_layout(&7u64);
    let good = ImageHeader::for_image::<u64>(&image).to_bytes();
    for len in 0..=HEADER_LEN {
        let _ = ImageHeader::parse(&good[..len]);
    }
    for at in 0..HEADER_LEN {
        for value in [0u8, 1, 0x7f, 0xff] {
            let mut bytes = good;
            bytes[at] = value;
            if let Ok(header) = ImageHeader::parse(&bytes) {
                let _ = header.check_for::<u64>(u64::MAX);
                let _ = header.check_for::<u64>(0);
            }
        }
    }
}

// ---- files and mappings -----------------------------------------------------

fn logs(n: u16) -> Logs {
    Logs {
        name: "access log".into(),
        entries: (0..n).map(log).collect(),
    }
}

#[test]
#[cfg_attr(miri, ignore = "mmap is a system call Miri does not run")]
fn write_open_view_verify() {
    let path = TempPath::new("roundtrip");
    let value = logs(100);
    mmap::write_file(&path.0, &value).unwrap();

    // SAFETY: the file is private to this test and not modified while open.
    let file = unsafe { ImageFile::<Logs>::open(&path.0) }.unwrap();
    assert!(file.is_mapped());
    assert_eq!(file.image().as_ptr() as usize % 64, 0);
    file.verify().unwrap();
    let view = file.view().unwrap();
    assert_eq!(view.name().as_str().unwrap(), "access log");
    assert_eq!(view.entries().len(), 100);
    assert_eq!(view.entries().get(42).unwrap().code(), 200);
    assert_eq!(file.to_owned().unwrap(), value);
    file.check_full().unwrap();
    // Written by barewire for `Logs` and verified above: no check needed.
    let unchecked = file.view_unchecked();
    assert_eq!(unchecked.entries().get(99).unwrap().size(), 99_000);

    let loaded = ImageFile::<Logs>::load(&path.0).unwrap();
    assert!(!loaded.is_mapped());
    assert_eq!(loaded.to_owned().unwrap(), value);
    assert_eq!(loaded.image(), file.image());
}

#[test]
#[cfg_attr(miri, ignore = "mmap is a system call Miri does not run")]
fn open_errors() {
    let path = TempPath::new("errors");
    mmap::write_file(&path.0, &logs(10)).unwrap();
    let good = std::fs::read(&path.0).unwrap();

    let open = |bytes: &[u8]| -> (Error, Error) {
        std::fs::write(&path.0, bytes).unwrap();
        // SAFETY: private file, not modified while open.
        let mapped = unsafe { ImageFile::<Logs>::open(&path.0) }.unwrap_err();
        let loaded = ImageFile::<Logs>::load(&path.0).unwrap_err();
        (mapped, loaded)
    };

    // Another type.
    std::fs::write(&path.0, &good).unwrap();
    // SAFETY: as above.
    let err = unsafe { ImageFile::<Log>::open(&path.0) }.unwrap_err();
    assert!(matches!(err, Error::WrongType { .. }), "{err}");

    // Truncated, in the image and in the header.
    for cut in [good.len() - 1, HEADER_LEN + 3, HEADER_LEN, 30, 0] {
        let (a, b) = open(&good[..cut]);
        assert!(matches!(a, Error::TruncatedFile { .. }), "{cut}: {a}");
        assert!(matches!(b, Error::TruncatedFile { .. }), "{cut}: {b}");
    }

    // Damaged header.
    let mut damaged = good.clone();
    damaged[20] ^= 1;
    let (a, b) = open(&damaged);
    assert!(matches!(a, Error::FileHeader { .. }), "{a}");
    assert!(matches!(b, Error::FileHeader { .. }), "{b}");

    // Future format version.
    let mut future = good.clone();
    future[8..12].copy_from_slice(&7u32.to_le_bytes());
    let (a, _) = open(&future);
    assert!(
        matches!(a, Error::UnsupportedVersion { found: 7, .. }),
        "{a}"
    );

    // Not an image at all.
    let (a, _) = open(b"hello, this is a text file and not a barewire image at all, honestly");
    assert!(matches!(a, Error::FileHeader { offset: 0, .. }), "{a}");

    // Trailing garbage after the image.
    let mut longer = good.clone();
    longer.extend_from_slice(&[0; 64]);
    let (a, _) = open(&longer);
    assert!(matches!(a, Error::FileHeader { .. }), "{a}");
}

#[test]
#[cfg_attr(miri, ignore = "mmap is a system call Miri does not run")]
fn damaged_contents_found_by_checksum_and_structure() {
    let path = TempPath::new("damaged");
    mmap::write_file(&path.0, &logs(10)).unwrap();
    let good = std::fs::read(&path.0).unwrap();

    // A changed number: opening and the structural check pass, the checksum
    // does not.
    let mut changed = good.clone();
    let last = changed.len() - 1;
    changed[last] ^= 0x01; // inside the last string's bytes or padding
    std::fs::write(&path.0, &changed).unwrap();
    // SAFETY: private file, not modified while open.
    let file = unsafe { ImageFile::<Logs>::open(&path.0) }.unwrap();
    let err = file.verify().unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("checksum mismatch: the image hashes to 0x"),
        "{err}"
    );
    drop(file);

    // A broken offset: the structural check catches it.
    let mut broken = good.clone();
    // The root `Logs` inline part starts at HEADER_LEN; its list offset
    // sits somewhere in it: break every 4-byte word to a huge offset.
    for at in (HEADER_LEN..HEADER_LEN + 16).step_by(4) {
        broken[at..at + 4].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
    }
    std::fs::write(&path.0, &broken).unwrap();
    // SAFETY: as above.
    let file = unsafe { ImageFile::<Logs>::open(&path.0) }.unwrap();
    assert!(file.view().is_err());
    assert!(file.verify().is_err());
}

#[test]
#[cfg_attr(miri, ignore = "mmap is a system call Miri does not run")]
fn rewriting_replaces_the_file_and_keeps_old_mappings_whole() {
    let path = TempPath::new("replace");
    mmap::write_file(&path.0, &log(1)).unwrap();
    // SAFETY: barewire only replaces the file by renaming, never in place.
    let old = unsafe { ImageFile::<Log>::open(&path.0) }.unwrap();
    mmap::write_file(&path.0, &log(2)).unwrap();
    // SAFETY: as above.
    let new = unsafe { ImageFile::<Log>::open(&path.0) }.unwrap();
    assert_eq!(old.view().unwrap().code(), 201);
    assert_eq!(new.view().unwrap().code(), 202);
    old.verify().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "file I/O")]
fn write_image_to_any_writer() {
    let image = barewire::to_layout(&logs(3));
    let path = TempPath::new("writer");
    let mut file = std::fs::File::create(&path.0).unwrap();
    mmap::write_image::<Logs, _>(&mut file, &image).unwrap();
    file.flush().unwrap();
    assert_eq!(
        file.seek(SeekFrom::End(0)).unwrap(),
        (HEADER_LEN + image.len()) as u64
    );
}
