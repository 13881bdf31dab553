//! A million-node list decoded into an arena (`from_slice_in`), in both
//! shapes of issue 14 (a union whose last member field is `Box<Self>`, a
//! struct whose last field is `Option<Box<Self>>`), on a thread with a 2 MiB
//! stack under the default limits: the derived decoder walks the tail links
//! in a loop, and the strings borrow the arena's copy of the message.

use barewire::Bare;
use barewire_pool::{Arena, ArenaString, from_slice_in};

const N: usize = 1_000_000;

#[derive(Bare)]
enum List<'a> {
    Empty,
    Node(ArenaString<'a>, Box<List<'a>>),
}

impl Drop for List<'_> {
    fn drop(&mut self) {
        // The derive's loop `Drop` idiom: detach each tail before dropping.
        let mut rest = match self {
            List::Node(_, next) => core::mem::replace(&mut **next, List::Empty),
            List::Empty => return,
        };
        while let List::Node(_, next) = &mut rest {
            rest = core::mem::replace(&mut **next, List::Empty);
        }
    }
}

/// The same list with heap strings, to write the message.
#[derive(Bare)]
#[bare(rename = "List")]
enum HeapList {
    Empty,
    Node(String, Box<HeapList>),
}

impl Drop for HeapList {
    fn drop(&mut self) {
        let mut rest = match self {
            HeapList::Node(_, next) => core::mem::replace(&mut **next, HeapList::Empty),
            HeapList::Empty => return,
        };
        while let HeapList::Node(_, next) = &mut rest {
            rest = core::mem::replace(&mut **next, HeapList::Empty);
        }
    }
}

#[derive(Bare)]
struct Node<'a> {
    value: ArenaString<'a>,
    next: Option<Box<Node<'a>>>,
}

impl Drop for Node<'_> {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

fn on_2mib_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn label(i: usize) -> String {
    format!("node {i}")
}

#[test]
#[cfg_attr(miri, ignore = "a million nodes: minutes under Miri")]
fn a_million_node_union_list_decodes_into_an_arena() {
    on_2mib_stack(|| {
        let mut list = HeapList::Empty;
        for i in (0..N).rev() {
            list = HeapList::Node(label(i), Box::new(list));
        }
        let bytes = barewire::to_vec(&list);
        drop(list);

        let arena = Arena::new();
        let decoded: List<'_> = from_slice_in(&arena, &bytes).unwrap();
        let mut at = &decoded;
        let mut n = 0;
        while let List::Node(text, next) = at {
            assert_eq!(text.as_str(), label(n));
            n += 1;
            at = next;
        }
        assert_eq!(n, N);
        // It writes the same bytes back.
        assert!(barewire::to_vec(&decoded) == bytes);
    });
}

#[test]
#[cfg_attr(miri, ignore = "a million nodes: minutes under Miri")]
fn a_million_node_struct_chain_decodes_into_a_region_per_message() {
    on_2mib_stack(|| {
        // The message, node by node: `value`, then `next` (1: present; the
        // last node's is absent).
        let mut bytes = Vec::new();
        for i in 0..N {
            barewire::encode_into(label(i).as_str(), &mut bytes);
            bytes.push(u8::from(i + 1 < N));
        }
        let mut arena = Arena::new();
        let mut region = arena.region();
        for _ in 0..2 {
            {
                let head: Node<'_> = from_slice_in(&region, &bytes).unwrap();
                let mut n = 1;
                let mut at = &head;
                assert_eq!(at.value.as_str(), label(0));
                while let Some(next) = &at.next {
                    assert_eq!(next.value.as_str(), label(n));
                    n += 1;
                    at = next;
                }
                assert_eq!(n, N);
            }
            region.reset();
        }
    });
}
