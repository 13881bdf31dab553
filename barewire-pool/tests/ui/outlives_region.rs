// An `Owned` cannot outlive the region it came from.
use barewire_pool::Arena;

fn main() {
    let mut arena = Arena::new();
    let value;
    {
        let region = arena.region();
        value = region.alloc(5u32);
    }
    println!("{}", *value);
}
