//! Rust code from a schema: the one generator behind `barewire-build`,
//! `barewire::include_schema!` and `barewire gen`.
//!
//! [`generate`] turns a parsed [`Schema`] into Rust source: one item per
//! definition, each deriving `barewire::Bare`, so that
//! `barewire::schema_model::<T>()` of the generated types gives back the
//! schema (up to the names given to anonymous types).
//!
//! # The mapping
//!
//! | schema | Rust |
//! |---|---|
//! | `type X struct { ... }` | `pub struct X { pub field: T, ... }` |
//! | `type X union { A \| B = 5 }` | `pub enum X { A(A), #[bare(tag = 5)] B(B) }` |
//! | `type X enum { A B = 5 }` | `pub enum X { A = 0, B = 5 }` (`#[repr(u64)]` when a value needs it) |
//! | `type X void` | `pub struct X;` |
//! | `type X T` (any other type) | `pub struct X(pub T);` (a newtype: its schema is the alias) |
//! | `uint`, `int` | `barewire::Uint`, `barewire::Int` |
//! | `u8` ... `i64`, `f32`, `f64`, `bool` | the same primitive |
//! | `str` | `String`, or `&'a str` with [`Config::borrowed`] |
//! | `data` | `Vec<u8>`, or `&'a [u8]` with [`Config::borrowed`] |
//! | `data[N]` | `[u8; N]` |
//! | `list<u8>`, `list<u8>[N]` | `Vec<u8>`, `[u8; N]` with `#[bare(list)]` (kept apart from `data`) |
//! | `void` | `()` (a unit variant in a union) |
//! | `optional<T>` | `Option<T>` |
//! | `list<T>`, `list<T>[N]` | `Vec<T>`, `[T; N]` |
//! | `map<K><V>` | `BTreeMap<K, V>`, or `HashMap<K, V>` with [`MapType::HashMap`] |
//! | an anonymous `struct` or `union` | a type of its own named after the path to it (`PersonAddress`, `EntityStruct`) |
//!
//! - A union member becomes a variant named after its type (`Person`, `U8`,
//!   `ListStr`, `Void`, `Struct`), with `#[bare(tag = N)]` where the tag is
//!   not the previous one plus one.
//! - Enum members become variants in PascalCase with explicit
//!   discriminants; fields become `snake_case` fields (raw identifiers for
//!   Rust keywords). Where the derive would not give back the schema's name
//!   by itself, `#[bare(rename = "...")]` keeps it.
//! - A reference that would make a type contain itself (through structs,
//!   unions, optionals and fixed lists) is boxed: `Option<Box<Node>>`.
//!   `list` and `map` need no box.
//! - `##` doc comments (from [`parse_with_docs`](crate::parse_with_docs))
//!   become `///` doc comments.
//! - Every type derives `Debug`, `Clone`, `PartialEq` and `barewire::Bare`,
//!   plus [`Config::derive`]'s; enums also `Copy`, `Eq`, `Ord` and `Hash`,
//!   and newtypes used as map keys `Eq`, `Ord` and `Hash` with
//!   `#[bare(map_key)]`.
//! - Paths are absolute (`::barewire::__private::String`, ...), so the code
//!   can be included in any module, `no_std` ones too (but for `HashMap`).
//!
//! ```
//! use barewire_schema::{codegen, parse};
//!
//! let schema = parse("type Point struct {\n  x: f64\n  y: f64\n}")?;
//! let rust = codegen::generate(&schema, &codegen::Config::new())?;
//! assert!(rust.contains("pub struct Point {\n    pub x: f64,\n    pub y: f64,\n}"));
//! # Ok::<(), barewire_schema::Error>(())
//! ```

use alloc::{
    borrow::ToOwned,
    collections::{BTreeMap, BTreeSet},
    format,
    string::String,
    vec,
    vec::Vec,
};

use crate::docs::Docs;
use crate::error::Error;
use crate::model::{DefKind, Schema};

