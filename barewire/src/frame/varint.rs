//! `tokio_util::codec` frames whose length prefix is a BARE `uint`.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::{DEFAULT_MAX_FRAME, MAX_FRAME_LIMIT, READ_CHUNK, check_len};
use crate::error::Error;
use crate::wire::{Reader, write_uint};

/// The most bytes a `uint` takes.
const MAX_PREFIX: usize = 10;

/// Frames whose length prefix is a BARE `uint` (a LEB128 varint: one byte
/// for payloads under 128 bytes, two under 16 KiB), as other BARE
/// implementations frame messages; [`FrameCodec`](super::FrameCodec) is
/// the fixed 4-byte form. Decodes to [`Bytes`], so a message borrowed from
/// the frame (`&str`, `&[u8]` fields, with [`from_slice`](crate::from_slice))
/// or sharing it (`Bytes` fields, with [`from_bytes`](crate::from_bytes))
/// points into the frame without a copy.
///
/// The prefix is read strictly (canonical, at most 64 bits) and checked
/// against the maximum frame size as soon as it is complete, before any
/// buffer is reserved for the frame; like `FrameCodec`, the decoder reserves
/// only room for the next read, and leftover bytes at the end of the stream
/// are [`Error::TruncatedFrame`].
///
/// ```
/// use bytes::BytesMut;
/// use tokio_util::codec::{Decoder, Encoder};
///
/// #[derive(barewire::Bare, Debug, PartialEq)]
/// struct Line<'a> { seq: u8, text: &'a str }
///
/// let mut codec = barewire::frame::VarintCodec::new();
/// let mut buf = BytesMut::new();
/// codec.encode(&barewire::to_vec(&Line { seq: 1, text: "hi" })[..], &mut buf)?;
/// assert_eq!(&buf[..], &[4, 1, 2, b'h', b'i']);
/// let frame = codec.decode(&mut buf)?.unwrap();
/// let line: Line<'_> = barewire::from_slice(&frame)?; // `text` points into `frame`
/// assert_eq!(line, Line { seq: 1, text: "hi" });
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct VarintCodec {
    max_frame: usize,
}

impl Default for VarintCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl VarintCodec {
    /// A codec with the default maximum frame size ([`DEFAULT_MAX_FRAME`]).
    ///
    /// ```
    /// assert_eq!(barewire::frame::VarintCodec::new().max_frame(), barewire::frame::DEFAULT_MAX_FRAME);
    /// ```
    pub fn new() -> Self {
        Self::with_max_frame(DEFAULT_MAX_FRAME)
    }

    /// A codec that rejects payloads over `max_frame` bytes (at most
    /// [`MAX_FRAME_LIMIT`]) in both directions.
    ///
    /// ```
    /// use tokio_util::codec::Decoder;
    /// let mut codec = barewire::frame::VarintCodec::with_max_frame(100);
    /// let mut buf = bytes::BytesMut::from(&[0xc8, 0x01][..]); // 200
    /// assert!(matches!(codec.decode(&mut buf), Err(barewire::Error::FrameTooLarge { size: 200, limit: 100 })));
    /// ```
    pub fn with_max_frame(max_frame: usize) -> Self {
        VarintCodec {
            max_frame: max_frame.min(MAX_FRAME_LIMIT),
        }
    }

