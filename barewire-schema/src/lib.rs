//! The BARE schema language for barewire: a typed model, a parser, a printer,
//! the whole-schema checks, and a generator of Rust code ([`codegen`]).
//!
//! `barewire` re-exports this crate as `barewire::schema` (its `parse` and
//! `parse_with` return `barewire_schema::Error`); `barewire-derive`'s
//! `include_schema!`, `barewire-build` and the `barewire` command use it
//! directly. It is `no_std` (with `alloc`) and depends on no other crate.
//!
//! [`parse`] reads the current schema syntax (draft-devault-bare, as bare-ts
//! accepts it without options) into a [`Schema`]; [`parse_with`] and
//! [`ParseOptions::legacy`] also accept the older syntax. The
//! [`Display`](core::fmt::Display) impls print the current syntax, and
//! printing then parsing gives back an equal model.
//!
//! ```
//! use barewire_schema::{parse, DefKind, Type};
//!
//! let text = "
//! ## A person
//! type Person struct {
//!   name: str
//!   friends: list<Person>
//!   kind: Kind
//! }
//!
//! type Kind union { Human | Robot = 7 }
//! type Human void
//! type Robot u32
//! ";
//! let schema = parse(text)?;
//! assert_eq!(schema.defs.len(), 4);
//! assert_eq!(schema.def("Robot").unwrap().kind, DefKind::Type(Type::U32));
//! assert_eq!(parse(&schema.to_string())?, schema);
//! # Ok::<(), barewire_schema::Error>(())
//! ```
//!
//! # What is checked
//!
//! Like bare-ts's compiler by default: type names in `PascalCase`, field names
//! starting with `a-z`, enum members in `CONSTANT_CASE`; no repeated type
//! name, struct field, enum member or union member type; union tags and enum
//! values strictly ascending (implicit ones are previous + 1, first 0) and
//! within `u64`; no empty struct, union, enum or schema; fixed lengths decimal
//! and greater than 0; every named type defined; map keys a primitive type
//! other than `f32`, `f64` and `void` (`data` is allowed), or an enum,
//! possibly through aliases; and no type without a finite value (a struct that
//! contains itself, an alias of itself, a union all of whose members lead back
//! to it, a fixed list of itself). Recursion is fine through `optional`,
//! `list`, `map`, or a union with a member that terminates. Errors are
//! [`Error`] with a 1-based line and column
//! (in characters) of the offending token. Comments start with `#` and end
//! with the line; doc comments (`##`) are not kept in the model but can be read
//! beside it with [`parse_with_docs`].
//!
//! # Where we differ from bare-ts, and why
//!
//! Checked case by case against bare-ts's schema corpus (`barewire/tests/schema_corpus.rs`):
//!
//! - **Accepted, bare-ts rejects** (implementation limits, not spec rules):
//!   - `use-before-defined`: a type may be used before its definition, in
//!     both modes. The spec does not order definitions, and recursive types
//!     need it anyway; bare-ts allows it only with `--legacy`. For the same
//!     reason the recursive `valid` cases (`list-circular-ref`,
//!     `struct-circular-ref-allowed`, `union-circular`, ...) that bare-ts
//!     accepts only with `--legacy` also parse in the default mode.
//!   - `enum-too-big-val`, `union-too-big-tag`: values and tags up to
//!     `u64::MAX`; bare-ts stops at 2^53 - 1 (JavaScript safe integers).
//!   - `data-fixed-too-large`, `list-fixed-too-large`: fixed lengths up to
//!     `u64::MAX`; bare-ts stops at `u32::MAX`.
//!   - `enum-pedantic-partial-val`, `union-pedantic-partial-tag`: there is no
//!     pedantic mode; a partly written set of tags is valid per the spec.
//! - **Rejected by default, accepted with [`ParseOptions::legacy`]**, as in
//!   bare-ts with `--legacy`: `alias-anonymous-struct-legacy`,
//!   `data-fixed-legacy`, `enum-legacy`, `list-fixed-legacy`, `list-legacy`,
//!   `map-legacy`, `string-legacy`, `struct-legacy`, `union-legacy`.
//! - **Rejected like bare-ts although the corpus README calls it a limit**:
//!   `struct-circular-ref` (`type Person struct { bestFriend: Person }`): no
//!   finite value has this type, so no message could ever be written.
//!   `enum-unsorted` and `union-tag-unsorted` are pedantic-mode cases in
//!   bare-ts, but we require ascending tags and values in every mode.
//! - **Accepted with a different model**: an anonymous enum in a type
//!   position (`valid/enum-anonymous`: `gender: enum { ... }` in `Person`)
//!   becomes a definition of its own, named after its path (`PersonGender`;
//!   `XEnum` directly under `type X`; a number appended on a clash), placed
//!   just before the definition that uses it, because [`Type`] has no
//!   anonymous enum.

#![no_std]
#![deny(unsafe_code, missing_docs)]

extern crate alloc;

pub mod case;
mod check;
pub mod codegen;
pub mod compat;
mod docs;
mod error;
mod lex;
mod model;
mod parse;
mod print;
#[cfg(test)]
mod tests;

pub use docs::Docs;
pub use error::Error;
pub use model::{DefKind, EnumMember, Field, Schema, Type, TypeDef, UnionMember};
pub use parse::{MAX_NESTING, ParseOptions, parse, parse_with, parse_with_docs};
