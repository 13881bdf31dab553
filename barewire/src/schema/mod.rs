//! The BARE schema language: a typed model, a parser and a printer, from
//! the [`barewire_schema`] crate, and [`Describe`], the schema of Rust types.
//!
//! Everything but [`parse`], [`parse_with`] and [`Describe`] is a re-export
//! of `barewire_schema` (see its docs for the rules the parser checks and
//! where they differ from bare-ts's); `parse` and `parse_with` are its
//! functions with errors as [`Error::Schema`], so that
//! they compose with the rest of `barewire` under one error type.
//!
//! ```
//! use barewire::schema::{parse, DefKind, Type};
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
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! # Rust types from a schema
//!
//! [`include_schema!`](crate::include_schema) turns a schema file into Rust
//! types in place, with the generator of [`codegen`] (which documents the
//! mapping); `barewire-build` writes the same code to `OUT_DIR` from a build
//! script, and `barewire gen` to a file.
//!
//! ```
//! // tests/schemas/contacts.bare, relative to the crate's Cargo.toml.
//! barewire::include_schema!("tests/schemas/contacts.bare");
//!
//! let ada = Person {
//!     name: "Ada".into(),
//!     email: "ada@example.com".into(),
//!     gender: Some(Gender::Female),
//! };
//! let contacts = Contacts(vec![Contact::Person(ada)]);
//! let bytes = barewire::to_vec(&contacts);
//! assert_eq!(barewire::from_slice::<Contacts>(&bytes)?, contacts);
//!
//! let text = std::fs::read_to_string("tests/schemas/contacts.bare").unwrap();
//! assert_eq!(barewire::schema_model::<Contacts>().defs.len(), barewire::schema::parse(&text)?.defs.len());
//! # Ok::<(), barewire::Error>(())
//! ```
//!
//! Errors are [`Error::Schema`] with a 1-based line and
//! column (in characters) of the offending token:
//!
//! ```
//! let err = barewire::schema::parse("type A struct {\n  b: B\n}").unwrap_err();
//! assert!(matches!(err, barewire::Error::Schema { line: 2, column: 6, .. }), "{err}");
//! ```

//! # Schema evolution and versioned messages
//!
//! [`compat`] compares two schemas type by type (the rules are in
//! `docs/format.md`, "Evolution").
//!
//! The pattern for messages that evolve: the message on the wire is a union
//! of every version still supported, the union's tag is the version, and
//! each release only adds a member at the end, so the envelope's change is
//! `backward` and no old version changes. A reader decodes whatever version
//! arrives and upgrades it step by step to the current type; a test checks
//! every release step with [`compat`].
//!
//! ```
//! use barewire::Bare;
//! use barewire::schema::{compat, Verdict};
//!
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV1 { name: String }
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV2 { name: String, email: Option<String> }
//! #[derive(Bare, Debug, PartialEq, Clone)]
//! struct UserV3 { first: String, last: String, email: Option<String> }
//!
//! // Each release's envelope: the versions it reads, in order.
//! #[derive(Bare)] #[bare(rename = "User")] enum Release1 { V1(UserV1) }
//! #[derive(Bare)] #[bare(rename = "User")] enum Release2 { V1(UserV1), V2(UserV2) }
//! #[derive(Bare, Debug)] #[bare(rename = "User")]
//! enum User { V1(UserV1), V2(UserV2), V3(UserV3) }
//!
//! // Upgrades, one step each.
//! impl From<UserV1> for UserV2 {
//!     fn from(u: UserV1) -> Self { UserV2 { name: u.name, email: None } }
//! }
//! impl From<UserV2> for UserV3 {
//!     fn from(u: UserV2) -> Self {
//!         let (first, last) = u.name.split_once(' ').unwrap_or((&u.name, ""));
//!         UserV3 { first: first.into(), last: last.into(), email: u.email }
//!     }
//! }
//! impl User {
//!     fn current(self) -> UserV3 {
//!         match self {
//!             User::V1(u) => UserV2::from(u).into(),
//!             User::V2(u) => u.into(),
//!             User::V3(u) => u,
//!         }
//!     }
//! }
//!
//! // Every release step keeps old messages readable by new code.
//! let releases = [
//!     barewire::schema_model::<Release1>(),
//!     barewire::schema_model::<Release2>(),
//!     barewire::schema_model::<User>(),
//! ];
//! for step in releases.windows(2) {
//!     let report = compat(&step[0], &step[1]);
//!     assert_eq!(report.verdict, Verdict::Backward, "{report}");
//! }
//!
//! // A message written by release 1 reads as the current type.
//! let old_bytes = barewire::to_vec(&Release1::V1(UserV1 { name: "Ada Lovelace".into() }));
//! let user: User = barewire::from_slice(&old_bytes)?;
//! assert_eq!(
//!     user.current(),
//!     UserV3 { first: "Ada".into(), last: "Lovelace".into(), email: None },
//! );
//! # Ok::<(), barewire::Error>(())
//! ```
//!

use crate::error::Error;

pub use barewire_schema::compat::{Change, Report, TypeVerdict, Verdict, compat};
pub use barewire_schema::{
    DefKind, Docs, EnumMember, Field, MAX_NESTING, ParseOptions, Schema, Type, TypeDef,
    UnionMember, case, codegen,
};

pub(crate) mod describe;
pub(crate) use describe::Builder;
pub use describe::Describe;

/// Parses and checks a schema in the current syntax: [`barewire_schema::parse`]
/// with its error as [`Error::Schema`].
///
/// Types may be used before they are defined, and may refer to themselves
/// when a finite value still exists (through `optional`, `list`, `map` or a
/// union member that terminates). A schema nested deeper than
/// [`MAX_NESTING`] is an error too. Time and memory are linear in the length
/// of the text.
///
/// ```
/// use barewire::schema::{parse, Field, Type};
///
/// let schema = parse("type Node struct {\n  value: i32\n  next: optional<Node>\n}")?;
/// assert_eq!(
///     schema.defs[0].kind,
///     barewire::schema::DefKind::Type(Type::Struct(vec![
///         Field { name: "value".into(), ty: Type::I32 },
///         Field { name: "next".into(), ty: Type::Optional(Box::new(Type::Named("Node".into()))) },
///     ])),
/// );
///
/// let err = parse("type A struct {\n  b: B\n}").unwrap_err();
/// assert!(matches!(err, barewire::Error::Schema { line: 2, column: 6, .. }), "{err}");
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn parse(text: &str) -> Result<Schema, Error> {
    Ok(barewire_schema::parse(text)?)
}

/// Parses and checks a schema with the given options:
/// [`barewire_schema::parse_with`] with its error as [`Error::Schema`].
///
/// ```
/// use barewire::schema::{parse_with, ParseOptions};
///
/// let schema = parse_with("enum Dir { UP DOWN }\ntype Moves [4]Dir", ParseOptions::legacy())?;
/// assert_eq!(schema.to_string(), "type Dir enum {\n  UP\n  DOWN\n}\n\ntype Moves list<Dir>[4]\n");
/// # Ok::<(), barewire::Error>(())
/// ```
pub fn parse_with(text: &str, options: ParseOptions) -> Result<Schema, Error> {
    Ok(barewire_schema::parse_with(text, options)?)
}
