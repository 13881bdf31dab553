//! Length-delimited frames from arbitrary bytes: `FrameReader` over a reader
//! that hands out chunks of fuzzer-chosen sizes with `Interrupted` and
//! `WouldBlock` errors between them (anywhere in a prefix or a payload), and
//! the tokio `FrameCodec` / `BareCodec` decoders fed the bytes in pieces,
//! with a small or a large maximum frame size. Repetitions in the input are
//! expanded (`barewire_fuzz::expand`, up to 256 KiB) so that large frames
//! occur.
//!
//! Properties: no panics; the three decoders see the same frames in the same
//! order whatever the chunking and however often the reader would block (a
//! partial frame is kept and resumed); an oversize prefix is an error before
//! any frame bytes are buffered for it; the codec reserves room for a read,
//! not for the announced frame: its buffer stays within a small multiple of
//! what was fed to it plus 8 KiB.
#![no_main]

use barewire::Error;
use barewire::frame::{BareCodec, FrameCodec, FrameReader};
use barewire_fuzz::{Canon, Chunked, bytes_of, expand, split, would_block};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

/// Frames from a `FrameReader`, and whether it ended cleanly.
fn reader_frames(data: &[u8], sizes: &[u8], max: usize) -> (Vec<Vec<u8>>, bool) {
    let mut reader = FrameReader::with_max_frame(Chunked::new(data, sizes), max);
    let mut frames = Vec::new();
    loop {
        match reader.read_frame() {
            Ok(Some(frame)) => {
                assert!(frame.len() <= max);
                frames.push(frame.to_vec());
            }
            Ok(None) => return (frames, true),
            Err(Error::FrameTooLarge { size, limit }) => {
                assert!(size > limit && limit == max as u64);
                return (frames, false);
            }
            Err(Error::TruncatedFrame { .. }) => return (frames, false),
            Err(e) if would_block(&e) => continue,
            Err(e) => panic!("unexpected error from an in-memory reader: {e}"),
        }
    }
}

/// Frames from `FrameCodec`, fed in pieces, and whether it ended cleanly.
fn codec_frames(data: &[u8], sizes: &[u8], max: usize) -> (Vec<Vec<u8>>, bool) {
    let mut codec = FrameCodec::with_max_frame(max);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut rest = data;
    let mut turn = 0;
    loop {
        let n = if sizes.is_empty() {
            1
        } else {
            usize::from(sizes[turn % sizes.len()]) % 23 + 1
        };
        turn += 1;
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        buf.extend_from_slice(piece);
        loop {
            let result = if rest.is_empty() {
                codec.decode_eof(&mut buf)
            } else {
                codec.decode(&mut buf)
            };
            match result {
                Ok(Some(frame)) => {
                    assert!(frame.len() <= max);
                    frames.push(frame.to_vec());
                }
                Ok(None) => break,
                Err(Error::FrameTooLarge { .. }) | Err(Error::TruncatedFrame { .. }) => {
                    return (frames, false);
                }
                Err(e) => panic!("unexpected codec error: {e}"),
            }
        }
        let fed = data.len() - rest.len();
        assert!(
            buf.capacity() <= 4 * (fed + 8192) + 128,
            "codec reserved {} bytes for {fed} fed (max frame {max})",
            buf.capacity()
        );
        if rest.is_empty() {
            return (frames, buf.is_empty());
        }
    }
}

fn typed(data: &[u8], max: usize, frames: &[Vec<u8>]) {
    let mut codec = BareCodec::<Canon>::with_max_frame(max);
    let mut buf = BytesMut::from(data);
    let mut index = 0;
    while let Ok(Some(value)) = codec.decode(&mut buf) {
        assert_eq!(
            bytes_of(&value),
            frames[index],
            "BareCodec decoded another frame"
        );
        index += 1;
    }
    let mut reader = FrameReader::with_max_frame(data, max);
    for frame in frames {
        match reader.recv::<Canon>() {
            Ok(Some(value)) => assert_eq!(&bytes_of(&value), frame),
            Ok(None) => panic!("recv ended before read_frame did"),
            Err(_) => break,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (control, data) = split(data, 4);
    let data = &expand(data, 1 << 18, false)[..];
    let (select, sizes) = split(control, 1);
    let max = match select.first().copied().unwrap_or(0) % 4 {
        0 => 0,
        1 => 8,
        2 => 64,
        _ => 1 << 20,
    };
    let (from_reader, reader_clean) = reader_frames(data, sizes, max);
    let (from_codec, codec_clean) = codec_frames(data, sizes, max);
    assert_eq!(
        from_reader, from_codec,
        "FrameReader and FrameCodec disagree"
    );
    assert_eq!(
        reader_clean, codec_clean,
        "FrameReader and FrameCodec end differently"
    );
    typed(data, max, &from_reader);
});
