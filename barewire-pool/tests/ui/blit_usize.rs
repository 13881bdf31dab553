// `usize` is not `Blit`: its bytes mean different things on different machines.
use barewire_pool::Arena;

fn main() {
    let arena = Arena::new();
    arena.alloc_slice_copy(&[1usize, 2]);
}
