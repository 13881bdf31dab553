//! Rust types describing their own BARE schema.
//!
//! [`Describe`] maps a Rust type to a schema [`Type`], registering every named
//! type it uses with a [`Builder`]; [`crate::schema()`] prints the result.
//!
//! # Naming
//!
//! - A derived type is named after the Rust type (`#[bare(rename = "...")]`
//!   changes it). A generic instance appends the names of its type arguments:
//!   `Wrapper<u32>` is `WrapperU32`, `Wrapper<String>` is `WrapperStr`,
//!   `Pair<Vec<u8>, Option<Log>>` is `PairDataOptionalLog`.
//! - Struct fields are the Rust names in lowerCamelCase (`order_id` becomes
//!   `orderId`); tuple-struct fields are `f0`, `f1`, ...; fields whose type
//!   has no bytes (`()`, `PhantomData`, skipped fields) are left out.
//! - A newtype struct (`struct Id(u64)`) is an alias: `type Id u64`.
//! - Enum members are the variant names in CONSTANT_CASE.
//! - In a union, a unit variant is a member of its own `void` type named
//!   `{Union}{Variant}`; a newtype variant whose field is a named type no
//!   other variant carries uses that type directly; every other variant
//!   becomes a named type `{Union}{Variant}` (an alias or a struct), so no
//!   union repeats a member type.
//!
//! Definitions come before their first use, except in recursive types, which
//! refer to a type still being defined; [`parse`](super::parse) accepts that.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::wire::{Int, Uint};
use barewire_schema::{DefKind, EnumMember, Field, Schema, Type, TypeDef, UnionMember};

/// A type with a BARE schema.
///
/// Implemented for the std types of the BARE type mapping and by
/// `#[derive(Bare)]`.
///
/// `barewire::schema::<T>()` prints what it describes, and
/// `barewire::schema_model::<T>()` returns it as a model.
///
/// ```
/// #[derive(barewire::Bare)]
/// struct Blob { data: Vec<u8>, dims: Option<[u16; 3]> }
///
/// assert_eq!(
///     barewire::schema::<Blob>(),
///     "type Blob struct {\n  data: data\n  dims: optional<list<u16>[3]>\n}\n"
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no BARE schema",
    label = "`{Self}` does not implement `barewire::schema::Describe`",
    note = "derive it with `#[derive(barewire::Bare)]`, or use a type of the BARE type mapping (see the `barewire` docs)"
)]
pub trait Describe {
    /// The schema type of `Self`, registering the named types it uses.
    fn describe(b: &mut Builder) -> Type;

    /// Whether `Self` is `u8`, so that lists of it are `data`.
    #[doc(hidden)]
    const IS_U8: bool = false;
}

/// Collects the named definitions while types describe themselves.
#[derive(Debug, Default)]
pub struct Builder {
    defs: Vec<TypeDef>,
    pending: Vec<String>,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Self {
        Builder::default()
    }

    /// Describes `T` and returns the named type it becomes (or its type
    /// expression, for anonymous types).
    pub fn describe<T: Describe + ?Sized>(&mut self) -> Type {
        T::describe(self)
    }

    /// Defines `name` with the kind `define` builds, once: a name already
    /// defined, or being defined further up (recursion), is only referred to.
    /// Returns `Type::Named(name)`.
    pub fn define(&mut self, name: String, define: impl FnOnce(&mut Self) -> DefKind) -> Type {
        let known = self.defs.iter().any(|d| d.name == name) || self.pending.contains(&name);
        if !known {
            self.pending.push(name.clone());
            let kind = define(self);
            self.pending.retain(|n| *n != name);
            self.defs.push(TypeDef {
                name: name.clone(),
                kind,
            });
        }
        Type::Named(name)
    }

    /// The name of a generic instance: `base` followed by a name for each
    /// type argument (see the module docs).
    pub fn instance_name(&self, base: &str, args: &[Type]) -> String {
        let mut name = String::from(base);
        for arg in args {
            push_fragment(&mut name, arg);
        }
        name
    }

