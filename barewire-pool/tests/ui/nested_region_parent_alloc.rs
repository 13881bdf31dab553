// While an inner region lives, the outer region cannot allocate.
use barewire_pool::Arena;

fn main() {
    let mut arena = Arena::new();
    let mut outer = arena.region();
    let inner = outer.region();
    let x = outer.alloc(1u8);
    drop(inner);
    drop(x);
}
