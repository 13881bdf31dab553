//! Image files from arbitrary bytes: `ImageHeader::parse`, `check_for`,
//! `verify`, and `ImageFile::load` of the same bytes written to a file.
//!
//! The first input byte says which header fields to make right before the
//! bytes are used (the header check word, the fingerprint, the image length,
//! the checksum), so the fuzzer gets past the checks that a random header
//! fails and reaches the image behind them.
//!
//! Properties: no panics; a header that parses writes back to the same 64
//! bytes; `load` accepts exactly what `parse` + `check_for` accept (for a
//! file of the same length), and then views the same as the pure path.
#![no_main]

use std::io::Write;
use std::path::PathBuf;

use barewire::layout::{self, LayoutBuf};
use barewire::mmap::{HEADER_LEN, ImageFile, ImageHeader, checksum, fingerprint};
use barewire_fuzz::{Rich, read_rich};
use libfuzzer_sys::fuzz_target;

fn temp_path() -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("barewire-fuzz-header-{}.img", std::process::id()))
}

/// Makes the fields `fix` asks for right: bit 0 the check word, bit 1 the
/// fingerprint, bit 2 the image length, bit 3 the checksum.
fn fix_up(fix: u8, file: &mut Vec<u8>) {
    if file.len() < HEADER_LEN {
        return;
    }
    let image_len = (file.len() - HEADER_LEN) as u64;
    let sum = checksum(&file[HEADER_LEN..]);
    if fix & 2 != 0 {
        file[16..24].copy_from_slice(&fingerprint::<Rich>().to_le_bytes());
    }
    if fix & 4 != 0 {
        file[24..32].copy_from_slice(&image_len.to_le_bytes());
    }
    if fix & 8 != 0 {
        file[32..40].copy_from_slice(&sum.to_le_bytes());
    }
    if fix & 16 != 0 {
        file[..8].copy_from_slice(b"BAREIMG\0");
        file[8..12].copy_from_slice(&1u32.to_le_bytes());
        file[12..14].copy_from_slice(&64u16.to_le_bytes());
        file[40..56].fill(0);
    }
    if fix & 1 != 0 {
        // The check word is xxh64 of bytes 0..56: let `to_bytes` compute it
        // when the rest parses, else leave it (parse fails earlier anyway).
        let mut probe = file[..HEADER_LEN].to_vec();
        let header = ImageHeader {
            version: u32::from_le_bytes(probe[8..12].try_into().unwrap()),
            root_align: u16::from_le_bytes(probe[14..16].try_into().unwrap()),
            fingerprint: u64::from_le_bytes(probe[16..24].try_into().unwrap()),
            image_len: u64::from_le_bytes(probe[24..32].try_into().unwrap()),
            checksum: u64::from_le_bytes(probe[32..40].try_into().unwrap()),
        };
        let written = header.to_bytes();
        // `to_bytes` writes magic, header length and zero reserved bytes;
        // keep the input's own where they differ, so those checks still see
        // fuzzed values, and only take the check word when nothing differs.
        if written[..56] == probe[..56] {
            probe[56..64].copy_from_slice(&written[56..64]);
            file[..HEADER_LEN].copy_from_slice(&probe);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&fix, rest)) = data.split_first() else {
        return;
    };
    let mut file = rest.to_vec();
    fix_up(fix, &mut file);

    let parsed = ImageHeader::parse(&file);
    let pure = parsed.as_ref().ok().and_then(|header| {
        assert_eq!(
            &header.to_bytes()[..],
            &file[..HEADER_LEN],
            "parse/to_bytes disagree"
        );
        header.check_for::<Rich>(file.len() as u64).ok()?;
        let image = LayoutBuf::from_bytes(&file[HEADER_LEN..]);
        let _ = header.verify(&image);
        Some(image)
    });
    if let Some(image) = &pure {
        if let Ok(view) = barewire::view::<Rich>(image) {
            read_rich(&view, 0);
        }
        let _ = layout::to_owned::<Rich>(image);
    }

    // The same bytes through a file.
    let path = temp_path();
    {
        let mut f = std::fs::File::create(&path).expect("create temp file");
        f.write_all(&file).expect("write temp file");
    }
    let loaded = ImageFile::<Rich>::load(&path);
    assert_eq!(
        loaded.is_ok(),
        pure.is_some(),
        "load and parse+check_for disagree: {:?}",
        loaded.as_ref().err()
    );
    if let Ok(img) = &loaded {
        assert_eq!(img.image(), &pure.as_ref().unwrap()[..]);
        let _ = img.verify();
        if let Ok(view) = img.view() {
            read_rich(&view, 0);
        }
        let _ = img.check_full().map(|v| read_rich(&v, 0));
        let _ = img.to_owned();
    }
    // SAFETY: `open`'s contract: nothing modifies or truncates the file
    // while the mapping lives; this process alone uses this path (it is
    // named after the process id) and rewrites it only after the map drops.
    let opened = unsafe { ImageFile::<Rich>::open(&path) };
    assert_eq!(
        opened.is_ok(),
        pure.is_some(),
        "open and parse+check_for disagree"
    );
    if let Ok(img) = &opened {
        if let Ok(view) = img.view() {
            read_rich(&view, 0);
        }
    }
});
