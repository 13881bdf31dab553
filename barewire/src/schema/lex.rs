//! The schema lexer: words, punctuation and comments, each token with its
//! 1-based line and column.

use alloc::{format, string::String, vec::Vec};

use crate::error::Error;

/// A 1-based position in the text, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) line: u32,
    pub(super) column: u32,
}

/// The error at `pos`.
pub(super) fn error(pos: Pos, message: impl Into<String>) -> Error {
    Error::Schema {
        line: pos.line,
        column: pos.column,
        message: message.into(),
    }
}

/// A token: a word (names, keywords and numbers alike), one punctuation
/// character, or the end of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    Word(String),
    Punct(char),
    Eof,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: Pos,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `text` into tokens, dropping white space and `#` comments; the
/// last token is always [`Tok::Eof`].
pub(super) fn lex(text: &str) -> Result<Vec<Token>, Error> {
    let mut toks = Vec::new();
    let mut pos = Pos { line: 1, column: 1 };
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        let start = pos;
        if c == '\n' {
            chars.next();
            pos = Pos {
                line: pos.line.saturating_add(1),
                column: 1,
            };
        } else if c.is_whitespace() {
            chars.next();
            pos.column = pos.column.saturating_add(1);
        } else if c == '#' {
            while chars.next_if(|&c| c != '\n').is_some() {
                pos.column = pos.column.saturating_add(1);
            }
        } else if is_word_char(c) {
            let mut word = String::new();
            while let Some(c) = chars.next_if(|&c| is_word_char(c)) {
                word.push(c);
                pos.column = pos.column.saturating_add(1);
            }
            toks.push(Token {
                tok: Tok::Word(word),
                pos: start,
            });
        } else if "{}<>[]()|=:,;".contains(c) {
            chars.next();
            pos.column = pos.column.saturating_add(1);
            toks.push(Token {
                tok: Tok::Punct(c),
                pos: start,
            });
        } else {
            return Err(error(start, format!("unexpected character {c:?}")));
        }
    }
    toks.push(Token { tok: Tok::Eof, pos });
    Ok(toks)
}
