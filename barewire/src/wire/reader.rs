//! The decoding cursor and its limits.

use crate::Error;

/// Limits a decoder enforces on untrusted input.
///
/// ```
/// use barewire::Limits;
/// let limits = Limits::DEFAULT.with_max_depth(32).with_max_size(1 << 20);
/// assert_eq!(limits.max_depth, 32);
/// assert_eq!(limits.max_size, 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How deeply lists, maps and boxes may nest (default 256). Each level
    /// of `Box`, list or map counts one; this bounds the decoder's recursion,
    /// and the default is safe on a 2 MiB thread stack in a debug build.
    pub max_depth: u32,
    /// The largest message, in bytes (default 64 MiB). [`from_slice`]
    /// checks the input length; streaming decoders stop buffering here.
    /// It also bounds the total number of items that take no wire bytes
    /// (such as `list<void>` items) in one message.
    ///
    /// [`from_slice`]: crate::from_slice
    pub max_size: u64,
}

impl Limits {
    /// Depth 256, size 64 MiB.
    pub const DEFAULT: Limits = Limits {
        max_depth: 256,
        max_size: 64 << 20,
    };

    /// These limits with another nesting depth.
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: u32) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These limits with another message size.
    #[must_use]
    pub const fn with_max_size(mut self, max_size: u64) -> Self {
        self.max_size = max_size;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A cursor over BARE input: the building block of every [`Decode`] impl.
///
/// Every read is bounds-checked and returns an [`Error`] with the byte
/// offset on failure; slices it returns borrow from the input for `'de`.
///
/// ```
/// use barewire::Reader;
/// let mut r = Reader::new(&[0xac, 0x02, 3, b'a', b'b', b'c']);
/// assert_eq!(r.uint()?, 300);
/// assert_eq!(r.str()?, "abc");
/// r.finish()?;
/// # Ok::<(), barewire::Error>(())
/// ```
///
/// [`Decode`]: crate::Decode
#[derive(Debug, Clone)]
pub struct Reader<'de> {
    input: &'de [u8],
    pos: usize,
    depth: u32,
    /// How many more items of lists whose items take no wire bytes this
    /// message may hold (starts at `limits.max_size`).
    zero_size_budget: u64,
    limits: Limits,
}

impl<'de> Reader<'de> {
    /// A reader over `input` with the default [`Limits`].
    #[inline]
    pub fn new(input: &'de [u8]) -> Self {
        Self::with_limits(input, Limits::DEFAULT)
    }

    /// A reader over `input` with the given limits.
    #[inline]
    pub fn with_limits(input: &'de [u8], limits: Limits) -> Self {
        Reader {
            input,
            pos: 0,
            depth: 0,
            zero_size_budget: limits.max_size,
            limits,
        }
    }

