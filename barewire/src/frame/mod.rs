//! Length-delimited frames of BARE messages over byte streams (feature
//! `std`; the `tokio_util::codec` encoder and decoder need feature `tokio`).
//!
//! BARE messages carry no length of their own, so a stream of them needs
//! framing: each frame is a 4-byte little-endian `u32` payload length
//! followed by the payload, usually one BARE wire message
//! (`docs/format.md`, "Framing"). A fixed-width prefix keeps the decoder
//! simple: four bytes tell whether the frame is acceptable, before any
//! buffer is allocated for it.
//!
//! ```
//! use barewire::frame::{FrameReader, FrameWriter};
//!
//! #[derive(barewire::Bare, Debug, PartialEq)]
//! struct Ping { seq: u32, note: String }
//!
//! let mut wire = Vec::new();
//! let mut writer = FrameWriter::new(&mut wire);
//! writer.send(&Ping { seq: 1, note: "hi".into() })?;
//! writer.send(&Ping { seq: 2, note: "there".into() })?;
//! // u32 LE prefix 7, then the message: seq (u32), uint length 2, "hi".
//! assert_eq!(&wire[..11], &[7, 0, 0, 0, 1, 0, 0, 0, 2, b'h', b'i']);
//!
//! let mut reader = FrameReader::new(&wire[..]);
//! assert_eq!(reader.recv::<Ping>()?, Some(Ping { seq: 1, note: "hi".into() }));
//! assert_eq!(reader.recv::<Ping>()?.map(|p| p.seq), Some(2));
//! assert_eq!(reader.recv::<Ping>()?, None); // clean end between frames
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! The maximum frame size ([`DEFAULT_MAX_FRAME`] unless set) is checked on
//! the length prefix, before anything is allocated for the frame: an
//! oversize prefix is [`Error::FrameTooLarge`]. The reader grows its buffer
//! only as bytes arrive, so a peer that announces a large frame and sends
//! nothing costs no memory. A stream that ends inside a frame is
//! [`Error::TruncatedFrame`]; one that ends between frames is a clean end.

#[cfg(feature = "tokio")]
mod codec;
#[cfg(feature = "tokio")]
mod varint;

#[cfg(feature = "tokio")]
pub use codec::{BareCodec, FrameCodec};
#[cfg(feature = "tokio")]
pub use varint::VarintCodec;

use std::io::{ErrorKind, Read, Write};
use std::vec::Vec;

use crate::error::Error;
use crate::limits::Limits;
use crate::wire::{Decode, Encode};

/// Bytes of the length prefix.
pub const PREFIX_LEN: usize = 4;

/// The default largest payload: 16 MiB.
pub const DEFAULT_MAX_FRAME: usize = 16 << 20;

/// The largest payload a `u32` prefix can describe.
pub const MAX_FRAME_LIMIT: usize = u32::MAX as usize;

/// Appends one frame (prefix and payload) to `out`.
///
/// ```
/// let mut out = Vec::new();
/// barewire::frame::encode_frame(b"abc", &mut out, 16)?;
/// assert_eq!(out, [3, 0, 0, 0, b'a', b'b', b'c']);
/// assert!(barewire::frame::encode_frame(&[0; 17], &mut out, 16).is_err());
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn encode_frame(payload: &[u8], out: &mut Vec<u8>, max_frame: usize) -> Result<(), Error> {
    check_len(payload.len(), max_frame)?;
    out.reserve(PREFIX_LEN + payload.len());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    Ok(())
}

/// Reads the payload length from a complete prefix, checking it against
/// `max_frame`.
///
/// ```
/// use barewire::frame::frame_len;
/// assert_eq!(frame_len([5, 0, 0, 0], 16)?, 5);
/// assert!(matches!(
///     frame_len([0xff, 0xff, 0xff, 0xff], 16),
///     Err(barewire::Error::FrameTooLarge { size: 4294967295, limit: 16 })
/// ));
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn frame_len(prefix: [u8; PREFIX_LEN], max_frame: usize) -> Result<usize, Error> {
    let len = u32::from_le_bytes(prefix) as usize;
    check_len(len, max_frame)?;
    Ok(len)
}

fn check_len(len: usize, max_frame: usize) -> Result<(), Error> {
    if len > max_frame.min(MAX_FRAME_LIMIT) {
        return Err(Error::FrameTooLarge {
            size: len as u64,
            limit: max_frame.min(MAX_FRAME_LIMIT) as u64,
        });
    }
    Ok(())
}

