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
    Error {
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

/// A `##` comment alone on its line: the line and the text after `##` (and
/// one space).
pub(super) type DocLine = (u32, String);

/// Splits `text` into tokens, dropping white space and `#` comments; the
/// last token is always [`Tok::Eof`]. `##` comments alone on their line are
/// also returned, for [`Docs`](crate::Docs).
pub(super) fn lex(text: &str) -> Result<(Vec<Token>, Vec<DocLine>), Error> {
    let mut toks: Vec<Token> = Vec::new();
    let mut docs = Vec::new();
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
            let mut comment = String::new();
            while let Some(c) = chars.next_if(|&c| c != '\n') {
                comment.push(c);
                pos.column = pos.column.saturating_add(1);
            }
            let alone = toks.last().is_none_or(|t| t.pos.line < start.line);
            if let Some(doc) = comment.strip_prefix("##").filter(|_| alone) {
                let doc = doc.strip_prefix(' ').unwrap_or(doc).trim_end();
                docs.push((start.line, String::from(doc)));
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
    Ok((toks, docs))
}
