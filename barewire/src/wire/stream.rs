//! Streaming decoders: one message after another.
//!
//! BARE messages carry no framing: a stream of them is simply their bytes
//! concatenated, and each decoder finds where one ends by decoding it.

use super::{Decode, Limits, Reader};
use crate::error::Error;

/// What decoding one message at the front of a window of a stream gave:
/// the one step both streaming decoders take.
enum Step<T> {
    /// The message, and where it ends.
    Message(T, usize),
    /// The window ends inside the message: the decoder's error, which says
    /// where and how many more bytes it needs at least.
    Incomplete(Error),
}

/// Decodes the message that starts at `start` in `window`.
///
/// A message of no bytes (a `void` type) cannot be told apart from the next
/// one: with bytes left, that is an error, not an endless stream of empty
/// messages.
fn decode_step<'de, T: Decode<'de>>(
    window: &'de [u8],
    start: usize,
    limits: Limits,
) -> Result<Step<T>, Error> {
    let mut r = Reader::with_limits(window, limits);
    r.rewind(start);
    match T::decode(&mut r) {
        Ok(_) if r.position() == start => Err(Error::TrailingBytes {
            offset: start,
            remaining: window.len() - start,
        }),
        Ok(value) => Ok(Step::Message(value, r.position())),
        Err(e @ Error::UnexpectedEnd { .. }) => Ok(Step::Incomplete(e)),
        Err(e) => Err(e),
    }
}

/// Reads concatenated BARE messages from a slice, one at a time, borrowing
/// from it.
///
/// ```
/// use barewire::SliceDecoder;
/// let mut bytes = Vec::new();
/// barewire::encode_into("one", &mut bytes);
/// barewire::encode_into("two", &mut bytes);
///
/// let mut decoder = SliceDecoder::new(&bytes);
/// assert_eq!(decoder.decode::<&str>()?, Some("one"));
/// assert_eq!(decoder.decode::<&str>()?, Some("two"));
/// assert_eq!(decoder.decode::<&str>()?, None);
/// # Ok::<(), barewire::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SliceDecoder<'de> {
    reader: Reader<'de>,
}

impl<'de> SliceDecoder<'de> {
    /// A decoder over `bytes` with the default [`Limits`]; the size limit
    /// applies to each message.
    pub fn new(bytes: &'de [u8]) -> Self {
        Self::with_limits(bytes, Limits::DEFAULT)
    }

    /// A decoder over `bytes` with the given limits.
    pub fn with_limits(bytes: &'de [u8], limits: Limits) -> Self {
        SliceDecoder {
            reader: Reader::with_limits(bytes, limits),
        }
    }

    /// Decodes the next message: `Ok(None)` at the end of the input.
    ///
    /// On error the position stays at the start of the failed message.
    #[track_caller]
    pub fn decode<T: Decode<'de>>(&mut self) -> Result<Option<T>, Error> {
        crate::site::decoding(|| {
            let start = self.reader.position();
            if self.reader.remaining() == 0 {
                return Ok(None);
            }
            let limits = self.reader.limits();
            let input = self.reader.input();
            let window_end =
                start.saturating_add(usize::try_from(limits.max_size).unwrap_or(usize::MAX));
            let window = &input[..input.len().min(window_end)];
            match decode_step(window, start, limits) {
                Ok(Step::Message(value, end)) => {
                    self.reader.rewind(end);
                    Ok(Some(value))
                }
                Ok(Step::Incomplete(_)) if window.len() < input.len() => Err(Error::SizeLimit {
                    size: limits.max_size.saturating_add(1),
                    limit: limits.max_size,
                }),
                Ok(Step::Incomplete(e)) => Err(e),
                Err(Error::TrailingBytes { offset, .. }) => Err(Error::TrailingBytes {
                    offset,
                    remaining: input.len() - offset,
                }),
                Err(e) => Err(e),
            }
        })
    }

    /// An iterator over the remaining messages; it stops after the first
    /// error.
    pub fn iter<T: Decode<'de>>(&mut self) -> impl Iterator<Item = Result<T, Error>> + '_ {
        let mut failed = false;
        core::iter::from_fn(move || {
            if failed {
                return None;
            }
            match self.decode() {
                Ok(Some(v)) => Some(Ok(v)),
                Ok(None) => None,
                Err(e) => {
                    failed = true;
                    Some(Err(e))
                }
            }
        })
    }

    /// The offset of the next message.
    pub fn position(&self) -> usize {
        self.reader.position()
    }

    /// The bytes not yet decoded.
    pub fn remaining(&self) -> &'de [u8] {
        &self.reader.input()[self.reader.position()..]
    }
}

#[cfg(feature = "std")]
pub use io::IoDecoder;

#[cfg(feature = "std")]
mod io {
    use std::io::{ErrorKind, Read};
    use std::vec::Vec;

    use super::*;
    use crate::wire::DecodeOwned;

