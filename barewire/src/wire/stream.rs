//! Streaming decoders: one message after another.
//!
//! BARE messages carry no framing: a stream of them is simply their bytes
//! concatenated, and each decoder finds where one ends by decoding it.

use super::{Decode, Limits, Reader};
use crate::Error;

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
    pub fn decode<T: Decode<'de>>(&mut self) -> Result<Option<T>, Error> {
        let start = self.reader.position();
        if self.reader.remaining() == 0 {
            return Ok(None);
        }
        let limits = self.reader.limits();
        let input = self.reader.input();
        let window_end =
            start.saturating_add(usize::try_from(limits.max_size).unwrap_or(usize::MAX));
        let window = &input[..input.len().min(window_end)];
        let mut r = Reader::with_limits(window, limits);
        r.rewind(start);
        match T::decode(&mut r) {
            // A message of no bytes (a `void` type) cannot be told apart
            // from the next one: with bytes left, that is an error, not an
            // endless stream of empty messages.
            Ok(_) if r.position() == start => Err(Error::TrailingBytes {
                offset: start,
                remaining: input.len() - start,
            }),
            Ok(value) => {
                self.reader.rewind(r.position());
                Ok(Some(value))
            }
            Err(Error::UnexpectedEnd { .. }) if window.len() < input.len() => {
                Err(Error::SizeLimit {
                    size: limits.max_size.saturating_add(1),
                    limit: limits.max_size,
                })
            }
            Err(e) => Err(e),
        }
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
    use crate::DecodeOwned;

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
    #[derive(Debug)]
    pub struct IoDecoder<R> {
        source: R,
        buf: Vec<u8>,
        start: usize,
        end: usize,
        limits: Limits,
    }

    /// The first read buffer size.
    const INITIAL: usize = 8 * 1024;

    impl<R: Read> IoDecoder<R> {
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
            }
        }

        /// The underlying reader.
        pub fn into_inner(self) -> R {
            self.source
        }

        fn max_size(&self) -> usize {
            usize::try_from(self.limits.max_size).unwrap_or(usize::MAX)
        }

        /// Decodes the next message: `Ok(None)` when the stream ends cleanly
        /// between messages.
        pub fn decode<T: DecodeOwned>(&mut self) -> Result<Option<T>, Error> {
            // How many buffered bytes the next attempt needs at least.
            let mut want = 1usize;
            loop {
                let buffered = self.end - self.start;
                if buffered >= want {
                    let window = &self.buf[self.start..self.end];
                    let window = &window[..window.len().min(self.max_size())];
                    let mut r = Reader::with_limits(window, self.limits);
                    match T::decode(&mut r) {
                        Ok(_) if r.position() == 0 => {
                            return Err(Error::TrailingBytes {
                                offset: 0,
                                remaining: buffered,
                            });
                        }
                        Ok(value) => {
                            self.start += r.position();
                            return Ok(Some(value));
                        }
                        Err(Error::UnexpectedEnd { offset, needed, .. }) => {
                            if window.len() >= self.max_size() {
                                return Err(Error::SizeLimit {
                                    // `needed` comes from a length prefix: up to u64::MAX.
                                    size: (offset as u64).saturating_add(needed),
                                    limit: self.limits.max_size,
                                });
                            }
                            let total = (offset as u64).saturating_add(needed);
                            want = usize::try_from(total)
                                .unwrap_or(usize::MAX)
                                .clamp(buffered + 1, self.max_size());
                        }
                        Err(e) => return Err(e),
                    }
                }
                if self.fill()? == 0 {
                    let buffered = self.end - self.start;
                    return if buffered == 0 {
                        Ok(None)
                    } else {
                        Err(Error::TruncatedStream { received: buffered })
                    };
                }
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
                        self.end += n;
                        return Ok(n);
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::Io(e)),
                }
            }
        }
    }
}