mod generate;
mod names;
mod text;

/// Which Rust map `map<K><V>` becomes.
///
/// ```
/// use barewire_schema::codegen::{Config, MapType};
///
/// let mut config = Config::new();
/// config.map_type(MapType::HashMap);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MapType {
    /// `BTreeMap` (the default): ordered, so encoding is canonical, and
    /// available without `std`.
    #[default]
    BTreeMap,
    /// `std::collections::HashMap`.
    HashMap,
}

/// How to generate: extra derives, the map type, borrowed or owned strings,
/// types to leave out, the path of the `barewire` crate.
///
/// ```
/// use barewire_schema::codegen::{generate, Config};
///
/// let schema = barewire_schema::parse("type Name str\ntype Id u64")?;
/// let mut config = Config::new();
/// config.derive("Eq").derive("Hash").borrowed(true).skip("Id");
/// let rust = generate(&schema, &config)?;
/// assert!(rust.contains("#[derive(Debug, Clone, PartialEq, ::barewire::Bare, Eq, Hash)]"));
/// assert!(rust.contains("pub struct Name<'a>(pub &'a str);"));
/// assert!(!rust.contains("struct Id"));
/// # Ok::<(), barewire_schema::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    derives: Vec<String>,
    map_type: MapType,
    borrowed: bool,
    skip: BTreeSet<String>,
    crate_path: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            derives: Vec::new(),
            map_type: MapType::BTreeMap,
            borrowed: false,
            skip: BTreeSet::new(),
            crate_path: "::barewire".to_owned(),
        }
    }
}

impl Config {
    /// The default: owned strings, `BTreeMap`, no extra derives, every type
    /// generated, the crate at `::barewire`.
    ///
    /// ```
    /// let config = barewire_schema::codegen::Config::new();
    /// # let _ = config;
    /// ```
    pub fn new() -> Self {
        Config::default()
    }

    /// Adds a derive to every generated type (`"serde::Serialize"`, `"Eq"`).
    ///
    /// ```
    /// barewire_schema::codegen::Config::new().derive("Hash");
    /// ```
    pub fn derive(&mut self, path: &str) -> &mut Self {
        self.derives.push(path.to_owned());
        self
    }

    /// Which map type `map<K><V>` becomes.
    ///
    /// ```
    /// use barewire_schema::codegen::{Config, MapType};
    /// Config::new().map_type(MapType::HashMap);
    /// ```
    pub fn map_type(&mut self, map_type: MapType) -> &mut Self {
        self.map_type = map_type;
        self
    }

    /// Borrowed `str` and `data` (`&'a str`, `&'a [u8]`; types holding them,
    /// directly or not, get a lifetime `'a`) instead of owned ones.
    ///
    /// ```
    /// barewire_schema::codegen::Config::new().borrowed(true);
    /// ```
    pub fn borrowed(&mut self, borrowed: bool) -> &mut Self {
        self.borrowed = borrowed;
        self
    }

    /// Leaves the type `name` out, so that it can be written by hand (with
    /// `#[derive(Bare)]`, in the same module, and with a lifetime `'a` if
    /// [`borrowed`](Self::borrowed) strings reach it).
    ///
    /// ```
    /// barewire_schema::codegen::Config::new().skip("Timestamp");
    /// ```
    pub fn skip(&mut self, name: &str) -> &mut Self {
        self.skip.insert(name.to_owned());
        self
    }

    /// The path of the `barewire` crate in the generated code (default
    /// `::barewire`), for a crate that renames it.
    ///
    /// ```
    /// barewire_schema::codegen::Config::new().crate_path("::bw");
    /// ```
    pub fn crate_path(&mut self, path: &str) -> &mut Self {
        self.crate_path = path.to_owned();
        self
    }
}

