//! Unit tests of the generator's output.

use alloc::string::String;

use super::{Config, MapType, generate};
use crate::parse::parse;

fn gen_with(text: &str, config: &Config) -> String {
    let schema = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    generate(&schema, config).unwrap()
}

fn gen_default(text: &str) -> String {
    gen_with(text, &Config::new())
}

#[test]
fn prints() {
    extern crate std;
    std::println!(
        "{}",
        gen_default(
            "type X struct { a: map<str><list<u8>> b: data c: list<u8>[4] }\ntype Y union { u8 | list<u8> | X = 7 | void | struct { q: optional<Y> } }\ntype E enum { A_1 B = 3000000000 }"
        )
    );
    let _ = MapType::HashMap;
}
