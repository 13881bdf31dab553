//! Type expressions: primitives, `optional`, lists, maps, inline structs,
//! unions and enums, in the current syntax and the legacy one, each level
//! of nesting counted against [`MAX_NESTING`](super::MAX_NESTING).

use alloc::{boxed::Box, format, string::String};

use super::{MAX_MADE_NAME, MAX_NESTING, Parser, legacy_hint, primitive, push_pascal_case};
use crate::error::Error;
use crate::lex::{Pos, Tok, error};
use crate::model::{DefKind, Type, TypeDef};

impl Parser {
    pub(super) fn named(&mut self, name: String, pos: Pos) -> Type {
        self.out.refs.push((name.clone(), pos));
        Type::Named(name)
    }

    /// An anonymous enum in a type position becomes a definition of its own,
    /// placed before the current one and named after the path to it.
    pub(super) fn anonymous_enum(&mut self, pos: Pos) -> Result<Type, Error> {
        let members = self.enum_body()?;
        let mut base = String::new();
        let mut fits = self
            .path
            .iter()
            .all(|part| push_pascal_case(&mut base, part, MAX_MADE_NAME));
        if fits && self.path.len() < 2 {
            fits = push_pascal_case(&mut base, "Enum", MAX_MADE_NAME);
        }
        if !fits {
            let msg = format!(
                "the name made for this anonymous enum from the path to it is longer than \
                 {MAX_MADE_NAME} bytes: define it with 'type Name enum {{ ... }}' and use the name"
            );
            return Err(error(pos, msg));
        }
        // Every name `base{k}` for k below the remembered number is taken.
        let mut name = base.clone();
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(2);
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.next_suffix.insert(base, n);
        self.taken.insert(name.clone());
        self.hoisted.push((
            TypeDef {
                name: name.clone(),
                kind: DefKind::Enum(members),
            },
            pos,
        ));
        Ok(Type::Named(name))
    }

