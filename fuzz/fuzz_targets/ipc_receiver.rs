//! The receiving end of a shared-memory channel over a channel file whose
//! header words and ring are arbitrary: what a broken or hostile sender can
//! leave there.
//!
//! The first input byte says which header words to make right (magic and
//! version, capacity, fingerprint, an absent receiver, `head` within
//! `capacity` of `tail`) so the fuzzer reaches the record parsing behind
//! those checks.
//!
//! Properties: no panics and no reads outside the ring; every message handed
//! out fits the ring and the largest-message bound; `to_owned` and `view` of
//! a message's private copy never panic.
#![no_main]

use std::path::PathBuf;

use barewire::ipc::Receiver;
use barewire::mmap::fingerprint;
use barewire_fuzz::{Rich, read_rich, split};
use libfuzzer_sys::fuzz_target;

const HEADER: usize = 512;
/// Header words (index = byte offset / 8) of channel format version 2.
const W_VERSION: usize = 1;
const W_CAPACITY: usize = 2;
const W_FINGERPRINT: usize = 3;
const W_HEAD: usize = 16;
const W_TAIL: usize = 32;
const W_SENDER: usize = 48;
const W_RECEIVER: usize = 50;

fn temp_path() -> PathBuf {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("barewire-fuzz-ipc-{}.chan", std::process::id()))
}

fn put(file: &mut [u8], word: usize, value: u64) {
    file[word * 8..word * 8 + 8].copy_from_slice(&value.to_le_bytes());
}

fn get(file: &[u8], word: usize) -> u64 {
    u64::from_le_bytes(file[word * 8..word * 8 + 8].try_into().unwrap())
}

fuzz_target!(|data: &[u8]| {
    let (control, rest) = split(data, 1);
    let fix = control.first().copied().unwrap_or(0);
    // Header words come first in the input, then the ring.
    let mut file = rest.to_vec();
    if fix & 1 != 0 {
        // A ring of whole 64-byte lines, at least 256 bytes.
        let ring = file
            .len()
            .saturating_sub(HEADER)
            .next_multiple_of(64)
            .max(256);
        file.resize(HEADER + ring, 0);
    }
    if file.len() >= HEADER {
        let capacity = (file.len() - HEADER) as u64;
        if fix & 2 != 0 {
            put(&mut file, 0, u64::from_le_bytes(*b"BAREIPC\0"));
            put(&mut file, W_VERSION, 2);
        }
        if fix & 4 != 0 {
            put(&mut file, W_CAPACITY, capacity);
        }
        if fix & 8 != 0 {
            put(&mut file, W_FINGERPRINT, fingerprint::<Rich>());
        }
        if fix & 16 != 0 {
            put(&mut file, W_RECEIVER, 0);
        }
        if fix & 32 != 0 && capacity > 0 {
            // head = tail + (head word mod capacity + 1): some data committed.
            let tail = get(&file, W_TAIL);
            let used = get(&file, W_HEAD) % capacity + 1;
            put(&mut file, W_HEAD, tail.wrapping_add(used));
        }
        if fix & 64 != 0 {
            // A sender that has closed: the receiver drains, then sees the end.
            put(&mut file, W_SENDER, 2);
        }
    }
    let path = temp_path();
    std::fs::write(&path, &file).expect("write channel file");
    // SAFETY: the channel contract: the file is private to this process
    // (its name has our pid) and nothing truncates or writes it while the
    // receiver lives: this target plays a sender that wrote garbage once,
    // before opening, and never writes again.
    let Ok(mut receiver) = (unsafe { Receiver::<Rich>::open(&path) }) else {
        return;
    };
    let capacity = receiver.capacity();
    for _ in 0..8 {
        match receiver.try_recv() {
            Ok(Some(message)) => {
                assert!(
                    message.len() <= capacity / 2,
                    "message larger than half the ring"
                );
                assert_eq!(message.bytes().len(), message.len());
                let copy = message.to_buf();
                assert_eq!(&copy[..], message.bytes());
                if let Ok(view) = barewire::view::<Rich>(&copy) {
                    read_rich(&view, 0);
                }
                if let Ok(view) = message.view() {
                    read_rich(&view, 0);
                }
                let _ = message.to_owned();
            }
            Ok(None) | Err(_) => break,
        }
    }
    drop(receiver);
});