/// Rust source for every definition of `schema` (see the [module
/// docs](self) for the mapping).
///
/// Errors (line and column 0: they are about the configuration, not a place
/// in the text) when a type to skip is not in the schema.
///
/// ```
/// use barewire_schema::{codegen, parse};
///
/// let schema = parse("type Colour enum {\n  RED\n  DARK_BLUE = 4\n}")?;
/// let rust = codegen::generate(&schema, &codegen::Config::new())?;
/// assert!(rust.contains("pub enum Colour {\n    Red = 0,\n    DarkBlue = 4,\n}"));
/// # Ok::<(), barewire_schema::Error>(())
/// ```
pub fn generate(schema: &Schema, config: &Config) -> Result<String, Error> {
    generate_with_docs(schema, &Docs::default(), config)
}

/// [`generate`], with the doc comments of [`parse_with_docs`](crate::parse_with_docs)
/// carried over as `///` comments.
///
/// ```
/// use barewire_schema::{codegen, parse_with_docs, ParseOptions};
///
/// let text = "## A person.\ntype Person struct {\n  ## Their name.\n  name: str\n}";
/// let (schema, docs) = parse_with_docs(text, ParseOptions::default())?;
/// let rust = codegen::generate_with_docs(&schema, &docs, &codegen::Config::new())?;
/// assert!(rust.contains("/// A person.\n#[derive("));
/// assert!(rust.contains("    /// Their name.\n    pub name: ::barewire::__private::String,"));
/// # Ok::<(), barewire_schema::Error>(())
/// ```
pub fn generate_with_docs(schema: &Schema, docs: &Docs, config: &Config) -> Result<String, Error> {
    for name in &config.skip {
        if schema.def(name).is_none() {
            return Err(Error {
                line: 0,
                column: 0,
                message: format!("the type '{name}' to skip is not defined in the schema"),
            });
        }
    }
    let mut g = Gen::new(schema, docs, config);
    g.out.push_str(
        "// Generated by barewire from a BARE schema: do not edit (change the schema instead).\n",
    );
    for def in &schema.defs {
        if config.skip.contains(&def.name) {
            continue;
        }
        g.current = def.name.clone();
        let doc = docs.get(&[def.name.as_str()]).map(str::to_owned);
        let rust_name = g.type_ident(&def.name);
        match &def.kind {
            DefKind::Enum(members) => g.enum_item(&rust_name, &def.name, doc, members),
            DefKind::Type(ty) => {
                let path = vec![def.name.clone()];
                g.type_item(&rust_name, &def.name, doc, ty, &path);
            }
        }
    }
    Ok(g.out)
}

/// Rust keywords that can be raw identifiers (`r#type`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Lines longer than this are broken the way rustfmt breaks them.
const MAX_WIDTH: usize = 100;

struct Gen<'s> {
    schema: &'s Schema,
    docs: &'s Docs,
    config: &'s Config,
    out: String,
    /// Every type name used so far (definitions and made names).
    taken: BTreeSet<String>,
    /// The definitions each definition reaches by value.
    reach: BTreeMap<&'s str, BTreeSet<&'s str>>,
    /// Definitions that hold a borrowed `str` or `data` (with `borrowed`).
    borrows: BTreeSet<&'s str>,
    /// Definitions used as map keys through an alias (a newtype).
    keys: BTreeSet<&'s str>,
    /// The definition being generated.
    current: String,
}

/// One item to write: a struct or an enum, with what goes above it.
struct Item {
    doc: Option<String>,
    attrs: Vec<String>,
    /// `pub struct Name<'a>` ... up to the body.
    head: String,
    body: Body,
}

enum Body {
    /// `;`
    Unit,
    /// `(pub T);`
    Tuple(Vec<String>, String),
    /// `{ ... }`: each member with its doc and attributes.
    Braced(Vec<Member>),
}

struct Member {
    doc: Option<String>,
    attrs: Vec<String>,
    /// `pub name: T,` or `Variant(T),` or `Variant = 3,` (without the comma)
    text: String,
}

#[cfg(test)]
mod tests;
