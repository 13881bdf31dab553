// `Owned` is not `Copy`, even when the value is.
use barewire_pool::Arena;

fn needs_copy<T: Copy>(_: T) {}

fn main() {
    let arena = Arena::new();
    let a = arena.alloc(1u32);
    needs_copy(a);
}
