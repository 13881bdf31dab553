// An `Owned` of a scoped pool cannot be stored outside the scope.
use barewire_pool::{Owned, Pool, Scoped};

struct Node<'p> {
    next: Option<Owned<'p, Node<'p>>>,
}

impl Scoped for Node<'_> {
    type At<'p> = Node<'p>;
}

fn main() {
    let mut kept = Vec::new();
    Pool::<Node>::scope(|pool| kept.push(pool.alloc(Node { next: None })));
    drop(kept);
}
