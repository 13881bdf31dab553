//! The schema parser: text to tokens to [`Schema`], then the whole-schema
//! checks of [`check`](super::check).
//!
//! Rules that concern one construct (names, separators, tags, lengths,
//! repeated members) are checked here, where the tokens are; rules that need
//! the whole schema (undefined or repeated type names, circular types, map
//! keys) are checked afterwards. Type expressions are parsed in
//! [`types`].

use alloc::{
    borrow::ToOwned,
    collections::{BTreeMap, BTreeSet},
    format,
    string::String,
    vec::Vec,
};

mod types;

use crate::check::{self, Parsed};
use crate::docs::Docs;
use crate::error::Error;
use crate::lex::{DocLine, Pos, Tok, Token, error, lex};
use crate::model::{DefKind, EnumMember, Field, Schema, Type, TypeDef, UnionMember};

/// How to parse a schema.
///
/// The default accepts the current syntax only (draft-devault-bare, as
/// bare-ts accepts it without options). [`ParseOptions::legacy`] also accepts
/// the older syntax: `enum X { ... }`, `struct X { ... }`, `type X { ... }`,
/// `{ ... }` anonymous structs, `[]T`, `[N]T`, `map[K]V`, `data<N>`, `string`
/// and `(A | B)` unions.
///
/// ```
/// use barewire_schema::{parse_with, ParseOptions};
///
/// let old = "type Names []string";
/// assert!(parse_with(old, ParseOptions::default()).is_err());
/// let schema = parse_with(old, ParseOptions::legacy())?;
/// assert_eq!(schema.to_string(), "type Names list<str>\n");
/// # Ok::<(), barewire_schema::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Also accept the older schema syntax (bare-ts's `--legacy`).
    pub legacy: bool,
}

impl ParseOptions {
    /// Options that accept the older syntax as well as the current one.
    ///
    /// ```
    /// assert!(barewire_schema::ParseOptions::legacy().legacy);
    /// ```
    pub const fn legacy() -> Self {
        Self { legacy: true }
    }
}

/// How deeply types may nest in a schema, counting every type on the way:
/// `optional<optional<u8>>` is three levels, as is a struct with a field of
/// type `list<u8>`, or `map<str><u8>`.
///
/// The parser, the checks and the printer recurse once per level, so this
/// bounds the stack they use; a deeper schema is an
/// [`Error`](crate::Error) at the first type past the limit.
///
/// ```
/// use barewire_schema::{parse, MAX_NESTING};
///
/// let nested = |n: usize| format!("type A {}u8{}", "optional<".repeat(n), ">".repeat(n));
/// let deepest = MAX_NESTING as usize - 1; // and the `u8`
/// assert!(parse(&nested(deepest)).is_ok());
/// let err = parse(&nested(deepest + 1)).unwrap_err();
/// assert!(matches!(err, barewire_schema::Error { line: 1, .. }), "{err}");
/// ```
pub const MAX_NESTING: u32 = 128;

/// The longest name made for an anonymous enum (from the path to it), in
/// bytes: beyond it, the enum must be given a name. Each such name holds the
/// whole path, so without a bound a long field name over many anonymous
/// enums would multiply the memory the model takes.
const MAX_MADE_NAME: usize = 256;

/// Parses and checks a schema in the current syntax.
///
/// Types may be used before they are defined, and may refer to themselves
/// when a finite value still exists (through `optional`, `list`, `map` or a
/// union member that terminates). Errors are [`Error`](crate::Error)s with a 1-based
/// line and column; so is a schema nested deeper than [`MAX_NESTING`].
///
/// Time and memory are linear in the length of the text.
///
/// ```
/// use barewire_schema::{parse, Field, Type};
///
/// let schema = parse("type Node struct {\n  value: i32\n  next: optional<Node>\n}")?;
/// assert_eq!(
///     schema.defs[0].kind,
///     barewire_schema::DefKind::Type(Type::Struct(vec![
///         Field { name: "value".into(), ty: Type::I32 },
///         Field { name: "next".into(), ty: Type::Optional(Box::new(Type::Named("Node".into()))) },
///     ])),
/// );
///
/// let err = parse("type A struct {\n  b: B\n}").unwrap_err();
/// assert!(matches!(err, barewire_schema::Error { line: 2, column: 6, .. }), "{err}");
/// # Ok::<(), barewire_schema::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Schema, Error> {
    parse_with(text, ParseOptions::default())
}

