//! Printing the model in the current BARE schema syntax.
//!
//! Structs and enums print one member per line, indented by two spaces per
//! level; unions print on one line. An explicit `= N` is written only where a
//! tag or value is not the implicit one (previous + 1, first 0), so printing
//! then parsing gives back an equal model.

use core::fmt::{self, Display, Formatter, Write};

use crate::model::{DefKind, EnumMember, Field, Schema, Type, TypeDef, UnionMember};

const INDENT: &str = "  ";

/// Prints every definition followed by a newline, separated by blank lines.
///
/// ```
/// let text = "type A u8\ntype B struct { a: A\nb: optional<B> }";
/// let schema = barewire_schema::parse(text)?;
/// assert_eq!(
///     schema.to_string(),
///     "type A u8\n\ntype B struct {\n  a: A\n  b: optional<B>\n}\n",
/// );
/// assert_eq!(barewire_schema::parse(&schema.to_string())?, schema);
/// # Ok::<(), barewire_schema::Error>(())
/// ```
impl Display for Schema {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, def) in self.defs.iter().enumerate() {
            if i > 0 {
                f.write_char('\n')?;
            }
            writeln!(f, "{def}")?;
        }
        Ok(())
    }
}

/// Prints `type Name <type>` or `type Name enum { ... }`, with no trailing
/// newline.
///
/// ```
/// use barewire_schema::{DefKind, EnumMember, TypeDef};
///
/// let def = TypeDef {
///     name: "Level".into(),
///     kind: DefKind::Enum(vec![
///         EnumMember { name: "LOW".into(), value: 0 },
///         EnumMember { name: "HIGH".into(), value: 5 },
///     ]),
/// };
/// assert_eq!(def.to_string(), "type Level enum {\n  LOW\n  HIGH = 5\n}");
/// ```
impl Display for TypeDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "type {} ", self.name)?;
        match &self.kind {
            DefKind::Type(ty) => write_type(f, ty, 0),
            DefKind::Enum(members) => write_enum(f, members),
        }
    }
}

/// Prints the type as it is written in a schema (nested structs indented as
/// if at the top level).
///
/// ```
/// use barewire_schema::{Field, Type};
///
/// let t = Type::ListFixed(Box::new(Type::Optional(Box::new(Type::DataFixed(4)))), 2);
/// assert_eq!(t.to_string(), "list<optional<data[4]>>[2]");
/// let s = Type::Struct(vec![Field { name: "x".into(), ty: Type::F64 }]);
/// assert_eq!(s.to_string(), "struct {\n  x: f64\n}");
/// ```
impl Display for Type {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_type(f, self, 0)
    }
}

/// The keyword of a primitive type, or `None` for the others.
pub(crate) fn primitive_name(ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::Uint => "uint",
        Type::Int => "int",
        Type::U8 => "u8",
        Type::U16 => "u16",
        Type::U32 => "u32",
        Type::U64 => "u64",
        Type::I8 => "i8",
        Type::I16 => "i16",
        Type::I32 => "i32",
        Type::I64 => "i64",
        Type::F32 => "f32",
        Type::F64 => "f64",
        Type::Bool => "bool",
        Type::Str => "str",
        Type::Data => "data",
        Type::Void => "void",
        _ => return None,
    })
}

fn write_indent(f: &mut Formatter<'_>, level: usize) -> fmt::Result {
    for _ in 0..level {
        f.write_str(INDENT)?;
    }
    Ok(())
}

/// `level` is the indentation of the line the type starts on.
fn write_type(f: &mut Formatter<'_>, ty: &Type, level: usize) -> fmt::Result {
    if let Some(name) = primitive_name(ty) {
        return f.write_str(name);
    }
    match ty {
        Type::DataFixed(n) => write!(f, "data[{n}]"),
        Type::Optional(inner) => {
            f.write_str("optional<")?;
            write_type(f, inner, level)?;
            f.write_char('>')
        }
        Type::List(inner) => {
            f.write_str("list<")?;
            write_type(f, inner, level)?;
            f.write_char('>')
        }
        Type::ListFixed(inner, n) => {
            f.write_str("list<")?;
            write_type(f, inner, level)?;
            write!(f, ">[{n}]")
        }
        Type::Map(key, value) => {
            f.write_str("map<")?;
            write_type(f, key, level)?;
            f.write_str("><")?;
            write_type(f, value, level)?;
            f.write_char('>')
        }
        Type::Union(members) => write_union(f, members, level),
        Type::Struct(fields) => write_struct(f, fields, level),
        Type::Named(name) => f.write_str(name),
        _ => unreachable!("primitives are handled above"),
    }
}

fn write_union(f: &mut Formatter<'_>, members: &[UnionMember], level: usize) -> fmt::Result {
    f.write_str("union {")?;
    let mut next = Some(0u64);
    for (i, member) in members.iter().enumerate() {
        f.write_str(if i == 0 { " " } else { " | " })?;
        write_type(f, &member.ty, level)?;
        if next != Some(member.tag) {
            write!(f, " = {}", member.tag)?;
        }
        next = member.tag.checked_add(1);
    }
    f.write_str(" }")
}

fn write_struct(f: &mut Formatter<'_>, fields: &[Field], level: usize) -> fmt::Result {
    f.write_str("struct {\n")?;
    for field in fields {
        write_indent(f, level + 1)?;
        write!(f, "{}: ", field.name)?;
        write_type(f, &field.ty, level + 1)?;
        f.write_char('\n')?;
    }
    write_indent(f, level)?;
    f.write_char('}')
}

fn write_enum(f: &mut Formatter<'_>, members: &[EnumMember]) -> fmt::Result {
    f.write_str("enum {\n")?;
    let mut next = Some(0u64);
    for member in members {
        write_indent(f, 1)?;
        f.write_str(&member.name)?;
        if next != Some(member.value) {
            write!(f, " = {}", member.value)?;
        }
        f.write_char('\n')?;
        next = member.value.checked_add(1);
    }
    f.write_char('}')
}
