//! The decoding cursor, its limits and its context.

use core::any::Any;

use crate::error::Error;
use crate::limits::{Limits, Nesting};

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
    nesting: Nesting,
    /// How many more bytes of memory the items of lists whose items take no
    /// wire bytes may take in this message (starts at `limits.max_size`).
    zero_size_budget: u64,
    limits: Limits,
    /// The `Bytes` the input is, when decoding with
    /// [`from_bytes`](crate::from_bytes): `Bytes` fields then share its
    /// memory instead of copying.
    #[cfg(feature = "bytes")]
    source: Option<&'de bytes::Bytes>,
    /// What [`with_context`](Self::with_context) gave: something decode
    /// impls find by its type (the arena of `barewire_pool::from_slice_in`).
    context: Option<&'de dyn Any>,
    /// Whether the input is memory the context holds (see
    /// [`holding_input`](Self::holding_input)).
    context_holds_input: bool,
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
            nesting: Nesting::new(&limits),
            zero_size_budget: limits.max_size,
            limits,
            #[cfg(feature = "bytes")]
            source: None,
            context: None,
            context_holds_input: false,
        }
    }

    /// A reader over `input` with a *decode context*: a value that
    /// [`Decode`](crate::Decode) impls ask for by its type with
    /// [`context`](Self::context), for what the input alone does not give
    /// them. The types of `barewire_pool` that live in an arena
    /// (`ArenaString`, `ArenaVec`, `Owned`) find their arena here;
    /// `barewire_pool::from_slice_in` builds such a reader.
    ///
    /// The context is any `'static` type, borrowed for the input's
    /// lifetime: what a decode builds from it may live that long.
    ///
    /// ```
    /// use barewire::{Decode, Error, Limits, Reader};
    ///
    /// /// A `u8` that counts in a context.
    /// struct Counted(u8);
    /// impl<'de> Decode<'de> for Counted {
    ///     fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
    ///         if let Some(count) = r.context::<std::cell::Cell<u32>>() {
    ///             count.set(count.get() + 1);
    ///         }
    ///         u8::decode(r).map(Counted)
    ///     }
    /// }
    ///
    /// let count = std::cell::Cell::new(0u32);
    /// let mut r = Reader::with_context(&[2, 7, 9], Limits::DEFAULT, &count);
    /// let items: Vec<Counted> = Decode::decode(&mut r)?;
    /// assert_eq!((items.len(), count.get()), (2, 2));
    /// assert!(r.context::<String>().is_none()); // another type: none
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[inline]
    pub fn with_context(input: &'de [u8], limits: Limits, context: &'de dyn Any) -> Self {
        let mut r = Self::with_limits(input, limits);
        r.context = Some(context);
        r
    }

    /// Says that the input is memory the context holds, for as long as the
    /// context is borrowed (`barewire_pool::from_slice_in` first copies the
    /// message into its arena): a type that keeps its bytes in the context
    /// may then borrow them from the input instead of copying them. A
    /// statement for such types only; it changes nothing else (whatever
    /// borrows from the input is valid for `'de` in any case).
    ///
    /// ```
    /// let owner = String::from("holds the input");
    /// let r = barewire::Reader::with_context(&[], barewire::Limits::DEFAULT, &owner);
    /// assert!(!r.context_holds_input());
    /// assert!(r.holding_input().context_holds_input());
    /// ```
    #[inline]
    #[must_use]
    pub fn holding_input(mut self) -> Self {
        self.context_holds_input = self.context.is_some();
        self
    }

    /// The decode context, if the reader has one of type `C` (see
    /// [`with_context`](Self::with_context)).
    ///
    /// ```
    /// let limit = 10u32;
    /// let r = barewire::Reader::with_context(&[], barewire::Limits::DEFAULT, &limit);
    /// assert_eq!(r.context::<u32>(), Some(&10));
    /// assert_eq!(r.context::<u64>(), None);
    /// assert_eq!(barewire::Reader::new(&[]).context::<u32>(), None);
    /// ```
    #[inline]
    pub fn context<C: Any>(&self) -> Option<&'de C> {
        self.context?.downcast_ref::<C>()
    }

    /// Whether the input is memory the context holds (see
    /// [`holding_input`](Self::holding_input)); never without a context.
    ///
    /// ```
    /// let r = barewire::Reader::new(&[]).holding_input();
    /// assert!(!r.context_holds_input());
    /// ```
    #[inline]
    pub fn context_holds_input(&self) -> bool {
        self.context_holds_input
    }

    /// A reader over a `bytes::Bytes` (feature `bytes`): `Bytes` fields
    /// decoded from it share its memory (no copy).
    ///
    /// ```
    /// let input = bytes::Bytes::from_static(&[3, b'a', b'b', b'c']);
    /// let mut r = barewire::Reader::over_bytes(&input, barewire::Limits::DEFAULT);
    /// let field: bytes::Bytes = barewire::Decode::decode(&mut r)?;
    /// assert_eq!(field.as_ptr(), input[1..].as_ptr());
    /// # Ok::<(), barewire::Error>(())
    /// ```
    #[cfg(feature = "bytes")]
    pub fn over_bytes(input: &'de bytes::Bytes, limits: Limits) -> Self {
        let mut r = Self::with_limits(input, limits);
        r.source = Some(input);
        r
    }

    /// The `Bytes` that `slice` (borrowed from this reader's input) is part
    /// of, sharing its memory when the input is a `Bytes`, else a copy.
    #[cfg(feature = "bytes")]
    pub(crate) fn share(&self, slice: &'de [u8]) -> bytes::Bytes {
        match self.source {
            // `slice` came from `self.input`, which is `source`'s bytes, so
            // `slice_ref` finds it inside (its one panic cannot happen).
            Some(source)
                if source.as_ptr_range().start <= slice.as_ptr()
                    && slice.as_ptr_range().end <= source.as_ptr_range().end =>
            {
                source.slice_ref(slice)
            }
            _ => bytes::Bytes::copy_from_slice(slice),
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
    /// [`length_in_memory`](Self::length_in_memory) does the same and
    /// charges items that take no wire bytes by the memory they take.
    #[inline]
    pub fn length(&mut self, min_item_size: usize) -> Result<usize, Error> {
        self.length_in_memory(min_item_size, 1)
    }

    /// Reads a length prefix of a list whose items take at least
    /// `min_item_size` wire bytes and `item_memory` bytes of memory each.
    ///
    /// As [`length`](Self::length), but when the items take no wire bytes,
    /// the count times `item_memory` (at least 1) is charged against the
    /// message's budget of [`Limits::max_size`] bytes, so four bytes of
    /// input cannot ask for gigabytes of `Box<()>` or of structs whose
    /// fields are all skipped.
    ///
    /// ```
    /// // 2^26 items of 8 bytes each would be 512 MiB.
    /// let bytes = [0x80, 0x80, 0x80, 0x20];
    /// assert!(matches!(
    ///     barewire::from_slice::<Vec<Box<()>>>(&bytes),
    ///     Err(barewire::Error::TooManyItems { .. })
    /// ));
    /// ```
    #[inline]
    pub fn length_in_memory(
        &mut self,
        min_item_size: usize,
        item_memory: usize,
    ) -> Result<usize, Error> {
        let offset = self.pos;
        let count = self.uint()?;
        if min_item_size == 0 {
            let charge = count.checked_mul(item_memory.max(1) as u64);
            match charge {
                Some(charge) if charge <= self.zero_size_budget => {
                    self.zero_size_budget -= charge;
                }
                _ => {
                    return Err(Error::TooManyItems {
                        offset,
                        count,
                        limit: self.limits.max_size / item_memory.max(1) as u64,
                    });
                }
            }
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

    /// Reads the length prefix of a list whose item size is not known (the
    /// serde bridge): a count the remaining input could hold at one byte
    /// per item is accepted as it is; a larger one is charged, one byte per
    /// item, against the message's budget for items that take no wire bytes
    /// (as [`length_in_memory`](Self::length_in_memory) does), so looping
    /// over the count is bounded by the input size plus
    /// [`Limits::max_size`] whatever the items are.
    #[cfg(feature = "serde")]
    #[inline]
    pub(crate) fn length_of_unknown_items(&mut self) -> Result<usize, Error> {
        let start = self.pos;
        let count = self.uint()?;
        if count <= self.remaining() as u64 {
            return Ok(count as usize);
        }
        self.pos = start;
        self.length_in_memory(0, 1)
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

    /// Enters one level of nesting; fails past [`Limits::max_depth`], or
    /// when the decoder's stack has grown by more than
    /// [`Limits::max_stack`] bytes since the outermost level.
    ///
    /// Pair every successful `enter` with a [`leave`](Self::leave) once the
    /// nested value is read. (After an error the reader is abandoned, so an
    /// unpaired `enter` on the error path is harmless.)
    #[inline]
    pub fn enter(&mut self) -> Result<(), Error> {
        self.nesting.enter(self.pos)
    }

    /// Leaves one level of nesting entered with [`enter`](Self::enter).
    #[inline]
    pub fn leave(&mut self) {
        self.nesting.leave();
    }

    /// Moves the cursor back to `pos` and forgets any nesting, for streaming
    /// decoders that retry a message.
    #[inline]
    pub(crate) fn rewind(&mut self, pos: usize) {
        self.pos = pos;
        self.nesting = Nesting::new(&self.limits);
        self.zero_size_budget = self.limits.max_size;
    }

    /// The whole input.
    #[inline]
    pub(crate) fn input(&self) -> &'de [u8] {
        self.input
    }
}