/// Parses and checks a schema with the given options.
///
/// ```
/// use barewire_schema::{parse_with, ParseOptions};
///
/// let schema = parse_with("enum Dir { UP DOWN }\ntype Moves [4]Dir", ParseOptions::legacy())?;
/// assert_eq!(schema.to_string(), "type Dir enum {\n  UP\n  DOWN\n}\n\ntype Moves list<Dir>[4]\n");
/// # Ok::<(), barewire_schema::Error>(())
/// ```
pub fn parse_with(text: &str, options: ParseOptions) -> Result<Schema, Error> {
    parse_with_docs(text, options).map(|(schema, _)| schema)
}

/// Parses and checks a schema with the given options, and returns its `##`
/// doc comments beside it (see [`Docs`]).
///
/// ```
/// use barewire_schema::{parse_with_docs, ParseOptions};
///
/// let text = "## Colours.\ntype Colour enum {\n  ## The sky.\n  BLUE\n  RED\n}";
/// let (schema, docs) = parse_with_docs(text, ParseOptions::default())?;
/// assert_eq!(schema, barewire_schema::parse(text)?);
/// assert_eq!(docs.get(&["Colour"]), Some("Colours."));
/// assert_eq!(docs.get(&["Colour", "BLUE"]), Some("The sky."));
/// # Ok::<(), barewire_schema::Error>(())
/// ```
pub fn parse_with_docs(text: &str, options: ParseOptions) -> Result<(Schema, Docs), Error> {
    let (toks, doc_lines) = lex(text)?;
    let mut parser = Parser::new(toks, options.legacy);
    parser.doc_lines = doc_lines;
    parser.schema()?;
    check::check(&parser.out)?;
    let schema = Schema {
        defs: parser.out.defs,
    };
    Ok((schema, parser.docs))
}

impl core::str::FromStr for Schema {
    type Err = Error;

    /// Same as [`parse`].
    fn from_str(text: &str) -> Result<Self, Error> {
        parse(text)
    }
}

/// Appends `name` in `PascalCase` (from `snake_case` or `camelCase`: the
/// first letter of each `_`-separated part upper-cased) to `out`; `false`,
/// having stopped early, if `out` would grow past `max` bytes.
fn push_pascal_case(out: &mut String, name: &str, max: usize) -> bool {
    for part in name.split('_') {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            for c in core::iter::once(first.to_ascii_uppercase()).chain(cs) {
                if out.len() + c.len_utf8() > max {
                    return false;
                }
                out.push(c);
            }
        }
    }
    true
}

fn primitive(word: &str) -> Option<Type> {
    Some(match word {
        "uint" => Type::Uint,
        "int" => Type::Int,
        "u8" => Type::U8,
        "u16" => Type::U16,
        "u32" => Type::U32,
        "u64" => Type::U64,
        "i8" => Type::I8,
        "i16" => Type::I16,
        "i32" => Type::I32,
        "i64" => Type::I64,
        "f32" => Type::F32,
        "f64" => Type::F64,
        "bool" => Type::Bool,
        "str" => Type::Str,
        "void" => Type::Void,
        _ => return None,
    })
}

fn legacy_hint(current: &str, old: &str) -> String {
    format!("use '{current}' or allow '{old}' with the legacy option")
}

