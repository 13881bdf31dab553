//! Unit tests of the generator's output (the corpus is compiled and checked
//! against its schemas in `codegen-tests`).

use alloc::string::String;

use super::{Config, MapType, generate, generate_with_docs};
use crate::parse::{ParseOptions, parse, parse_with_docs};

fn gen_with(text: &str, config: &Config) -> String {
    let schema = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    generate(&schema, config).unwrap()
}

fn gen_default(text: &str) -> String {
    gen_with(text, &Config::new())
}

#[track_caller]
fn has(out: &str, needle: &str) {
    assert!(out.contains(needle), "{out}\n--- lacks ---\n{needle}");
}

#[test]
fn structs_fields_and_names() {
    let out = gen_default(
        "type Op struct {\n  type: str\n  self: u8\n  orderId: uint\n  snake_case: int\n  x__y: bool\n}",
    );
    has(
        &out,
        "#[derive(Debug, Clone, PartialEq, ::barewire::Bare)]\npub struct Op {\n",
    );
    has(&out, "    pub r#type: ::barewire::__private::String,\n");
    has(&out, "    pub self_: u8,\n");
    has(&out, "    pub order_id: ::barewire::Uint,\n");
    has(
        &out,
        "    #[bare(rename = \"snake_case\")]\n    pub snake_case: ::barewire::Int,\n",
    );
    has(&out, "    #[bare(rename = \"x__y\")]\n    pub x_y: bool,\n");
}

#[test]
fn aliases_void_and_fixed_lengths() {
    let out = gen_default("type Key data[32]\ntype Nothing void\ntype Pair list<Key>[2]");
    has(&out, "pub struct Key(pub [u8; 32]);\n");
    has(&out, "pub struct Nothing;\n");
    has(&out, "pub struct Pair(pub [Key; 2]);\n");
}

#[test]
fn enums_take_their_values_and_names() {
    let out =
        gen_default("type E enum {\n  A_1\n  DARK_BLUE = 4\n  HUGE = 18446744073709551615\n}");
    has(
        &out,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::barewire::Bare)]\n#[repr(u64)]\npub enum E {\n",
    );
    has(&out, "    #[bare(rename = \"A_1\")]\n    A1 = 0,\n");
    has(&out, "    DarkBlue = 4,\n");
    has(&out, "    Huge = 18446744073709551615,\n");
    assert!(!gen_default("type E enum { A B }").contains("repr"));
}

#[test]
fn unions_take_their_tags_and_box_recursion() {
    let out = gen_default(
        "type U union { u8 | Node = 4 | void | list<str> | struct { a: optional<U> } }\n\
         type Node struct { next: optional<Node> kids: list<Node> }",
    );
    has(
        &out,
        "pub enum U {\n    U8(u8),\n    #[bare(tag = 4)]\n    Node(Node),\n    Void,\n",
    );
    has(
        &out,
        "    ListStr(::barewire::__private::Vec<::barewire::__private::String>),\n",
    );
    has(&out, "    Struct(UStruct),\n");
    has(
        &out,
        "pub struct UStruct {\n    pub a: ::barewire::__private::Option<::barewire::__private::Box<U>>,\n}",
    );
    has(
        &out,
        "    pub next: ::barewire::__private::Option<::barewire::__private::Box<Node>>,\n",
    );
    has(&out, "    pub kids: ::barewire::__private::Vec<Node>,\n");
}

#[test]
fn byte_lists_stay_apart_from_data() {
    let out = gen_default("type B struct {\n  a: list<u8>\n  b: data\n  c: map<data><list<u8>>\n}");
    has(
        &out,
        "    #[bare(list)]\n    pub a: ::barewire::__private::Vec<u8>,\n",
    );
    has(&out, "    pub b: ::barewire::__private::Vec<u8>,\n");
    has(
        &out,
        "pub struct BCList(#[bare(list)] pub ::barewire::__private::Vec<u8>);\n",
    );
    has(
        &out,
        "    pub c: ::barewire::__private::BTreeMap<::barewire::__private::Vec<u8>, BCList>,\n",
    );
}

#[test]
fn configuration() {
    let text = "type Name str\ntype Id u64\ntype People map<Name><Person>\n\
                type Person struct { name: Name tags: list<data> }";
    let mut config = Config::new();
    config
        .derive("Eq")
        .map_type(MapType::HashMap)
        .borrowed(true)
        .skip("Id")
        .crate_path("::bw");
    let out = gen_with(text, &config);
    has(
        &out,
        "#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ::bw::Bare)]\n#[bare(crate = \"bw\")]\n#[bare(map_key)]\npub struct Name<'a>(pub &'a str);\n",
    );
    has(
        &out,
        "pub struct People<'a>(pub ::std::collections::HashMap<Name<'a>, Person<'a>>);\n",
    );
    has(
        &out,
        "pub struct Person<'a> {\n    pub name: Name<'a>,\n    pub tags: ::bw::__private::Vec<&'a [u8]>,\n}",
    );
    has(&out, "::bw::Bare, Eq)]\n");
    assert!(!out.contains("struct Id"), "{out}");

    let schema = parse(text).unwrap();
    let mut config = Config::new();
    config.skip("Nope");
    let err = generate(&schema, &config).unwrap_err();
    assert_eq!(
        err.message,
        "the type 'Nope' to skip is not defined in the schema"
    );
}

#[test]
fn doc_comments_are_carried_over() {
    let text = "## A colour.\n##\n## Of light.\ntype C enum {\n  ## The sky.\n  BLUE\n}\n\
                # not a doc comment\ntype P struct {\n  ## Across.\n  x: f64\n}";
    let (schema, docs) = parse_with_docs(text, ParseOptions::default()).unwrap();
    let out = generate_with_docs(&schema, &docs, &Config::new()).unwrap();
    has(&out, "/// A colour.\n///\n/// Of light.\n#[derive(");
    has(&out, "    /// The sky.\n    Blue = 0,\n");
    has(&out, "    /// Across.\n    pub x: f64,\n");
    assert!(!out.contains("not a doc"), "{out}");
}

#[test]
fn long_lines_are_broken_as_rustfmt_breaks_them() {
    let mut config = Config::new();
    for d in [
        "serde::Serialize",
        "serde::Deserialize",
        "Eq",
        "Hash",
        "PartialOrd",
        "Ord",
    ] {
        config.derive(d);
    }
    let out = gen_with(
        "type A struct { a: map<str><map<str><list<optional<str>>>> }",
        &config,
    );
    has(
        &out,
        "#[derive(\n    Debug,\n    Clone,\n    PartialEq,\n    ::barewire::Bare,\n    serde::Serialize,\n",
    );
    has(
        &out,
        "    pub a: ::barewire::__private::BTreeMap<\n        ::barewire::__private::String,\n        ::barewire::__private::BTreeMap<\n",
    );
}
