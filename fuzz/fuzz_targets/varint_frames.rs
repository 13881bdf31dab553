//! Frames with a BARE `uint` length prefix (`VarintCodec`) from arbitrary
//! bytes, fed in pieces of fuzzer-chosen sizes, with a small or a large
//! maximum frame size. Repetitions in the input are expanded
//! (`barewire_fuzz::expand`, up to 256 KiB) so that large frames occur.
//!
//! Properties: no panics; the frames are the same whatever the chunking
//! (compared with feeding everything at once); every frame is within the
//! maximum; the buffer stays within a small multiple of what was fed plus 8 KiB; each frame
//! re-encodes to the bytes it came from; a frame decodes into a borrowed
//! message or `Bytes` fields sharing its memory without panicking.
#![no_main]

use barewire::frame::VarintCodec;
use barewire_fuzz::{expand, split};
use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::{Decoder, Encoder};

#[derive(barewire::Bare, Debug)]
struct Message<'a> {
    seq: u8,
    text: &'a str,
    blob: Bytes,
}

/// The frames, and whether the stream ended cleanly.
fn frames(data: &[u8], sizes: &[u8], max: usize) -> (Vec<Bytes>, bool) {
    let mut codec = VarintCodec::with_max_frame(max);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut rest = data;
    let mut fed = 0usize;
    let mut turn = 0;
    loop {
        let n = if sizes.is_empty() {
            rest.len().max(1)
        } else {
            usize::from(sizes[turn % sizes.len()]) % 23 + 1
        };
        turn += 1;
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        buf.extend_from_slice(piece);
        fed += piece.len();
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(frame)) => {
                    assert!(frame.len() <= max);
                    out.push(frame);
                }
                Ok(None) => break,
                Err(_) => return (out, false),
            }
        }
        assert!(buf.capacity() <= 4 * (fed + 8192) + 128);
        if rest.is_empty() {
            return match codec.decode_eof(&mut buf) {
                Ok(Some(frame)) => {
                    out.push(frame);
                    (out, true)
                }
                Ok(None) => (out, true),
                Err(_) => (out, false),
            };
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&control, rest)) = input.split_first() else {
        return;
    };
    let (sizes, data) = split(rest, usize::from(control % 16));
    let data = expand(data, 256 << 10, false);
    let max = if control & 0x80 != 0 { 64 } else { 1 << 20 };
    let (whole, whole_ok) = frames(&data, &[], max);
    let (pieces, pieces_ok) = frames(&data, sizes, max);
    assert_eq!(whole, pieces);
    assert_eq!(whole_ok, pieces_ok);
    let mut again = BytesMut::new();
    for frame in &whole {
        VarintCodec::with_max_frame(max)
            .encode(frame.clone(), &mut again)
            .expect("a decoded frame re-encodes");
        let _ = barewire::from_slice::<Message<'_>>(frame);
        if let Ok(m) = barewire::from_bytes::<Message<'_>>(frame) {
            assert!(m.blob.is_empty() || frame.as_ptr_range().contains(&m.blob.as_ptr()));
        }
    }
    assert_eq!(&again[..], &data[..again.len()]);
});
