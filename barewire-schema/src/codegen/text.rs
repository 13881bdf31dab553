//! Writing the output the way rustfmt would: doc comments, attributes, and
//! lines broken at the width rustfmt uses.

use super::MAX_WIDTH;
use alloc::{format, string::String, vec::Vec};
use core::fmt::Write as _;

pub(super) fn write_doc(out: &mut String, doc: Option<&str>, indent: &str) {
    if let Some(doc) = doc {
        for line in doc.lines() {
            if line.is_empty() {
                let _ = writeln!(out, "{indent}///");
            } else {
                let _ = writeln!(out, "{indent}/// {line}");
            }
        }
    }
}

/// An attribute on its own line, the list inside broken one item per line
/// when the line would be too long (as rustfmt does with derives).
pub(super) fn write_attr(out: &mut String, attr: &str, indent: &str) {
    if indent.len() + attr.len() <= MAX_WIDTH {
        let _ = writeln!(out, "{indent}{attr}");
        return;
    }
    let (Some(open), Some(inner)) = (attr.find('('), attr.strip_suffix(")]")) else {
        let _ = writeln!(out, "{indent}{attr}");
        return;
    };
    let _ = writeln!(out, "{indent}{}", &attr[..=open]);
    for part in split_top(&inner[open + 1..]) {
        let _ = writeln!(out, "{indent}    {part},");
    }
    let _ = writeln!(out, "{indent})]");
}

/// `text` + `end` on a line at `indent`; when too long, the outermost
/// generic arguments (or tuple/array parts) one per line, as rustfmt breaks
/// long types.
pub(super) fn write_typed_line(out: &mut String, indent: &str, text: &str, end: &str) {
    if indent.len() + text.len() + end.len() <= MAX_WIDTH {
        let _ = writeln!(out, "{indent}{text}{end}");
        return;
    }
    // The first `<` (or `(` of a variant) at depth 0 opens the list to break.
    let open = text.find(['<', '(']);
    let Some(open) = open.filter(|&o| matching_close(text, o).is_some()) else {
        let _ = writeln!(out, "{indent}{text}{end}");
        return;
    };
    let close = matching_close(text, open).unwrap_or(text.len() - 1);
    let head = &text[..=open];
    let inner = &text[open + 1..close];
    let tail = &text[close..];
    let _ = writeln!(out, "{indent}{head}");
    let deeper = format!("{indent}    ");
    for part in split_top(inner) {
        write_typed_line(out, &deeper, part, ",");
    }
    let _ = writeln!(out, "{indent}{tail}{end}");
}

/// The index of the bracket closing the one at `open`.
pub(super) fn matching_close(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` split at the commas outside brackets, each part trimmed.
pub(super) fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}