struct Parser {
    toks: Vec<Token>,
    at: usize,
    legacy: bool,
    out: Parsed,
    /// Every name that follows `type`, `enum` or `struct` (found up front so
    /// that names given to anonymous enums never clash with them).
    taken: BTreeSet<String>,
    /// The definition being parsed and the field names down to the current
    /// type: the name of an anonymous enum found there.
    path: Vec<String>,
    /// Anonymous enums of the current definition, to place before it.
    hoisted: Vec<(TypeDef, Pos)>,
    /// For each name made for an anonymous enum that was taken: the next
    /// number to try appending to it.
    next_suffix: BTreeMap<String, u32>,
    /// How many types enclose the one being parsed.
    depth: u32,
    /// The `##` comment lines, in order.
    doc_lines: Vec<DocLine>,
    /// The doc comments found so far.
    docs: Docs,
}

impl Parser {
    fn new(toks: Vec<Token>, legacy: bool) -> Self {
        let mut taken = BTreeSet::new();
        for pair in toks.windows(2) {
            match (&pair[0].tok, &pair[1].tok) {
                (Tok::Word(kw), Tok::Word(name))
                    if matches!(kw.as_str(), "type" | "enum" | "struct") =>
                {
                    taken.insert(name.clone());
                }
                _ => {}
            }
        }
        let out = Parsed::default();
        Parser {
            toks,
            at: 0,
            legacy,
            out,
            taken,
            path: Vec::new(),
            hoisted: Vec::new(),
            next_suffix: BTreeMap::new(),
            depth: 0,
            doc_lines: Vec::new(),
            docs: Docs::default(),
        }
    }

    /// Records the doc comment on the lines just above `line` (if any) as
    /// the doc of the item at the current path followed by `last`.
    #[inline(never)]
    fn doc_above(&mut self, line: u32, last: Option<&str>) {
        let end = self.doc_lines.partition_point(|(l, _)| *l < line);
        let mut start = end;
        while start > 0 && self.doc_lines[start - 1].0 + (end - start + 1) as u32 == line {
            start -= 1;
        }
        if start == end {
            return;
        }
        let lines: Vec<&str> = self.doc_lines[start..end]
            .iter()
            .map(|(_, text)| text.as_str())
            .collect();
        let mut path = self.path.clone();
        path.extend(last.map(String::from));
        self.docs.insert(path, lines.join("\n"));
    }

    fn peek(&self) -> &Token {
        &self.toks[self.at]
    }

    fn peek_is(&self, c: char) -> bool {
        self.peek().tok == Tok::Punct(c)
    }

    fn next(&mut self) -> Token {
        let tok = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        tok
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek_is(c);
        if found {
            self.next();
        }
        found
    }

    fn expect(&mut self, c: char) -> Result<Pos, Error> {
        let pos = self.peek().pos;
        if self.eat(c) {
            Ok(pos)
        } else {
            Err(error(pos, format!("'{c}' is expected")))
        }
    }

    /// Members of structs, enums and top-level definitions are separated by
    /// white space only.
    fn no_separator(&self) -> Result<(), Error> {
        match self.peek().tok {
            Tok::Punct(c @ (',' | ';')) => Err(error(
                self.peek().pos,
                format!("members cannot be separated by '{c}'"),
            )),
            _ => Ok(()),
        }
    }

    /// An unsigned decimal integer; `what` says what it is for in errors.
    fn uint(&mut self, what: &str) -> Result<(u64, Pos), Error> {
        let tok = self.next();
        match &tok.tok {
            Tok::Word(w) if w.bytes().all(|b| b.is_ascii_digit()) => match w.parse::<u64>() {
                Ok(n) => Ok((n, tok.pos)),
                Err(_) => Err(error(
                    tok.pos,
                    format!("{what} {w} does not fit in 64 bits"),
                )),
            },
            _ => Err(error(tok.pos, "an unsigned integer is expected")),
        }
    }

    fn length(&mut self) -> Result<u64, Error> {
        let (n, pos) = self.uint("the length")?;
        if n == 0 {
            return Err(error(
                pos,
                "a fixed list or data must have a length strictly greater than 0",
            ));
        }
        Ok(n)
    }