    /// The offset of the next byte to read, from the start of the input.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// How many bytes remain.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    /// The limits in force.
    #[inline]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Succeeds when every byte has been read; otherwise a
    /// [`Error::TrailingBytes`].
    #[inline]
    pub fn finish(&self) -> Result<(), Error> {
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(Error::TrailingBytes {
                offset: self.pos,
                remaining: self.remaining(),
            })
        }
    }

    #[inline]
    fn end_error(&self, offset: usize, needed: u64) -> Error {
        Error::UnexpectedEnd {
            offset,
            needed,
            available: self.input.len() - offset,
        }
    }

    /// Reads the next `n` bytes, borrowed from the input.
    #[inline]
    pub fn take(&mut self, n: u64) -> Result<&'de [u8], Error> {
        let start = self.pos;
        if n > self.remaining() as u64 {
            return Err(self.end_error(start, n));
        }
        let end = start + n as usize;
        self.pos = end;
        Ok(&self.input[start..end])
    }

    /// Reads the next `N` bytes as an array.
    #[inline]
    pub fn take_array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let start = self.pos;
        match self.input.get(start..start + N) {
            Some(bytes) => {
                self.pos = start + N;
                let mut out = [0u8; N];
                out.copy_from_slice(bytes);
                Ok(out)
            }
            None => Err(self.end_error(start, N as u64)),
        }
    }

    /// Reads one byte.
    #[inline]
    pub fn byte(&mut self) -> Result<u8, Error> {
        match self.input.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.end_error(self.pos, 1)),
        }
    }

    /// Reads a `uint`: a canonical LEB128 varint of at most 64 bits.
    ///
    /// Rejects overlong forms (a trailing zero group), more than ten bytes,
    /// and values of 2^64 or more.
    #[inline]
    pub fn uint(&mut self) -> Result<u64, Error> {
        match self.input.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                Ok(u64::from(b))
            }
            _ => self.uint_multi_byte(),
        }
    }

    #[inline(never)]
    fn uint_multi_byte(&mut self) -> Result<u64, Error> {
        let start = self.pos;
        let mut value = 0u64;
        let mut index = 0usize;
        loop {
            let Some(&b) = self.input.get(start + index) else {
                return Err(self.end_error(start, index as u64 + 1));
            };
            if index == 9 && b > 1 {
                return Err(Error::VarintOverflow { offset: start });
            }
            value |= u64::from(b & 0x7f) << (7 * index);
            index += 1;
            if b < 0x80 {
                if b == 0 && index > 1 {
                    return Err(Error::NonCanonicalVarint { offset: start });
                }
                self.pos = start + index;
                return Ok(value);
            }
        }
    }

    /// Reads an `int`: a zig-zag encoded `uint`.
    #[inline]
    pub fn int(&mut self) -> Result<i64, Error> {
        let u = self.uint()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    /// Reads a length prefix of a list whose items take at least
    /// `min_item_size` wire bytes each, and checks it against the input.
    ///
    /// A count the remaining input cannot hold is an
    /// [`Error::UnexpectedEnd`]; for zero-sized items, a count that would
    /// take the message's total of such items over [`Limits::max_size`] is
    /// an [`Error::TooManyItems`] (a total, so nested lists cannot multiply
    /// it). So the count this returns is always safe to loop over.
    #[inline]
    pub fn length(&mut self, min_item_size: usize) -> Result<usize, Error> {
        let offset = self.pos;
        let count = self.uint()?;
        if min_item_size == 0 {
            if count > self.zero_size_budget {
                return Err(Error::TooManyItems {
                    offset,
                    count,
                    limit: self.limits.max_size,
                });
            }
            self.zero_size_budget -= count;
            return usize::try_from(count).map_err(|_| Error::IntegerOutOfRange {
                offset,
                value: count,
                target: "usize",
            });
        }
        let available = self.remaining();
        if count > (available / min_item_size) as u64 {
            return Err(Error::UnexpectedEnd {
                offset,
                needed: count.saturating_mul(min_item_size as u64),
                available,
            });
        }
        Ok(count as usize)
    }

    /// Reads a `str`, borrowed from the input, checking its UTF-8.
    #[inline]
    pub fn str(&mut self) -> Result<&'de str, Error> {
        let bytes = self.data()?;
        crate::utf8::to_str(bytes).map_err(|valid| Error::InvalidUtf8 {
            offset: self.pos - bytes.len() + valid,
        })
    }

    /// Reads `data`: a length and that many bytes, borrowed from the input.
    #[inline]
    pub fn data(&mut self) -> Result<&'de [u8], Error> {
        let len = self.length(1)?;
        self.take(len as u64)
    }

    /// Reads a `bool`, rejecting bytes other than 0 and 1.
    #[inline]
    pub fn bool(&mut self) -> Result<bool, Error> {
        let offset = self.pos;
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            byte => Err(Error::InvalidBool { offset, byte }),
        }
    }

    /// Reads the tag byte of an `optional`: `false` for absent, `true` for
    /// present, an error for anything else.
    #[inline]
    pub fn option_tag(&mut self) -> Result<bool, Error> {
        let offset = self.pos;
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            byte => Err(Error::InvalidOptionTag { offset, byte }),
        }
    }

    /// Enters one level of nesting; fails past [`Limits::max_depth`].
    ///
    /// Pair every successful `enter` with a [`leave`](Self::leave) once the
    /// nested value is read. (After an error the reader is abandoned, so an
    /// unpaired `enter` on the error path is harmless.)
    #[inline]
    pub fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= self.limits.max_depth {
            return Err(Error::DepthLimit {
                offset: self.pos,
                limit: self.limits.max_depth,
            });
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves one level of nesting entered with [`enter`](Self::enter).
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Moves the cursor back to `pos` and forgets any nesting, for streaming
    /// decoders that retry a message.
    #[inline]
    pub(crate) fn rewind(&mut self, pos: usize) {
        self.pos = pos;
        self.depth = 0;
        self.zero_size_budget = self.limits.max_size;
    }

    /// The whole input.
    #[inline]
    pub(crate) fn input(&self) -> &'de [u8] {
        self.input
    }
}
