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
    string::{String, ToString},
    vec,
    vec::Vec,
};
use core::fmt::Write as _;

use crate::case::{lower_camel, pascal_case, snake_case};
use crate::docs::Docs;
use crate::error::Error;
use crate::model::{DefKind, EnumMember, Field, Schema, Type, UnionMember};

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

impl<'s> Gen<'s> {
    fn new(schema: &'s Schema, docs: &'s Docs, config: &'s Config) -> Self {
        let mut reach = BTreeMap::new();
        let direct: BTreeMap<&str, BTreeSet<&str>> = schema
            .defs
            .iter()
            .map(|d| {
                let mut set = BTreeSet::new();
                if let DefKind::Type(ty) = &d.kind {
                    by_value_names(ty, &mut set);
                }
                (d.name.as_str(), set)
            })
            .collect();
        for d in &schema.defs {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut todo: Vec<&str> = direct[d.name.as_str()].iter().copied().collect();
            while let Some(n) = todo.pop() {
                if seen.insert(n) {
                    if let Some(next) = direct.get(n) {
                        todo.extend(next.iter().copied());
                    }
                }
            }
            reach.insert(d.name.as_str(), seen);
        }
        let mut borrows = BTreeSet::new();
        if config.borrowed {
            loop {
                let before = borrows.len();
                for d in &schema.defs {
                    if let DefKind::Type(ty) = &d.kind {
                        if type_borrows(ty, &borrows) {
                            borrows.insert(d.name.as_str());
                        }
                    }
                }
                if borrows.len() == before {
                    break;
                }
            }
        }
        let mut keys = BTreeSet::new();
        for d in &schema.defs {
            if let DefKind::Type(ty) = &d.kind {
                map_key_names(ty, &mut keys);
            }
        }
        // Aliases of aliases used as keys are keys too.
        loop {
            let before = keys.len();
            let add: Vec<&str> = keys
                .iter()
                .filter_map(|k| match schema.def(k).map(|d| &d.kind) {
                    Some(DefKind::Type(Type::Named(n))) => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            keys.extend(add);
            if keys.len() == before {
                break;
            }
        }
        keys.retain(|k| matches!(schema.def(k).map(|d| &d.kind), Some(DefKind::Type(_))));
        let taken = schema.defs.iter().map(|d| d.name.clone()).collect();
        Gen {
            schema,
            docs,
            config,
            out: String::new(),
            taken,
            reach,
            borrows,
            keys,
            current: String::new(),
        }
    }

    fn krate(&self) -> &str {
        &self.config.crate_path
    }

    fn private(&self, name: &str) -> String {
        format!("{}::__private::{name}", self.krate())
    }

    /// The Rust name of a definition.
    fn type_ident(&self, name: &str) -> String {
        if NOT_RAW.contains(&name) {
            format!("{name}Type")
        } else {
            name.to_owned()
        }
    }

    /// A type name made from `base` that no definition or earlier made name
    /// has.
    fn fresh(&mut self, base: String) -> String {
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn lifetime_of(&self, name: &str) -> &'static str {
        if self.borrows.contains(name) {
            "<'a>"
        } else {
            ""
        }
    }

    fn derives(&self, extra: &[&str]) -> String {
        let mut all: Vec<String> = ["Debug", "Clone"].iter().map(|s| (*s).to_owned()).collect();
        all.extend(
            extra
                .iter()
                .filter(|e| **e == "Copy")
                .map(|s| (*s).to_owned()),
        );
        all.push("PartialEq".to_owned());
        all.extend(
            extra
                .iter()
                .filter(|e| **e != "Copy")
                .map(|s| (*s).to_owned()),
        );
        all.push(format!("{}::Bare", self.krate()));
        for d in &self.config.derives {
            if !all.contains(d) {
                all.push(d.clone());
            }
        }
        format!("#[derive({})]", all.join(", "))
    }

    fn container_attrs(&self, rust_name: &str, schema_name: &str) -> Vec<String> {
        let mut attrs = Vec::new();
        if self.config.crate_path != "::barewire" {
            let krate = self.config.crate_path.trim_start_matches("::");
            attrs.push(format!("#[bare(crate = \"{krate}\")]"));
        }
        if rust_name != schema_name {
            attrs.push(format!("#[bare(rename = \"{schema_name}\")]"));
        }
        attrs
    }

    fn enum_item(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        doc: Option<String>,
        members: &[EnumMember],
    ) {
        let mut attrs = vec![self.derives(&["Copy", "Eq", "PartialOrd", "Ord", "Hash"])];
        attrs.extend(self.container_attrs(rust_name, schema_name));
        if members.iter().any(|m| m.value > i32::MAX as u64) {
            attrs.push("#[repr(u64)]".to_owned());
        }
        let mut used = BTreeSet::new();
        let members = members
            .iter()
            .map(|m| {
                let mut variant = pascal_case(&m.name);
                if variant.is_empty() || NOT_RAW.contains(&variant.as_str()) {
                    variant.push_str("Member");
                }
                let base = variant.clone();
                let mut n = 2;
                while !used.insert(variant.clone()) {
                    variant = format!("{base}{n}");
                    n += 1;
                }
                let mut attrs = Vec::new();
                if crate::case::constant_case(&variant) != m.name {
                    attrs.push(format!("#[bare(rename = \"{}\")]", m.name));
                }
                Member {
                    doc: self.docs.get(&[schema_name, &m.name]).map(str::to_owned),
                    attrs,
                    text: format!("{variant} = {}", m.value),
                }
            })
            .collect();
        self.write_item(Item {
            doc,
            attrs,
            head: format!("pub enum {rust_name}"),
            body: Body::Braced(members),
        });
    }

    /// The item for `type <rust_name> <ty>` (a definition or a made type).
    fn type_item(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        doc: Option<String>,
        ty: &Type,
        path: &[String],
    ) {
        let is_def = self.schema.def(schema_name).is_some();
        let lifetime = if self.config.borrowed && type_borrows(ty, &self.borrows) {
            "<'a>"
        } else {
            ""
        };
        let key = is_def && self.keys.contains(schema_name);
        let mut attrs = vec![if key {
            self.derives(&["Eq", "PartialOrd", "Ord", "Hash"])
        } else {
            self.derives(&[])
        }];
        attrs.extend(self.container_attrs(rust_name, if is_def { schema_name } else { rust_name }));
        let (head, body) = match ty {
            Type::Void => (format!("pub struct {rust_name}"), Body::Unit),
            Type::Struct(fields) => {
                let members = self.fields(fields, path);
                (
                    format!("pub struct {rust_name}{lifetime}"),
                    Body::Braced(members),
                )
            }
            Type::Union(members) => {
                attrs.push(
                    "#[allow(clippy::large_enum_variant, clippy::enum_variant_names)]".to_owned(),
                );
                let variants = self.variants(members, path);
                (
                    format!("pub enum {rust_name}{lifetime}"),
                    Body::Braced(variants),
                )
            }
            _ => {
                if key {
                    attrs.push("#[bare(map_key)]".to_owned());
                }
                let (field_attrs, rust) = self.field_type(ty, path);
                (
                    format!("pub struct {rust_name}{lifetime}"),
                    Body::Tuple(field_attrs, rust),
                )
            }
        };
        self.write_item(Item {
            doc,
            attrs,
            head,
            body,
        });
    }

    fn fields(&mut self, fields: &[Field], path: &[String]) -> Vec<Member> {
        let mut used = BTreeSet::new();
        fields
            .iter()
            .map(|f| {
                let mut ident = snake_case(&f.name);
                if NOT_RAW.contains(&ident.as_str()) || ident.is_empty() {
                    ident.push('_');
                }
                let base = ident.clone();
                let mut n = 2;
                while !used.insert(ident.clone()) {
                    ident = format!("{base}_{n}");
                    n += 1;
                }
                let rust_ident = if KEYWORDS.contains(&ident.as_str()) {
                    format!("r#{ident}")
                } else {
                    ident
                };
                let mut sub = path.to_vec();
                sub.push(f.name.clone());
                let (mut attrs, ty) = self.field_type(&f.ty, &sub);
                if lower_camel(&rust_ident) != f.name {
                    attrs.insert(0, format!("#[bare(rename = \"{}\")]", f.name));
                }
                let doc_path: Vec<&str> = sub.iter().map(String::as_str).collect();
                Member {
                    doc: self.docs.get(&doc_path).map(str::to_owned),
                    attrs,
                    text: format!("pub {rust_ident}: {ty}"),
                }
            })
            .collect()
    }

    fn variants(&mut self, members: &[UnionMember], path: &[String]) -> Vec<Member> {
        let mut used = BTreeSet::new();
        let mut next = Some(0u64);
        members
            .iter()
            .map(|m| {
                let mut variant = String::new();
                fragment(&mut variant, &m.ty);
                let base = variant.clone();
                let mut n = 2;
                while !used.insert(variant.clone()) {
                    variant = format!("{base}{n}");
                    n += 1;
                }
                let mut attrs = Vec::new();
                if next != Some(m.tag) {
                    attrs.push(format!("#[bare(tag = {})]", m.tag));
                }
                next = m.tag.checked_add(1);
                let text = if m.ty == Type::Void {
                    variant
                } else {
                    let mut sub = path.to_vec();
                    sub.push(variant.clone());
                    let (field_attrs, ty) = self.field_type(&m.ty, &sub);
                    let field_attrs: String = field_attrs.iter().map(|a| format!("{a} ")).collect();
                    format!("{variant}({field_attrs}{ty})")
                };
                Member {
                    doc: None,
                    attrs,
                    text,
                }
            })
            .collect()
    }

    /// A field's (or a union member's) Rust type and the attributes it
    /// needs: `#[bare(list)]` where `list<u8>` must be told from `data`.
    fn field_type(&mut self, ty: &Type, path: &[String]) -> (Vec<String>, String) {
        let (data, byte_list) = bytes_in(ty);
        let mut attrs = Vec::new();
        // When a type has both, each `list<u8>` becomes a newtype of its own.
        let wrap_lists = data && byte_list;
        if byte_list && !data {
            attrs.push("#[bare(list)]".to_owned());
        }
        let rust = self.rust_type(ty, path, true, wrap_lists);
        (attrs, rust)
    }

    /// The Rust type of `ty`; `by_value` when the value is stored inline
    /// (not behind a `Vec` or a map), where a recursive name is boxed.
    fn rust_type(
        &mut self,
        ty: &Type,
        path: &[String],
        by_value: bool,
        wrap_lists: bool,
    ) -> String {
        let borrowed = self.config.borrowed;
        match ty {
            Type::Uint => format!("{}::Uint", self.krate()),
            Type::Int => format!("{}::Int", self.krate()),
            Type::U8 => "u8".to_owned(),
            Type::U16 => "u16".to_owned(),
            Type::U32 => "u32".to_owned(),
            Type::U64 => "u64".to_owned(),
            Type::I8 => "i8".to_owned(),
            Type::I16 => "i16".to_owned(),
            Type::I32 => "i32".to_owned(),
            Type::I64 => "i64".to_owned(),
            Type::F32 => "f32".to_owned(),
            Type::F64 => "f64".to_owned(),
            Type::Bool => "bool".to_owned(),
            Type::Void => "()".to_owned(),
            Type::Str if borrowed => "&'a str".to_owned(),
            Type::Str => self.private("String"),
            Type::Data if borrowed => "&'a [u8]".to_owned(),
            Type::Data => format!("{}<u8>", self.private("Vec")),
            Type::DataFixed(n) => format!("[u8; {n}]"),
            Type::List(inner) | Type::ListFixed(inner, _) if wrap_lists && **inner == Type::U8 => {
                let name = self.fresh(made_name(path, "") + "List");
                let rust = self.rust_type(ty, path, by_value, false);
                self.write_item(Item {
                    doc: None,
                    attrs: vec![self.derives(&[])],
                    head: format!("pub struct {name}"),
                    body: Body::Tuple(vec!["#[bare(list)]".to_owned()], rust),
                });
                name
            }
            Type::Optional(inner) => {
                let inner = self.rust_type(inner, path, by_value, wrap_lists);
                format!("{}<{inner}>", self.private("Option"))
            }
            Type::List(inner) => {
                let inner = self.rust_type(inner, path, false, wrap_lists);
                format!("{}<{inner}>", self.private("Vec"))
            }
            Type::ListFixed(inner, n) => {
                let inner = self.rust_type(inner, path, by_value, wrap_lists);
                format!("[{inner}; {n}]")
            }
            Type::Map(key, value) => {
                let key = self.rust_type(key, path, false, wrap_lists);
                let value = self.rust_type(value, path, false, wrap_lists);
                let map = match self.config.map_type {
                    MapType::BTreeMap => self.private("BTreeMap"),
                    MapType::HashMap => "::std::collections::HashMap".to_owned(),
                };
                format!("{map}<{key}, {value}>")
            }
            Type::Struct(_) | Type::Union(_) => {
                let kind = if matches!(ty, Type::Struct(_)) {
                    "Struct"
                } else {
                    "Union"
                };
                let name = self.fresh(made_name(path, kind));
                let lifetime = if borrowed && type_borrows(ty, &self.borrows) {
                    "<'a>"
                } else {
                    ""
                };
                // The made type's members are named (and their doc
                // comments found) by the path to it.
                self.type_item(&name, &name, None, ty, path);
                format!("{name}{lifetime}")
            }
            Type::Named(name) => {
                let rust = format!("{}{}", self.type_ident(name), self.lifetime_of(name));
                let recursive = self
                    .reach
                    .get(name.as_str())
                    .is_some_and(|r| r.contains(self.current.as_str()));
                if by_value && recursive {
                    format!("{}<{rust}>", self.private("Box"))
                } else {
                    rust
                }
            }
        }
    }

    fn write_item(&mut self, item: Item) {
        let out = &mut self.out;
        out.push('\n');
        write_doc(out, item.doc.as_deref(), "");
        for attr in &item.attrs {
            write_attr(out, attr, "");
        }
        match item.body {
            Body::Unit => {
                let _ = writeln!(out, "{};", item.head);
            }
            Body::Tuple(attrs, ty) => {
                let attrs: String = attrs.iter().map(|a| format!("{a} ")).collect();
                let line = format!("{}({attrs}pub {ty});", item.head);
                if line.len() <= MAX_WIDTH {
                    out.push_str(&line);
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{}(", item.head);
                    for attr in attrs.split_whitespace() {
                        let _ = writeln!(out, "    {attr}");
                    }
                    // rustfmt (1.9) writes two spaces between `pub` and a
                    // path starting with `::` when it breaks the type.
                    let fits = format!("    pub {ty},").len() <= MAX_WIDTH;
                    let space = if ty.starts_with("::") && !fits {
                        "  "
                    } else {
                        " "
                    };
                    write_typed_line(out, "    ", &format!("pub{space}{ty}"), ",");
                    out.push_str(");\n");
                }
            }
            Body::Braced(members) => {
                let _ = writeln!(out, "{} {{", item.head);
                for m in members {
                    write_doc(out, m.doc.as_deref(), "    ");
                    for attr in &m.attrs {
                        write_attr(out, attr, "    ");
                    }
                    write_typed_line(out, "    ", &m.text, ",");
                }
                out.push_str("}\n");
            }
        }
    }
}

fn write_doc(out: &mut String, doc: Option<&str>, indent: &str) {
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
fn write_attr(out: &mut String, attr: &str, indent: &str) {
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
fn write_typed_line(out: &mut String, indent: &str, text: &str, end: &str) {
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
fn matching_close(text: &str, open: usize) -> Option<usize> {
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
fn split_top(text: &str) -> Vec<&str> {
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

/// A type name made from the path to an anonymous type: the definition,
/// then each field or variant, in PascalCase; `kind` appended when the
/// anonymous type is the definition's own.
fn made_name(path: &[String], kind: &str) -> String {
    let mut name: String = path.iter().map(|p| pascal_of(p)).collect();
    if path.len() < 2 {
        name.push_str(kind);
    }
    name
}

/// `firstName` or `first_name` as `FirstName`; PascalCase names as they are.
fn pascal_of(part: &str) -> String {
    if part.starts_with(|c: char| c.is_ascii_uppercase()) && !part.contains('_') {
        part.to_owned()
    } else {
        pascal_case(part)
    }
}

/// A union member's variant name from its type (as the derive names
/// generic instances): `U8`, `ListStr`, `MapStrU8`, `Person`.
fn fragment(name: &mut String, ty: &Type) {
    match ty {
        Type::Named(n) => name.push_str(n),
        Type::DataFixed(n) => {
            let _ = write!(name, "Data{n}");
        }
        Type::Optional(inner) => {
            name.push_str("Optional");
            fragment(name, inner);
        }
        Type::List(inner) => {
            name.push_str("List");
            fragment(name, inner);
        }
        Type::ListFixed(inner, n) => {
            name.push_str("List");
            fragment(name, inner);
            let _ = write!(name, "{n}");
        }
        Type::Map(k, v) => {
            name.push_str("Map");
            fragment(name, k);
            fragment(name, v);
        }
        Type::Struct(_) => name.push_str("Struct"),
        Type::Union(_) => name.push_str("Union"),
        other => name.push_str(&pascal_case(&other.to_string())),
    }
}

/// The names a type holds by value (not behind a `list` or a `map`).
fn by_value_names<'a>(ty: &'a Type, out: &mut BTreeSet<&'a str>) {
    match ty {
        Type::Named(n) => {
            out.insert(n);
        }
        Type::Optional(inner) | Type::ListFixed(inner, _) => by_value_names(inner, out),
        Type::Struct(fields) => fields.iter().for_each(|f| by_value_names(&f.ty, out)),
        Type::Union(members) => members.iter().for_each(|m| by_value_names(&m.ty, out)),
        _ => {}
    }
}

/// The names used directly as map keys.
fn map_key_names<'a>(ty: &'a Type, out: &mut BTreeSet<&'a str>) {
    match ty {
        Type::Map(k, v) => {
            if let Type::Named(n) = &**k {
                out.insert(n);
            }
            map_key_names(k, out);
            map_key_names(v, out);
        }
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => {
            map_key_names(inner, out);
        }
        Type::Struct(fields) => fields.iter().for_each(|f| map_key_names(&f.ty, out)),
        Type::Union(members) => members.iter().for_each(|m| map_key_names(&m.ty, out)),
        _ => {}
    }
}

/// Whether a type holds a borrowed `str` or `data` (given the definitions
/// known to).
fn type_borrows(ty: &Type, borrows: &BTreeSet<&str>) -> bool {
    match ty {
        Type::Str | Type::Data => true,
        Type::Named(n) => borrows.contains(n.as_str()),
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => {
            type_borrows(inner, borrows)
        }
        Type::Map(k, v) => type_borrows(k, borrows) || type_borrows(v, borrows),
        Type::Struct(fields) => fields.iter().any(|f| type_borrows(&f.ty, borrows)),
        Type::Union(members) => members.iter().any(|m| type_borrows(&m.ty, borrows)),
        _ => false,
    }
}

/// Whether a type expression (not looking into names, structs or unions,
/// which are types of their own) holds `data` (or `data[N]`), and whether it
/// holds `list<u8>` (or `list<u8>[N]`).
fn bytes_in(ty: &Type) -> (bool, bool) {
    match ty {
        Type::Data | Type::DataFixed(_) => (true, false),
        Type::List(inner) | Type::ListFixed(inner, _) if **inner == Type::U8 => (false, true),
        Type::Optional(inner) | Type::List(inner) | Type::ListFixed(inner, _) => bytes_in(inner),
        Type::Map(k, v) => {
            let (a, b) = bytes_in(k);
            let (c, d) = bytes_in(v);
            (a || c, b || d)
        }
        _ => (false, false),
    }
}

#[cfg(test)]
#[path = "codegen_tests.rs"]
mod tests;