    /// Reads concatenated BARE messages from a [`std::io::Read`], buffering
    /// at most [`Limits::max_size`] bytes.
    ///
    /// The buffer grows only as data arrives, so a hostile length prefix
    /// cannot make it allocate ahead of the bytes actually sent; a message
    /// longer than the size limit is an [`Error::SizeLimit`], and a stream
    /// that ends inside a message is an [`Error::TruncatedStream`].
    ///
    /// ```
    /// use barewire::IoDecoder;
    /// let mut bytes = Vec::new();
    /// for n in [1u32, 2, 3] {
    ///     barewire::encode_into(&n, &mut bytes);
    /// }
    /// let mut decoder = IoDecoder::new(std::io::Cursor::new(bytes));
    /// let mut seen = Vec::new();
    /// while let Some(n) = decoder.decode::<u32>()? {
    ///     seen.push(n);
    /// }
    /// assert_eq!(seen, [1, 2, 3]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    ///
    /// # Work and waiting
    ///
    /// BARE messages do not say how long they are, so the decoder finds
    /// the end of a message by decoding it, and a message that has not all
    /// arrived is decoded again from its start once more bytes are in. To
    /// keep the work linear in the bytes read however the stream is chunked
    /// (a peer can send one byte at a time), a new attempt is made only
    /// when
    /// - the bytes buffered reach the length the failed attempt showed the
    ///   message needs at least (a length prefix tells it exactly), and
    /// - the bytes read since pay for it: every byte read earns
    ///   [`IoDecoder::WORK_PER_BYTE`] bytes of decoding, and an attempt
    ///   costs the bytes it examines (so with one-byte reads, attempts
    ///   happen each time the buffered amount has grown by about a
    ///   third);
    ///
    /// or when the stream ends, or the buffer holds [`Limits::max_size`]
    /// bytes. Decoding therefore examines at most `WORK_PER_BYTE` times the
    /// bytes read plus one final attempt per message, and a message that
    /// arrives in one or two reads is returned as soon as it is in. The cost
    /// is that a message which trickles in over many small reads may be
    /// returned only after some bytes past its end have arrived, or the
    /// stream has ended: over a connection where the peer waits for an
    /// answer before sending more, send length-delimited frames
    /// ([`FrameReader`](crate::frame::FrameReader)) instead, whose reader
    /// knows from the prefix how many bytes to wait for.
    ///
    /// # Errors from the reader
    ///
    /// [`ErrorKind::Interrupted`] is retried. Any other I/O error, such as
    /// [`ErrorKind::WouldBlock`] from a non-blocking source or
    /// [`ErrorKind::TimedOut`], is returned as [`Error::Io`] and loses
    /// nothing: the bytes of a partly received message stay buffered, and
    /// the next call to [`decode`](Self::decode) resumes it.
    ///
    /// ```
    /// use std::io::{self, Read};
    /// use barewire::{Error, IoDecoder};
    ///
    /// /// Hands out one byte, then "would block", then the next byte...
    /// struct Nonblocking { data: Vec<u8>, pos: usize, ready: bool }
    /// impl Read for Nonblocking {
    ///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
    ///         self.ready = !self.ready;
    ///         if !self.ready {
    ///             return Err(io::ErrorKind::WouldBlock.into());
    ///         }
    ///         let n = buf.len().min(1).min(self.data.len() - self.pos);
    ///         buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
    ///         self.pos += n;
    ///         Ok(n)
    ///     }
    /// }
    ///
    /// let mut data = barewire::to_vec("hello");
    /// data.extend(barewire::to_vec("world"));
    /// let mut decoder = IoDecoder::new(Nonblocking { data, pos: 0, ready: false });
    /// let mut seen = Vec::new();
    /// loop {
    ///     match decoder.decode::<String>() {
    ///         Ok(Some(s)) => seen.push(s),
    ///         Ok(None) => break,
    ///         Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!(seen, ["hello", "world"]);
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[derive(Debug)]
    pub struct IoDecoder<R> {
        source: R,
        buf: Vec<u8>,
        start: usize,
        end: usize,
        limits: Limits,
        /// The fewest buffered bytes the next attempt at the current
        /// message needs (0 before the first attempt).
        need: usize,
        /// Bytes of decoding paid for by the bytes read and not yet spent.
        credit: usize,
    }

    /// The first read buffer size.
    const INITIAL: usize = 8 * 1024;

    impl<R: Read> IoDecoder<R> {
        /// How many bytes of decoding attempts each byte read pays for (see
        /// [Work and waiting](IoDecoder#work-and-waiting)).
        pub const WORK_PER_BYTE: usize = 4;

        /// A decoder over `source` with the default [`Limits`].
        pub fn new(source: R) -> Self {
            Self::with_limits(source, Limits::DEFAULT)
        }