    /// The finished schema: every definition, dependencies first.
    pub fn finish(self) -> Schema {
        Schema { defs: self.defs }
    }
}

fn push_fragment(name: &mut String, ty: &Type) {
    let word = match ty {
        Type::Uint => "Uint",
        Type::Int => "Int",
        Type::U8 => "U8",
        Type::U16 => "U16",
        Type::U32 => "U32",
        Type::U64 => "U64",
        Type::I8 => "I8",
        Type::I16 => "I16",
        Type::I32 => "I32",
        Type::I64 => "I64",
        Type::F32 => "F32",
        Type::F64 => "F64",
        Type::Bool => "Bool",
        Type::Str => "Str",
        Type::Data => "Data",
        Type::Void => "Void",
        Type::Struct(_) => "Struct",
        Type::Union(_) => "Union",
        Type::Named(n) => n,
        Type::DataFixed(n) => {
            name.push_str(&format!("Data{n}"));
            return;
        }
        Type::Optional(inner) => {
            name.push_str("Optional");
            return push_fragment(name, inner);
        }
        Type::List(inner) => {
            name.push_str("List");
            return push_fragment(name, inner);
        }
        Type::ListFixed(inner, n) => {
            name.push_str("List");
            push_fragment(name, inner);
            name.push_str(&format!("{n}"));
            return;
        }
        Type::Map(k, v) => {
            name.push_str("Map");
            push_fragment(name, k);
            return push_fragment(name, v);
        }
    };
    name.push_str(word);
}

/// A struct kind from fields, leaving out those of type `void`; a struct
/// with no fields left is `void`.
pub fn struct_kind(fields: Vec<(String, Type)>) -> Type {
    let fields: Vec<Field> = fields
        .into_iter()
        .filter(|(_, ty)| *ty != Type::Void)
        .map(|(name, ty)| Field { name, ty })
        .collect();
    if fields.is_empty() {
        Type::Void
    } else {
        Type::Struct(fields)
    }
}

/// One variant of a derived union, for [`union_kind`].
#[derive(Debug)]
pub enum VariantShape {
    /// A unit variant: a `void` member.
    Unit,
    /// A variant with one unnamed field of this type.
    Newtype(Type),
    /// A variant with several fields, or named ones.
    Struct(Vec<(String, Type)>),
}

/// The union kind of a derived enum named `union_name` with the given
/// variants (`(variant name, tag, shape)`), defining a named type for each
/// variant that needs one (see the module docs).
pub fn union_kind(
    b: &mut Builder,
    union_name: &str,
    variants: Vec<(&str, u64, VariantShape)>,
) -> Type {
    let mut members = Vec::with_capacity(variants.len());
    let carried: Vec<Option<Type>> = variants
        .iter()
        .map(|(_, _, shape)| match shape {
            VariantShape::Newtype(ty @ Type::Named(_)) => Some(ty.clone()),
            _ => None,
        })
        .collect();
    for (i, (variant, tag, shape)) in variants.into_iter().enumerate() {
        let own_name = format!("{union_name}{variant}");
        let ty = match shape {
            VariantShape::Unit => b.define(own_name, |_| DefKind::Type(Type::Void)),
            VariantShape::Newtype(ty) => {
                let shared = carried
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.as_ref() == Some(&ty));
                if matches!(ty, Type::Named(_)) && !shared {
                    ty
                } else {
                    b.define(own_name, |_| DefKind::Type(ty))
                }
            }
            VariantShape::Struct(fields) => {
                b.define(own_name, |_| DefKind::Type(struct_kind(fields)))
            }
        };
        members.push(UnionMember { ty, tag });
    }
    Type::Union(members)
}

/// The enum kind of a derived field-less enum from `(member name, value)`
/// pairs (names already in CONSTANT_CASE): members in ascending value order.
pub fn enum_kind(variants: &[(&str, u64)]) -> DefKind {
    let mut members: Vec<EnumMember> = variants
        .iter()
        .map(|&(name, value)| EnumMember {
            name: name.into(),
            value,
        })
        .collect();
    members.sort_by_key(|m| m.value);
    DefKind::Enum(members)
}

