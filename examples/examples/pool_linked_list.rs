//! A linked list built node by node in an arena region, summed recursively,
//! and freed as one region; then the arena's diagnostics report.
//!
//! Run with `cargo run -p barewire-examples --example pool_linked_list`.

use barewire_pool::{Arena, Owned};

/// `enum List { Empty, Node(i32, next) }`, each node owned by the one before.
enum List<'r> {
    Empty,
    Node(i32, Owned<'r, List<'r>>),
}

/// Recursive sum: one stack frame per node, so keep the list modest here.
fn sum(list: &List<'_>) -> i64 {
    match list {
        List::Empty => 0,
        List::Node(value, next) => i64::from(*value) + sum(next),
    }
}

fn len(list: &List<'_>) -> usize {
    let mut n = 0;
    let mut at = list;
    while let List::Node(_, next) = at {
        n += 1;
        at = next;
    }
    n
}

const NODES: i32 = 10_000;

fn main() {
    let mut arena = Arena::with_capacity_fixed(1 << 20);
    {
        let region = arena.region();
        let mut head = region.alloc(List::Empty);
        for value in 1..=NODES {
            // Each node takes ownership of the list so far: a move, not a copy.
            head = region.alloc(List::Node(value, head));
        }
        let total = sum(&head);
        println!(
            "built {} nodes in one region ({} bytes), sum = {total}",
            len(&head),
            region.bytes_in_use()
        );
        assert_eq!(total, i64::from(NODES) * i64::from(NODES + 1) / 2);

        // Dropping the head runs every node's drop without recursing (the
        // arena queues nested drops), then the region's end gives all the
        // bytes back at once.
        drop(head);
    }
    assert_eq!(arena.bytes_in_use(), 0);
    println!("region ended: {} bytes in use\n", arena.bytes_in_use());
    print!("{}", arena.report());
}