        /// A decoder over `source` with the given limits.
        pub fn with_limits(source: R, limits: Limits) -> Self {
            IoDecoder {
                source,
                buf: Vec::new(),
                start: 0,
                end: 0,
                limits,
                need: 0,
                credit: 0,
            }
        }

        /// The underlying reader.
        pub fn into_inner(self) -> R {
            self.source
        }

        /// How many bytes are buffered: the start of the next message, read
        /// but not yet decoded.
        ///
        /// ```
        /// let mut bytes = barewire::to_vec(&7u16);
        /// bytes.push(1); // the first byte of another u16
        /// let mut decoder = barewire::IoDecoder::new(&bytes[..]);
        /// assert_eq!(decoder.decode::<u16>()?, Some(7));
        /// assert_eq!(decoder.buffered(), 1);
        /// # Ok::<(), barewire::Error>(())
        /// ```
        pub fn buffered(&self) -> usize {
            self.end - self.start
        }

        fn max_size(&self) -> usize {
            usize::try_from(self.limits.max_size).unwrap_or(usize::MAX)
        }

        /// Decodes the next message: `Ok(None)` when the stream ends cleanly
        /// between messages.
        ///
        /// On an error from the reader the bytes received so far stay
        /// buffered, and the next call resumes (see [the type's
        /// docs](IoDecoder#errors-from-the-reader)).
        #[track_caller]
        pub fn decode<T: DecodeOwned>(&mut self) -> Result<Option<T>, Error> {
            crate::site::decoding(|| {
                let mut ended = false;
                loop {
                    let buffered = self.buffered();
                    let worth_trying = buffered > 0
                        && buffered >= self.need
                        && (ended || self.credit >= buffered || buffered >= self.max_size());
                    if worth_trying {
                        if let Some(value) = self.attempt::<T>()? {
                            return Ok(Some(value));
                        }
                    } else if ended {
                        return if buffered == 0 {
                            Ok(None)
                        } else {
                            Err(Error::TruncatedStream { received: buffered })
                        };
                    }
                    if ended {
                        // The final attempt found the message incomplete.
                        return Err(Error::TruncatedStream {
                            received: self.buffered(),
                        });
                    }
                    ended = self.fill()? == 0;
                }
            })
        }

        /// One attempt at decoding the buffered bytes: the message, or
        /// `None` if it needs more bytes (then `need` says how many).
        fn attempt<T: DecodeOwned>(&mut self) -> Result<Option<T>, Error> {
            let max_size = self.max_size();
            let window = &self.buf[self.start..self.end];
            let window = &window[..window.len().min(max_size)];
            let result = decode_step::<T>(window, 0, self.limits);
            let examined = match &result {
                Ok(Step::Message(_, end)) => *end,
                _ => window.len(),
            };
            self.credit = self.credit.saturating_sub(examined);
            match result {
                Err(Error::TrailingBytes { .. }) => Err(Error::TrailingBytes {
                    offset: 0,
                    remaining: self.buffered(),
                }),
                Ok(Step::Message(value, end)) => {
                    self.start += end;
                    self.need = 0;
                    Ok(Some(value))
                }
                Ok(Step::Incomplete(Error::UnexpectedEnd { offset, needed, .. })) => {
                    // `needed` comes from a length prefix: up to u64::MAX.
                    let total = (offset as u64).saturating_add(needed);
                    if window.len() >= max_size {
                        return Err(Error::SizeLimit {
                            size: total.max(window.len() as u64 + 1),
                            limit: self.limits.max_size,
                        });
                    }
                    // Decoding is deterministic, so it fails again the same
                    // way until `total` bytes are in; at least one more byte,
                    // at most the limit (reaching it settles the matter).
                    self.need = usize::try_from(total)
                        .unwrap_or(usize::MAX)
                        .max(window.len() + 1)
                        .min(max_size);
                    Ok(None)
                }
                Ok(Step::Incomplete(e)) | Err(e) => Err(e),
            }
        }

        /// Reads more bytes into the buffer; returns how many (0 at the end
        /// of the stream).
        fn fill(&mut self) -> Result<usize, Error> {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                let grown = (self.buf.len() * 2)
                    .max(INITIAL)
                    .min(self.max_size().max(1));
                if grown <= self.buf.len() {
                    return Err(Error::SizeLimit {
                        size: self.buf.len() as u64 + 1,
                        limit: self.limits.max_size,
                    });
                }
                self.buf.resize(grown, 0);
            }
            loop {
                match self.source.read(&mut self.buf[self.end..]) {
                    Ok(n) => {
                        // A reader that claims more than the buffer is broken;
                        // do not index past it.
                        let n = n.min(self.buf.len() - self.end);
                        self.end += n;
                        self.credit = self
                            .credit
                            .saturating_add(n.saturating_mul(Self::WORK_PER_BYTE));
                        return Ok(n);
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::Io(e)),
                }
            }
        }
    }
}