macro_rules! primitive {
    ($($t:ty => $v:expr),* $(,)?) => {$(
        impl Describe for $t {
            fn describe(_: &mut Builder) -> Type {
                $v
            }
        }
    )*};
}
primitive! {
    u16 => Type::U16, u32 => Type::U32, u64 => Type::U64,
    i8 => Type::I8, i16 => Type::I16, i32 => Type::I32, i64 => Type::I64,
    f32 => Type::F32, f64 => Type::F64, bool => Type::Bool,
    Uint => Type::Uint, Int => Type::Int,
    str => Type::Str, String => Type::Str, () => Type::Void,
}

impl Describe for u8 {
    fn describe(_: &mut Builder) -> Type {
        Type::U8
    }
    const IS_U8: bool = true;
}

impl<T: ?Sized> Describe for PhantomData<T> {
    fn describe(_: &mut Builder) -> Type {
        Type::Void
    }
}

impl<T: Describe> Describe for [T] {
    fn describe(b: &mut Builder) -> Type {
        if T::IS_U8 {
            Type::Data
        } else {
            Type::List(Box::new(T::describe(b)))
        }
    }
}

impl<T: Describe> Describe for Vec<T> {
    fn describe(b: &mut Builder) -> Type {
        <[T]>::describe(b)
    }
}

impl<T: Describe, const N: usize> Describe for [T; N] {
    fn describe(b: &mut Builder) -> Type {
        if T::IS_U8 {
            Type::DataFixed(N as u64)
        } else {
            Type::ListFixed(Box::new(T::describe(b)), N as u64)
        }
    }
}

impl<T: Describe> Describe for Option<T> {
    fn describe(b: &mut Builder) -> Type {
        Type::Optional(Box::new(T::describe(b)))
    }
}

impl<T: Describe + ?Sized> Describe for Box<T> {
    fn describe(b: &mut Builder) -> Type {
        T::describe(b)
    }
    const IS_U8: bool = T::IS_U8;
}

impl<T: Describe + ?Sized> Describe for &T {
    fn describe(b: &mut Builder) -> Type {
        T::describe(b)
    }
    const IS_U8: bool = T::IS_U8;
}

impl<T: Describe + ?Sized + alloc::borrow::ToOwned> Describe for Cow<'_, T> {
    fn describe(b: &mut Builder) -> Type {
        T::describe(b)
    }
}

impl<K: Describe, V: Describe> Describe for BTreeMap<K, V> {
    fn describe(b: &mut Builder) -> Type {
        let k = K::describe(b);
        Type::Map(Box::new(k), Box::new(V::describe(b)))
    }
}

#[cfg(feature = "std")]
impl<K: Describe, V: Describe, S> Describe for std::collections::HashMap<K, V, S> {
    fn describe(b: &mut Builder) -> Type {
        let k = K::describe(b);
        Type::Map(Box::new(k), Box::new(V::describe(b)))
    }
}

macro_rules! tuples {
    ($(($($name:ident $idx:tt),+))*) => {$(
        /// A tuple is a struct with fields `f0`, `f1`, ...
        impl<$($name: Describe),+> Describe for ($($name,)+) {
            fn describe(b: &mut Builder) -> Type {
                struct_kind(alloc::vec![$((format!("f{}", $idx), $name::describe(b))),+])
            }
        }
    )*};
}
tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_names() {
        let b = Builder::new();
        assert_eq!(b.instance_name("Wrapper", &[Type::U32]), "WrapperU32");
        assert_eq!(b.instance_name("Wrapper", &[Type::Str]), "WrapperStr");
        let list = Type::Optional(Box::new(Type::List(Box::new(Type::Named("Log".into())))));
        assert_eq!(
            b.instance_name("Pair", &[Type::Data, list]),
            "PairDataOptionalListLog"
        );
    }
}