    /// The maximum payload size.
    ///
    /// ```
    /// assert_eq!(barewire::frame::VarintCodec::with_max_frame(9).max_frame(), 9);
    /// ```
    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    /// The payload length and the prefix's length, if the prefix is
    /// complete.
    fn prefix(&self, src: &[u8]) -> Result<Option<(usize, usize)>, Error> {
        let head = &src[..src.len().min(MAX_PREFIX)];
        let mut r = Reader::new(head);
        match r.uint() {
            Ok(len) => {
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                check_len(len, self.max_frame)?;
                Ok(Some((len, r.position())))
            }
            // Incomplete: every byte so far has its continuation bit.
            Err(Error::UnexpectedEnd { .. }) if head.len() < MAX_PREFIX => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Decoder for VarintCodec {
    type Item = Bytes;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, Error> {
        let Some((len, prefix)) = self.prefix(src)? else {
            return Ok(None);
        };
        let total = prefix + len;
        if src.len() < total {
            src.reserve((total - src.len()).min(READ_CHUNK));
            return Ok(None);
        }
        src.advance(prefix);
        Ok(Some(src.split_to(len).freeze()))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, Error> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        if src.is_empty() {
            return Ok(None);
        }
        let expected = match self.prefix(src) {
            Ok(Some((len, prefix))) => (prefix + len) as u64,
            _ => src.len() as u64 + 1,
        };
        Err(Error::TruncatedFrame {
            expected,
            received: src.len() as u64,
        })
    }
}

impl Encoder<&[u8]> for VarintCodec {
    type Error = Error;

    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<(), Error> {
        check_len(payload.len(), self.max_frame)?;
        let mut prefix = alloc::vec::Vec::with_capacity(MAX_PREFIX);
        write_uint(&mut prefix, payload.len() as u64);
        dst.reserve(prefix.len() + payload.len());
        dst.extend_from_slice(&prefix);
        dst.extend_from_slice(payload);
        Ok(())
    }
}

impl Encoder<Bytes> for VarintCodec {
    type Error = Error;

    fn encode(&mut self, payload: Bytes, dst: &mut BytesMut) -> Result<(), Error> {
        self.encode(&payload[..], dst)
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use tokio_util::codec::{Decoder, Encoder};

    use super::VarintCodec;
    use crate::error::Error;

    #[test]
    fn frames_in_any_chunking() {
        let mut codec = VarintCodec::new();
        let mut wire = BytesMut::new();
        let payloads: [&[u8]; 3] = [b"", &[7; 130], b"abc"];
        for p in payloads {
            codec.encode(p, &mut wire).unwrap();
        }
        assert_eq!(&wire[..3], &[0, 0x82, 0x01]);
        for chunk in 1..8 {
            let mut src = BytesMut::new();
            let mut got = Vec::new();
            for piece in wire.chunks(chunk) {
                src.extend_from_slice(piece);
                while let Some(frame) = codec.decode(&mut src).unwrap() {
                    got.push(frame);
                }
            }
            assert!(codec.decode_eof(&mut src).unwrap().is_none());
            assert_eq!(got.iter().map(|f| &f[..]).collect::<Vec<_>>(), payloads);
        }
    }

    #[test]
    fn strict_prefixes() {
        let mut codec = VarintCodec::with_max_frame(1000);
        let mut src = BytesMut::from(&[0x80, 0x00][..]);
        assert!(matches!(
            codec.decode(&mut src),
            Err(Error::NonCanonicalVarint { .. })
        ));
        let mut src = BytesMut::from(&[0xff; 10][..]);
        assert!(matches!(
            codec.decode(&mut src),
            Err(Error::VarintOverflow { .. })
        ));
        let mut src = BytesMut::from(&[0xff, 0xff, 0xff][..]);
        assert!(codec.decode(&mut src).unwrap().is_none());
        let mut src = BytesMut::from(&[0xff, 0xff, 0x7f][..]);
        assert!(matches!(
            codec.decode(&mut src),
            Err(Error::FrameTooLarge { .. })
        ));
        let mut src = BytesMut::from(&[3, 1][..]);
        assert!(codec.decode(&mut src).unwrap().is_none());
        assert!(matches!(
            codec.decode_eof(&mut src),
            Err(Error::TruncatedFrame {
                expected: 4,
                received: 2
            })
        ));
        let mut src = BytesMut::from(&[0x80][..]);
        assert!(matches!(
            codec.decode_eof(&mut src),
            Err(Error::TruncatedFrame { .. })
        ));
        assert!(
            codec
                .encode(&[0u8; 1001][..], &mut BytesMut::new())
                .is_err()
        );
    }
}