    fn schema(&mut self) -> Result<(), Error> {
        if self.peek().tok == Tok::Eof {
            return Err(error(self.peek().pos, "a schema cannot be empty"));
        }
        while self.peek().tok != Tok::Eof {
            self.def()?;
            self.no_separator()?;
            if self.peek_is('|') {
                return Err(error(
                    self.peek().pos,
                    "a union must be enclosed by 'union { ... }'",
                ));
            }
        }
        Ok(())
    }

    fn def_name(&mut self) -> Result<(String, Pos), Error> {
        let tok = self.next();
        let Tok::Word(name) = tok.tok else {
            return Err(error(tok.pos, "a type name is expected"));
        };
        let mut cs = name.chars();
        let pascal = cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && cs.all(|c| c.is_ascii_alphanumeric());
        if !pascal {
            let msg = format!("the type name '{name}' must be in PascalCase (start with A-Z)");
            return Err(error(tok.pos, msg));
        }
        self.path = alloc::vec![name.clone()];
        Ok((name, tok.pos))
    }

    fn def(&mut self) -> Result<(), Error> {
        let tok = self.next();
        let keyword = match &tok.tok {
            Tok::Word(w) if matches!(w.as_str(), "type" | "enum" | "struct") => w.clone(),
            _ => return Err(error(tok.pos, "'type' is expected")),
        };
        let (name, pos) = self.def_name()?;
        self.doc_above(tok.pos.line, None);
        let kind = match keyword.as_str() {
            "type" => {
                let next = self.peek().clone();
                match next.tok {
                    Tok::Word(w) if w == "enum" => {
                        self.next();
                        DefKind::Enum(self.enum_body()?)
                    }
                    Tok::Punct('{') if !self.legacy => {
                        let hint = legacy_hint("struct { ... }", "{ ... }");
                        return Err(error(next.pos, hint));
                    }
                    Tok::Punct('=') => {
                        let msg = "a type definition and its body cannot be separated by '='";
                        return Err(error(next.pos, msg));
                    }
                    _ => DefKind::Type(self.ty()?),
                }
            }
            _ if !self.legacy => {
                let current = format!("type {name} {keyword} {{ ... }}");
                let hint = legacy_hint(&current, &format!("{keyword} {name} {{ ... }}"));
                return Err(error(pos, hint));
            }
            "enum" => DefKind::Enum(self.enum_body()?),
            _ => {
                let open = self.expect('{')?;
                DefKind::Type(Type::Struct(self.fields(open)?))
            }
        };
        for (def, pos) in self.hoisted.drain(..) {
            self.out.defs.push(def);
            self.out.name_pos.push(pos);
        }
        self.out.defs.push(TypeDef { name, kind });
        self.out.name_pos.push(pos);
        Ok(())
    }

