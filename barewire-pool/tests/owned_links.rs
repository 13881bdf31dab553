//! Lists linked with `Owned` are tail links of the derive, as lists linked
//! with `Box` are: a million-node list kept in a pool or an arena goes
//! through `to_vec`, `to_layout`, `view`, `check_full` and `from_slice_in`
//! in a loop, on a thread with a 2 MiB stack under the default limits, in
//! both shapes (a union member ending in `Owned<'p, Self>`, a struct ending
//! in `Option<Owned<'p, Self>>`), and its bytes and image are those of its
//! `Box`-linked twin. `layout::to_owned` of it is `Error::NoArena` (an image
//! has no arena), never a panic.
//!
//! The `Owned` chains drop without recursion by themselves (the arena and
//! the pool queue nested drops); the `Box` twins drop in a loop (the `Drop`
//! idiom of the derive docs).

use barewire::layout;
use barewire::{Bare, Error, Limits};
use barewire_pool::{Arena, Owned, Pool, Scoped, from_slice_in, from_slice_in_with};

const N: i32 = 1_000_000;

/// The founding design's list, its nodes linked with `Owned`.
#[derive(Bare)]
enum List<'p> {
    Empty,
    Node(i32, Owned<'p, List<'p>>),
}

impl Scoped for List<'_> {
    type At<'p> = List<'p>;
}

/// The same list linked with `Box`.
#[derive(Bare)]
#[bare(rename = "List")]
enum BoxList {
    Empty,
    Node(i32, Box<BoxList>),
}

impl Drop for BoxList {
    fn drop(&mut self) {
        let mut rest = match self {
            BoxList::Node(_, next) => core::mem::replace(&mut **next, BoxList::Empty),
            BoxList::Empty => return,
        };
        while let BoxList::Node(_, next) = &mut rest {
            rest = core::mem::replace(&mut **next, BoxList::Empty);
        }
    }
}

/// The struct shape: the optional `Owned` link is the last field (spelled
/// with its crate's path).
#[derive(Bare)]
struct Node<'p> {
    value: i32,
    next: Option<barewire_pool::Owned<'p, Self>>,
}

/// The same chain linked with `Box`.
#[derive(Bare)]
#[bare(rename = "Node")]
struct BoxNode {
    value: i32,
    next: Option<Box<BoxNode>>,
}

impl Drop for BoxNode {
    fn drop(&mut self) {
        let mut next = self.next.take();
        while let Some(mut node) = next {
            next = node.next.take();
        }
    }
}

/// Runs `f` on a thread with the stack Rust gives spawned threads (2 MiB):
/// an overflow aborts the test process.
fn on_2mib_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// `Node(0, Node(1, ... Node(n - 1, Empty)))` linked with `Box`.
fn box_list(n: i32) -> BoxList {
    let mut list = BoxList::Empty;
    for i in (0..n).rev() {
        list = BoxList::Node(i, Box::new(list));
    }
    list
}

/// `{0, {1, ... {n - 1, None}}}` linked with `Box`.
fn box_chain(n: i32) -> BoxNode {
    let mut next = None;
    for i in (1..n).rev() {
        next = Some(Box::new(BoxNode { value: i, next }));
    }
    BoxNode { value: 0, next }
}

/// The values of a list, walked in a loop.
fn assert_list(list: &List<'_>, n: i32) {
    let (mut at, mut i) = (list, 0);
    while let List::Node(value, next) = at {
        assert_eq!(*value, i);
        i += 1;
        at = next;
    }
    assert_eq!(i, n);
}

/// The values of a chain, walked in a loop.
fn assert_chain(head: &Node<'_>, n: i32) {
    let (mut at, mut i) = (Some(head), 0);
    while let Some(node) = at {
        assert_eq!(node.value, i);
        i += 1;
        at = node.next.as_deref();
    }
    assert_eq!(i, n);
}