    /// A type, nested at most [`MAX_NESTING`] levels deep.
    pub(super) fn ty(&mut self) -> Result<Type, Error> {
        if self.depth >= MAX_NESTING {
            return Err(self.too_deep());
        }
        self.depth += 1;
        let ty = self.ty_unchecked();
        self.depth -= 1;
        ty
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> Error {
        let msg = format!("types cannot be nested more than {MAX_NESTING} levels deep");
        error(self.peek().pos, msg)
    }

    // The functions a nested type recurses through (`ty`, `ty_unchecked`,
    // `word_type`, `optional_or_list`, `map`, `union_type`, `union`,
    // `struct_type`, `fields`, `legacy_type`, `legacy_list`) are kept small, and the rest
    // out of line, so that each level of nesting takes little stack even
    // without optimizations.

    fn ty_unchecked(&mut self) -> Result<Type, Error> {
        let tok = self.next();
        match tok.tok {
            Tok::Word(word) => self.word_type(word, tok.pos),
            Tok::Punct(c) => self.legacy_type(c, tok.pos),
            Tok::Eof => Err(error(tok.pos, "a type is expected")),
        }
    }

    /// A type that starts with punctuation: the legacy `[]A`, `[n]A`,
    /// `(A | B)` and `{ ... }`.
    fn legacy_type(&mut self, c: char, pos: Pos) -> Result<Type, Error> {
        if !self.legacy {
            return Err(self.not_a_type(c, pos));
        }
        match c {
            '[' => self.legacy_list(),
            '(' => self.union(pos, ')').map(Type::Union),
            '{' => self.fields(pos).map(Type::Struct),
            _ => Err(self.not_a_type(c, pos)),
        }
    }

    /// After the `[` of a legacy `[]A` or `[n]A`.
    fn legacy_list(&mut self) -> Result<Type, Error> {
        let n = self.legacy_length()?;
        let inner = Box::new(self.ty()?);
        Ok(match n {
            None => Type::List(inner),
            Some(n) => Type::ListFixed(inner, n),
        })
    }

    /// The `]` or `n]` of a legacy list: its length, if fixed.
    #[inline(never)]
    fn legacy_length(&mut self) -> Result<Option<u64>, Error> {
        if self.eat(']') {
            return Ok(None);
        }
        let n = self.length()?;
        self.expect(']')?;
        Ok(Some(n))
    }

    #[cold]
    #[inline(never)]
    fn not_a_type(&self, c: char, pos: Pos) -> Error {
        match c {
            '[' => error(pos, legacy_hint("list<A>[n]", "[n]A")),
            '(' => error(pos, legacy_hint("union { A | B }", "(A | B)")),
            '{' => error(pos, legacy_hint("struct { ... }", "{ ... }")),
            _ => error(pos, "a type is expected"),
        }
    }

    /// A type that starts with a word.
    fn word_type(&mut self, word: String, pos: Pos) -> Result<Type, Error> {
        match word.as_str() {
            "optional" => self.optional_or_list(false),
            "list" => self.optional_or_list(true),
            "map" => self.map(),
            "union" => self.union_type(),
            "struct" => self.struct_type(),
            _ => self.leaf_type(word, pos),
        }
    }

    /// After `optional` or `list`.
    fn optional_or_list(&mut self, list: bool) -> Result<Type, Error> {
        self.expect('<')?;
        let inner = self.ty()?;
        self.list_end(list, inner)
    }

    /// After `union`.
    fn union_type(&mut self) -> Result<Type, Error> {
        let open = self.expect('{')?;
        self.union(open, '}').map(Type::Union)
    }

    /// After `struct`.
    fn struct_type(&mut self) -> Result<Type, Error> {
        let open = self.expect('{')?;
        self.fields(open).map(Type::Struct)
    }

    /// The `>` after an optional's or a list's type, and a list's `[n]`.
    #[inline(never)]
    fn list_end(&mut self, list: bool, inner: Type) -> Result<Type, Error> {
        self.expect('>')?;
        let inner = Box::new(inner);
        if !list {
            return Ok(Type::Optional(inner));
        }
        if self.eat('[') {
            let n = self.length()?;
            self.expect(']')?;
            Ok(Type::ListFixed(inner, n))
        } else {
            Ok(Type::List(inner))
        }
    }

    /// A type that starts with a word and has no type inside: `string`,
    /// `data`, an anonymous enum, a name.
    #[inline(never)]
    fn leaf_type(&mut self, word: String, pos: Pos) -> Result<Type, Error> {
        if let Some(ty) = primitive(&word) {
            return Ok(ty);
        }
        Ok(match word.as_str() {
            "string" if self.legacy => Type::Str,
            "string" => return Err(error(pos, legacy_hint("str", "string"))),
            "data" if self.peek_is('[') => {
                self.next();
                let n = self.length()?;
                self.expect(']')?;
                Type::DataFixed(n)
            }
            "data" if self.peek_is('<') => {
                if !self.legacy {
                    return Err(error(self.peek().pos, legacy_hint("data[n]", "data<n>")));
                }
                self.next();
                let n = self.length()?;
                self.expect('>')?;
                Type::DataFixed(n)
            }
            "data" => Type::Data,
            "enum" => self.anonymous_enum(pos)?,
            _ => self.named(word, pos),
        })
    }

    /// After the `map` keyword: `<K><V>`, or `[K]V` in legacy mode.
    fn map(&mut self) -> Result<Type, Error> {
        let legacy = self.map_open()?;
        let key_pos = self.peek().pos;
        let key = self.ty()?;
        self.map_between(legacy, &key, key_pos)?;
        let value = self.ty()?;
        self.map_close(legacy, key, value)
    }

    /// The `>` after a map's value (none in legacy mode).
    #[inline(never)]
    fn map_close(&mut self, legacy: bool, key: Type, value: Type) -> Result<Type, Error> {
        if !legacy {
            self.expect('>')?;
        }
        Ok(Type::Map(Box::new(key), Box::new(value)))
    }

    /// The `<` or (legacy) `[` before a map's key; whether it was `[`.
    #[inline(never)]
    fn map_open(&mut self) -> Result<bool, Error> {
        if self.peek_is('[') {
            if !self.legacy {
                return Err(error(self.peek().pos, legacy_hint("map<A><B>", "map[A]B")));
            }
            self.next();
            return Ok(true);
        }
        self.expect('<')?;
        Ok(false)
    }

    /// What comes between a map's key and its value (`><`, or `]` in legacy
    /// mode); records the key for the checks.
    #[inline(never)]
    fn map_between(&mut self, legacy: bool, key: &Type, key_pos: Pos) -> Result<(), Error> {
        if legacy {
            self.expect(']')?;
        } else {
            if !self.peek_is('>') {
                let msg = "every type must be enclosed with '<>', e.g. 'map<Key><Value>'";
                return Err(error(self.peek().pos, msg));
            }
            self.next();
            self.expect('<')?;
        }
        self.out.map_keys.push((key.clone(), key_pos));
        Ok(())
    }
}
