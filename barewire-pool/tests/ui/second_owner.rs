// Two owners of one value: the second move is rejected.
use barewire_pool::{Arena, Owned};

struct Holder<'p>(Owned<'p, String>);

fn main() {
    let arena = Arena::new();
    let a = arena.alloc(String::from("mine"));
    let first = Holder(a);
    let second = Holder(a);
    drop((first, second));
}
