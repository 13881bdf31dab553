// `reset` cannot run while a value from the arena is in use.
use barewire_pool::Arena;

fn main() {
    let mut arena = Arena::new();
    let value = arena.alloc(String::from("live"));
    arena.reset();
    println!("{}", *value);
}
