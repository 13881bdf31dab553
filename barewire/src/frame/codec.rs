//! `tokio_util::codec` encoder and decoder for barewire frames.

use core::marker::PhantomData;
use std::vec::Vec;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use super::{
    DEFAULT_MAX_FRAME, MAX_FRAME_LIMIT, PREFIX_LEN, READ_CHUNK, check_len, frame_len, limits,
};
use crate::error::Error;
use crate::wire::{DecodeOwned, Encode};

/// Frames as raw payloads: decodes to [`BytesMut`], encodes `&[u8]` and
/// [`Bytes`]. Use [`BareCodec`] to get typed messages.
///
/// The decoder checks the length prefix against the maximum frame size as
/// soon as its four bytes are in; an oversize prefix is
/// [`Error::FrameTooLarge`]. It never reserves room for a whole announced
/// frame: only for the next read (at most 8 KiB past the bytes buffered), so
/// the buffer grows as the frame's bytes arrive and a peer that announces a
/// large frame and sends nothing costs no memory. At the end of the stream,
/// leftover bytes of an unfinished frame are [`Error::TruncatedFrame`].
///
/// ```
/// use bytes::BytesMut;
/// use tokio_util::codec::{Decoder, Encoder};
/// let mut codec = barewire::frame::FrameCodec::new();
/// let mut buf = BytesMut::new();
/// codec.encode(&b"abc"[..], &mut buf)?;
/// assert_eq!(&buf[..], &[3, 0, 0, 0, b'a', b'b', b'c']);
/// assert_eq!(codec.decode(&mut buf)?.as_deref(), Some(&b"abc"[..]));
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FrameCodec {
    max_frame: usize,
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameCodec {
    /// A codec with the default maximum frame size
    /// ([`DEFAULT_MAX_FRAME`]).
    pub fn new() -> Self {
        Self::with_max_frame(DEFAULT_MAX_FRAME)
    }

    /// A codec that rejects payloads over `max_frame` bytes (at most
    /// [`MAX_FRAME_LIMIT`]) in both directions.
    pub fn with_max_frame(max_frame: usize) -> Self {
        FrameCodec {
            max_frame: max_frame.min(MAX_FRAME_LIMIT),
        }
    }

    /// The maximum payload size.
    pub fn max_frame(&self) -> usize {
        self.max_frame
    }
}

impl Decoder for FrameCodec {
    type Item = BytesMut;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, Error> {
        if src.len() < PREFIX_LEN {
            return Ok(None);
        }
        let mut prefix = [0u8; PREFIX_LEN];
        prefix.copy_from_slice(&src[..PREFIX_LEN]);
        let len = frame_len(prefix, self.max_frame)?;
        let total = PREFIX_LEN + len;
        if src.len() < total {
            // Room for the next read only, not for the announced frame: the
            // buffer grows as bytes arrive (and `BytesMut` grows it
            // geometrically), so announcing a large frame costs nothing.
            src.reserve((total - src.len()).min(READ_CHUNK));
            return Ok(None);
        }
        src.advance(PREFIX_LEN);
        Ok(Some(src.split_to(len)))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, Error> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        if src.is_empty() {
            return Ok(None);
        }
        let expected = if src.len() >= PREFIX_LEN {
            let mut prefix = [0u8; PREFIX_LEN];
            prefix.copy_from_slice(&src[..PREFIX_LEN]);
            PREFIX_LEN as u64 + u64::from(u32::from_le_bytes(prefix))
        } else {
            PREFIX_LEN as u64
        };
        Err(Error::TruncatedFrame {
            expected,
            received: src.len() as u64,
        })
    }
}

impl Encoder<&[u8]> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<(), Error> {
        check_len(payload.len(), self.max_frame)?;
        dst.reserve(PREFIX_LEN + payload.len());
        dst.put_u32_le(payload.len() as u32);
        dst.put_slice(payload);
        Ok(())
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, payload: Bytes, dst: &mut BytesMut) -> Result<(), Error> {
        self.encode(&payload[..], dst)
    }
}

/// Frames holding one BARE message of type `T` each: decodes to `T`
/// (strictly: the message must fill its frame) and encodes `T`.
///
/// It encodes owned values only, the tokio convention: a second
/// `Encoder<&T>` impl would make `SinkExt::flush` and `close` need type
/// annotations, and split sinks store their item type. To send a value you
/// keep, encode it with [`to_vec`](crate::to_vec) and send the bytes through
/// a [`FrameCodec`] (same bytes on the wire).
///
/// ```
/// use bytes::BytesMut;
/// use tokio_util::codec::{Decoder, Encoder};
///
/// #[derive(barewire::Bare, Debug, PartialEq)]
/// struct Ping { seq: u32 }
///
/// let mut codec = barewire::frame::BareCodec::<Ping>::new();
/// let mut buf = BytesMut::new();
/// codec.encode(Ping { seq: 7 }, &mut buf)?;
/// assert_eq!(&buf[..], &[4, 0, 0, 0, 7, 0, 0, 0]);
/// assert_eq!(codec.decode(&mut buf)?, Some(Ping { seq: 7 }));
/// # Ok::<(), barewire::Error>(())
/// ```
///
/// With tokio: `Framed::new(tcp_stream, BareCodec::<Ping>::new())` is a
/// `Stream` of `Result<Ping, Error>` and a `Sink` of `Ping`.
pub struct BareCodec<T> {
    frames: FrameCodec,
    scratch: Vec<u8>,
    _type: PhantomData<fn(T) -> T>,
}

impl<T> core::fmt::Debug for BareCodec<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BareCodec")
            .field("max_frame", &self.frames.max_frame)
            .finish()
    }
}

impl<T> Default for BareCodec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for BareCodec<T> {
    fn clone(&self) -> Self {
        Self::with_max_frame(self.frames.max_frame)
    }
}

impl<T> BareCodec<T> {
    /// A codec with the default maximum frame size
    /// ([`DEFAULT_MAX_FRAME`]).
    pub fn new() -> Self {
        Self::with_max_frame(DEFAULT_MAX_FRAME)
    }

    /// A codec that rejects messages over `max_frame` bytes in both
    /// directions; decoding also uses it as the message size limit.
    pub fn with_max_frame(max_frame: usize) -> Self {
        BareCodec {
            frames: FrameCodec::with_max_frame(max_frame),
            scratch: Vec::new(),
            _type: PhantomData,
        }
    }
}

impl<T: DecodeOwned> Decoder for BareCodec<T> {
    type Item = T;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<T>, Error> {
        match self.frames.decode(src)? {
            Some(frame) => {
                crate::wire::from_slice_with(&frame, limits(self.frames.max_frame)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<T>, Error> {
        match self.frames.decode_eof(src)? {
            Some(frame) => {
                crate::wire::from_slice_with(&frame, limits(self.frames.max_frame)).map(Some)
            }
            None => Ok(None),
        }
    }
}

impl<T: Encode> Encoder<T> for BareCodec<T> {
    type Error = Error;

    fn encode(&mut self, value: T, dst: &mut BytesMut) -> Result<(), Error> {
        self.scratch.clear();
        crate::encode_into(&value, &mut self.scratch);
        self.frames.encode(&self.scratch[..], dst)
    }
}
