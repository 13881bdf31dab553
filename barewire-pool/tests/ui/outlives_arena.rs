// An `Owned` cannot outlive the arena it came from.
use barewire_pool::Arena;

fn main() {
    let value;
    {
        let arena = Arena::new();
        value = arena.alloc(5u32);
    }
    println!("{}", *value);
}
