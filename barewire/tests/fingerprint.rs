//! The type fingerprint covers every layout fact of every type it reaches:
//! a hint on a nested type changes the fingerprint of the types that hold
//! it, so an old file or channel never opens as the new type.
#![cfg(feature = "mmap")]

use barewire::mmap::{fingerprint, fingerprint_text};

macro_rules! version {
    ($name:ident, $($inner_attr:tt)*) => {
        mod $name {
            #[derive(barewire::Bare)]
            pub struct Inner {
                pub id: u32,
                $($inner_attr)*
                pub name: String,
            }
            #[derive(barewire::Bare)]
            pub struct Log {
                pub entries: Vec<Inner>,
                pub first: Option<Box<Inner>>,
            }
        }
    };
}

version!(plain,);
version!(aligned, #[bare(align = 16)]);
version!(out_of_line, #[bare(out_of_line)]);
version!(interned, #[bare(intern)]);

#[test]
fn nested_hints_change_the_fingerprint() {
    let prints = [
        fingerprint::<Vec<plain::Log>>(),
        fingerprint::<Vec<aligned::Log>>(),
        fingerprint::<Vec<out_of_line::Log>>(),
        fingerprint::<Vec<interned::Log>>(),
    ];
    for i in 0..prints.len() {
        for j in i + 1..prints.len() {
            assert_ne!(
                prints[i], prints[j],
                "versions {i} and {j} share a fingerprint"
            );
        }
    }
    // The schema is the same for all four: only the layout facts differ.
    assert_eq!(
        barewire::schema::<plain::Log>(),
        barewire::schema::<interned::Log>()
    );
    // Stable for the same definition.
    assert_eq!(prints[0], fingerprint::<Vec<plain::Log>>());
}

#[test]
fn the_text_names_types_by_order_not_by_path() {
    let text = fingerprint_text::<plain::Log>();
    assert!(!text.contains("plain::"), "{text}");
    assert!(text.contains("layout #0 "), "{text}");
    // Same shape under another module path: same fingerprint.
    mod elsewhere {
        #[derive(barewire::Bare)]
        pub struct Inner {
            pub id: u32,
            pub name: String,
        }
        #[derive(barewire::Bare)]
        pub struct Log {
            pub entries: Vec<Inner>,
            pub first: Option<Box<Inner>>,
        }
    }
    assert_eq!(fingerprint::<plain::Log>(), fingerprint::<elsewhere::Log>());
}

#[test]
fn recursive_types_have_a_fingerprint() {
    #[derive(barewire::Bare)]
    struct Node {
        value: u64,
        next: Option<Box<Node>>,
        children: Vec<Node>,
    }
    let text = fingerprint_text::<Node>();
    assert_eq!(text.matches("layout ").count(), 5, "{text}");
    assert_eq!(fingerprint::<Node>(), fingerprint::<Node>());
}
