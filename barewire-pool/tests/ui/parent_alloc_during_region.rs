// While a region borrows the arena, the arena cannot allocate.
use barewire_pool::Arena;

fn main() {
    let mut arena = Arena::new();
    let region = arena.region();
    let outside = arena.alloc(1u8);
    let inside = region.alloc(2u8);
    println!("{} {}", *outside, *inside);
}
