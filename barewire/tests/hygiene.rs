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

/// Tail links, walked in loops by the generated code.
#[derive(bw::Bare, Debug, PartialEq)]
#[bare(crate = "bw")]
struct Chain<T> {
    value: T,
    next: std::option::Option<std::boxed::Box<Self>>,
}

#[derive(bw::Bare, Debug, PartialEq)]
#[bare(crate = "bw")]
enum Steps {
    End,
    One(u8, ::std::boxed::Box<Steps>),
    Two {
        a: u8,
        next: std::option::Option<std::boxed::Box<Steps>>,
    },
}

#[test]
fn tail_links_without_the_prelude() {
    let chain = Chain {
        value: 1u8,
        next: std::option::Option::Some(std::boxed::Box::new(Chain {
            value: 2,
            next: std::option::Option::None,
        })),
    };
    let bytes = bw::to_vec(&chain);
    std::assert_eq!(bytes, [1, 1, 2, 0]);
    std::assert_eq!(bw::from_slice::<Chain<u8>>(&bytes).unwrap(), chain);
    let image = bw::to_layout(&chain);
    std::assert_eq!(bw::layout::to_owned::<Chain<u8>>(&image).unwrap(), chain);
    let steps = Steps::One(
        5,
        std::boxed::Box::new(Steps::Two {
            a: 6,
            next: std::option::Option::Some(std::boxed::Box::new(Steps::End)),
        }),
    );
    let bytes = bw::to_vec(&steps);
    std::assert_eq!(bytes, [1, 5, 2, 6, 1, 0]);
    std::assert_eq!(bw::from_slice::<Steps>(&bytes).unwrap(), steps);
    let image = bw::to_layout(&steps);
    std::assert_eq!(bw::layout::to_owned::<Steps>(&image).unwrap(), steps);
}

#[derive(bw::Layout)]
#[bare(crate = "bw")]
#[repr(C)]
struct InPlaceNode<T> {
    on: bool,
    level: Level,
    value: bw::BareOption<T>,
    name: bw::BareStr,
    next: std::option::Option<bw::BarePtr<Self>>,
}

#[derive(bw::Bare, Debug, PartialEq, Clone, Copy)]
#[bare(crate = "bw")]
#[repr(u8)]
enum Level {
    Low,
    High,
}

#[test]
fn explicit_in_place_layouts_without_the_prelude() {
    let mut b = bw::layout::Builder::<InPlaceNode<u16>>::new();
    let next = b.reserve::<InPlaceNode<u16>>();
    let tail = InPlaceNode {
        on: false,
        level: Level::Low,
        value: bw::BareOption::none(0),
        name: b.str("a tail longer than eight"),
        next: std::option::Option::None,
    };
    b.put(next, &tail);
    let head = InPlaceNode {
        on: true,
        level: Level::High,
        value: bw::BareOption::some(7),
        name: b.str("head"),
        next: std::option::Option::Some(b.ptr(next)),
    };
    b.put(b.root(), &head);
    let image = b.finish();
    let view = bw::view::<InPlaceNode<u16>>(&image).unwrap();
    let head = view.get().unwrap();
    std::assert!(head.on && head.level == Level::High);
    std::assert_eq!(head.value.get(), std::option::Option::Some(&7));
    let tail = view.resolve(head.next.as_ref().unwrap()).unwrap();
    std::assert_eq!(view.str(&tail.name).unwrap(), "a tail longer than eight");
}