/// Walks the view of a list image.
fn assert_list_view(image: &[u8], n: i32) {
    let mut at = barewire::view::<List<'_>>(image).unwrap();
    let mut i = 0;
    while let Some((value, next)) = at.as_node() {
        assert_eq!(value, i);
        i += 1;
        at = next;
    }
    assert!(at.is_empty());
    assert_eq!(i, n);
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_node_pool_list_goes_through_every_path_on_a_2mib_stack() {
    on_2mib_stack(|| {
        let twin = box_list(N);
        let twin_bytes = barewire::to_vec(&twin);
        let twin_image = barewire::to_layout(&twin);
        drop(twin);

        Pool::<List>::scope(|pool| {
            let mut head = pool.alloc(List::Empty);
            for i in (0..N).rev() {
                head = pool.alloc(List::Node(i, head));
            }
            let list: &List<'_> = &head;
            let bytes = barewire::to_vec(list);
            assert_eq!(barewire::Encode::size_hint(list), bytes.len());
            assert!(bytes == twin_bytes);
            let image = barewire::to_layout(list);
            assert!(image[..] == twin_image[..]);
            assert_list_view(&image, N);
            layout::check_full::<List<'_>>(&image).unwrap();
            assert!(matches!(
                layout::to_owned::<List<'_>>(&image),
                Err(Error::NoArena { .. })
            ));
        });

        // Decoded into an arena, under a depth limit of 1: the links count
        // no level.
        let arena = Arena::new();
        let tight = Limits::DEFAULT.with_max_depth(1);
        let decoded: List<'_> = from_slice_in_with(&arena, &twin_bytes, tight).unwrap();
        assert_list(&decoded, N);
        assert!(barewire::to_vec(&decoded) == twin_bytes);
        let decoded: List<'_> = from_slice_in(&arena, &twin_bytes).unwrap();
        assert!(barewire::to_layout(&decoded)[..] == twin_image[..]);
    });
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_million_node_arena_chain_goes_through_every_path_on_a_2mib_stack() {
    on_2mib_stack(|| {
        let twin = box_chain(N);
        let twin_bytes = barewire::to_vec(&twin);
        let twin_image = barewire::to_layout(&twin);
        drop(twin);

        let arena = Arena::new();
        let mut next = None;
        for i in (1..N).rev() {
            next = Some(arena.alloc(Node { value: i, next }));
        }
        let head = Node { value: 0, next };
        let bytes = barewire::to_vec(&head);
        assert_eq!(barewire::Encode::size_hint(&head), bytes.len());
        assert!(bytes == twin_bytes);
        let image = barewire::to_layout(&head);
        assert!(image[..] == twin_image[..]);

        let view = barewire::view::<Node<'_>>(&image).unwrap();
        let (mut at, mut i) = (Some(view), 0);
        while let Some(node) = at {
            assert_eq!(node.value(), i);
            i += 1;
            at = node.next();
        }
        assert_eq!(i, N);
        layout::check_full::<Node<'_>>(&image).unwrap();
        assert!(matches!(
            layout::to_owned::<Node<'_>>(&image),
            Err(Error::NoArena { .. })
        ));

        let into = Arena::new();
        let decoded: Node<'_> = from_slice_in(&into, &bytes).unwrap();
        assert_chain(&decoded, N);
        assert!(barewire::to_vec(&decoded) == bytes);
        assert!(barewire::to_layout(&decoded)[..] == image[..]);
    });
}

#[test]
fn short_lists_match_their_box_twins() {
    for n in 0..4 {
        let arena = Arena::new();
        let mut list = List::Empty;
        for i in (0..n).rev() {
            list = List::Node(i, arena.alloc(list));
        }
        let twin = box_list(n);
        assert_eq!(barewire::to_vec(&list), barewire::to_vec(&twin));
        assert_eq!(
            barewire::to_layout(&list)[..],
            barewire::to_layout(&twin)[..]
        );
        let back: List<'_> = from_slice_in(&arena, &barewire::to_vec(&twin)).unwrap();
        assert_list(&back, n);
    }
    for n in 1..4 {
        let arena = Arena::new();
        let mut next = None;
        for i in (1..n).rev() {
            next = Some(arena.alloc(Node { value: i, next }));
        }
        let head = Node { value: 0, next };
        let twin = box_chain(n);
        assert_eq!(barewire::to_vec(&head), barewire::to_vec(&twin));
        assert_eq!(
            barewire::to_layout(&head)[..],
            barewire::to_layout(&twin)[..]
        );
        let back: Node<'_> = from_slice_in(&arena, &barewire::to_vec(&twin)).unwrap();
        assert_chain(&back, n);
    }
}

#[test]
fn a_lone_node_rebuilds_and_a_linked_one_needs_an_arena() {
    // No link to follow: nothing to allocate.
    let image = barewire::to_layout(&box_list(0));
    assert!(matches!(
        layout::to_owned::<List<'_>>(&image),
        Ok(List::Empty)
    ));
    let image = barewire::to_layout(&box_chain(1));
    let lone: Node<'_> = layout::to_owned(&image).unwrap();
    assert_chain(&lone, 1);
    // A link: `Error::NoArena` at its pointer, before the rest.
    let image = barewire::to_layout(&box_chain(2));
    assert!(matches!(
        layout::to_owned::<Node<'_>>(&image),
        Err(Error::NoArena { .. })
    ));
}

#[test]
fn decoding_without_an_arena_or_room_is_an_error() {
    let bytes = barewire::to_vec(&box_list(1000));
    // The first link stops a decode without an arena, after the first node
    // (a tag and an `i32`).
    assert!(matches!(
        barewire::from_slice::<List<'_>>(&bytes),
        Err(Error::NoArena { offset: 5 })
    ));
    // Room for the input, not for a thousand nodes.
    let arena = Arena::with_capacity_fixed(bytes.len() + 256);
    assert!(matches!(
        from_slice_in::<List<'_>, _>(&arena, &bytes),
        Err(Error::ArenaFull { .. })
    ));
    let bytes = barewire::to_vec(&box_chain(1000));
    let arena = Arena::with_capacity_fixed(bytes.len() + 256);
    assert!(matches!(
        from_slice_in::<Node<'_>, _>(&arena, &bytes),
        Err(Error::ArenaFull { .. })
    ));
    // Truncated input is an error too.
    let arena = Arena::new();
    assert!(from_slice_in::<Node<'_>, _>(&arena, &bytes[..bytes.len() - 1]).is_err());
}
