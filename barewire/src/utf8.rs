//! UTF-8 checking, by string length.
//!
//! - Short strings (most fields of most messages) are checked by a
//!   word-at-a-time ASCII scan, then the standard validator if a byte is not
//!   ASCII. SIMD validators do not pay off there: `simdutf8` itself hands
//!   strings under 64 bytes to the standard validator, after its own setup.
//! - From [`SIMD_FROM`] bytes on, `simdutf8` checks the whole string in one
//!   pass, ASCII or not.
//!
//! Measured with `cargo bench -p barewire-benches --bench wire -- str/`
//! (strings decoded through `from_slice::<&str>`): see that bench's notes.

/// The length from which `simdutf8` checks a string.
const SIMD_FROM: usize = 64;

/// `bytes` as `&str` if they are valid UTF-8; otherwise the length of the
/// longest valid prefix (where the first bad byte is).
#[inline]
pub(crate) fn to_str(bytes: &[u8]) -> Result<&str, usize> {
    if bytes.len() >= SIMD_FROM {
        return simdutf8::basic::from_utf8(bytes).map_err(|_| valid_up_to(bytes));
    }
    if is_ascii(bytes) {
        // SAFETY: every byte is below 0x80 (checked just above), and a
        // sequence of ASCII bytes is valid UTF-8: each is a one-byte code
        // point.
        return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    core::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

/// Where the first invalid byte of `bytes` is (they are not valid UTF-8).
#[cold]
fn valid_up_to(bytes: &[u8]) -> usize {
    simdutf8::compat::from_utf8(bytes)
        .err()
        .map_or(bytes.len(), |e| e.valid_up_to())
}

/// Whether every byte is ASCII: sixteen bytes per step, the tail as one
/// overlapping eight-byte word.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |w: &[u8]| {
        let mut out = [0u8; 8];
        out.copy_from_slice(&w[..8]);
        u64::from_ne_bytes(out)
    };
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().fold(0u8, |acc, &b| acc | b) < 0x80;
    }
    let mut acc = 0u64;
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        acc |= word(chunk) | word(&chunk[8..]);
    }
    let rest = chunks.remainder();
    if rest.len() >= 8 {
        acc |= word(rest);
    }
    // The last eight bytes, overlapping what was read: covers any tail.
    acc |= word(&bytes[n - 8..]);
    acc & HIGH == 0
}

#[cfg(test)]
mod tests {
    use crate::utf8::*;

    #[test]
    fn ascii_and_not() {
        assert_eq!(to_str(b""), Ok(""));
        assert_eq!(
            to_str(b"plain ascii text, longer than eight"),
            Ok("plain ascii text, longer than eight")
        );
        assert_eq!(
            to_str("héllo wörld, long enough".as_bytes()),
            Ok("héllo wörld, long enough")
        );
        assert_eq!(to_str(b"abc\xffdef"), Err(3));
        assert_eq!(to_str(b"abcdefgh\x80"), Err(8));
        assert_eq!(
            to_str(b"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"),
            Ok("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f")
        );
        for n in [20, SIMD_FROM - 1, SIMD_FROM, 300] {
            for i in 0..n {
                let mut v = vec![b'a'; n];
                v[i] = 0xc3;
                assert_eq!(to_str(&v), Err(i), "bad lead byte at {i} of {n}");
            }
        }
        let long = "ünïcödé text, long enough for the SIMD path: ".repeat(4);
        assert_eq!(to_str(long.as_bytes()), Ok(long.as_str()));
        // A three-byte sequence cut short at the end.
        let mut cut = long.as_bytes().to_vec();
        cut.extend_from_slice(b"\xe2\x82");
        assert_eq!(to_str(&cut), Err(long.len()));
    }
}
