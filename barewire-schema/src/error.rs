//! The one error of this crate: where in the schema text, and what.

use alloc::string::String;
use core::fmt;

/// A schema text that could not be parsed or is invalid, or a schema the
/// generator cannot turn into Rust: the 1-based line and column (in
/// characters) of the offending token, and what is wrong.
///
/// `barewire` converts it into `barewire::Error::Schema` with the same three
/// values.
///
/// ```
/// let err = barewire_schema::parse("type A struct {\n  b: B\n}").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 6));
/// assert_eq!(err.to_string(), "schema error at line 2, column 6: the type 'B' is not defined");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1-based line (0 when the error is about no place in the text).
    pub line: u32,
    /// 1-based column, in characters (0 when about no place in the text).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "schema error at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl core::error::Error for Error {}
