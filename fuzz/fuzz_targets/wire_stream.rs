//! Streaming decoders over arbitrary bytes: `SliceDecoder` iteration and
//! `IoDecoder` over a reader that hands out chunks of fuzzer-chosen sizes
//! (1 byte to 256 KiB) with `Interrupted` and `WouldBlock` errors between
//! them. Repetitions in the input are expanded (`barewire_fuzz::expand`, up
//! to 256 KiB), so that small inputs stand for large messages read a byte at
//! a time: the shape that made `IoDecoder` quadratic.
//!
//! Properties: both terminate without panics, in time linear in the input;
//! the slice decoder consumes exactly what it decodes; the I/O decoder
//! decodes the same messages as the slice decoder, whatever the chunking and
//! however often the reader would block (the partial message is kept), and
//! accounts for every byte at the end of the stream.
#![no_main]

use barewire::{Decode, DecodeOwned, Encode, Error, IoDecoder, Limits, SliceDecoder};
use barewire_fuzz::{Canon, Chunked, Item, bytes_of, expand, split, would_block};
use libfuzzer_sys::fuzz_target;

/// The messages a slice decoder finds, and whether it stopped on an error.
fn slices<'de, T: Decode<'de> + Encode>(data: &'de [u8], limits: Limits) -> (Vec<Vec<u8>>, bool) {
    let mut decoder = SliceDecoder::with_limits(data, limits);
    let mut seen = Vec::new();
    let mut consumed = 0;
    let mut failed = false;
    for item in decoder.iter::<T>() {
        match item {
            Ok(v) => {
                let bytes = bytes_of(&v);
                assert_eq!(
                    bytes,
                    data[consumed..consumed + bytes.len()],
                    "not canonical"
                );
                consumed += bytes.len();
                seen.push(bytes);
            }
            Err(_) => failed = true,
        }
    }
    assert_eq!(decoder.position(), consumed);
    assert_eq!(decoder.remaining(), &data[consumed..]);
    (seen, failed)
}

fn streams<T: DecodeOwned + Encode>(data: &[u8], sizes: &[u8], limits: Limits) {
    let (expected, slice_failed) = slices::<T>(data, limits);
    let mut decoder = IoDecoder::with_limits(Chunked::new(data, sizes), limits);
    let mut consumed = 0;
    let mut seen = Vec::new();
    loop {
        match decoder.decode::<T>() {
            Ok(Some(v)) => {
                let bytes = bytes_of(&v);
                consumed += bytes.len();
                seen.push(bytes);
            }
            Ok(None) => {
                assert_eq!(consumed, data.len(), "clean end before the input's end");
                assert!(
                    !slice_failed,
                    "I/O decoder accepted what the slice decoder rejected"
                );
                break;
            }
            Err(e) if would_block(&e) => continue,
            Err(Error::TruncatedStream { received }) => {
                assert_eq!(consumed + received, data.len(), "bytes unaccounted for");
                assert!(
                    slice_failed,
                    "truncated stream where the slice decoder had none"
                );
                break;
            }
            Err(_) => {
                assert!(
                    slice_failed,
                    "I/O decoder failed where the slice decoder did not"
                );
                break;
            }
        }
    }
    assert_eq!(seen, expected, "the two decoders disagree");
}

fuzz_target!(|data: &[u8]| {
    let (control, data) = split(data, 4);
    let data = &expand(data, 1 << 18, false)[..];
    let (select, sizes) = split(control, 1);
    let limits = match select.first().copied().unwrap_or(0) % 4 {
        0 => Limits::DEFAULT,
        1 => Limits::DEFAULT.with_max_size(16),
        2 => Limits::DEFAULT.with_max_size(64).with_max_depth(4),
        _ => Limits::DEFAULT.with_max_size(1),
    };
    streams::<Canon>(data, sizes, limits);
    streams::<Item>(data, sizes, limits);
    streams::<Vec<Vec<u8>>>(data, sizes, limits);
    streams::<(u8, String)>(data, sizes, limits);
    streams::<barewire::Uint>(data, sizes, limits);
    streams::<Vec<Option<u8>>>(data, sizes, limits);
    let _ = slices::<(&str, &[u8])>(data, limits);
});
