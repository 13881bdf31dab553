// A plain pool whose values own each other does not compile (its `Drop`
// would need `#[may_dangle]`): `Pool::scope` is the form that does.
use barewire_pool::{Owned, Pool};

struct Node<'p> {
    next: Option<Owned<'p, Node<'p>>>,
}

fn main() {
    let pool: Pool<Node<'_>> = Pool::new();
    let a = pool.alloc(Node { next: None });
    let _b = pool.alloc(Node { next: Some(a) });
}
