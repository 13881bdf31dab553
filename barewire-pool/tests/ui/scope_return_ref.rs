// Neither a reference into a scoped pool nor the pool itself leaves the scope.
use barewire_pool::{Owned, Pool, Scoped};

struct Node<'p> {
    value: u32,
    next: Option<Owned<'p, Node<'p>>>,
}

impl Scoped for Node<'_> {
    type At<'p> = Node<'p>;
}

fn main() {
    let value: &u32 = Pool::<Node>::scope(|pool| {
        let h = pool.insert(Node { value: 1, next: None });
        &pool.get(h).unwrap().value
    });
    let pool = Pool::<Node>::scope(|pool| pool);
    println!("{value} {}", pool.len());
}
