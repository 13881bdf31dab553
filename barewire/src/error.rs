//! The one error type of barewire.

use alloc::string::String;

/// Everything that can go wrong when decoding, validating or parsing.
///
/// Each variant that concerns input bytes carries the byte `offset` (from the
/// start of the input) where the problem was found, so a log line points at
/// the exact place:
///
/// ```
/// let err = barewire::from_slice::<bool>(&[0x02]).unwrap_err();
/// assert_eq!(err.to_string(), "invalid bool at byte 0: 0x02 is neither 0 nor 1");
/// assert!(matches!(err, barewire::Error::InvalidBool { offset: 0, byte: 2 }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the value did: a value or a length prefix needs
    /// `needed` bytes at `offset`, but only `available` remain.
    #[error("unexpected end of input at byte {offset}: needed {needed} bytes, {available} remain")]
    UnexpectedEnd {
        /// Where the value that did not fit starts.
        offset: usize,
        /// How many bytes it needs (at least).
        needed: u64,
        /// How many bytes were left.
        available: usize,
    },
    /// A varint has a trailing zero group (an overlong, non-canonical form).
    #[error("non-canonical varint at byte {offset}: overlong encoding with a trailing zero group")]
    NonCanonicalVarint {
        /// Where the varint starts.
        offset: usize,
    },
    /// A varint encodes a value that does not fit in 64 bits.
    #[error("varint at byte {offset} overflows 64 bits")]
    VarintOverflow {
        /// Where the varint starts.
        offset: usize,
    },
    /// A decoded integer does not fit the Rust type it is decoded into.
    #[error("integer {value} at byte {offset} does not fit in {target}")]
    IntegerOutOfRange {
        /// Where the integer starts.
        offset: usize,
        /// The decoded value.
        value: u64,
        /// The Rust type it had to fit.
        target: &'static str,
    },
    /// A `bool` byte other than 0 or 1.
    #[error("invalid bool at byte {offset}: {byte:#04x} is neither 0 nor 1")]
    InvalidBool {
        /// Where the byte is.
        offset: usize,
        /// The byte found.
        byte: u8,
    },
    /// An `optional` tag byte other than 0 or 1.
    #[error("invalid optional tag at byte {offset}: {byte:#04x} is neither 0 nor 1")]
    InvalidOptionTag {
        /// Where the byte is.
        offset: usize,
        /// The byte found.
        byte: u8,
    },
    /// A `str` that is not valid UTF-8.
    #[error("invalid UTF-8 in string at byte {offset}")]
    InvalidUtf8 {
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// An enum value that names no member of the enum.
    #[error("unknown value {value} for enum {type_name} at byte {offset}")]
    UnknownEnumValue {
        /// Where the value starts.
        offset: usize,
        /// The value found.
        value: u64,
        /// The enum's name.
        type_name: &'static str,
    },
    /// A union tag that names no member of the union.
    #[error("unknown tag {tag} for union {type_name} at byte {offset}")]
    UnknownUnionTag {
        /// Where the tag starts.
        offset: usize,
        /// The tag found.
        tag: u64,
        /// The union's name.
        type_name: &'static str,
    },
    /// A map holds the same key twice.
    #[error("duplicate map key at byte {offset}")]
    DuplicateMapKey {
        /// Where the repeated key starts.
        offset: usize,
    },
    /// Bytes remain after the top-level value.
    #[error("{remaining} trailing bytes after the value, starting at byte {offset}")]
    TrailingBytes {
        /// Where the trailing bytes start.
        offset: usize,
        /// How many there are.
        remaining: usize,
    },
    /// Values nest deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("nesting deeper than the limit of {limit} at byte {offset}")]
    DepthLimit {
        /// Where the value that went too deep starts.
        offset: usize,
        /// The limit in force.
        limit: u32,
    },
    /// A message larger than [`Limits::max_size`](crate::Limits::max_size).
    #[error("message of at least {size} bytes exceeds the size limit of {limit} bytes")]
    SizeLimit {
        /// The size seen (at least).
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A list of zero-sized items claims more items than the limits allow.
    #[error("list at byte {offset} claims {count} items, over the limit of {limit}")]
    TooManyItems {
        /// Where the length prefix starts.
        offset: usize,
        /// The count claimed.
        count: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A layout image or view is malformed: out of bounds, misaligned, or
    /// with a value that breaks its type's rules.
    #[error("invalid layout at byte {offset}: {reason}")]
    InvalidLayout {
        /// Where in the image the problem is.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A buffer handed to a layout view is not aligned as the root type needs.
    #[error("misaligned buffer: address is not a multiple of {align}")]
    Misaligned {
        /// The alignment required.
        align: usize,
    },
    /// A BARE schema text could not be parsed or is invalid.
    #[error("schema error at line {line}, column {column}: {message}")]
    Schema {
        /// 1-based line.
        line: u32,
        /// 1-based column, in characters.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// An I/O error from a reader or writer.
    #[cfg(feature = "std")]
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// An image file's header is not a valid barewire header: bad magic,
    /// damaged bytes (its check word does not match), or a field out of range.
    #[error("invalid image file header at byte {offset}: {reason}")]
    FileHeader {
        /// Where in the file the problem is.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An image file or channel was written by a newer barewire whose format
    /// version this one does not know.
    #[error(
        "unsupported format version {found}: this barewire reads version {supported} and older"
    )]
    UnsupportedVersion {
        /// The version found.
        found: u32,
        /// The newest version this build understands.
        supported: u32,
    },
    /// An image file or channel was written for another type, or for an
    /// older definition of this one (its schema or field layout changed).
    #[error(
        "image is of another type: fingerprint {found:#018x}, expected {expected:#018x} for {type_name}"
    )]
    WrongType {
        /// The Rust type it was opened as.
        type_name: &'static str,
        /// The fingerprint of that type.
        expected: u64,
        /// The fingerprint stored in the file or channel.
        found: u64,
    },
    /// A file is shorter than its header says.
    #[error("truncated file: the header promises {expected} bytes, the file has {actual}")]
    TruncatedFile {
        /// The file length the header implies.
        expected: u64,
        /// The actual file length.
        actual: u64,
    },
    /// The image bytes do not match the checksum in the file header.
    #[error(
        "checksum mismatch: the image hashes to {actual:#018x}, the header says {expected:#018x}"
    )]
    ChecksumMismatch {
        /// The checksum stored in the header.
        expected: u64,
        /// The checksum of the bytes found.
        actual: u64,
    },
    /// A frame (its length prefix, or a frame to be sent) is larger than the
    /// maximum frame size; found before any buffer was allocated for it.
    #[error("frame of {size} bytes exceeds the maximum frame size of {limit} bytes")]
    FrameTooLarge {
        /// The frame length announced or attempted.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The peer closed the stream in the middle of a frame.
    #[error(
        "peer closed the connection in the middle of a frame: received {received} of {expected} bytes"
    )]
    TruncatedFrame {
        /// The frame's length (prefix included), as far as it is known.
        expected: u64,
        /// The bytes of the frame that arrived.
        received: u64,
    },
    /// A message is larger than a shared-memory channel can ever hold.
    #[error("message of {size} bytes does not fit the channel: at most {max} bytes per message")]
    MessageTooLarge {
        /// The message size asked for.
        size: u64,
        /// The largest message this channel takes.
        max: u64,
    },
    /// The other end of a shared-memory channel has closed it (and, for a
    /// receiver, every message sent before has been received).
    #[error("channel closed by the other end")]
    ChannelClosed,
    /// A channel end was opened twice: a channel has one sender and one
    /// receiver.
    #[error("channel already has a {role} attached")]
    ChannelBusy {
        /// `"sender"` or `"receiver"`.
        role: &'static str,
    },
    /// The shared state of a channel is inconsistent: the peer broke the
    /// protocol (a bug, a crash in the middle of setup, or a hostile peer).
    #[error("shared-memory channel is corrupt: {reason}")]
    ChannelCorrupt {
        /// What is wrong.
        reason: &'static str,
    },
    /// A stream ended in the middle of a message or frame.
    #[error("stream ended in the middle of a message after {received} bytes")]
    TruncatedStream {
        /// How many bytes of the unfinished message were received.
        received: usize,
    },
    /// Nested values need more stack than
    /// [`Limits::max_stack`](crate::Limits::max_stack) allows (a recursive
    /// type with large inline fields reaches this before the depth limit).
    #[error("nesting at byte {offset} needs more than the stack budget of {limit} bytes")]
    StackLimit {
        /// Where the value that went over the budget starts.
        offset: usize,
        /// The stack budget, in bytes.
        limit: usize,
    },
    /// A serde `Serialize` or `Deserialize` impl reported an error (through
    /// `serde::ser::Error::custom` or `serde::de::Error::custom`), in the
    /// serde bridge (feature `serde`).
    #[error("serde: {message}")]
    Serde {
        /// The impl's message.
        message: String,
    },
    /// A value or request that the BARE format cannot express, from the
    /// serde bridge (feature `serde`): `deserialize_any`, a sequence or map
    /// of unknown length when encoding, a field skipped at run time.
    #[error("BARE cannot express {what}")]
    Unsupported {
        /// What was asked for, and what to do instead.
        what: &'static str,
    },
    /// A check or parse of untrusted input would do more work than its
    /// budget, which is linear in the input's size.
    #[error("{what} at byte {offset} would take more work than the input's size allows")]
    WorkLimit {
        /// Where the work ran out.
        offset: usize,
        /// What was being checked.
        what: &'static str,
    },
    /// A value that lives in an arena (`barewire_pool::ArenaString`,
    /// `ArenaVec`, `Owned`) was decoded or rebuilt without one: decode it
    /// with `barewire_pool::from_slice_in`, which gives the decode its arena
    /// (see [`Reader::with_context`](crate::Reader::with_context)).
    ///
    /// ```
    /// let err = barewire::Error::NoArena { offset: 3 };
    /// assert_eq!(
    ///     err.to_string(),
    ///     "the value at byte 3 lives in an arena, but the decode has none (decode with barewire_pool::from_slice_in)"
    /// );
    /// ```
    #[error(
        "the value at byte {offset} lives in an arena, but the decode has none (decode with barewire_pool::from_slice_in)"
    )]
    NoArena {
        /// Where the value starts.
        offset: usize,
    },
    /// The arena a value is decoded into has no room for it: a fixed arena
    /// that is full, or a growing one the system cannot grow.
    ///
    /// ```
    /// let err = barewire::Error::ArenaFull { offset: 0, requested: 64, remaining: 8 };
    /// assert_eq!(
    ///     err.to_string(),
    ///     "the arena has no room for the value at byte 0: 64 bytes requested, 8 remain"
    /// );
    /// ```
    #[error(
        "the arena has no room for the value at byte {offset}: {requested} bytes requested, {remaining} remain"
    )]
    ArenaFull {
        /// Where the value starts (0 for the copy of the whole message).
        offset: usize,
        /// The bytes the allocation asked for.
        requested: usize,
        /// The bytes left in the arena's current chunk.
        remaining: usize,
    },
}

/// A schema error keeps its line, column and message.
///
/// ```
/// let err: barewire::Error = barewire_schema::parse("type a u8").unwrap_err().into();
/// assert!(matches!(err, barewire::Error::Schema { line: 1, column: 6, .. }), "{err}");
/// ```
impl From<barewire_schema::Error> for Error {
    fn from(err: barewire_schema::Error) -> Self {
        Error::Schema {
            line: err.line,
            column: err.column,
            message: err.message,
        }
    }
}
