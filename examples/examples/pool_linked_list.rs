//! The founding design's linked list kept in a typed pool: each node owns
//! the next one through an `Owned` link into the same `Pool`. Such a pool
//! borrows itself, so it lives in `Pool::scope`, which frees it when the
//! closure ends; a million nodes are built, walked, written as a layout
//! image (the `Owned` link is a tail link of `#[derive(Bare)]`, so writing
//! and checking loop instead of recursing), read in place from the image,
//! and dropped in constant stack. Then the pool's diagnostics report.
//!
//! Run with `cargo run -p barewire-examples --example pool_linked_list`.

use barewire_pool::{Owned, Pool, Scoped};

/// `enum List { Empty, Node(i32, next) }`, each node owned by the one before.
/// On the wire and in an image it is the `Box`-linked list's twin.
#[derive(barewire::Bare)]
enum List<'p> {
    Empty,
    Node(i32, Owned<'p, List<'p>>),
}

/// Names `List` in a pool borrowed for `'p` (what `Pool::scope` needs).
impl Scoped for List<'_> {
    type At<'p> = List<'p>;
}

/// Walks the list in a loop: constant stack, whatever its length.
fn sum_and_len(list: &List<'_>) -> (i64, usize) {
    let (mut sum, mut len, mut at) = (0, 0, list);
    while let List::Node(value, next) = at {
        sum += i64::from(*value);
        len += 1;
        at = next;
    }
    (sum, len)
}

const NODES: i32 = 1_000_000;

fn main() {
    let report = Pool::<List>::scope(|pool| {
        let mut head = pool.alloc(List::Empty);
        for value in 1..=NODES {
            // Each node takes ownership of the list so far: a move, not a copy.
            head = pool.alloc(List::Node(value, head));
        }
        let (total, len) = sum_and_len(&head);
        println!(
            "built {len} nodes in one pool ({} slots), sum = {total}",
            pool.capacity()
        );
        assert_eq!(total, i64::from(NODES) * i64::from(NODES + 1) / 2);

        // The list as a layout image, checked once and read in place.
        let image = barewire::to_layout(&*head);
        let view = barewire::view::<List>(&image).expect("a valid image");
        let (mut in_image, mut at) = (0i64, view);
        while let Some((value, next)) = at.as_node() {
            in_image += i64::from(value);
            at = next;
        }
        println!(
            "layout image: {} bytes, sum read in place = {in_image}",
            image.len()
        );
        assert_eq!(in_image, total);

        // Dropping the head drops every node without recursing (the pool
        // queues nested drops) and gives each slot back at once.
        drop(head);
        assert!(pool.is_empty());
        println!("head dropped: {} nodes left", pool.len());
        pool.report()
        // Nothing that borrows the pool can leave the closure (a compile
        // error); the pool's memory is freed when it returns.
    });
    print!("\n{report}");
}