    fn enum_body(&mut self) -> Result<Vec<EnumMember>, Error> {
        let open = self.expect('{')?;
        let mut members: Vec<EnumMember> = Vec::new();
        let mut names = BTreeSet::new();
        let mut next = Some(0u64);
        loop {
            let tok = self.next();
            let name = match tok.tok {
                Tok::Punct('}') => break,
                Tok::Word(name) => name,
                Tok::Eof => return Err(error(tok.pos, "'}' is expected")),
                _ => return Err(error(tok.pos, "the name of an enum member is expected")),
            };
            let constant = name.starts_with(|c: char| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !constant {
                let msg =
                    format!("the name of an enum member must be in CONSTANT_CASE, not '{name}'");
                return Err(error(tok.pos, msg));
            }
            if !names.insert(name.clone()) {
                return Err(error(
                    tok.pos,
                    format!("the enum member '{name}' is already defined"),
                ));
            }
            let (value, vpos) = if self.eat('=') {
                self.uint("the enum value")?
            } else {
                let msg = "the implicit enum value does not fit in 64 bits";
                (next.ok_or_else(|| error(tok.pos, msg))?, tok.pos)
            };
            if members.last().is_some_and(|m| value <= m.value) {
                return Err(error(
                    vpos,
                    "enum values must be in strictly ascending order",
                ));
            }
            self.doc_above(tok.pos.line, Some(&name));
            members.push(EnumMember { name, value });
            next = value.checked_add(1);
            self.no_separator()?;
        }
        if members.is_empty() {
            return Err(error(open, "an enum must include at least one member"));
        }
        Ok(members)
    }

    /// Struct fields after the opening `{` (at `open`), through the `}`.
    fn fields(&mut self, open: Pos) -> Result<Vec<Field>, Error> {
        let mut fields: Vec<Field> = Vec::new();
        let mut names = BTreeSet::new();
        while let Some(name) = self.field_name(&mut names)? {
            self.path.push(name.clone());
            let ty = self.ty()?;
            self.path.pop();
            fields.push(Field { name, ty });
            self.no_separator()?;
        }
        if fields.is_empty() {
            return Err(error(open, "a struct must include at least one member"));
        }
        Ok(fields)
    }

    /// The next field's name and its `:`, or `None` at the closing `}`.
    #[inline(never)]
    fn field_name(&mut self, names: &mut BTreeSet<String>) -> Result<Option<String>, Error> {
        let tok = self.next();
        let name = match tok.tok {
            Tok::Punct('}') => return Ok(None),
            Tok::Word(name) => name,
            Tok::Eof => return Err(error(tok.pos, "'}' is expected")),
            _ => return Err(error(tok.pos, "the name of a field is expected")),
        };
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            let msg = format!(
                "the name of a field must be in camelCase or snake_case (start with a-z), not '{name}'"
            );
            return Err(error(tok.pos, msg));
        }
        if !names.insert(name.clone()) {
            return Err(error(
                tok.pos,
                format!("the field '{name}' is already defined"),
            ));
        }
        self.expect(':')?;
        self.doc_above(tok.pos.line, Some(&name));
        Ok(Some(name))
    }

    /// Union members after the opening delimiter (at `open`), through `close`.
    fn union(&mut self, open: Pos, close: char) -> Result<Vec<UnionMember>, Error> {
        let mut members: Vec<UnionMember> = Vec::new();
        let mut types = BTreeSet::new();
        self.eat('|');
        while !self.eat(close) {
            let pos = self.peek().pos;
            let ty = self.ty()?;
            let member = self.union_member(ty, pos, close, &members, &mut types)?;
            members.push(member);
        }
        if members.is_empty() {
            return Err(error(open, "a union must include at least one member"));
        }
        Ok(members)
    }

    /// The rest of a union member whose type `ty` started at `pos`: its tag
    /// and the separator after it.
    #[inline(never)]
    fn union_member(
        &mut self,
        ty: Type,
        pos: Pos,
        close: char,
        members: &[UnionMember],
        types: &mut BTreeSet<Type>,
    ) -> Result<UnionMember, Error> {
        let (tag, tpos) = if self.eat('=') {
            self.uint("the union tag")?
        } else {
            let next = members.last().map_or(Some(0), |m| m.tag.checked_add(1));
            let msg = "the implicit union tag does not fit in 64 bits";
            (next.ok_or_else(|| error(pos, msg))?, pos)
        };
        if members.last().is_some_and(|m| tag <= m.tag) {
            return Err(error(
                tpos,
                "union tags must be in strictly ascending order",
            ));
        }
        if !types.insert(ty.clone()) {
            return Err(error(pos, "a type cannot be repeated in a union"));
        }
        if !self.eat('|') && !self.peek_is(close) {
            let tok = self.peek();
            let msg = match tok.tok {
                Tok::Punct(',' | ';') => "union members must be separated with '|'".to_owned(),
                _ => format!("'{close}' is expected"),
            };
            return Err(error(tok.pos, msg));
        }
        Ok(UnionMember { ty, tag })
    }
}
