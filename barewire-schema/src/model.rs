//! The typed model of a BARE schema: what [`parse`](super::parse) returns and
//! what the [`Display`](core::fmt::Display) impls print.

use alloc::{boxed::Box, string::String, vec::Vec};

/// A whole schema: its type definitions, in source order.
///
/// Every implicit union tag and enum value is stored resolved, so two schemas
/// that differ only in which tags are written out compare equal.
///
/// ```
/// use barewire_schema::{DefKind, Schema, Type, TypeDef};
///
/// let schema: Schema = "type Id u64".parse()?;
/// assert_eq!(
///     schema,
///     Schema { defs: vec![TypeDef { name: "Id".into(), kind: DefKind::Type(Type::U64) }] },
/// );
/// assert!(schema.def("Id").is_some());
/// # Ok::<(), barewire_schema::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The type definitions, in source order.
    pub defs: Vec<TypeDef>,
}

impl Schema {
    /// The definition named `name`, if there is one.
    ///
    /// ```
    /// let schema = barewire_schema::parse("type A u8\ntype B list<A>")?;
    /// assert_eq!(schema.def("B").map(|d| d.name.as_str()), Some("B"));
    /// assert!(schema.def("C").is_none());
    /// # Ok::<(), barewire_schema::Error>(())
    /// ```
    pub fn def(&self, name: &str) -> Option<&TypeDef> {
        self.defs.iter().find(|d| d.name == name)
    }
}

/// One named definition: `type Name <type>` or `type Name enum { ... }`.
///
/// ```
/// use barewire_schema::{DefKind, Type, TypeDef};
///
/// let def = TypeDef { name: "Bytes".into(), kind: DefKind::Type(Type::Data) };
/// assert_eq!(def.to_string(), "type Bytes data");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// The type's name (PascalCase).
    pub name: String,
    /// What the name stands for.
    pub kind: DefKind,
}

/// What a [`TypeDef`] defines.
///
/// ```
/// use barewire_schema::{DefKind, EnumMember};
///
/// let schema = barewire_schema::parse("type E enum { A B = 5 }")?;
/// assert_eq!(
///     schema.defs[0].kind,
///     DefKind::Enum(vec![
///         EnumMember { name: "A".into(), value: 0 },
///         EnumMember { name: "B".into(), value: 5 },
///     ]),
/// );
/// # Ok::<(), barewire_schema::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefKind {
    /// `type Name <type>`: a name for a type (an alias, a struct, a union...).
    Type(Type),
    /// `type Name enum { ... }`: an enumeration, members in source order.
    Enum(Vec<EnumMember>),
}

/// One member of an enum, with its value resolved.
///
/// ```
/// use barewire_schema::EnumMember;
///
/// let m = EnumMember { name: "RED".into(), value: 0 };
/// assert_eq!(m.value, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumMember {
    /// The member's name (CONSTANT_CASE).
    pub name: String,
    /// Its value: written (`= N`) or implicit (previous + 1, first 0).
    pub value: u64,
}

/// A BARE type.
///
/// ```
/// use barewire_schema::Type;
///
/// let t = Type::Map(Box::new(Type::Str), Box::new(Type::List(Box::new(Type::U8))));
/// assert_eq!(t.to_string(), "map<str><list<u8>>");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    /// `uint`: unsigned LEB128 varint.
    Uint,
    /// `int`: zig-zag signed varint.
    Int,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `str`: UTF-8 text.
    Str,
    /// `data`: bytes with a length prefix.
    Data,
    /// `data[N]`: exactly N bytes (N > 0).
    DataFixed(u64),
    /// `void`: no bytes.
    Void,
    /// `optional<T>`.
    Optional(Box<Type>),
    /// `list<T>`.
    List(Box<Type>),
    /// `list<T>[N]`: exactly N items (N > 0).
    ListFixed(Box<Type>, u64),
    /// `map<K><V>`.
    Map(Box<Type>, Box<Type>),
    /// `union { A | B = 3 }`: members with resolved tags.
    Union(Vec<UnionMember>),
    /// `struct { name: T ... }`: fields in order.
    Struct(Vec<Field>),
    /// A reference to a [`TypeDef`] by name.
    Named(String),
}

/// One member of a union, with its tag resolved.
///
/// ```
/// use barewire_schema::{Type, UnionMember};
///
/// let u = Type::Union(vec![
///     UnionMember { ty: Type::U8, tag: 0 },
///     UnionMember { ty: Type::Str, tag: 3 },
/// ]);
/// assert_eq!(u.to_string(), "union { u8 | str = 3 }");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnionMember {
    /// The member's type.
    pub ty: Type,
    /// Its tag: written (`= N`) or implicit (previous + 1, first 0).
    pub tag: u64,
}

/// One field of a struct.
///
/// ```
/// use barewire_schema::{Field, Type};
///
/// let f = Field { name: "age".into(), ty: Type::U8 };
/// assert_eq!(f.ty, Type::U8);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Field {
    /// The field's name (starts with a lowercase letter).
    pub name: String,
    /// The field's type.
    pub ty: Type,
}
