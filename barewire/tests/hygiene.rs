//! Generated code names everything by absolute path: it compiles without the
//! prelude, with the crate renamed, next to items that shadow std names.
#![no_implicit_prelude]

extern crate barewire as bw;
extern crate std;

#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
enum Option {
    Some,
    None,
}
#[allow(dead_code)]
trait Default {}

#[derive(bw::Bare, Debug, PartialEq)]
#[bare(crate = "bw")]
struct Record<'a, T> {
    id: u32,
    name: &'a str,
    tags: std::vec::Vec<std::string::String>,
    inner: std::option::Option<T>,
    #[bare(skip)]
    cache: u8,
}

#[derive(bw::Bare, Debug, PartialEq)]
#[bare(crate = "bw")]
enum Choice {
    A(u8),
    B { x: i16 },
    C,
}

#[derive(bw::Bare, Debug, PartialEq, Clone, Copy)]
#[bare(crate = "bw")]
enum Colour {
    Red = 1,
    Green,
}

#[test]
fn derives_without_the_prelude() {
    let r = Record {
        id: 1,
        name: "n",
        tags: std::vec![std::borrow::ToOwned::to_owned("t")],
        inner: std::option::Option::Some(Colour::Green),
        cache: 0,
    };
    let bytes = bw::to_vec(&r);
    let back: Record<'_, Colour> = bw::from_slice(&bytes).unwrap();
    std::assert_eq!(back, r);
    std::assert_eq!(bw::to_vec(&Choice::B { x: -1 }), [1, 0xff, 0xff]);
    std::assert_eq!(bw::from_slice::<Choice>(&[2]).unwrap(), Choice::C);
    std::assert!(
        bw::schema::<Record<'_, Colour>>().contains("type Colour enum {\n  RED = 1\n  GREEN\n}")
    );
}