/// One `read` into `buf` (not empty), retrying [`ErrorKind::Interrupted`];
/// 0 at the end of the stream. A reader that claims more bytes than `buf`
/// holds is taken at most at `buf`'s length.
fn read_some(inner: &mut impl Read, buf: &mut [u8]) -> Result<usize, Error> {
    loop {
        match inner.read(buf) {
            Ok(n) => return Ok(n.min(buf.len())),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Limits for decoding a payload of at most `max_frame` bytes.
fn limits(max_frame: usize) -> Limits {
    Limits::DEFAULT.with_max_size(max_frame as u64)
}

/// Writes frames to a [`Write`].
///
/// Frames are written whole with `write_all` and not flushed: wrap a
/// socket in a `BufWriter` for many small frames, and call
/// [`flush`](Self::flush) when a batch is done.
#[derive(Debug)]
pub struct FrameWriter<W> {
    inner: W,
    max_frame: usize,
    scratch: Vec<u8>,
}

impl<W: Write> FrameWriter<W> {
    /// A writer with the default maximum frame size.
    pub fn new(inner: W) -> Self {
        Self::with_max_frame(inner, DEFAULT_MAX_FRAME)
    }

    /// A writer that refuses payloads over `max_frame` bytes (at most
    /// [`MAX_FRAME_LIMIT`]).
    pub fn with_max_frame(inner: W, max_frame: usize) -> Self {
        FrameWriter {
            inner,
            max_frame: max_frame.min(MAX_FRAME_LIMIT),
            scratch: Vec::new(),
        }
    }

    /// Writes one frame holding `payload`.
    pub fn write_frame(&mut self, payload: &[u8]) -> Result<(), Error> {
        check_len(payload.len(), self.max_frame)?;
        self.inner
            .write_all(&(payload.len() as u32).to_le_bytes())?;
        self.inner.write_all(payload)?;
        Ok(())
    }

    /// Encodes `value` (BARE wire format) and writes it as one frame.
    pub fn send<T: Encode + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.scratch.clear();
        self.scratch.extend_from_slice(&[0; PREFIX_LEN]);
        crate::encode_into(value, &mut self.scratch);
        let len = self.scratch.len() - PREFIX_LEN;
        check_len(len, self.max_frame)?;
        self.scratch[..PREFIX_LEN].copy_from_slice(&(len as u32).to_le_bytes());
        self.inner.write_all(&self.scratch)?;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.inner.flush()?;
        Ok(())
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The underlying writer, mutably.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

/// Reads frames from a [`Read`].
///
/// The payload buffer grows as bytes arrive, never by the announced length
/// alone: at most 8 KiB, or as much again as arrived, ahead of the bytes
/// received. A peer that announces a large frame and sends nothing costs no
/// memory.
///
/// An I/O error from the reader other than [`ErrorKind::Interrupted`]
/// (retried), such as [`ErrorKind::WouldBlock`] from a non-blocking socket or
/// [`ErrorKind::TimedOut`] after a read timeout, is returned as
/// [`Error::Io`] and loses nothing: the part of the frame received so far
/// (prefix and payload) stays buffered, and the next call resumes the same
/// frame.
///
/// ```
/// use std::io::{self, Read};
/// use barewire::{Error, frame::FrameReader};
///
/// /// Hands out at most three bytes per read, timing out between reads.
/// struct Slow { data: Vec<u8>, pos: usize, ready: bool }
/// impl Read for Slow {
///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
///         self.ready = !self.ready;
///         if !self.ready {
///             return Err(io::ErrorKind::TimedOut.into());
///         }
///         let n = buf.len().min(3).min(self.data.len() - self.pos);
///         buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
///         self.pos += n;
///         Ok(n)
///     }
/// }
///
/// let mut data = Vec::new();
/// barewire::frame::encode_frame(b"first", &mut data, 64)?;
/// barewire::frame::encode_frame(b"second", &mut data, 64)?;
/// let mut reader = FrameReader::new(Slow { data, pos: 0, ready: false });
/// let mut frames = Vec::new();
/// loop {
///     match reader.read_frame() {
///         Ok(Some(frame)) => frames.push(frame.to_vec()),
///         Ok(None) => break,
///         Err(Error::Io(e)) if e.kind() == io::ErrorKind::TimedOut => continue,
///         Err(e) => return Err(e),
///     }
/// }
/// assert_eq!(frames, [&b"first"[..], b"second"]);
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    max_frame: usize,
    /// The prefix of the current frame, `prefix_got` bytes of it so far.
    prefix: [u8; PREFIX_LEN],
    prefix_got: usize,
    /// The payload of the current frame: `buf[..got]` has arrived; the rest
    /// of `buf` is zeroed room for what comes next.
    buf: Vec<u8>,
    got: usize,
    /// Whether the current frame was handed out: the next call starts a
    /// new one.
    done: bool,
}

/// How far a payload buffer may grow ahead of the bytes received, at least:
/// room for one read of this size (or as much again as arrived, whichever is
/// more, so that growing takes linear time).
const READ_CHUNK: usize = 8 * 1024;

/// The buffer size to grow to for a payload of `len` bytes when the `got`
/// bytes that arrived fill the buffer: never more than `len`, nor more than
/// `max(got, READ_CHUNK)` ahead of what arrived.
fn grown_len(got: usize, len: usize) -> usize {
    got.saturating_add(got.max(READ_CHUNK)).min(len)
}

impl<R: Read> FrameReader<R> {
    /// A reader with the default maximum frame size.
    pub fn new(inner: R) -> Self {
        Self::with_max_frame(inner, DEFAULT_MAX_FRAME)
    }

    /// A reader that rejects frames over `max_frame` bytes (at most
    /// [`MAX_FRAME_LIMIT`]).
    pub fn with_max_frame(inner: R, max_frame: usize) -> Self {
        FrameReader {
            inner,
            max_frame: max_frame.min(MAX_FRAME_LIMIT),
            prefix: [0; PREFIX_LEN],
            prefix_got: 0,
            buf: Vec::new(),
            got: 0,
            done: false,
        }
    }

    /// Reads the next frame's payload: `Ok(None)` if the stream ends cleanly
    /// before a frame starts.
    ///
    /// Errors: [`Error::FrameTooLarge`] (nothing is allocated for it; the
    /// stream is then out of step and should be closed: later calls return
    /// the same error), [`Error::TruncatedFrame`] if the stream ends inside
    /// the frame, [`Error::Io`] (the partial frame is kept and the next call
    /// resumes it).
    ///
    /// ```
    /// let bytes = [2, 0, 0, 0, 7, 8, 5, 0];
    /// let mut reader = barewire::frame::FrameReader::new(&bytes[..]);
    /// assert_eq!(reader.read_frame()?, Some(&[7u8, 8][..]));
    /// let err = reader.read_frame().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "peer closed the connection in the middle of a frame: received 2 of 4 bytes"
    /// );
    /// # Ok::<(), barewire::Error>(())
    /// ```
    pub fn read_frame(&mut self) -> Result<Option<&[u8]>, Error> {
        if self.done {
            self.done = false;
            self.prefix_got = 0;
            self.got = 0;
        }
        while self.prefix_got < PREFIX_LEN {
            let n = read_some(&mut self.inner, &mut self.prefix[self.prefix_got..])?;
            if n == 0 {
                if self.prefix_got == 0 {
                    return Ok(None);
                }
                return Err(Error::TruncatedFrame {
                    expected: PREFIX_LEN as u64,
                    received: self.prefix_got as u64,
                });
            }
            self.prefix_got += n;
        }
        let len = frame_len(self.prefix, self.max_frame)?;
        while self.got < len {
            if self.got == self.buf.len() {
                let grown = grown_len(self.got, len);
                self.buf.resize(grown, 0);
            }
            let end = self.buf.len().min(len);
            let n = read_some(&mut self.inner, &mut self.buf[self.got..end])?;
            if n == 0 {
                return Err(Error::TruncatedFrame {
                    expected: (PREFIX_LEN + len) as u64,
                    received: (PREFIX_LEN + self.got) as u64,
                });
            }
            self.got += n;
        }
        self.done = true;
        Ok(Some(&self.buf[..len]))
    }

    /// Reads the next frame and decodes it as one BARE message (strict: the
    /// message must fill the frame). `Ok(None)` at a clean end. `T` may
    /// borrow from the reader's buffer until the next read.
    pub fn recv<'a, T: Decode<'a>>(&'a mut self) -> Result<Option<T>, Error> {
        let limits = limits(self.max_frame);
        match self.read_frame()? {
            Some(frame) => crate::wire::from_slice_with(frame, limits).map(Some),
            None => Ok(None),
        }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}
