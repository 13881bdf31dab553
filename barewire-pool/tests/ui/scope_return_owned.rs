// An `Owned` of a scoped pool cannot be returned from the scope.
use barewire_pool::{Owned, Pool, Scoped};

struct Node<'p> {
    next: Option<Owned<'p, Node<'p>>>,
}

impl Scoped for Node<'_> {
    type At<'p> = Node<'p>;
}

fn main() {
    let escaped = Pool::<Node>::scope(|pool| pool.alloc(Node { next: None }));
    drop(escaped);
}
